/* The machine's FMA ceiling, measured: independent chains of vector FMAs with the widest
 * ISA the CPU runs, on a given number of threads. */
#ifndef BENCH_PEAK_FMA_H
#define BENCH_PEAK_FMA_H

typedef struct peak_fma {
    const char *isa;   /* "avx512", "avx2" or "generic" */
    int threads;
    double gflops_f32; /* whole team, GFLOP/s (an FMA counts as 2) */
    double gflops_f64;
} peak_fma;

/* The ISA the measurement uses on this CPU. */
const char *peak_fma_isa(void);

/* Measures both precisions on threads OpenMP threads, best of reps runs of about
 * seconds each. Many short runs beat a few long ones on a shared machine: the best of
 * them is one the scheduler did not interrupt. Returns 0, or -1 if the measurement's own
 * check failed. */
int peak_fma_measure(int threads, int reps, double seconds, peak_fma *out);

#endif
