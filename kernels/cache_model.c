/* Cache detection (hwloc, else Linux sysfs) and the analytical blocking model of
 * Low, Igual, Smith and Quintana-Orti, "Analytical Modeling Is Enough for High-Performance
 * BLIS" (TOMS 2016): KC from L1, MC from L2, NC from L3. */
#include "fw_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef FW_HAVE_HWLOC
#include <hwloc.h>
#endif

#ifdef FW_HAVE_HWLOC
static int caches_from_hwloc(fw_cache_info *ci)
{
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) != 0)
        return 0;
    int found = 0;
    if (hwloc_topology_load(topo) == 0) {
        static const hwloc_obj_type_t types[3] = {HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE,
                                                  HWLOC_OBJ_L3CACHE};
        for (int l = 0; l < 3; l++) {
            hwloc_obj_t o = hwloc_get_obj_by_type(topo, types[l], 0);
            if (!o || !o->attr)
                continue;
            fw_cache_level *c = &ci->level[l];
            c->size = (long)o->attr->cache.size;
            c->line = (int)o->attr->cache.linesize;
            /* hwloc: -1 fully associative, 0 unknown */
            c->ways = o->attr->cache.associativity > 0 ? o->attr->cache.associativity : 0;
            c->sharing = o->cpuset ? hwloc_bitmap_weight(o->cpuset) : 0;
            found |= c->size > 0;
        }
    }
    hwloc_topology_destroy(topo);
    return found;
}
#endif

static long read_long_file(const char *path, int *suffix)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char buf[64] = {0};
    long v = -1;
    if (fgets(buf, sizeof buf, f)) {
        char *end;
        v = strtol(buf, &end, 10);
        if (suffix)
            *suffix = *end;
    }
    fclose(f);
    return v;
}

static int caches_from_sysfs(fw_cache_info *ci)
{
    int found = 0;
    for (int idx = 0; idx < 16; idx++) {
        char path[128], type[32] = {0};
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", idx);
        FILE *f = fopen(path, "r");
        if (!f)
            break;
        int ok = fgets(type, sizeof type, f) != NULL;
        fclose(f);
        if (!ok || strncmp(type, "Instruction", 11) == 0)
            continue;
        char base[96];
        snprintf(base, sizeof base, "/sys/devices/system/cpu/cpu0/cache/index%d/", idx);
        snprintf(path, sizeof path, "%slevel", base);
        long level = read_long_file(path, NULL);
        if (level < 1 || level > 3)
            continue;
        fw_cache_level *c = &ci->level[level - 1];
        int unit = 0;
        snprintf(path, sizeof path, "%ssize", base);
        long size = read_long_file(path, &unit);
        c->size = size * (unit == 'K' ? 1024L : unit == 'M' ? 1024L * 1024 : 1);
        snprintf(path, sizeof path, "%scoherency_line_size", base);
        c->line = (int)read_long_file(path, NULL);
        snprintf(path, sizeof path, "%sways_of_associativity", base);
        long ways = read_long_file(path, NULL);
        c->ways = ways > 0 ? (int)ways : 0;
        found |= c->size > 0;
    }
    return found;
}

/* Typical of current x86 and Arm server cores; used only when nothing can be read,
 * and reported as "assumed". */
static const fw_cache_level assumed_levels[3] = {
    {32L * 1024, 64, 8, 1}, {1024L * 1024, 64, 16, 1}, {32L * 1024 * 1024, 64, 16, 0}};

static fw_cache_info detect(void)
{
    fw_cache_info ci;
    memset(&ci, 0, sizeof ci);
#ifdef FW_HAVE_HWLOC
    if (caches_from_hwloc(&ci))
        ci.source = "hwloc";
#endif
    if (!ci.source && caches_from_sysfs(&ci))
        ci.source = "sysfs";
    if (!ci.source) {
        memcpy(ci.level, assumed_levels, sizeof ci.level);
        ci.source = "assumed";
    }
    for (int l = 0; l < 3; l++)
        if (ci.level[l].line <= 0)
            ci.level[l].line = 64;
    return ci;
}

