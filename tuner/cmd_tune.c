/* flopwatt tune: searches this machine's best configuration for each precision and shape
 * class under a budget of seconds and evaluations, and writes the tuned profile the library
 * loads, a report and the tuning curves. Every evaluation is cached on disk, so a run that
 * was stopped resumes where it stopped when started again. --validate checks the default
 * strategy against an exhaustive search on reduced spaces. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "atomic_file.h"
#include "cli.h"
#include "cli_support.h"
#include "cpu_id.h"
#include "energy.h"
#include "eval_cache.h"
#include "search.h"
#include "stats.h"
#include "sysinfo_id.h"
#include "timer.h"
#include "tune_eval.h"
#include "tune_report.h"
#include "tune_space.h"

#define CMD "tune"


typedef struct tune_opts {
    int quick, reduced, validate, no_cache, check, fresh;
    int threads, seed, evals, strategy;
    double budget;
    const char *prec, *classes, *objective, *energy, *profile, *report, *cache_dir;
} tune_opts;

/* In the order of --strategy's choices. */
static const search_strategy STRATEGY_OF[] = {SEARCH_LOCAL, SEARCH_RANDOM, SEARCH_EXHAUSTIVE};
static const char *const STRATEGY_NAME[] = {"local", "random", "exhaustive"};

/* What the options ask for, checked before anything runs. */
typedef struct tune_plan {
    fw_precision precs[2];
    int nprecs;
    fw_shape_class classes[FW_CLASS_COUNT];
    int nclasses;
    int threads;
    tune_objective_kind kind;
    int within;        /* energy-within: search by time, then choose by energy */
    double within_pct;
    char profile[PATH_MAX], report[PATH_MAX], curve[PATH_MAX], cache_dir[PATH_MAX];
} tune_plan;

static int parse_precs(const char *s, tune_plan *p)
{
    static const struct {
        const char *text;
        int n;
        fw_precision v[2];
    } forms[] = {{"s", 1, {FW_F32}}, {"d", 1, {FW_F64}}, {"s,d", 2, {FW_F32, FW_F64}},
                 {"d,s", 2, {FW_F32, FW_F64}}};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (strcmp(s, forms[i].text) == 0) {
            p->nprecs = forms[i].n;
            memcpy(p->precs, forms[i].v, sizeof p->precs);
            return 0;
        }
    cli_error(CMD, "--prec: '%s' is not s, d or s,d", s);
    return -1;
}

/* The order classes are tuned in: the cheapest to evaluate first, so that the budget share
 * a class that converges early leaves over goes to the large square products, whose
 * evaluations cost the most. */
static const fw_shape_class TUNE_ORDER[FW_CLASS_COUNT] = {
    FW_CLASS_TINY,     FW_CLASS_SMALL,    FW_CLASS_GEMV_N, FW_CLASS_GEMV_T,
    FW_CLASS_SKINNY_K, FW_CLASS_SKINNY_M, FW_CLASS_SKINNY_N, FW_CLASS_SQUARE};

/* A comma list of class names, each once; kept in the order of TUNE_ORDER. */
static int parse_classes(const char *s, tune_plan *p)
{
    int wanted[FW_CLASS_COUNT] = {0};
    p->nclasses = 0;
    if (!s) {
        for (int i = 0; i < FW_CLASS_COUNT; i++)
            p->classes[p->nclasses++] = TUNE_ORDER[i];
        return 0;
    }
    const char *item = s;
    for (;;) {
        size_t len = strcspn(item, ",");
        char name[32];
        int cls = -1;
        if (len > 0 && len < sizeof name) {
            memcpy(name, item, len);
            name[len] = '\0';
            cls = fw_class_find(name);
        }
        if (cls < 0 || wanted[cls]) {
            cli_error(CMD, "--classes: '%.*s' is %s (square, small, tiny, skinny_k, "
                           "skinny_m, skinny_n, gemv_n, gemv_t)", (int)len, item,
                      cls < 0 ? "not a shape class" : "named twice");
            return -1;
        }
        wanted[cls] = 1;
        if (!item[len])
            break;
        item += len + 1;
    }
    for (int i = 0; i < FW_CLASS_COUNT; i++)
        if (wanted[TUNE_ORDER[i]])
            p->classes[p->nclasses++] = TUNE_ORDER[i];
    return 0;
}

static int parse_objective(const char *s, tune_plan *p)
{
    static const char within[] = "energy-within:";
    p->within = 0;
    if (strcmp(s, "time") == 0) {
        p->kind = TUNE_OBJ_TIME;
    } else if (strcmp(s, "energy") == 0) {
        p->kind = TUNE_OBJ_ENERGY;
    } else if (strcmp(s, "edp") == 0) {
        p->kind = TUNE_OBJ_EDP;
    } else if (strncmp(s, within, sizeof within - 1) == 0) {
        const char *pct = s + sizeof within - 1;
        char *end;
        errno = 0;
        p->within_pct = strtod(pct, &end);
        if (!*pct || *end || errno || !isfinite(p->within_pct) || p->within_pct < 0 ||
            p->within_pct > 1000) {
            cli_error(CMD, "--objective: '%s' is not a percentage in [0, 1000]", pct);
            return -1;
        }
        p->kind = TUNE_OBJ_TIME;
        p->within = 1;
    } else {
        cli_error(CMD, "--objective: '%s' is not time, energy, edp or energy-within:PCT", s);
        return -1;
    }
    return 0;
}

