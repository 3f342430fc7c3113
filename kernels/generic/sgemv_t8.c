/* Portable C sgemv: y += alpha*A^T*x, 8 dot products in flight. */
#include "vec_ops.h"
#define FW_GEMV_NAME_T fw_generic_sgemv_t8
#define FW_GEMV_T_COLS 8
/* One accumulator per column: two would not fit the register file. */
#define FW_GEMV_T_UNROLL 1
#include "gemv_kernel_template.h"
