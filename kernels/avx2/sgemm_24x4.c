/* AVX2 single-precision GEMM microkernel, 24x4 register tile. */
#define FW_UKR_NAME fw_avx2_sgemm_24x4
#define FW_MR 24
#define FW_NR 4
#include "vec_ops.h"
#include "gemm_ukr_template.h"
