/* From what the runner measured to the record a result file keeps: statistics of the raw
 * times, rates against the measured peak, verification, counters and energy per call. */
#ifndef BENCH_RECORD_FILL_H
#define BENCH_RECORD_FILL_H

#include "energy.h"
#include "record.h"
#include "runner.h"
#include "suite.h"

typedef struct record_context {
    double peak_gflops;   /* measured FMA peak for the record's thread count; NaN unknown */
    double unstable_ci;   /* relative width of the median's 95% interval called unstable */
    int warmups;
    const energy_meter *meter; /* NULL: no energy */
    double idle_watts;    /* NaN when not measured */
} record_context;

/* Fills rec for implementation im's result r on configuration cfg. rec->times points
 * into r (bench_run_add copies it). */
void record_fill(bench_record *rec, const suite_config *cfg, const impl *im,
                 const char *kernel, const impl_result *r, const record_context *ctx);

/* A record for an implementation that could not be measured on cfg at all. */
void record_fill_error(bench_record *rec, const suite_config *cfg, const impl *im,
                       const char *why);

#endif
