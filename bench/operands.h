/* Operand buffers of one call: A and B (or x) shared by every implementation, one output
 * C (or y) per implementation, and the initial C when beta != 0. */
#ifndef BENCH_OPERANDS_H
#define BENCH_OPERANDS_H

#include "blas_call.h"

#define OPERANDS_MAX_OUT 4

typedef struct operands {
    call_dims dims;
    void *a, *b;
    void *c0;                       /* initial C; NULL when beta == 0 */
    void *out[OPERANDS_MAX_OUT];    /* one C per implementation */
    int nout;
} operands;

/* Bytes the operands of a call need with nout outputs. */
double operands_bytes(const blas_call *c, int nout);

/* Memory the system can give without swapping (MemAvailable), in bytes; 0 if unknown. */
double operands_available_memory(void);

/* Returns 0 when the operands of c with nout outputs fit in the memory available, or -1
 * with a one-line reason in msg. */
int operands_fit(const blas_call *c, int nout, char *msg, size_t len);

/* Allocates and fills A, B (and C0) with reproducible values in [-1, 1). Returns 0, or -1
 * with a one-line reason in msg (too large for memory, or allocation failed). */
int operands_alloc(operands *o, const blas_call *c, int nout, char *msg, size_t len);

/* Puts out[i] back to its state before the first call: C0, or NaN when beta == 0 so an
 * implementation that reads C despite beta == 0 shows up as wrong. */
void operands_reset_out(operands *o, const blas_call *c, int i);

void operands_free(operands *o);

#endif
