#include "machine.h"

#include <omp.h>

#include "args.h"
#include "flopwatt.h"

int machine_thread_list(const char *spec, int *out, int cap)
{
    if (spec)
        return parse_int_list(spec, 1, 4096, out, cap);
    int all = omp_get_num_procs();
    if (cap < 1)
        return -1;
    out[0] = 1;
    if (all > 1 && cap > 1) {
        out[1] = all;
        return 2;
    }
    return 1;
}

long machine_llc_bytes(void)
{
    const fw_cache_info *ci = fw_caches();
    for (int l = 2; l >= 0; l--)
        if (ci->level[l].size > 0)
            return ci->level[l].size;
    return 0;
}
