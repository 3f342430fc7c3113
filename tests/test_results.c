/* Result files (bench/results*.c, bench/record.c, bench/atomic_file.c): a run written,
 * read back and written again gives the same JSON text; every kind of schema violation is
 * caught and named by its key; files appear whole (no temporary left, an old file
 * replaced, no JSON without its CSV); an unwritable folder is reported before a run; and
 * `flopwatt validate` says the same on the command line. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_run.h"
#include "scratch.h"
#include "testlib.h"

#include "atomic_file.h"
#include "../bench/results.h"

static char top[64];

/* ---- helpers ---------------------------------------------------------------------- */

static void join(char *buf, size_t cap, const char *dir, const char *name)
{
    snprintf(buf, cap, "%s/%s", dir, name);
}

/* The file's text (malloc'd), NULL when it cannot be read. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    for (int c; m && (c = fgetc(f)) != EOF;)
        fputc(c, m);
    fclose(f);
    if (m)
        fclose(m);
    return buf;
}

static int spill(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static int one_line(const char *s) { return *s && !strchr(s, '\n'); }

/* ---- the run used throughout ---------------------------------------------------------- */

static const double gemm_times[] = {1.0e-3, 1.25e-3, 0.97e-3, 1.01e-3, 1.1e-3};
static const double gemv_times[] = {2.5e-4, 2.4e-4, 2.6e-4};

/* One ok GEMM with counters and modelled energy, one wrong GEMV whose struct still holds
 * rates (they must not be written) and measured energy with a DRAM part. */
