/* flopwatt: public API of the kernel library.
 *
 * GEMM  C = alpha * op(A) * op(B) + beta * C
 * GEMV  y = alpha * op(A) * x + beta * y
 *
 * Plain entry points use the default configuration (tuned profile when one is loaded, else
 * the analytical cache model); the _ex entry points take an explicit configuration, which is
 * what the tuner and the benchmarks use. Standard BLAS (sgemm_ ...) and CBLAS (cblas_sgemm ...)
 * entry points are exported by the library as well; see README.md. */
#ifndef FLOPWATT_H
#define FLOPWATT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FLOPWATT_VERSION "0.1.0"

/* Values match CBLAS's enums so the CBLAS layer passes them straight through. */
typedef enum { FW_ROW_MAJOR = 101, FW_COL_MAJOR = 102 } fw_layout;
typedef enum { FW_NO_TRANS = 111, FW_TRANS = 112, FW_CONJ_TRANS = 113 } fw_trans;

typedef enum { FW_F32 = 0, FW_F64 = 1 } fw_precision;

/* Instruction-set paths, in increasing order of preference on x86. */
typedef enum {
    FW_ISA_GENERIC = 0,
    FW_ISA_AVX2 = 1,   /* AVX2 + FMA */
    FW_ISA_AVX512 = 2, /* AVX-512 F/VL/DQ/BW + FMA */
    FW_ISA_COUNT
} fw_isa;

/* What a registry entry computes. */
typedef enum { FW_KIND_GEMM = 0, FW_KIND_GEMV_N = 1, FW_KIND_GEMV_T = 2 } fw_kernel_kind;

typedef struct fw_kernel_info {
    const char *name;       /* e.g. "avx512_dgemm_16x14" */
    fw_kernel_kind kind;
    fw_isa isa;
    fw_precision prec;
    int mr, nr;             /* register tile (GEMM); rows/columns in flight (GEMV) */
} fw_kernel_info;

/* Registry of every compiled kernel, usable or not on this CPU. */
int fw_kernel_count(void);
const fw_kernel_info *fw_kernel_at(int index);        /* NULL when out of range */
int fw_kernel_find(const char *name);                 /* index, or -1 */
int fw_kernel_supported(int index);                   /* 1 when this CPU and OS can run it */

/* The ISA path in use (best supported, or forced by FLOPWATT_ISA=avx512|avx2|generic). */
fw_isa fw_active_isa(void);
const char *fw_isa_name(fw_isa isa);
int fw_isa_supported(fw_isa isa);

/* Data caches as seen by one core, as the analytical model uses them. */
typedef struct fw_cache_level {
    long size;        /* bytes; 0 when the level is absent */
    int line;         /* bytes per line */
    int ways;         /* associativity; 0 when unknown (the model then assumes 16) */
    int sharing;      /* logical CPUs sharing one instance; 0 when unknown */
} fw_cache_level;

typedef struct fw_cache_info {
    fw_cache_level level[3]; /* L1d, L2, L3 */
    const char *source;      /* "hwloc", "sysfs" or "assumed" */
} fw_cache_info;

const fw_cache_info *fw_caches(void);

/* Analytical blocking (Low et al. 2016) for an MR x NR tile of elements of elem_size bytes. */
void fw_model_blocking(const fw_cache_info *caches, int mr, int nr, int elem_size,
                       int *mc, int *kc, int *nc);

/* Shape classes. Each precision has one configuration per class, tuned apart (flopwatt
 * tune), since the best tile, blocking and thread layout for a 4096^3 product are not those
 * for a 4096 x 4096 x 16 one. A GEMM dimension is small at or below FW_CLASS_SMALL_DIM: no
 * small dimension is "square", all three "small" (or "tiny", all at or below
 * FW_CLASS_TINY_DIM), else the class of the smallest small dimension (ties: k, then m, then
 * n). GEMV goes by the kernel that runs: N on column-major A (or row-major A transposed), T
 * otherwise. */
