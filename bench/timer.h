/* Wall-clock timing for benchmarks. */
#ifndef BENCH_TIMER_H
#define BENCH_TIMER_H

/* Seconds on CLOCK_MONOTONIC_RAW: not slewed by NTP, so short intervals are not stretched
 * or shrunk while the clock is being corrected. */
double timer_now(void);

/* The clock's advertised resolution in seconds. */
double timer_resolution(void);

#endif