static void make_run(bench_run *r, int complete)
{
    bench_run_init(r);
    r->info = json_pack("{s:s, s:{s:s, s:i}}", "machine_id", "test-box", "cpu", "model_name",
                        "AMD EPYC", "cores", 2);
    r->options = json_pack("{s:b, s:[i,i]}", "quick", 1, "threads", 1, 2);
    snprintf(r->machine_id, sizeof r->machine_id, "test-box");
    snprintf(r->started_utc, sizeof r->started_utc, "2026-11-24T10:00:00Z");
    snprintf(r->finished_utc, sizeof r->finished_utc, "2026-11-24T10:05:30Z");
    snprintf(r->compiler, sizeof r->compiler, "gcc 14.2.0");
    snprintf(r->cflags, sizeof r->cflags, "-std=c11 -O3 -fopenmp");
    snprintf(r->git_revision, sizeof r->git_revision, "0d0892f");
    r->complete = complete;
    if (!complete)
        snprintf(r->incomplete_reason, sizeof r->incomplete_reason, "interrupted by SIGINT");

    bench_record g;
    memset(&g, 0, sizeof g);
    snprintf(g.config, sizeof g.config, "dgemm_col_nt_64x48x32_t2");
    snprintf(g.shape_class, sizeof g.shape_class, "small");
    snprintf(g.impl, sizeof g.impl, "flopwatt");
    snprintf(g.impl_detail, sizeof g.impl_detail, "0.1.0, dispatch avx512");
    snprintf(g.kernel, sizeof g.kernel, "dgemm_avx512_16x14");
    g.call = (blas_call){.op = CALL_GEMM, .prec = FW_F64, .layout = FW_COL_MAJOR,
                         .ta = FW_NO_TRANS, .tb = FW_TRANS, .m = 64, .n = 48, .k = 32,
                         .alpha = 1.5, .beta = 0.25, .threads = 2};
    g.status = REC_OK;
    g.warmups = 2;
    g.inner = 40;
    g.nsamples = 5;
    g.times = (double *)gemm_times;
    g.median = 1.01e-3, g.min = 0.97e-3, g.max = 1.25e-3;
    g.mean = 1.0 / 937; /* more digits than the file keeps: the text must still be stable */
    g.ci_lo = 0.97e-3, g.ci_hi = 1.25e-3;
    g.cv = NAN; /* not computed: must come back as NaN */
    g.unstable = 1;
    g.gflops = 0.194, g.gflops_best = 0.2027, g.pct_peak = 0.17;
    g.gbytes_per_s = g.intensity = NAN;
    g.verified_ok = 1, g.checked = 3072, g.worst = 0.03125;
    g.ncounters = 2;
    snprintf(g.counters[0].name, sizeof g.counters[0].name, "PAPI_TOT_CYC");
    g.counters[0].available = 1;
    g.counters[0].value = 123456789012LL;
    snprintf(g.counters[1].name, sizeof g.counters[1].name, "PAPI_L1_DCM");
    snprintf(g.counters[1].why, sizeof g.counters[1].why, "no PMU: running in a VM");
    g.energy = (energy_figure){.present = 1, .source = "model", .domain = "model",
                               .detail = "EPYC 3rd gen, 0.45 to 2.02 W per vCPU",
                               .window_s = 1.5, .joules = 4.0e-3, .dram_joules = NAN,
                               .watts = 4.04, .idle_watts = 0.9, .above_idle_joules = 3.1e-3,
                               .above_idle_watts = 3.14, .gflops_per_watt = 0.048};
    CHECK(bench_run_add(r, &g) == 0, "bench_run_add (GEMM) failed");

    bench_record v;
    memset(&v, 0, sizeof v);
    snprintf(v.config, sizeof v.config, "sgemv \"row\",t_1000x500_t1"); /* CSV quoting */
    snprintf(v.shape_class, sizeof v.shape_class, "gemv");
    snprintf(v.impl, sizeof v.impl, "openblas");
    snprintf(v.impl_detail, sizeof v.impl_detail, "OpenBLAS 0.3.28 Zen");
    v.call = (blas_call){.op = CALL_GEMV, .prec = FW_F32, .layout = FW_ROW_MAJOR,
                         .ta = FW_TRANS, .m = 1000, .n = 500, .alpha = 1, .beta = 0,
                         .threads = 1};
    v.status = REC_WRONG;
    snprintf(v.why, sizeof v.why, "y[3] off by 12 error bounds");
    v.warmups = 1;
    v.inner = 100;
    v.nsamples = 3;
    v.times = (double *)gemv_times;
    v.median = 2.5e-4, v.min = 2.4e-4, v.max = 2.6e-4, v.mean = 2.5e-4;
    v.ci_lo = 2.4e-4, v.ci_hi = 2.6e-4;
    v.cv = 0.04;
    v.gflops = 99, v.gflops_best = 99, v.pct_peak = 99, v.gbytes_per_s = 99, v.intensity = 0.5;
    v.verified_ok = 0, v.checked = 1000, v.worst = 12;
    v.energy = (energy_figure){.present = 1, .source = "rapl-powercap",
                               .domain = "package+dram", .detail = "intel-rapl:0, intel-rapl:0:0",
                               .window_s = 1.2, .joules = 2.0e-3, .dram_joules = 2.0e-4,
                               .watts = 8, .idle_watts = 5, .above_idle_joules = 7.5e-4,
                               .above_idle_watts = 3, .gflops_per_watt = 77};
    CHECK(bench_run_add(r, &v) == 0, "bench_run_add (GEMV) failed");
}

/* The value at "records/1/timing/median" (array indexes as numbers), NULL when absent. */
static const json_t *get(const json_t *doc, const char *path)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    const json_t *cur = doc;
    for (char *save, *tok = strtok_r(buf, "/", &save); tok && cur;
         tok = strtok_r(NULL, "/", &save))
        cur = json_is_array(cur) ? json_array_get(cur, (size_t)atoi(tok))
                                 : json_object_get(cur, tok);
    return cur;
}

/* Sets the value at path (an object key or an array entry) to value_json, or deletes the
 * key when value_json is NULL. */
