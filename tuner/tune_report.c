#include "tune_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"

void tune_class_report_init(tune_class_report *c, fw_precision prec, fw_shape_class cls)
{
    memset(c, 0, sizeof *c);
    c->prec = prec;
    c->cls = cls;
    c->model_cost = c->best_cost = NAN;
    c->confirm_model_s = c->confirm_tuned_s = c->confirm_previous_s = NAN;
    c->previous_cost = NAN;
    c->chosen = TUNE_CHOSEN_NONE;
    c->v.ratio = c->v.remeasured = NAN;
}

void tune_class_report_free(tune_class_report *c)
{
    if (c->searched)
        search_result_free(&c->r);
    if (c->validated)
        search_result_free(&c->v.replay);
    c->searched = c->validated = 0;
}

const char *tune_prec_name(fw_precision prec) { return prec == FW_F64 ? "f64" : "f32"; }

const char *tune_chosen_name(tune_chosen chosen)
{
    switch (chosen) {
    case TUNE_CHOSEN_MODEL: return "model";
    case TUNE_CHOSEN_TUNED: return "tuned";
    case TUNE_CHOSEN_PREVIOUS: return "previous";
    case TUNE_CHOSEN_NONE: break;
    }
    return NULL;
}

static const char *stop_name(search_stop s)
{
    switch (s) {
    case SEARCH_STOP_DONE: return "done";
    case SEARCH_STOP_EVALUATIONS: return "evaluations";
    case SEARCH_STOP_SECONDS: return "seconds";
    case SEARCH_STOP_INTERRUPTED: return "interrupted";
    }
    return "done";
}

static json_t *number_or_null(double x) { return isfinite(x) ? json_real(x) : json_null(); }

static json_t *text_or_null(const char *s) { return *s ? json_string(s) : json_null(); }

static json_t *machine_json(const fw_fingerprint *m)
{
    return json_pack("{s:s, s:s, s:i, s:I, s:I, s:I}", "cpu", m->cpu, "isa", m->isa, "cpus",
                     m->cpus, "l1d", (json_int_t)m->l1d, "l2", (json_int_t)m->l2, "l3",
                     (json_int_t)m->l3);
}

