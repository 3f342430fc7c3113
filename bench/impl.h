/* A BLAS implementation under test, behind one interface: flopwatt itself, or a peer
 * loaded at run time (OpenBLAS). */
#ifndef BENCH_IMPL_H
#define BENCH_IMPL_H

#include <stddef.h>

#include "blas_call.h"

typedef struct impl impl;
struct impl {
    const char *name;
    const char *detail; /* version or build, for reports; may be NULL */
    /* Once per call shape, outside the timed region: thread count, configuration.
     * Returns 0, or with a one-line reason in msg: -1 when the call as asked cannot be
     * run (a forced kernel of the wrong kind), -2 when the implementation is unusable. */
    int (*prepare)(impl *self, const blas_call *c, char *msg, size_t len);
    /* One call: c is C (GEMM) or y (GEMV), b is B or x. Returns 0 or an error code. */
    int (*run)(impl *self, const blas_call *c, const void *a, const void *b, void *out);
    void (*close)(impl *self);
    void *state;
};

/* flopwatt through fw_*_ex: the default configuration of the precision with the call's
 * thread count and, when kernel is not NULL, that registry kernel. Returns 0, or -1 with
 * the reason in msg (unknown kernel name). */
int impl_flopwatt_init(impl *self, const char *kernel, char *msg, size_t len);

/* OpenBLAS (or any library with its CBLAS symbols and openblas_set_num_threads) loaded
 * with dlopen(path, RTLD_NOW | RTLD_LOCAL): its cblas_* never bind to flopwatt's own. */
int impl_openblas_init(impl *self, const char *path, char *msg, size_t len);

#endif
