/* The kernel registry: every compiled kernel, built from the per-ISA kernels.def lists. */
#include "fw_internal.h"

#include <string.h>

#define FW_GEMM_KERNEL(isa, prec, mr, nr, fn)                                        \
    void fn(long k, const void *alpha, const void *a, const void *b, long rs_b, long cs_b, \
            const void *beta, void *c, long ldc);                                        \
    void fn##_direct(long m, long n, long k, const void *alpha, const void *a, long lda,   \
                     const void *b, long rs_b, long cs_b, const void *beta, void *c,      \
                     long ldc);
#define FW_GEMV_KERNEL(kind, isa, prec, inflight, fn)                                \
    void fn(long m, long n, const void *alpha, const void *a, long lda, const void *x, void *y);
#if defined(__x86_64__)
#include "avx512/kernels.def"
#include "avx2/kernels.def"
#endif
#include "generic/kernels.def"
#undef FW_GEMM_KERNEL
#undef FW_GEMV_KERNEL

/* The name of a kernel is its function name without the "fw_" prefix. */
#define FW_GEMM_KERNEL(isa, prec, mr, nr, fn)                       \
    {{&#fn[3], FW_KIND_GEMM, isa, prec, mr, nr}, isa##_FEATURES,     \
     {.gemm = fn, .direct = fn##_direct}},
#define FW_GEMV_KERNEL(kind, isa, prec, inflight, fn) \
    {{&#fn[3], kind, isa, prec, inflight, 1}, isa##_FEATURES, {.gemv = fn}},
#define FW_ISA_AVX512_FEATURES FW_CPU_NEEDS_AVX512
#define FW_ISA_AVX2_FEATURES FW_CPU_NEEDS_AVX2
#define FW_ISA_GENERIC_FEATURES 0u

const fw_kernel fw_registry[] = {
#if defined(__x86_64__)
#include "avx512/kernels.def"
#include "avx2/kernels.def"
#endif
#include "generic/kernels.def"
};

const int fw_registry_size = (int)(sizeof fw_registry / sizeof fw_registry[0]);

int fw_kernel_count(void) { return fw_registry_size; }

const fw_kernel_info *fw_kernel_at(int index)
{
    const fw_kernel *k = fw_kernel_get(index);
    return k ? &k->info : NULL;
}

int fw_kernel_find(const char *name)
{
    for (int i = 0; name && i < fw_kernel_count(); i++)
        if (strcmp(fw_registry[i].info.name, name) == 0)
            return i;
    return -1;
}

int fw_kernel_supported(int index)
{
    const fw_kernel *k = fw_kernel_get(index);
    return k && (fw_cpu_features() & k->cpu_features) == k->cpu_features;
}

int fw_kernel_first(fw_kernel_kind kind, fw_precision prec, fw_isa isa)
{
    for (int i = 0; i < fw_kernel_count(); i++) {
        const fw_kernel_info *k = &fw_registry[i].info;
        if (k->kind == kind && k->prec == prec && k->isa == isa && fw_kernel_supported(i))
            return i;
    }
    return -1;
}
