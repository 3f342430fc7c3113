/* The backend table and what is built on it: the default environment, opening the CPU
 * meter, probing every backend, and the idle baseline.
 *
 * Environment variables read by energy_env_default (for tests and unusual machines):
 *   FLOPWATT_SYSFS_ROOT   prefix of the /sys and /proc paths the meters read (a fixture
 *                         tree); the CPU is read from <root>/proc/cpuinfo when it has one
 *   FLOPWATT_NVML_LIB     the NVML library to dlopen instead of libnvidia-ml.so.1
 *   FLOPWATT_POWER_MODEL  the power-model coefficient file instead of
 *                         bench/data/power_model.csv */
#include "energy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu_id.h"
#include "energy_backends.h"
#include "timer.h"

#ifndef FW_DATA_DIR
#define FW_DATA_DIR "bench/data"
#endif

/* The CPU meters in the order they are tried (the model, which always exists, last), then
 * NVML, which measures a GPU board and is opened on its own. */
static const energy_backend backends[] = {
    {"rapl-powercap", energy_powercap_open},
    {"rapl-perf", energy_perf_open},
    {"papi-rapl", energy_papi_rapl_open},
    {"papi-powercap", energy_papi_powercap_open},
    {"model", energy_model_open},
    {"nvml", energy_nvml_open},
};
enum { BACKEND_COUNT = sizeof backends / sizeof backends[0], CPU_BACKEND_COUNT = BACKEND_COUNT - 1 };

int energy_backend_count(void) { return BACKEND_COUNT; }

const energy_backend *energy_backend_at(int i)
{
    return i >= 0 && i < BACKEND_COUNT ? &backends[i] : NULL;
}

const energy_backend *energy_backend_find(const char *name)
{
    for (int i = 0; name && i < BACKEND_COUNT; i++)
        if (strcmp(backends[i].name, name) == 0)
            return &backends[i];
    return NULL;
}

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && v[0] ? v : fallback;
}

void energy_env_default(energy_env *env)
{
    static fw_cpu_id cpu; /* env points into it */
    memset(env, 0, sizeof *env);
    env->sysfs_root = env_or("FLOPWATT_SYSFS_ROOT", "");
    env->nvml_library = env_or("FLOPWATT_NVML_LIB", "libnvidia-ml.so.1");
    env->model_file = env_or("FLOPWATT_POWER_MODEL", FW_DATA_DIR "/power_model.csv");
    if (fw_cpu_id_read(env->sysfs_root, &cpu) != 0)
        fw_cpu_id_read("", &cpu); /* a fixture tree without proc/cpuinfo: this machine's CPU */
    env->cpu_vendor = cpu.vendor;
    env->cpu_family = cpu.family;
    env->cpu_model = cpu.model;
    env->cpu_stepping = cpu.stepping;
    env->arm_implementer = cpu.arm_implementer;
    env->arm_part = cpu.arm_part;
    env->vcpus = cpu.logical_cpus;
}

/* Tries backend b into *m and records what it said in *st (when st is given). */
static int try_backend(const energy_backend *b, const energy_env *env, energy_meter *m,
                       energy_status *st)
{
    char why[sizeof st->why] = "";
    int rc = b->open(env, m, why, sizeof why);
    if (rc != 0 && !why[0])
        snprintf(why, sizeof why, "%s could not be opened", b->name);
    if (st) {
        st->name = b->name;
        st->available = rc == 0;
        snprintf(st->why, sizeof st->why, "%s", rc == 0 ? "" : why);
    }
    return rc;
}

int energy_open_cpu(const energy_env *env, energy_meter *m, energy_status *status, int cap)
{
    int filled = 0;
    for (int i = 0; i < CPU_BACKEND_COUNT; i++) {
        energy_status *st = i < cap ? &status[i] : NULL;
        int rc = try_backend(&backends[i], env, m, st);
        filled += st != NULL;
        if (rc == 0)
            return filled;
    }
    return -1;
}

int energy_probe_all(const energy_env *env, energy_status *status, int cap)
{
    int filled = 0;
    for (int i = 0; i < BACKEND_COUNT && filled < cap; i++) {
        energy_meter m;
        if (try_backend(&backends[i], env, &m, &status[filled++]) == 0)
            m.close(&m);
    }
    return filled;
}

int energy_idle_watts(energy_meter *m, double seconds, double *watts)
{
    if (!(seconds > 0))
        return -1;
    energy_sample before, after;
    if (m->read(m, &before) != 0)
        return -1;
    double t0 = timer_now();
    struct timespec rest = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    while (nanosleep(&rest, &rest) != 0 && errno == EINTR)
        ; /* a signal cut the sleep short: sleep the remainder */
    double elapsed = timer_now() - t0;
    if (m->read(m, &after) != 0 || !(elapsed > 0))
        return -1;
    *watts = (after.joules - before.joules) / elapsed;
    return 0;
}
