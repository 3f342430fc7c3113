/* The configurations calls run with (a tuned profile's, else the analytical model's fed by
 * the detected caches), their validation, and the library's thread count. */
#include "fw_internal.h"

#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Path thresholds before tuning. The direct path pays no packing and no thread start-up,
 * which wins while the whole problem sits in L2. The skinny path skips packing B for an m up
 * to skinny_mn (or an n, by transposition), where the streams allow it (see
 * fw_gemm_plan_make): B is used by a few A panels only, so packing it costs more than reading
 * it again. dgemm 48x4096x4096 and 64x4096x4096 ran 1.35-1.6x as fast so as with B packed,
 * sgemm 1.75-1.85x (Zen 3, 1 thread). It still pays at a few hundred: 384 is the largest m
 * or n at which neither side lost to the tuned blocked route on Zen 3 (README, "Native API",
 * has the measurements; at 512 the transposed side ran at 0.96-1.01x). */
static const struct {
    double direct_max_mnk;
    int skinny_k;
    int skinny_mn;
    long gemv_n_split_cols;
} path_defaults = {
    .direct_max_mnk = 80.0 * 80.0 * 80.0,
    .skinny_k = 0,
    .skinny_mn = 384,
    /* Measured on 2 threads (README, "Native API"): the column split lost at 512^2 and
     * tied or won from 1024^2. */
    .gemv_n_split_cols = 1024L * 1024,
};

static int env_threads(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return 0;
    char *end;
    long t = strtol(v, &end, 10); /* OMP_NUM_THREADS may be a list: its first entry counts */
    if (end == v || (*end && *end != ',') || t < 1 || t > FW_MAX_THREADS)
        return 0;
    return (int)t;
}

/* Read once, like OpenBLAS does: omp_get_num_procs() asks the kernel for the affinity mask,
 * which would otherwise cost a system call on every small GEMM. */
static int default_threads;
static pthread_once_t threads_once = PTHREAD_ONCE_INIT;

static void init_threads(void)
{
    int t = env_threads("FLOPWATT_NUM_THREADS");
    if (!t)
        t = env_threads("OMP_NUM_THREADS");
    if (!t)
        t = omp_get_num_procs();
    default_threads = t > 0 ? t : 1;
}

/* fw_set_num_threads's count, 0 when unset. */
static int set_threads;

int fw_default_threads(void)
{
    int t = __atomic_load_n(&set_threads, __ATOMIC_RELAXED);
    if (t > 0)
        return t;
    pthread_once(&threads_once, init_threads);
    return default_threads;
}

void fw_set_num_threads(int threads)
{
    int t = threads < 1 ? 0 : threads > FW_MAX_THREADS ? FW_MAX_THREADS : threads;
    __atomic_store_n(&set_threads, t, __ATOMIC_RELAXED);
}

/* Tiny and small problems run on the direct path (every one of them is below the model's
 * direct_max_mnk), whose microkernel reads B in place through NR column pointers. */
static int class_runs_direct(fw_shape_class cls)
{
    return cls == FW_CLASS_TINY || cls == FW_CLASS_SMALL;
}

/* The direct path's tile: NR at most 8, as the twin keeps its NR column pointers of B and its
 * loop state in the 16 integer registers (at 8 the k bound already lives on the stack); then
 * the most accumulators; then the wider tile, which covers a 16-column problem in two tiles
 * rather than three. On AVX-512: 48x8 and 24x8, what tuning chose for the tiny classes;
 * validation measured the registry's first tiles (32x14, 16x14) 7.5% and 8.6% slower there. */
#define DIRECT_MODEL_MAX_NR 8
static int direct_model_kernel(fw_precision prec, fw_isa isa)
{
    int best = -1;
    long best_area = 0;
    for (int i = 0; i < fw_kernel_count(); i++) {
        const fw_kernel_info *k = fw_kernel_at(i);
        if (k->kind != FW_KIND_GEMM || k->prec != prec || k->isa != isa ||
            k->nr > DIRECT_MODEL_MAX_NR || !fw_kernel_supported(i))
            continue;
        const long area = (long)k->mr * k->nr;
        if (best < 0 || area > best_area ||
            (area == best_area && k->nr > fw_kernel_at(best)->nr)) {
            best = i;
            best_area = area;
        }
    }
    return best >= 0 ? best : fw_kernel_first(FW_KIND_GEMM, prec, isa);
}

