#include "impl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CBLAS enums are ints in the C ABI, so the functions are declared with int arguments and
 * no cblas.h is needed. */
typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int,
                         const float *, int, float, float *, int);
typedef void (*dgemm_fn)(int, int, int, int, int, int, double, const double *, int,
                         const double *, int, double, double *, int);
typedef void (*sgemv_fn)(int, int, int, int, float, const float *, int, const float *, int,
                         float, float *, int);
typedef void (*dgemv_fn)(int, int, int, int, double, const double *, int, const double *, int,
                         double, double *, int);

typedef struct {
    void *handle;
    sgemm_fn sgemm;
    dgemm_fn dgemm;
    sgemv_fn sgemv;
    dgemv_fn dgemv;
    void (*set_threads)(int);
} ob_state;

static int ob_prepare(impl *self, const blas_call *c, char *msg, size_t len)
{
    ob_state *s = self->state;
    (void)msg;
    (void)len;
    s->set_threads(c->threads);
    return 0;
}

static int ob_run(impl *self, const blas_call *c, const void *a, const void *b, void *out)
{
    ob_state *s = self->state;
    call_dims d;
    call_dims_get(c, &d);
    if (c->op == CALL_GEMM) {
        if (c->prec == FW_F64)
            s->dgemm(c->layout, c->ta, c->tb, c->m, c->n, c->k, c->alpha, a, d.lda, b, d.ldb,
                     c->beta, out, d.ldc);
        else
            s->sgemm(c->layout, c->ta, c->tb, c->m, c->n, c->k, (float)c->alpha, a, d.lda, b,
                     d.ldb, (float)c->beta, out, d.ldc);
    } else if (c->prec == FW_F64) {
        s->dgemv(c->layout, c->ta, c->m, c->n, c->alpha, a, d.lda, b, 1, c->beta, out, 1);
    } else {
        s->sgemv(c->layout, c->ta, c->m, c->n, (float)c->alpha, a, d.lda, b, 1,
                 (float)c->beta, out, 1);
    }
    return 0;
}

static void ob_close(impl *self)
{
    ob_state *s = self->state;
    if (s && s->handle)
        dlclose(s->handle);
    free(s);
    self->state = NULL;
}

int impl_openblas_init(impl *self, const char *path, char *msg, size_t len)
{
    ob_state *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(msg, len, "out of memory");
        return -1;
    }
    s->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!s->handle) {
        const char *e = dlerror();
        snprintf(msg, len, "cannot load %s: %s", path, e ? e : "unknown error");
        free(s);
        return -1;
    }
    /* dlsym returns void *; going through memcpy keeps -Wpedantic quiet about casting an
     * object pointer to a function pointer. */
    static const char *names[] = {"cblas_sgemm", "cblas_dgemm", "cblas_sgemv", "cblas_dgemv",
                                  "openblas_set_num_threads"};
    void *syms[5];
    for (int i = 0; i < 5; i++) {
        syms[i] = dlsym(s->handle, names[i]);
        if (!syms[i]) {
            snprintf(msg, len, "%s has no symbol %s", path, names[i]);
            dlclose(s->handle);
            free(s);
            return -1;
        }
    }
    memcpy(&s->sgemm, &syms[0], sizeof s->sgemm);
    memcpy(&s->dgemm, &syms[1], sizeof s->dgemm);
    memcpy(&s->sgemv, &syms[2], sizeof s->sgemv);
    memcpy(&s->dgemv, &syms[3], sizeof s->dgemv);
    memcpy(&s->set_threads, &syms[4], sizeof s->set_threads);
    /* Optional: tells which OpenBLAS build and core type was picked. */
    void *cfg = dlsym(s->handle, "openblas_get_config");
    if (cfg) {
        char *(*get_config)(void);
        memcpy(&get_config, &cfg, sizeof get_config);
        self->detail = get_config();
    } else {
        self->detail = NULL;
    }
    self->name = "OpenBLAS";
    self->prepare = ob_prepare;
    self->run = ob_run;
    self->close = ob_close;
    self->state = s;
    return 0;
}
