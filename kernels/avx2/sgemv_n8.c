/* AVX2 sgemv: y += alpha*A*x, 8 columns per pass. */
#include "vec_ops.h"
#define FW_GEMV_NAME_N fw_avx2_sgemv_n8
#define FW_GEMV_N_COLS 8
#include "gemv_kernel_template.h"
