/* Measures one BLAS call on one or more implementations: operands, preparation, interleaved
 * timing with the run's meters and counters read around every measured batch, then
 * verification of what the timed calls produced. */
#ifndef BENCH_RUNNER_H
#define BENCH_RUNNER_H

#include "blas_call.h"
#include "counters.h"
#include "energy.h"
#include "impl.h"
#include "sampler.h"
#include "verify.h"

typedef enum { RUN_OK = 0, RUN_WRONG, RUN_ERROR } run_status;

typedef struct run_opts {
    sampler_opts sampler;
    int verify_random; /* random entries checked against the reference, besides the edges */
    /* Optional: one more task timed interleaved with the implementations, under the same
     * conditions (a ceiling, such as reading an array of the matrix's size). NULL if none. */
    sampler_task *companion;
    double companion_median; /* out: its median seconds per call, NaN if it failed */
    energy_meter *meter;     /* read around every measured batch; NULL: no energy */
    counter_set *counters;   /* started and stopped around every measured batch; opened for
                                the call's thread count; NULL: no counters */
    const char *region;      /* likwid region name prefix (the configuration); NULL: none */
    /* Operands the caller allocated for this call (operands_alloc, at least n outputs) to
     * reuse across run_call calls: outputs are reset first, nothing is freed. NULL: run_call
     * allocates and frees its own. */
    operands *ops;
} run_opts;

typedef struct impl_result {
    run_status status;
    char why[256];          /* when not RUN_OK */
    int samples;
    long inner;             /* calls per sample */
    double *times;          /* seconds per call of each sample; owned: impl_result_free */
    double t_median, t_min; /* seconds per call */
    verify_result check;    /* against the reference */
    /* Summed over the measured batches only. */
    long calls;
    double window_s;        /* seconds timed */
    double joules, dram_joules; /* NaN when no meter (dram: when the domain has none) */
    int ncounters;
    counter_value counters[COUNTERS_MAX];
} impl_result;

/* Default options for a one-off measurement: 1 warm-up, 5 to 50 samples of >= 1 ms each. */
void run_opts_default(run_opts *o);

/* Measures c on impls[0..n) (n <= OPERANDS_MAX_OUT), filling res[0..n). With several
 * implementations every output is also compared on every entry with the first one's, and
 * an entry where two disagree is checked against the reference to tell which is wrong.
 * Returns 0 when the call could be set up (res says how each implementation did), or with a
 * one-line reason in msg: -1 when the call cannot be run as asked (operands too large for
 * memory, a forced kernel that does not fit), -2 when an implementation is unusable, -3
 * when the sampler was stopped (res then holds nothing). */
int run_call(const blas_call *c, impl **impls, int n, run_opts *o, impl_result *res,
             char *msg, size_t len);

/* Frees what run_call allocated in res[0..n). */
void impl_result_free(impl_result *res, int n);

#endif
