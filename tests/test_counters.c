/* Tests of the PAPI counters (bench/counters.c). Hardware events need a PMU, which VMs
 * rarely have, so the counting path (one event set per thread, start/stop on every
 * thread, sums, accumulation, reset) is tested with software-defined events: PAPI's sde
 * component reads counters this program registers through libsde, so the expected values
 * are exact. The kernel's task-clock through perf_event is checked where PAPI can open
 * it; where it cannot, a SKIP line says why and nothing is counted for it. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"

#include "../bench/counters.h"
#include "../bench/energy_backends.h"

#ifdef FW_HAVE_PAPI
#include <papi.h>
#endif

static const char *const expected_defaults[] = {
    "PAPI_TOT_CYC", "PAPI_TOT_INS", "PAPI_SP_OPS", "PAPI_DP_OPS", "PAPI_VEC_SP",
    "PAPI_VEC_DP",  "PAPI_L1_DCM",  "PAPI_L2_TCM", "PAPI_L3_TCM",
};
#define NDEFAULTS (int)(sizeof expected_defaults / sizeof *expected_defaults)

static int one_line(const char *s)
{
    return s[0] != '\0' && !strchr(s, '\n');
}

static void test_default_events(void)
{
    const char *ev[COUNTERS_MAX];
    int n = counters_default_events(ev, COUNTERS_MAX);
    CHECK(n == NDEFAULTS, "%d default events, expected %d", n, NDEFAULTS);
    for (int i = 0; i < n && i < NDEFAULTS; i++)
        CHECK(strcmp(ev[i], expected_defaults[i]) == 0, "default event %d is %s", i, ev[i]);
    CHECK(counters_default_events(ev, 3) == 3 && strcmp(ev[2], "PAPI_SP_OPS") == 0,
          "the list stops at the capacity given");
}

/* Every call takes a NULL set (what counters_open returns when nothing can count). */
static void test_null_set(void)
{
    counter_value v[COUNTERS_MAX];
    CHECK(counters_start(NULL) == -1 && counters_stop(NULL) == -1, "start/stop of no set fail");
    CHECK(counters_get(NULL, v, COUNTERS_MAX) == 0, "no set has no values");
    counters_reset(NULL);
    counters_close(NULL);
}

static void test_bad_requests(void)
{
    const char *ev[COUNTERS_MAX + 1] = {0};
    char why[256] = "";
    CHECK(!counters_open(ev, COUNTERS_MAX + 1, 1, why, sizeof why) && one_line(why),
          "more than COUNTERS_MAX events is refused: %s", why);
    why[0] = '\0';
    CHECK(!counters_open(ev, 1, 0, why, sizeof why) && one_line(why),
          "a team of 0 threads is refused: %s", why);
}

#ifndef FW_HAVE_PAPI

static void test_without_papi(void)
{
    const char *want = "built without PAPI; install libpapi-dev (papi-devel) and rebuild";
    const char *ev[COUNTERS_MAX];
    int n = counters_default_events(ev, COUNTERS_MAX);
    char why[256] = "";
    CHECK(!counters_open(ev, n, 1, why, sizeof why) && strcmp(why, want) == 0,
          "open without PAPI says why: %s", why);
    char version[64], status[256];
    CHECK(counters_probe(version, sizeof version, status, sizeof status) == 0 &&
              strcmp(status, want) == 0,
          "probe without PAPI: %s", status);
    printf("SKIP counting through PAPI: %s\n", want);
}

#else

/* Software-defined events: PAPI's sde component reads these variables. libsde has to be
 * loaded (globally, before PAPI starts) for the component to find its API. */
static long long sde_work, sde_other;
#define SDE_WORK "sde:::fwtest::WORK"
#define SDE_OTHER "sde:::fwtest::OTHER"
#define SDE_READ_ONLY_DELTA 0 /* PAPI_SDE_RO | PAPI_SDE_DELTA in sde_lib.h */
#define SDE_LONG_LONG 0       /* PAPI_SDE_long_long */

static int sde_register(char *why, size_t len)
{
    void *lib = dlopen("libsde.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (!lib) {
        snprintf(why, len, "libsde.so.1 cannot be loaded: %s", dlerror());
        return -1;
    }
    void *sym_init = dlsym(lib, "papi_sde_init");
    void *sym_register = dlsym(lib, "papi_sde_register_counter");
    if (!sym_init || !sym_register) {
        snprintf(why, len, "libsde.so.1 lacks papi_sde_init or papi_sde_register_counter");
        return -1;
    }
    void *(*init)(const char *);
    int (*reg)(void *, const char *, int, int, void *);
    memcpy(&init, &sym_init, sizeof sym_init);
    memcpy(&reg, &sym_register, sizeof sym_register);
    void *handle = init("fwtest");
    if (!handle || reg(handle, "WORK", SDE_READ_ONLY_DELTA, SDE_LONG_LONG, &sde_work) != 0 ||
        reg(handle, "OTHER", SDE_READ_ONLY_DELTA, SDE_LONG_LONG, &sde_other) != 0) {
        snprintf(why, len, "libsde did not register the test counters");
        return -1;
    }
    return 0;
}

