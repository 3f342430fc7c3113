/* flopwatt bench end to end, as a separate process: every kind of bad input is refused
 * before anything runs, with one line and no result file; an interrupted run leaves a
 * valid file marked incomplete; and a run of the quick suite writes a result file and a
 * CSV that validate, with every record verified and its energy labelled. */
#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../bench/record.h"
#include "../bench/results.h"
#include "cli_run.h"
#include "scratch.h"
#include "testlib.h"

static char tmp[64];

/* The one JSON file under dir/<machine>/, or "" when there is none; counts every file. */
static int find_result(const char *dir, char *json, size_t len)
{
    int files = 0;
    json[0] = '\0';
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        DIR *m = opendir(sub);
        if (!m) {
            files++;
            continue;
        }
        for (struct dirent *f; (f = readdir(m));) {
            if (f->d_name[0] == '.')
                continue;
            files++;
            size_t n = strlen(f->d_name);
            if (n > 5 && strcmp(f->d_name + n - 5, ".json") == 0)
                snprintf(json, len, "%s/%s", sub, f->d_name);
        }
        closedir(m);
    }
    closedir(d);
    return files;
}

static void test_bad_input(void)
{
    char res[128], blocker[128], under_file[160];
    snprintf(res, sizeof res, "%s/bad", tmp);
    snprintf(blocker, sizeof blocker, "%s/a-file", tmp);
    snprintf(under_file, sizeof under_file, "%s/results", blocker);
    FILE *f = fopen(blocker, "w");
    CHECK(f != NULL, "create %s", blocker);
    if (f)
        fclose(f);
#define BAD(status, ...) cli_expect_error(status, ARGS("bench", "--results", res, __VA_ARGS__))
    BAD(2, "--bogus");
    BAD(2, "--prec", "q");
    BAD(2, "--classes", "square,cubes");
    BAD(2, "--sizes", "0");
    BAD(2, "--sizes", "-64");
    BAD(2, "--sizes", "64,abc");
    BAD(2, "--gemv-sizes", "");
    BAD(2, "--threads", "0");
    BAD(2, "--impl", "mkl");
    BAD(2, "--impl", "flopwatt,flopwatt");
    BAD(2, "--kernel", "no_such_kernel");
    BAD(2, "--energy", "wattmeter");
    BAD(2, "--min-time", "-1");
    BAD(2, "--idle", "nan");
    /* 200000^2 doubles are 320 GB per matrix: refused before anything runs. */
    BAD(2, "--classes", "square", "--sizes", "200000", "--prec", "d");
    BAD(2, "--impl", "openblas", "--openblas-lib", "/nonexistent/libopenblas.so.0");
#undef BAD
    /* A results folder that cannot be created: below a regular file, which stops root too. */
    cli_expect_error(1, ARGS("bench", "--results", under_file, "--classes", "small",
                             "--prec", "d", "--threads", "1", "--energy", "none"));
    char json[2048];
    CHECK(find_result(res, json, sizeof json) == 0, "bad input left files in %s", res);
}

/* The shape every record of a complete, valid run must have. */
static void check_records(const bench_run *run, int want_records, const char *what)
{
    CHECK(run->nrecords == want_records, "%s: %d records, expected %d", what, run->nrecords,
          want_records);
    for (int i = 0; i < run->nrecords; i++) {
        const bench_record *r = &run->records[i];
        CHECK(r->status == REC_OK, "%s: %s %s: status %d (%s)", what, r->config, r->impl,
              r->status, r->why);
        CHECK(r->nsamples >= 3 && r->median > 0 && r->ci_lo <= r->median &&
                  r->median <= r->ci_hi,
              "%s: %s %s: %d samples, median %g in [%g, %g]", what, r->config, r->impl,
              r->nsamples, r->median, r->ci_lo, r->ci_hi);
        CHECK(r->gflops > 0 && r->verified_ok && r->checked > 0, "%s: %s %s: rate %g, check %d",
              what, r->config, r->impl, r->gflops, r->verified_ok);
        CHECK(r->energy.present && strcmp(r->energy.source, "model") == 0 &&
                  strcmp(r->energy.domain, "model") == 0 && r->energy.joules > 0 &&
                  r->energy.watts > 0 && r->energy.idle_watts > 0,
              "%s: %s %s: energy %s/%s %g J", what, r->config, r->impl, r->energy.source,
              r->energy.domain, r->energy.joules);
    }
}

/* The quick suite as make bench QUICK=1 runs it, on flopwatt and OpenBLAS, with the energy
 * model (this machine, like many, has no meter) and shorter timing windows. */
