/* Each class is measured on shapes of its own (the suite's where it has them), checked to
 * be of the class; a configuration's cost is the geometric mean over them, so each shape
 * weighs the same whatever its size. */
#include "tune_eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

struct tune_eval {
    fw_precision prec;
    fw_shape_class cls;
    int nshapes;
    blas_call calls[TUNE_MAX_SHAPES];
    operands ops[TUNE_MAX_SHAPES];
    energy_meter *meter;
    const volatile sig_atomic_t *stop;
};

/* An output per configuration tune_eval_confirm times interleaved. */
#define OUTPUTS TUNE_CONFIRM_MAX

tune_eval *tune_eval_open(fw_precision prec, fw_shape_class cls, int threads,
                          energy_meter *meter, const volatile sig_atomic_t *stop, char *why,
                          size_t wlen)
{
    if ((unsigned)cls >= FW_CLASS_COUNT || threads < 1) {
        snprintf(why, wlen, "no shapes for class %d at %d threads", (int)cls, threads);
        return NULL;
    }
    tune_eval *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(why, wlen, "out of memory");
        return NULL;
    }
    e->prec = prec;
    e->cls = cls;
    e->meter = meter;
    e->stop = stop;
    const int gemv = cls == FW_CLASS_GEMV_N || cls == FW_CLASS_GEMV_T;
    tune_shape shapes[TUNE_MAX_SHAPES];
    int count = tune_class_shapes(cls, threads, shapes);
    for (int i = 0; i < count; i++) {
        const tune_shape *d = &shapes[i];
        blas_call *c = &e->calls[e->nshapes];
        *c = (blas_call){.op = gemv ? CALL_GEMV : CALL_GEMM, .prec = prec,
                         .layout = FW_COL_MAJOR,
                         .ta = cls == FW_CLASS_GEMV_T ? FW_TRANS : FW_NO_TRANS,
                         .tb = FW_NO_TRANS, .m = d->m, .n = d->n, .k = gemv ? 1 : d->k,
                         .alpha = 1, .beta = 0, .threads = d->threads};
        if (operands_alloc(&e->ops[e->nshapes], c, OUTPUTS, why, wlen) != 0) {
            tune_eval_close(e);
            return NULL;
        }
        e->nshapes++;
    }
    return e;
}

void tune_eval_close(tune_eval *e)
{
    if (!e)
        return;
    for (int i = 0; i < e->nshapes; i++)
        operands_free(&e->ops[i]);
    free(e);
}

int tune_eval_shapes(const tune_eval *e, const blas_call **calls)
{
    *calls = e->calls;
    return e->nshapes;
}

/* A search evaluation is short, as the search makes hundreds; a meter that integrates
 * power (RAPL updates about every millisecond) needs longer batches to be read honestly.
 * confirm: the one comparison that decides what the profile holds gets more samples. */
static void eval_opts(const tune_eval *e, int confirm, run_opts *o)
{
    run_opts_default(o);
    const int metered = e->meter && e->meter->measured;
    o->sampler.min_samples = confirm ? 15 : 3;
    o->sampler.max_samples = confirm ? 60 : 15;
    o->sampler.min_batch_s = metered ? 0.05 : 2e-3;
    o->sampler.min_total_s = metered ? 0.2 : confirm ? 0.3 : 0.02;
    o->sampler.stop = e->stop;
    o->verify_random = 64;
    o->meter = e->meter;
}

/* Runs the configurations cfgs[0..n) interleaved on every shape and adds the logarithms of
 * their median seconds (and joules) per call to log_s (log_j). */
static int measure_shapes(tune_eval *e, const fw_config *const *cfgs, int n, int confirm,
                          double *log_s, double *log_j, char *why, size_t wlen)
{
    run_opts o;
    eval_opts(e, confirm, &o);
    for (int s = 0; s < e->nshapes; s++) {
        impl impls[OUTPUTS];
        impl *ptrs[OUTPUTS];
        int opened = 0, rc = 0;
        while (opened < n && rc == 0) {
            rc = impl_flopwatt_init_config(&impls[opened], cfgs[opened], why, wlen);
            if (rc == 0) {
                ptrs[opened] = &impls[opened];
                opened++;
            }
        }
        impl_result res[OUTPUTS];
        o.ops = &e->ops[s];
        if (e->meter && e->meter->set_scope) /* the model charges the vCPUs the work uses */
            e->meter->set_scope(e->meter, e->calls[s].threads);
        if (rc == 0)
            rc = run_call(&e->calls[s], ptrs, n, &o, res, why, wlen);
        for (int i = 0; i < opened; i++)
            impls[i].close(&impls[i]);
        if (rc == -3)
            return -3;
        if (rc != 0)
            return -1;
        char shape[96];
        call_describe(&e->calls[s], shape, sizeof shape);
        for (int i = 0; i < n && rc == 0; i++) {
            if (res[i].status != RUN_OK) {
                snprintf(why, wlen, "%s: %s", shape, res[i].why);
                rc = -1;
            } else {
                log_s[i] += log(res[i].t_median);
                log_j[i] += log(res[i].joules / (double)res[i].calls);
            }
        }
        impl_result_free(res, n);
        if (rc)
            return rc;
    }
    return 0;
}

int tune_eval_measure(tune_eval *e, const fw_config *cfg, eval_measure *m, char *why,
                      size_t wlen)
{
    double log_s = 0, log_j = 0;
    int rc = measure_shapes(e, &cfg, 1, 0, &log_s, &log_j, why, wlen);
    if (rc)
        return rc;
    m->seconds = exp(log_s / e->nshapes);
    m->joules = e->meter ? exp(log_j / e->nshapes) : NAN; /* NaN joules stay NaN */
    return 0;
}

int tune_eval_confirm(tune_eval *e, const fw_config *const *cfgs, int n, double *sec,
                      char *why, size_t wlen)
{
    double log_s[OUTPUTS] = {0}, log_j[OUTPUTS] = {0};
    if (n < 1 || n > OUTPUTS) {
        snprintf(why, wlen, "%d configurations to confirm, 1 to %d allowed", n, OUTPUTS);
        return -1;
    }
    int rc = measure_shapes(e, cfgs, n, 1, log_s, log_j, why, wlen);
    if (rc)
        return rc;
    for (int i = 0; i < n; i++)
        sec[i] = exp(log_s[i] / e->nshapes);
    return 0;
}

double tune_objective(const space *s, const int *point, void *ctx, json_t **extra)
{
    (void)s;
    const tune_objective_ctx *oc = ctx;
    fw_config cfg;
    tune_space_config(oc->space, point, &cfg);
    eval_measure m = {NAN, NAN};
    char why[300] = "";
    int rc = tune_eval_measure(oc->eval, &cfg, &m, why, sizeof why);
    *extra = eval_measure_json(&m);
    if (rc == -1 && *extra)
        json_object_set_new(*extra, "error", json_string(why));
    if (rc)
        return NAN;
    switch (oc->kind) {
    case TUNE_OBJ_ENERGY:
        return objective_energy(&m);
    case TUNE_OBJ_EDP:
        return objective_edp(&m);
    default:
        return objective_time(&m);
    }
}
