/* Portable C sgemv: y += alpha*A*x, 4 columns per pass. */
#include "vec_ops.h"
#define FW_GEMV_NAME_N fw_generic_sgemv_n4
#define FW_GEMV_N_COLS 4
#include "gemv_kernel_template.h"
