/* AVX2 double-precision GEMM microkernel, 8x6 register tile. */
#define FW_DOUBLE
#define FW_UKR_NAME fw_avx2_dgemm_8x6
#define FW_MR 8
#define FW_NR 6
#include "vec_ops.h"
#include "gemm_ukr_template.h"
