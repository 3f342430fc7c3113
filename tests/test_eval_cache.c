/* Unit tests of the tuner's evaluation cache (tuner/eval_cache.c): the journal file, its
 * recovery after a kill, its refusals, and a search that resumes from it. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "scratch.h"
#include "testlib.h"

#include "../tuner/search.h"

static char top[64];

static const char *path_in_top(const char *name)
{
    static char path[4][256];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", top, name);
    return p;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f && fputs(text, f) >= 0 && fclose(f) == 0, "writing %s", path);
}

/* The file's contents (to free), or NULL. */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = calloc(1, 1 << 16);
    size_t n = buf ? fread(buf, 1, (1 << 16) - 1, f) : 0;
    (void)n;
    fclose(f);
    return buf;
}

static int one_line(const char *why) { return *why && !strchr(why, '\n'); }

/* A 10 x 10 space with a diagonal of invalid points; cost 1 + distance^2 to (6, 3). */
static int off_diagonal(const space *s, const int *p, void *ctx)
{
    (void)s;
    (void)ctx;
    return p[0] + p[1] != 13;
}

static void make_space(space *s)
{
    const long values[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    char why[256] = "";
    space_init(s);
    CHECK(space_add_dim(s, "a", values, 10, why, sizeof why) == 0 &&
              space_add_dim(s, "b", values, 10, why, sizeof why) == 0,
          "space: %s", why);
    space_set_valid(s, off_diagonal, NULL);
    const long seed[] = {1, 1};
    space_set_seed(s, seed, why, sizeof why);
}

static double cost_of(const int *p) { return 1 + (p[0] - 6) * (p[0] - 6) + (p[1] - 3) * (p[1] - 3) / 7.0; }

typedef struct probe {
    int calls[100]; /* per point index, across runs */
    long total;
} probe;

static double measured(const space *s, const int *p, void *ctx, json_t **extra)
{
    probe *pr = ctx;
    pr->calls[space_index(s, p)]++;
    pr->total++;
    double c = cost_of(p);
    *extra = eval_measure_json(&(eval_measure){c, 2 * c});
    return c;
}

static int max_calls(const probe *pr)
{
    int m = 0;
    for (int i = 0; i < 100; i++)
        m = pr->calls[i] > m ? pr->calls[i] : m;
    return m;
}

static eval_cache *open_for(const space *s, const char *path, char *why, size_t wlen)
{
    char *sig = space_signature(s);
    eval_cache *c = eval_cache_open(path, sig, "time", why, wlen);
    free(sig);
    return c;
}

static void test_memory(void)
{
    char why[256] = "";
    eval_cache *c = eval_cache_open(NULL, "sig", "time", why, sizeof why);
    if (!CHECK(c != NULL, "memory cache: %s", why))
        return;
    int ok = 1;
    for (int i = 0; i < 1000 && ok; i++) {
        char key[32];
        snprintf(key, sizeof key, "k=%d", i);
        ok = eval_cache_add(c, key, i, i % 2 ? json_pack("{s:i}", "i", i) : NULL, why,
                            sizeof why) == 0;
    }
    CHECK(ok && eval_cache_count(c) == 1000, "1000 entries stored: %s", ok ? "" : why);
    int found = 1;
    for (int i = 0; i < 1000; i++) {
        char key[32];
        snprintf(key, sizeof key, "k=%d", i);
        const eval_entry *e = eval_cache_find(c, key);
        found &= e && e->cost == i && !strcmp(e->key, key) &&
                 (i % 2 ? json_integer_value(json_object_get(e->extra, "i")) == i : !e->extra);
    }
    CHECK(found, "each entry found with its cost and extra");
    CHECK(!eval_cache_find(c, "k=1000") && !eval_cache_find(c, "k="), "unknown keys not found");
    CHECK(eval_cache_add(c, "k=5", INFINITY, NULL, why, sizeof why) == 0 &&
              isnan(eval_cache_find(c, "k=5")->cost) && eval_cache_count(c) == 1000,
          "a key stored again is replaced; a non-finite cost is a failure");
    CHECK(eval_cache_add(c, "k=x", 1, json_integer(3), why, sizeof why) == -1 && one_line(why) &&
              !eval_cache_find(c, "k=x"),
          "an extra that is not an object is refused: %s", why);
    CHECK(eval_cache_loaded(c) == 0 && eval_cache_dropped(c) == 0, "nothing loaded in memory");
    eval_cache_close(c);
}

static void test_write_reopen(void)
{
    space s;
    make_space(&s);
    const char *path = path_in_top("written.jsonl");
    char why[256] = "";
    probe pr = {{0}, 0};
    eval_cache *c = open_for(&s, path, why, sizeof why);
    if (!CHECK(c != NULL, "create: %s", why))
        return;
    CHECK(eval_cache_loaded(c) == 0 && eval_cache_count(c) == 0, "a new cache is empty");
    search_options o = search_defaults(SEARCH_EXHAUSTIVE);
    search_result r;
    CHECK(search_run(&s, measured, &pr, c, &o, &r, why, sizeof why) == 0, "search: %s", why);
    long n = r.evaluations;
    double best = r.best_cost;
    CHECK(n == 94 && r.cache_hits == 0 && pr.total == 94, "first run: %ld fresh evaluations", n);
    search_result_free(&r);
    eval_cache_close(c);

    char *text = read_text(path);
    int lines = 0;
    for (const char *p = text; p && *p; p++)
        lines += *p == '\n';
    const char *header = "{\"space\":\"a=0|1|2|3|4|5|6|7|8|9;b=0|1|2|3|4|5|6|7|8|9\","
                         "\"objective\":\"time\"}\n";
    CHECK(text && !strncmp(text, header, strlen(header)) && lines == 95,
          "header then one line per evaluation (%d lines)", lines);
    free(text);

    c = open_for(&s, path, why, sizeof why);
    if (!CHECK(c != NULL, "reopen: %s", why))
        return;
    CHECK(eval_cache_loaded(c) == 94 && eval_cache_dropped(c) == 0, "all 94 loaded (%d)",
          eval_cache_loaded(c));
    int same = 1;
    for (int i = 0; i < eval_cache_count(c); i++) {
        const eval_entry *e = eval_cache_entry(c, i);
        int p[SPACE_MAX_DIMS];
        same &= space_point_from_key(&s, e->key, p) == 0 && e->cost == cost_of(p) &&
                eval_measure_from_json(e->extra).joules == 2 * cost_of(p);
    }
    CHECK(same, "costs and measures read back exactly");
    probe again = {{0}, 0};
    CHECK(search_run(&s, measured, &again, c, &o, &r, why, sizeof why) == 0, "rerun: %s", why);
    CHECK(r.evaluations == 0 && again.total == 0 && r.cache_hits == 94 && r.best_cost == best &&
              r.curve_len == 94 && !r.curve[0].fresh,
          "a rerun spends nothing: %ld fresh, %ld from the cache", r.evaluations, r.cache_hits);
    search_result_free(&r);
    eval_cache_close(c);
    space_free(&s);
}

/* A run stopped by its budget, resumed, spends in total what one whole run spends, never
 * evaluates a point twice and ends with the same result. */
static void test_resume(search_strategy strategy)
{
    space s;
    make_space(&s);
    char why[256] = "", name[64];
    snprintf(name, sizeof name, "resume%d.jsonl", (int)strategy);
    const char *path = path_in_top(name);
    search_options o = search_defaults(strategy);
    o.seed = 99;
    o.patience = 8;
    search_result whole, part, rest;
    probe pw = {{0}, 0}, pr = {{0}, 0};
    CHECK(search_run(&s, measured, &pw, NULL, &o, &whole, why, sizeof why) == 0, "whole: %s", why);

    eval_cache *c = open_for(&s, path, why, sizeof why);
    o.max_evaluations = 15;
    CHECK(c && search_run(&s, measured, &pr, c, &o, &part, why, sizeof why) == 0 &&
              part.evaluations == 15 && part.stop == SEARCH_STOP_EVALUATIONS,
          "strategy %d interrupted after 15 evaluations", strategy);
    eval_cache_close(c);

    c = open_for(&s, path, why, sizeof why);
    o.max_evaluations = 0;
    if (CHECK(c && eval_cache_loaded(c) == 15, "15 evaluations loaded") &&
        CHECK(search_run(&s, measured, &pr, c, &o, &rest, why, sizeof why) == 0, "resume: %s",
              why)) {
        CHECK(rest.cache_hits == 15 && part.evaluations + rest.evaluations == whole.evaluations &&
                  max_calls(&pr) == 1,
              "strategy %d: 15 + %ld fresh evaluations (whole run %ld), %ld from the cache",
              strategy, rest.evaluations, whole.evaluations, rest.cache_hits);
        int same = rest.curve_len == whole.curve_len && rest.best_cost == whole.best_cost &&
                   !memcmp(rest.best, whole.best, 2 * sizeof(int));
        for (long i = 0; same && i < rest.curve_len; i++)
            same = rest.curve[i].cost == whole.curve[i].cost && rest.curve[i].fresh == (i >= 15);
        CHECK(same, "strategy %d: the resumed run retraces the whole one", strategy);
        search_result_free(&rest);
    }
    eval_cache_close(c);
    search_result_free(&whole);
    search_result_free(&part);
    space_free(&s);
}

static void test_truncated(void)
{
    space s;
    make_space(&s);
    char why[256] = "", *sig = space_signature(&s), text[1024];
    const char *path = path_in_top("cut.jsonl");
    snprintf(text, sizeof text,
             "{\"space\": \"%s\", \"objective\": \"time\"}\n"
             "{\"key\": \"a=1,b=1\", \"cost\": 2.5}\n"
             "{\"key\": \"a=1,b=2\", \"cost\": null, \"extra\": {\"seconds\": null}}\n"
             "{\"key\": \"a=1,b=3\", \"cost\": 4}\n"
             "{\"key\": \"a=1,b=4\", \"co",
             sig);
    write_text(path, text);
    eval_cache *c = open_for(&s, path, why, sizeof why);
    if (CHECK(c != NULL, "a cut last line is tolerated: %s", why)) {
        CHECK(eval_cache_loaded(c) == 3 && eval_cache_dropped(c) == 1 &&
                  !eval_cache_find(c, "a=1,b=4") && isnan(eval_cache_find(c, "a=1,b=2")->cost) &&
                  eval_cache_find(c, "a=1,b=3")->cost == 4,
              "3 loaded, 1 dropped (%d, %d)", eval_cache_loaded(c), eval_cache_dropped(c));
        CHECK(eval_cache_add(c, "a=1,b=5", 7, NULL, why, sizeof why) == 0, "append: %s", why);
        eval_cache_close(c);
    }
    c = open_for(&s, path, why, sizeof why);
    if (CHECK(c != NULL, "reopen after the cut: %s", why)) {
        CHECK(eval_cache_loaded(c) == 4 && eval_cache_dropped(c) == 0 &&
                  eval_cache_find(c, "a=1,b=5")->cost == 7,
              "the new line follows the cut, not the remains (%d loaded)", eval_cache_loaded(c));
        eval_cache_close(c);
    }

    /* Killed while writing the header: the file starts over. */
    write_text(path, "{\"space\": \"a=0|1");
    c = open_for(&s, path, why, sizeof why);
    if (CHECK(c != NULL, "a cut header is tolerated: %s", why)) {
        CHECK(eval_cache_loaded(c) == 0 && eval_cache_dropped(c) == 1, "nothing loaded");
        eval_cache_close(c);
    }
    char *now = read_text(path);
    snprintf(text, sizeof text, "{\"space\":\"%s\",\"objective\":\"time\"}\n", sig);
    CHECK(now && !strcmp(now, text), "a fresh header replaces the cut one: %s", now);
    free(now);
    free(sig);
    space_free(&s);
}

/* Each corrupt file is refused with one line naming the file and the line. */
static void test_corrupt(void)
{
    space s;
    make_space(&s);
    char *sig = space_signature(&s), header[512], text[2048], why[512] = "";
    snprintf(header, sizeof header, "{\"space\": \"%s\", \"objective\": \"time\"}\n", sig);
    const char *good = "{\"key\": \"a=1,b=1\", \"cost\": 2.5}\n";
    const struct {
        const char *lines; /* after the header, except for the first case */
        int line;
    } cases[] = {
        {"garbage\n", 3},
        {"{\"key\": \"a=2,b=2\", \"cost\": }\n", 3},
        {"\n", 3},
        {"[1, 2]\n", 3},
        {"{\"key\": \"a=2,b=2\"}\n", 3},
        {"{\"key\": \"\", \"cost\": 1}\n", 3},
        {"{\"key\": \"a=2,b=2\", \"cost\": \"fast\"}\n", 3},
        {"{\"key\": \"a=2,b=2\", \"cost\": 1, \"extra\": [1]}\n", 3},
        {"{\"key\": \"a=2,b=2\", \"cost\": 1, \"cost\": 2}\n", 3},
    };
    const char *path = path_in_top("corrupt.jsonl");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        /* the corrupt line in the middle: one good line after it */
        snprintf(text, sizeof text, "%s%s%s%s", header, good, cases[i].lines, good);
        write_text(path, text);
        eval_cache *c = open_for(&s, path, why, sizeof why);
        char where[300];
        snprintf(where, sizeof where, "%s:%d:", path, cases[i].line);
        CHECK(!c && one_line(why) && strstr(why, where), "case %zu refused at line %d: %s", i,
              cases[i].line, c ? "(opened)" : why);
        eval_cache_close(c);
        char *after = read_text(path);
        CHECK(after && !strcmp(after, text), "case %zu: a refused file is left as it was", i);
        free(after);
    }
    /* A corrupt last line that ends with its newline was written whole: not a cut. */
    snprintf(text, sizeof text, "%s%sgarbage\n", header, good);
    write_text(path, text);
    eval_cache *c = open_for(&s, path, why, sizeof why);
    CHECK(!c && strstr(why, "corrupt.jsonl:3:"), "a whole corrupt last line is refused: %s",
          c ? "(opened)" : why);
    eval_cache_close(c);
    /* An evaluation where the header should be. */
    write_text(path, good);
    c = open_for(&s, path, why, sizeof why);
    CHECK(!c && strstr(why, "corrupt.jsonl:1:") && one_line(why), "no header: %s",
          c ? "(opened)" : why);
    eval_cache_close(c);
    free(sig);
    space_free(&s);
}

