/* What the benchmarks size themselves by: thread counts to try, the last-level cache. */
#ifndef BENCH_MACHINE_H
#define BENCH_MACHINE_H

/* Thread counts from a comma-separated spec, or "1,<every core>" when spec is NULL.
 * Returns the count, or -1 for a malformed spec. */
int machine_thread_list(const char *spec, int *out, int cap);

/* Bytes of the last data cache level one core sees (from the library's cache detection),
 * 0 when unknown. */
long machine_llc_bytes(void);

#endif
