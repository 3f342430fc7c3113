/* What each shape class searches. The grids are the values worth trying on any cache
 * hierarchy; the model's own value is always added, so the seed is a point of the space and
 * the model default is measured under the same conditions as everything else. */
#include "tune_space.h"

#include "fw_internal.h" /* fw_gemm_route */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A layout value: the three ways packed into one number, so that a layout is one dimension
 * (a local search moving one of three ways alone would never keep their product). 0 is
 * "let the library choose" (fw_choose_ways). */
#define WAYS_BASE 1000L
static long ways_pack(int jc, int ic, int jr) { return ((long)jc * WAYS_BASE + ic) * WAYS_BASE + jr; }
static void ways_unpack(long v, int *jc, int *ic, int *jr)
{
    *jr = (int)(v % WAYS_BASE);
    *ic = (int)(v / WAYS_BASE % WAYS_BASE);
    *jc = (int)(v / (WAYS_BASE * WAYS_BASE));
}

static const long mc_grid[] = {32, 48, 64, 96, 128, 144, 192, 240, 256, 288, 320, 384, 480, 512, 640, 768};
static const long kc_grid[] = {64, 96, 128, 160, 192, 256, 320, 384, 448, 512, 640, 768, 1024};
static const long nc_grid[] = {512, 1024, 2048, 3072, 4096, 6144, 8192};
static const long kc_reduced[] = {192, 256, 384, 512};
static const long skinny_k_grid[] = {0, 8, 16, 32, 64};
static const long skinny_mn_grid[] = {0, 8, 16, 32, 48, 64};
/* m*n*k at or below which the direct path runs: cubes of 0 (never) to 128. */
static const long direct_grid[] = {0, 8L * 8 * 8, 16L * 16 * 16, 24L * 24 * 24, 32L * 32 * 32,
                                   48L * 48 * 48, 64L * 64 * 64, 80L * 80 * 80, 96L * 96 * 96,
                                   128L * 128 * 128};
static const long gemv_grid[] = {4096, 16384, 32768, 65536, 131072, 262144, 524288, 1048576};
/* m*n from which N splits columns: 0 (never), then 256^2 to 4096^2. */
static const long split_cols_grid[] = {0, 65536, 262144, 1048576, 4194304, 16777216};

#define COUNT(a) ((int)(sizeof(a) / sizeof *(a)))

/* m, n, k of each class's shapes (GEMV: m x n, k unused), then the threads they run on:
 * 0 the team tuned, 1 one thread (listed only when the team is larger); a row ends at
 * m == 0. The square and skinny-n classes also run on one thread: the same configuration
 * serves 1-thread calls, and what only one thread tells apart was left to chance. (dgemm
 * 32x6, KC 512 against 160: 6-10% faster on one thread and within 1% on two in one run;
 * -2% to +3% on one thread in five interleaved rounds of a later one. sgemm 4096x16x4096 on
 * AVX2, one thread: 24x4 with MC 96, KC 384 ran 1.15-1.23x as fast as the profile's 16x6
 * with MC 144, KC 768 in two interleaved rounds and 1.05-1.07x in two later ones, where a
 * search on two threads had put them 3% apart.) */
static const int class_shapes[FW_CLASS_COUNT][TUNE_MAX_SHAPES][4] = {
    [FW_CLASS_SQUARE] = {{1000, 1000, 1000, 0}, {1536, 1536, 1536, 0}, {1000, 1000, 1000, 1}},
    [FW_CLASS_SMALL] = {{24, 24, 24, 0}, {32, 32, 32, 0}, {48, 48, 48, 0}, {64, 64, 64, 0}},
    [FW_CLASS_TINY] = {{8, 8, 8, 0}, {16, 16, 16, 0}},
    [FW_CLASS_SKINNY_K] = {{4096, 4096, 16, 0}, {5000, 64, 64, 0}},
    [FW_CLASS_SKINNY_M] = {{16, 4096, 4096, 0}},
    [FW_CLASS_SKINNY_N] = {{4096, 16, 4096, 0}, {4096, 16, 4096, 1}},
    /* 256^2 is where the thread count a GEMV takes (min_per_thread) starts to matter. */
    [FW_CLASS_GEMV_N] = {{256, 256, 1, 0}, {1024, 1024, 1, 0}, {4096, 4096, 1, 0}},
    [FW_CLASS_GEMV_T] = {{256, 256, 1, 0}, {1024, 1024, 1, 0}, {4096, 4096, 1, 0}},
};