static void set(json_t *doc, const char *path, const char *value_json)
{
    char parent[128];
    const char *slash = strrchr(path, '/');
    snprintf(parent, sizeof parent, "%.*s", slash ? (int)(slash - path) : 0, path);
    json_t *obj = slash ? (json_t *)get(doc, parent) : doc;
    const char *key = slash ? slash + 1 : path;
    if (!value_json) {
        CHECK(json_object_del(obj, key) == 0, "test setup: cannot delete %s", path);
        return;
    }
    json_error_t err;
    json_t *v = json_loads(value_json, JSON_DECODE_ANY, &err);
    int rc = json_is_array(obj) ? json_array_set_new(obj, (size_t)atoi(key), v)
                                : json_object_set_new(obj, key, v);
    CHECK(rc == 0, "test setup: cannot set %s to %s", path, value_json);
}

/* ---- round trip ------------------------------------------------------------------------- */

static void test_round_trip(int complete)
{
    bench_run run, back;
    char dir1[300], dir2[300], path1[512], path2[512], why[512];
    make_run(&run, complete);
    snprintf(dir1, sizeof dir1, "%s/rt%d_a", top, complete);
    snprintf(dir2, sizeof dir2, "%s/rt%d_b", top, complete);
    if (!CHECK(results_write(&run, dir1, path1, sizeof path1, why, sizeof why) == 0,
               "results_write: %s", why)) {
        bench_run_free(&run);
        return;
    }
    char expect[512];
    snprintf(expect, sizeof expect, "%s/test-box/2026-11-24T10-00-00Z.json", dir1);
    CHECK(strcmp(path1, expect) == 0, "written to %s, expected %s", path1, expect);
    /* A second run started in the same second keeps the first one's files. */
    char again[512];
    snprintf(expect, sizeof expect, "%s/test-box/2026-11-24T10-00-00Z-2.json", dir1);
    CHECK(results_write(&run, dir1, again, sizeof again, why, sizeof why) == 0 &&
              strcmp(again, expect) == 0 && access(path1, F_OK) == 0,
          "same-second run written to %s, expected %s beside %s", again, expect, path1);

    bench_run_init(&back);
    int rc = results_read(path1, &back, why, sizeof why);
    CHECK(rc == 0, "results_read of what was written: %s", why);
    if (rc == 0) {
        CHECK(results_write(&back, dir2, path2, sizeof path2, why, sizeof why) == 0,
              "second results_write: %s", why);
        char *a = slurp(path1), *b = slurp(path2);
        CHECK(a && b && strcmp(a, b) == 0, "write -> read -> write changed the JSON text");
        free(a);
        free(b);

        CHECK(back.nrecords == 2 && back.complete == complete &&
                  strcmp(back.incomplete_reason, run.incomplete_reason) == 0,
              "read back %d records, complete %d (%s)", back.nrecords, back.complete,
              back.incomplete_reason);
        const bench_record *g = &back.records[0], *v = &back.records[1];
        CHECK(g->call.op == CALL_GEMM && g->call.tb == FW_TRANS && g->call.k == 32 &&
                  g->call.alpha == 1.5 && g->call.threads == 2,
              "GEMM call read back wrong");
        CHECK(g->nsamples == 5 && memcmp(g->times, gemm_times, sizeof gemm_times) == 0,
              "GEMM samples read back differ");
        CHECK(isnan(g->cv) && isnan(g->gbytes_per_s) && isnan(g->energy.dram_joules),
              "NaN fields did not come back as NaN");
        CHECK(g->counters[0].available && g->counters[0].value == 123456789012LL &&
                  !g->counters[1].available &&
                  strcmp(g->counters[1].why, "no PMU: running in a VM") == 0,
              "counters read back wrong");
        CHECK(v->status == REC_WRONG && isnan(v->gflops) && v->energy.dram_joules == 2.0e-4 &&
                  isnan(v->energy.gflops_per_watt) && v->call.layout == FW_ROW_MAJOR,
              "wrong GEMV read back with a speed or wrong fields");
        CHECK(json_equal(back.info, run.info) && json_equal(back.options, run.options),
              "info or options changed on the way");
    }

    /* What the document says, and what it leaves out. */
    json_t *doc = results_to_json(&run);
    const json_t *cv = get(doc, "records/0/timing/cv");
    CHECK(json_is_null(cv), "NaN cv is not written as null");
    CHECK(!get(doc, "records/1/rates"), "a wrong record shows rates");
    CHECK(json_is_null(get(doc, "records/1/energy/gflops_per_watt")),
          "a wrong record shows GFLOP/s per watt");
    CHECK(!get(doc, "records/0/rates/gbytes_per_s") && get(doc, "records/0/rates/gflops"),
          "GEMM rates should hold gflops and no GEMV fields");
    CHECK(!get(doc, "records/1/call/transb") && !get(doc, "records/1/call/k") &&
              get(doc, "records/0/call/transb"),
          "GEMV call should have no transb or k");
    CHECK(!get(doc, "records/0/energy/dram_joules") && get(doc, "records/1/energy/dram_joules"),
          "dram_joules should appear only when not NaN");
    CHECK(!get(doc, "records/0/why") && get(doc, "records/1/why"), "why only when not ok");
    CHECK(!get(doc, "records/0/counters/1/value") && get(doc, "records/0/counters/1/why"),
          "an unavailable counter should carry why, not a value");
    CHECK((get(doc, "incomplete_reason") != NULL) == !complete &&
              json_is_boolean(get(doc, "complete")),
          "incomplete_reason present exactly when incomplete");
    CHECK(json_is_string(get(doc, "flopwatt_version")) &&
              strcmp(json_string_value(get(doc, "flopwatt_version")), FLOPWATT_VERSION) == 0 &&
              json_integer_value(get(doc, "schema_version")) == RESULTS_SCHEMA_VERSION,
          "version fields wrong");
    json_decref(doc);
    bench_run_free(&back);
    bench_run_free(&run);
}

