/* One GEMM or GEMV call as the benchmarks describe it: operation, precision, layout,
 * transposes, shape, scalars and thread count. Operands are stored tightly (leading
 * dimension = stored rows for column-major, stored columns for row-major). */
#ifndef BENCH_BLAS_CALL_H
#define BENCH_BLAS_CALL_H

#include <stddef.h>

#include "flopwatt.h"

typedef enum { CALL_GEMM = 0, CALL_GEMV = 1 } call_op;

typedef struct blas_call {
    call_op op;
    fw_precision prec;
    fw_layout layout;
    fw_trans ta, tb; /* GEMV uses ta only */
    int m, n, k;     /* GEMV: A is m x n, k unused */
    double alpha, beta;
    int threads;
} blas_call;

/* Storage of the three operands: A, then B (GEMM) or x (GEMV), then C or y. */
typedef struct call_dims {
    int lda, ldb, ldc;         /* ldb, ldc unused by GEMV (unit increments) */
    size_t a_len, b_len, c_len; /* elements */
    /* op(X)(r, s) at x[r*rs + s*cs]; for GEMV, "b" is x and "c" is y (rs = 1, cs = 0). */
    long rs_a, cs_a, rs_b, cs_b, rs_c, cs_c;
    int rows, cols, depth;     /* C (or y: rows x 1) is rows x cols; depth = k, or xlen */
} call_dims;

void call_dims_get(const blas_call *c, call_dims *d);

size_t call_elem_size(const blas_call *c);
/* Floating-point operations: 2mnk for GEMM, 2mn for GEMV. */
double call_flops(const blas_call *c);
/* Bytes a GEMV must move at least: A once, x, y (twice when beta != 0). 0 for GEMM. */
double call_bytes(const blas_call *c);

/* "dgemm col nt 1024x1024x1024" style, for tables and errors. */
void call_describe(const blas_call *c, char *buf, size_t len);

const char *trans_name(fw_trans t); /* "n" or "t" */
const char *layout_name(fw_layout l); /* "col" or "row" */

#endif