/* The folder name of this machine, as flopwatt bench names its results folder. */
static void machine_id(char *buf, size_t len)
{
    fw_cpu_id cpu;
    sysinfo_identity id;
    fw_cpu_id_read("", &cpu);
    sysinfo_identity_read("", &cpu, &id);
    snprintf(buf, len, "%s", id.machine_id);
}

/* The length of path without suffix, when it ends with it. */
static size_t stem_length(const char *path, const char *suffix)
{
    size_t n = strlen(path), s = strlen(suffix);
    return n > s && strcmp(path + n - s, suffix) == 0 ? n - s : n;
}

static int set_path(char *dst, const char *option, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int set_path(char *dst, const char *option, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, PATH_MAX, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= PATH_MAX) {
        cli_error(CMD, "%s: the path is longer than %d bytes", option, PATH_MAX - 1);
        return -1;
    }
    return 0;
}

/* The profile, report, curve and cache paths: given, or derived from the machine id. The
 * curve goes beside the report: p.report.json -> p.curve.csv, p.validate.json ->
 * p.validate.curve.csv. */
static int plan_paths(const tune_opts *o, tune_plan *p)
{
    char id[SYSINFO_ID_MAX] = "";
    if (!o->profile || !o->cache_dir)
        machine_id(id, sizeof id);
    if (o->profile ? set_path(p->profile, "--profile", "%s", o->profile)
                   : set_path(p->profile, "--profile", "results/tuned/%s.json", id))
        return -1;
    /* Evaluations hold for the library that measured them: a new revision starts afresh. */
    if (o->cache_dir ? set_path(p->cache_dir, "--cache-dir", "%s", o->cache_dir)
                     : set_path(p->cache_dir, "--cache-dir", "results/tuned/.cache/%s-%s", id,
                                FW_GIT_REV))
        return -1;
    if (o->report ? set_path(p->report, "--report", "%s", o->report)
                  : set_path(p->report, "--report", "%.*s.%s.json",
                             (int)stem_length(p->profile, ".json"), p->profile,
                             o->validate ? "validate" : "report"))
        return -1;
    size_t stem = stem_length(p->report, ".json");
    if (stem > 7 && strncmp(p->report + stem - 7, ".report", 7) == 0)
        stem -= 7;
    return set_path(p->curve, "--report", "%.*s.curve.csv", (int)stem, p->report);
}

static int plan_from_options(const tune_opts *o, tune_plan *p)
{
    memset(p, 0, sizeof *p);
    if (parse_precs(o->prec, p) != 0 || parse_classes(o->classes, p) != 0 ||
        parse_objective(o->objective, p) != 0)
        return -1;
    if (strcmp(o->energy, "auto") != 0 && strcmp(o->energy, "none") != 0 &&
        !energy_backend_find(o->energy)) {
        cli_error(CMD, "--energy: unknown backend '%s' (auto, none, or one listed by flopwatt "
                       "info)", o->energy);
        return -1;
    }
    if ((p->kind != TUNE_OBJ_TIME || p->within) && strcmp(o->energy, "none") == 0) {
        cli_error(CMD, "--objective %s needs energy figures, and --energy none gives none",
                  o->objective);
        return -1;
    }
    p->threads = o->threads > 0 ? o->threads : fw_default_threads();
    return plan_paths(o, p);
}

static void fingerprint_line(const fw_fingerprint *fp, char *buf, size_t len)
{
    snprintf(buf, len, "cpu \"%s\", isa %s, %d cpus, caches l1d %ld, l2 %ld, l3 %ld bytes",
             fp->cpu, fp->isa, fp->cpus, fp->l1d, fp->l2, fp->l3);
}

/* --check: whether the library finds a profile for this machine. */
static int check_profile(void)
{
    const char *path = fw_profile_in_use();
    if (path) {
        printf("profile: %s\n", path);
        return EXIT_OK;
    }
    fw_fingerprint fp;
    char line[400];
    fw_machine_fingerprint(&fp);
    fingerprint_line(&fp, line, sizeof line);
    printf("profile: none matches this machine (%s)\n", line);
    return EXIT_FAILED;
}

/* Everything one run shares. */
typedef struct tune_run {
    const tune_opts *o;
    const tune_plan *p;
    energy_meter *meter;    /* NULL: no energy */
    char objective[64];     /* the objective's label */
    char cache_objective[64]; /* what the costs in the cache files are */
    char cache_suffix[80];  /* of the cache file names: the objective, the thread count */
    long cached;            /* evaluations in this run's cache files, counted at close */
    /* The profile already at the profile path, when made here for this run's threads and
     * objective: its classes are kept where this run tunes none, and each class it holds
     * is this run's warm start (search_options.start) unless --fresh. */
    fw_profile previous;
    int have_previous;
} tune_run;

/* The labels of the objective: what the profile and report say was minimised, and what a
 * cache file's costs are (energy-within searches by time, the energy is chosen after). A
 * modeled energy says so in both. */