/* ---- validation ------------------------------------------------------------------------- */

static const struct {
    const char *path, *value; /* value NULL: the key is deleted */
    const char *expect;       /* part of the reason */
} violations[] = {
    {"schema_version", NULL, "not a flopwatt result file (no schema_version)"},
    {"tool", "\"otherbench\"", "not a flopwatt result file (tool \"otherbench\")"},
    {"schema_version", "2", "schema_version: 2 is newer"},
    {"schema_version", "\"1\"", "schema_version: expected an integer"},
    {"machine_id", NULL, "machine_id: missing"},
    {"machine_id", "\"../etc\"", "machine_id: \"../etc\" is not a safe folder name"},
    {"machine_id", "\"a/b\"", "machine_id: \"a/b\" is not a safe folder name"},
    {"machine_id", "\"\"", "machine_id: \"\" is not a safe folder name"},
    {"started_utc", "\"2026-11-24 10:00\"", "started_utc: \"2026-11-24 10:00\" is not a UTC"},
    {"complete", "\"yes\"", "complete: expected true or false"},
    {"complete", "false", "incomplete_reason: missing"},
    {"incomplete_reason", "\"stopped\"", "incomplete_reason: present although complete is true"},
    {"build/cflags", "7", "build.cflags: expected a string"},
    {"info", "[]", "info: expected an object"},
    {"records", "{}", "records: expected an array"},
    {"records/1/timing/median", "\"fast\"", "records[1].timing.median: expected a number"},
    {"records/0/call/m", NULL, "records[0].call.m: missing"},
    {"records/0/call/m", "-1", "records[0].call.m: -1 is outside"},
    {"records/0/call/op", "\"trsm\"", "records[0].call.op: \"trsm\" is not one of"},
    {"records/0/call/transb", NULL, "records[0].call.transb: missing"},
    {"records/0/status", "\"fine\"", "records[0].status: \"fine\" is not one of"},
    {"records/1/why", NULL, "records[1].why: missing"},
    {"records/0/timing/nsamples", "6", "records[0].timing.samples: 5 entries, expected 6"},
    {"records/0/timing/samples/2", "\"x\"", "records[0].timing.samples[2]: expected a number"},
    {"records/0/timing/ci95", "[1]", "records[0].timing.ci95: 1 entries, expected 2"},
    {"records/0/verification/ok", "false", "records[0].verification.ok: false although status is \"ok\""},
    {"records/1/verification/ok", "true", "records[1].verification.ok: true although status is \"wrong\""},
    {"records/1/rates", "{\"gflops\": 1}", "records[1].rates: present although status is \"wrong\""},
    {"records/0/rates", NULL, "records[0].rates: missing"},
    {"records/0/counters/0/value", NULL, "records[0].counters[0].value: missing"},
    {"records/0/counters/1/why", NULL, "records[0].counters[1].why: missing"},
    {"records/0/energy", NULL, "records[0].energy: missing"},
    {"records/0/energy/source", NULL, "records[0].energy.source: missing"},
    {"records/0/energy/domain", NULL, "records[0].energy.domain: missing"},
    {"records/1/energy/source", "\"\"", "records[1].energy.source: empty"},
    {"records/1/energy/domain", "\"\"", "records[1].energy.domain: empty"},
    {"records/0/energy/domain", "\"package\"", "records[0].energy.domain: \"package\" with source \"model\""},
    {"records/1/energy/domain", "\"model\"", "records[1].energy.domain: \"model\" with source \"rapl-powercap\""},
    {"records/1/energy/gflops_per_watt", "3.5", "records[1].energy.gflops_per_watt: a number although status is \"wrong\""},
    {"records/0/energy/joules", "\"1 J\"", "records[0].energy.joules: expected a number"},
};

