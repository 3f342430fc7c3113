#include "impl.h"

#include <dlfcn.h>
#include <stdint.h>
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

/* What differs between peers: where the library is, how it is told its thread count
 * (BLIS takes a dim_t, 64-bit on 64-bit builds), and how it names its version. */
typedef struct peer_desc {
    const char *name;
    const char *library;     /* default dlopen name */
    const char *set_threads; /* symbol */
    int threads_arg_64;      /* set_threads takes int64_t rather than int */
    const char *version_fn;  /* symbol returning a version or configuration string */
} peer_desc;

static const peer_desc peers[] = {
    {"openblas", "libopenblas.so.0", "openblas_set_num_threads", 0, "openblas_get_config"},
    {"blis", "libblis.so.4", "bli_thread_set_num_threads", 1, "bli_info_get_version_str"},
};
#define NPEERS (int)(sizeof peers / sizeof peers[0])

typedef struct {
    void *handle;
    sgemm_fn sgemm;
    dgemm_fn dgemm;
    sgemv_fn sgemv;
    dgemv_fn dgemv;
    void (*set_threads)(int);
    void (*set_threads_64)(int64_t);
    char detail[160];
} peer_state;

static int peer_prepare(impl *self, const blas_call *c, char *msg, size_t len)
{
    peer_state *s = self->state;
    (void)msg;
    (void)len;
    if (s->set_threads_64)
        s->set_threads_64(c->threads);
    else
        s->set_threads(c->threads);
    return 0;
}

static int peer_run(impl *self, const blas_call *c, const void *a, const void *b, void *out)
{
    peer_state *s = self->state;
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

static void peer_close(impl *self)
{
    peer_state *s = self->state;
    if (s && s->handle)
        dlclose(s->handle);
    free(s);
    self->state = NULL;
}

const char *impl_peer_library(const char *name)
{
    for (int i = 0; i < NPEERS; i++)
        if (strcmp(peers[i].name, name) == 0)
            return peers[i].library;
    return NULL;
}

int impl_peer_init(impl *self, const char *name, const char *path, char *msg, size_t len)
{
    const peer_desc *p = NULL;
    for (int i = 0; i < NPEERS; i++)
        if (strcmp(peers[i].name, name) == 0)
            p = &peers[i];
    if (!p) {
        snprintf(msg, len, "unknown implementation '%s' (flopwatt, openblas, blis)", name);
        return -1;
    }
    if (!path)
        path = p->library;
    peer_state *s = calloc(1, sizeof *s);
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
    const char *names[] = {"cblas_sgemm", "cblas_dgemm", "cblas_sgemv", "cblas_dgemv",
                           p->set_threads};
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
    if (p->threads_arg_64)
        memcpy(&s->set_threads_64, &syms[4], sizeof s->set_threads_64);
    else
        memcpy(&s->set_threads, &syms[4], sizeof s->set_threads);
    /* Optional: which build, version and (OpenBLAS) core type was picked. */
    void *ver = dlsym(s->handle, p->version_fn);
    if (ver) {
        const char *(*get_version)(void);
        memcpy(&get_version, &ver, sizeof get_version);
        snprintf(s->detail, sizeof s->detail, "%s %s", p->name, get_version());
    } else {
        snprintf(s->detail, sizeof s->detail, "%s (%s)", p->name, path);
    }
    self->name = p->name;
    self->detail = s->detail;
    self->prepare = peer_prepare;
    self->run = peer_run;
    self->close = peer_close;
    self->state = s;
    return 0;
}