static void objective_labels(tune_run *t)
{
    const tune_plan *p = t->p;
    static const char *const kind_name[] = {[TUNE_OBJ_TIME] = "time",
                                            [TUNE_OBJ_ENERGY] = "energy",
                                            [TUNE_OBJ_EDP] = "edp"};
    const char *model = t->meter && !t->meter->measured ? " (model)" : "";
    if (p->within) {
        snprintf(t->objective, sizeof t->objective, "energy-within:%g%%%s", p->within_pct, model);
        snprintf(t->cache_objective, sizeof t->cache_objective, "time+energy%s", model);
    } else if (p->kind == TUNE_OBJ_TIME) {
        snprintf(t->objective, sizeof t->objective, "time");
        snprintf(t->cache_objective, sizeof t->cache_objective, "time");
    } else {
        snprintf(t->objective, sizeof t->objective, "%s%s", kind_name[p->kind], model);
        snprintf(t->cache_objective, sizeof t->cache_objective, "%s", t->objective);
    }
    t->cache_suffix[0] = '\0';
    if (strcmp(t->cache_objective, "time") != 0) {
        char slug[64];
        sysinfo_slug(t->cache_objective, slug, sizeof slug);
        snprintf(t->cache_suffix, sizeof t->cache_suffix, "-%s", slug);
    }
    if (p->threads != fw_default_threads()) {
        size_t used = strlen(t->cache_suffix);
        snprintf(t->cache_suffix + used, sizeof t->cache_suffix - used, "-t%d", p->threads);
    }
}

/* What one class's search works with. */
typedef struct class_session {
    tune_space ts;
    int built, cache_file;
    int warm_start[SPACE_MAX_DIMS]; /* the previous profile's point, where c->warm */
    tune_eval *eval;
    eval_cache *cache;
} class_session;

static void session_close(tune_run *t, class_session *s)
{
    if (s->cache && s->cache_file)
        t->cached += eval_cache_count(s->cache);
    if (s->cache)
        eval_cache_close(s->cache);
    if (s->eval)
        tune_eval_close(s->eval);
    if (s->built)
        tune_space_free(&s->ts);
    memset(s, 0, sizeof *s);
}

/* Builds the class's space, its evaluator and its cache; fills what the report says of
 * them. Returns 0, or -1 with the reason in c->why (the session is closed). */
static int session_open(tune_run *t, class_session *s, tune_class_report *c, int reduced)
{
    char why[300], path[PATH_MAX + 128];
    memset(s, 0, sizeof *s);
    if (tune_space_build(&s->ts, c->prec, c->cls, t->p->threads, reduced, why, sizeof why) != 0) {
        snprintf(c->why, sizeof c->why, "no search space: %s", why);
        return -1;
    }
    s->built = 1;
    c->space_points = space_size(&s->ts.s);
    c->valid_points = space_count_valid(&s->ts.s);
    tune_config_describe(c->prec, c->cls, &s->ts.model, c->model, sizeof c->model);
    if (c->valid_points == 0) {
        snprintf(c->why, sizeof c->why, "no point of the search space is valid on this machine");
        goto fail;
    }
    if (!(s->eval = tune_eval_open(c->prec, c->cls, t->p->threads, t->meter, &cli_stop_signal,
                                   why, sizeof why))) {
        snprintf(c->why, sizeof c->why, "%s", why);
        goto fail;
    }
    const blas_call *calls;
    c->nshapes = tune_eval_shapes(s->eval, &calls);
    if (c->nshapes > TUNE_MAX_SHAPES)
        c->nshapes = TUNE_MAX_SHAPES;
    for (int i = 0; i < c->nshapes; i++) {
        char call[80];
        call_describe(&calls[i], call, sizeof call);
        snprintf(c->shapes[i], sizeof c->shapes[i], "%s, %d thread%s", call, calls[i].threads,
                 calls[i].threads == 1 ? "" : "s");
    }
    s->cache_file = !t->o->no_cache;
    snprintf(path, sizeof path, "%s/%s-%s%s%s.jsonl", t->p->cache_dir, tune_prec_name(c->prec),
             fw_class_name(c->cls), reduced ? "-reduced" : "", t->cache_suffix);
    /* What was timed is part of what a cached cost means: the space and the shapes. */
    char *space_sig = space_signature(&s->ts.s), *signature = NULL;
    if (space_sig) {
        size_t len = strlen(space_sig) + 1;
        for (int i = 0; i < c->nshapes; i++)
            len += strlen(c->shapes[i]) + 9;
        if ((signature = malloc(len))) {
            char *q = signature + sprintf(signature, "%s", space_sig);
            for (int i = 0; i < c->nshapes; i++)
                q += sprintf(q, ";shape=%s", c->shapes[i]);
        }
    }
    free(space_sig);
    if (!signature) {
        snprintf(c->why, sizeof c->why, "out of memory");
        goto fail;
    }
    s->cache = eval_cache_open(s->cache_file ? path : NULL, signature, t->cache_objective, why,
                               sizeof why);
    free(signature);
    if (!s->cache) {
        snprintf(c->why, sizeof c->why, "%s", why);
        goto fail;
    }
    return 0;
fail:
    session_close(t, s);
    return -1;
}

static const eval_entry *cached_entry(const class_session *s, const int *point)
{
    char key[SPACE_KEY_MAX];
    return space_key(&s->ts.s, point, key, sizeof key) == 0 ? eval_cache_find(s->cache, key)
                                                            : NULL;
}

static int is_seed(const space *sp, const int *point)
{
    return sp->has_seed && memcmp(point, sp->seed, (size_t)sp->ndims * sizeof *point) == 0;
}

/* Whether two points run the same code, compared as representatives: a search's best may
 * have been rewritten to another point of its kind. */
static int same_code(const space *sp, const int *a, const int *b)
{
    int ra[SPACE_MAX_DIMS], rb[SPACE_MAX_DIMS];
    space_representative(sp, a, ra);
    space_representative(sp, b, rb);
    return memcmp(ra, rb, (size_t)sp->ndims * sizeof *ra) == 0;
}

