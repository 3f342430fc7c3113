/* The power model used where no meter can be read: W = vCPUs * (Wmin + u * (Wmax - Wmin))
 * with watts per vCPU at idle and at full load from a coefficient file that cites its
 * source (bench/data/power_model.csv), and u the measured utilisation. */
#ifndef BENCH_ENERGY_MODEL_H
#define BENCH_ENERGY_MODEL_H

#include <stddef.h>

#include "energy.h"

/* What a row matches on: x86 CPUID family/model/stepping, or the Arm MIDR fields. */
enum { MODEL_FAMILY, MODEL_MODEL, MODEL_STEPPING, MODEL_IMPLEMENTER, MODEL_PART, MODEL_KEYS };

typedef struct power_model_row {
    int line;                          /* in the file, for messages */
    char vendor[16];                   /* as energy_env.cpu_vendor */
    int lo[MODEL_KEYS], hi[MODEL_KEYS]; /* inclusive ranges; lo -1: any value */
    char name[64];
    double watts_min, watts_max;       /* per vCPU, idle and full load */
    int assumed;                       /* 1: not measured for this CPU (note says why) */
    char note[160];
    char source[160];
} power_model_row;

/* Reads the whole file (every row is checked) and returns the first row that matches env's
 * CPU. Returns 0, or -1 with a one-line reason: the file cannot be read, a line is malformed
 * (named by file and line), or no row matches. */
int energy_model_find(const char *path, const energy_env *env, power_model_row *row, char *why,
                      size_t len);

/* Joules over wall_s seconds of wall time in which the process used cpu_s seconds of CPU:
 * vcpus * Wmin * wall_s + (Wmax - Wmin) * cpu_s, i.e. W = vcpus * (Wmin + u * (Wmax - Wmin))
 * with u = cpu_s / (wall_s * vcpus), u capped at 1. */
double energy_model_joules(double watts_min, double watts_max, int vcpus, double wall_s,
                           double cpu_s);

#endif
