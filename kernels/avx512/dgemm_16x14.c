/* AVX-512 double-precision GEMM microkernel, 16x14 register tile. */
#define FW_DOUBLE
#define FW_UKR_NAME fw_avx512_dgemm_16x14
#define FW_MR 16
#define FW_NR 14
#include "vec_ops.h"
#include "gemm_ukr_template.h"