/* PAPI that cannot start: this definition takes the place of libpapi's for the whole
 * program and fails while papi_init_fails is set, else hands over to the real one. */
static int papi_init_fails;

int PAPI_library_init(int version)
{
    if (papi_init_fails)
        return PAPI_ESYS;
    void *real = dlsym(RTLD_NEXT, "PAPI_library_init");
    int (*init)(int);
    memcpy(&init, &real, sizeof real);
    return real ? init(version) : PAPI_ENOSUPP;
}

/* In a child process, since a failed start is final for the process: open, probe and
 * every call on the NULL set still work and say why. Returns the child's failed checks. */
static int check_papi_cannot_start(void)
{
    papi_init_fails = 1;
    const char *ev[COUNTERS_MAX];
    int n = counters_default_events(ev, COUNTERS_MAX);
    char why[256] = "", version[64] = "", status[256] = "";
    counter_set *s = counters_open(ev, n, 2, why, sizeof why);
    CHECK(!s && strstr(why, "PAPI cannot start: PAPI_library_init") && one_line(why) &&
              !strstr(why, "(null)"),
          "open when PAPI cannot start: %s", why);
    CHECK(counters_probe(version, sizeof version, status, sizeof status) == 0 &&
              strcmp(status, why) == 0,
          "probe when PAPI cannot start: %s", status);
    CHECK(counters_start(s) == -1 && counters_stop(s) == -1, "start/stop of no set fail");
    counters_close(s);
    /* The PAPI energy backend starts PAPI the same way and gives the same reason. */
    energy_env env = {.sysfs_root = "", .arm_implementer = -1, .arm_part = -1, .vcpus = 2};
    energy_meter m;
    char ewhy[300] = "";
    CHECK(energy_backend_find("papi-rapl")->open(&env, &m, ewhy, sizeof ewhy) == -1 &&
              strstr(ewhy, why) == ewhy && strstr(ewhy, "rapl-powercap") && one_line(ewhy),
          "papi-rapl when PAPI cannot start: %s", ewhy);
    return fw_test_failed;
}

