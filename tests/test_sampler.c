/* The sampler's order of events: warm-ups and calibration unmeasured, samples interleaved in
 * alternating order, and with prime the untimed calls of a task right before its reset and
 * measured batch. */
#include <stdio.h>
#include <string.h>

#include "../bench/sampler.h"
#include "testlib.h"

/* One task's log: x a call, R a reset, B and E the bounds of a measured batch. */
typedef struct {
    char log[4096];
    size_t len;
} task_log;

static void note(task_log *t, char c)
{
    if (t->len + 1 < sizeof t->log)
        t->log[t->len++] = c;
}

static int run_once(void *arg)
{
    note(arg, 'x');
    return 0;
}
static void reset(void *arg) { note(arg, 'R'); }
/* The tasks' measured batches in the order they ran, across tasks. */
static int batch_order[64], batches_run;
static task_log *logs_base;

static void begin(void *arg)
{
    note(arg, 'B');
    if (batches_run < 64)
        batch_order[batches_run++] = (int)((task_log *)arg - logs_base);
}
static void end(void *arg, double seconds, long calls)
{
    (void)seconds;
    (void)calls;
    note(arg, 'E');
}

/* Calls right before each measured batch's reset, which must all equal `want`. */
static void check_primes(const task_log *t, int want, const char *what)
{
    int batches = 0, bad = 0;
    for (size_t i = 1; i < t->len; i++) {
        if (t->log[i] != 'B' || t->log[i - 1] != 'R')
            continue;
        batches++;
        int calls = 0;
        for (size_t j = i - 1; j-- > 0 && t->log[j] == 'x';)
            calls++;
        /* The first batch follows calibration's calls: only later ones follow an E. */
        if (batches > 1 && calls != want)
            bad++;
    }
    CHECK(batches == 4, "%s: %d measured batches, want 4", what, batches);
    CHECK(bad == 0, "%s: %d batches not preceded by exactly %d untimed call(s)", what, bad,
          want);
}

static void run_with_prime(int prime)
{
    task_log logs[2];
    memset(logs, 0, sizeof logs);
    logs_base = logs;
    batches_run = 0;
    sampler_task tasks[2];
    for (int i = 0; i < 2; i++)
        tasks[i] = (sampler_task){.run = run_once, .reset = reset, .begin = begin,
                                  .end = end, .arg = &logs[i]};
    sampler_opts o = {.warmups = 1, .min_samples = 4, .max_samples = 4, .min_batch_s = 1e-6,
                      .min_total_s = 0, .prime = prime};
    double t0[4], t1[4], *times[2] = {t0, t1};
    int n = sampler_run(tasks, 2, &o, times);
    CHECK(n == 4, "prime=%d: %d samples, want 4", prime, n);
    /* Rounds alternate: 0 1, 1 0, 0 1, 1 0. */
    static const int want[8] = {0, 1, 1, 0, 0, 1, 1, 0};
    CHECK(batches_run == 8 && memcmp(batch_order, want, sizeof want) == 0,
          "prime=%d: measured batches ran as %d %d, %d %d, %d %d, %d %d", prime, batch_order[0],
          batch_order[1], batch_order[2], batch_order[3], batch_order[4], batch_order[5],
          batch_order[6], batch_order[7]);
    for (int i = 0; i < 2; i++) {
        char what[32];
        snprintf(what, sizeof what, "prime=%d, task %d", prime, i);
        check_primes(&logs[i], prime, what);
        /* Every measured batch runs exactly its inner calls between B and E. */
        int inside = 0, bad = 0;
        long calls = 0;
        for (size_t j = 0; j < logs[i].len; j++) {
            char c = logs[i].log[j];
            if (c == 'B')
                inside = 1, calls = 0;
            else if (c == 'E')
                inside = 0, bad += calls != tasks[i].inner;
            else if (c == 'x' && inside)
                calls++;
        }
        CHECK(bad == 0, "%s: %d batches ran other than %ld calls", what, bad, tasks[i].inner);
    }
}

int main(void)
{
    run_with_prime(0);
    run_with_prime(2);
    return fw_test_summary();
}
