/* AVX2 double-precision GEMM microkernel, 12x4 register tile. */
#define FW_DOUBLE
#define FW_UKR_NAME fw_avx2_dgemm_12x4
#define FW_MR 12
#define FW_NR 4
#include "vec_ops.h"
#include "gemm_ukr_template.h"
