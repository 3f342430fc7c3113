/* flopwatt bench: the suite, measured on every implementation in one interleaved run,
 * verified, with counters and energy, written as a result file; then a summary table.
 * Ctrl-C or SIGTERM stops between batches and still writes what was measured, marked
 * incomplete. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "bench_record_fill.h"
#include "bench_summary.h"
#include "cli.h"
#include "cli_support.h"
#include "counters.h"
#include "energy.h"
#include "machine.h"
#include "markers.h"
#include "operands.h"
#include "progress.h"
#include "results.h"
#include "suite.h"
#include "sysinfo.h"
#include "timer.h"

#define CMD "bench"
#define MAX_IMPLS OPERANDS_MAX_OUT


static int out_of_memory; /* a record could not be kept: stop, save the rest, fail */

typedef struct bench_opts {
    int quick, no_counters, no_peak;
    const char *prec, *classes, *sizes, *gemv_sizes, *threads, *impls, *kernel, *results;
    const char *energy, *openblas_lib, *blis_lib;
    double min_time, energy_window, idle, unstable;
} bench_opts;

/* The build as flopwatt info describes it. */
static void copy_build(const json_t *info, bench_run *run)
{
    const json_t *b = json_object_get(info, "build");
    const char *cc = json_string_value(json_object_get(b, "compiler"));
    const char *ver = json_string_value(json_object_get(b, "compiler_version"));
    const char *flags = json_string_value(json_object_get(b, "cflags"));
    const char *rev = json_string_value(json_object_get(b, "git_revision"));
    snprintf(run->compiler, sizeof run->compiler, "%s (%s)", cc ? cc : "unknown",
             ver ? ver : "unknown version");
    snprintf(run->cflags, sizeof run->cflags, "%s", flags ? flags : "unknown");
    snprintf(run->git_revision, sizeof run->git_revision, "%s", rev ? rev : "unknown");
}

/* Turns the options into the suite; -1 after a one-line error. */
static int suite_from_options(const bench_opts *b, suite_opts *s)
{
    memset(s, 0, sizeof *s);
    s->quick = b->quick;
    if (strcmp(b->prec, "s") == 0)
        s->precs = 1;
    else if (strcmp(b->prec, "d") == 0)
        s->precs = 2;
    else if (strcmp(b->prec, "s,d") == 0 || strcmp(b->prec, "d,s") == 0)
        s->precs = 3;
    else {
        cli_error(CMD, "--prec: '%s' is not s, d or s,d", b->prec);
        return -1;
    }
    if ((s->classes = suite_parse_classes(b->classes)) < 0) {
        cli_error(CMD, "--classes: '%s' is not a list of square,small,skinny,gemv", b->classes);
        return -1;
    }
    if (b->sizes && (s->nsquare = parse_int_list(b->sizes, 1, 1 << 20, s->square,
                                                 SUITE_MAX_LIST)) < 0) {
        cli_error(CMD, "--sizes: '%s' is not a list of positive sizes", b->sizes);
        return -1;
    }
    if (b->gemv_sizes && (s->ngemv = parse_int_list(b->gemv_sizes, 1, 1 << 28, s->gemv,
                                                    SUITE_MAX_LIST)) < 0) {
        cli_error(CMD, "--gemv-sizes: '%s' is not a list of positive sizes", b->gemv_sizes);
        return -1;
    }
    if ((s->nthreads = machine_thread_list(b->threads, s->threads, SUITE_MAX_LIST)) < 0) {
        cli_error(CMD, "--threads: '%s' is not a list of thread counts (1 to 4096)", b->threads);
        return -1;
    }
    return 0;
}

typedef struct impl_set {
    impl v[MAX_IMPLS];
    int n;
    char skipped[256]; /* peers of the default list that are not installed */
} impl_set;

static void close_impls(impl_set *s)
{
    for (int i = 0; i < s->n; i++)
        s->v[i].close(&s->v[i]);
    s->n = 0;
}

