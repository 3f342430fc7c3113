/* One benchmark run in memory: the machine's fingerprint and build, then one record per
 * measured configuration of each implementation. results.c turns it into the JSON and CSV
 * files (schema in results/README.md) and reads the JSON back. */
#ifndef BENCH_RECORD_H
#define BENCH_RECORD_H

#include <jansson.h>

#include "blas_call.h"
#include "counters.h"

#define RESULTS_SCHEMA_VERSION 1

typedef enum {
    REC_OK = 0,   /* measured and verified */
    REC_WRONG,    /* measured, but the result failed verification: no speed is reported */
    REC_ERROR,    /* could not be measured (the implementation failed or refused) */
} record_status;

/* An energy figure always says where it came from. */
typedef struct energy_figure {
    int present;        /* 0 when energy was not measured for this record */
    char source[32];    /* energy_meter.source: "rapl-powercap", ..., "model" */
    char domain[32];    /* "package", "package+dram", "gpu-board", "model" */
    char detail[256];
    double window_s;    /* seconds the figure was measured over (all timed batches) */
    double joules;      /* per call, gross */
    double dram_joules; /* per call, the DRAM part of joules; NaN when the domain has none */
    double watts;       /* average over the window, gross */
    double idle_watts;  /* measured at rest before the run (model: the model at rest) */
    double above_idle_joules; /* per call: joules - idle_watts * seconds per call */
    double above_idle_watts;
    double gflops_per_watt;   /* median GFLOP/s / watts (gross) */
} energy_figure;

typedef struct bench_record {
    char config[160];      /* "dgemm_col_nn_1024x1024x1024_t2": the configuration, also
                              the likwid region name; the same for every implementation */
    char shape_class[16];  /* "square", "small", "skinny", "gemv" */
    blas_call call;
    char impl[32];         /* "flopwatt", "openblas", "blis" */
    char impl_detail[128]; /* version, core type, forced kernel... */
    char kernel[64];       /* flopwatt: the registry kernel; peers: "" */
    record_status status;
    char why[256];         /* when not REC_OK */

    /* Timing: raw seconds per call of each sample, and their statistics. */
    int warmups;
    long inner;            /* calls per sample */
    int nsamples;
    double *times;         /* nsamples entries, owned by the record */
    double median, min, max, mean;
    double ci_lo, ci_hi;   /* 95% confidence interval of the median */
    double cv;             /* coefficient of variation (stddev / mean) */
    int unstable;          /* the interval is wider than the run's threshold */

    /* Rates at the median time (NaN when not REC_OK). */
    double gflops, gflops_best; /* best: at the minimum time */
    double pct_peak;            /* of the measured FMA peak for the thread count */
    double gbytes_per_s;        /* GEMV: minimum traffic / time; NaN for GEMM */
    double intensity;           /* GEMV: FLOP per byte of minimum traffic; NaN for GEMM */

    /* Verification of what the timed calls produced. */
    int verified_ok;
    long checked;
    double worst;           /* largest |error| / bound; ok needs <= 1 */

    int ncounters;
    counter_value counters[COUNTERS_MAX];
    energy_figure energy;
} bench_record;

typedef struct bench_run {
    json_t *info;           /* flopwatt info's object (one reference, owned by the run) */
    json_t *options;        /* the suite's options as given (owned likewise) */
    char machine_id[128];
    char started_utc[32], finished_utc[32]; /* "2026-11-24T10:00:00Z" */
    char compiler[128], cflags[512], git_revision[64];
    int complete;           /* 0 when interrupted */
    char incomplete_reason[128];
    int nrecords, cap;
    bench_record *records;
} bench_run;

/* The words result files use for a record's status and call: "ok" | "wrong" | "error",
 * "gemm" | "gemv", "s" | "d" (layout and transposes: layout_name, trans_name). */
const char *record_status_name(record_status s);
const char *record_op_name(call_op op);
const char *record_prec_name(fw_precision p);

/* An empty run; bench_run_free releases the records' samples and the JSON references. */
void bench_run_init(bench_run *r);
void bench_run_free(bench_run *r);
/* Appends a copy of rec (times copied). Returns 0 or -1 when out of memory. */
int bench_run_add(bench_run *r, const bench_record *rec);

#endif
