/* AVX-512 double-precision GEMM microkernel, 24x8 register tile. */
#define FW_DOUBLE
#define FW_UKR_NAME fw_avx512_dgemm_24x8
#define FW_MR 24
#define FW_NR 8
#include "vec_ops.h"
#include "gemm_ukr_template.h"
