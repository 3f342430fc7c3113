/* flopwatt tune end to end, as a separate process, on tiny budgets: bad input is refused
 * before anything runs; a run writes a profile the library accepts for this machine, a
 * report and a curve that agree with each other, and tune --check finds the profile; a
 * second run resumes from the cache and a run on another class keeps the classes already
 * tuned; an interrupted run saves its evaluations and says so; --validate prints its table
 * and reports the replay within its budget. Nothing asserts which configuration wins: that
 * depends on timing. */
#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli_run.h"
#include "flopwatt.h"
#include "scratch.h"
#include "../bench/stats.h"
#include "testlib.h"

/* The one *.jsonl file in dir, or "" (the cache files' names are the command's business). */
static void find_cache(const char *dir, char *path, size_t len)
{
    path[0] = '\0';
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n > 6 && strcmp(e->d_name + n - 6, ".jsonl") == 0)
            snprintf(path, len, "%s/%s", dir, e->d_name);
    }
    closedir(d);
}

/* The report's only class (borrowed from it), or NULL after a failed check. */
static json_t *only_class(const json_t *report, const char *what)
{
    json_t *classes = json_object_get(report, "classes");
    if (!CHECK(json_array_size(classes) == 1, "%s: %zu classes in the report, expected 1", what,
               json_array_size(classes)))
        return NULL;
    return json_array_get(classes, 0);
}

static long integer(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? (long)json_integer_value(v) : -1;
}

static json_t *load_report(const char *path, const char *what)
{
    json_error_t err;
    json_t *r = json_load_file(path, 0, &err);
    CHECK(r != NULL, "%s: report %s does not load: %s", what, path, err.text);
    CHECK(!r || integer(r, "flopwatt_tune_report") == 1, "%s: %s is not a tune report", what,
          path);
    return r;
}

static void test_bad_input(void)
{
    char dir[64], profile[128], cache[128];
    if (!CHECK(scratch_dir(dir, sizeof dir, "tune") == 0, "mkdtemp"))
        return;
    snprintf(profile, sizeof profile, "%s/p.json", dir);
    snprintf(cache, sizeof cache, "%s/cache", dir);
#define BAD(...)                                                                                \
    cli_expect_error(2, ARGS("tune", "--prec", "d", "--energy", "none", "--profile", profile,  \
                             "--cache-dir", cache, __VA_ARGS__))
    BAD("--classes", "cubes");
    BAD("--classes", "small,small");
    BAD("--threads", "0");
    BAD("--budget", "-1");
    BAD("--objective", "energy");
    BAD("--objective", "edp");
    BAD("--objective", "energy-within:5");
    BAD("--objective", "energy-within:abc");
    BAD("--strategy", "annealing");
    BAD("--bogus");
#undef BAD
    cli_expect_error(2, ARGS("tune", "--prec", "q", "--profile", profile, "--cache-dir", cache));
    cli_expect_error(2, ARGS("tune", "--energy", "wattmeter", "--profile", profile,
                             "--cache-dir", cache));
    CHECK(scratch_entries(dir) == 0, "bad input left %d file(s) in %s", scratch_entries(dir), dir);
    scratch_remove(dir);
}

/* The profile at path: read by the library, made for this machine, tuned exactly for the
 * classes of f64 in want (a mask of 1 << class). */
static void check_profile(const char *path, unsigned want, const char *what)
{
    fw_profile p;
    char msg[300];
    if (!CHECK(fw_profile_read(path, &p, msg, sizeof msg) == 0, "%s: %s does not read: %s",
               what, path, msg))
        return;
    fw_fingerprint here;
    fw_machine_fingerprint(&here);
    CHECK(fw_fingerprint_compare(&here, &p.machine, msg, sizeof msg) == 0,
          "%s: the profile is not this machine's: %s", what, msg);
    for (int prec = 0; prec < 2; prec++)
        for (int c = 0; c < FW_CLASS_COUNT; c++) {
            int expected = prec == FW_F64 && (want >> c & 1);
            CHECK(p.tuned[prec][c] == expected, "%s: %s %s tuned=%d, expected %d", what,
                  prec == FW_F64 ? "f64" : "f32", fw_class_name((fw_shape_class)c),
                  p.tuned[prec][c], expected);
        }
    CHECK(strcmp(p.objective, "time") == 0 && strcmp(p.energy, "none") == 0,
          "%s: objective '%s', energy '%s'", what, p.objective, p.energy);
}

/* A class's report entry is consistent: evaluations within the budget, one curve step per
 * consulted point, a choice. Returns the evaluations, or -1. */