static void test_quick_run(void)
{
    char res[128], json[2048], why[300];
    snprintf(res, sizeof res, "%s/quick", tmp);
    static cli_result r;
    cli_run(&r, ARGS("bench", "--quick", "--results", res, "--impl", "flopwatt,openblas",
                     "--energy", "model", "--min-time", "0.01", "--idle", "0.05", "--no-peak"));
    CHECK(r.status == 0, "quick run: exit %d, stderr: %s", r.status, r.err);
    CHECK(strstr(r.out, "fw/best") && strstr(r.out, "results:"),
          "quick run: no summary table: %s", r.out);
    CHECK(find_result(res, json, sizeof json) == 2 && json[0],
          "quick run: expected one .json and one .csv under %s", res);
    bench_run run;
    bench_run_init(&run);
    int rc = results_read(json, &run, why, sizeof why);
    CHECK(rc == 0, "quick run: %s does not validate: %s", json, rc ? why : "");
    if (rc == 0) {
        CHECK(run.complete, "quick run marked incomplete: %s", run.incomplete_reason);
        /* Quick suite per thread count and precision: 3 square, 2 skinny, 2 small, 2x2 GEMV. */
        int per = 3 + 2 + 2 + 4;
        int nthreads = (int)sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
        check_records(&run, per * 2 * nthreads * 2, "quick run");
        char csv[2100];
        snprintf(csv, sizeof csv, "%.*s.csv", (int)(strlen(json) - 5), json);
        CHECK(scratch_lines(csv) == run.nrecords + 1,
              "quick run: %s has %d lines for %d records", csv, scratch_lines(csv), run.nrecords);
        static cli_result v;
        cli_run(&v, ARGS("validate", json));
        CHECK(v.status == 0, "flopwatt validate %s: exit %d %s", json, v.status, v.err);
    }
    bench_run_free(&run);
}

/* SIGINT while the suite runs: exit 130, and what was measured is saved, valid, marked
 * incomplete. The suite is long (seconds per configuration), so the signal always lands
 * before its end, whatever the machine's speed. */
static void test_interrupted(void)
{
    char res[128], json[2048], why[300];
    snprintf(res, sizeof res, "%s/interrupted", tmp);
    cli_process p;
    int started = cli_start(&p, ARGS("bench", "--results", res, "--classes", "small", "--prec",
                                     "d", "--threads", "1", "--impl", "flopwatt", "--energy",
                                     "model", "--min-time", "1", "--idle", "0.05",
                                     "--no-peak"));
    CHECK(started == 0, "could not start the interrupted run");
    if (started != 0)
        return;
    /* Wait until its progress log shows the second configuration started (so one record
     * is complete), then interrupt it in the middle of that one. */
    int seen = 0;
    for (int waited = 0; waited < 1200 && !seen; waited++) {
        char buf[4096];
        ssize_t n = pread(p.err, buf, sizeof buf - 1, 0);
        buf[n > 0 ? n : 0] = '\0';
        seen = strstr(buf, "[2/6]") != NULL;
        struct timespec ts = {0, 100000000};
        nanosleep(&ts, NULL);
    }
    CHECK(seen, "interrupted run: the second configuration never started");
    kill(p.pid, SIGINT);
    static cli_result r;
    cli_wait(&p, &r);
    CHECK(r.status == 130, "interrupted run: exit %d (signal %d), expected 130; stderr %s",
          r.status, r.signal, r.err);
    CHECK(find_result(res, json, sizeof json) == 2 && json[0],
          "interrupted run: expected one .json and one .csv under %s", res);
    bench_run run;
    bench_run_init(&run);
    int rc = results_read(json, &run, why, sizeof why);
    CHECK(rc == 0, "interrupted run: %s does not validate: %s", json, rc ? why : "");
    if (rc == 0) {
        CHECK(!run.complete && strstr(run.incomplete_reason, "SIGINT"),
              "interrupted run: complete=%d reason '%s'", run.complete, run.incomplete_reason);
        CHECK(run.nrecords >= 1 && run.nrecords < 6, "interrupted run: %d records of 6",
              run.nrecords);
    }
    bench_run_free(&run);
}

int main(void)
{
    if (!cli_path())
        return fw_test_summary();
    if (!CHECK(scratch_dir(tmp, sizeof tmp, "bench") == 0, "mkdtemp"))
        return fw_test_summary();
    test_bad_input();
    test_interrupted();
    test_quick_run();
    scratch_remove(tmp);
    return fw_test_summary();
}
