/* Vector operations for the kernel templates: AVX2 + FMA. Include with FW_DOUBLE defined for
 * double precision, undefined for single. */
#include <immintrin.h>

/* Vector registers the templates may plan for (ymm0-15). */
#define FW_VREGS 16

#ifdef FW_DOUBLE
typedef double fw_real;
typedef __m256d fw_vec;
#define FW_VLEN 4
#define fw_vzero() _mm256_setzero_pd()
#define fw_vset1(x) _mm256_set1_pd(x)
#define fw_vload(p) _mm256_loadu_pd(p)
#define fw_vstore(p, v) _mm256_storeu_pd((p), (v))
#define fw_vbcast(p) _mm256_broadcast_sd(p)
#define fw_vfma(a, b, c) _mm256_fmadd_pd((a), (b), (c))
#define fw_vmul(a, b) _mm256_mul_pd((a), (b))
#define fw_vadd(a, b) _mm256_add_pd((a), (b))
static inline double fw_vreduce(__m256d v)
{
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}
/* Lane mask for the first n lanes: lane i is on when i < n. */
#define fw_vmask_first(n) \
    _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_setr_epi64x(0, 1, 2, 3))
#define fw_vload_first(p, n) _mm256_maskload_pd((p), fw_vmask_first(n))
#define fw_vstore_first(p, v, n) _mm256_maskstore_pd((p), fw_vmask_first(n), (v))
#else
typedef float fw_real;
typedef __m256 fw_vec;
#define FW_VLEN 8
#define fw_vzero() _mm256_setzero_ps()
#define fw_vset1(x) _mm256_set1_ps(x)
#define fw_vload(p) _mm256_loadu_ps(p)
#define fw_vstore(p, v) _mm256_storeu_ps((p), (v))
#define fw_vbcast(p) _mm256_broadcast_ss(p)
#define fw_vfma(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define fw_vmul(a, b) _mm256_mul_ps((a), (b))
#define fw_vadd(a, b) _mm256_add_ps((a), (b))
static inline float fw_vreduce(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}
#define fw_vmask_first(n) \
    _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define fw_vload_first(p, n) _mm256_maskload_ps((p), fw_vmask_first(n))
#define fw_vstore_first(p, v, n) _mm256_maskstore_ps((p), fw_vmask_first(n), (v))
#endif
#define FW_PREFETCH(p) _mm_prefetch((const char *)(p), _MM_HINT_T0)
