#include "impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int kernel; /* registry index forced by the user, or -1 */
    int fixed;  /* 1: cfg was given whole (impl_flopwatt_init_config) */
    int plain;  /* 1: the call's configuration is the library's own: run the plain entry
                   points, as an application does (no per-call check of a configuration) */
    fw_config cfg;
    char detail[512]; /* version and where the configurations come from */
} fw_state;

static const char *kind_name(fw_kernel_kind k)
{
    return k == FW_KIND_GEMM ? "gemm" : k == FW_KIND_GEMV_N ? "gemv_n" : "gemv_t";
}

/* The GEMV kernel a call runs: N on column-major A (or row-major A transposed), T else. */
static fw_kernel_kind gemv_kind(const blas_call *c)
{
    return fw_gemv_class(c->layout, c->ta) == FW_CLASS_GEMV_N ? FW_KIND_GEMV_N : FW_KIND_GEMV_T;
}

/* The configuration a plain call of this shape runs with. */
static void call_config(const blas_call *c, fw_config *cfg)
{
    fw_class_config(c->prec,
                    c->op == CALL_GEMM ? fw_gemm_class(c->m, c->n, c->k)
                                       : fw_gemv_class(c->layout, c->ta),
                    cfg);
}

static int fw_prepare(impl *self, const blas_call *c, char *msg, size_t len)
{
    fw_state *s = self->state;
    if (!s->fixed)
        call_config(c, &s->cfg);
    /* A class configuration that caps the threads itself would override the call's count
     * on the plain entry points. */
    s->plain = !s->fixed && s->kernel < 0 && (s->cfg.threads == 0 || s->cfg.threads == c->threads);
    s->cfg.threads = c->threads;
    if (s->kernel >= 0) {
        const fw_kernel_info *k = fw_kernel_at(s->kernel);
        fw_kernel_kind want = c->op == CALL_GEMM ? FW_KIND_GEMM : gemv_kind(c);
        if (k->kind != want) {
            snprintf(msg, len, "kernel %s is a %s kernel but this call runs a %s kernel",
                     k->name, kind_name(k->kind), kind_name(want));
            return -1;
        }
        if (k->prec != c->prec) {
            snprintf(msg, len, "kernel %s is %s but the call is %s", k->name,
                     k->prec == FW_F64 ? "double" : "single",
                     c->prec == FW_F64 ? "double" : "single");
            return -1;
        }
        if (want == FW_KIND_GEMM) {
            s->cfg.gemm_kernel = s->kernel;
            /* The blocking must fit the new tile (multiples of MR and NR). */
            fw_model_blocking(fw_caches(), k->mr, k->nr, (int)call_elem_size(c), &s->cfg.mc,
                              &s->cfg.kc, &s->cfg.nc);
        } else if (want == FW_KIND_GEMV_N) {
            s->cfg.gemv_n_kernel = s->kernel;
        } else {
            s->cfg.gemv_t_kernel = s->kernel;
        }
    }
    char why[200];
    if (fw_config_check(c->prec, &s->cfg, why, sizeof why) != 0) {
        snprintf(msg, len, "flopwatt configuration rejected: %s", why);
        return s->kernel >= 0 || s->fixed ? -1 : -2; /* a default one is not the caller's fault */
    }
    return 0;
}

/* The call through the entry points an application uses, on c->threads threads. */
static int run_plain(const blas_call *c, const call_dims *d, const void *a, const void *b,
                     void *out)
{
    fw_set_num_threads(c->threads);
    if (c->op == CALL_GEMM) {
        if (c->prec == FW_F64)
            return fw_dgemm(c->layout, c->ta, c->tb, c->m, c->n, c->k, c->alpha, a, d->lda, b,
                            d->ldb, c->beta, out, d->ldc);
        return fw_sgemm(c->layout, c->ta, c->tb, c->m, c->n, c->k, (float)c->alpha, a, d->lda,
                        b, d->ldb, (float)c->beta, out, d->ldc);
    }
    if (c->prec == FW_F64)
        return fw_dgemv(c->layout, c->ta, c->m, c->n, c->alpha, a, d->lda, b, 1, c->beta, out,
                        1);
    return fw_sgemv(c->layout, c->ta, c->m, c->n, (float)c->alpha, a, d->lda, b, 1,
                    (float)c->beta, out, 1);
}

