/* AVX2 single-precision GEMM microkernel, 8x12 register tile. */
#define FW_UKR_NAME fw_avx2_sgemm_8x12
#define FW_MR 8
#define FW_NR 12
#include "vec_ops.h"
#include "gemm_ukr_template.h"
