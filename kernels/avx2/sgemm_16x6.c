/* AVX2 single-precision GEMM microkernel, 16x6 register tile. */
#define FW_UKR_NAME fw_avx2_sgemm_16x6
#define FW_MR 16
#define FW_NR 6
#include "vec_ops.h"
#include "gemm_ukr_template.h"
