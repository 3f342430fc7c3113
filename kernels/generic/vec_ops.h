/* Vector operations for the kernel templates: portable C, one lane. The compiler may still
 * vectorise the templates' loops for whatever baseline it targets. */
/* Vector registers the templates may plan for (the scalar FP registers of x86-64 and more than that elsewhere). */
#define FW_VREGS 16

#ifdef FW_DOUBLE
typedef double fw_real;
#else
typedef float fw_real;
#endif
typedef fw_real fw_vec;
#define FW_VLEN 1
#define fw_vzero() ((fw_real)0)
#define fw_vset1(x) ((fw_real)(x))
#define fw_vload(p) (*(p))
#define fw_vstore(p, v) (*(p) = (v))
#define fw_vbcast(p) (*(p))
#define fw_vfma(a, b, c) ((a) * (b) + (c))
#define fw_vmul(a, b) ((a) * (b))
#define fw_vadd(a, b) ((a) + (b))
#define fw_vreduce(v) (v)
#define fw_vload_first(p, n) ((n) > 0 ? *(p) : (fw_real)0)
#define fw_vstore_first(p, v, n) do { if ((n) > 0) *(p) = (v); } while (0)
#define FW_PREFETCH(p) __builtin_prefetch(p)