int tune_class_shapes(fw_shape_class cls, int team, tune_shape shapes[TUNE_MAX_SHAPES])
{
    int n = 0;
    if ((unsigned)cls >= FW_CLASS_COUNT)
        return 0;
    for (int i = 0; i < TUNE_MAX_SHAPES && class_shapes[cls][i][0]; i++) {
        const int *d = class_shapes[cls][i];
        if (d[3] && d[3] >= team)
            continue; /* the team's own shape already times it */
        shapes[n++] = (tune_shape){d[0], d[1], d[2], d[3] ? d[3] : team};
    }
    return n;
}

/* A list of values under construction: a grid plus extra values, sorted, without repeats. */
typedef struct { long v[64]; int n; } value_list;

static void list_add(value_list *l, long x)
{
    for (int i = 0; i < l->n; i++)
        if (l->v[i] == x)
            return;
    if (l->n == COUNT(l->v))
        return;
    int i = l->n++;
    while (i > 0 && l->v[i - 1] > x) {
        l->v[i] = l->v[i - 1];
        i--;
    }
    l->v[i] = x;
}

static void list_grid(value_list *l, const long *grid, int n, long extra)
{
    l->n = 0;
    for (int i = 0; i < n; i++)
        list_add(l, grid[i]);
    list_add(l, extra);
}

static fw_kernel_kind class_kind(fw_shape_class cls)
{
    return cls == FW_CLASS_GEMV_N ? FW_KIND_GEMV_N
           : cls == FW_CLASS_GEMV_T ? FW_KIND_GEMV_T
                                    : FW_KIND_GEMM;
}

/* Dimension names, as point keys and cache files show them. */
static const char *const knob_names[] = {
    [TUNE_KNOB_KERNEL] = "kernel",       [TUNE_KNOB_MC] = "mc",
    [TUNE_KNOB_KC] = "kc",               [TUNE_KNOB_NC] = "nc",
    [TUNE_KNOB_WAYS] = "ways",           [TUNE_KNOB_BIND] = "bind",
    [TUNE_KNOB_SKINNY_K] = "skinny_k",   [TUNE_KNOB_SKINNY_MN] = "skinny_mn",
    [TUNE_KNOB_DIRECT] = "direct",       [TUNE_KNOB_MIN_PER_THREAD] = "min_per_thread",
    [TUNE_KNOB_SPLIT_COLS] = "split_cols",
};

static int *kernel_field(fw_config *cfg, fw_shape_class cls)
{
    return cls == FW_CLASS_GEMV_N ? &cfg->gemv_n_kernel
           : cls == FW_CLASS_GEMV_T ? &cfg->gemv_t_kernel
                                    : &cfg->gemm_kernel;
}

/* The value knob has in cfg, as its dimension holds it. */
static long knob_get(const fw_config *cfg, fw_shape_class cls, tune_knob knob)
{
    switch (knob) {
    case TUNE_KNOB_KERNEL:
        return cls == FW_CLASS_GEMV_N ? cfg->gemv_n_kernel
               : cls == FW_CLASS_GEMV_T ? cfg->gemv_t_kernel
                                        : cfg->gemm_kernel;
    case TUNE_KNOB_MC: return cfg->mc;
    case TUNE_KNOB_KC: return cfg->kc;
    case TUNE_KNOB_NC: return cfg->nc;
    case TUNE_KNOB_WAYS: return ways_pack(cfg->jc_ways, cfg->ic_ways, cfg->jr_ways);
    case TUNE_KNOB_BIND: return cfg->bind;
    case TUNE_KNOB_SKINNY_K: return cfg->skinny_k;
    case TUNE_KNOB_SKINNY_MN: return cfg->skinny_mn;
    case TUNE_KNOB_DIRECT: return (long)cfg->direct_max_mnk;
    case TUNE_KNOB_MIN_PER_THREAD: return cfg->gemv_min_per_thread;
    case TUNE_KNOB_SPLIT_COLS: return cfg->gemv_n_split_cols;
    }
    return 0;
}