static void test_refusals(void)
{
    space s, other;
    make_space(&s);
    make_space(&other);
    const long more[] = {1, 2};
    char why[512] = "";
    space_add_dim(&other, "ways", more, 2, why, sizeof why);
    const char *path = path_in_top("owned.jsonl");
    eval_cache *c = open_for(&s, path, why, sizeof why);
    CHECK(c && eval_cache_add(c, "a=1,b=1", 3, NULL, why, sizeof why) == 0, "owned: %s", why);

    /* The first holder keeps the file; a second opener is refused. */
    eval_cache *twice = open_for(&s, path, why, sizeof why);
    CHECK(!twice && one_line(why) && strstr(why, "another tuning run"), "locked: %s",
          twice ? "(opened)" : why);
    eval_cache_close(twice);
    eval_cache_close(c);

    char *before = read_text(path);
    c = open_for(&other, path, why, sizeof why);
    CHECK(!c && one_line(why) && strstr(why, "another search space") && strstr(why, path),
          "another space is refused: %s", c ? "(opened)" : why);
    eval_cache_close(c);
    char *sig = space_signature(&s);
    c = eval_cache_open(path, sig, "energy", why, sizeof why);
    CHECK(!c && one_line(why) && strstr(why, "objective time, not energy"),
          "another objective is refused: %s", c ? "(opened)" : why);
    eval_cache_close(c);
    char *after = read_text(path);
    CHECK(before && after && !strcmp(before, after), "a refused file is left as it was");
    free(before);
    free(after);

    c = eval_cache_open("/nonexistent-fw-folder/cache.jsonl", sig, "time", why, sizeof why);
    CHECK(!c && one_line(why) && strstr(why, "/nonexistent-fw-folder/cache.jsonl") &&
              strstr(why, strerror(ENOENT)),
          "a path in a missing folder: %s", c ? "(opened)" : why);
    eval_cache_close(c);
    c = eval_cache_open(top, sig, "time", why, sizeof why);
    CHECK(!c && one_line(why) && strstr(why, top), "a folder as path: %s", c ? "(opened)" : why);
    eval_cache_close(c);
    c = eval_cache_open("/dev/null", sig, "time", why, sizeof why);
    CHECK(!c && one_line(why) && strstr(why, "not a regular file"), "a device as path: %s",
          c ? "(opened)" : why);
    eval_cache_close(c);
    free(sig);
    space_free(&s);
    space_free(&other);
}

