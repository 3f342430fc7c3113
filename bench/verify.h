/* Correctness of a measured call: against a reference on a sample of entries, and between
 * two implementations on every entry. Bounds are the standard a-priori error bounds of a
 * dot product (Higham, "Accuracy and Stability of Numerical Algorithms", 3.1) with a safety
 * factor of 2, so a correct implementation with any summation order passes and a wrong one
 * fails by orders of magnitude. */
#ifndef BENCH_VERIFY_H
#define BENCH_VERIFY_H

#include "blas_call.h"
#include "operands.h"

typedef struct verify_result {
    int ok;
    long checked;       /* entries compared */
    double worst;       /* largest |error| / bound seen; ok needs worst <= 1 */
    int row, col;       /* entry where worst was seen */
    double got, want;   /* its values (want: reference or the other implementation) */
} verify_result;

/* An empty, passing result. */
void verify_init(verify_result *r);

/* Checks out[i] after ncalls calls since it was reset (beta != 0 accumulates), on the
 * corners and edges of C plus nrandom random entries, against an extended-precision
 * reference computed from A, B and C0. */
void verify_sample(const blas_call *c, const operands *o, int i, int ncalls, int nrandom,
                   verify_result *r);

/* Checks the single entry (row, col) of out[i] against the reference, adding to *r. */
void verify_entry(const blas_call *c, const operands *o, int i, int ncalls, int row, int col,
                  verify_result *r);

/* Compares out[i] and out[j] on every entry with a normwise bound (Cauchy-Schwarz on the
 * rows of op(A) and columns of op(B)). Only meaningful when beta == 0, where the result
 * does not depend on how many calls ran; returns with r->checked == 0 otherwise. */
void verify_cross(const blas_call *c, const operands *o, int i, int j, verify_result *r);

/* One line describing a failed result, for tables and errors. */
void verify_describe(const verify_result *r, char *buf, size_t len);

#endif
