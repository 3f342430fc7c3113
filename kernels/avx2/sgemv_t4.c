/* AVX2 sgemv: y += alpha*A^T*x, 4 dot products in flight. */
#include "vec_ops.h"
#define FW_GEMV_NAME_T fw_avx2_sgemv_t4
#define FW_GEMV_T_COLS 4
#include "gemv_kernel_template.h"