/* Said of a chosen search's best that runs the previous profile's code for the class. */
static const char *unchanged_note(const class_session *s, const tune_class_report *c,
                                  const int *point)
{
    return c->warm && same_code(&s->ts.s, point, s->warm_start)
               ? "; it is the previous profile's configuration"
               : "";
}

/* Why a search found no point: nothing measured, or the first failure's reason. */
static void explain_nothing_found(const class_session *s, tune_class_report *c)
{
    if (c->r.curve_len == 0) {
        snprintf(c->why, sizeof c->why, "the budget was spent before any point was measured "
                                        "(raise --budget or --evals)");
        return;
    }
    const char *first = "no reason recorded";
    for (int i = 0; i < eval_cache_count(s->cache); i++) {
        const eval_entry *e = eval_cache_entry(s->cache, i);
        const char *err = json_string_value(json_object_get(e->extra, "error"));
        if (isnan(e->cost) && err) {
            first = err;
            break;
        }
    }
    snprintf(c->why, sizeof c->why, "every point measured failed (%ld); the first: %s",
             c->r.failed, first);
}

/* Runs the search into c->r. Returns 0 when it found a point, -1 with c->why when not, -3
 * when interrupted. */
static int run_search(class_session *s, tune_objective_ctx *octx, const search_options *so,
                      tune_class_report *c)
{
    char why[300];
    if (search_run(&s->ts.s, tune_objective, octx, s->cache, so, &c->r, why, sizeof why) != 0) {
        snprintf(c->why, sizeof c->why, "the search stopped: %s", why);
        return -1;
    }
    c->searched = 1;
    if (c->r.stop == SEARCH_STOP_INTERRUPTED) {
        snprintf(c->why, sizeof c->why, "interrupted");
        return -3;
    }
    c->model_cost = c->r.seed_cost;
    if (isnan(c->model_cost) && s->ts.s.has_seed) {
        const eval_entry *e = cached_entry(s, s->ts.s.seed);
        c->model_cost = e ? e->cost : NAN;
    }
    if (!c->r.found) {
        explain_nothing_found(s, c);
        return -1;
    }
    c->best_cost = c->r.best_cost;
    tune_space_prefer_model(&s->ts, c->r.best);
    fw_config best;
    tune_space_config(&s->ts, c->r.best, &best);
    tune_config_describe(c->prec, c->cls, &best, c->best, sizeof c->best);
    return 0;
}

/* Energy objectives compare search costs, so the model default must have one: measured now
 * (and cached) when the search did not reach it. Returns 0, -1 with c->why, or -3. */
static int measure_seed(class_session *s, tune_objective_ctx *octx, tune_class_report *c)
{
    const space *sp = &s->ts.s;
    char key[SPACE_KEY_MAX], why[300];
    if (!sp->has_seed || !space_is_valid(sp, sp->seed) || cached_entry(s, sp->seed) ||
        space_key(sp, sp->seed, key, sizeof key) != 0)
        return 0;
    json_t *extra = NULL;
    double cost = tune_objective(sp, sp->seed, octx, &extra);
    if (cli_stop_signal) {
        json_decref(extra);
        snprintf(c->why, sizeof c->why, "interrupted");
        return -3;
    }
    c->model_cost = isfinite(cost) ? cost : NAN;
    if (eval_cache_add(s->cache, key, c->model_cost, extra, why, sizeof why) != 0) {
        snprintf(c->why, sizeof c->why, "%s", why);
        return -1;
    }
    return 0;
}

/* energy-within: the least energy among every evaluation of the class (the model default's
 * included) within the percentage of the fastest. Sets point and c->best. */
static int pick_within(const tune_run *t, class_session *s, tune_class_report *c, int *point)
{
    int i = search_least_energy_within(s->cache, t->p->within_pct);
    const eval_entry *e = i >= 0 ? eval_cache_entry(s->cache, i) : NULL;
    if (!e) {
        snprintf(c->why, sizeof c->why, "no evaluation has both a time and an energy");
        return -1;
    }
    if (space_point_from_key(&s->ts.s, e->key, point) != 0) {
        snprintf(c->why, sizeof c->why, "the cache holds a point of another space: %s", e->key);
        return -1;
    }
    tune_space_prefer_model(&s->ts, point);
    fw_config cfg;
    tune_space_config(&s->ts, point, &cfg);
    tune_config_describe(c->prec, c->cls, &cfg, c->best, sizeof c->best);
    c->best_cost = e->cost;
    return 0;
}

/* Time objective: the model default, the search's best (point, tuned) and the warm start,
 * each where it is a point of its own, timed again interleaved; the fastest is chosen, the
 * model default on a tie. Returns 0 (c->chosen set), or -3. */
