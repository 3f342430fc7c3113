/* FMA peak. Each thread runs NACC independent accumulator chains acc = acc * m + a: with
 * NACC >= FMA latency x FMA pipes (4 x 2 on current x86 cores) the pipes never wait on a
 * result. Functions carry target attributes, so the file builds without global ISA flags
 * and the caller picks what the CPU supports at run time. */
#include "peak_fma.h"

#include <omp.h>

#include "timer.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define PEAK_X86 1
#endif

/* Multiplier and addend keep every chain near 1.0: no overflow, no denormals. Read from
 * volatiles so the compiler cannot fold the loop. */
static volatile double mul_v = 0.999999, add_v = 1e-6;

#define REP16(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
#define REP12(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define REP8(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

#ifdef PEAK_X86
/* AVX-512: 32 registers, 16 chains (2 more for m and a). */
#define Z_DECL_D(i) __m512d r##i = _mm512_set1_pd(1.0 + (i) * 1e-3);
#define Z_FMA_D(i) r##i = _mm512_fmadd_pd(r##i, m, a);
#define Z_SUM_D(i) s = _mm512_add_pd(s, r##i);
__attribute__((target("avx512f"))) static double loop_avx512_f64(long iters)
{
    __m512d m = _mm512_set1_pd(mul_v), a = _mm512_set1_pd(add_v), s = _mm512_setzero_pd();
    REP16(Z_DECL_D)
    for (long i = 0; i < iters; i++) {
        REP16(Z_FMA_D)
    }
    REP16(Z_SUM_D)
    return _mm512_reduce_add_pd(s);
}

#define Z_DECL_S(i) __m512 r##i = _mm512_set1_ps(1.0f + (i) * 1e-3f);
#define Z_FMA_S(i) r##i = _mm512_fmadd_ps(r##i, m, a);
#define Z_SUM_S(i) s = _mm512_add_ps(s, r##i);
__attribute__((target("avx512f"))) static double loop_avx512_f32(long iters)
{
    __m512 m = _mm512_set1_ps((float)mul_v), a = _mm512_set1_ps((float)add_v),
           s = _mm512_setzero_ps();
    REP16(Z_DECL_S)
    for (long i = 0; i < iters; i++) {
        REP16(Z_FMA_S)
    }
    REP16(Z_SUM_S)
    return _mm512_reduce_add_ps(s);
}

/* AVX2: 16 registers, 12 chains. */
#define Y_DECL_D(i) __m256d r##i = _mm256_set1_pd(1.0 + (i) * 1e-3);
#define Y_FMA_D(i) r##i = _mm256_fmadd_pd(r##i, m, a);
#define Y_SUM_D(i) s = _mm256_add_pd(s, r##i);
__attribute__((target("avx2,fma"))) static double loop_avx2_f64(long iters)
{
    __m256d m = _mm256_set1_pd(mul_v), a = _mm256_set1_pd(add_v), s = _mm256_setzero_pd();
    REP12(Y_DECL_D)
    for (long i = 0; i < iters; i++) {
        REP12(Y_FMA_D)
    }
    REP12(Y_SUM_D)
    double t[4];
    _mm256_storeu_pd(t, s);
    return t[0] + t[1] + t[2] + t[3];
}

#define Y_DECL_S(i) __m256 r##i = _mm256_set1_ps(1.0f + (i) * 1e-3f);
#define Y_FMA_S(i) r##i = _mm256_fmadd_ps(r##i, m, a);
#define Y_SUM_S(i) s = _mm256_add_ps(s, r##i);
__attribute__((target("avx2,fma"))) static double loop_avx2_f32(long iters)
{
    __m256 m = _mm256_set1_ps((float)mul_v), a = _mm256_set1_ps((float)add_v),
           s = _mm256_setzero_ps();
    REP12(Y_DECL_S)
    for (long i = 0; i < iters; i++) {
        REP12(Y_FMA_S)
    }
    REP12(Y_SUM_S)
    float t[8];
    _mm256_storeu_ps(t, s);
    return (double)t[0] + t[1] + t[2] + t[3] + t[4] + t[5] + t[6] + t[7];
}
#endif

