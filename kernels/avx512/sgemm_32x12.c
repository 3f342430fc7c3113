/* AVX-512 single-precision GEMM microkernel, 32x12 register tile. */
#define FW_UKR_NAME fw_avx512_sgemm_32x12
#define FW_MR 32
#define FW_NR 12
#include "vec_ops.h"
#include "gemm_ukr_template.h"
