/* The table a bench run ends with: each configuration's GFLOP/s per implementation,
 * flopwatt against the best peer, and GFLOP/s per watt with the energy figure's source;
 * then the geometric mean of the ratios per shape class. */
#ifndef BENCH_SUMMARY_H
#define BENCH_SUMMARY_H

#include <stdio.h>

#include "record.h"

void bench_summary_print(const bench_run *run, FILE *f);

#endif
