/* AVX2 double-precision GEMM microkernel, 4x12 register tile. */
#define FW_DOUBLE
#define FW_UKR_NAME fw_avx2_dgemm_4x12
#define FW_MR 4
#define FW_NR 12
#include "vec_ops.h"
#include "gemm_ukr_template.h"
