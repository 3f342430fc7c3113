/* The tuner's view of the library: shape classes, the search space of every class (its
 * seed is the model, its valid points are configurations the library accepts), and the
 * objective measured through the harness with a stand-in energy meter. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tuner/tune_eval.h"
#include "../tuner/tune_space.h"
#include "fw_internal.h"
#include "testlib.h"

static void test_classes(void)
{
    static const struct { int m, n, k; fw_shape_class want; } cases[] = {
        {64, 64, 64, FW_CLASS_SMALL},      {17, 8, 8, FW_CLASS_SMALL},
        {16, 16, 16, FW_CLASS_TINY},       {1, 1, 1, FW_CLASS_TINY},
        {65, 65, 65, FW_CLASS_SQUARE},     {4096, 4096, 4096, FW_CLASS_SQUARE},
        {4096, 4096, 16, FW_CLASS_SKINNY_K}, {16, 4096, 4096, FW_CLASS_SKINNY_M},
        {4096, 16, 4096, FW_CLASS_SKINNY_N}, {5000, 64, 64, FW_CLASS_SKINNY_K},
        {65, 64, 65, FW_CLASS_SKINNY_N},   {32, 8, 100, FW_CLASS_SKINNY_N},
        {8, 32, 100, FW_CLASS_SKINNY_M},   {8, 100, 8, FW_CLASS_SKINNY_K},
        {0, 1000, 1000, FW_CLASS_SKINNY_M},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        CHECK(fw_gemm_class(cases[i].m, cases[i].n, cases[i].k) == cases[i].want,
              "%dx%dx%d is %s, not %s", cases[i].m, cases[i].n, cases[i].k,
              fw_class_name(cases[i].want),
              fw_class_name(fw_gemm_class(cases[i].m, cases[i].n, cases[i].k)));
    CHECK(fw_gemv_class(FW_COL_MAJOR, FW_NO_TRANS) == FW_CLASS_GEMV_N &&
              fw_gemv_class(FW_ROW_MAJOR, FW_TRANS) == FW_CLASS_GEMV_N &&
              fw_gemv_class(FW_COL_MAJOR, FW_CONJ_TRANS) == FW_CLASS_GEMV_T &&
              fw_gemv_class(FW_ROW_MAJOR, FW_NO_TRANS) == FW_CLASS_GEMV_T,
          "GEMV classes follow the kernel that runs");
    for (int c = 0; c < FW_CLASS_COUNT; c++)
        CHECK(fw_class_find(fw_class_name((fw_shape_class)c)) == c, "class %d round-trips", c);
    CHECK(fw_class_find("cube") == -1 && fw_class_find(NULL) == -1, "unknown class names");
}

/* Each class is tuned on shapes of the class, on the team or on one thread; the square and
 * skinny-n classes on both, as their configuration serves 1-thread calls too; no shape is
 * timed twice. */
static void test_class_shapes(void)
{
    for (int team = 1; team <= 3; team++)
        for (int c = 0; c < FW_CLASS_COUNT; c++) {
            tune_shape sh[TUNE_MAX_SHAPES];
            const int n = tune_class_shapes((fw_shape_class)c, team, sh);
            const int gemv = c == FW_CLASS_GEMV_N || c == FW_CLASS_GEMV_T;
            int ones = 0, teams = 0, wrong = 0, twice = 0;
            for (int i = 0; i < n; i++) {
                ones += sh[i].threads == 1;
                teams += sh[i].threads == team;
                wrong += !gemv && (int)fw_gemm_class(sh[i].m, sh[i].n, sh[i].k) != c;
                for (int j = 0; j < i; j++)
                    twice += !memcmp(&sh[i], &sh[j], sizeof sh[i]);
            }
            const char *name = fw_class_name((fw_shape_class)c);
            CHECK(n >= 1 && wrong == 0 && twice == 0 && (team == 1 ? ones == n : ones + teams == n),
                  "team %d, %s: %d shapes, %d of another class, %d twice, %d on 1 thread", team,
                  name, n, wrong, twice, ones);
            CHECK(teams >= 1, "team %d, %s: timed on the team", team, name);
            if (team > 1)
                CHECK((c == FW_CLASS_SQUARE || c == FW_CLASS_SKINNY_N) == (ones > 0),
                      "team %d, %s: %d shapes on one thread", team, name, ones);
        }
}

