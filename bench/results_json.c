/* The run as a JSON document (schema in results/README.md). */
#include "results.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* JSON has no NaN or infinity: such a number is written as null and read back as NaN. */
static json_t *number(double x) { return isfinite(x) ? json_real(x) : json_null(); }

/* Bytes that are not UTF-8 (a library's version string in another encoding) become '?'
 * rather than costing the record. */
static json_t *text(const char *s)
{
    json_t *t = json_string(s);
    if (t)
        return t;
    char *copy = strdup(s);
    if (!copy)
        return NULL;
    for (char *p = copy; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    t = json_string(copy);
    free(copy);
    return t;
}

/* Adds key (taking value); -1 when value is NULL (out of memory) or cannot be added. */
static int put(json_t *obj, const char *key, json_t *value)
{
    return json_object_set_new(obj, key, value) ? -1 : 0;
}

/* obj, or NULL (and obj released) when any put failed. */
static json_t *done(json_t *obj, int failed)
{
    if (failed) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

static json_t *call_json(const blas_call *c)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int gemm = c->op == CALL_GEMM, bad = 0;
    bad |= put(o, "op", text(record_op_name(c->op)));
    bad |= put(o, "precision", text(record_prec_name(c->prec)));
    bad |= put(o, "layout", text(layout_name(c->layout)));
    bad |= put(o, "transa", text(trans_name(c->ta)));
    if (gemm)
        bad |= put(o, "transb", text(trans_name(c->tb)));
    bad |= put(o, "m", json_integer(c->m));
    bad |= put(o, "n", json_integer(c->n));
    if (gemm)
        bad |= put(o, "k", json_integer(c->k));
    bad |= put(o, "alpha", number(c->alpha));
    bad |= put(o, "beta", number(c->beta));
    bad |= put(o, "threads", json_integer(c->threads));
    return done(o, bad);
}

static json_t *numbers(const double *x, int n)
{
    json_t *a = json_array();
    int bad = !a;
    for (int i = 0; i < n && !bad; i++)
        bad = json_array_append_new(a, number(x[i])) != 0;
    return done(a, bad);
}

static json_t *timing_json(const bench_record *rec)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    const double ci[2] = {rec->ci_lo, rec->ci_hi};
    int bad = 0;
    bad |= put(o, "warmups", json_integer(rec->warmups));
    bad |= put(o, "inner", json_integer(rec->inner));
    bad |= put(o, "nsamples", json_integer(rec->nsamples));
    bad |= put(o, "samples", numbers(rec->times, rec->nsamples));
    bad |= put(o, "median", number(rec->median));
    bad |= put(o, "min", number(rec->min));
    bad |= put(o, "max", number(rec->max));
    bad |= put(o, "mean", number(rec->mean));
    bad |= put(o, "ci95", numbers(ci, 2));
    bad |= put(o, "cv", number(rec->cv));
    bad |= put(o, "unstable", json_boolean(rec->unstable));
    return done(o, bad);
}

static json_t *rates_json(const bench_record *rec)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = 0;
    bad |= put(o, "gflops", number(rec->gflops));
    bad |= put(o, "gflops_best", number(rec->gflops_best));
    bad |= put(o, "pct_peak", number(rec->pct_peak));
    if (rec->call.op == CALL_GEMV) {
        bad |= put(o, "gbytes_per_s", number(rec->gbytes_per_s));
        bad |= put(o, "intensity", number(rec->intensity));
    }
    return done(o, bad);
}

static json_t *verification_json(const bench_record *rec)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = 0;
    bad |= put(o, "ok", json_boolean(rec->verified_ok));
    bad |= put(o, "checked", json_integer(rec->checked));
    bad |= put(o, "worst", number(rec->worst));
    return done(o, bad);
}