/* A write that fails (the file size limit here) stops the search with one line, and leaves
 * no half line behind. */
static void test_write_failure(void)
{
    space s;
    make_space(&s);
    char why[256] = "";
    const char *path = path_in_top("full.jsonl");
    eval_cache *c = open_for(&s, path, why, sizeof why);
    struct rlimit old, small = {600, 0};
    if (!CHECK(c && getrlimit(RLIMIT_FSIZE, &old) == 0, "setup: %s", why))
        return;
    small.rlim_max = old.rlim_max;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    probe pr = {{0}, 0};
    search_options o = search_defaults(SEARCH_EXHAUSTIVE);
    search_result r = {0};
    int rc = setrlimit(RLIMIT_FSIZE, &small) == 0
                 ? search_run(&s, measured, &pr, c, &o, &r, why, sizeof why) : 0;
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    search_result_free(&r);
    CHECK(rc == -1 && one_line(why) && strstr(why, path) && strstr(why, strerror(EFBIG)),
          "a failed write stops the search: %s", rc ? why : "(it went on)");
    eval_cache_close(c);
    c = open_for(&s, path, why, sizeof why);
    CHECK(c && eval_cache_dropped(c) == 0 && eval_cache_loaded(c) == pr.total - 1 &&
              eval_cache_loaded(c) > 0,
          "the lines written whole are kept, the cut one is gone (%d of %ld)",
          c ? eval_cache_loaded(c) : -1, pr.total);
    eval_cache_close(c);
    space_free(&s);
}

static void remove_top(void)
{
    const char *names[] = {"written.jsonl", "resume0.jsonl", "resume1.jsonl", "resume2.jsonl",
                           "cut.jsonl", "corrupt.jsonl", "owned.jsonl", "full.jsonl"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        unlink(path_in_top(names[i]));
    CHECK(rmdir(top) == 0, "the test folder is left empty: %s", strerror(errno));
}

int main(void)
{
    if (!CHECK(scratch_dir(top, sizeof top, "eval-cache") == 0, "mkdtemp: %s",
               strerror(errno)))
        return fw_test_summary();
    test_memory();
    test_write_reopen();
    test_resume(SEARCH_LOCAL);
    test_resume(SEARCH_RANDOM);
    test_resume(SEARCH_EXHAUSTIVE);
    test_truncated();
    test_corrupt();
    test_refusals();
    test_write_failure();
    remove_top();
    return fw_test_summary();
}
