#include "runner.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "operands.h"
#include "stats.h"

typedef struct {
    impl *im;
    const blas_call *c;
    operands *o;
    int index;
} task_arg;

static int task_run(void *p)
{
    task_arg *t = p;
    return t->im->run(t->im, t->c, t->o->a, t->o->b, t->o->out[t->index]);
}

/* With beta != 0 every call reads the previous C: start each batch from C0 so the checked
 * result is a known number of calls away from it. */
static void task_reset(void *p)
{
    task_arg *t = p;
    operands_reset_out(t->o, t->c, t->index);
}

void run_opts_default(run_opts *o)
{
    memset(o, 0, sizeof *o);
    o->sampler.warmups = 1;
    o->sampler.min_samples = 5;
    o->sampler.max_samples = 50;
    o->sampler.min_batch_s = 1e-3;
    o->sampler.min_total_s = 0.1;
    o->sampler.gap_s = 0;
    o->verify_random = 256;
}

static void mark_wrong(impl_result *r, const verify_result *v)
{
    r->status = RUN_WRONG;
    verify_describe(v, r->why, sizeof r->why);
}

int run_call(const blas_call *c, impl **impls, int n, run_opts *o, impl_result *res,
             char *msg, size_t len)
{
    if (n < 1 || n > OPERANDS_MAX_OUT) {
        snprintf(msg, len, "run_call: %d implementations", n);
        return -1;
    }
    memset(res, 0, (size_t)n * sizeof *res);
    if (operands_fit(c, n, msg, len) != 0)
        return -1;
    for (int i = 0; i < n; i++) {
        int rc = impls[i]->prepare(impls[i], c, msg, len);
        if (rc != 0)
            return rc < -1 ? -2 : -1;
    }
    operands ops;
    if (operands_alloc(&ops, c, n, msg, len) != 0)
        return -1;

    task_arg args[OPERANDS_MAX_OUT];
    sampler_task tasks[OPERANDS_MAX_OUT + 1];
    double *times[OPERANDS_MAX_OUT + 1] = {0};
    int max = o->sampler.max_samples > 0 ? o->sampler.max_samples : 1;
    int ntasks = n + (o->companion != NULL);
    o->companion_median = NAN;
    for (int i = 0; i < ntasks; i++) {
        times[i] = calloc((size_t)max, sizeof(double));
        if (!times[i]) {
            for (int j = 0; j < i; j++)
                free(times[j]);
            operands_free(&ops);
            snprintf(msg, len, "out of memory");
            return -1;
        }
    }
    if (o->companion)
        tasks[n] = *o->companion;
    for (int i = 0; i < n; i++) {
        args[i] = (task_arg){impls[i], c, &ops, i};
        tasks[i] = (sampler_task){task_run, c->beta != 0 ? task_reset : NULL, &args[i], 1, 0};
    }

    int samples = sampler_run(tasks, ntasks, &o->sampler, times);
    if (samples > 0 && o->companion)
        o->companion_median = stats_median(times[n], samples);
    for (int i = 0; i < n; i++) {
        impl_result *r = &res[i];
        verify_init(&r->check);
        if (samples < 0) {
            r->status = RUN_ERROR;
            if (tasks[i].error)
                snprintf(r->why, sizeof r->why, "%s returned error %d", impls[i]->name,
                         tasks[i].error);
            else
                snprintf(r->why, sizeof r->why, "not measured: another task of the run failed");
            continue;
        }
        stats_summary s = {0};
        if (stats_summarize(times[i], samples, &s) != 0) {
            r->status = RUN_ERROR;
            snprintf(r->why, sizeof r->why, "no sample measured");
            continue;
        }
        r->samples = samples;
        r->inner = tasks[i].inner;
        r->t_median = s.median;
        r->t_min = s.min;
        verify_sample(c, &ops, i, c->beta != 0 ? (int)tasks[i].inner : 1, o->verify_random,
                      &r->check);
        if (!r->check.ok)
            mark_wrong(r, &r->check);
    }
    if (samples >= 0 && n == 2) {
        verify_result cross;
        verify_cross(c, &ops, 0, 1, &cross);
        if (!cross.ok) {
            /* They disagree: the reference at that entry says who is wrong. */
            int blamed = res[0].status != RUN_OK || res[1].status != RUN_OK;
            for (int i = 0; i < 2; i++) {
                verify_result v;
                verify_init(&v);
                verify_entry(c, &ops, i, 1, cross.row, cross.col, &v);
                if (!v.ok) {
                    blamed = 1;
                    if (res[i].status == RUN_OK)
                        mark_wrong(&res[i], &v);
                }
            }
            /* The bounds say this cannot happen; if it does, trust neither. */
            for (int i = 0; i < 2 && !blamed; i++)
                if (res[i].status == RUN_OK) {
                    res[i].status = RUN_WRONG;
                    snprintf(res[i].why, sizeof res[i].why,
                             "the two implementations disagree at (%d,%d): %.9g vs %.9g",
                             cross.row, cross.col, cross.got, cross.want);
                }
        } else {
            for (int i = 0; i < 2; i++)
                res[i].check.checked += cross.checked;
        }
    }
    for (int i = 0; i < ntasks; i++)
        free(times[i]);
    operands_free(&ops);
    return 0;
}
