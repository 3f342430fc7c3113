/* Hardware counters over a timed region with PAPI (built in when libpapi is found): one
 * event set per thread of the OpenMP team that runs the measured code, summed. Each event
 * the machine cannot count is kept, marked unavailable, with the reason.
 *
 * What is counted: each event set counts its own thread. libgomp runs a parallel region of
 * the same size from the same master thread on the same pool threads, so the work of
 * OpenMP teams of that size (flopwatt's kernels, BLIS built with OpenMP) is counted on
 * every thread. Not counted: threads a library starts itself (OpenBLAS's pthreads build:
 * only the calling thread's share is counted), teams of another size, nested teams.
 * A process-wide event (PAPI's sde component) is read by every thread's set, so its sum
 * is the number of threads times the process's count. */
#ifndef BENCH_COUNTERS_H
#define BENCH_COUNTERS_H

#include <stddef.h>

#define COUNTERS_MAX 16

typedef struct counter_value {
    char name[64];
    int available;
    long long value; /* summed over threads and over every start/stop since open */
    char why[160];   /* when unavailable: e.g. "no PMU: running in a VM" */
} counter_value;

typedef struct counter_set counter_set;

/* The events asked for by default: cycles, instructions, FP operations (SP/DP, vector),
 * L1/L2/L3 misses, as PAPI presets. */
int counters_default_events(const char **names, int cap);

/* Opens the events on threads OpenMP threads (each thread of a parallel region of that
 * size adds the events that exist). Returns NULL with a one-line reason in why when PAPI
 * is not built in or cannot start at all; otherwise a set, possibly with every event
 * unavailable (the reasons are per event). */
counter_set *counters_open(const char *const *events, int nevents, int threads, char *why,
                           size_t len);
/* Start and stop counting on every thread of the team; values accumulate across pairs. */
int counters_start(counter_set *s);
int counters_stop(counter_set *s);
void counters_reset(counter_set *s); /* values back to 0 */
int counters_get(const counter_set *s, counter_value *out, int cap); /* returns count */
void counters_close(counter_set *s);

/* Starts the PAPI library once per process, with thread support, for the counters and the
 * PAPI energy backend alike. Returns 0, or -1 with a one-line reason (built with PAPI only). */
int counters_papi_start(char *why, size_t len);

/* For flopwatt info: whether PAPI is built in, its version, and what it can count here
 * ("available" or the reason). Returns 1 when at least one event can be counted. */
int counters_probe(char *version, size_t vlen, char *status, size_t slen);

#endif
