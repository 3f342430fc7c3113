/* CPU feature detection and the choice of ISA path: CPUID for what the core implements,
 * XGETBV for what the operating system saves on context switch (AVX needs YMM state,
 * AVX-512 needs opmask and ZMM state as well). */
#include "fw_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>

static unsigned long long read_xcr0(void)
{
    unsigned eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

static unsigned detect_features(void)
{
    unsigned a, b, c, d, f = FW_CPU_SSE2;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return f;
    int osxsave = (c >> 27) & 1;
    unsigned long long xcr0 = osxsave ? read_xcr0() : 0;
    int os_avx = (xcr0 & 0x6) == 0x6;        /* SSE and AVX state */
    int os_avx512 = (xcr0 & 0xe6) == 0xe6;   /* plus opmask, ZMM_Hi256, Hi16_ZMM */
    if (!os_avx)
        return f;
    if ((c >> 28) & 1)
        f |= FW_CPU_AVX;
    if ((c >> 12) & 1)
        f |= FW_CPU_FMA;
    if (__get_cpuid_max(0, NULL) < 7)
        return f;
    __cpuid_count(7, 0, a, b, c, d);
    if ((b >> 5) & 1)
        f |= FW_CPU_AVX2;
    if (os_avx512) {
        if ((b >> 16) & 1) f |= FW_CPU_AVX512F;
        if ((b >> 17) & 1) f |= FW_CPU_AVX512DQ;
        if ((b >> 30) & 1) f |= FW_CPU_AVX512BW;
        if ((b >> 31) & 1) f |= FW_CPU_AVX512VL;
        if ((c >> 11) & 1) f |= FW_CPU_AVX512_VNNI;
        unsigned a1, b1, c1, d1;
        __cpuid_count(7, 1, a1, b1, c1, d1);
        if ((a1 >> 5) & 1) f |= FW_CPU_AVX512_BF16;
    }
    return f;
}
#else
static unsigned detect_features(void) { return 0; }
#endif

unsigned fw_cpu_features(void)
{
    static unsigned features;
    static int done;
    if (!__atomic_load_n(&done, __ATOMIC_ACQUIRE)) {
        __atomic_store_n(&features, detect_features(), __ATOMIC_RELAXED);
        __atomic_store_n(&done, 1, __ATOMIC_RELEASE);
    }
    return __atomic_load_n(&features, __ATOMIC_RELAXED);
}

static const char *const isa_names[FW_ISA_COUNT] = {"generic", "avx2", "avx512"};

const char *fw_isa_name(fw_isa isa)
{
    return isa >= 0 && isa < FW_ISA_COUNT ? isa_names[isa] : "unknown";
}

int fw_isa_supported(fw_isa isa)
{
    switch (isa) {
    case FW_ISA_GENERIC: return 1;
#if defined(__x86_64__)
    case FW_ISA_AVX2: return (fw_cpu_features() & FW_CPU_NEEDS_AVX2) == FW_CPU_NEEDS_AVX2;
    case FW_ISA_AVX512: return (fw_cpu_features() & FW_CPU_NEEDS_AVX512) == FW_CPU_NEEDS_AVX512;
#endif
    default: return 0;
    }
}

/* FLOPWATT_ISA forces a path; asking for one the CPU lacks is an error the user must see,
 * since running another path would mislabel every measurement. */
static fw_isa choose_isa(void)
{
    const char *want = getenv("FLOPWATT_ISA");
    if (want && *want) {
        for (int i = 0; i < FW_ISA_COUNT; i++) {
            if (strcmp(want, isa_names[i]) != 0)
                continue;
            if (!fw_isa_supported((fw_isa)i)) {
                fprintf(stderr, "flopwatt: FLOPWATT_ISA=%s: this CPU or OS does not support %s\n",
                        want, want);
                exit(2);
            }
            return (fw_isa)i;
        }
        fprintf(stderr, "flopwatt: FLOPWATT_ISA=%s: unknown ISA (avx512, avx2 or generic)\n", want);
        exit(2);
    }
    for (int i = FW_ISA_COUNT - 1; i > 0; i--)
        if (fw_isa_supported((fw_isa)i))
            return (fw_isa)i;
    return FW_ISA_GENERIC;
}

fw_isa fw_active_isa(void)
{
    static int isa = -1;
    int v = __atomic_load_n(&isa, __ATOMIC_ACQUIRE);
    if (v < 0) {
        v = (int)choose_isa();
        __atomic_store_n(&isa, v, __ATOMIC_RELEASE);
    }
    return (fw_isa)v;
}