static int confirm_fastest(class_session *s, tune_class_report *c, const int *point,
                           const fw_config *tuned, fw_config *cfg)
{
    const space *sp = &s->ts.s;
    fw_config previous;
    const fw_config *cfgs[TUNE_CONFIRM_MAX] = {&s->ts.model};
    tune_chosen who[TUNE_CONFIRM_MAX] = {TUNE_CHOSEN_MODEL};
    double *slot[TUNE_CONFIRM_MAX] = {&c->confirm_model_s};
    int n = 1;
    if (!is_seed(sp, point)) {
        cfgs[n] = tuned;
        who[n] = TUNE_CHOSEN_TUNED;
        slot[n++] = &c->confirm_tuned_s;
    }
    if (c->warm && !same_code(sp, s->warm_start, point) &&
        !same_code(sp, s->warm_start, sp->seed)) {
        tune_space_config(&s->ts, s->warm_start, &previous); /* as the profile had it */
        cfgs[n] = &previous;
        who[n] = TUNE_CHOSEN_PREVIOUS;
        slot[n++] = &c->confirm_previous_s;
    }
    c->chosen = TUNE_CHOSEN_MODEL;
    *cfg = s->ts.model;
    if (n == 1) {
        snprintf(c->why, sizeof c->why, "the model default is the best point found");
        return 0;
    }
    double sec[TUNE_CONFIRM_MAX];
    char why[300];
    int rc = tune_eval_confirm(s->eval, cfgs, n, sec, why, sizeof why);
    if (rc == -3) {
        snprintf(c->why, sizeof c->why, "interrupted");
        c->chosen = TUNE_CHOSEN_NONE;
        return -3;
    }
    if (rc != 0) {
        snprintf(c->why, sizeof c->why, "model default kept: re-measuring failed: %s", why);
        return 0;
    }
    c->confirmed = 1;
    int fastest = 0;
    for (int i = 0; i < n; i++) {
        *slot[i] = sec[i];
        if (sec[i] < sec[fastest])
            fastest = i;
    }
    c->chosen = who[fastest];
    *cfg = *cfgs[fastest];
    if (c->chosen == TUNE_CHOSEN_MODEL) {
        snprintf(c->why, sizeof c->why, "model default kept: %s when re-measured",
                 n == 3 ? "neither the tuned point nor the previous profile's was faster"
                 : who[1] == TUNE_CHOSEN_TUNED ? "tuned not faster"
                                               : "the previous profile's not faster");
        return 0;
    }
    const char *tail = n == 3 ? (c->chosen == TUNE_CHOSEN_TUNED
                                     ? ", and faster than the previous profile's"
                                     : ", and faster than the search's best")
                              : unchanged_note(s, c, point);
    snprintf(c->why, sizeof c->why, "%s %.3fx as fast as the model default when re-measured%s",
             c->chosen == TUNE_CHOSEN_TUNED ? "tuned" : "previous profile's",
             sec[0] / sec[fastest], tail);
    return 0;
}

/* Chooses among the search's best, the model default and the warm start: by confirmed time
 * for the time objective, by search cost for the energy ones (the search consulted the warm
 * start, so its best accounts for it). Returns 0 with *cfg, -1 or -3. */
static int choose(const tune_run *t, class_session *s, tune_objective_ctx *octx,
                  tune_class_report *c, fw_config *cfg)
{
    const space *sp = &s->ts.s;
    int point[SPACE_MAX_DIMS], rc;
    memcpy(point, c->r.best, sizeof point);
    if ((t->p->kind != TUNE_OBJ_TIME || t->p->within) && (rc = measure_seed(s, octx, c)) != 0)
        return rc;
    if (t->p->within && (rc = pick_within(t, s, c, point)) != 0)
        return rc;
    fw_config tuned;
    tune_space_config(&s->ts, point, &tuned);
    if (t->p->kind == TUNE_OBJ_TIME && !t->p->within)
        return confirm_fastest(s, c, point, &tuned, cfg);
    c->chosen = TUNE_CHOSEN_MODEL;
    if (is_seed(sp, point)) {
        snprintf(c->why, sizeof c->why, "the model default is the best point found");
    } else if (t->p->within) {
        c->chosen = TUNE_CHOSEN_TUNED;
        snprintf(c->why, sizeof c->why, "least energy within %g%% of the fastest point "
                 "measured%s", t->p->within_pct, unchanged_note(s, c, point));
    } else if (isnan(c->model_cost) || c->best_cost < c->model_cost) {
        c->chosen = TUNE_CHOSEN_TUNED;
        snprintf(c->why, sizeof c->why, "%s lower than the model default's%s%s", t->objective,
                 isnan(c->model_cost) ? ", which failed or is not in the space" : "",
                 unchanged_note(s, c, point));
    } else {
        snprintf(c->why, sizeof c->why, "model default kept: the search found nothing lower");
    }
    *cfg = c->chosen == TUNE_CHOSEN_TUNED ? tuned : s->ts.model;
    return 0;
}

/* Tunes one class within max_seconds. Returns 0 with the chosen configuration in *cfg, -1
 * when the class is left untuned (c->why says why), -3 when interrupted. */
static int tune_class(tune_run *t, tune_class_report *c, double max_seconds, fw_config *cfg)
{
    class_session s;
    if (session_open(t, &s, c, t->o->reduced) != 0)
        return cli_stop_signal ? -3 : -1;
    search_options so = search_defaults(STRATEGY_OF[t->o->strategy]);
    so.seed = (uint64_t)t->o->seed;
    so.max_evaluations = t->o->evals;
    so.max_seconds = max_seconds;
    so.stop = &cli_stop_signal;
    if (t->have_previous && !t->o->fresh && t->previous.tuned[c->prec][c->cls]) {
        const fw_config *prev = &t->previous.cfg[c->prec][c->cls];
        tune_config_describe(c->prec, c->cls, prev, c->previous, sizeof c->previous);
        c->warm = tune_space_point_of(&s.ts, prev, s.warm_start) == 0;
        if (c->warm && so.strategy == SEARCH_LOCAL)
            so.start = s.warm_start;
    }
    tune_objective_ctx octx = {s.eval, &s.ts, t->p->kind};
    int rc = run_search(&s, &octx, &so, c);
    if (c->warm) {
        const eval_entry *e = cached_entry(&s, s.warm_start);
        c->previous_cost = e ? e->cost : NAN;
    }
    if (rc == 0)
        rc = choose(t, &s, &octx, c, cfg);
    session_close(t, &s);
    return rc;
}

