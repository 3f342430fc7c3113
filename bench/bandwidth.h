/* Memory read bandwidth, measured: a sum over an array far larger than the last-level
 * cache, like STREAM: only the reading passes are timed, the best of several passes is
 * kept, and the result of every pass is checked. Arrays of other sizes give the read
 * rate of a working set of that size (from a cache when it fits). */
#ifndef BENCH_BANDWIDTH_H
#define BENCH_BANDWIDTH_H

#include <stddef.h>

typedef struct read_bandwidth {
    int threads;
    size_t bytes;    /* array size */
    int passes;
    double gbs_best; /* 1e9 bytes per second, best pass */
    double gbs_median;
} read_bandwidth;

/* Array size for a measurement that no cache can hold: 8 times the cache size given (the
 * caller's last-level cache), at least 256 MiB, at most 1 GiB: virtual machines can
 * report caches of hundreds of MiB per core that no core has. */
size_t bandwidth_default_bytes(long cache_bytes);

/* An array of doubles set to 1, each thread's slice first touched by that thread. */
typedef struct bw_array bw_array;
bw_array *bandwidth_array_new(size_t bytes, int threads); /* NULL when out of memory */
void bandwidth_array_free(bw_array *a);
size_t bandwidth_array_bytes(const bw_array *a);
/* Seconds for one read pass over the array by its threads (each sums its own slice), or
 * a negative value when the sum came out wrong. */
double bandwidth_array_pass(bw_array *a);

/* new + one untimed pass + passes timed passes + free. Returns 0, -1 when the array
 * cannot be allocated, -2 when a sum came out wrong. */
int bandwidth_read(int threads, size_t bytes, int passes, read_bandwidth *out);

#endif