static void model_config(fw_precision prec, int direct, fw_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    fw_isa isa = fw_active_isa();
    cfg->gemm_kernel =
        direct ? direct_model_kernel(prec, isa) : fw_kernel_first(FW_KIND_GEMM, prec, isa);
    cfg->gemv_n_kernel = fw_kernel_first(FW_KIND_GEMV_N, prec, isa);
    cfg->gemv_t_kernel = fw_kernel_first(FW_KIND_GEMV_T, prec, isa);
    const fw_kernel_info *k = fw_kernel_at(cfg->gemm_kernel);
    if (k)
        fw_model_blocking(fw_caches(), k->mr, k->nr, (int)fw_elem_size(prec), &cfg->mc,
                          &cfg->kc, &cfg->nc);
    cfg->threads = 0;
    cfg->bind = FW_BIND_SPREAD;
    cfg->direct_max_mnk = path_defaults.direct_max_mnk;
    cfg->skinny_k = path_defaults.skinny_k;
    cfg->skinny_mn = path_defaults.skinny_mn;
    cfg->gemv_min_per_thread =
        fw_model_gemv_min_per_thread(fw_caches(), (int)fw_elem_size(prec));
    cfg->gemv_n_split_cols = path_defaults.gemv_n_split_cols;
}

/* Computed once per precision, for the blocked classes [0] and the direct ones [1]: every
 * plain call starts from one of them. */
static fw_config defaults[2][2];
static pthread_once_t defaults_once[2] = {PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT};
static void init_defaults(fw_precision prec)
{
    model_config(prec, 0, &defaults[prec][0]);
    model_config(prec, 1, &defaults[prec][1]);
}
static void init_f32(void) { init_defaults(FW_F32); }
static void init_f64(void) { init_defaults(FW_F64); }

static const fw_config *model_ref(int p, fw_shape_class cls)
{
    pthread_once(&defaults_once[p], p == FW_F64 ? init_f64 : init_f32);
    return &defaults[p][class_runs_direct(cls)];
}

void fw_model_config(fw_precision prec, fw_shape_class cls, fw_config *cfg)
{
    *cfg = *model_ref(prec == FW_F64 ? FW_F64 : FW_F32, cls);
}

/* Every class's configuration, resolved once (profile, else model) so that a plain call
 * reads a pointer instead of copying a configuration: small calls take tens of ns in all. */
static const fw_config *class_configs[2][FW_CLASS_COUNT];
static pthread_once_t class_configs_once = PTHREAD_ONCE_INIT;
/* Set once the table is complete: after that a call reads the flag instead of calling
 * pthread_once, a library call with a barrier of its own. */
static int class_configs_ready;

static void resolve_class_configs(void)
{
    const fw_profile *profile = fw_profile_loaded();
    for (int p = 0; p < 2; p++)
        for (int c = 0; c < FW_CLASS_COUNT; c++)
            class_configs[p][c] = profile && profile->tuned[p][c] ? &profile->cfg[p][c]
                                                                  : model_ref(p, (fw_shape_class)c);
    __atomic_store_n(&class_configs_ready, 1, __ATOMIC_RELEASE);
}

const fw_config *fw_class_config_ref(fw_precision prec, fw_shape_class cls)
{
    if (!__atomic_load_n(&class_configs_ready, __ATOMIC_ACQUIRE))
        pthread_once(&class_configs_once, resolve_class_configs);
    int p = prec == FW_F64 ? FW_F64 : FW_F32;
    return (unsigned)cls < FW_CLASS_COUNT ? class_configs[p][cls] : model_ref(p, cls);
}