static int same_config(const fw_config *a, const fw_config *b)
{
    return a->gemm_kernel == b->gemm_kernel && a->gemv_n_kernel == b->gemv_n_kernel &&
           a->gemv_t_kernel == b->gemv_t_kernel && a->mc == b->mc && a->kc == b->kc &&
           a->nc == b->nc && a->jc_ways == b->jc_ways && a->ic_ways == b->ic_ways &&
           a->jr_ways == b->jr_ways && a->bind == b->bind &&
           a->direct_max_mnk == b->direct_max_mnk && a->skinny_k == b->skinny_k &&
           a->skinny_mn == b->skinny_mn && a->gemv_min_per_thread == b->gemv_min_per_thread &&
           a->gemv_n_split_cols == b->gemv_n_split_cols;
}

/* Every valid point of a reduced space (and a sample of a full one) is a configuration the
 * library accepts; the seed is the model's configuration. */
/* The routes of every shape of the class under cfg, by the library's own functions. */
static void routes_of(const tune_space *ts, const fw_config *model,
                      long routes[TUNE_MAX_SHAPES][FW_ROUTE_LEN])
{
    tune_shape shapes[TUNE_MAX_SHAPES];
    const int nshapes = tune_class_shapes(ts->cls, ts->threads, shapes);
    fw_config cfg = *model;
    memset(routes, 0, TUNE_MAX_SHAPES * sizeof *routes);
    for (int s = 0; s < nshapes; s++) {
        cfg.threads = shapes[s].threads;
        if (ts->cls == FW_CLASS_GEMV_N || ts->cls == FW_CLASS_GEMV_T)
            fw_gemv_route(ts->prec, ts->cls == FW_CLASS_GEMV_T ? FW_TRANS : FW_NO_TRANS,
                          shapes[s].m, shapes[s].n, &cfg, routes[s]);
        else
            fw_gemm_route(ts->prec, shapes[s].m, shapes[s].n, shapes[s].k, &cfg, routes[s]);
    }
}

/* A threshold dimension holds one value per route (fw_gemm_route, fw_gemv_route) the
 * class's shapes can take with some kernel the space lists, the model's value among them:
 * no two of its values time the same code with every kernel. */
static void check_thresholds(const tune_space *ts, const fw_config *model, const char *what)
{
    static const char *const names[] = {"direct", "skinny_k", "skinny_mn", "min_per_thread",
                                        "split_cols"};
    const int kd = space_dim_index(&ts->s, "kernel");
    const int kernels = kd >= 0 ? ts->s.dim[kd].count : 1;
    for (size_t t = 0; t < sizeof names / sizeof names[0]; t++) {
        int d = space_dim_index(&ts->s, names[t]);
        if (d < 0)
            continue;
        const space_dim *dim = &ts->s.dim[d];
        enum { MAX_VALUES = 16, MAX_KERNELS = 16 };
        static long routes[MAX_VALUES][MAX_KERNELS][TUNE_MAX_SHAPES][FW_ROUTE_LEN];
        int model_seen = 0, same = 0;
        for (int v = 0; v < dim->count && v < MAX_VALUES; v++) {
            const long x = dim->values[v];
            model_seen |= t == 0 ? (double)x == model->direct_max_mnk
                          : t == 1 ? x == model->skinny_k
                          : t == 2 ? x == model->skinny_mn
                          : t == 3 ? x == model->gemv_min_per_thread
                                   : x == model->gemv_n_split_cols;
            for (int i = 0; i < kernels && i < MAX_KERNELS; i++) {
                fw_config cfg = *model;
                cfg.threads = ts->threads;
                if (kd >= 0) {
                    const int k = (int)ts->s.dim[kd].values[i];
                    if (ts->cls == FW_CLASS_GEMV_N)
                        cfg.gemv_n_kernel = k;
                    else if (ts->cls == FW_CLASS_GEMV_T)
                        cfg.gemv_t_kernel = k;
                    else
                        cfg.gemm_kernel = k;
                }
                if (t == 0)
                    cfg.direct_max_mnk = (double)x;
                else if (t == 1)
                    cfg.skinny_k = (int)x;
                else if (t == 2)
                    cfg.skinny_mn = (int)x;
                else if (t == 3)
                    cfg.gemv_min_per_thread = x;
                else
                    cfg.gemv_n_split_cols = x;
                routes_of(ts, &cfg, routes[v][i]);
            }
            for (int u = 0; u < v; u++)
                same += memcmp(routes[u], routes[v], sizeof routes[v]) == 0;
        }
        CHECK(model_seen, "%s: %s holds the model's value", what, names[t]);
        CHECK(same == 0 && dim->count >= 1 && dim->count <= MAX_VALUES &&
                  kernels <= MAX_KERNELS,
              "%s: %s has %d values, %d pairs on one route", what, names[t], dim->count, same);
    }
}

