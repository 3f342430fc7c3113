/* The perf "power" PMU as sysfs describes it (/sys/bus/event_source/devices/power): its
 * type number, the energy-pkg and energy-ram events (config, scale in joules per count),
 * and the CPUs to open them on (cpumask: one CPU per package). Apart from the meter so
 * tests can check the parsing on fixture trees, where perf_event_open cannot succeed. */
#ifndef BENCH_ENERGY_PERF_H
#define BENCH_ENERGY_PERF_H

#include <stddef.h>

#define PERF_POWER_MAX_CPUS 64

typedef struct perf_power_event {
    int present;
    unsigned long long config; /* from "event=0x02" */
    double scale;              /* joules per count (the .unit file must say Joules) */
} perf_power_event;

typedef struct perf_power_pmu {
    int type;                  /* perf_event_attr.type */
    perf_power_event pkg, ram; /* pkg always present; ram only where the PMU has it */
    int cpus[PERF_POWER_MAX_CPUS];
    int ncpus;
    int paranoid_known;        /* <root>/proc/sys/kernel/perf_event_paranoid was read */
    int paranoid;
} perf_power_pmu;

/* Reads the PMU under <sysfs_root>/sys/bus/event_source/devices/power and the
 * perf_event_paranoid level under <sysfs_root>/proc. Returns 0, or -1 with a one-line
 * reason naming the missing or malformed file. */
int energy_perf_parse(const char *sysfs_root, perf_power_pmu *pmu, char *why, size_t len);

#endif