static void knob_set(fw_config *cfg, fw_shape_class cls, tune_knob knob, long v)
{
    switch (knob) {
    case TUNE_KNOB_KERNEL: *kernel_field(cfg, cls) = (int)v; break;
    case TUNE_KNOB_MC: cfg->mc = (int)v; break;
    case TUNE_KNOB_KC: cfg->kc = (int)v; break;
    case TUNE_KNOB_NC: cfg->nc = (int)v; break;
    case TUNE_KNOB_WAYS: ways_unpack(v, &cfg->jc_ways, &cfg->ic_ways, &cfg->jr_ways); break;
    case TUNE_KNOB_BIND: cfg->bind = (int)v; break;
    case TUNE_KNOB_SKINNY_K: cfg->skinny_k = (int)v; break;
    case TUNE_KNOB_SKINNY_MN: cfg->skinny_mn = (int)v; break;
    case TUNE_KNOB_DIRECT: cfg->direct_max_mnk = (double)v; break;
    case TUNE_KNOB_MIN_PER_THREAD: cfg->gemv_min_per_thread = v; break;
    case TUNE_KNOB_SPLIT_COLS: cfg->gemv_n_split_cols = v; break;
    }
}

static long gcd(long a, long b) { return b ? gcd(b, a % b) : a; }

/* Points whose blocks cannot fit are never timed: the MC x KC block of A must fit in L2
 * and the KC x NC panel of B in L3 (the model puts them there); MC must be a multiple of
 * the tile's MR. KC is not held to L1: measured, KC beyond the model's L1 bound can win. */
static int point_valid(const space *s, const int *point, void *ctx)
{
    (void)s;
    const tune_space *ts = ctx;
    fw_config cfg;
    tune_space_config(ts, point, &cfg);
    if (class_kind(ts->cls) != FW_KIND_GEMM)
        return 1;
    const fw_kernel_info *k = fw_kernel_at(cfg.gemm_kernel);
    if (!k || cfg.mc % k->mr)
        return 0;
    long esz = ts->prec == FW_F64 ? 8 : 4;
    if (ts->l2 && (long)cfg.mc * cfg.kc * esz > ts->l2)
        return 0;
    if (ts->l3 && (long)cfg.kc * cfg.nc * esz > ts->l3)
        return 0;
    return 1;
}

/* The code each shape of the class runs under cfg (fw_gemm_route, fw_gemv_route), on the
 * shape's threads. */
static void class_routes(const tune_space *ts, fw_config cfg,
                         long routes[TUNE_MAX_SHAPES][FW_ROUTE_LEN])
{
    tune_shape shapes[TUNE_MAX_SHAPES];
    const int nshapes = tune_class_shapes(ts->cls, ts->threads, shapes);
    memset(routes, 0, TUNE_MAX_SHAPES * sizeof *routes);
    for (int s = 0; s < nshapes; s++) {
        const tune_shape *sh = &shapes[s];
        cfg.threads = sh->threads;
        if (class_kind(ts->cls) == FW_KIND_GEMM)
            fw_gemm_route(ts->prec, sh->m, sh->n, sh->k, &cfg, routes[s]);
        else
            fw_gemv_route(ts->prec, ts->cls == FW_CLASS_GEMV_T ? FW_TRANS : FW_NO_TRANS,
                          sh->m, sh->n, &cfg, routes[s]);
    }
}

/* Whether values x and y of a threshold send every shape of the class down the same route
 * with each kernel the space lists: a threshold can move one kernel's calls and not
 * another's (B is read in place only where the kernel's rows stream). */
