/* Portable C double-precision GEMM microkernel, 4x4 register tile. */
#define FW_DOUBLE
#define FW_UKR_NAME fw_generic_dgemm_4x4
#define FW_MR 4
#define FW_NR 4
#include "vec_ops.h"
#include "gemm_ukr_template.h"
