/* AVX-512 single-precision GEMM microkernel, 64x6 register tile. */
#define FW_UKR_NAME fw_avx512_sgemm_64x6
#define FW_MR 64
#define FW_NR 6
#include "vec_ops.h"
#include "gemm_ukr_template.h"