/* Every kernel the space lists can be timed: some valid point runs it. (The small class
 * once kept the model's MC, which MR = 24 does not divide, and never timed that kernel.) */
static void check_kernels_timed(const tune_space *ts, const char *what)
{
    const int d = space_dim_index(&ts->s, "kernel");
    if (!CHECK(d >= 0, "%s: the space searches the kernel", what))
        return;
    const space_dim *kd = &ts->s.dim[d];
    char *seen = calloc((size_t)kd->count, 1);
    int p[SPACE_MAX_DIMS], missing = 0;
    if (!CHECK(seen != NULL, "%s: memory for %d kernels", what, kd->count))
        return;
    for (int ok = space_first_valid(&ts->s, p); ok == 0; ok = space_next_valid(&ts->s, p))
        seen[p[d]] = 1;
    for (int i = 0; i < kd->count; i++)
        if (!seen[i] && missing++ == 0)
            CHECK(0, "%s: no valid point runs %s", what, fw_kernel_at((int)kd->values[i])->name);
    CHECK(missing == 0, "%s: every one of the %d kernels has a valid point", what, kd->count);
    free(seen);
}

/* The representative of a valid point is valid, runs the same code on the class's shapes,
 * is its own representative and gives the point its key. Returns 1 when the point is its
 * own representative. */
static int check_representative(const tune_space *ts, const int *p, const char *what, int *bad)
{
    const size_t len = (size_t)ts->s.ndims * sizeof *p;
    int rep[SPACE_MAX_DIMS], again[SPACE_MAX_DIMS];
    memcpy(rep, p, len);
    ts->s.canonical(&ts->s, rep, ts->s.canonical_ctx);
    memcpy(again, rep, len);
    ts->s.canonical(&ts->s, again, ts->s.canonical_ctx);
    long want[TUNE_MAX_SHAPES][FW_ROUTE_LEN], got[TUNE_MAX_SHAPES][FW_ROUTE_LEN];
    tune_space_routes(ts, p, want);
    tune_space_routes(ts, rep, got);
    char kp[SPACE_KEY_MAX], kr[SPACE_KEY_MAX];
    int ok = space_is_valid(&ts->s, rep) && !memcmp(want, got, sizeof want) &&
             !memcmp(rep, again, len) && space_key(&ts->s, p, kp, sizeof kp) == 0 &&
             space_key(&ts->s, rep, kr, sizeof kr) == 0 && !strcmp(kp, kr);
    if (!ok && (*bad)++ == 0)
        CHECK(0, "%s: the representative of %s is not one (%s)", what, kp, kr);
    return !memcmp(rep, p, len);
}

