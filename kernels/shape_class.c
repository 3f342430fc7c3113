/* Shape classes: which configuration a call runs with (see flopwatt.h). */
#include "flopwatt.h"

#include <string.h>

static const char *const class_names[FW_CLASS_COUNT] = {
    [FW_CLASS_SQUARE] = "square",     [FW_CLASS_SMALL] = "small",       [FW_CLASS_TINY] = "tiny",
    [FW_CLASS_SKINNY_K] = "skinny_k", [FW_CLASS_SKINNY_M] = "skinny_m",
    [FW_CLASS_SKINNY_N] = "skinny_n", [FW_CLASS_GEMV_N] = "gemv_n",
    [FW_CLASS_GEMV_T] = "gemv_t",
};

fw_shape_class fw_gemm_class(int m, int n, int k)
{
    const int small_m = m <= FW_CLASS_SMALL_DIM, small_n = n <= FW_CLASS_SMALL_DIM,
              small_k = k <= FW_CLASS_SMALL_DIM;
    if (small_m && small_n && small_k)
        return m <= FW_CLASS_TINY_DIM && n <= FW_CLASS_TINY_DIM && k <= FW_CLASS_TINY_DIM
                   ? FW_CLASS_TINY
                   : FW_CLASS_SMALL;
    /* The smallest small dimension decides; a small k first, as it is what makes packing
     * B cost more than it saves. */
    if (small_k && (!small_m || k <= m) && (!small_n || k <= n))
        return FW_CLASS_SKINNY_K;
    if (small_m && (!small_n || m <= n))
        return FW_CLASS_SKINNY_M;
    if (small_n)
        return FW_CLASS_SKINNY_N;
    return FW_CLASS_SQUARE;
}

fw_shape_class fw_gemv_class(fw_layout layout, fw_trans ta)
{
    return (layout == FW_COL_MAJOR) == (ta == FW_NO_TRANS) ? FW_CLASS_GEMV_N : FW_CLASS_GEMV_T;
}

const char *fw_class_name(fw_shape_class cls)
{
    return (unsigned)cls < FW_CLASS_COUNT ? class_names[cls] : "unknown";
}

int fw_class_find(const char *name)
{
    for (int c = 0; c < FW_CLASS_COUNT; c++)
        if (name && strcmp(name, class_names[c]) == 0)
            return c;
    return -1;
}
