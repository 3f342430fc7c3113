#include "sampler.h"

#include <errno.h>
#include <math.h>
#include <time.h>

#include "timer.h"

static void idle(double seconds)
{
    if (seconds <= 0)
        return;
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Seconds for one batch of inner calls, or a negative value when a call failed. measured
 * batches are bracketed by the task's begin and end hooks; prime untimed calls go first. */
static double batch(sampler_task *t, long inner, int measured, int prime)
{
    /* Before the reset: the timed calls must start from the reset outputs. */
    for (int i = 0; i < prime; i++) {
        int rc = t->run(t->arg);
        if (rc) {
            t->error = rc;
            return -1;
        }
    }
    if (t->reset)
        t->reset(t->arg);
    if (measured && t->begin)
        t->begin(t->arg);
    double t0 = timer_now();
    for (long i = 0; i < inner; i++) {
        int rc = t->run(t->arg);
        if (rc) {
            t->error = rc;
            return -1;
        }
    }
    double s = timer_now() - t0;
    if (measured && t->end)
        t->end(t->arg, s, inner);
    return s;
}

/* Grows the batch until its time predicts the per-call time well (an eighth of the target),
 * then sizes it to just over min_batch_s: batches much longer than needed are more often
 * cut by the scheduler on a shared machine. */
static int calibrate(sampler_task *t, const sampler_opts *o)
{
    long inner = 1;
    double s = -1;
    for (int w = 0; w < o->warmups; w++)
        if ((s = batch(t, 1, 0, 0)) < 0)
            return -1;
    /* A call clearly long enough on its own needs no calibration run (large GEMMs take
     * seconds); "clearly", because a first call also pays for thread start-up and
     * topology discovery, which can take milliseconds. */
    if (s >= 10 * o->min_batch_s && s >= 0.1) {
        t->inner = 1;
        return 0;
    }
    for (;;) {
        s = batch(t, inner, 0, 0);
        if (s < 0)
            return -1;
        if (s >= o->min_batch_s || inner >= (1L << 24))
            break;
        if (s >= o->min_batch_s / 8) {
            inner = (long)ceil(1.1 * o->min_batch_s / s * (double)inner);
            break;
        }
        /* Jump towards the estimate-worthy size, at least doubling. */
        long guess = s > 0 ? (long)(o->min_batch_s / 8 / s * (double)inner) : inner * 2;
        inner = guess > inner * 2 ? guess : inner * 2;
    }
    t->inner = inner;
    return 0;
}

int sampler_run(sampler_task *tasks, int ntasks, const sampler_opts *opts, double **times)
{
    double total[16] = {0};
    if (ntasks < 1 || ntasks > 16)
        return -1;
    for (int t = 0; t < ntasks; t++) {
        if (opts->stop && *opts->stop)
            return -2;
        tasks[t].error = 0;
        idle(opts->gap_s);
        if (calibrate(&tasks[t], opts) != 0)
            return -1;
    }
    int n = 0;
    while (n < opts->max_samples) {
        /* Odd rounds run the tasks in reverse (A B, B A, A B, ...), so that no task always
         * follows the same one: what a task leaves behind (caches, idle workers) falls on
         * every task alike. */
        for (int i = 0; i < ntasks; i++) {
            const int t = n % 2 ? ntasks - 1 - i : i;
            if (opts->stop && *opts->stop)
                return -2;
            idle(opts->gap_s);
            double s = batch(&tasks[t], tasks[t].inner, 1, opts->prime);
            if (s < 0)
                return -1;
            times[t][n] = s / (double)tasks[t].inner;
            total[t] += s;
        }
        n++;
        int done = n >= opts->min_samples;
        for (int t = 0; t < ntasks && done; t++)
            done = total[t] >= opts->min_total_s;
        if (done)
            break;
    }
    return n;
}