typedef enum {
    FW_CLASS_SQUARE = 0,
    FW_CLASS_SMALL,
    FW_CLASS_TINY,
    FW_CLASS_SKINNY_K,
    FW_CLASS_SKINNY_M,
    FW_CLASS_SKINNY_N,
    FW_CLASS_GEMV_N,
    FW_CLASS_GEMV_T,
    FW_CLASS_COUNT
} fw_shape_class;

#define FW_CLASS_SMALL_DIM 64
/* Cubes up to 16 are a class of their own: one tile covers most of such a product, and the
 * tile that wastes least there (n = 8 on a 32x12 tile computes 9 columns of 12) is not the
 * one that runs 64^3 fastest. One kernel for cubes 8 to 64 cost the small end up to 0.8x
 * OpenBLAS, the geometric mean over the class hardly telling the kernels apart. */
#define FW_CLASS_TINY_DIM 16

fw_shape_class fw_gemm_class(int m, int n, int k);
fw_shape_class fw_gemv_class(fw_layout layout, fw_trans ta);
/* "square", "small", "tiny", "skinny_k", "skinny_m", "skinny_n", "gemv_n", "gemv_t". */
const char *fw_class_name(fw_shape_class cls);
int fw_class_find(const char *name); /* the class, or -1 */

/* Where worker threads go: spread one per core across the machine (default), or compact on
 * neighbouring hardware threads (SMT siblings first). */
typedef enum { FW_BIND_SPREAD = 0, FW_BIND_COMPACT = 1 } fw_binding;

/* Every tunable of one precision and shape class. Fields are plain data so profiles can
 * store them. */
typedef struct fw_config {
    int gemm_kernel;       /* registry index of the GEMM microkernel */
    int gemv_n_kernel;     /* registry index for y += A*x on column-major A */
    int gemv_t_kernel;     /* registry index for y += A^T*x on column-major A */
    int mc, kc, nc;        /* cache blocking (rows of A, depth, columns of B) */
    int threads;           /* most threads a call uses (fewer on small problems); 0 = default */
    int jc_ways, ic_ways, jr_ways; /* split of threads over the jc, ic, jr loops; 0 = choose;
                              used when their product is the call's thread count */
    int bind;              /* fw_binding of the worker threads */
    double direct_max_mnk; /* m*n*k at or below this: direct path, no packing */
    int skinny_k;          /* k at or below this: skinny path (no packing of B) */
    int skinny_mn;         /* m or n at or below this: skinny path */
    long gemv_min_per_thread; /* m*n per thread below which GEMV uses fewer threads */
    long gemv_n_split_cols; /* m*n from which threads split the columns of an N GEMV's
                               stored matrix and add their partial sums, instead of
                               splitting its rows; 0 = never */
} fw_config;

/* The configuration plain calls of a precision and class use: the loaded tuned profile's
 * where it has one, else the analytical model's. */
void fw_class_config(fw_precision prec, fw_shape_class cls, fw_config *cfg);
/* The analytical model's configuration for a class, whatever is loaded: the same for every
 * class but tiny and small, which run on the direct path and get a tile suited to it. */
void fw_model_config(fw_precision prec, fw_shape_class cls, fw_config *cfg);
/* Checks a configuration against this machine; returns 0, or -1 and a reason in msg. */
int fw_config_check(fw_precision prec, const fw_config *cfg, char *msg, size_t msg_len);

/* What a tuned profile is valid for: a profile is used only on a machine whose fingerprint
 * is equal in every field. */
typedef struct fw_fingerprint {
    char cpu[128];   /* model name, as /proc/cpuinfo gives it */
    char isa[16];    /* the ISA path in use (fw_isa_name) */
    int cpus;        /* online logical CPUs */
    long l1d, l2, l3; /* bytes per instance, as fw_caches() sees them */
} fw_fingerprint;

void fw_machine_fingerprint(fw_fingerprint *fp);
/* 0 when equal; else -1 and the first difference in msg ("cpu: \"A\" here, \"B\" in
 * the profile"). */
