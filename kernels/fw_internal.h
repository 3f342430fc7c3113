/* Internal contracts of the kernel library: microkernel signatures, the registry, CPU features. */
#ifndef FW_INTERNAL_H
#define FW_INTERNAL_H

#include "flopwatt.h"

/* GEMM microkernel.
 *   C[MR x NR] = beta * C + alpha * A * B
 *   a: packed micro-panel of A, MR x k, column p at a + p*MR (element-aligned: the panel
 *      buffer starts on 64 bytes, later panels follow it contiguously).
 *   b: micro-panel of B, k x NR, element (p, j) at b[p*rs_b + j*cs_b]. Packed panels have
 *      rs_b == NR and cs_b == 1 (the fast loop); any other strides read B where it lies,
 *      which is how the skinny path skips packing B.
 *   c: column-major tile, element (i, j) at c[i + j*ldc]; the full MR x NR tile is written.
 *   beta == 0: C is not read (NaN or Inf in C must not leak).
 *   alpha and beta point to a float or a double, as the precision says.
 * Edge tiles and C with a non-unit row stride are handled by the driver through a buffer. */

/* Most threads one call may use (the driver keeps per-thread state on the stack). */
#define FW_MAX_THREADS 1024

/* Largest MR x NR tile the driver's edge buffer holds; the registry test enforces it. */
#define FW_MAX_TILE 512

/* Cache-line size the prefetches and thread splits plan for: 64 bytes on every x86-64 and
 * Neoverse core flopwatt targets. */
#define FW_LINE_BYTES 64

typedef void (*fw_gemm_ukr_fn)(long k, const void *alpha, const void *a, const void *b,
                               long rs_b, long cs_b, const void *beta, void *c, long ldc);

/* Direct twin of a GEMM microkernel, for problems too small to pay for packing.
 *   C[m x n] = beta * C + alpha * A * B, 1 <= m <= MR, 1 <= n <= NR, k >= 1.
 *   a: A(i, p) at a[i + p*lda], read in place; rows >= m are never read.
 *   b: B(p, j) at b[p*rs_b + j*cs_b], any strides; columns >= n are never read.
 *   c: column-major, element (i, j) at c[i + j*ldc]; only the m x n corner is written.
 *   beta == 0: C is not read. alpha == 0: A and B are not read. */
typedef void (*fw_gemm_direct_fn)(long m, long n, long k, const void *alpha, const void *a,
                                  long lda, const void *b, long rs_b, long cs_b,
                                  const void *beta, void *c, long ldc);

/* GEMV kernels, unit strides; the driver applies beta and gathers strided vectors first.
 *   N: y[0..m) += alpha * A * x[0..n)      (A column-major m x n, leading dimension lda)
 *   T: y[0..n) += alpha * A^T * x[0..m)                                                  */
typedef void (*fw_gemv_fn)(long m, long n, const void *alpha, const void *a, long lda,
                           const void *x, void *y);

typedef struct fw_kernel {
    fw_kernel_info info;
    unsigned cpu_features; /* FW_CPU_* bits the kernel needs */
    union {
        struct {
            fw_gemm_ukr_fn gemm;      /* packed panels, full tiles */
            fw_gemm_direct_fn direct; /* its direct twin */
        };
        fw_gemv_fn gemv;
    } fn;
} fw_kernel;

/* The registry (registry.c). Every call looks its kernel up, so the lookup is inline. */
extern const fw_kernel fw_registry[];
extern const int fw_registry_size;
static inline const fw_kernel *fw_kernel_get(int index)
{
    return index >= 0 && index < fw_registry_size ? &fw_registry[index] : NULL;
}

/* CPU features, as detected by CPUID with the OS's consent (XGETBV). */
enum {
    FW_CPU_SSE2 = 1u << 0,
    FW_CPU_AVX = 1u << 1,
    FW_CPU_FMA = 1u << 2,
    FW_CPU_AVX2 = 1u << 3,
    FW_CPU_AVX512F = 1u << 4,
    FW_CPU_AVX512VL = 1u << 5,
    FW_CPU_AVX512DQ = 1u << 6,
    FW_CPU_AVX512BW = 1u << 7,
    FW_CPU_AVX512_BF16 = 1u << 8,
    FW_CPU_AVX512_VNNI = 1u << 9,
};
#define FW_CPU_NEEDS_AVX2 (FW_CPU_AVX | FW_CPU_AVX2 | FW_CPU_FMA)
#define FW_CPU_NEEDS_AVX512 \
    (FW_CPU_NEEDS_AVX2 | FW_CPU_AVX512F | FW_CPU_AVX512VL | FW_CPU_AVX512DQ | FW_CPU_AVX512BW)

unsigned fw_cpu_features(void);

/* Size in bytes of one element of a precision. */
static inline size_t fw_elem_size(fw_precision p) { return p == FW_F64 ? sizeof(double) : sizeof(float); }

/* The model's GEMV work per thread (m*n elements) below which fewer threads run: the
 * elements of elem_size bytes that fill half of the L2 (cache_model.c). */
long fw_model_gemv_min_per_thread(const fw_cache_info *caches, int elem_size);

/* The tuned profile loaded for this process (see fw_profile_in_use), or NULL: every
 * configuration in it has passed fw_config_check. */
const fw_profile *fw_profile_loaded(void);
/* fw_class_config without the copy: the configuration plain calls of a class run with. */
const fw_config *fw_class_config_ref(fw_precision prec, fw_shape_class cls);

/* The code a column-major call without transposes of this shape runs under cfg, as numbers
 * that differ exactly when the code does:
 *   [0] the route the thresholds decide: direct path or blocked, operands swapped, B packed
 *       or read in place, the thread split;
 *   [1] the kernel;
 *   [2..4] the blocks the blocked loops run: MC and NC capped at the largest share of a
 *       thread (a larger value runs the same single block), KC as evened over the passes;
 *       0 on the direct path, which does not block;
 *   [5] the binding of a team, 0 for one thread.
 * The tuner uses it to tell configurations apart. Packing buffers are sized from the
 * configured blocks, not the run ones, which this leaves out. */
#define FW_ROUTE_LEN 6
void fw_gemm_route(fw_precision prec, int m, int n, int k, const fw_config *cfg,
                   long route[FW_ROUTE_LEN]);
/* The same for a column-major GEMV of m x n: [0] the team it takes, [1] the kernel (-1:
 * plain loops), the rest 0. */
void fw_gemv_route(fw_precision prec, fw_trans ta, int m, int n, const fw_config *cfg,
                   long route[FW_ROUTE_LEN]);

/* Registry index of the first supported kernel of a kind and precision for an ISA, or -1. */
int fw_kernel_first(fw_kernel_kind kind, fw_precision prec, fw_isa isa);

/* The unit (core, or hardware thread for compact binding) the calling thread runs on, as
 * fw_pin_thread counts them: taken by the caller before its parallel region. */
int fw_pin_home(int bind);
/* Binds the calling thread, member tid of a team of team_size in a GEMM or GEMV parallel
 * region, as bind (fw_binding) says (hwloc), tid units after home; once per size, binding
 * and home. */
void fw_pin_thread(int tid, int team_size, int bind, int home);

#endif