/* Opens the implementations named in list. A peer that is not installed is an error when
 * the user named it, and a note when it came from the default list. */
static int open_impls(const bench_opts *b, int from_default, impl_set *s)
{
    char list[256], msg[300];
    snprintf(list, sizeof list, "%s", b->impls);
    s->n = 0;
    s->skipped[0] = '\0';
    for (char *save, *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        int twice = 0;
        for (int i = 0; i < s->n; i++)
            twice |= strcmp(s->v[i].name, name) == 0;
        if (twice || s->n == MAX_IMPLS) {
            if (twice)
                cli_error(CMD, "--impl: '%s' is named twice", name);
            else
                cli_error(CMD, "--impl: at most %d implementations", MAX_IMPLS);
            close_impls(s);
            return -1;
        }
        impl *im = &s->v[s->n];
        int rc;
        if (strcmp(name, "flopwatt") == 0) {
            rc = impl_flopwatt_init(im, b->kernel, msg, sizeof msg);
        } else if (!impl_peer_library(name)) {
            cli_error(CMD, "--impl: unknown implementation '%s' (flopwatt, openblas, blis)", name);
            close_impls(s);
            return -1;
        } else {
            const char *path = strcmp(name, "openblas") == 0 ? b->openblas_lib
                               : strcmp(name, "blis") == 0    ? b->blis_lib
                                                              : NULL;
            rc = impl_peer_init(im, name, path, msg, sizeof msg);
            if (rc != 0 && from_default) {
                size_t used = strlen(s->skipped);
                snprintf(s->skipped + used, sizeof s->skipped - used, "%s%s", used ? "; " : "",
                         msg);
                continue;
            }
        }
        if (rc != 0) {
            cli_error(CMD, "%s", msg);
            close_impls(s);
            return -1;
        }
        s->n++;
    }
    if (s->n == 0) {
        cli_error(CMD, "--impl: no implementation to run");
        return -1; /* nothing is open */
    }
    return 0;
}

/* The effective options, kept in the result file. */
static json_t *options_json(const bench_opts *b, const suite_opts *s, const impl_set *im)
{
    json_t *o = json_object(), *th = json_array(), *names = json_array();
    for (int i = 0; i < s->nthreads; i++)
        json_array_append_new(th, json_integer(s->threads[i]));
    for (int i = 0; i < im->n; i++)
        json_array_append_new(names, json_string(im->v[i].name));
    json_object_set_new(o, "quick", json_boolean(b->quick));
    json_object_set_new(o, "prec", json_string(b->prec));
    json_object_set_new(o, "classes", json_string(b->classes));
    json_object_set_new(o, "sizes", b->sizes ? json_string(b->sizes) : json_null());
    json_object_set_new(o, "gemv_sizes", b->gemv_sizes ? json_string(b->gemv_sizes) : json_null());
    json_object_set_new(o, "threads", th);
    json_object_set_new(o, "impls", names);
    json_object_set_new(o, "kernel", b->kernel ? json_string(b->kernel) : json_null());
    json_object_set_new(o, "energy", json_string(b->energy));
    json_object_set_new(o, "counters", json_boolean(!b->no_counters));
    json_object_set_new(o, "min_time_s", json_real(b->min_time));
    json_object_set_new(o, "energy_window_s", json_real(b->energy_window));
    json_object_set_new(o, "idle_s", json_real(b->idle));
    json_object_set_new(o, "unstable_ci", json_real(b->unstable));
    return o;
}

/* The FMA peak for a thread count: one core's, all cores' (at the thread count that peak
 * was measured with), or one core's times t between. */