static long check_class(const json_t *c, long max_evals, const char *what)
{
    long evals = integer(c, "evaluations"), hits = integer(c, "cache_hits");
    json_t *curve = json_object_get(c, "curve");
    CHECK(evals >= 1 && evals <= max_evals, "%s: %ld evaluations, budget %ld", what, evals,
          max_evals);
    CHECK(hits >= 0 && (long)json_array_size(curve) == evals + hits,
          "%s: curve of %zu steps for %ld evaluations and %ld cache hits", what,
          json_array_size(curve), evals, hits);
    const char *chosen = json_string_value(json_object_get(c, "chosen"));
    CHECK(chosen && (strcmp(chosen, "tuned") == 0 || strcmp(chosen, "model") == 0 ||
                     strcmp(chosen, "previous") == 0),
          "%s: chosen is %s", what, chosen ? chosen : "missing");
    CHECK(json_is_string(json_object_get(json_object_get(c, "model"), "config")) &&
              json_is_string(json_object_get(json_object_get(c, "best"), "config")),
          "%s: no model or best configuration", what);
    return evals;
}

/* The configuration a class's report says was chosen, "" when none. */
static void chosen_config(const json_t *c, char *buf, size_t len)
{
    const char *chosen = json_string_value(json_object_get(c, "chosen"));
    const char *from = !chosen                          ? NULL
                       : strcmp(chosen, "tuned") == 0 ? "best"
                       : strcmp(chosen, "model") == 0 ? "model"
                                                        : "previous";
    const char *cfg = from ? json_string_value(json_object_get(json_object_get(c, from),
                                                               "config"))
                           : NULL;
    snprintf(buf, len, "%s", cfg ? cfg : "");
}

/* A tiny run, then tune --check on its profile, a resumed run and a run on another class. */
static void test_run_resume_merge(void)
{
    char dir[64], profile[128], cache[128], report[128], curve[128], cache_file[512];
    if (!CHECK(scratch_dir(dir, sizeof dir, "tune") == 0, "mkdtemp"))
        return;
    snprintf(profile, sizeof profile, "%s/p.json", dir);
    snprintf(report, sizeof report, "%s/p.report.json", dir);
    snprintf(curve, sizeof curve, "%s/p.curve.csv", dir);
    snprintf(cache, sizeof cache, "%s/cache", dir);
    static cli_result r;
#define RUN_WITH(classes, evals, option)                                                         \
    cli_run(&r, ARGS("tune", "--prec", "d", "--classes", classes, "--evals", evals, "--budget", \
                     "60", "--energy", "none", "--profile", profile, "--cache-dir", cache, option))
#define RUN(classes, evals) RUN_WITH(classes, evals, "--seed=1") /* the default */
    RUN("small", "4");
    if (!CHECK(r.status == 0, "tiny run: exit %d, stderr: %s", r.status, r.err))
        goto out;
    CHECK(strstr(r.out, "f64 small") && strstr(r.out, profile),
          "tiny run: no progress line or profile path on stdout: %s", r.out);
    check_profile(profile, 1u << FW_CLASS_SMALL, "tiny run");
    json_t *rep = load_report(report, "tiny run");
    json_t *c = rep ? only_class(rep, "tiny run") : NULL;
    long first = c ? check_class(c, 4, "tiny run") : -1;
    char chosen_first[256] = "";
    if (c) {
        chosen_config(c, chosen_first, sizeof chosen_first);
        CHECK(json_is_null(json_object_get(c, "previous")), "tiny run: a previous "
              "configuration where there was no profile");
    }
    CHECK(!rep || json_is_false(json_object_get(rep, "interrupted")),
          "tiny run: report says interrupted");
    long steps = c ? (long)json_array_size(json_object_get(c, "curve")) : 0;
    CHECK(scratch_lines(curve) == 1 + steps, "tiny run: %s has %d lines for %ld steps", curve,
          scratch_lines(curve), steps);
    json_decref(rep);
    find_cache(cache, cache_file, sizeof cache_file);
    int lines = scratch_lines(cache_file);
    CHECK(lines >= 1 + first, "tiny run: cache %s has %d lines for %ld evaluations",
          cache_file, lines, first);

    setenv("FLOPWATT_PROFILE", profile, 1);
    cli_run(&r, ARGS("tune", "--check"));
    CHECK(r.status == 0 && strstr(r.out, profile), "--check with FLOPWATT_PROFILE=%s: exit "
          "%d, %s", profile, r.status, r.out);
    setenv("FLOPWATT_PROFILE", "none", 1);
    cli_run(&r, ARGS("tune", "--check"));
    CHECK(r.status == 1 && strstr(r.out, "none matches"), "--check with FLOPWATT_PROFILE=none: "
          "exit %d, %s", r.status, r.out);
    unsetenv("FLOPWATT_PROFILE");

    /* The first run's choice is the warm start of the next (a point of the space, so it is
     * consulted and has a cost), whose seed descent retraces the first run's path: every
     * point the first run measured is found in the cache. */
    RUN("small", "8");
    CHECK(r.status == 0 && strstr(r.err, "warm start"), "resumed run: exit %d, stderr does "
          "not say it starts warm: %s", r.status, r.err);
    rep = load_report(report, "resumed run");
    c = rep ? only_class(rep, "resumed run") : NULL;
    if (c) {
        check_class(c, 8, "resumed run");
        CHECK(integer(c, "cache_hits") >= first, "resumed run: %ld cache hits, the first run "
              "measured %ld", integer(c, "cache_hits"), first);
        const json_t *prev = json_object_get(c, "previous");
        const char *pc = json_string_value(json_object_get(prev, "config"));
        CHECK(pc && strcmp(pc, chosen_first) == 0 &&
                  json_is_true(json_object_get(prev, "warm_start")) &&
                  json_is_real(json_object_get(prev, "cost")),
              "resumed run: the warm start is %s, the first run chose %s", pc ? pc : "none",
              chosen_first);
    }
    json_decref(rep);
    CHECK(scratch_lines(cache_file) > lines, "resumed run: the cache did not grow (%d lines)",
          scratch_lines(cache_file));

    RUN_WITH("small", "8", "--fresh");
    rep = load_report(report, "--fresh");
    c = rep ? only_class(rep, "--fresh") : NULL;
    CHECK(r.status == 0 && !strstr(r.err, "warm start") && c &&
              json_is_null(json_object_get(c, "previous")),
          "--fresh: exit %d, a warm start: %s", r.status, r.err);
    json_decref(rep);

    RUN("gemv_t", "2");
    CHECK(r.status == 0, "gemv_t run: exit %d, stderr: %s", r.status, r.err);
    check_profile(profile, 1u << FW_CLASS_SMALL | 1u << FW_CLASS_GEMV_T,
                  "gemv_t run on the same profile");
#undef RUN
#undef RUN_WITH

    /* Classes go cheapest first, each in both precisions, whatever order --classes lists:
     * the budget the cheap ones leave goes to the square products of both precisions. */
    cli_run(&r, ARGS("tune", "--prec", "s,d", "--classes", "gemv_t,tiny", "--evals", "1",
                     "--budget", "60", "--energy", "none", "--profile", profile, "--no-cache"));
    rep = load_report(report, "two precisions");
    json_t *cls = json_object_get(rep, "classes");
    static const char *const want[4][2] = {
        {"f32", "tiny"}, {"f64", "tiny"}, {"f32", "gemv_t"}, {"f64", "gemv_t"}};
    int in_order = r.status == 0 && json_array_size(cls) == 4;
    for (size_t i = 0; in_order && i < 4; i++) {
        const json_t *ci = json_array_get(cls, i);
        in_order = strcmp(json_string_value(json_object_get(ci, "prec")), want[i][0]) == 0 &&
                   strcmp(json_string_value(json_object_get(ci, "class")), want[i][1]) == 0;
    }
    CHECK(in_order, "two precisions: exit %d, classes not tuned as f32 tiny, f64 tiny, f32 "
          "gemv_t, f64 gemv_t: %s", r.status, r.out);
    json_decref(rep);
out:
    scratch_remove(dir);
}