static int same_routes(const tune_space *ts, tune_knob knob, long x, long y)
{
    const int kd = space_dim_index(&ts->s, knob_names[TUNE_KNOB_KERNEL]);
    const int kernels = kd >= 0 ? ts->s.dim[kd].count : 1;
    for (int i = 0; i < kernels; i++) {
        fw_config cx = ts->model;
        if (kd >= 0)
            knob_set(&cx, ts->cls, TUNE_KNOB_KERNEL, ts->s.dim[kd].values[i]);
        fw_config cy = cx;
        knob_set(&cx, ts->cls, knob, x);
        knob_set(&cy, ts->cls, knob, y);
        long rx[TUNE_MAX_SHAPES][FW_ROUTE_LEN], ry[TUNE_MAX_SHAPES][FW_ROUTE_LEN];
        class_routes(ts, cx, rx);
        class_routes(ts, cy, ry);
        if (memcmp(rx, ry, sizeof rx) != 0)
            return 0;
    }
    return 1;
}

/* A threshold's values that send every shape of the class down the same route (see
 * same_routes) time the same code: only the one nearest the model's value stays. Without
 * this a local search meets plateaus of equal points: for n = 16, skinny_mn 16 to 64 are one
 * route and 0 or 8 the other, and a descent from 32 (the model's value then) did not reach
 * the second. For GEMV, min_per_thread 65536 to 524288 all run 256^2 on one thread and the
 * larger shapes on two, and the "best" of them was the luckiest sample of one configuration. */
static void keep_distinct_routes(const tune_space *ts, tune_knob knob, value_list *l)
{
    const long model = knob_get(&ts->model, ts->cls, knob);
    long kept[COUNT(l->v)];
    int groups = 0;
    for (int i = 0; i < l->n; i++) {
        int g = 0;
        while (g < groups && !same_routes(ts, knob, kept[g], l->v[i]))
            g++;
        if (g == groups)
            kept[groups++] = l->v[i];
        else if (labs(l->v[i] - model) < labs(kept[g] - model))
            kept[g] = l->v[i];
    }
    l->n = 0;
    for (int g = 0; g < groups; g++)
        list_add(l, kept[g]);
}

/* Sets dimension d of point to value index v when the point stays valid and runs the code
 * want describes on the class's shapes, and says whether it did (else point is unchanged). */
static int set_if_alike(const tune_space *ts, int *point, int d, int v,
                        long want[TUNE_MAX_SHAPES][FW_ROUTE_LEN])
{
    const int own = point[d];
    point[d] = v;
    if (space_is_valid(&ts->s, point)) {
        long got[TUNE_MAX_SHAPES][FW_ROUTE_LEN];
        tune_space_routes(ts, point, got);
        if (memcmp(got, want, sizeof got) == 0)
            return 1;
    }
    point[d] = own;
    return 0;
}

/* Points that run the same code on every shape of the class share one representative, and
 * so one measurement: each dimension in turn takes its first value that keeps the point
 * valid and the code the same. Every MC at least a thread's share of m runs one block, for
 * instance; timed as separate points, the best of them was the luckiest sample of one
 * configuration. The first value, because it leaves the most room: a search steps from a
 * point's representative, and with MC 96 standing for the model's 608 in f64 skinny_m, KC
 * can grow to 512 within L2. Dimension by dimension, two such points whose validity
 * differs elsewhere can still keep two representatives. */
static void canonical_point(const space *s, int *point, void *ctx)
{
    const tune_space *ts = ctx;
    long want[TUNE_MAX_SHAPES][FW_ROUTE_LEN];
    tune_space_routes(ts, point, want);
    for (int d = 0; d < s->ndims; d++)
        for (int v = 0; v < point[d]; v++)
            if (set_if_alike(ts, point, d, v, want))
                break;
}

void tune_space_prefer_model(const tune_space *ts, int *point)
{
    const space *s = &ts->s;
    if (!s->has_seed || !space_is_valid(s, point))
        return;
    long want[TUNE_MAX_SHAPES][FW_ROUTE_LEN];
    tune_space_routes(ts, point, want);
    for (int d = 0; d < s->ndims; d++)
        if (point[d] != s->seed[d])
            set_if_alike(ts, point, d, s->seed[d], want);
}

static int add(tune_space *ts, tune_knob knob, const value_list *l, char *why, size_t wlen)
{
    if (space_add_dim(&ts->s, knob_names[knob], l->v, l->n, why, wlen))
        return -1;
    ts->knob[ts->s.ndims - 1] = knob;
    return 0;
}