static void test_papi_cannot_start(void)
{
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        int failed = check_papi_cannot_start();
        fflush(stdout);
        _exit(failed);
    }
    int status = 0;
    int waited = child > 0 && waitpid(child, &status, 0) == child;
    CHECK(waited && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "when PAPI cannot start nothing breaks (child: %s %d)",
          WIFEXITED(status) ? "exit" : "signal",
          WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

/* PAPI's own word on the perf_event component (after counters_open started PAPI):
 * NULL when it is enabled. */
static const char *perf_event_disabled_reason(void)
{
    int cidx = PAPI_get_component_index("perf_event");
    const PAPI_component_info_t *ci = cidx >= 0 ? PAPI_get_component_info(cidx) : NULL;
    if (!ci || !ci->disabled)
        return NULL;
    const char *r = ci->disabled_reason;
    return strncmp(r, "Error ", 6) == 0 ? r + 6 : r;
}

/* An unavailable hardware event's reason when perf_event is disabled: the component, PAPI's
 * reason, and "no PMU" first when PAPI's reason is about the PMU. */
static int explains_disabled(const char *why, const char *reason)
{
    char part[200];
    snprintf(part, sizeof part, "the perf_event component is disabled (%.60s", reason);
    if (!strstr(why, part))
        return 0;
    return !strstr(reason, "PMU") ||
           (strncmp(why, "no PMU: ", 8) == 0 && strstr(why, "running in a VM?") != NULL);
}

static void test_probe(void)
{
    char version[64] = "", status[256] = "";
    int usable = counters_probe(version, sizeof version, status, sizeof status);
    int lib = PAPI_get_opt(PAPI_LIB_VERSION, NULL);
    char want[64];
    snprintf(want, sizeof want, "%d.%d.%d.%d", PAPI_VERSION_MAJOR(lib), PAPI_VERSION_MINOR(lib),
             PAPI_VERSION_REVISION(lib), PAPI_VERSION_INCREMENT(lib));
    CHECK(strcmp(version, want) == 0, "probe version %s, the library says %s", version, want);
    CHECK(one_line(status), "probe status is one line: %s", status);
    const char *reason = perf_event_disabled_reason();
    if (reason) {
        CHECK(usable == 0 && explains_disabled(status, reason),
              "probe with perf_event disabled (%s): %d, %s", reason, usable, status);
    } else {
        int n = -1, of = -1;
        int parsed = sscanf(status, "available: %d of %d default events", &n, &of) == 2;
        CHECK(usable ? parsed && n > 0 && of == NDEFAULTS : !parsed,
              "probe with perf_event enabled: %d, %s", usable, status);
    }
    printf("probe: PAPI %s, %s\n", version, status);
}

/* The default events on a team: each is kept, in order, available or with its reason. */
static void test_default_events_open(int threads)
{
    const char *ev[COUNTERS_MAX];
    int n = counters_default_events(ev, COUNTERS_MAX);
    char why[256] = "";
    counter_set *s = counters_open(ev, n, threads, why, sizeof why);
    if (!CHECK(s != NULL, "default events open on %d threads: %s", threads, why))
        return;
    const char *reason = perf_event_disabled_reason();
    counter_value v[COUNTERS_MAX];
    int got = counters_get(s, v, COUNTERS_MAX);
    CHECK(got == n, "%d values for %d events", got, n);
    for (int i = 0; i < got; i++) {
        CHECK(strcmp(v[i].name, ev[i]) == 0, "value %d is %s", i, v[i].name);
        if (reason)
            CHECK(!v[i].available && explains_disabled(v[i].why, reason),
                  "%s on %d threads with perf_event disabled: %s", v[i].name, threads, v[i].why);
        else
            CHECK(v[i].available || one_line(v[i].why), "%s: available or says why (%s)",
                  v[i].name, v[i].why);
    }
    CHECK(counters_start(s) == 0 && counters_stop(s) == 0, "start/stop on %d threads", threads);
    got = counters_get(s, v, COUNTERS_MAX);
    for (int i = 0; i < got; i++)
        CHECK(v[i].available || v[i].value == 0, "%s unavailable stays 0", v[i].name);
    counters_close(s);
}

/* Every thread of the team adds to the process-wide counters, between start and stop. */
static void add_work(int threads, long long work, long long other)
{
#pragma omp parallel num_threads(threads)
    {
#pragma omp atomic
        sde_work += work;
#pragma omp atomic
        sde_other += other;
    }
}

static long long value_of(const counter_set *s, int i)
{
    counter_value v[COUNTERS_MAX];
    return counters_get(s, v, COUNTERS_MAX) > i ? v[i].value : -1;
}

/* The counting path with exact values. Each thread's set reads the process-wide counter,
 * so a window in which the team adds W in all counts threads * W summed. */
static void test_sde_counting(int threads)
{
    const char *ev[] = {"perf::FW_NO_SUCH_EVENT", SDE_WORK, SDE_WORK, SDE_OTHER};
    char why[256] = "";
    counter_set *s = counters_open(ev, 4, threads, why, sizeof why);
    if (!CHECK(s != NULL, "sde events open on %d threads: %s", threads, why))
        return;
    counter_value v[COUNTERS_MAX];
    counters_get(s, v, COUNTERS_MAX);
    CHECK(!v[0].available && one_line(v[0].why), "an unknown event is unavailable: %s", v[0].why);
    CHECK(v[1].available && v[3].available,
          "the events after a failed one are still counted (%s / %s)", v[1].why, v[3].why);
    CHECK(!v[2].available &&
              strstr(v[2].why, "cannot be counted together with the events before it"),
          "a second copy of an event conflicts with the first: %s", v[2].why);

    long long t = threads;
    CHECK(counters_start(s) == 0, "start on %d threads", threads);
    add_work(threads, 1000, 7);
    CHECK(counters_stop(s) == 0, "stop on %d threads", threads);
    CHECK(value_of(s, 1) == t * t * 1000 && value_of(s, 3) == t * t * 7,
          "%d threads: WORK %lld (expected %lld), OTHER %lld (expected %lld)", threads,
          value_of(s, 1), t * t * 1000, value_of(s, 3), t * t * 7);

    add_work(threads, 50, 50); /* outside any window: not counted */
    CHECK(counters_start(s) == 0, "second start");
    add_work(threads, 1000, 7);
    CHECK(counters_stop(s) == 0, "second stop");
    CHECK(value_of(s, 1) == 2 * t * t * 1000 && value_of(s, 3) == 2 * t * t * 7,
          "%d threads: values accumulate over two windows: WORK %lld, OTHER %lld", threads,
          value_of(s, 1), value_of(s, 3));

    counters_reset(s);
    CHECK(value_of(s, 1) == 0 && value_of(s, 3) == 0, "reset clears the values");
    CHECK(counters_start(s) == 0 && counters_stop(s) == 0, "an empty window");
    CHECK(value_of(s, 1) == 0, "an empty window counts 0: %lld", value_of(s, 1));

    CHECK(counters_stop(s) == -1, "stop without start fails");
    CHECK(counters_start(s) == 0 && counters_start(s) == -1, "start while running fails");
    CHECK(counters_stop(s) == 0, "and the running set still stops");
    counters_close(s);
}

/* Two sets open at once on overlapping teams (the harness keeps one per thread count):
 * closing one leaves the other counting. */
static void test_two_sets(void)
{
    const char *ev[] = {SDE_WORK};
    char why[256] = "";
    counter_set *one = counters_open(ev, 1, 1, why, sizeof why);
    counter_set *two = counters_open(ev, 1, 2, why, sizeof why);
    if (!CHECK(one && two, "two sets open: %s", why)) {
        counters_close(one);
        counters_close(two);
        return;
    }
    CHECK(counters_start(two) == 0, "start the 2-thread set");
    add_work(2, 10, 0);
    CHECK(counters_stop(two) == 0, "stop the 2-thread set");
    CHECK(value_of(two, 0) == 2 * 2 * 10, "2-thread set counts %lld", value_of(two, 0));
    counters_close(two);
    CHECK(counters_start(one) == 0, "start the 1-thread set after the other closed");
    add_work(1, 10, 0);
    CHECK(counters_stop(one) == 0, "stop the 1-thread set");
    CHECK(value_of(one, 0) == 10, "1-thread set counts %lld", value_of(one, 0));
    counters_close(one);
}

static double thread_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double work_sink; /* the arithmetic's result, so that it is not optimised away */

/* Arithmetic on every thread of the team; returns the CPU seconds the team spent on it. */
static double team_work(int threads, long iterations)
{
    double cpu = 0;
#pragma omp parallel num_threads(threads) reduction(+ : cpu)
    {
        double t0 = thread_cpu_seconds();
        double x = 0;
        for (long i = 0; i < iterations; i++)
            x += 1e-9 * (double)i;
#pragma omp atomic
        work_sink += x;
        cpu += thread_cpu_seconds() - t0;
    }
    return cpu;
}

/* Nanoseconds of task-clock over one window of team_work, and the CPU seconds it took. */
static long long task_clock_window(counter_set *s, int threads, long iterations, double *cpu)
{
    counters_reset(s);
    if (counters_start(s) != 0)
        return -1;
    *cpu = team_work(threads, iterations);
    if (counters_stop(s) != 0)
        return -1;
    return value_of(s, 0);
}

/* The kernel's task-clock software event, the real perf_event path, where PAPI opens it. */
static void test_task_clock(void)
{
    const char *ev[] = {"perf::TASK-CLOCK"};
    char why[256] = "";
    counter_set *probe = counters_open(ev, 1, 1, why, sizeof why);
    counter_value v[1];
    if (probe && counters_get(probe, v, 1) == 1 && !v[0].available)
        snprintf(why, sizeof why, "%s", v[0].why);
    int usable = probe && v[0].available;
    counters_close(probe);
    if (!usable) {
        const char *reason = perf_event_disabled_reason();
        printf("SKIP perf::TASK-CLOCK through PAPI (not counted as passed): %s%s\n", why,
               reason && strstr(reason, "default PMU")
                   ? "; PAPI's perf_event component needs a core PMU that libpfm4 knows "
                     "before it offers any perf:: software event, and LIBPFM_FORCE_PMU "
                     "activates only the forced PMU, not libpfm4's perf PMU"
                   : "");
        return;
    }
    for (int threads = 1; threads <= 2; threads++) {
        counter_set *s = counters_open(ev, 1, threads, why, sizeof why);
        if (!CHECK(s != NULL, "task-clock on %d threads: %s", threads, why))
            continue;
        double cpu_small = 0, cpu_large = 0;
        long long small = task_clock_window(s, threads, 20000000, &cpu_small);
        long long large = task_clock_window(s, threads, 80000000, &cpu_large);
        CHECK(small > 0 && (double)small >= 0.8e9 * cpu_small,
              "%d threads: task-clock %lld ns for %.0f ns of CPU time", threads, small,
              1e9 * cpu_small);
        CHECK((double)large >= 0.8e9 * cpu_large && large > small,
              "%d threads: 4x the work, task-clock %lld ns > %lld ns", threads, large, small);
        counters_close(s);
    }
}

#endif

int main(void)
{
#ifdef FW_HAVE_PAPI
    test_papi_cannot_start(); /* first: the child must not inherit a started PAPI */
    char why[256];
    int sde = sde_register(why, sizeof why); /* before anything starts PAPI */
#endif
    test_default_events();
    test_null_set();
    test_bad_requests();
#ifdef FW_HAVE_PAPI
    test_probe();
    test_default_events_open(1);
    test_default_events_open(2);
    if (sde == 0) {
        test_sde_counting(1);
        test_sde_counting(2);
        test_two_sets();
    } else {
        printf("SKIP software-defined events through PAPI (not counted as passed): %s\n", why);
    }
    test_task_clock();
#else
    test_without_papi();
#endif
    return fw_test_summary();
}
