/* Progress of a long run on stderr: a bar redrawn in place when stderr is a terminal (what
 * is running, done/total, elapsed, estimate), one plain line per step otherwise (CI logs). */
#ifndef BENCH_PROGRESS_H
#define BENCH_PROGRESS_H

typedef struct progress {
    int total;
    double total_cost;  /* estimated work of the whole run, any unit */
    double done_cost;
    int done;
    double t0;
    int tty;            /* redraw in place */
    int width;          /* of the last line drawn, to clear it */
} progress;

/* tty: -1 to decide from stderr (a terminal, and CI unset), 0 or 1 to force. */
void progress_init(progress *p, int total, double total_cost, int tty);
/* Step index (0-based) starts; label says what runs. */
void progress_start(progress *p, const char *label);
/* The step ended with cost done and a short result for the plain log. */
void progress_finish(progress *p, double cost, const char *result);
/* Clears the bar (before printing the summary). */
void progress_end(progress *p);

#endif