/* The replay's objective: the cost the exhaustive search measured (ctx is its cache). */
static double measured_cost(const space *s, const int *point, void *ctx, json_t **extra)
{
    (void)extra;
    char key[SPACE_KEY_MAX];
    const eval_entry *e = space_key(s, point, key, sizeof key) == 0 ? eval_cache_find(ctx, key)
                                                                    : NULL;
    return e ? e->cost : NAN;
}

/* The replay's best (replay_cfg) and the exhaustive best timed again, interleaved, in
 * TUNE_REMEASURE_ROUNDS rounds; their median ratio into c->v.remeasured (time objective
 * only; NaN when a round failed). Returns 0, or -3 when interrupted. */
static int remeasure(tune_run *t, class_session *s, tune_class_report *c,
                     const fw_config *replay_cfg)
{
    tune_validation *v = &c->v;
    if (!memcmp(v->replay.best, c->r.best, (size_t)s->ts.s.ndims * sizeof *c->r.best)) {
        v->remeasured = 0;
        return 0;
    }
    if (t->p->kind != TUNE_OBJ_TIME)
        return 0;
    fw_config best;
    tune_space_config(&s->ts, c->r.best, &best);
    const fw_config *pair[2] = {replay_cfg, &best};
    for (v->rounds = 0; v->rounds < TUNE_REMEASURE_ROUNDS; v->rounds++) {
        double sec[2];
        char why[300];
        int rc = tune_eval_confirm(s->eval, pair, 2, sec, why, sizeof why);
        if (rc == -3)
            return -3;
        if (rc != 0)
            return 0;
        v->remeasured_round[v->rounds] = sec[0] / sec[1] - 1;
    }
    v->remeasured = stats_median(v->remeasured_round, v->rounds);
    return 0;
}

/* --validate on one class: every point of the reduced space measured (once per
 * representative: points that run the same code share one measurement), then the default
 * strategy replayed on those measurements with 15% of the exhaustive's evaluations to
 * spend. Returns 0
 * when both ran (c->v.pass says the verdict), -1 with c->why, or -3. */
static int validate_class(tune_run *t, tune_class_report *c)
{
    class_session s;
    if (session_open(t, &s, c, 1) != 0)
        return cli_stop_signal ? -3 : -1;
    search_options so = search_defaults(SEARCH_EXHAUSTIVE);
    so.stop = &cli_stop_signal;
    tune_objective_ctx octx = {s.eval, &s.ts, t->p->kind};
    int rc = run_search(&s, &octx, &so, c);
    if (rc == 0) {
        tune_validation *v = &c->v;
        char why[300];
        v->budget = 15 * c->r.curve_len / 100; /* at most 15%, but the seed at least */
        if (v->budget < 1)
            v->budget = 1;
        search_options replay = search_defaults(SEARCH_LOCAL);
        replay.seed = (uint64_t)t->o->seed;
        replay.max_evaluations = v->budget;
        if (search_run(&s.ts.s, measured_cost, s.cache, NULL, &replay, &v->replay, why,
                       sizeof why) != 0) {
            snprintf(c->why, sizeof c->why, "the replay stopped: %s", why);
            rc = -1;
        } else {
            c->validated = 1;
            if (v->replay.found) {
                tune_space_prefer_model(&s.ts, v->replay.best);
                fw_config cfg;
                tune_space_config(&s.ts, v->replay.best, &cfg);
                tune_config_describe(c->prec, c->cls, &cfg, v->replay_best,
                                     sizeof v->replay_best);
                v->ratio = v->replay.best_cost / c->r.best_cost - 1;
                rc = remeasure(t, &s, c, &cfg);
            }
            /* false for NaN */
            v->pass = (t->p->kind == TUNE_OBJ_TIME ? v->remeasured : v->ratio) <=
                      TUNE_VALIDATE_TOLERANCE;
            snprintf(c->why, sizeof c->why, "%s", v->replay.found ? (v->pass ? "replay within "
                     "tolerance of the exhaustive best" : "replay's best is beyond tolerance")
                     : "the replay found no point");
        }
    }
    session_close(t, &s);
    return rc;
}

/* Folder of path ("" when it has none): created before anything runs. */
static int make_parent(const char *path)
{
    char dir[PATH_MAX], why[300];
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return 0;
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (fw_make_dirs(dir, why, sizeof why) != 0) {
        cli_error(CMD, "%s", why);
        return -1;
    }
    return 0;
}

/* The folders of every file the run writes, made before anything runs. */
static int make_folders(const tune_opts *o, const tune_plan *p)
{
    char why[300];
    if ((!o->validate && make_parent(p->profile) != 0) || make_parent(p->report) != 0 ||
        make_parent(p->curve) != 0)
        return -1;
    if (!o->no_cache && fw_make_dirs(p->cache_dir, why, sizeof why) != 0) {
        cli_error(CMD, "%s", why);
        return -1;
    }
    return 0;
}