static void test_violations(void)
{
    bench_run run;
    char why[512];
    make_run(&run, 1);
    json_t *base = results_to_json(&run);
    bench_run_free(&run);
    /* Every case below must fail for its own reason, not because the base is bad. */
    if (!CHECK(base && results_validate(base, why, sizeof why) == 0, "base document invalid: %s",
               why))
        return;
    for (size_t i = 0; i < sizeof violations / sizeof violations[0]; i++) {
        json_t *doc = json_deep_copy(base);
        set(doc, violations[i].path, violations[i].value);
        why[0] = '\0';
        int rc = results_validate(doc, why, sizeof why);
        CHECK(rc == -1 && strstr(why, violations[i].expect) && one_line(why),
              "%s = %s: got %d \"%s\", expected \"%s\"", violations[i].path,
              violations[i].value ? violations[i].value : "(deleted)", rc, why,
              violations[i].expect);
        json_decref(doc);
    }
    /* An ok record without a single sample: two keys change together. */
    json_t *doc = json_deep_copy(base);
    set(doc, "records/0/timing/samples", "[]");
    set(doc, "records/0/timing/nsamples", "0");
    CHECK(results_validate(doc, why, sizeof why) == -1 &&
              strstr(why, "records[0].timing.samples: empty although status is \"ok\""),
          "an ok record without samples: %s", why);
    json_decref(doc);
    /* A document that is JSON but not an object. */
    json_t *array = json_array();
    CHECK(results_validate(array, why, sizeof why) == -1 && strstr(why, "not a JSON object"),
          "an array validates: %s", why);
    json_decref(array);
    json_decref(base);
}

/* results_read's own failures: the file, then the JSON, then the schema, each with the path. */
static void test_read_errors(void)
{
    char path[300], why[512];
    bench_run r;
    bench_run_init(&r);
    join(path, sizeof path, top, "missing.json");
    CHECK(results_read(path, &r, why, sizeof why) == -1 && strstr(why, path) &&
              strstr(why, "cannot read") && one_line(why),
          "missing file: %s", why);
    CHECK(results_read(top, &r, why, sizeof why) == -1 && strstr(why, "cannot read"),
          "a folder read as a file: %s", why);
    join(path, sizeof path, top, "broken.json");
    spill(path, "{\n  \"schema_version\": 1,\n  \"tool\": \"flopwatt\",\n}\n");
    CHECK(results_read(path, &r, why, sizeof why) == -1 && strstr(why, path) &&
              strstr(why, ": not JSON: ") && strstr(why, " at line 4 column 1") && one_line(why),
          "broken JSON: %s", why);
    join(path, sizeof path, top, "foreign.json");
    spill(path, "{\"version\": 3, \"results\": []}\n");
    CHECK(results_read(path, &r, why, sizeof why) == -1 &&
              strstr(why, "not a flopwatt result file (no schema_version)"),
          "foreign JSON: %s", why);
    CHECK(r.nrecords == 0 && !r.info, "a failed read leaves the run filled");
    bench_run_free(&r);
}

