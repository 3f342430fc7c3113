/* AVX-512 single-precision GEMM microkernel, 16x24 register tile. */
#define FW_UKR_NAME fw_avx512_sgemm_16x24
#define FW_MR 16
#define FW_NR 24
#include "vec_ops.h"
#include "gemm_ukr_template.h"