static double peak_for(const json_t *info, fw_precision p, int threads)
{
    double one = sysinfo_peak_gflops(info, p, 0), all = sysinfo_peak_gflops(info, p, 1);
    const json_t *all_cores = json_object_get(
        json_object_get(json_object_get(info, "measured"), "fma_peak"), "all_cores");
    json_int_t cores = json_integer_value(json_object_get(all_cores, "threads"));
    if (threads == 1)
        return one;
    if (cores > 0 && threads >= cores)
        return all;
    return one * threads;
}

/* Samples per implementation and configuration at least. Six are the fewest whose
 * [min, max] covers the median with 95%. */
static int min_samples(const bench_opts *b) { return b->quick ? 3 : 6; }

/* Seconds a configuration takes at least, for the progress estimate only: each
 * implementation timed for min_time, or for its warm-up and samples at the FMA peak
 * measured in this run; without a measured peak, min_time alone. */
static double config_cost(const suite_config *c, const bench_opts *b, const json_t *info,
                          int nimpl)
{
    double peak = peak_for(info, c->call.prec, c->call.threads) * 1e9;
    double calls_s = (1 + min_samples(b)) * call_flops(&c->call) / peak;
    return nimpl * (calls_s > b->min_time ? calls_s : b->min_time);
}

typedef struct counter_table {
    int threads[SUITE_MAX_LIST];
    counter_set *set[SUITE_MAX_LIST];
    int n;
} counter_table;

static counter_set *counters_for(counter_table *t, int threads, int *warned)
{
    for (int i = 0; i < t->n; i++)
        if (t->threads[i] == threads)
            return t->set[i];
    const char *ev[COUNTERS_MAX];
    int nev = counters_default_events(ev, COUNTERS_MAX);
    char why[256];
    counter_set *s = counters_open(ev, nev, threads, why, sizeof why);
    if (!s && !*warned) {
        fprintf(stderr, "counters: %s\n", why);
        *warned = 1;
    }
    if (t->n < SUITE_MAX_LIST) {
        t->threads[t->n] = threads;
        t->set[t->n++] = s;
    }
    return s;
}

/* Power at rest for a record on threads threads. A meter sees the whole machine, measured
 * once before the run (machine_idle). The model charges the vCPUs a record uses, so its
 * rest power is taken per thread count, once each; it is a formula of the process's CPU
 * time, so a short rest is enough. NaN when it cannot be had. */
static double idle_for(energy_meter *meter, int threads, double machine_idle, double seconds,
                       double *per_threads)
{
    if (!meter || meter->measured || !meter->set_scope)
        return machine_idle;
    meter->set_scope(meter, threads);
    if (threads < SUITE_MAX_LIST && isnan(per_threads[threads]) &&
        energy_idle_watts(meter, seconds < 0.2 ? seconds : 0.2, &per_threads[threads]) != 0)
        per_threads[threads] = NAN;
    return threads < SUITE_MAX_LIST ? per_threads[threads] : NAN;
}

