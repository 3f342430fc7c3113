/* The backends behind energy.h, one file each; energy.c lists them in the order they are
 * tried. Every open follows energy_backend.open: 0 with *m ready, or -1 with "reason; how
 * to get measured energy" in why. */
#ifndef BENCH_ENERGY_BACKENDS_H
#define BENCH_ENERGY_BACKENDS_H

#include <stddef.h>

#include "energy.h"

int energy_powercap_open(const energy_env *env, energy_meter *m, char *why, size_t len);
int energy_perf_open(const energy_env *env, energy_meter *m, char *why, size_t len);
int energy_papi_rapl_open(const energy_env *env, energy_meter *m, char *why, size_t len);
int energy_papi_powercap_open(const energy_env *env, energy_meter *m, char *why, size_t len);
int energy_model_open(const energy_env *env, energy_meter *m, char *why, size_t len);
int energy_nvml_open(const energy_env *env, energy_meter *m, char *why, size_t len);

#endif