/* Reads the profile at path into *old when it was made on this machine, at this run's
 * thread count and for its objective. Returns 1 then; 0 when there is no file; -1 with the
 * reason in msg when there is one this run cannot build on. */
static int read_previous(const char *path, const fw_profile *now, fw_profile *old, char *msg,
                         size_t len)
{
    if (access(path, F_OK) != 0)
        return 0;
    if (fw_profile_read(path, old, msg, len) != 0 ||
        fw_fingerprint_compare(&now->machine, &old->machine, msg, len) != 0)
        return -1;
    if (old->threads != now->threads) {
        snprintf(msg, len, "tuned at %d threads, this run at %d", old->threads, now->threads);
        return -1;
    }
    if (strcmp(old->objective, now->objective) != 0) {
        snprintf(msg, len, "tuned for %s, this run for %s", old->objective, now->objective);
        return -1;
    }
    return 1;
}

/* Writes the profile of this run's classes, keeping the others from the previous profile. */
static int write_profile(const tune_run *t, const char *path, fw_profile *prof)
{
    char why[300];
    if (t->have_previous)
        for (int p = 0; p < 2; p++)
            for (int c = 0; c < FW_CLASS_COUNT; c++)
                if (!prof->tuned[p][c] && t->previous.tuned[p][c]) {
                    prof->tuned[p][c] = 1;
                    prof->cfg[p][c] = t->previous.cfg[p][c];
                }
    if (fw_profile_write(path, prof, why, sizeof why) != 0) {
        cli_error(CMD, "%s", why);
        return -1;
    }
    return 0;
}

/* Tunes (or validates) every class asked for, writes the profile and the report. Returns
 * the exit status. */
static int run_classes(tune_run *t, tune_class_report *classes, int total)
{
    const tune_opts *o = t->o;
    const tune_plan *p = t->p;
    tune_run_report rr = {.threads = p->threads,
                          .strategy = o->validate ? "exhaustive" : STRATEGY_NAME[o->strategy],
                          .seed = o->seed,
                          .unit = p->kind == TUNE_OBJ_ENERGY ? "J"
                                  : p->kind == TUNE_OBJ_EDP  ? "J*s"
                                                             : "s",
                          .budget_s = o->validate ? NAN : o->budget,
                          .classes = classes};
    fw_machine_fingerprint(&rr.machine);
    snprintf(rr.objective, sizeof rr.objective, "%s", t->objective);
    if (t->meter)
        snprintf(rr.energy, sizeof rr.energy, "%s %s", t->meter->source, t->meter->domain);
    else
        snprintf(rr.energy, sizeof rr.energy, "none");
    fw_profile prof;
    memset(&prof, 0, sizeof prof);
    prof.machine = rr.machine;
    prof.threads = p->threads;
    snprintf(prof.objective, sizeof prof.objective, "%s", rr.objective);
    snprintf(prof.energy, sizeof prof.energy, "%s", rr.energy);
    if (o->validate)
        fprintf(stderr, "validating %d class(es) on reduced spaces at %d threads, objective %s "
                        "(the exhaustive search is not budgeted)\n", total, p->threads,
                t->objective);
    else
        fprintf(stderr, "tuning %d class(es) at %d threads, strategy %s, objective %s, budget "
                        "%g s%s\n", total, p->threads, rr.strategy, t->objective, o->budget,
                o->no_cache ? "" : "; evaluations are cached, so a stopped run resumes");

    if (!o->validate) {
        char msg[300];
        int rc = read_previous(p->profile, &prof, &t->previous, msg, sizeof msg);
        t->have_previous = rc > 0;
        if (rc < 0)
            fprintf(stderr, "replacing %s, whose classes are not kept: %s\n", p->profile, msg);
        else if (rc > 0 && !o->fresh)
            fprintf(stderr, "warm start: each class's search also starts from its configuration "
                            "in %s (--fresh: from the model only)\n", p->profile);
    }

    double start = timer_now();
    int tuned = 0, untuned = 0;
    for (int i = 0; i < total && !cli_stop_signal; i++) {
        tune_class_report *c = &classes[rr.nclasses++];
        /* Class by class, each in every precision: so the square products of both
         * precisions come last, as TUNE_ORDER means them to. */
        tune_class_report_init(c, p->precs[i % p->nprecs], p->classes[i / p->nprecs]);
        /* The budget left, shared by the searches left: what a fast class leaves over goes
         * to the next. Once it is spent, a search measures nothing new. */
        double share = (o->budget - (timer_now() - start)) / (total - i);
        double t0 = timer_now();
        fw_config cfg;
        int rc = o->validate ? validate_class(t, c)
                             : tune_class(t, c, share > 0 ? share : 1e-9, &cfg);
        c->seconds = timer_now() - t0;
        if (rc == 0 && c->chosen != TUNE_CHOSEN_NONE) {
            prof.tuned[c->prec][c->cls] = 1;
            prof.cfg[c->prec][c->cls] = cfg;
            tuned++;
        }
        untuned += rc == -1;
        tune_report_print_class(stdout, &rr, c);
        fflush(stdout);
    }
    rr.seconds = timer_now() - start;
    rr.interrupted = cli_stop_signal != 0;
    int failed = o->validate ? tune_report_print_validation(stdout, &rr) : 0;

    char why[300];
    int written = 1;
    if (tuned > 0) {
        timer_utc_now(prof.created, sizeof prof.created);
        written = write_profile(t, p->profile, &prof) == 0;
        if (written)
            printf("\nprofile: %s (%d class(es) tuned in this run)\n", p->profile, tuned);
    } else if (!o->validate) {
        printf("\nprofile: not written, no class was tuned\n");
    }
    if (tune_report_write(&rr, p->report, p->curve, why, sizeof why) != 0) {
        cli_error(CMD, "%s", why);
        written = 0;
    } else {
        printf("%sreport: %s\ncurve: %s\n", o->validate ? "\n" : "", p->report, p->curve);
    }
    if (cli_stop_signal) {
        if (o->no_cache)
            fprintf(stderr, "interrupted: nothing is cached (--no-cache), so a new run starts "
                            "over\n");
        else
            fprintf(stderr, "interrupted: %ld evaluations are cached in %s; run the same "
                            "command again to resume\n", t->cached, p->cache_dir);
        return 128 + cli_stop_signal;
    }
    return written && !untuned && !failed ? EXIT_OK : EXIT_FAILED;
}