const fw_cache_info *fw_caches(void)
{
    static fw_cache_info info;
    static int state; /* 0 new, 1 detecting, 2 ready */
    int expected = 0;
    if (__atomic_compare_exchange_n(&state, &expected, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        info = detect();
        __atomic_store_n(&state, 2, __ATOMIC_RELEASE);
    }
    while (__atomic_load_n(&state, __ATOMIC_ACQUIRE) != 2)
        ;
    return &info;
}

static int line_of(const fw_cache_level *c) { return c->line > 0 ? c->line : 64; }

static long sets_of(const fw_cache_level *c, int ways)
{
    long s = c->size / ((long)ways * line_of(c));
    return s > 0 ? s : 1;
}

static int ways_of(const fw_cache_level *c) { return c->ways > 0 ? c->ways : 16; }

/* Upper bound on NC: a VM may report a huge L3 (hundreds of MiB), and the packed B panel
 * (KC x NC) should not grow past what helps. */
#define FW_NC_MAX 8192

void fw_model_blocking(const fw_cache_info *ci, int mr, int nr, int s, int *mc_out,
                       int *kc_out, int *nc_out)
{
    const fw_cache_level *l1 = &ci->level[0], *l2 = &ci->level[1], *l3 = &ci->level[2];

    /* KC: the k x NR micro-panel of B stays in L1 while A micro-panels stream through;
     * CAr ways hold A, the rest hold B, one way is left for C. */
    int w1 = ways_of(l1);
    long n1 = sets_of(l1, w1);
    long car = (long)((w1 - 1) / (1.0 + (double)nr / mr));
    if (car < 1)
        car = 1;
    long kc = car * n1 * line_of(l1) / ((long)mr * s);
    kc = kc < 16 ? 16 : kc & ~7L;

    /* MC: the MC x KC block of A fills L2 less the ways that two B micro-panels take. */
    int w2 = ways_of(l2);
    long n2 = sets_of(l2, w2);
    long b_ways = (2L * kc * nr * s + (long)line_of(l2) * n2 - 1) / ((long)line_of(l2) * n2);
    long cac = w2 - 1 - b_ways;
    if (cac < 1)
        cac = 1;
    long mc = cac * n2 * line_of(l2) / (kc * s);
    mc = mc / mr * mr;
    if (mc < mr)
        mc = mr;

    /* NC: the KC x NC panel of B fills L3 less the ways two A blocks take. Without an L3,
     * size it as if L2 were the last level. */
    const fw_cache_level *last = l3->size > 0 ? l3 : l2;
    int w3 = ways_of(last);
    long n3 = sets_of(last, w3);
    long a_ways = (2L * kc * mc * s + (long)line_of(last) * n3 - 1) / ((long)line_of(last) * n3);
    long cbc = w3 - 1 - a_ways;
    if (cbc < 1)
        cbc = 1;
    long nc = cbc * n3 * line_of(last) / (kc * s);
    if (nc > FW_NC_MAX)
        nc = FW_NC_MAX;
    nc = nc / nr * nr;
    if (nc < nr)
        nc = nr;

    *kc_out = (int)kc;
    *mc_out = (int)mc;
    *nc_out = (int)nc;
}

/* GEMV reads each element of the matrix once, from wherever it sits. One core reads a matrix
 * within half its L2 (x and y beside it) at L2 rate, where starting a team costs about what a
 * second core saves; a larger one is split so that the shares fit. On the gemv classes' shapes
 * (256^2, 1024^2, 4096^2) at 2 threads, the Zen 5 VM (1 MiB L2) kept 256^2 on one thread in
 * every validation; on the Zen 3 VM (512 KiB) splitting dgemv's 256^2 (512 KiB) made the class
 * 1.12-1.24x as fast with the same kernel, re-measured by tuning runs. sgemv's 256^2 there,
 * half that L2, still ran 1.02-1.11x as fast split: where it fits exactly, the rule errs toward
 * one thread. */
long fw_model_gemv_min_per_thread(const fw_cache_info *ci, int elem_size)
{
    const long l2 = ci->level[1].size > 0 ? ci->level[1].size : assumed_levels[1].size;
    return l2 / 2 / elem_size;
}