/* SIGINT once two evaluations are cached: exit 130, a report marked interrupted, and a run
 * of the same command finds them in the cache. A square class spends seconds per point, so
 * the signal lands long before the run would end. */
static void test_interrupt(void)
{
    char dir[64], profile[128], cache[128], report[128], cache_file[512] = "";
    if (!CHECK(scratch_dir(dir, sizeof dir, "tune") == 0, "mkdtemp"))
        return;
    snprintf(profile, sizeof profile, "%s/p.json", dir);
    snprintf(report, sizeof report, "%s/p.report.json", dir);
    snprintf(cache, sizeof cache, "%s/cache", dir);
    cli_process p;
#define ARGV(evals)                                                                             \
    ARGS("tune", "--prec", "d", "--classes", "square", "--evals", evals, "--energy", "none",   \
         "--profile", profile, "--cache-dir", cache)
    if (!CHECK(cli_start(&p, ARGV("1000")) == 0, "could not start the interrupted run"))
        goto out;
    int lines = 0;
    for (int waited = 0; waited < 3000 && lines < 3; waited++) { /* at most 5 minutes */
        struct timespec ts = {0, 100000000};
        nanosleep(&ts, NULL);
        if (!cache_file[0])
            find_cache(cache, cache_file, sizeof cache_file);
        lines = cache_file[0] ? scratch_lines(cache_file) : 0;
    }
    CHECK(lines >= 3, "interrupted run: the cache never held two evaluations (%d lines)", lines);
    kill(p.pid, SIGINT);
    static cli_result r;
    cli_wait(&p, &r);
    CHECK(r.status == 130 && strstr(r.err, "interrupted:") && strstr(r.err, "resume"),
          "interrupted run: exit %d (signal %d), stderr %s", r.status, r.signal, r.err);
    json_t *rep = load_report(report, "interrupted run");
    CHECK(!rep || json_is_true(json_object_get(rep, "interrupted")),
          "interrupted run: the report is not marked interrupted");
    json_decref(rep);

    cli_run(&r, ARGV("1"));
    CHECK(r.status == 0, "resumed run: exit %d, stderr: %s", r.status, r.err);
    rep = load_report(report, "run after the interrupt");
    json_t *c = rep ? only_class(rep, "run after the interrupt") : NULL;
    CHECK(c && integer(c, "cache_hits") >= 2 && integer(c, "evaluations") <= 1,
          "run after the interrupt: %ld cache hits, %ld evaluations",
          c ? integer(c, "cache_hits") : -1, c ? integer(c, "evaluations") : -1);
    json_decref(rep);
#undef ARGV
out:
    scratch_remove(dir);
}

