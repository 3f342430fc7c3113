/* Reading a result document back: every key checked against the schema (results/README.md)
 * while the run is filled, so validating and reading are one code path. A violation names
 * the key by its path, "records[3].timing.median: expected a number". */
#include "results.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

typedef struct reader {
    char *why;
    size_t wlen;
} reader;

/* "<at>.<key>: <message>" (either part may be empty) as one line; returns -1. */
__attribute__((format(printf, 4, 5))) static int fail(reader *rd, const char *at,
                                                      const char *key, const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *dot = *at && *key ? "." : "", *colon = *at || *key ? ": " : "";
    snprintf(rd->why, rd->wlen, "%s%s%s%s%s", at, dot, key, colon, msg);
    text_one_line(rd->why);
    return -1;
}

/* The as_* forms check the value found under key (NULL when missing); the get_* forms look
 * key up in obj first. Numbers: null stands for NaN, which JSON cannot write. */
static int as_number(reader *rd, const json_t *v, const char *at, const char *key, double *out)
{
    if (!v)
        return fail(rd, at, key, "missing");
    if (json_is_null(v))
        *out = NAN;
    else if (json_is_number(v))
        *out = json_number_value(v);
    else
        return fail(rd, at, key, "expected a number");
    return 0;
}

static int as_integer(reader *rd, const json_t *v, const char *at, const char *key,
                      long long min, long long max, long long *out)
{
    if (!v)
        return fail(rd, at, key, "missing");
    if (!json_is_integer(v))
        return fail(rd, at, key, "expected an integer");
    long long x = json_integer_value(v);
    if (x < min || x > max)
        return fail(rd, at, key, "%lld is outside [%lld, %lld]", x, min, max);
    *out = x;
    return 0;
}

static int get_string(reader *rd, const json_t *obj, const char *at, const char *key,
                      char *dst, size_t cap)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return fail(rd, at, key, "missing");
    if (!json_is_string(v))
        return fail(rd, at, key, "expected a string");
    size_t len = json_string_length(v);
    if (len >= cap)
        return fail(rd, at, key, "longer than %zu bytes", cap - 1);
    memcpy(dst, json_string_value(v), len + 1);
    return 0;
}

static int get_number(reader *rd, const json_t *obj, const char *at, const char *key,
                      double *out)
{
    return as_number(rd, json_object_get(obj, key), at, key, out);
}

static int get_int(reader *rd, const json_t *obj, const char *at, const char *key,
                   long long min, int *out)
{
    long long x = 0;
    if (as_integer(rd, json_object_get(obj, key), at, key, min, INT_MAX, &x))
        return -1;
    *out = (int)x;
    return 0;
}

static int get_long(reader *rd, const json_t *obj, const char *at, const char *key, long *out)
{
    long long x = 0;
    if (as_integer(rd, json_object_get(obj, key), at, key, 0, LONG_MAX, &x))
        return -1;
    *out = (long)x;
    return 0;
}

static int get_bool(reader *rd, const json_t *obj, const char *at, const char *key, int *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return fail(rd, at, key, "missing");
    if (!json_is_boolean(v))
        return fail(rd, at, key, "expected true or false");
    *out = json_is_true(v);
    return 0;
}

/* The value of key when it is of the wanted kind, else NULL with the reason. */
static const json_t *get_kind(reader *rd, const json_t *obj, const char *at, const char *key,
                              json_type kind, const char *expected)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        fail(rd, at, key, "missing");
    else if (json_typeof(v) != kind)
        fail(rd, at, key, "expected %s", expected);
    else
        return v;
    return NULL;
}

/* One of n words; *idx is its position. */
static int get_choice(reader *rd, const json_t *obj, const char *at, const char *key,
                      const char *const *words, int n, int *idx)
{
    char word[32], list[128] = "";
    if (get_string(rd, obj, at, key, word, sizeof word))
        return -1;
    for (int i = 0; i < n; i++) {
        if (strcmp(word, words[i]) == 0) {
            *idx = i;
            return 0;
        }
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s\"%s\"", i ? ", " : "",
                 words[i]);
    }
    return fail(rd, at, key, "\"%s\" is not one of %s", word, list);
}