int fw_fingerprint_compare(const fw_fingerprint *here, const fw_fingerprint *profile,
                           char *msg, size_t msg_len);

/* A tuned profile: one configuration per precision and class where tuning chose one. */
typedef struct fw_profile {
    fw_fingerprint machine;
    int threads;        /* thread count the profile was tuned at */
    char objective[64]; /* what was minimised, e.g. "time" or "energy (model)" */
    char energy[128];   /* source and domain of the energy measured while tuning, or "none" */
    char created[32];   /* UTC, ISO 8601 */
    unsigned char tuned[2][FW_CLASS_COUNT]; /* [precision][class]: 1 where cfg holds one */
    fw_config cfg[2][FW_CLASS_COUNT];
} fw_profile;

/* Reads a profile file (JSON; kernels stored by name). Returns 0, or -1 with a one-line
 * reason (unreadable, not a profile, unknown kernel, a configuration this machine rejects). */
int fw_profile_read(const char *path, fw_profile *p, char *msg, size_t msg_len);
/* Writes p to path atomically (temporary file, then rename). Returns 0, or -1 and why. */
int fw_profile_write(const char *path, const fw_profile *p, char *msg, size_t msg_len);

/* The profile in use, loaded once at the first call: the file FLOPWATT_PROFILE names (empty
 * or "none": no profile), else the first *.json matching this machine in the folders of
 * FLOPWATT_PROFILE_DIRS (colon-separated; default: results/tuned of the source tree, then
 * /usr/local/share/flopwatt/tuned). A named profile that cannot be used gets one warning on
 * stderr and is ignored; nothing else is ever printed. Returns its path, or NULL when the
 * model defaults are in use. */
const char *fw_profile_in_use(void);

/* Thread count used when a call does not say: FLOPWATT_NUM_THREADS, else OMP_NUM_THREADS,
 * else every core; read at the first call. Inside an OpenMP parallel region calls run on
 * one thread. */
int fw_default_threads(void);
/* Sets the thread count of calls that do not say (as openblas_set_num_threads does); below 1
 * restores the default above. Safe to call at any time from any thread. */
void fw_set_num_threads(int threads);

int fw_sgemm(fw_layout layout, fw_trans ta, fw_trans tb, int m, int n, int k,
              float alpha, const float *a, int lda, const float *b, int ldb,
              float beta, float *c, int ldc);
int fw_dgemm(fw_layout layout, fw_trans ta, fw_trans tb, int m, int n, int k,
              double alpha, const double *a, int lda, const double *b, int ldb,
              double beta, double *c, int ldc);
int fw_sgemm_ex(fw_layout layout, fw_trans ta, fw_trans tb, int m, int n, int k,
                 float alpha, const float *a, int lda, const float *b, int ldb,
                 float beta, float *c, int ldc, const fw_config *cfg);
int fw_dgemm_ex(fw_layout layout, fw_trans ta, fw_trans tb, int m, int n, int k,
                 double alpha, const double *a, int lda, const double *b, int ldb,
                 double beta, double *c, int ldc, const fw_config *cfg);

int fw_sgemv(fw_layout layout, fw_trans ta, int m, int n, float alpha, const float *a, int lda,
              const float *x, int incx, float beta, float *y, int incy);
int fw_dgemv(fw_layout layout, fw_trans ta, int m, int n, double alpha, const double *a, int lda,
              const double *x, int incx, double beta, double *y, int incy);
int fw_sgemv_ex(fw_layout layout, fw_trans ta, int m, int n, float alpha, const float *a,
                 int lda, const float *x, int incx, float beta, float *y, int incy,
                 const fw_config *cfg);
int fw_dgemv_ex(fw_layout layout, fw_trans ta, int m, int n, double alpha, const double *a,
                 int lda, const double *x, int incx, double beta, double *y, int incy,
                 const fw_config *cfg);

#ifdef __cplusplus
}
#endif
#endif