static json_t *counters_json(const bench_record *rec)
{
    json_t *a = json_array();
    int bad = !a;
    for (int i = 0; i < rec->ncounters && !bad; i++) {
        const counter_value *cv = &rec->counters[i];
        json_t *o = json_object();
        if (!o) {
            bad = 1;
            break;
        }
        int b = put(o, "name", text(cv->name));
        b |= put(o, "available", json_boolean(cv->available));
        if (cv->available)
            b |= put(o, "value", json_integer(cv->value));
        else
            b |= put(o, "why", text(cv->why));
        bad = json_array_append_new(a, done(o, b)) != 0;
    }
    return done(a, bad);
}

/* A record that is not ok has no speed, so no GFLOP/s per watt either. */
static json_t *energy_json(const bench_record *rec)
{
    const energy_figure *e = &rec->energy;
    if (!e->present)
        return json_null();
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = 0;
    bad |= put(o, "source", text(e->source));
    bad |= put(o, "domain", text(e->domain));
    bad |= put(o, "detail", text(e->detail));
    bad |= put(o, "window_s", number(e->window_s));
    bad |= put(o, "joules", number(e->joules));
    if (!isnan(e->dram_joules))
        bad |= put(o, "dram_joules", number(e->dram_joules));
    bad |= put(o, "watts", number(e->watts));
    bad |= put(o, "idle_watts", number(e->idle_watts));
    bad |= put(o, "above_idle_joules", number(e->above_idle_joules));
    bad |= put(o, "above_idle_watts", number(e->above_idle_watts));
    bad |= put(o, "gflops_per_watt", number(rec->status == REC_OK ? e->gflops_per_watt : NAN));
    return done(o, bad);
}

static json_t *record_json(const bench_record *rec)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = 0;
    bad |= put(o, "config", text(rec->config));
    bad |= put(o, "shape_class", text(rec->shape_class));
    bad |= put(o, "impl", text(rec->impl));
    bad |= put(o, "impl_detail", text(rec->impl_detail));
    bad |= put(o, "kernel", text(rec->kernel));
    bad |= put(o, "call", call_json(&rec->call));
    bad |= put(o, "status", text(record_status_name(rec->status)));
    if (rec->status != REC_OK)
        bad |= put(o, "why", text(rec->why));
    bad |= put(o, "timing", timing_json(rec));
    /* A wrong result is never shown as a speed. */
    if (rec->status == REC_OK)
        bad |= put(o, "rates", rates_json(rec));
    bad |= put(o, "verification", verification_json(rec));
    bad |= put(o, "counters", counters_json(rec));
    bad |= put(o, "energy", energy_json(rec));
    return done(o, bad);
}

/* The object as given, or an empty one when the run has none. */
static json_t *given(json_t *obj) { return obj ? json_incref(obj) : json_object(); }

json_t *results_to_json(const bench_run *r)
{
    json_t *doc = json_object(), *build = json_object(), *records = json_array();
    if (!doc || !build || !records) {
        json_decref(doc);
        json_decref(build);
        json_decref(records);
        return NULL;
    }
    int bad = 0;
    bad |= put(doc, "schema_version", json_integer(RESULTS_SCHEMA_VERSION));
    bad |= put(doc, "tool", text("flopwatt"));
    bad |= put(doc, "flopwatt_version", text(FLOPWATT_VERSION));
    bad |= put(doc, "machine_id", text(r->machine_id));
    bad |= put(doc, "started_utc", text(r->started_utc));
    bad |= put(doc, "finished_utc", text(r->finished_utc));
    bad |= put(doc, "complete", json_boolean(r->complete));
    if (!r->complete)
        bad |= put(doc, "incomplete_reason", text(r->incomplete_reason));
    bad |= put(build, "compiler", text(r->compiler));
    bad |= put(build, "cflags", text(r->cflags));
    bad |= put(build, "git_revision", text(r->git_revision));
    bad |= put(doc, "build", build);
    bad |= put(doc, "info", given(r->info));
    bad |= put(doc, "options", given(r->options));
    for (int i = 0; i < r->nrecords && !bad; i++)
        bad = json_array_append_new(records, record_json(&r->records[i])) != 0;
    bad |= put(doc, "records", records);
    return done(doc, bad);
}
