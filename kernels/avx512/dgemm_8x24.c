/* AVX-512 double-precision GEMM microkernel, 8x24 register tile. */
#define FW_DOUBLE
#define FW_UKR_NAME fw_avx512_dgemm_8x24
#define FW_MR 8
#define FW_NR 24
#include "vec_ops.h"
#include "gemm_ukr_template.h"