static void check_space(fw_precision prec, fw_shape_class cls, int threads, int reduced)
{
    tune_space ts;
    char why[200] = "";
    const char *what = fw_class_name(cls);
    if (!CHECK(tune_space_build(&ts, prec, cls, threads, reduced, why, sizeof why) == 0,
               "%s space builds: %s", what, why))
        return;
    fw_config model, cfg;
    fw_model_config(prec, cls, &model);
    CHECK(ts.s.has_seed && space_is_valid(&ts.s, ts.s.seed), "%s: the seed is valid", what);
    tune_space_config(&ts, ts.s.seed, &cfg);
    CHECK(same_config(&cfg, &model), "%s: the seed is the model's configuration", what);
    uint64_t valid = space_count_valid(&ts.s), checked = 0, rejected = 0, representatives = 0;
    int bad_reps = 0, lost = 0;
    CHECK(valid > 1, "%s: %llu valid points", what, (unsigned long long)valid);
    int p[SPACE_MAX_DIMS];
    uint64_t size = space_size(&ts.s), step = reduced ? 1 : size / 3000 + 1;
    for (uint64_t i = 0; i < size; i += step) {
        space_point_at(&ts.s, i, p);
        if (!space_is_valid(&ts.s, p))
            continue;
        tune_space_config(&ts, p, &cfg);
        cfg.threads = threads;
        checked++;
        if (fw_config_check(prec, &cfg, why, sizeof why) != 0 && rejected++ == 0)
            CHECK(0, "%s: valid point %llu rejected by the library: %s", what,
                  (unsigned long long)i, why);
        if (ts.s.canonical)
            representatives += check_representative(&ts, p, what, &bad_reps);
        /* A profile's configuration leads back to a point of the same configuration (the
         * warm start of a later run). */
        int back[SPACE_MAX_DIMS];
        fw_config again;
        if (tune_space_point_of(&ts, &cfg, back) == 0) {
            tune_space_config(&ts, back, &again);
            again.threads = threads;
            lost += !same_config(&again, &cfg);
        } else {
            lost++;
        }
        const fw_kernel_info *k = fw_kernel_at(cfg.gemm_kernel);
        if (cls < FW_CLASS_GEMV_N && cls != FW_CLASS_SMALL && cls != FW_CLASS_TINY)
            CHECK((long)cfg.mc * cfg.kc * (prec == FW_F64 ? 8 : 4) <= ts.l2 && cfg.nc % k->nr == 0,
                  "%s: point %llu keeps A in L2 and NC in whole tiles", what,
                  (unsigned long long)i);
    }
    CHECK(checked > 0 && rejected == 0, "%s: %llu valid points checked, %llu rejected", what,
          (unsigned long long)checked, (unsigned long long)rejected);
    CHECK(lost == 0, "%s: %d of %llu configurations lead to no point of their own", what, lost,
          (unsigned long long)checked);
    if (space_dim_index(&ts.s, "mc") >= 0) {
        tune_space_config(&ts, ts.s.seed, &cfg);
        cfg.mc += 1; /* on no grid: a profile of another build's grids */
        CHECK(tune_space_point_of(&ts, &cfg, p) == -1, "%s: MC %d is no point", what, cfg.mc);
    }
    check_kernels_timed(&ts, what);
    CHECK(bad_reps == 0, "%s: every representative is valid, runs the same code and is its "
          "own representative", what);
    if (reduced && ts.s.canonical && getenv("FW_TEST_VERBOSE"))
        printf("%s %s: %llu of %llu checked points are representatives\n",
               prec == FW_F64 ? "f64" : "f32", what, (unsigned long long)representatives,
               (unsigned long long)checked);
    if (reduced) /* about a minute of measurements on the development machine */
        CHECK(valid <= 800, "%s: a reduced space stays small enough to search whole (%llu)",
              what, (unsigned long long)valid);
    check_thresholds(&ts, &model, what);
    tune_space_free(&ts);
}