void fw_class_config(fw_precision prec, fw_shape_class cls, fw_config *cfg)
{
    *cfg = *fw_class_config_ref(prec, cls);
}

/* Runs on every call given a configuration, so one registry lookup and one feature test. */
static int check_kernel(int index, fw_kernel_kind kind, fw_precision prec, unsigned features,
                        const char *field, char *msg, size_t len)
{
    const fw_kernel *k = fw_kernel_get(index);
    if (!k || k->info.kind != kind || k->info.prec != prec) {
        snprintf(msg, len, "%s: %d is not a %s kernel of this precision", field, index,
                 kind == FW_KIND_GEMM ? "GEMM" : "GEMV");
        return -1;
    }
    if ((features & k->cpu_features) != k->cpu_features) {
        snprintf(msg, len, "%s: %s needs %s, which this CPU does not support", field,
                 k->info.name, fw_isa_name(k->info.isa));
        return -1;
    }
    return 0;
}

int fw_config_check(fw_precision prec, const fw_config *cfg, char *msg, size_t len)
{
    char scratch[8];
    if (!msg) {
        msg = scratch;
        len = sizeof scratch;
    }
    const unsigned features = fw_cpu_features();
    if (check_kernel(cfg->gemm_kernel, FW_KIND_GEMM, prec, features, "gemm_kernel", msg, len) ||
        check_kernel(cfg->gemv_n_kernel, FW_KIND_GEMV_N, prec, features, "gemv_n_kernel", msg,
                     len) ||
        check_kernel(cfg->gemv_t_kernel, FW_KIND_GEMV_T, prec, features, "gemv_t_kernel", msg,
                     len))
        return -1;
    const fw_kernel_info *k = &fw_kernel_get(cfg->gemm_kernel)->info;
    if (k->mr * k->nr > FW_MAX_TILE) {
        snprintf(msg, len, "gemm_kernel: %s has a tile larger than %d elements", k->name,
                 FW_MAX_TILE);
        return -1;
    }
    if (cfg->mc < k->mr || cfg->mc % k->mr) {
        snprintf(msg, len, "mc=%d must be a positive multiple of MR=%d", cfg->mc, k->mr);
        return -1;
    }
    if (cfg->nc < k->nr || cfg->nc % k->nr) {
        snprintf(msg, len, "nc=%d must be a positive multiple of NR=%d", cfg->nc, k->nr);
        return -1;
    }
    if (cfg->kc < 1) {
        snprintf(msg, len, "kc=%d must be positive", cfg->kc);
        return -1;
    }
    if (cfg->bind != FW_BIND_SPREAD && cfg->bind != FW_BIND_COMPACT) {
        snprintf(msg, len, "bind=%d is neither spread (0) nor compact (1)", cfg->bind);
        return -1;
    }
    if (cfg->threads < 0 || cfg->jc_ways < 0 || cfg->ic_ways < 0 || cfg->jr_ways < 0) {
        snprintf(msg, len, "threads and ways must not be negative");
        return -1;
    }
    if (cfg->threads > FW_MAX_THREADS) {
        snprintf(msg, len, "threads=%d is more than %d", cfg->threads, FW_MAX_THREADS);
        return -1;
    }
    int ways_set = cfg->jc_ways || cfg->ic_ways || cfg->jr_ways;
    if (ways_set) {
        if (!cfg->jc_ways || !cfg->ic_ways || !cfg->jr_ways) {
            snprintf(msg, len, "jc_ways, ic_ways and jr_ways must be set together");
            return -1;
        }
        /* A split whose product is not the call's team is not an error: the driver then
         * chooses one, so a profile tuned at 2 threads still serves calls on 1. */
    }
    if (cfg->direct_max_mnk < 0 || cfg->skinny_k < 0 || cfg->skinny_mn < 0 ||
        cfg->gemv_min_per_thread < 0 || cfg->gemv_n_split_cols < 0) {
        snprintf(msg, len, "path thresholds must not be negative");
        return -1;
    }
    return 0;
}