/* Measures every configuration into run; returns the number of wrong results. */
static int measure_suite(const bench_opts *b, const suite_config *cfg, int ncfg, impl_set *im,
                         energy_meter *meter, double idle_watts, bench_run *run)
{
    double model_idle[SUITE_MAX_LIST];
    for (int i = 0; i < SUITE_MAX_LIST; i++)
        model_idle[i] = NAN;
    counter_table ct = {0};
    int counters_warned = 0, wrong = 0;
    double total_cost = 0;
    for (int i = 0; i < ncfg; i++)
        total_cost += config_cost(&cfg[i], b, run->info, im->n);
    progress pr;
    progress_init(&pr, ncfg, total_cost, -1);
    for (int i = 0; i < ncfg && !cli_stop_signal && !out_of_memory; i++) {
        const suite_config *c = &cfg[i];
        progress_start(&pr, c->name);
        impl *run_impls[MAX_IMPLS];
        int n = 0;
        for (int j = 0; j < im->n; j++)
            if (!(b->kernel && strcmp(im->v[j].name, "flopwatt") == 0 &&
                  !impl_flopwatt_kernel_fits(&c->call, b->kernel)))
                run_impls[n++] = &im->v[j];
        double record_idle = idle_for(meter, c->call.threads, idle_watts, b->idle, model_idle);
        run_opts o;
        run_opts_default(&o);
        o.sampler.min_samples = min_samples(b);
        o.sampler.max_samples = 200;
        /* Batches long against the gap below, so the gaps do not dominate the run. */
        o.sampler.min_batch_s = c->call.threads > 1 ? 5e-2 : 2e-3;
        o.sampler.min_total_s = b->min_time;
        if (meter && meter->measured) {
            /* RAPL counts in steps of about 1 ms: batches of 0.1 s keep that error near 1%,
             * and the record's windows add up to energy_window at least. */
            if (o.sampler.min_batch_s < 0.1)
                o.sampler.min_batch_s = 0.1;
            if (b->energy_window > o.sampler.min_total_s)
                o.sampler.min_total_s = b->energy_window;
        }
        /* Between implementations, give the other's worker threads time to stop spinning
         * and sleep, so none runs with a core taken by another's idle team. OpenBLAS's
         * workers spin after a call for its default thread timeout of 2^28 cycles; with
         * 0.02 s here, flopwatt's 2-thread GEMV measured 0.01-0.3x of its rate alone, and
         * with 0.15 s as fast as alone. */
        o.sampler.gap_s = c->call.threads > 1 ? 0.15 : 0;
        o.sampler.stop = &cli_stop_signal;
        o.meter = meter;
        o.counters = b->no_counters ? NULL : counters_for(&ct, c->call.threads, &counters_warned);
        o.region = markers_enabled() ? c->name : NULL;
        impl_result res[MAX_IMPLS];
        char msg[300];
        int rc = n ? run_call(&c->call, run_impls, n, &o, res, msg, sizeof msg) : 0;
        if (rc == -3)
            break;
        record_context ctx = {.peak_gflops = peak_for(run->info, c->call.prec, c->call.threads),
                              .unstable_ci = b->unstable, .warmups = o.sampler.warmups,
                              .meter = meter, .idle_watts = record_idle};
        char line[300] = "";
        size_t used = 0;
        for (int j = 0; j < n; j++) {
            bench_record rec;
            const char *kernel = strcmp(run_impls[j]->name, "flopwatt") == 0
                                     ? impl_flopwatt_kernel(&c->call, b->kernel) : NULL;
            if (rc != 0)
                record_fill_error(&rec, c, run_impls[j], msg);
            else
                record_fill(&rec, c, run_impls[j], kernel, &res[j], &ctx);
            wrong += rec.status == REC_WRONG;
            if (bench_run_add(run, &rec) != 0) {
                cli_error(CMD, "out of memory");
                out_of_memory = 1;
            }
            if (used < sizeof line)
                used += (size_t)snprintf(line + used, sizeof line - used, "%s%s %s", j ? ", " : "",
                                         rec.impl,
                                         rec.status == REC_OK ? "ok" : rec.status == REC_WRONG
                                                                           ? "WRONG" : "error");
            if (rec.status == REC_OK && used < sizeof line)
                used += (size_t)snprintf(line + used, sizeof line - used, " %.1f GFLOP/s",
                                         rec.gflops);
        }
        if (rc == 0)
            impl_result_free(res, n);
        progress_finish(&pr, config_cost(c, b, run->info, im->n), rc ? msg : line);
    }
    progress_end(&pr);
    for (int i = 0; i < ct.n; i++)
        if (ct.set[i])
            counters_close(ct.set[i]);
    return wrong;
}

/* Every configuration must fit in memory with one output per implementation, checked
 * before anything runs. */
static int check_memory(const suite_config *cfg, int ncfg, int nimpl)
{
    char msg[300];
    for (int i = 0; i < ncfg; i++)
        if (operands_fit(&cfg[i].call, nimpl, msg, sizeof msg) != 0) {
            cli_error(CMD, "%s: %s", cfg[i].name, msg);
            return -1;
        }
    return 0;
}