/* Portable fallback: scalar multiply-add chains; the compiler may vectorise them. */
#define G_DECL(T, i) T r##i = (T)(1.0 + (i) * 1e-3);
#define G_DECL_D(i) G_DECL(double, i)
#define G_DECL_S(i) G_DECL(float, i)
#define G_FMA(i) r##i = r##i * m + a;
#define G_SUM(i) s += r##i;
static double loop_generic_f64(long iters)
{
    double m = mul_v, a = add_v, s = 0;
    REP8(G_DECL_D)
    for (long i = 0; i < iters; i++) {
        REP8(G_FMA)
    }
    REP8(G_SUM)
    return s;
}

static double loop_generic_f32(long iters)
{
    float m = (float)mul_v, a = (float)add_v, s = 0;
    REP8(G_DECL_S)
    for (long i = 0; i < iters; i++) {
        REP8(G_FMA)
    }
    REP8(G_SUM)
    return s;
}

typedef struct {
    const char *isa;
    double (*f64)(long);
    double (*f32)(long);
    int flops_per_iter_f64, flops_per_iter_f32; /* chains x lanes x 2 */
} fma_loops;

static fma_loops pick(void)
{
#ifdef PEAK_X86
    /* __builtin_cpu_supports also checks that the OS saves the wide registers (XGETBV). */
    if (__builtin_cpu_supports("avx512f"))
        return (fma_loops){"avx512", loop_avx512_f64, loop_avx512_f32, 16 * 8 * 2, 16 * 16 * 2};
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return (fma_loops){"avx2", loop_avx2_f64, loop_avx2_f32, 12 * 4 * 2, 12 * 8 * 2};
#endif
    return (fma_loops){"generic", loop_generic_f64, loop_generic_f32, 8 * 2, 8 * 2};
}

const char *peak_fma_isa(void) { return pick().isa; }

/* Seconds for every thread of the team to run iters iterations, from a common start. */
static double team_run(double (*fn)(long), long iters, int threads, double *sink)
{
    double t0 = 0, t1 = 0, sum = 0;
#pragma omp parallel num_threads(threads) reduction(+ : sum)
    {
#pragma omp barrier
        if (omp_get_thread_num() == 0)
            t0 = timer_now();
        sum += fn(iters);
#pragma omp barrier
        if (omp_get_thread_num() == 0)
            t1 = timer_now();
    }
    *sink += sum;
    return t1 - t0;
}

/* GFLOP/s of the best of reps team runs sized to last about seconds each. */
static double measure(double (*fn)(long), int flops_per_iter, int threads, int reps,
                      double seconds, double *sink)
{
    long iters = 1L << 16;
    double t;
    /* Grow the run until it is long enough to scale from; this also warms the cores up
     * (clock ramp, wide-vector power state). */
    while ((t = team_run(fn, iters, threads, sink)) < 0.05 && iters < (1L << 40))
        iters *= 2;
    double want = (double)iters * seconds / (t > 0 ? t : 1e-9);
    iters = want > 1 ? (long)want : 1;
    double best = 0;
    for (int r = 0; r < reps; r++) {
        t = team_run(fn, iters, threads, sink);
        if (t > 0 && (best == 0 || t < best))
            best = t;
    }
    return best > 0 ? (double)iters * flops_per_iter * threads / best * 1e-9 : 0;
}

int peak_fma_measure(int threads, int reps, double seconds, peak_fma *out)
{
    fma_loops l = pick();
    double sink = 0;
    if (threads < 1)
        threads = 1;
    if (reps < 1)
        reps = 1;
    out->isa = l.isa;
    out->threads = threads;
    out->gflops_f64 = measure(l.f64, l.flops_per_iter_f64, threads, reps, seconds, &sink);
    out->gflops_f32 = measure(l.f32, l.flops_per_iter_f32, threads, reps, seconds, &sink);
    /* Every chain converges to add/(1-mul) = 1: anything else means the loops misbehaved. */
    return sink > 0 && out->gflops_f64 > 0 && out->gflops_f32 > 0 ? 0 : -1;
}