/* Every kernel of the class's kind and precision this CPU runs; only the model's ISA in a
 * reduced space, and in the square class: its products are bound by the FMA peak, which
 * narrower vectors halve at least. Timed on f64 square's shapes, the AVX2 and generic
 * kernels cost 1.9-2.2x and 5.5-6x the best AVX-512 evaluation: the dearest evaluations of
 * the class's budget, for points that cannot win. */
static int add_kernels(tune_space *ts, int reduced, char *why, size_t wlen)
{
    value_list l = {.n = 0};
    fw_kernel_kind kind = class_kind(ts->cls);
    const fw_kernel_info *seed = fw_kernel_at((int)knob_get(&ts->model, ts->cls, TUNE_KNOB_KERNEL));
    const int seed_isa_only = reduced || ts->cls == FW_CLASS_SQUARE;
    for (int i = 0; i < fw_kernel_count(); i++) {
        const fw_kernel_info *k = fw_kernel_at(i);
        if (k->kind == kind && k->prec == ts->prec && fw_kernel_supported(i) &&
            (!seed_isa_only || !seed || k->isa == seed->isa))
            list_add(&l, i);
    }
    if (l.n == 0) {
        snprintf(why, wlen, "no %s kernel of this precision runs on this CPU",
                 kind == FW_KIND_GEMM ? "GEMM" : "GEMV");
        return -1;
    }
    return add(ts, TUNE_KNOB_KERNEL, &l, why, wlen);
}

/* MC values: the grid, or in a reduced space four multiples of the least common multiple
 * of the kernels' MR, so every kernel can run every one of them. */
static int add_mc(tune_space *ts, int reduced, char *why, size_t wlen)
{
    value_list l;
    if (!reduced) {
        list_grid(&l, mc_grid, COUNT(mc_grid), ts->model.mc);
    } else {
        const space_dim *kd = &ts->s.dim[space_dim_index(&ts->s, knob_names[TUNE_KNOB_KERNEL])];
        long unit = 1;
        for (int i = 0; i < kd->count; i++) {
            long mr = fw_kernel_at((int)kd->values[i])->mr;
            unit = unit / gcd(unit, mr) * mr;
        }
        l.n = 0;
        for (long f = 1; f <= 4; f++)
            list_add(&l, unit * f);
        list_add(&l, ts->model.mc);
    }
    return add(ts, TUNE_KNOB_MC, &l, why, wlen);
}

static int add_layouts(tune_space *ts, int reduced, char *why, size_t wlen)
{
    if (ts->threads < 2)
        return 0;
    value_list l = {.n = 0};
    list_add(&l, 0);
    for (int jc = 1; jc <= ts->threads; jc++)
        for (int ic = 1; jc * ic <= ts->threads; ic++)
            if (ts->threads % (jc * ic) == 0 && (!reduced || ts->threads / (jc * ic) == 1))
                list_add(&l, ways_pack(jc, ic, ts->threads / (jc * ic)));
    if (add(ts, TUNE_KNOB_WAYS, &l, why, wlen))
        return -1;
    if (reduced)
        return 0;
    value_list bind = {.v = {FW_BIND_SPREAD, FW_BIND_COMPACT}, .n = 2};
    return add(ts, TUNE_KNOB_BIND, &bind, why, wlen);
}