/* --validate on one class: a verdict either way, the table, and a report whose validation
 * is consistent; no profile. */
static void test_validate(void)
{
    char dir[64], profile[128], cache[128], report[128];
    if (!CHECK(scratch_dir(dir, sizeof dir, "tune") == 0, "mkdtemp"))
        return;
    snprintf(profile, sizeof profile, "%s/v.json", dir);
    snprintf(report, sizeof report, "%s/v.validate.json", dir);
    snprintf(cache, sizeof cache, "%s/cache", dir);
    static cli_result r;
    cli_run(&r, ARGS("tune", "--validate", "--prec", "d", "--classes", "small", "--energy", "none",
                     "--profile", profile, "--cache-dir", cache));
    CHECK(r.status == 0 || r.status == 1, "validate: exit %d, stderr %s", r.status, r.err);
    const char *row = strstr(r.out, "f64  small");
    CHECK(row && (strstr(row, "PASS") || strstr(row, "FAIL")),
          "validate: no PASS/FAIL row for f64 small: %s", r.out);
    CHECK(access(profile, F_OK) != 0, "validate wrote a profile");
    json_t *rep = load_report(report, "validate");
    json_t *c = rep ? only_class(rep, "validate") : NULL;
    json_t *v = c ? json_object_get(c, "validate") : NULL;
    if (CHECK(json_is_object(v), "validate: no validate object in the report")) {
        /* One evaluation per representative: at most one per valid point. */
        long valid = integer(c, "valid_points"), exhaustive = integer(v, "exhaustive_evaluations");
        long budget = 15 * exhaustive / 100 > 1 ? 15 * exhaustive / 100 : 1;
        long replay = integer(v, "replay_evaluations");
        double ratio = json_number_value(json_object_get(v, "ratio"));
        int pass = json_is_true(json_object_get(v, "pass"));
        CHECK(valid > 0 && exhaustive >= 1 && exhaustive <= valid,
              "validate: %ld exhaustive evaluations of %ld valid points", exhaustive, valid);
        CHECK(replay >= 1 && replay <= budget && integer(v, "replay_budget") == budget,
              "validate: replay of %ld evaluations, budget %ld of %ld exhaustive", replay,
              integer(v, "replay_budget"), exhaustive);
        CHECK(json_is_number(json_object_get(v, "ratio")) && ratio >= 0,
              "validate: ratio %g", ratio);
        /* The verdict rests on the re-measured ratio (time objective): 0 when the replay
         * found the exhaustive best itself. */
        double again = json_number_value(json_object_get(v, "remeasured_ratio"));
        CHECK(json_is_number(json_object_get(v, "remeasured_ratio")) && (ratio > 0 || again == 0),
              "validate: re-measured ratio %g (landscape %g)", again, ratio);
        CHECK(pass == (again <= 0.03) && (r.status == 0) == pass,
              "validate: pass %d with re-measured ratio %g and exit %d", pass, again, r.status);
        /* Re-measured in three rounds, the median deciding; none when one point is both. */
        const json_t *rounds = json_object_get(v, "remeasured_rounds");
        const size_t n = json_array_size(rounds);
        double x[3] = {0};
        for (size_t i = 0; i < n && i < 3; i++)
            x[i] = json_number_value(json_array_get(rounds, i));
        const int one_point = again == 0 && ratio == 0;
        const int median = n == 3 && again == stats_median(x, 3);
        CHECK(json_is_array(rounds) && (one_point ? n == 0 : median),
              "validate: re-measured ratio %g from %zu round(s)", again, n);
    }
    json_decref(rep);
    scratch_remove(dir);
}

int main(void)
{
    if (!cli_path())
        return fw_test_summary();
    unsetenv("FLOPWATT_PROFILE");
    test_bad_input();
    test_run_resume_merge();
    test_validate();
    test_interrupt();
    return fw_test_summary();
}