int cmd_tune(int argc, char **argv)
{
    tune_opts o = {.prec = "s,d", .objective = "time", .energy = "auto", .seed = 1,
                   .budget = -1};
    opt_spec specs[] = {
        {"prec", OPT_STRING, &o.prec, NULL, 0, 0, "precisions: s, d or s,d (s,d)"},
        {"classes", OPT_STRING, &o.classes, NULL, 0, 0, "shape classes: square,small,tiny,skinny_k,skinny_m,skinny_n,gemv_n,gemv_t (all)"},
        {"threads", OPT_INT, &o.threads, NULL, 1, 4096, "team size the configurations are tuned for (every core, or FLOPWATT_NUM_THREADS)"},
        {"strategy", OPT_CHOICE, &o.strategy, "local|random|exhaustive", 0, 0, "search strategy (local: model-seeded local search)"},
        {"seed", OPT_INT, &o.seed, NULL, 0, 2147483647, "seed of the random order and restarts (1)"},
        {"objective", OPT_STRING, &o.objective, NULL, 0, 0, "time, energy, edp or energy-within:PCT (time)"},
        {"budget", OPT_DOUBLE, &o.budget, NULL, 1e-3, 1e7, "seconds for the whole run (240; quick 60)"},
        {"evals", OPT_INT, &o.evals, NULL, 1, 2147483647, "fresh evaluations per class at most (no limit)"},
        {"quick", OPT_FLAG, &o.quick, NULL, 0, 0, "a budget of 60 seconds (make bench's first tuning)"},
        {"reduced", OPT_FLAG, &o.reduced, NULL, 0, 0, "search the reduced spaces"},
        {"validate", OPT_FLAG, &o.validate, NULL, 0, 0, "check the default strategy against an exhaustive search of the reduced spaces (no budget; writes no profile)"},
        {"profile", OPT_STRING, &o.profile, NULL, 0, 0, "profile to write (results/tuned/<machine-id>.json)"},
        {"report", OPT_STRING, &o.report, NULL, 0, 0, "report to write (the profile's name, .report.json; --validate: .validate.json)"},
        {"cache-dir", OPT_STRING, &o.cache_dir, NULL, 0, 0, "folder of the evaluation caches (results/tuned/.cache/<machine-id>-<revision>)"},
        {"no-cache", OPT_FLAG, &o.no_cache, NULL, 0, 0, "keep evaluations in memory only (no resume)"},
        {"fresh", OPT_FLAG, &o.fresh, NULL, 0, 0, "search from the model only, not also from the profile being replaced"},
        {"energy", OPT_STRING, &o.energy, NULL, 0, 0, "auto, none, or a backend: rapl-powercap, rapl-perf, papi-rapl, papi-powercap, model (auto)"},
        {"check", OPT_FLAG, &o.check, NULL, 0, 0, "say which profile the library uses; exit 1 when none matches this machine"},
    };
    int rc = args_parse(CMD, "tune [--prec s,d] [--classes LIST] [--strategy local|random|"
                             "exhaustive] [--objective time|energy|edp|energy-within:PCT] "
                             "[--budget S] [--evals N] [--validate] [--check] ...",
                        argc, argv, specs, (int)(sizeof specs / sizeof specs[0]));
    if (rc)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (o.budget < 0)
        o.budget = o.quick ? 60 : 240;
    static tune_plan p;
    if (plan_from_options(&o, &p) != 0)
        return EXIT_USAGE;
    if (o.check)
        return check_profile();

    energy_meter meter;
    int have_meter = cli_open_meter(CMD, o.energy, &meter);
    if (have_meter < 0)
        return EXIT_FAILED;
    tune_run t = {.o = &o, .p = &p, .meter = have_meter ? &meter : NULL};
    int status = EXIT_FAILED, total = p.nprecs * p.nclasses;
    tune_class_report *classes = NULL;
    if ((p.kind != TUNE_OBJ_TIME || p.within) && !have_meter) {
        cli_error(CMD, "--objective %s needs energy figures, and no meter or model is "
                       "available here", o.objective);
    } else if (make_folders(&o, &p) == 0) {
        if (!(classes = calloc((size_t)total, sizeof *classes))) {
            cli_error(CMD, "out of memory");
        } else {
            objective_labels(&t);
            cli_catch_stop_signals();
            status = run_classes(&t, classes, total);
            for (int i = 0; i < total; i++)
                tune_class_report_free(&classes[i]);
            free(classes);
        }
    }
    if (have_meter)
        meter.close(&meter);
    return status;
}