/* ---- files on disk ---------------------------------------------------------------------- */

static void test_atomic_write(void)
{
    char dir[300], path[400], why[512];
    join(dir, sizeof dir, top, "atomic/a/b");
    CHECK(fw_make_dirs(dir, why, sizeof why) == 0 && fw_make_dirs(dir, why, sizeof why) == 0,
          "make_dirs of a new, then existing folder: %s", why);
    join(path, sizeof path, dir, "f.txt");
    CHECK(fw_atomic_write(path, "first\n", 6, why, sizeof why) == 0, "atomic_write: %s", why);
    CHECK(fw_atomic_write(path, "second text\n", 12, why, sizeof why) == 0,
          "atomic_write over an existing file: %s", why);
    char *text = slurp(path);
    CHECK(text && strcmp(text, "second text\n") == 0, "replaced file holds [%s]",
          text ? text : "(unreadable)");
    free(text);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0400), "written file is not readable");
    CHECK(scratch_entries(dir) == 1, "%d entries beside the file: a temporary was left",
          scratch_entries(dir) - 1);

    /* A rename that fails (the name is a folder) must take its temporary with it. */
    char blocked[400];
    join(blocked, sizeof blocked, dir, "taken");
    mkdir(blocked, 0777);
    CHECK(fw_atomic_write(blocked, "x", 1, why, sizeof why) == -1 && strstr(why, blocked) &&
              one_line(why),
          "writing over a folder: %s", why);
    CHECK(scratch_entries(dir) == 2, "a failed write left a temporary (%d entries)",
          scratch_entries(dir));

    /* A parent that is a regular file: no folder can be made below it. */
    char under_file[500];
    snprintf(under_file, sizeof under_file, "%s/sub/deeper", path);
    CHECK(fw_make_dirs(under_file, why, sizeof why) == -1 && strstr(why, "Not a directory") &&
              one_line(why),
          "make_dirs below a file: %s", why);
    snprintf(under_file, sizeof under_file, "%s/x.txt", path);
    CHECK(fw_atomic_write(under_file, "x", 1, why, sizeof why) == -1 && strstr(why, under_file),
          "atomic_write below a file: %s", why);
}

/* Permission bits do not stop root, and the tests may run as root: a folder below a
 * regular file cannot be created by anyone, so that is the unwritable folder here. */
static void test_unwritable(void)
{
    char file[300], dir[400], path[512], why[512];
    join(file, sizeof file, top, "plain-file");
    spill(file, "not a folder\n");
    snprintf(dir, sizeof dir, "%s/sub", file);
    char expect[600];
    snprintf(expect, sizeof expect, "results folder %s: Not a directory", dir);
    CHECK(results_check_writable(dir, why, sizeof why) == -1 && strcmp(why, expect) == 0,
          "unwritable folder: got \"%s\", expected \"%s\"", why, expect);

    bench_run run;
    make_run(&run, 1);
    CHECK(results_write(&run, dir, path, sizeof path, why, sizeof why) == -1 && one_line(why) &&
              strstr(why, dir),
          "results_write into an unwritable folder: %s", why);

    join(dir, sizeof dir, top, "fresh/results");
    CHECK(results_check_writable(dir, why, sizeof why) == 0, "writable folder refused: %s", why);
    CHECK(scratch_entries(dir) == 0, "the probe file was left in %s", dir);

    /* An unsafe machine id never becomes a path. */
    snprintf(run.machine_id, sizeof run.machine_id, "../escape");
    CHECK(results_write(&run, dir, path, sizeof path, why, sizeof why) == -1 &&
              strstr(why, "machine_id") && one_line(why),
          "machine_id ../escape accepted: %s", why);
    CHECK(scratch_entries(dir) == 0, "something was written for an unsafe machine_id");
    bench_run_free(&run);
}