int cmd_bench(int argc, char **argv)
{
    bench_opts b = {.prec = "s,d", .classes = "square,small,skinny,gemv",
                    .impls = "flopwatt,openblas,blis", .results = "results", .energy = "auto",
                    .min_time = -1, .energy_window = 1.0, .idle = -1, .unstable = 0.05};
    opt_spec specs[] = {
        {"quick", OPT_FLAG, &b.quick, NULL, 0, 0, "the two-minute subset (make bench QUICK=1)"},
        {"prec", OPT_STRING, &b.prec, NULL, 0, 0, "precisions: s, d or s,d (s,d)"},
        {"classes", OPT_STRING, &b.classes, NULL, 0, 0, "shape classes: square,small,skinny,gemv (all)"},
        {"sizes", OPT_STRING, &b.sizes, NULL, 0, 0, "square GEMM sizes, comma-separated (16 to 4096, log-spaced)"},
        {"gemv-sizes", OPT_STRING, &b.gemv_sizes, NULL, 0, 0, "GEMV sizes m = n, comma-separated (256 to 8192)"},
        {"threads", OPT_STRING, &b.threads, NULL, 0, 0, "thread counts, comma-separated (1,<all cores>)"},
        {"impl", OPT_STRING, &b.impls, NULL, 0, 0, "implementations: flopwatt,openblas,blis (those installed)"},
        {"kernel", OPT_STRING, &b.kernel, NULL, 0, 0, "force a flopwatt registry kernel; configurations it cannot run use none (see flopwatt kernels)"},
        {"results", OPT_STRING, &b.results, NULL, 0, 0, "folder of result files (results)"},
        {"energy", OPT_STRING, &b.energy, NULL, 0, 0, "auto, none, or a backend: rapl-powercap, rapl-perf, papi-rapl, papi-powercap, model (auto)"},
        {"no-counters", OPT_FLAG, &b.no_counters, NULL, 0, 0, "do not read PAPI counters"},
        {"no-peak", OPT_FLAG, &b.no_peak, NULL, 0, 0, "skip measuring the FMA peak and bandwidth (no % of peak)"},
        {"min-time", OPT_DOUBLE, &b.min_time, NULL, 0, 3600, "seconds each implementation is timed per configuration at least (0.2; quick 0.1)"},
        {"energy-window", OPT_DOUBLE, &b.energy_window, NULL, 0, 3600, "seconds at least per record with a measured meter (1)"},
        {"idle", OPT_DOUBLE, &b.idle, NULL, 0.01, 600, "seconds of rest to measure idle power (2; quick 1)"},
        {"unstable", OPT_DOUBLE, &b.unstable, NULL, 0, 10, "relative width of the median's 95% interval flagged unstable (0.05)"},
        {"openblas-lib", OPT_STRING, &b.openblas_lib, NULL, 0, 0, "OpenBLAS library to dlopen (libopenblas.so.0)"},
        {"blis-lib", OPT_STRING, &b.blis_lib, NULL, 0, 0, "BLIS library to dlopen (libblis.so.4)"},
    };
    int rc = args_parse(CMD, "bench [--quick] [--prec s,d] [--classes LIST] [--threads LIST] "
                             "[--impl LIST] [--results DIR] [--energy auto|none|BACKEND] ...",
                        argc, argv, specs, (int)(sizeof specs / sizeof specs[0]));
    if (rc)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (b.min_time < 0)
        b.min_time = b.quick ? 0.1 : 0.2;
    if (b.idle < 0)
        b.idle = b.quick ? 1 : 2;
    int impls_default = strcmp(b.impls, "flopwatt,openblas,blis") == 0;
    if (strcmp(b.energy, "auto") != 0 && strcmp(b.energy, "none") != 0 &&
        !energy_backend_find(b.energy)) {
        cli_error(CMD, "--energy: unknown backend '%s' (auto, none, or one listed by flopwatt "
                       "info)", b.energy);
        return EXIT_USAGE;
    }
    if (b.kernel && fw_kernel_find(b.kernel) < 0) {
        cli_error(CMD, "--kernel: unknown kernel '%s' (see flopwatt kernels)", b.kernel);
        return EXIT_USAGE;
    }

    suite_opts so;
    suite_config *cfg = NULL;
    char why[300];
    if (suite_from_options(&b, &so) != 0)
        return EXIT_USAGE;
    int ncfg = suite_build(&so, &cfg, why, sizeof why);
    if (ncfg < 0) {
        cli_error(CMD, "%s", why);
        return EXIT_USAGE;
    }
    impl_set im;
    if (open_impls(&b, impls_default, &im) != 0) {
        free(cfg);
        return EXIT_USAGE;
    }
    if (im.skipped[0])
        fprintf(stderr, "not installed, left out: %s\n", im.skipped);
    int status = EXIT_USAGE;
    energy_meter meter;
    int have_meter = 0;
    bench_run run;
    bench_run_init(&run);
    if (check_memory(cfg, ncfg, im.n) != 0)
        goto out;
    status = EXIT_FAILED;
    if (results_check_writable(b.results, why, sizeof why) != 0) {
        cli_error(CMD, "%s", why);
        goto out;
    }
    if ((have_meter = cli_open_meter(CMD, b.energy, &meter)) < 0) {
        have_meter = 0;
        goto out;
    }

    cli_catch_stop_signals();

    timer_utc_now(run.started_utc, sizeof run.started_utc);
    sysinfo_opts sio = {.measure = !b.no_peak, .quick = b.quick};
    fprintf(stderr, "describing the machine%s...\n", b.no_peak ? "" : " and measuring its peak");
    run.info = sysinfo_collect(&sio);
    run.options = options_json(&b, &so, &im);
    if (!run.info || !run.options) {
        cli_error(CMD, "out of memory");
        goto out;
    }
    snprintf(run.machine_id, sizeof run.machine_id, "%s", sysinfo_machine_id(run.info));
    copy_build(run.info, &run);

    double idle_watts = NAN;
    if (have_meter && meter.measured && !cli_stop_signal &&
        energy_idle_watts(&meter, b.idle, &idle_watts) != 0) {
        cli_error(CMD, "energy: %s could not be read at rest", meter.source);
        goto out;
    }
    if (markers_enabled())
        markers_init();
    int wrong = measure_suite(&b, cfg, ncfg, &im, have_meter ? &meter : NULL, idle_watts, &run);
    if (markers_enabled())
        markers_close();

    timer_utc_now(run.finished_utc, sizeof run.finished_utc);
    run.complete = !cli_stop_signal && !out_of_memory;
    if (cli_stop_signal)
        snprintf(run.incomplete_reason, sizeof run.incomplete_reason,
                 "interrupted by %s after %d records",
                 cli_stop_signal == SIGINT ? "SIGINT" : "SIGTERM", run.nrecords);
    else if (out_of_memory)
        snprintf(run.incomplete_reason, sizeof run.incomplete_reason,
                 "out of memory after %d records", run.nrecords);
    char path[4096];
    if (results_write(&run, b.results, path, sizeof path, why, sizeof why) != 0) {
        cli_error(CMD, "%s", why);
        goto out;
    }
    bench_summary_print(&run, stdout);
    printf("\nresults: %s (and .csv)%s\n", path, run.complete ? "" : " -- INCOMPLETE");
    if (cli_stop_signal)
        status = 128 + cli_stop_signal;
    else
        status = wrong || out_of_memory ? EXIT_FAILED : EXIT_OK;
out:
    if (have_meter)
        meter.close(&meter);
    close_impls(&im);
    bench_run_free(&run);
    free(cfg);
    return status;
}
