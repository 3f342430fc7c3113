/* Energy meters behind one interface: open, read cumulative joules, close. Backends, tried
 * in this order for the CPU: RAPL through powercap sysfs, RAPL through the perf "power"
 * PMU, PAPI's rapl/powercap components, and, where none can be read, a model labelled
 * "model" everywhere it appears. NVML measures an NVIDIA GPU board (opened on its own).
 * Knows nothing about what is being measured. */
#ifndef BENCH_ENERGY_H
#define BENCH_ENERGY_H

#include <stddef.h>

/* Where the backends look: the real system, or a fixture tree in tests. */
typedef struct energy_env {
    const char *sysfs_root;   /* prefix of /sys/... paths: "" for the real system */
    const char *nvml_library; /* dlopen name of NVML: "libnvidia-ml.so.1" */
    const char *model_file;   /* power-model coefficients (bench/data/power_model.csv) */
    const char *cpu_vendor;   /* "GenuineIntel", "AuthenticAMD", "ARM": model row matching */
    int cpu_family, cpu_model, cpu_stepping; /* x86 CPUID family/model/stepping; Arm: */
    int arm_implementer, arm_part;           /* MIDR fields (-1 when not Arm) */
    int vcpus;                /* logical CPUs of the machine (the model's scale) */
} energy_env;

/* The real system: sysfs_root "", FLOPWATT_SYSFS_ROOT, FLOPWATT_NVML_LIB and
 * FLOPWATT_POWER_MODEL override the three paths; the CPU fields from CPUID (x86) or
 * /proc/cpuinfo (Arm); vcpus = online CPUs. */
void energy_env_default(energy_env *env);

/* Cumulative since open. joules is the whole domain; dram_joules is the DRAM part of it
 * (NaN when the domain has none). */
typedef struct energy_sample {
    double joules;
    double dram_joules;
} energy_sample;

typedef struct energy_meter energy_meter;
struct energy_meter {
    char source[32];  /* "rapl-powercap", "rapl-perf", "papi-rapl", "papi-powercap", "nvml",
                         "model" */
    char domain[32];  /* "package", "package+dram", "gpu-board" or "model" */
    char detail[256]; /* what is summed (zones, devices) or, for the model, the coefficient
                         row and its cited source */
    int measured;     /* 1 for a meter, 0 for the model */
    /* Joules since open, wrap-around handled; call at least once per wrap period (RAPL:
     * about a minute at full power). Returns 0, or -1 when the read failed. */
    int (*read)(energy_meter *m, energy_sample *out);
    /* The model only (NULL for meters, which see the whole package whatever runs): from now
     * on charge vcpus vCPUs (the threads the measured work uses), as the model's published
     * coefficients are per vCPU used; energy counted so far is kept. */
    void (*set_scope)(energy_meter *m, int vcpus);
    void (*close)(energy_meter *m);
    void *state;
};

typedef struct energy_backend {
    const char *name; /* as energy_meter.source */
    /* Returns 0 with *m open, or -1 with "reason; how to fix it" in why (one line). */
    int (*open)(const energy_env *env, energy_meter *m, char *why, size_t len);
} energy_backend;

/* Every backend, in the order they are tried for the CPU (the model last), then NVML. */
int energy_backend_count(void);
const energy_backend *energy_backend_at(int i);
const energy_backend *energy_backend_find(const char *name); /* NULL if unknown */

/* What one backend said when tried. */
typedef struct energy_status {
    const char *name;
    int available;
    char why[256]; /* when not available: reason and fix */
} energy_status;

/* Opens the first CPU backend that works (the model when no meter can be read). Fills
 * status[0..cap) with what each backend tried said and returns how many it filled, or -1
 * when not even the model could be opened (every reason is in status). */
int energy_open_cpu(const energy_env *env, energy_meter *m, energy_status *status, int cap);

/* Every backend, including NVML, tried and closed at once: for flopwatt info. Returns the
 * count filled. */
int energy_probe_all(const energy_env *env, energy_status *status, int cap);

/* Average power at rest: reads m across seconds of sleep. Returns 0 and *watts, or -1. */
int energy_idle_watts(energy_meter *m, double seconds, double *watts);

#endif