/* Fields of one CSV line, quotes respected; returns the count. */
static int csv_fields(const char *line, char fields[][96], int cap)
{
    int n = 0;
    while (n < cap) {
        char *out = fields[n++];
        size_t len = 0;
        int quoted = *line == '"';
        line += quoted;
        for (; *line && (quoted || *line != ','); line++) {
            if (quoted && *line == '"') {
                if (line[1] != '"') {
                    quoted = 0;
                    continue;
                }
                line++;
            }
            if (len + 1 < 96)
                out[len++] = *line;
        }
        out[len] = '\0';
        if (*line != ',')
            return n;
        line++;
    }
    return n;
}

static int column(char header[][96], int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(header[i], name) == 0)
            return i;
    return -1;
}

static void test_csv(void)
{
    bench_run run;
    char dir[300], path[512], why[512];
    make_run(&run, 1);
    join(dir, sizeof dir, top, "csv");
    if (!CHECK(results_write(&run, dir, path, sizeof path, why, sizeof why) == 0,
               "results_write: %s", why)) {
        bench_run_free(&run);
        return;
    }
    strcpy(strrchr(path, '.'), ".csv");
    char *text = slurp(path), *save = NULL;
    if (!CHECK(text != NULL, "no CSV beside the JSON at %s", path)) {
        bench_run_free(&run);
        return;
    }
    static char header[40][96], rows[2][40][96];
    int nlines = 0, nh = 0, nr[2] = {0, 0};
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (nlines == 0)
            nh = csv_fields(line, header, 40);
        else if (nlines <= 2)
            nr[nlines - 1] = csv_fields(line, rows[nlines - 1], 40);
        nlines++;
    }
    CHECK(nlines == 3, "CSV has %d lines, expected a header and 2 records", nlines);
    CHECK(nh == 30 && strcmp(header[0], "machine_id") == 0 && strcmp(header[29], "verified") == 0,
          "CSV header has %d columns from %s to %s", nh, header[0], header[nh - 1]);
    CHECK(nr[0] == nh && nr[1] == nh, "CSV lines have %d and %d fields, the header %d", nr[0],
          nr[1], nh);
    int cfg = column(header, nh, "config"), gf = column(header, nh, "gflops");
    int src = column(header, nh, "energy_source"), dom = column(header, nh, "energy_domain");
    int gpw = column(header, nh, "gflops_per_watt"), k = column(header, nh, "k");
    int med = column(header, nh, "median_s");
    if (CHECK(cfg >= 0 && gf >= 0 && src >= 0 && dom >= 0 && gpw >= 0 && k >= 0 && med >= 0,
              "CSV header lacks a column")) {
        CHECK(strcmp(rows[1][cfg], run.records[1].config) == 0,
              "quoted config read back as [%s]", rows[1][cfg]);
        CHECK(rows[0][gf][0] && !rows[1][gf][0] && !rows[1][gpw][0],
              "gflops should be shown for the ok record only: [%s] [%s]", rows[0][gf],
              rows[1][gf]);
        CHECK(strcmp(rows[0][src], "model") == 0 && strcmp(rows[0][dom], "model") == 0 &&
                  strcmp(rows[1][dom], "package+dram") == 0,
              "energy source/domain columns wrong");
        CHECK(strcmp(rows[0][k], "32") == 0 && !rows[1][k][0], "k column wrong");
        CHECK(atof(rows[0][med]) == 1.01e-3, "median_s [%s]", rows[0][med]);
    }
    free(text);

    /* The CSV cannot be written (its name is taken by a folder): the JSON goes too. */
    char csvdir[400], jsonpath[512];
    join(csvdir, sizeof csvdir, dir, "test-box/2026-11-24T10-00-00Z.csv");
    snprintf(jsonpath, sizeof jsonpath, "%s/test-box/2026-11-24T10-00-00Z.json", dir);
    unlink(csvdir);
    unlink(jsonpath);
    mkdir(csvdir, 0777);
    CHECK(results_write(&run, dir, path, sizeof path, why, sizeof why) == -1 &&
              strstr(why, ".csv") && one_line(why),
          "CSV failure not reported: %s", why);
    CHECK(access(jsonpath, F_OK) != 0, "the JSON stayed without its CSV");
    join(csvdir, sizeof csvdir, dir, "test-box");
    CHECK(scratch_entries(csvdir) == 1, "%d entries left after a failed write, expected 1",
          scratch_entries(csvdir));
    bench_run_free(&run);
}

