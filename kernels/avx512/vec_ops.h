/* Vector operations for the kernel templates: AVX-512. Include with FW_DOUBLE defined for
 * double precision, undefined for single. */
#include <immintrin.h>

/* Vector registers the templates may plan for (zmm0-31). */
#define FW_VREGS 32

#ifdef FW_DOUBLE
typedef double fw_real;
typedef __m512d fw_vec;
#define FW_VLEN 8
#define fw_vzero() _mm512_setzero_pd()
#define fw_vset1(x) _mm512_set1_pd(x)
#define fw_vload(p) _mm512_loadu_pd(p)
#define fw_vstore(p, v) _mm512_storeu_pd((p), (v))
#define fw_vbcast(p) _mm512_set1_pd(*(p))
#define fw_vfma(a, b, c) _mm512_fmadd_pd((a), (b), (c))
#define fw_vmul(a, b) _mm512_mul_pd((a), (b))
#define fw_vadd(a, b) _mm512_add_pd((a), (b))
#define fw_vreduce(v) _mm512_reduce_add_pd(v)
/* First n lanes (0 <= n <= FW_VLEN); lanes past n are neither read nor written. */
#define fw_vload_first(p, n) _mm512_maskz_loadu_pd((__mmask8)((1u << (n)) - 1u), (p))
#define fw_vstore_first(p, v, n) _mm512_mask_storeu_pd((p), (__mmask8)((1u << (n)) - 1u), (v))
#else
typedef float fw_real;
typedef __m512 fw_vec;
#define FW_VLEN 16
#define fw_vzero() _mm512_setzero_ps()
#define fw_vset1(x) _mm512_set1_ps(x)
#define fw_vload(p) _mm512_loadu_ps(p)
#define fw_vstore(p, v) _mm512_storeu_ps((p), (v))
#define fw_vbcast(p) _mm512_set1_ps(*(p))
#define fw_vfma(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define fw_vmul(a, b) _mm512_mul_ps((a), (b))
#define fw_vadd(a, b) _mm512_add_ps((a), (b))
#define fw_vreduce(v) _mm512_reduce_add_ps(v)
#define fw_vload_first(p, n) _mm512_maskz_loadu_ps((__mmask16)((1u << (n)) - 1u), (p))
#define fw_vstore_first(p, v, n) _mm512_mask_storeu_ps((p), (__mmask16)((1u << (n)) - 1u), (v))
#endif
#define FW_PREFETCH(p) _mm_prefetch((const char *)(p), _MM_HINT_T0)
