/* A GEMM microkernel timed alone, the way likwid-bench times a loop: what is called, where
 * its operands live, nothing else. Two placements:
 *   panels: one packed A panel (MR x KC) and one packed B panel (KC x NR) used by every
 *           call, and one MR x NR tile of C (beta = 1): everything stays in L1 and L2, so
 *           the figure is the kernel's own ceiling;
 *   block:  the blocked driver's two inner loops once: every MR-row panel of a packed
 *           MC x KC block of A against every NR-column panel of a packed KC x NC panel of B,
 *           into an MC x NC block of C (beta = 1): B streams from L3 and C from memory, as
 *           in a large GEMM. The gap to the panels figure is what the cache hierarchy
 *           costs the kernel; packing and threads are not in either. */
#ifndef BENCH_KERNEL_RATE_H
#define BENCH_KERNEL_RATE_H

#include <stddef.h>

typedef enum kernel_rate_placement {
    KERNEL_RATE_PANELS,
    KERNEL_RATE_BLOCK,
} kernel_rate_placement;

typedef struct kernel_rate {
    double gflops;  /* median over the samples, one thread */
    int samples;
    long mc, kc, nc; /* the sizes run (mc and nc rounded down to whole tiles; panels: MR, NR) */
} kernel_rate;

/* Times GEMM kernel idx of the registry for at least seconds. Before timing, one call (panels)
 * or the whole block (block) runs with beta = 0 and sampled entries of C are checked
 * against a long double reference with a bound of k * eps * sum |a||b|. Returns 0, or -1
 * with a one-line reason: not a GEMM kernel this CPU runs, sizes too small for one tile, no
 * memory, or a wrong result. */
int kernel_rate_measure(int idx, kernel_rate_placement where, long mc, long kc, long nc,
                        double seconds, kernel_rate *out, char *why, size_t wlen);

/* The check: the worst of 64 sampled entries of C (mc x nc, column-major, ldc = mc) against
 * A * B from packed panels (MR-row panels of A, NR-column panels of B, depth kc), as a
 * fraction of the bound kc * eps * sum |a||b|: at most 1 when C is right; NaN counts as
 * infinite. */
double kernel_rate_check(int mr, int nr, size_t esz, long mc, long kc, long nc, const void *a,
                         const void *b, const void *c);

#endif