static int fw_run(impl *self, const blas_call *c, const void *a, const void *b, void *out)
{
    fw_state *s = self->state;
    call_dims d;
    call_dims_get(c, &d);
    if (s->plain)
        return run_plain(c, &d, a, b, out);
    if (c->op == CALL_GEMM) {
        if (c->prec == FW_F64)
            return fw_dgemm_ex(c->layout, c->ta, c->tb, c->m, c->n, c->k, c->alpha, a, d.lda,
                               b, d.ldb, c->beta, out, d.ldc, &s->cfg);
        return fw_sgemm_ex(c->layout, c->ta, c->tb, c->m, c->n, c->k, (float)c->alpha, a,
                           d.lda, b, d.ldb, (float)c->beta, out, d.ldc, &s->cfg);
    }
    if (c->prec == FW_F64)
        return fw_dgemv_ex(c->layout, c->ta, c->m, c->n, c->alpha, a, d.lda, b, 1, c->beta,
                           out, 1, &s->cfg);
    return fw_sgemv_ex(c->layout, c->ta, c->m, c->n, (float)c->alpha, a, d.lda, b, 1,
                       (float)c->beta, out, 1, &s->cfg);
}

static void fw_close(impl *self)
{
    free(self->state);
    self->state = NULL;
}

static int init(impl *self, int kernel, const fw_config *cfg, char *msg, size_t len)
{
    fw_state *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(msg, len, "out of memory");
        return -1;
    }
    s->kernel = kernel;
    s->fixed = cfg != NULL;
    if (cfg)
        s->cfg = *cfg;
    const char *profile = fw_profile_in_use();
    if (cfg)
        snprintf(s->detail, sizeof s->detail, "flopwatt %s, explicit configuration",
                 FLOPWATT_VERSION);
    else
        snprintf(s->detail, sizeof s->detail, "flopwatt %s, %s%s", FLOPWATT_VERSION,
                 profile ? "tuned profile " : "analytical model defaults (no tuned profile)",
                 profile ? profile : "");
    self->name = "flopwatt";
    self->detail = s->detail;
    self->prepare = fw_prepare;
    self->run = fw_run;
    self->close = fw_close;
    self->state = s;
    return 0;
}

int impl_flopwatt_init(impl *self, const char *kernel, char *msg, size_t len)
{
    int index = -1;
    if (kernel) {
        index = fw_kernel_find(kernel);
        if (index < 0) {
            snprintf(msg, len, "unknown kernel '%s' (see flopwatt kernels)", kernel);
            return -1;
        }
    }
    return init(self, index, NULL, msg, len);
}

int impl_flopwatt_init_config(impl *self, const fw_config *cfg, char *msg, size_t len)
{
    return init(self, -1, cfg, msg, len);
}

const char *impl_flopwatt_kernel(const blas_call *c, const char *forced)
{
    if (forced)
        return forced;
    fw_config cfg;
    call_config(c, &cfg);
    int idx = cfg.gemm_kernel;
    if (c->op == CALL_GEMV)
        idx = gemv_kind(c) == FW_KIND_GEMV_N ? cfg.gemv_n_kernel : cfg.gemv_t_kernel;
    const fw_kernel_info *k = fw_kernel_at(idx);
    return k ? k->name : "none";
}

int impl_flopwatt_kernel_fits(const blas_call *c, const char *kernel)
{
    int idx = fw_kernel_find(kernel);
    const fw_kernel_info *k = idx >= 0 ? fw_kernel_at(idx) : NULL;
    return k && k->prec == c->prec &&
           k->kind == (c->op == CALL_GEMM ? FW_KIND_GEMM : gemv_kind(c));
}