static void test_spaces(void)
{
    for (int p = 0; p < 2; p++)
        for (int c = 0; c < FW_CLASS_COUNT; c++)
            for (int reduced = 0; reduced < 2; reduced++)
                check_space((fw_precision)p, (fw_shape_class)c, 2, reduced);
    tune_space ts;
    char why[200] = "";
    CHECK(tune_space_build(&ts, FW_F64, FW_CLASS_SQUARE, 6, 0, why, sizeof why) == 0 &&
              space_dim_index(&ts.s, "ways") >= 0,
          "a team of 6 has a layout dimension: %s", why);
    int d = space_dim_index(&ts.s, "ways");
    /* auto, then every jc x ic x jr = 6: 1x1x6 1x2x3 1x3x2 1x6x1 2x1x3 2x3x1 3x1x2 3x2x1 6x1x1 */
    CHECK(d >= 0 && ts.s.dim[d].count == 10, "6 threads: auto and 9 layouts (%d)",
          d >= 0 ? ts.s.dim[d].count : -1);
    tune_space_free(&ts);
    /* Square products search the model's ISA only; other classes every kernel this CPU runs. */
    static const fw_shape_class isa_classes[] = {FW_CLASS_SQUARE, FW_CLASS_SMALL};
    for (int c = 0; c < 2; c++) {
        const fw_shape_class cls = isa_classes[c];
        int isas = 0, supported = 0, seen[FW_ISA_COUNT] = {0};
        if (!CHECK(tune_space_build(&ts, FW_F64, cls, 2, 0, why, sizeof why) == 0 &&
                       (d = space_dim_index(&ts.s, "kernel")) >= 0,
                   "%s space: %s", fw_class_name(cls), why))
            continue;
        for (int i = 0; i < ts.s.dim[d].count; i++) {
            const fw_kernel_info *k = fw_kernel_at((int)ts.s.dim[d].values[i]);
            isas += !seen[k->isa]++;
        }
        for (int i = 0; i < fw_kernel_count(); i++)
            supported += fw_kernel_at(i)->kind == FW_KIND_GEMM &&
                         fw_kernel_at(i)->prec == FW_F64 && fw_kernel_supported(i);
        CHECK(cls == FW_CLASS_SQUARE ? isas == 1 : ts.s.dim[d].count == supported,
              "%s: %d kernels of %d ISAs (%d run here)", fw_class_name(cls), ts.s.dim[d].count,
              isas, supported);
        tune_space_free(&ts);
    }
    /* n = 16 is read in place, by transposition, only with kernels whose rows of A are a
     * cache line or more (the class's A is column-major, m apart along k); then skinny_mn
     * holds that route (the model's value) and the blocked one (8), else the model's alone. */
    for (int p = 0; p < 2; p++) {
        const fw_precision prec = p ? FW_F64 : FW_F32;
        if (!CHECK(tune_space_build(&ts, prec, FW_CLASS_SKINNY_N, 2, 0, why, sizeof why) == 0 &&
                       (d = space_dim_index(&ts.s, "skinny_mn")) >= 0,
                   "skinny_n space: %s", why))
            continue;
        const int kd = space_dim_index(&ts.s, "kernel");
        int streams = 0;
        for (int i = 0; kd >= 0 && i < ts.s.dim[kd].count; i++)
            streams |= fw_kernel_at((int)ts.s.dim[kd].values[i])->nr * (int)fw_elem_size(prec) >=
                       FW_LINE_BYTES;
        const space_dim *sd = &ts.s.dim[d];
        const long model = ts.model.skinny_mn;
        CHECK(streams ? sd->count == 2 && sd->values[0] == 8 && sd->values[1] == model
                      : sd->count == 1 && sd->values[0] == model,
              "%s skinny_n searches skinny_mn over %s%ld (%d values, first %ld)",
              p ? "f64" : "f32", streams ? "8 and " : "", model, sd->count, sd->values[0]);
        tune_space_free(&ts);
    }
    /* GEMV at 2 threads: 256^2 splits below 32768 elements a thread, 1024^2 below 1048576,
     * 4096^2 always (of the grid's values): three teams, so three values. */
    fw_config cfg;
    fw_model_config(FW_F32, FW_CLASS_SQUARE, &cfg);
    cfg.threads = 2;
    long route[FW_ROUTE_LEN];
    int teams[3];
    const long per_thread[] = {32768, 65536, 1048576};
    for (int i = 0; i < 3; i++) {
        cfg.gemv_min_per_thread = per_thread[i];
        fw_gemv_route(FW_F32, FW_NO_TRANS, 256, 256, &cfg, route);
        teams[i] = (int)route[0];
        fw_gemv_route(FW_F32, FW_TRANS, 1024, 1024, &cfg, route);
        teams[i] = teams[i] * 10 + (int)route[0];
    }
    CHECK(teams[0] == 22 && teams[1] == 12 && teams[2] == 11 && route[1] == cfg.gemv_t_kernel,
          "GEMV teams follow min_per_thread: %d %d %d", teams[0], teams[1], teams[2]);
    CHECK(tune_space_build(&ts, FW_F32, FW_CLASS_GEMV_N, 2, 0, why, sizeof why) == 0 &&
              (d = space_dim_index(&ts.s, "min_per_thread")) >= 0 && ts.s.dim[d].count == 3,
          "gemv_n searches min_per_thread over three values: %s", why);
    /* The column split: never, on 4096^2 only, or on 1024^2 too (256^2 runs on one thread
     * at the model's min_per_thread, so no value splits it). */
    CHECK((d = space_dim_index(&ts.s, "split_cols")) >= 0 && ts.s.dim[d].count == 3 &&
              ts.s.dim[d].values[0] == 0,
          "gemv_n searches split_cols over three values, never among them");
    tune_space_free(&ts);
    CHECK(tune_space_build(&ts, FW_F32, FW_CLASS_GEMV_T, 2, 0, why, sizeof why) == 0 &&
              space_dim_index(&ts.s, "split_cols") < 0,
          "gemv_t does not search split_cols: %s", why);
    tune_space_free(&ts);
    /* Values the class's shapes cannot tell from the model's become the model's in what the
     * profile keeps: every NC above the square shapes' n runs one column block there, and
     * the profile holds the model's NC, not the first such value (2044 split n = 2048 into
     * 2044 + 4). */
    if (CHECK(tune_space_build(&ts, FW_F32, FW_CLASS_SQUARE, 2, 0, why, sizeof why) == 0 &&
                  (d = space_dim_index(&ts.s, "nc")) >= 0,
              "f32 square space: %s", why)) {
        long want[TUNE_MAX_SHAPES][FW_ROUTE_LEN], got[TUNE_MAX_SHAPES][FW_ROUTE_LEN];
        tune_space_routes(&ts, ts.s.seed, want);
        int alike = 0, kept_model = 0;
        for (int v = 0; v < ts.s.dim[d].count; v++) {
            int p[SPACE_MAX_DIMS], rep[SPACE_MAX_DIMS];
            memcpy(p, ts.s.seed, sizeof p);
            p[d] = v;
            if (v == ts.s.seed[d] || !space_is_valid(&ts.s, p))
                continue;
            tune_space_routes(&ts, p, got);
            if (memcmp(got, want, sizeof got) != 0)
                continue;
            alike++;
            space_representative(&ts.s, p, rep);
            tune_space_prefer_model(&ts, rep);
            kept_model += !memcmp(rep, ts.s.seed, (size_t)ts.s.ndims * sizeof *rep);
        }
        CHECK(alike > 0 && kept_model == alike,
              "%d NC values run the model's code on the square shapes; %d become the model's point",
              alike, kept_model);
        tune_space_free(&ts);
    }
    CHECK(tune_space_build(&ts, FW_F64, FW_CLASS_SQUARE, 1, 0, why, sizeof why) == 0 &&
              space_dim_index(&ts.s, "ways") < 0 && space_dim_index(&ts.s, "bind") < 0,
          "one thread has no layout or binding to choose");
    tune_space_free(&ts);
    CHECK(tune_space_build(&ts, FW_F64, FW_CLASS_COUNT, 2, 0, why, sizeof why) == -1 && why[0],
          "an unknown class is refused: %s", why);
}

