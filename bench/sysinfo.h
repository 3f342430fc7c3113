/* flopwatt info: what this machine is, what it can do (measured peak and bandwidth), how
 * flopwatt was built, and which counter and energy backends work here (or why not). The
 * fingerprint is a JSON object; every result file embeds it. */
#ifndef BENCH_SYSINFO_H
#define BENCH_SYSINFO_H

#include <stdio.h>

#include <jansson.h>

#include "flopwatt.h"

typedef struct sysinfo_opts {
    int measure;      /* 0: leave out the peak and bandwidth measurements */
    int quick;        /* shorter measurements (make bench QUICK=1) */
} sysinfo_opts;

/* Collects everything (a new reference, NULL only when out of memory). */
json_t *sysinfo_collect(const sysinfo_opts *o);

/* The human-readable form of a collected object. */
void sysinfo_print(const json_t *info, FILE *f);

/* Accessors on a collected object. */
const char *sysinfo_machine_id(const json_t *info); /* folder name under results/ */
/* Measured FMA peak in GFLOP/s for one core or all cores; NaN when not measured. */
double sysinfo_peak_gflops(const json_t *info, fw_precision p, int all_cores);
double sysinfo_bandwidth_gbs(const json_t *info, int all_cores);

#endif
