/* Wall-clock timing for benchmarks. */
#ifndef BENCH_TIMER_H
#define BENCH_TIMER_H

#include <stddef.h>

/* Seconds on CLOCK_MONOTONIC_RAW: not slewed by NTP, so short intervals are not stretched
 * or shrunk while the clock is being corrected. */
double timer_now(void);

/* The clock's advertised resolution in seconds. */
double timer_resolution(void);

/* The current UTC time as ISO 8601, "2026-11-24T06:20:17Z", for files and reports. */
void timer_utc_now(char *buf, size_t len);

#endif