/* A stand-in meter: charges watts per vCPU of its scope for the wall time between reads,
 * as a package meter would, with a clock of its own. */
typedef struct fake_meter_state {
    double start, watts_per_vcpu;
    int vcpus;
} fake_meter_state;

static double wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int fake_read(energy_meter *m, energy_sample *out)
{
    fake_meter_state *st = m->state;
    out->joules = (wall() - st->start) * st->watts_per_vcpu * st->vcpus;
    out->dram_joules = NAN;
    return 0;
}

static void fake_scope(energy_meter *m, int vcpus) { ((fake_meter_state *)m->state)->vcpus = vcpus; }

static void test_objective(void)
{
    fake_meter_state st = {.start = wall(), .watts_per_vcpu = 10, .vcpus = 1};
    energy_meter meter = {.source = "fixture", .domain = "package", .measured = 0,
                          .read = fake_read, .set_scope = fake_scope, .state = &st};
    char why[300] = "";
    tune_eval *e = tune_eval_open(FW_F64, FW_CLASS_SMALL, 2, &meter, NULL, why, sizeof why);
    if (!CHECK(e != NULL, "evaluator opens: %s", why))
        return;
    const blas_call *calls;
    int n = tune_eval_shapes(e, &calls);
    CHECK(n >= 2, "small has several shapes (%d)", n);
    for (int i = 0; i < n; i++)
        CHECK(fw_gemm_class(calls[i].m, calls[i].n, calls[i].k) == FW_CLASS_SMALL,
              "shape %d (%dx%dx%d) is of its class", i, calls[i].m, calls[i].n, calls[i].k);

    tune_space ts;
    if (!CHECK(tune_space_build(&ts, FW_F64, FW_CLASS_SMALL, 2, 0, why, sizeof why) == 0,
               "space: %s", why)) {
        tune_eval_close(e);
        return;
    }
    static const tune_objective_kind kinds[] = {TUNE_OBJ_TIME, TUNE_OBJ_ENERGY, TUNE_OBJ_EDP};
    for (int k = 0; k < 3; k++) {
        tune_objective_ctx ctx = {.eval = e, .space = &ts, .kind = kinds[k]};
        json_t *extra = NULL;
        double cost = tune_objective(&ts.s, ts.s.seed, &ctx, &extra);
        eval_measure m = eval_measure_from_json(extra);
        double want = kinds[k] == TUNE_OBJ_TIME ? m.seconds
                      : kinds[k] == TUNE_OBJ_ENERGY ? m.joules
                                                    : m.joules * m.seconds;
        CHECK(cost > 0 && cost == want, "objective %d is its measure: %g vs %g", k, cost, want);
        CHECK(st.vcpus == 2, "the meter is scoped to the shapes' team (%d vCPUs)", st.vcpus);
        /* Joules come from the meter over the timed batches: about 20 W x the time. */
        double watts = m.joules / m.seconds;
        CHECK(watts > 10 && watts < 40, "objective %d: the meter's 20 W reach the measure (%g W)",
              k, watts);
        json_decref(extra);
    }

    /* A point the library refuses fails with its reason and is not a cost. */
    fw_config bad;
    tune_space_config(&ts, ts.s.seed, &bad);
    bad.mc += 1;
    eval_measure m;
    CHECK(tune_eval_measure(e, &bad, &m, why, sizeof why) == -1 && strstr(why, "mc="),
          "a refused configuration fails with its reason: %s", why);

    fw_config model;
    fw_model_config(FW_F64, FW_CLASS_SQUARE, &model);
    const fw_config *three[] = {&model, &model, &model};
    double sec[4] = {0, 0, 0, -1};
    CHECK(tune_eval_confirm(e, three, 3, sec, why, sizeof why) == 0 && sec[0] > 0 &&
              sec[1] > 0 && sec[2] > 0 && sec[3] == -1,
          "confirmation times all three, no more: %g %g %g %g %s", sec[0], sec[1], sec[2],
          sec[3], why);
    const fw_config *four[] = {&model, &model, &model, &model};
    CHECK(tune_eval_confirm(e, four, 4, sec, why, sizeof why) == -1 && strstr(why, "1 to 3"),
          "more configurations than outputs are refused: %s", why);
    tune_space_free(&ts);
    tune_eval_close(e);

    /* Stopped before it starts: nothing is measured. */
    volatile sig_atomic_t stop = 1;
    e = tune_eval_open(FW_F32, FW_CLASS_GEMV_T, 1, NULL, &stop, why, sizeof why);
    if (CHECK(e != NULL, "GEMV evaluator opens: %s", why)) {
        fw_config f32;
        fw_model_config(FW_F32, FW_CLASS_SQUARE, &f32);
        CHECK(tune_eval_measure(e, &f32, &m, why, sizeof why) == -3, "a stop interrupts");
        stop = 0;
        CHECK(tune_eval_measure(e, &f32, &m, why, sizeof why) == 0 && m.seconds > 0 &&
                  isnan(m.joules),
              "without a meter there are seconds and no joules: %s", why);
        tune_eval_close(e);
    }
}

int main(void)
{
    test_classes();
    test_class_shapes();
    test_spaces();
    test_objective();
    return fw_test_summary();
}
