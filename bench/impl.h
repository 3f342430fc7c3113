/* A BLAS implementation under test, behind one interface: flopwatt itself, or a peer
 * loaded at run time (OpenBLAS, BLIS). */
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

/* flopwatt through fw_*_ex: the configuration a plain call of the same shape runs with (the
 * tuned profile's for its class, else the model's), with the call's thread count and, when
 * kernel is not NULL, that registry kernel. Returns 0, or -1 with the reason in msg
 * (unknown kernel name). */
int impl_flopwatt_init(impl *self, const char *kernel, char *msg, size_t len);

/* flopwatt through fw_*_ex with cfg (copied) for every call, the call's thread count aside:
 * how the tuner measures a candidate configuration. */
int impl_flopwatt_init_config(impl *self, const fw_config *cfg, char *msg, size_t len);

/* The registry kernel flopwatt runs c with: forced when not NULL, else its class
 * configuration's. */
const char *impl_flopwatt_kernel(const blas_call *c, const char *forced);
/* 1 when the registry kernel can run c (same precision and kind), 0 otherwise. */
int impl_flopwatt_kernel_fits(const blas_call *c, const char *kernel);

/* A peer BLAS by name ("openblas", "blis") loaded with dlopen(path, RTLD_NOW |
 * RTLD_LOCAL), so its cblas_* never bind to flopwatt's own; path NULL takes the peer's
 * usual library name. prepare() gives it the call's thread count. Returns 0, or -1 with
 * the reason in msg (unknown name, library missing, symbol missing). */
int impl_peer_init(impl *self, const char *name, const char *path, char *msg, size_t len);

/* The library a peer is loaded from by default; NULL for an unknown name. */
const char *impl_peer_library(const char *name);

#endif