static int build_dims(tune_space *ts, int reduced, char *why, size_t wlen)
{
    value_list l;
    if (add_kernels(ts, reduced, why, wlen))
        return -1;
    switch (ts->cls) {
    case FW_CLASS_GEMV_N:
    case FW_CLASS_GEMV_T:
        list_grid(&l, gemv_grid, COUNT(gemv_grid), ts->model.gemv_min_per_thread);
        keep_distinct_routes(ts, TUNE_KNOB_MIN_PER_THREAD, &l);
        if (add(ts, TUNE_KNOB_MIN_PER_THREAD, &l, why, wlen))
            return -1;
        if (ts->cls == FW_CLASS_GEMV_T || ts->threads < 2)
            return 0;
        list_grid(&l, split_cols_grid, COUNT(split_cols_grid), ts->model.gemv_n_split_cols);
        keep_distinct_routes(ts, TUNE_KNOB_SPLIT_COLS, &l);
        return add(ts, TUNE_KNOB_SPLIT_COLS, &l, why, wlen);
    case FW_CLASS_SMALL: /* one block at most: the blocking does not matter, the path does */
    case FW_CLASS_TINY:
        list_grid(&l, direct_grid, COUNT(direct_grid), (long)ts->model.direct_max_mnk);
        keep_distinct_routes(ts, TUNE_KNOB_DIRECT, &l);
        return add(ts, TUNE_KNOB_DIRECT, &l, why, wlen);
    default:
        break;
    }
    /* A reduced space leaves out KC when k is small, as a skinny-k shape barely uses it.
     * It keeps MC for skinny m and n: below the threshold the call takes the blocked route,
     * where MC counts. */
    if (add_mc(ts, reduced, why, wlen))
        return -1;
    if (reduced)
        list_grid(&l, kc_reduced, COUNT(kc_reduced), ts->model.kc);
    else
        list_grid(&l, kc_grid, COUNT(kc_grid), ts->model.kc);
    if (!(reduced && ts->cls == FW_CLASS_SKINNY_K) && add(ts, TUNE_KNOB_KC, &l, why, wlen))
        return -1;
    if (!reduced) {
        list_grid(&l, nc_grid, COUNT(nc_grid), ts->model.nc);
        if (add(ts, TUNE_KNOB_NC, &l, why, wlen))
            return -1;
    }
    if (add_layouts(ts, reduced, why, wlen))
        return -1;
    if (ts->cls == FW_CLASS_SKINNY_K) {
        list_grid(&l, skinny_k_grid, COUNT(skinny_k_grid), ts->model.skinny_k);
        keep_distinct_routes(ts, TUNE_KNOB_SKINNY_K, &l);
        return add(ts, TUNE_KNOB_SKINNY_K, &l, why, wlen);
    }
    if (ts->cls == FW_CLASS_SKINNY_M || ts->cls == FW_CLASS_SKINNY_N) {
        list_grid(&l, skinny_mn_grid, COUNT(skinny_mn_grid), ts->model.skinny_mn);
        keep_distinct_routes(ts, TUNE_KNOB_SKINNY_MN, &l);
        return add(ts, TUNE_KNOB_SKINNY_MN, &l, why, wlen);
    }
    return 0;
}

int tune_space_build(tune_space *ts, fw_precision prec, fw_shape_class cls, int threads,
                     int reduced, char *why, size_t wlen)
{
    memset(ts, 0, sizeof *ts);
    space_init(&ts->s);
    if ((unsigned)cls >= FW_CLASS_COUNT || threads < 1 || threads >= WAYS_BASE) {
        snprintf(why, wlen, "no search space for class %d at %d threads", (int)cls, threads);
        return -1;
    }
    ts->prec = prec;
    ts->cls = cls;
    ts->threads = threads;
    fw_model_config(prec, cls, &ts->model);
    const fw_cache_info *ci = fw_caches();
    ts->l2 = ci->level[1].size;
    ts->l3 = ci->level[2].size;
    if (build_dims(ts, reduced, why, wlen))
        goto fail;
    space_set_valid(&ts->s, point_valid, ts);
    space_set_canonical(&ts->s, canonical_point, ts);
    /* Kernels are listed in registry order and layouts as packed numbers: neither order
     * says which values are alike. */
    space_set_categorical(&ts->s, knob_names[TUNE_KNOB_KERNEL]);
    space_set_categorical(&ts->s, knob_names[TUNE_KNOB_WAYS]);
    long seed[SPACE_MAX_DIMS];
    for (int d = 0; d < ts->s.ndims; d++)
        seed[d] = knob_get(&ts->model, cls, ts->knob[d]); /* the model's value: the seed */
    if (space_set_seed(&ts->s, seed, why, wlen))
        goto fail;
    return 0;
fail:
    space_free(&ts->s);
    return -1;
}

void tune_space_free(tune_space *ts) { space_free(&ts->s); }

