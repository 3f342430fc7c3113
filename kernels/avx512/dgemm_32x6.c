/* AVX-512 double-precision GEMM microkernel, 32x6 register tile. */
#define FW_DOUBLE
#define FW_UKR_NAME fw_avx512_dgemm_32x6
#define FW_MR 32
#define FW_NR 6
#include "vec_ops.h"
#include "gemm_ukr_template.h"
