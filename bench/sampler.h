/* The timing loop: warm-ups, batches of calls long enough for the clock, and samples of
 * several tasks interleaved, the order reversed every other round (A B, B A, A B, ...), so
 * drift in frequency or in the neighbours' load hits every task alike and no task always
 * goes first. Knows nothing about what the tasks compute. */
#ifndef BENCH_SAMPLER_H
#define BENCH_SAMPLER_H

#include <signal.h>

typedef struct sampler_task {
    int (*run)(void *arg);    /* the timed work, one call; non-zero aborts the task */
    void (*reset)(void *arg); /* untimed, before every batch; may be NULL */
    /* Untimed, right before and right after each measured batch (not warm-ups or
     * calibration): where meters and counters are read. May be NULL. */
    void (*begin)(void *arg);
    void (*end)(void *arg, double seconds, long calls);
    void *arg;
    long inner;               /* calls per sample: set by sampler_run */
    int error;                /* first non-zero return of run, 0 if none */
} sampler_task;

typedef struct sampler_opts {
    int warmups;         /* untimed calls before anything is measured */
    int min_samples;     /* samples per task at least ... */
    int max_samples;     /* ... and at most */
    double min_batch_s;  /* a sample lasts at least this long (batches of calls) */
    double min_total_s;  /* keep sampling until every task has measured this long */
    double gap_s;        /* idle time before each task's sample: lets the other task's
                            spinning worker threads go to sleep first */
    int prime;           /* untimed calls before each sample, so it starts from the task's
                            own cache state rather than whatever the task before it left */
    const volatile sig_atomic_t *stop; /* when set non-zero (by a signal handler), stop between
                                 batches; may be NULL */
} sampler_opts;

/* Runs ntasks tasks interleaved. times[t] must have room for max_samples entries and gets
 * seconds per call of each sample. Returns the number of samples per task, -1 when a task
 * failed (its error field says how), or -2 when *stop was set. */
int sampler_run(sampler_task *tasks, int ntasks, const sampler_opts *opts, double **times);

#endif