/* ---- the command line ------------------------------------------------------------------- */

static void test_cli(void)
{
    if (!cli_path())
        return;
    char good[512], partial[512], broken[300], path[512], why[512];
    bench_run run;
    make_run(&run, 1);
    join(good, sizeof good, top, "cli_good");
    join(partial, sizeof partial, top, "cli_partial");
    int ok = CHECK(results_write(&run, good, path, sizeof path, why, sizeof why) == 0, "%s", why);
    snprintf(good, sizeof good, "%s", path);
    bench_run_free(&run);
    make_run(&run, 0);
    ok &= CHECK(results_write(&run, partial, path, sizeof path, why, sizeof why) == 0, "%s", why);
    snprintf(partial, sizeof partial, "%s", path);
    bench_run_free(&run);
    join(broken, sizeof broken, top, "cli_broken.json");
    spill(broken, "[1, 2\n");
    if (!ok)
        return;

    static cli_result r;
    char expect[700];
    cli_run(&r, ARGS("validate", good));
    snprintf(expect, sizeof expect, "%s: valid, 2 records (complete)\n", good);
    CHECK(r.status == 0 && strcmp(r.out, expect) == 0 && !r.err[0],
          "validate good: exit %d, out [%s], err [%s]", r.status, r.out, r.err);
    cli_run(&r, ARGS("validate", partial));
    snprintf(expect, sizeof expect, "%s: valid, 2 records (incomplete: interrupted by SIGINT)\n",
             partial);
    CHECK(r.status == 0 && strcmp(r.out, expect) == 0, "validate incomplete: exit %d, out [%s]",
          r.status, r.out);

    cli_expect_error(1, ARGS("validate", broken));
    cli_run(&r, ARGS("validate", broken));
    CHECK(strstr(r.err, "flopwatt validate: ") && strstr(r.err, "not JSON") &&
              strstr(r.err, broken),
          "validate broken: [%s]", r.err);
    /* Every file is checked: the good one still reported, the status still a failure. */
    cli_run(&r, ARGS("validate", good, broken));
    CHECK(r.status == 1 && strstr(r.out, "valid, 2 records") && cli_one_line(r.err),
          "validate good broken: exit %d, out [%s], err [%s]", r.status, r.out, r.err);
    cli_expect_error(2, ARGS("validate"));
    cli_expect_error(2, ARGS("validate", "--strict", good));
    cli_run(&r, ARGS("validate", "--help"));
    CHECK(r.status == 0 && strstr(r.out, "usage: flopwatt validate FILE"),
          "validate --help: exit %d, out [%s]", r.status, r.out);
}

int main(void)
{
    if (!CHECK(scratch_dir(top, sizeof top, "results") == 0, "mkdtemp: %s",
               strerror(errno)))
        return fw_test_summary();
    test_round_trip(1);
    test_round_trip(0);
    test_violations();
    test_read_errors();
    test_atomic_write();
    test_unwritable();
    test_csv();
    test_cli();
    scratch_remove(top);
    return fw_test_summary();
}
