#include "bandwidth.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "stats.h"
#include "timer.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BW_X86 1
#endif

/* Each thread's slice is read as STREAMS contiguous parts side by side, one accumulator
 * each: a single sequential stream leaves a core short of requests in flight (GEMV kernels
 * read several columns at once and outrun it), and one chain of dependent adds would
 * limit it to one vector per add latency. */
#define STREAMS 8

#ifdef BW_X86
__attribute__((target("avx512f"))) static double sum_avx512(const double *x, size_t n)
{
    size_t part = n / STREAMS / 8 * 8; /* whole 64-byte lines: every part stays aligned */
    __m512d acc[STREAMS];
    for (int s = 0; s < STREAMS; s++)
        acc[s] = _mm512_setzero_pd();
    for (size_t i = 0; i < part; i += 8)
        for (int s = 0; s < STREAMS; s++)
            acc[s] = _mm512_add_pd(acc[s], _mm512_load_pd(x + s * part + i));
    __m512d t = acc[0];
    for (int s = 1; s < STREAMS; s++)
        t = _mm512_add_pd(t, acc[s]);
    double sum = _mm512_reduce_add_pd(t);
    for (size_t i = STREAMS * part; i < n; i++)
        sum += x[i];
    return sum;
}

__attribute__((target("avx2"))) static double sum_avx2(const double *x, size_t n)
{
    size_t part = n / STREAMS / 8 * 8;
    __m256d acc[STREAMS];
    for (int s = 0; s < STREAMS; s++)
        acc[s] = _mm256_setzero_pd();
    for (size_t i = 0; i < part; i += 4)
        for (int s = 0; s < STREAMS; s++)
            acc[s] = _mm256_add_pd(acc[s], _mm256_load_pd(x + s * part + i));
    __m256d t = acc[0];
    for (int s = 1; s < STREAMS; s++)
        t = _mm256_add_pd(t, acc[s]);
    double v[4];
    _mm256_storeu_pd(v, t);
    double sum = v[0] + v[1] + v[2] + v[3];
    for (size_t i = STREAMS * part; i < n; i++)
        sum += x[i];
    return sum;
}
#endif

static double sum_generic(const double *x, size_t n)
{
    size_t part = n / STREAMS;
    double acc[STREAMS] = {0};
    for (size_t i = 0; i < part; i++)
        for (int s = 0; s < STREAMS; s++)
            acc[s] += x[s * part + i];
    double sum = 0;
    for (int s = 0; s < STREAMS; s++)
        sum += acc[s];
    for (size_t i = STREAMS * part; i < n; i++)
        sum += x[i];
    return sum;
}

typedef double (*sum_fn)(const double *, size_t);

static sum_fn pick(void)
{
#ifdef BW_X86
    if (__builtin_cpu_supports("avx512f"))
        return sum_avx512;
    if (__builtin_cpu_supports("avx2"))
        return sum_avx2;
#endif
    return sum_generic;
}

size_t bandwidth_default_bytes(long cache_bytes)
{
    size_t want = cache_bytes > 0 ? 8 * (size_t)cache_bytes : 0;
    size_t lo = (size_t)256 << 20, hi = (size_t)1 << 30;
    return want < lo ? lo : want > hi ? hi : want;
}

/* Thread t's slice: whole 64-element blocks so every slice starts 512-byte aligned. */
static void slice(size_t n, int t, int threads, size_t *lo, size_t *hi)
{
    size_t blocks = n / 64;
    *lo = blocks * (size_t)t / (size_t)threads * 64;
    *hi = t == threads - 1 ? n : blocks * (size_t)(t + 1) / (size_t)threads * 64;
}

struct bw_array {
    double *x;
    size_t n;
    int threads;
};

bw_array *bandwidth_array_new(size_t bytes, int threads)
{
    bw_array *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->n = bytes / sizeof(double);
    a->threads = threads < 1 ? 1 : threads;
    if (a->n < 64 || posix_memalign((void **)&a->x, (size_t)2 << 20, a->n * sizeof *a->x) != 0) {
        free(a);
        return NULL;
    }
#ifdef MADV_HUGEPAGE
    madvise(a->x, a->n * sizeof *a->x, MADV_HUGEPAGE);
#endif
    double *x = a->x;
    size_t n = a->n;
#pragma omp parallel num_threads(a->threads)
    {
        size_t lo, hi;
        slice(n, omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);
        for (size_t i = lo; i < hi; i++)
            x[i] = 1.0; /* first touch by the thread that will read it */
    }
    return a;
}

void bandwidth_array_free(bw_array *a)
{
    if (a)
        free(a->x);
    free(a);
}

size_t bandwidth_array_bytes(const bw_array *a) { return a->n * sizeof(double); }

double bandwidth_array_pass(bw_array *a)
{
    sum_fn sum = pick();
    const double *x = a->x;
    size_t n = a->n;
    double t0 = 0, t1 = 0, total = 0;
#pragma omp parallel num_threads(a->threads) reduction(+ : total)
    {
        size_t lo, hi;
        slice(n, omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);
#pragma omp barrier
        if (omp_get_thread_num() == 0)
            t0 = timer_now();
        total += sum(x + lo, hi - lo);
#pragma omp barrier
        if (omp_get_thread_num() == 0)
            t1 = timer_now();
    }
    return total == (double)n ? t1 - t0 : -1; /* exact: n < 2^53 ones */
}

int bandwidth_read(int threads, size_t bytes, int passes, read_bandwidth *out)
{
    if (passes < 1)
        passes = 1;
    bw_array *a = bandwidth_array_new(bytes, threads);
    double *times = malloc((size_t)passes * sizeof *times);
    if (!a || !times) {
        bandwidth_array_free(a);
        free(times);
        return -1;
    }
    int bad = 0;
    /* One untimed pass wakes the cores and settles the pages; then the timed ones. */
    for (int p = -1; p < passes; p++) {
        double t = bandwidth_array_pass(a);
        bad |= t < 0;
        if (p >= 0)
            times[p] = t;
    }
    memset(out, 0, sizeof *out);
    out->threads = a->threads;
    out->bytes = bandwidth_array_bytes(a);
    out->passes = passes;
    out->gbs_best = (double)out->bytes / stats_min(times, passes) * 1e-9;
    out->gbs_median = (double)out->bytes / stats_median(times, passes) * 1e-9;
    free(times);
    bandwidth_array_free(a);
    return bad ? -2 : 0;
}