/* machine_id names a folder under results/: nothing that leaves it or hides in it. */
static int safe_folder_name(const char *s)
{
    if (!*s || strcmp(s, ".") == 0 || strstr(s, "..") || strchr(s, '/'))
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

/* "2026-11-24T10:00:00Z": '0' in the pattern stands for a digit. */
static int is_utc_time(const char *s)
{
    const char *pattern = "0000-00-00T00:00:00Z";
    for (; *pattern; pattern++, s++)
        if (*pattern == '0' ? *s < '0' || *s > '9' : *s != *pattern)
            return 0;
    return *s == '\0';
}

static int read_utc_time(reader *rd, const json_t *doc, const char *key, char *dst, size_t cap)
{
    if (get_string(rd, doc, "", key, dst, cap))
        return -1;
    if (!is_utc_time(dst))
        return fail(rd, "", key, "\"%s\" is not a UTC time like 2026-11-24T10:00:00Z", dst);
    return 0;
}

static int read_call(reader *rd, const json_t *rec, const char *at, blas_call *c)
{
    char here[64];
    snprintf(here, sizeof here, "%s.call", at);
    const json_t *o = get_kind(rd, rec, at, "call", JSON_OBJECT, "an object");
    if (!o)
        return -1;
    const char *ops[] = {record_op_name(CALL_GEMM), record_op_name(CALL_GEMV)};
    const char *precs[] = {record_prec_name(FW_F32), record_prec_name(FW_F64)};
    const fw_layout layouts[] = {FW_COL_MAJOR, FW_ROW_MAJOR};
    const char *layout_words[] = {layout_name(layouts[0]), layout_name(layouts[1])};
    const fw_trans trans[] = {FW_NO_TRANS, FW_TRANS};
    const char *trans_words[] = {trans_name(trans[0]), trans_name(trans[1])};
    int op = 0, prec = 0, layout = 0, ta = 0, tb = 0;
    if (get_choice(rd, o, here, "op", ops, 2, &op) ||
        get_choice(rd, o, here, "precision", precs, 2, &prec) ||
        get_choice(rd, o, here, "layout", layout_words, 2, &layout) ||
        get_choice(rd, o, here, "transa", trans_words, 2, &ta))
        return -1;
    c->op = op == 0 ? CALL_GEMM : CALL_GEMV;
    c->prec = prec == 0 ? FW_F32 : FW_F64;
    c->layout = layouts[layout];
    c->k = 0;
    if (c->op == CALL_GEMM && (get_choice(rd, o, here, "transb", trans_words, 2, &tb) ||
                               get_int(rd, o, here, "k", 0, &c->k)))
        return -1;
    c->ta = trans[ta];
    c->tb = trans[tb];
    return get_int(rd, o, here, "m", 0, &c->m) || get_int(rd, o, here, "n", 0, &c->n) ||
                   get_number(rd, o, here, "alpha", &c->alpha) ||
                   get_number(rd, o, here, "beta", &c->beta) ||
                   get_int(rd, o, here, "threads", 1, &c->threads)
               ? -1
               : 0;
}

/* An array of exactly n numbers (null: NaN) into a new buffer (NULL when n is 0). */
static int read_numbers(reader *rd, const json_t *obj, const char *at, const char *key, int n,
                        double **out)
{
    const json_t *a = get_kind(rd, obj, at, key, JSON_ARRAY, "an array of numbers");
    if (!a)
        return -1;
    if (json_array_size(a) != (size_t)n)
        return fail(rd, at, key, "%zu entries, expected %d", json_array_size(a), n);
    *out = n ? malloc((size_t)n * sizeof **out) : NULL;
    if (n && !*out)
        return fail(rd, at, key, "out of memory");
    for (int i = 0; i < n; i++) {
        char item[48];
        snprintf(item, sizeof item, "%s[%d]", key, i);
        if (as_number(rd, json_array_get(a, (size_t)i), at, item, &(*out)[i])) {
            free(*out);
            *out = NULL;
            return -1;
        }
    }
    return 0;
}

static int read_timing(reader *rd, const json_t *rec, const char *at, bench_record *r)
{
    char here[64];
    snprintf(here, sizeof here, "%s.timing", at);
    const json_t *o = get_kind(rd, rec, at, "timing", JSON_OBJECT, "an object");
    double *ci = NULL;
    if (!o || get_int(rd, o, here, "warmups", 0, &r->warmups) ||
        get_long(rd, o, here, "inner", &r->inner) ||
        get_int(rd, o, here, "nsamples", 0, &r->nsamples) ||
        read_numbers(rd, o, here, "samples", r->nsamples, &r->times) ||
        get_number(rd, o, here, "median", &r->median) ||
        get_number(rd, o, here, "min", &r->min) || get_number(rd, o, here, "max", &r->max) ||
        get_number(rd, o, here, "mean", &r->mean) ||
        read_numbers(rd, o, here, "ci95", 2, &ci) || get_number(rd, o, here, "cv", &r->cv) ||
        get_bool(rd, o, here, "unstable", &r->unstable)) {
        free(ci);
        return -1;
    }
    r->ci_lo = ci[0];
    r->ci_hi = ci[1];
    free(ci);
    if (r->status == REC_OK && r->nsamples == 0)
        return fail(rd, here, "samples", "empty although status is \"ok\"");
    return 0;
}

/* Rates exist for ok records only: a wrong result is never shown as a speed. */
static int read_rates(reader *rd, const json_t *rec, const char *at, bench_record *r)
{
    r->gflops = r->gflops_best = r->pct_peak = r->gbytes_per_s = r->intensity = NAN;
    if (r->status != REC_OK) {
        if (json_object_get(rec, "rates"))
            return fail(rd, at, "rates", "present although status is \"%s\" (no speed for a "
                        "result that is not ok)", record_status_name(r->status));
        return 0;
    }
    char here[64];
    snprintf(here, sizeof here, "%s.rates", at);
    const json_t *o = get_kind(rd, rec, at, "rates", JSON_OBJECT, "an object");
    if (!o || get_number(rd, o, here, "gflops", &r->gflops) ||
        get_number(rd, o, here, "gflops_best", &r->gflops_best) ||
        get_number(rd, o, here, "pct_peak", &r->pct_peak))
        return -1;
    if (r->call.op == CALL_GEMV && (get_number(rd, o, here, "gbytes_per_s", &r->gbytes_per_s) ||
                                    get_number(rd, o, here, "intensity", &r->intensity)))
        return -1;
    return 0;
}

static int read_verification(reader *rd, const json_t *rec, const char *at, bench_record *r)
{
    char here[64];
    snprintf(here, sizeof here, "%s.verification", at);
    const json_t *o = get_kind(rd, rec, at, "verification", JSON_OBJECT, "an object");
    if (!o || get_bool(rd, o, here, "ok", &r->verified_ok) ||
        get_long(rd, o, here, "checked", &r->checked) ||
        get_number(rd, o, here, "worst", &r->worst))
        return -1;
    /* The status says what the verification found. */
    if ((r->status == REC_OK && !r->verified_ok) || (r->status == REC_WRONG && r->verified_ok))
        return fail(rd, here, "ok", "%s although status is \"%s\"",
                    r->verified_ok ? "true" : "false", record_status_name(r->status));
    return 0;
}

static int read_counters(reader *rd, const json_t *rec, const char *at, bench_record *r)
{
    const json_t *a = get_kind(rd, rec, at, "counters", JSON_ARRAY, "an array");
    if (!a)
        return -1;
    if (json_array_size(a) > COUNTERS_MAX)
        return fail(rd, at, "counters", "%zu entries, at most %d", json_array_size(a),
                    COUNTERS_MAX);
    r->ncounters = (int)json_array_size(a);
    for (int i = 0; i < r->ncounters; i++) {
        counter_value *cv = &r->counters[i];
        const json_t *o = json_array_get(a, (size_t)i);
        char here[80];
        snprintf(here, sizeof here, "%s.counters[%d]", at, i);
        memset(cv, 0, sizeof *cv);
        if (!json_is_object(o))
            return fail(rd, here, "", "expected an object");
        if (get_string(rd, o, here, "name", cv->name, sizeof cv->name) ||
            get_bool(rd, o, here, "available", &cv->available))
            return -1;
        if (cv->available ? as_integer(rd, json_object_get(o, "value"), here, "value",
                                       LLONG_MIN, LLONG_MAX, &cv->value)
                          : get_string(rd, o, here, "why", cv->why, sizeof cv->why))
            return -1;
    }
    return 0;
}

/* Every energy figure says where it came from: source and domain, and a model is labelled
 * as one in both. */
static int read_energy(reader *rd, const json_t *rec, const char *at, bench_record *r)
{
    energy_figure *e = &r->energy;
    const json_t *o = json_object_get(rec, "energy");
    memset(e, 0, sizeof *e);
    if (!o)
        return fail(rd, at, "energy", "missing (null when not measured)");
    if (json_is_null(o))
        return 0;
    if (!json_is_object(o))
        return fail(rd, at, "energy", "expected an object or null");
    char here[64];
    snprintf(here, sizeof here, "%s.energy", at);
    e->present = 1;
    e->dram_joules = NAN;
    if (get_string(rd, o, here, "source", e->source, sizeof e->source) ||
        get_string(rd, o, here, "domain", e->domain, sizeof e->domain) ||
        get_string(rd, o, here, "detail", e->detail, sizeof e->detail) ||
        get_number(rd, o, here, "window_s", &e->window_s) ||
        get_number(rd, o, here, "joules", &e->joules) ||
        (json_object_get(o, "dram_joules") &&
         get_number(rd, o, here, "dram_joules", &e->dram_joules)) ||
        get_number(rd, o, here, "watts", &e->watts) ||
        get_number(rd, o, here, "idle_watts", &e->idle_watts) ||
        get_number(rd, o, here, "above_idle_joules", &e->above_idle_joules) ||
        get_number(rd, o, here, "above_idle_watts", &e->above_idle_watts) ||
        get_number(rd, o, here, "gflops_per_watt", &e->gflops_per_watt))
        return -1;
    if (!*e->source || !*e->domain)
        return fail(rd, here, *e->source ? "domain" : "source",
                    "empty (every energy figure names its source and domain)");
    int model_source = strcmp(e->source, "model") == 0;
    int model_domain = strcmp(e->domain, "model") == 0;
    if (model_source != model_domain)
        return fail(rd, here, "domain", "\"%s\" with source \"%s\" (a modelled figure has "
                    "source and domain \"model\", a measured one neither)", e->domain, e->source);
    if (r->status != REC_OK && !isnan(e->gflops_per_watt))
        return fail(rd, here, "gflops_per_watt", "a number although status is \"%s\" (no "
                    "speed for a result that is not ok)", record_status_name(r->status));
    return 0;
}

static int read_record(reader *rd, const json_t *o, const char *at, bench_record *r)
{
    const char *statuses[] = {record_status_name(REC_OK), record_status_name(REC_WRONG),
                              record_status_name(REC_ERROR)};
    int status = 0;
    if (!json_is_object(o))
        return fail(rd, at, "", "expected an object");
    if (get_string(rd, o, at, "config", r->config, sizeof r->config) ||
        get_string(rd, o, at, "shape_class", r->shape_class, sizeof r->shape_class) ||
        get_string(rd, o, at, "impl", r->impl, sizeof r->impl) ||
        get_string(rd, o, at, "impl_detail", r->impl_detail, sizeof r->impl_detail) ||
        get_string(rd, o, at, "kernel", r->kernel, sizeof r->kernel) ||
        read_call(rd, o, at, &r->call) || get_choice(rd, o, at, "status", statuses, 3, &status))
        return -1;
    r->status = status == 0 ? REC_OK : status == 1 ? REC_WRONG : REC_ERROR;
    if (r->status != REC_OK && get_string(rd, o, at, "why", r->why, sizeof r->why))
        return -1;
    return read_timing(rd, o, at, r) || read_rates(rd, o, at, r) ||
                   read_verification(rd, o, at, r) || read_counters(rd, o, at, r) ||
                   read_energy(rd, o, at, r)
               ? -1
               : 0;
}

static int read_records(reader *rd, const json_t *doc, bench_run *run)
{
    const json_t *a = get_kind(rd, doc, "", "records", JSON_ARRAY, "an array");
    if (!a)
        return -1;
    for (size_t i = 0; i < json_array_size(a); i++) {
        char at[32];
        bench_record r;
        memset(&r, 0, sizeof r);
        snprintf(at, sizeof at, "records[%zu]", i);
        int rc = read_record(rd, json_array_get(a, i), at, &r);
        if (rc == 0 && bench_run_add(run, &r) != 0)
            rc = fail(rd, at, "", "out of memory");
        free(r.times);
        if (rc)
            return -1;
    }
    return 0;
}

/* What marks a flopwatt result file, before anything else is read. */
static int read_header(reader *rd, const json_t *doc)
{
    if (!json_is_object(doc))
        return fail(rd, "", "", "not a flopwatt result file (not a JSON object)");
    const json_t *version = json_object_get(doc, "schema_version");
    const json_t *tool = json_object_get(doc, "tool");
    if (!version)
        return fail(rd, "", "", "not a flopwatt result file (no schema_version)");
    if (!json_is_string(tool) || strcmp(json_string_value(tool), "flopwatt") != 0)
        return fail(rd, "", "", "not a flopwatt result file (tool %s%s%s)",
                    json_is_string(tool) ? "\"" : "",
                    json_is_string(tool) ? json_string_value(tool) : "missing",
                    json_is_string(tool) ? "\"" : "");
    long long v = 0;
    if (as_integer(rd, version, "", "schema_version", LLONG_MIN, LLONG_MAX, &v))
        return -1;
    if (v > RESULTS_SCHEMA_VERSION)
        return fail(rd, "", "schema_version", "%lld is newer than this flopwatt (%s) reads "
                    "(%d): update flopwatt", v, FLOPWATT_VERSION, RESULTS_SCHEMA_VERSION);
    if (v < 1)
        return fail(rd, "", "schema_version", "%lld is not a known version", v);
    return 0;
}

static int read_run(reader *rd, const json_t *doc, bench_run *run)
{
    char version[64];
    if (read_header(rd, doc) ||
        get_string(rd, doc, "", "flopwatt_version", version, sizeof version) ||
        get_string(rd, doc, "", "machine_id", run->machine_id, sizeof run->machine_id))
        return -1;
    if (!safe_folder_name(run->machine_id))
        return fail(rd, "", "machine_id", "\"%s\" is not a safe folder name (not empty, no "
                    "'/', no '..')", run->machine_id);
    if (read_utc_time(rd, doc, "started_utc", run->started_utc, sizeof run->started_utc) ||
        read_utc_time(rd, doc, "finished_utc", run->finished_utc, sizeof run->finished_utc) ||
        get_bool(rd, doc, "", "complete", &run->complete))
        return -1;
    if (run->complete && json_object_get(doc, "incomplete_reason"))
        return fail(rd, "", "incomplete_reason", "present although complete is true");
    if (!run->complete) {
        if (get_string(rd, doc, "", "incomplete_reason", run->incomplete_reason,
                       sizeof run->incomplete_reason))
            return -1;
        if (!*run->incomplete_reason)
            return fail(rd, "", "incomplete_reason", "empty (an incomplete run says why)");
    }
    const json_t *build = get_kind(rd, doc, "", "build", JSON_OBJECT, "an object");
    if (!build || get_string(rd, build, "build", "compiler", run->compiler, sizeof run->compiler) ||
        get_string(rd, build, "build", "cflags", run->cflags, sizeof run->cflags) ||
        get_string(rd, build, "build", "git_revision", run->git_revision,
                   sizeof run->git_revision))
        return -1;
    const json_t *info = get_kind(rd, doc, "", "info", JSON_OBJECT, "an object");
    const json_t *options = info ? get_kind(rd, doc, "", "options", JSON_OBJECT, "an object")
                                 : NULL;
    if (!options)
        return -1;
    run->info = json_deep_copy(info);
    run->options = json_deep_copy(options);
    if (!run->info || !run->options)
        return fail(rd, "", "", "out of memory");
    return read_records(rd, doc, run);
}

int results_from_json(const json_t *doc, bench_run *r, char *why, size_t wlen)
{
    reader rd = {why, wlen};
    if (read_run(&rd, doc, r) == 0)
        return 0;
    bench_run_free(r);
    return -1;
}

int results_validate(const json_t *doc, char *why, size_t wlen)
{
    bench_run r;
    bench_run_init(&r);
    int rc = results_from_json(doc, &r, why, wlen);
    bench_run_free(&r);
    return rc;
}