/* [[step, cost, best, seconds, fresh], ...], steps counted from 1. */
static json_t *curve_json(const search_result *r)
{
    json_t *a = json_array();
    for (long i = 0; a && i < r->curve_len; i++) {
        const search_step *s = &r->curve[i];
        if (json_array_append_new(a, json_pack("[I, o, o, f, i]", (json_int_t)(i + 1),
                                               number_or_null(s->cost), number_or_null(s->best),
                                               s->seconds, s->fresh)) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *config_json(const char *config, double cost)
{
    if (!*config)
        return json_null();
    return json_pack("{s:s, s:o}", "config", config, "cost", number_or_null(cost));
}

static json_t *validation_json(const tune_run_report *run, const tune_class_report *c)
{
    const tune_validation *v = &c->v;
    json_t *rounds = json_array();
    for (int i = 0; rounds && i < v->rounds; i++)
        json_array_append_new(rounds, json_real(v->remeasured_round[i]));
    return json_pack(
        "{s:I, s:I, s:I, s:o, s:o, s:s, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o*, s:f, s:b, s:o}",
        "exhaustive_evaluations", (json_int_t)c->r.curve_len, "exhaustive_fresh",
        (json_int_t)c->r.evaluations, "exhaustive_cache_hits", (json_int_t)c->r.cache_hits,
        "exhaustive_best", number_or_null(c->r.found ? c->r.best_cost : NAN),
        "exhaustive_best_config", text_or_null(c->best), "replay_strategy", "local",
        "replay_seed", (json_int_t)run->seed, "replay_budget", (json_int_t)v->budget,
        "replay_evaluations", (json_int_t)v->replay.evaluations, "replay_best",
        number_or_null(v->replay.found ? v->replay.best_cost : NAN), "replay_best_config",
        text_or_null(v->replay_best), "ratio", number_or_null(v->ratio), "remeasured_ratio",
        number_or_null(v->remeasured), "remeasured_rounds", rounds, "tolerance",
        TUNE_VALIDATE_TOLERANCE, "pass", v->pass, "replay_curve", curve_json(&v->replay));
}

static json_t *class_json(const tune_run_report *run, const tune_class_report *c)
{
    json_t *shapes = json_array();
    for (int i = 0; shapes && i < c->nshapes; i++)
        json_array_append_new(shapes, json_string(c->shapes[i]));
    json_t *o = json_pack("{s:s, s:s, s:o, s:I, s:I, s:f, s:o, s:o, s:s}", "prec",
                          tune_prec_name(c->prec), "class", fw_class_name(c->cls), "shapes",
                          shapes, "space_points", (json_int_t)c->space_points, "valid_points",
                          (json_int_t)c->valid_points, "seconds", c->seconds, "model",
                          config_json(c->model, c->model_cost), "best",
                          config_json(c->best, c->best_cost), "why", c->why);
    if (!o)
        return NULL;
    const char *chosen = tune_chosen_name(c->chosen);
    int bad = json_object_set_new(o, "chosen", chosen ? json_string(chosen) : json_null());
    bad |= json_object_set_new(
        o, "previous",
        *c->previous ? json_pack("{s:s, s:b, s:o}", "config", c->previous, "warm_start", c->warm,
                                 "cost", number_or_null(c->previous_cost))
                     : json_null());
    bad |= json_object_set_new(
        o, "confirm",
        c->confirmed ? json_pack("{s:f, s:o, s:o, s:o}", "model_s", c->confirm_model_s,
                                 "tuned_s", number_or_null(c->confirm_tuned_s), "previous_s",
                                 number_or_null(c->confirm_previous_s), "speedup",
                                 number_or_null(c->confirm_model_s / c->confirm_tuned_s))
                     : json_null());
    if (c->searched)
        bad |= json_object_update_new(
            o, json_pack("{s:I, s:I, s:I, s:s, s:o}", "evaluations", (json_int_t)c->r.evaluations,
                         "cache_hits", (json_int_t)c->r.cache_hits, "failed",
                         (json_int_t)c->r.failed, "stop", stop_name(c->r.stop), "curve",
                         curve_json(&c->r)));
    else
        bad |= json_object_update_new(o, json_pack("{s:i, s:i, s:i, s:n, s:[]}", "evaluations", 0,
                                                   "cache_hits", 0, "failed", 0, "stop", "curve"));
    if (c->validated)
        bad |= json_object_set_new(o, "validate", validation_json(run, c));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *report_json(const tune_run_report *r)
{
    json_t *classes = json_array();
    for (int i = 0; classes && i < r->nclasses; i++)
        if (json_array_append_new(classes, class_json(r, &r->classes[i])) != 0) {
            json_decref(classes);
            classes = NULL;
        }
    return json_pack("{s:i, s:o, s:i, s:s, s:I, s:s, s:s, s:s, s:o, s:f, s:b, s:o}",
                     "flopwatt_tune_report", 1, "machine", machine_json(&r->machine), "threads",
                     r->threads, "strategy", r->strategy, "seed", (json_int_t)r->seed,
                     "objective", r->objective, "unit", r->unit, "energy", r->energy,
                     "budget_s", number_or_null(r->budget_s), "seconds", r->seconds,
                     "interrupted", r->interrupted, "classes", classes);
}

/* A CSV field: a number, or nothing where there is none. */
static void csv_number(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.9g", x);
}

static void csv_curve(FILE *f, const tune_class_report *c)
{
    for (long i = 0; i < c->r.curve_len; i++) {
        const search_step *s = &c->r.curve[i];
        fprintf(f, "%s,%s,%ld,", tune_prec_name(c->prec), fw_class_name(c->cls), i + 1);
        csv_number(f, s->cost);
        fputc(',', f);
        csv_number(f, s->best);
        fprintf(f, ",%.6f,%d\n", s->seconds, s->fresh);
    }
}

int tune_report_write(const tune_run_report *r, const char *json_path, const char *csv_path,
                      char *why, size_t wlen)
{
    json_t *doc = report_json(r);
    char *text = doc ? json_dumps(doc, JSON_INDENT(1)) : NULL;
    json_decref(doc);
    if (!text) {
        snprintf(why, wlen, "out of memory writing %s", json_path);
        return -1;
    }
    int rc = fw_atomic_write(json_path, text, strlen(text), why, wlen);
    free(text);
    if (rc != 0)
        return -1;

    char *csv = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&csv, &len);
    if (!f) {
        snprintf(why, wlen, "out of memory writing %s", csv_path);
        return -1;
    }
    fprintf(f, "prec,class,step,cost,best,seconds,fresh\n");
    for (int i = 0; i < r->nclasses; i++)
        if (r->classes[i].searched)
            csv_curve(f, &r->classes[i]);
    int failed = ferror(f);
    fclose(f);
    rc = failed ? -1 : fw_atomic_write(csv_path, csv, len, why, wlen);
    if (failed)
        snprintf(why, wlen, "out of memory writing %s", csv_path);
    free(csv);
    return rc;
}

static void cost_text(char *buf, size_t len, double cost, const char *unit)
{
    if (isfinite(cost))
        snprintf(buf, len, "%.4g %s", cost, unit);
    else
        snprintf(buf, len, "unknown");
}

void tune_report_print_class(FILE *f, const tune_run_report *r, const tune_class_report *c)
{
    fprintf(f, "%s %-8s", tune_prec_name(c->prec), fw_class_name(c->cls));
    if (c->searched)
        fprintf(f, " %ld evaluations (%ld cached, %ld failed), %.1f s", c->r.evaluations,
                c->r.cache_hits, c->r.failed, c->seconds);
    if (c->chosen == TUNE_CHOSEN_NONE && !c->validated) {
        fprintf(f, ": left untuned: %s\n", c->why);
        return;
    }
    char model[48], best[48];
    cost_text(model, sizeof model, c->model_cost, r->unit);
    cost_text(best, sizeof best, c->best_cost, r->unit);
    fprintf(f, "; model %s, tuned %s", model, best);
    if (c->confirmed && isfinite(c->confirm_tuned_s))
        fprintf(f, ", re-measured speedup %.3fx", c->confirm_model_s / c->confirm_tuned_s);
    if (c->chosen == TUNE_CHOSEN_NONE)
        fprintf(f, "; best %s\n", *c->best ? c->best : "none");
    else
        fprintf(f, "; chosen %s: %s (%s)\n", tune_chosen_name(c->chosen),
                c->chosen == TUNE_CHOSEN_TUNED      ? c->best
                : c->chosen == TUNE_CHOSEN_PREVIOUS ? c->previous
                                                    : c->model,
                c->why);
}

int tune_report_print_validation(FILE *f, const tune_run_report *r)
{
    fprintf(f, "\nvalidation: local search (seed %ld) replayed on the exhaustive measurements "
               "of the reduced spaces (one per set of points that run the same code), at most "
               "15%% of the exhaustive's evaluations (rounded down; the model's point at "
               "least); passes within %.0f%% "
               "of the exhaustive best (%s), as re-measured interleaved where both are timed "
               "(the median of %d rounds)\n",
            r->seed, 100 * TUNE_VALIDATE_TOLERANCE, r->objective, TUNE_REMEASURE_ROUNDS);
    fprintf(f, "%-4s %-9s %7s %11s %14s %7s %7s %14s %8s %11s  %s\n", "prec", "class", "valid",
            "exhaustive", "best", "budget", "replay", "replay best", "gap", "re-measured",
            "result");
    int failed = 0;
    for (int i = 0; i < r->nclasses; i++) {
        const tune_class_report *c = &r->classes[i];
        char best[48] = "-", replay[48] = "-", gap[16] = "-", again[16] = "-";
        long points = c->searched ? c->r.curve_len : 0;
        long evals = c->validated ? c->v.replay.evaluations : 0;
        if (c->searched && c->r.found)
            cost_text(best, sizeof best, c->r.best_cost, r->unit);
        if (c->validated && c->v.replay.found)
            cost_text(replay, sizeof replay, c->v.replay.best_cost, r->unit);
        if (c->validated && isfinite(c->v.ratio))
            snprintf(gap, sizeof gap, "+%.2f%%", 100 * c->v.ratio);
        if (c->validated && isfinite(c->v.remeasured))
            snprintf(again, sizeof again, "%+.2f%%", 100 * c->v.remeasured);
        int pass = c->validated && c->v.pass;
        failed += !pass;
        fprintf(f, "%-4s %-9s %7llu %11ld %14s %7ld %7ld %14s %8s %11s  %s\n",
                tune_prec_name(c->prec), fw_class_name(c->cls),
                (unsigned long long)c->valid_points, points, best,
                c->validated ? c->v.budget : 0L, evals, replay, gap, again, pass ? "PASS" : "FAIL");
    }
    return failed;
}