void tune_space_config(const tune_space *ts, const int *point, fw_config *cfg)
{
    *cfg = ts->model;
    int mc_searched = 0;
    for (int d = 0; d < ts->s.ndims; d++) {
        knob_set(cfg, ts->cls, ts->knob[d], space_value(&ts->s, point, d));
        mc_searched |= ts->knob[d] == TUNE_KNOB_MC;
    }
    /* NC need not be a grid value's divisor: it is rounded down to whole tiles of NR. So is
     * an MC the space does not search (the small class keeps the model's): left as it is, it
     * made every kernel whose MR does not divide it invalid there. A searched MC that is not
     * a multiple of MR stays invalid instead, so that two values never time the same MC. */
    const fw_kernel_info *k = fw_kernel_at(cfg->gemm_kernel);
    if (k && cfg->nc % k->nr)
        cfg->nc = cfg->nc >= k->nr ? cfg->nc / k->nr * k->nr : k->nr;
    if (k && !mc_searched && cfg->mc % k->mr)
        cfg->mc = cfg->mc >= k->mr ? cfg->mc / k->mr * k->mr : k->mr;
}

int tune_space_point_of(const tune_space *ts, const fw_config *cfg, int *point)
{
    const fw_kernel_info *k = fw_kernel_at(cfg->gemm_kernel);
    for (int d = 0; d < ts->s.ndims; d++) {
        const space_dim *dim = &ts->s.dim[d];
        long want = knob_get(cfg, ts->cls, ts->knob[d]);
        point[d] = -1;
        for (int v = 0; v < dim->count; v++) {
            long x = dim->values[v];
            if (x == want) { /* an exact value wins over a rounded one */
                point[d] = v;
                break;
            }
            if (ts->knob[d] == TUNE_KNOB_NC && k && x >= k->nr && x / k->nr * k->nr == want &&
                point[d] < 0)
                point[d] = v;
        }
        if (point[d] < 0)
            return -1;
    }
    return space_is_valid(&ts->s, point) ? 0 : -1;
}

void tune_space_routes(const tune_space *ts, const int *point,
                       long routes[TUNE_MAX_SHAPES][FW_ROUTE_LEN])
{
    fw_config cfg;
    tune_space_config(ts, point, &cfg);
    class_routes(ts, cfg, routes);
}

void tune_config_describe(fw_precision prec, fw_shape_class cls, const fw_config *cfg,
                          char *buf, size_t len)
{
    (void)prec;
    const fw_kernel_info *k = fw_kernel_at((int)knob_get(cfg, cls, TUNE_KNOB_KERNEL));
    const char *name = k ? k->name : "none";
    if (cls == FW_CLASS_GEMV_N || cls == FW_CLASS_GEMV_T) {
        char split[48] = ""; /* only N splits columns */
        if (cls == FW_CLASS_GEMV_N)
            snprintf(split, sizeof split, " split_cols=%ld", cfg->gemv_n_split_cols);
        snprintf(buf, len, "%s min_per_thread=%ld%s", name, cfg->gemv_min_per_thread, split);
        return;
    }
    char ways[48] = "ways=auto";
    if (cfg->jc_ways)
        snprintf(ways, sizeof ways, "ways=%dx%dx%d", cfg->jc_ways, cfg->ic_ways, cfg->jr_ways);
    char path[64] = "";
    if (cls == FW_CLASS_SMALL || cls == FW_CLASS_TINY)
        snprintf(path, sizeof path, " direct<=%.0f", cfg->direct_max_mnk);
    else if (cls == FW_CLASS_SKINNY_K)
        snprintf(path, sizeof path, " skinny_k=%d", cfg->skinny_k);
    else if (cls == FW_CLASS_SKINNY_M || cls == FW_CLASS_SKINNY_N)
        snprintf(path, sizeof path, " skinny_mn=%d", cfg->skinny_mn);
    snprintf(buf, len, "%s mc=%d kc=%d nc=%d %s %s%s", name, cfg->mc, cfg->kc, cfg->nc, ways,
             cfg->bind == FW_BIND_COMPACT ? "compact" : "spread", path);
}
