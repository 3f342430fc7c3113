#include "runner.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "markers.h"
#include "operands.h"
#include "stats.h"

typedef struct {
    impl *im;
    const blas_call *c;
    operands *o;
    int index;
    run_opts *opts;
    impl_result *res;
    char region[200];
    energy_sample e0;
    int energy_failed;
    int counters_started;
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

static void task_begin(void *p)
{
    task_arg *t = p;
    if (t->opts->region)
        markers_start(t->region, t->c->threads);
    if (t->opts->counters)
        t->counters_started = counters_start(t->opts->counters) == 0;
    if (t->opts->meter && t->opts->meter->read(t->opts->meter, &t->e0) != 0)
        t->energy_failed = 1;
}

static void task_end(void *p, double seconds, long calls)
{
    task_arg *t = p;
    impl_result *r = t->res;
    if (t->opts->meter) {
        energy_sample e1;
        if (t->opts->meter->read(t->opts->meter, &e1) != 0) {
            t->energy_failed = 1;
        } else {
            r->joules += e1.joules - t->e0.joules;
            r->dram_joules += e1.dram_joules - t->e0.dram_joules; /* NaN stays NaN */
        }
    }
    if (t->opts->counters) {
        int stopped = counters_stop(t->opts->counters) == 0 && t->counters_started;
        counter_value v[COUNTERS_MAX];
        int n = counters_get(t->opts->counters, v, COUNTERS_MAX);
        for (int i = 0; i < n; i++) {
            long long before = r->ncounters == n ? r->counters[i].value : 0;
            int was_ok = r->ncounters != n || r->counters[i].available;
            r->counters[i] = v[i];
            r->counters[i].value += before;
            /* A window that could not be counted leaves no number, not a zero. */
            if (r->counters[i].available && (!stopped || !was_ok)) {
                r->counters[i].available = 0;
                r->counters[i].value = 0;
                snprintf(r->counters[i].why, sizeof r->counters[i].why,
                         "counting failed to start or stop in a timed batch");
            }
        }
        r->ncounters = n;
        counters_reset(t->opts->counters);
    }
    if (t->opts->region)
        markers_stop(t->region, t->c->threads);
    r->calls += calls;
    r->window_s += seconds;
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

void impl_result_free(impl_result *res, int n)
{
    for (int i = 0; i < n; i++) {
        free(res[i].times);
        res[i].times = NULL;
    }
}

static void mark_wrong(impl_result *r, const verify_result *v)
{
    r->status = RUN_WRONG;
    r->check.ok = 0;
    if (!(r->check.worst >= v->worst))
        r->check.worst = v->worst;
    verify_describe(v, r->why, sizeof r->why);
}

/* Compares output j with output 0 on every entry; where they disagree, the reference at
 * that entry says which one is wrong. */
static void cross_check(const blas_call *c, const operands *ops, int j, impl_result *res)
{
    verify_result cross;
    verify_cross(c, ops, 0, j, &cross);
    if (cross.ok) {
        res[j].check.checked += cross.checked;
        return;
    }
    int who[2] = {0, j}, blamed = res[0].status != RUN_OK || res[j].status != RUN_OK;
    for (int w = 0; w < 2; w++) {
        verify_result v;
        verify_init(&v);
        verify_entry(c, ops, who[w], 1, cross.row, cross.col, &v);
        if (!v.ok) {
            blamed = 1;
            if (res[who[w]].status == RUN_OK)
                mark_wrong(&res[who[w]], &v);
        }
    }
    /* The bounds say this cannot happen; if it does, trust neither. */
    for (int w = 0; w < 2 && !blamed; w++)
        if (res[who[w]].status == RUN_OK) {
            res[who[w]].status = RUN_WRONG;
            res[who[w]].check.ok = 0;
            snprintf(res[who[w]].why, sizeof res[who[w]].why,
                     "two implementations disagree at (%d,%d): %.9g vs %.9g", cross.row,
                     cross.col, cross.got, cross.want);
        }
}

int run_call(const blas_call *c, impl **impls, int n, run_opts *o, impl_result *res,
             char *msg, size_t len)
{
    if (n < 1 || n > OPERANDS_MAX_OUT) {
        snprintf(msg, len, "run_call: %d implementations", n);
        return -1;
    }
    memset(res, 0, (size_t)n * sizeof *res);
    if (o->ops && o->ops->nout < n) {
        snprintf(msg, len, "run_call: operands for %d implementations, %d asked", o->ops->nout, n);
        return -1;
    }
    if (!o->ops && operands_fit(c, n, msg, len) != 0)
        return -1;
    for (int i = 0; i < n; i++) {
        int rc = impls[i]->prepare(impls[i], c, msg, len);
        if (rc != 0)
            return rc < -1 ? -2 : -1;
    }
    operands own, *ops = o->ops ? o->ops : &own;
    if (o->ops) {
        for (int i = 0; i < n; i++) /* what an earlier run left must not pass for a result */
            operands_reset_out(ops, c, i);
    } else if (operands_alloc(&own, c, n, msg, len) != 0) {
        return -1;
    }

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
            if (ops == &own)
                operands_free(&own);
            snprintf(msg, len, "out of memory");
            return -1;
        }
    }
    if (o->companion)
        tasks[n] = *o->companion;
    for (int i = 0; i < n; i++) {
        args[i] = (task_arg){.im = impls[i], .c = c, .o = ops, .index = i, .opts = o,
                             .res = &res[i]};
        if (o->region)
            snprintf(args[i].region, sizeof args[i].region, "%s_%s", o->region,
                     impls[i]->name);
        res[i].joules = res[i].dram_joules = o->meter ? 0 : NAN;
        tasks[i] = (sampler_task){.run = task_run,
                                  .reset = c->beta != 0 ? task_reset : NULL,
                                  .begin = task_begin,
                                  .end = task_end,
                                  .arg = &args[i],
                                  .inner = 1};
    }

    int samples = sampler_run(tasks, ntasks, &o->sampler, times);
    if (samples == -2) {
        for (int i = 0; i < ntasks; i++)
            free(times[i]);
        if (ops == &own)
            operands_free(&own);
        memset(res, 0, (size_t)n * sizeof *res);
        snprintf(msg, len, "stopped");
        return -3;
    }
    if (samples > 0 && o->companion)
        o->companion_median = stats_median(times[n], samples);
    for (int i = 0; i < n; i++) {
        impl_result *r = &res[i];
        verify_init(&r->check);
        if (args[i].energy_failed)
            r->joules = r->dram_joules = NAN;
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
        r->times = times[i];
        times[i] = NULL;
        r->inner = tasks[i].inner;
        r->t_median = s.median;
        r->t_min = s.min;
        verify_sample(c, ops, i, c->beta != 0 ? (int)tasks[i].inner : 1, o->verify_random,
                      &r->check);
        if (!r->check.ok)
            mark_wrong(r, &r->check);
    }
    for (int j = 1; samples >= 0 && j < n; j++)
        cross_check(c, ops, j, res);
    for (int i = 0; i < ntasks; i++)
        free(times[i]);
    if (ops == &own)
        operands_free(&own);
    return 0;
}
