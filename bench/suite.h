/* The benchmark suite: which configurations (operation, precision, shape, threads) a run
 * measures. The default follows the core library's targets: square GEMM over log-spaced
 * sizes, the skinny and small shapes, GEMV both ways; each at 1 thread and at all cores. */
#ifndef BENCH_SUITE_H
#define BENCH_SUITE_H

#include <stddef.h>

#include "blas_call.h"

enum { SUITE_SQUARE = 1, SUITE_SMALL = 2, SUITE_SKINNY = 4, SUITE_GEMV = 8, SUITE_ALL = 15 };
#define SUITE_MAX_LIST 64

typedef struct suite_opts {
    int quick;      /* the subset that runs in under two minutes */
    int precs;      /* bit 0: single, bit 1: double */
    int classes;    /* SUITE_* bits */
    int nsquare, square[SUITE_MAX_LIST]; /* square GEMM sizes; 0 entries: the default */
    int ngemv, gemv[SUITE_MAX_LIST];     /* GEMV sizes (m = n); 0 entries: the default */
    int nthreads, threads[SUITE_MAX_LIST];
} suite_opts;

typedef struct suite_config {
    char name[96];        /* "dgemm_col_nn_1024x1024x1024_t2": files, tables, likwid */
    const char *shape_class; /* "square", "small", "skinny", "gemv" */
    blas_call call;
} suite_config;

/* Parses "square,small,skinny,gemv" into SUITE_* bits; -1 when a name is unknown. */
int suite_parse_classes(const char *list);

/* The configurations of o, in the order they run. Returns the count (*out malloc'd), or
 * -1 with a one-line reason. */
int suite_build(const suite_opts *o, suite_config **out, char *why, size_t len);

#endif
