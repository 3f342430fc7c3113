/* AVX-512 dgemv: y += alpha*A*x, 8 columns per pass. */
#define FW_DOUBLE
#include "vec_ops.h"
#define FW_GEMV_NAME_N fw_avx512_dgemv_n8
#define FW_GEMV_N_COLS 8
#include "gemv_kernel_template.h"
