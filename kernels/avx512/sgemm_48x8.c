/* AVX-512 single-precision GEMM microkernel, 48x8 register tile. */
#define FW_UKR_NAME fw_avx512_sgemm_48x8
#define FW_MR 48
#define FW_NR 8
#include "vec_ops.h"
#include "gemm_ukr_template.h"
