/* AVX2 dgemv: y += alpha*A^T*x, 4 dot products in flight. */
#define FW_DOUBLE
#include "vec_ops.h"
#define FW_GEMV_NAME_T fw_avx2_dgemv_t4
#define FW_GEMV_T_COLS 4
#include "gemv_kernel_template.h"
