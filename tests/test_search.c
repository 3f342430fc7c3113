/* Unit tests of the tuner's search space (tuner/space.c), driver and strategies
 * (tuner/search*.c) and objectives, on synthetic cost functions whose optimum is known.
 * Nothing here depends on timing: the budget in seconds runs on a fake clock. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#include "../tuner/search.h"

/* A GEMM-like space of 12 * 10 * 8 * 5 = 4800 points. */
static const long KERNELS[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
static const long MCS[] = {32, 64, 96, 128, 160, 192, 224, 256, 288, 320};
static const long KCS[] = {64, 128, 192, 256, 320, 384, 448, 512};
static const long WAYS[] = {1, 2, 3, 4, 6};

/* Invalid: blocks that do not fit (mc * kc above a limit) and two kernels the CPU cannot
 * run. The bowl's optimum and the seed stay valid. */
static int grid_valid(const space *s, const int *p, void *ctx)
{
    (void)ctx;
    long mc = space_value(s, p, 1), kc = space_value(s, p, 2);
    return mc * kc <= 256 * 448 && p[0] != 2 && p[0] != 9;
}

/* A representative as the tuner's: every mc from 224 up runs as 224 (a block capped at a
 * thread's share). */
static void cap_mc(const space *s, int *p, void *ctx)
{
    (void)s;
    (void)ctx;
    if (p[1] > 6)
        p[1] = 6;
}

static void make_grid(space *s)
{
    char why[256] = "";
    space_init(s);
    int ok = space_add_dim(s, "kernel", KERNELS, 12, why, sizeof why) == 0 &&
             space_add_dim(s, "mc", MCS, 10, why, sizeof why) == 0 &&
             space_add_dim(s, "kc", KCS, 8, why, sizeof why) == 0 &&
             space_add_dim(s, "ways", WAYS, 5, why, sizeof why) == 0;
    CHECK(ok, "building the grid: %s", why);
    space_set_valid(s, grid_valid, NULL);
    const long seed[] = {4, 96, 128, 1}; /* the "model default" */
    CHECK(space_set_seed(s, seed, why, sizeof why) == 0, "seed: %s", why);
}

/* The synthetic objective: a cost function of the point's indices, with bookkeeping. */
typedef double (*cost_fn)(const int *p);

typedef struct probe {
    cost_fn cost;
    long calls, invalid_calls, repeat_calls;
    unsigned char *seen; /* calls per point index */
    uint64_t order[8192]; /* indices in the order evaluated (the first 8192) */
    double now, tick;     /* fake clock, advanced by tick per call */
} probe;

static void probe_init(probe *pr, const space *s, cost_fn cost)
{
    memset(pr, 0, sizeof *pr);
    pr->cost = cost;
    pr->seen = calloc(space_size(s), 1);
}

static void probe_free(probe *pr) { free(pr->seen); }

static double probe_objective(const space *s, const int *p, void *ctx, json_t **extra)
{
    (void)extra;
    probe *pr = ctx;
    uint64_t i = space_index(s, p);
    if (!space_is_valid(s, p))
        pr->invalid_calls++;
    if (pr->seen[i]++)
        pr->repeat_calls++;
    if (pr->calls < 8192)
        pr->order[pr->calls] = i;
    pr->calls++;
    pr->now += pr->tick;
    return pr->cost(p);
}

static double fake_clock(void *ctx) { return ((probe *)ctx)->now; }

/* Separable quadratic bowl, minimum 1.0 at kernel 7, mc 224, kc 320, ways 3. */
static const int BOWL_MIN[] = {7, 6, 4, 2};
static double bowl(const int *p)
{
    const double w[] = {0.02, 0.015, 0.03, 0.05};
    double c = 1;
    for (int d = 0; d < 4; d++)
        c += w[d] * (p[d] - BOWL_MIN[d]) * (p[d] - BOWL_MIN[d]);
    return c;
}

/* A narrow well of bottom 1.5 at the seed, the global minimum 1.0 of a broad bowl
 * elsewhere, and a plateau of 2.0 between them: descending from the seed alone ends in the
 * well. */
static const int TRAP[] = {4, 2, 1, 0};
static double trap(const int *p)
{
    double well = 1.5, far = 1.0;
    for (int d = 0; d < 4; d++) {
        well += 0.4 * (p[d] - TRAP[d]) * (p[d] - TRAP[d]);
        far += 0.04 * (p[d] - BOWL_MIN[d]) * (p[d] - BOWL_MIN[d]);
    }
    return fmin(fmin(well, far), 2.0);
}

static double constant(const int *p)
{
    (void)p;
    return 2.0;
}

/* Along kc at the seed's other values: 2.0 at the seed (index 1), 2.05 one step up, then
 * down to 1.0 at index 6; off those values, higher. */
static double shelf(const int *p)
{
    static const double along_kc[] = {3.0, 2.0, 2.05, 1.9, 1.5, 1.2, 1.0, 1.1};
    const int seed[] = {4, 2, 1, 1};
    double c = along_kc[p[2]];
    for (int d = 0; d < 4; d++)
        c += d == 2 ? 0 : 0.5 * abs(p[d] - seed[d]);
    return c;
}

/* Best where the block fills the limit of grid_valid and kc is large: 1.0 at mc 224, kc 512,
 * at the seed's kernel and ways. From mc 320, kc 320 every single step is worse or invalid:
 * the way down runs along the edge of the valid region, kc up and mc down together. */
static double along_the_wall(const int *p)
{
    const int seed[] = {4, 9, 4, 1};
    double fill = (double)MCS[p[1]] * KCS[p[2]] / (256 * 448);
    return 1 + 2 * (1 - fill) + 0.1 * (7 - p[2]) + 0.5 * abs(p[0] - seed[0]) +
           0.5 * abs(p[3] - seed[3]);
}

/* The bowl flattened at 1.1: a plateau of optima. */
static double flat_bottom(const int *p) { return fmax(bowl(p), 1.1); }

/* The bowl, failing at its minimum and at every point with kernel 6. */
static double failing(const int *p)
{
    return (p[0] == 6 || !memcmp(p, BOWL_MIN, sizeof BOWL_MIN)) ? NAN : bowl(p);
}

static double never_works(const int *p)
{
    (void)p;
    return NAN;
}

static int run(const space *s, probe *pr, const search_options *o, search_result *r)
{
    char why[256] = "";
    int rc = search_run(s, probe_objective, pr, NULL, o, r, why, sizeof why);
    CHECK(rc == 0, "search_run: %s", why);
    CHECK(pr->invalid_calls == 0, "strategy %d: %ld invalid points reached the objective",
          o->strategy, pr->invalid_calls);
    CHECK(pr->repeat_calls == 0, "strategy %d: %ld points evaluated twice", o->strategy,
          pr->repeat_calls);
    CHECK(pr->calls == r->evaluations, "evaluations %ld = objective calls %ld", r->evaluations,
          pr->calls);
    return rc;
}

static void test_space(void)
{
    space s;
    make_grid(&s);
    char why[256] = "", key[SPACE_KEY_MAX];
    CHECK(space_size(&s) == 4800, "size %llu", (unsigned long long)space_size(&s));
    uint64_t brute = 0;
    for (uint64_t i = 0; i < 4800; i++) {
        int p[SPACE_MAX_DIMS];
        space_point_at(&s, i, p);
        brute += space_is_valid(&s, p);
        if (space_index(&s, p) != i) {
            CHECK(0, "index %llu does not round-trip", (unsigned long long)i);
            break;
        }
    }
    CHECK(space_count_valid(&s) == brute && brute > 2000 && brute < 4800,
          "valid points %llu, by brute force %llu", (unsigned long long)space_count_valid(&s),
          (unsigned long long)brute);

    int p[] = {3, 7, 2, 4}, q[SPACE_MAX_DIMS];
    CHECK(space_key(&s, p, key, sizeof key) == 0 && !strcmp(key, "kernel=3,mc=256,kc=192,ways=6"),
          "key %s", key);
    CHECK(space_point_from_key(&s, key, q) == 0 && !memcmp(p, q, sizeof p), "key round-trips");
    CHECK(space_key(&s, p, key, 10) == -1, "a short buffer is refused");
    const char *bad[] = {"kernel=3,mc=256,kc=192", "kernel=3,mc=256,kc=192,ways=6,x=1",
                         "kernel=3,mc=255,kc=192,ways=6", "mc=256,kernel=3,kc=192,ways=6",
                         "kernel=3,mc=256,kc=192,ways=+6", "kernel=3,mc=256,kc=192,ways=6,", ""};
    for (int i = 0; i < 7; i++)
        CHECK(space_point_from_key(&s, bad[i], q) == -1, "bad key \"%s\" refused", bad[i]);

    char *sig = space_signature(&s);
    CHECK(sig && !strcmp(sig, "kernel=0|1|2|3|4|5|6|7|8|9|10|11;"
                              "mc=32|64|96|128|160|192|224|256|288|320;"
                              "kc=64|128|192|256|320|384|448|512;ways=1|2|3|4|6"),
          "signature %s", sig ? sig : "(null)");
    free(sig);

    /* Ordered neighbours: steps 1, 2 and 4 each way. Kernel 2 is invalid, so the steps
     * down from kernel 3 are 1 and 0 (and no fourth), up 4, 5 and 7. */
    int nb[6 * SPACE_MAX_DIMS][SPACE_MAX_DIMS];
    int at[] = {3, 0, 7, 0}; /* mc 32 * kc 512 fits; so do mc 64 to 160 */
    int n = space_ordered_neighbours(&s, at, nb);
    int want[][4] = {{1, 0, 7, 0}, {0, 0, 7, 0}, {4, 0, 7, 0}, {5, 0, 7, 0}, {7, 0, 7, 0},
                     {3, 1, 7, 0}, {3, 2, 7, 0}, {3, 4, 7, 0}, {3, 0, 6, 0}, {3, 0, 5, 0},
                     {3, 0, 3, 0}, {3, 0, 7, 1}, {3, 0, 7, 2}, {3, 0, 7, 4}};
    int match = n == 14;
    for (int i = 0; match && i < 14; i++)
        match = !memcmp(nb[i], want[i], sizeof want[i]);
    CHECK(match, "neighbours of (3,0,7,0): %d, steps 1, 2 and 4 each way, over the invalid "
          "kernel 2", n);
    CHECK(space_categorical_neighbours(&s, at, nb) == 0 &&
              space_categorical_single_neighbours(&s, at, nb) == 0,
          "no categorical dimension, none");
    int corner[] = {11, 9, 0, 4}; /* mc 320 * kc 64 fits */
    n = space_ordered_neighbours(&s, corner, nb);
    CHECK(n == 12, "a corner has 12 neighbours, got %d", n);
    int wall[] = {0, 7, 6, 0}; /* mc 256 * kc 448: the last kc that fits; no valid mc above */
    n = space_ordered_neighbours(&s, wall, nb);
    int up_mc = 0, inside = 1;
    for (int i = 0; i < n; i++) {
        inside &= space_is_valid(&s, nb[i]) && (nb[i][1] <= 7 || nb[i][2] < 6);
        up_mc += nb[i][1] > 7;
    }
    CHECK(inside && up_mc == 2, "at the wall, mc up comes with kc down: %d such of %d", up_mc,
          n);

    /* Points of one representative are one place: with every mc from 224 up running as 224,
     * mc 320 steps down to 192, 160 and 96, and not up. */
    space_set_canonical(&s, cap_mc, NULL);
    int capped[] = {0, 9, 0, 0};
    n = space_ordered_neighbours(&s, capped, nb);
    int mc_steps = 0, mc_ok = 1;
    for (int i = 0; i < n; i++)
        if (nb[i][1] != 6) {
            mc_steps++;
            mc_ok &= nb[i][1] == 5 || nb[i][1] == 4 || nb[i][1] == 2;
        }
    CHECK(mc_steps == 3 && mc_ok, "steps over alike values: %d mc steps", mc_steps);
    space_set_canonical(&s, NULL, NULL);

    /* A categorical dimension: every other valid value is a neighbour (kernels 2 and 9 are
     * not valid), and no ordered step moves it. */
    CHECK(space_set_categorical(&s, "kernel") == 0 && space_set_categorical(&s, "nope") == -1,
          "kernel made categorical");
    CHECK(space_neighbour_capacity(&s) == 11 + 3 * 2 * SPACE_ORDERED_STEPS, "capacity %d",
          space_neighbour_capacity(&s));
    int cat[12 * 5 + 6][SPACE_MAX_DIMS];
    n = space_categorical_neighbours(&s, at, cat);
    int kernels = 0, others = 0, saw_two = 0;
    for (int i = 0; i < n; i++) {
        if (cat[i][0] != 3 && !memcmp(cat[i] + 1, at + 1, 3 * sizeof *at)) {
            kernels++;
            saw_two |= cat[i][0] == 2 || cat[i][0] == 9;
        } else {
            others++;
        }
    }
    n = space_ordered_neighbours(&s, at, nb);
    int moved_kernel = 0;
    for (int i = 0; i < n; i++)
        moved_kernel |= nb[i][0] != 3;
    CHECK(kernels == 9 && others == 0 && !saw_two && n == 9 && !moved_kernel,
          "categorical neighbours: %d kernels (every valid other), %d others; %d ordered",
          kernels, others, n);

    /* Two categorical dimensions move together: every other valid combination. */
    CHECK(space_set_categorical(&s, "ways") == 0 &&
              space_neighbour_capacity(&s) == 12 * 5 - 1 + 2 * 2 * SPACE_ORDERED_STEPS,
          "capacity with kernel x ways %d", space_neighbour_capacity(&s));
    n = space_categorical_neighbours(&s, at, cat);
    int pairs = 0;
    for (int i = 0; i < n; i++)
        pairs += cat[i][0] != 3 && cat[i][3] != 0;
    CHECK(n == 10 * 5 - 1 && pairs == 9 * 4, "kernel x ways: %d neighbours, %d moving both", n,
          pairs);
    CHECK(space_ordered_neighbours(&s, at, nb) == 6, "mc three steps up, kc three down");
    /* One at a time: every other valid kernel at the point's layout, every other layout at
     * its kernel. */
    n = space_categorical_single_neighbours(&s, at, cat);
    int one_dim = 1, kernel_moves = 0;
    for (int i = 0; i < n; i++) {
        one_dim &= (cat[i][0] != 3) + (cat[i][3] != 0) == 1 &&
                   !memcmp(cat[i] + 1, at + 1, 2 * sizeof *at) && space_is_valid(&s, cat[i]);
        kernel_moves += cat[i][0] != 3;
    }
    CHECK(n == 9 + 4 && kernel_moves == 9 && one_dim,
          "one at a time: %d neighbours, %d kernels, each moving one dimension", n,
          kernel_moves);
    s.dim[0].categorical = s.dim[3].categorical = 0;

    const long dup[] = {1, 2, 1};
    CHECK(space_add_dim(&s, "x", dup, 3, why, sizeof why) == -1 && strstr(why, "twice"),
          "duplicate value refused: %s", why);
    CHECK(space_add_dim(&s, "mc", MCS, 3, why, sizeof why) == -1 && strstr(why, "already"),
          "duplicate dimension refused: %s", why);
    CHECK(space_add_dim(&s, "a,b", MCS, 3, why, sizeof why) == -1, "name with a comma refused");
    CHECK(space_add_dim(&s, "e", MCS, 0, why, sizeof why) == -1, "empty dimension refused");
    const long off_grid[] = {4, 100, 128, 1};
    CHECK(space_set_seed(&s, off_grid, why, sizeof why) == -1 && strstr(why, "mc=100"),
          "seed off the grid refused: %s", why);
    CHECK(s.ndims == 4 && s.seed[1] == 2, "failed calls leave the space as it was");
    space_free(&s);

    /* 2^62 points at most: six dimensions of 2^10 values fit, a seventh does not. */
    space big;
    space_init(&big);
    long many[1 << 10];
    for (int i = 0; i < 1 << 10; i++)
        many[i] = i;
    const char *names[] = {"a", "b", "c", "d", "e", "f", "g"};
    int added = 0;
    while (added < 7 && space_add_dim(&big, names[added], many, 1 << 10, why, sizeof why) == 0)
        added++;
    CHECK(added == 6 && strstr(why, "2^62"), "a space past 2^62 points is refused (%d dims): %s",
          added, why);
    space_free(&big);
}

static void test_permutation(void)
{
    const uint64_t sizes[] = {1, 2, 3, 5, 17, 100, 1000, 4800};
    for (int k = 0; k < 8; k++) {
        uint64_t n = sizes[k];
        unsigned char *hit = calloc(n, 1);
        search_perm p;
        search_perm_init(&p, n, 42 + k);
        int ok = 1;
        for (uint64_t i = 0; i < n && ok; i++) {
            uint64_t x = search_perm_at(&p, i);
            ok = x < n && !hit[x]++;
        }
        CHECK(ok, "permutation of [0, %llu) visits each index once", (unsigned long long)n);
        free(hit);
    }
    search_perm a, b;
    search_perm_init(&a, 1000, 7);
    search_perm_init(&b, 1000, 8);
    int same = 0, fixed = 0;
    for (uint64_t i = 0; i < 1000; i++) {
        same += search_perm_at(&a, i) == search_perm_at(&b, i);
        fixed += search_perm_at(&a, i) == i;
    }
    CHECK(same < 50 && fixed < 50, "seeds 7 and 8 agree on %d of 1000; seed 7 fixes %d", same,
          fixed);
}

static void test_exhaustive(void)
{
    space s;
    make_grid(&s);
    probe pr;
    probe_init(&pr, &s, bowl);
    search_result r;
    search_options o = search_defaults(SEARCH_EXHAUSTIVE);
    if (run(&s, &pr, &o, &r) == 0) {
        CHECK(r.found && !memcmp(r.best, BOWL_MIN, sizeof BOWL_MIN) && r.best_cost == 1.0,
              "exhaustive finds the bowl's minimum, cost %g", r.best_cost);
        CHECK((uint64_t)r.evaluations == space_count_valid(&s) && r.stop == SEARCH_STOP_DONE,
              "exhaustive evaluates each of the %llu valid points once (%ld)",
              (unsigned long long)space_count_valid(&s), r.evaluations);
        CHECK(r.curve_len == r.evaluations && r.cache_hits == 0, "one curve step per evaluation");
        int monotone = 1;
        for (long i = 1; i < r.curve_len; i++)
            monotone &= r.curve[i].best <= r.curve[i - 1].best && r.curve[i].fresh;
        CHECK(monotone && r.curve[r.curve_len - 1].best == 1.0, "the curve is the best so far");
        CHECK(r.seed_cost == bowl(s.seed), "seed cost recorded: %g", r.seed_cost);
    }
    search_result_free(&r);
    probe_free(&pr);
    space_free(&s);
}

/* Kernel 0 of the grid runs one thread: its points differ in ways only in name. */
static void one_thread_kernel(const space *s, int *p, void *ctx)
{
    (void)s, (void)ctx;
    if (p[0] == 0)
        p[3] = 0;
}

static double bowl_of_representative(const int *p)
{
    int q[4] = {p[0], p[1], p[2], p[3]};
    one_thread_kernel(NULL, q, NULL);
    return bowl(q);
}

/* Least at kernel 0 (whose layouts are all alike), mc 160 and kc 320. */
static double kernel0_least(const int *p)
{
    return (p[0] == 0 ? 1.0 : 2.0) + 0.01 * abs(p[1] - 4) + 0.01 * abs(p[2] - 4);
}

/* Points with one representative share a key and are evaluated once. */
static void test_representatives(void)
{
    space s;
    make_grid(&s);
    uint64_t alike = 0; /* valid points of kernel 0 that are not their own representative */
    int p[SPACE_MAX_DIMS];
    for (int ok = space_first_valid(&s, p); ok == 0; ok = space_next_valid(&s, p))
        alike += p[0] == 0 && p[3] != 0;
    space_set_canonical(&s, one_thread_kernel, NULL);
    char k1[SPACE_KEY_MAX], k2[SPACE_KEY_MAX];
    const int a[] = {0, 3, 2, 4}, b[] = {0, 3, 2, 0}, c[] = {1, 3, 2, 4};
    CHECK(space_key(&s, a, k1, sizeof k1) == 0 && space_key(&s, b, k2, sizeof k2) == 0 &&
              !strcmp(k1, k2) && strstr(k1, "ways=1"),
          "alike points share the representative's key: %s, %s", k1, k2);
    CHECK(space_key(&s, c, k2, sizeof k2) == 0 && strcmp(k1, k2) != 0 && strstr(k2, "ways=6"),
          "another kernel keeps its own key: %s", k2);
    search_options opts[] = {search_defaults(SEARCH_EXHAUSTIVE), search_defaults(SEARCH_LOCAL)};
    for (int i = 0; i < 2; i++) {
        probe pr;
        probe_init(&pr, &s, bowl_of_representative);
        search_result r;
        if (run(&s, &pr, &opts[i], &r) == 0) {
            CHECK(r.found && r.best_cost == 1.0, "strategy %d finds the minimum (%g)", i,
                  r.best_cost);
            if (i == 0)
                CHECK((uint64_t)r.evaluations == space_count_valid(&s) - alike,
                      "exhaustive evaluates one point per representative: %ld of %llu valid",
                      r.evaluations, (unsigned long long)space_count_valid(&s));
        }
        search_result_free(&r);
        probe_free(&pr);
    }
    /* The best is kept as its representative, whichever alike point reached it. */
    for (uint64_t seed = 1; seed <= 4; seed++) {
        probe pr;
        probe_init(&pr, &s, kernel0_least);
        search_options o = search_defaults(SEARCH_RANDOM);
        o.seed = seed;
        search_result r;
        if (run(&s, &pr, &o, &r) == 0)
            CHECK(r.found && r.best_cost == 1.0 && r.best[0] == 0 && r.best[3] == 0,
                  "seed %llu: best kept as the representative (ways index %d)",
                  (unsigned long long)seed, r.best[3]);
        search_result_free(&r);
        probe_free(&pr);
    }
    space_free(&s);
}

static void test_random(void)
{
    space s;
    make_grid(&s);
    probe a, b, c;
    probe_init(&a, &s, bowl);
    probe_init(&b, &s, bowl);
    probe_init(&c, &s, bowl);
    search_result ra, rb, rc;
    search_options o = search_defaults(SEARCH_RANDOM);
    o.seed = 12345;
    o.max_evaluations = 300;
    run(&s, &a, &o, &ra);
    run(&s, &b, &o, &rb);
    o.seed = 54321;
    run(&s, &c, &o, &rc);
    CHECK(ra.evaluations == 300 && ra.stop == SEARCH_STOP_EVALUATIONS,
          "random stops at its budget: %ld", ra.evaluations);
    CHECK(!memcmp(a.order, b.order, 300 * sizeof *a.order) && ra.best_cost == rb.best_cost,
          "the same seed draws the same points");
    CHECK(memcmp(a.order, c.order, 300 * sizeof *a.order) != 0, "another seed draws others");
    int increasing = 1;
    for (int i = 1; i < 300; i++)
        increasing &= a.order[i] > a.order[i - 1];
    CHECK(!increasing, "the order is not the index order");
    search_result_free(&ra);
    search_result_free(&rb);
    search_result_free(&rc);
    probe_free(&a);
    probe_free(&b);
    probe_free(&c);

    /* Unbounded, it covers every valid point once and ends. */
    probe all;
    probe_init(&all, &s, bowl);
    search_result r;
    o.max_evaluations = 0;
    if (run(&s, &all, &o, &r) == 0)
        CHECK((uint64_t)r.evaluations == space_count_valid(&s) && r.best_cost == 1.0 &&
                  r.stop == SEARCH_STOP_DONE,
              "random without budget covers the space: %ld points, best %g", r.evaluations,
              r.best_cost);
    search_result_free(&r);
    probe_free(&all);
    space_free(&s);
}

/* Runs the local search with the given PRNG seed; returns evaluations (or -1). */
static long local_run(const space *s, cost_fn f, uint64_t seed, int patience, search_result *r)
{
    probe pr;
    probe_init(&pr, s, f);
    search_options o = search_defaults(SEARCH_LOCAL);
    o.seed = seed;
    o.patience = patience;
    long n = run(s, &pr, &o, r) == 0 ? r->evaluations : -1;
    probe_free(&pr);
    return n;
}

static void test_local(void)
{
    space s;
    make_grid(&s);
    double valid = (double)space_count_valid(&s);
    /* The acceptance, on the bowl: within 3% of the exhaustive best (1.0) with at
     * most 15% of its evaluations, for every PRNG seed tried. */
    for (uint64_t seed = 1; seed <= 8; seed++) {
        search_result r;
        long n = local_run(&s, bowl, seed, 4, &r);
        CHECK(n > 0 && n <= 0.15 * valid && r.found && r.best_cost <= 1.03,
              "seed %llu: local search spends %ld of %g evaluations, best %g",
              (unsigned long long)seed, n, valid, r.best_cost);
        CHECK(r.seed_cost == bowl(s.seed) && r.curve[0].cost == r.seed_cost,
              "it starts at the seed point");
        search_result_free(&r);
    }
    /* Pure descent from the seed reaches the bowl's minimum exactly, in about eight moves of
     * at most 16 neighbours each. */
    search_result r;
    local_run(&s, bowl, 1, 0, &r);
    CHECK(r.found && !memcmp(r.best, BOWL_MIN, sizeof BOWL_MIN) && r.evaluations < 130,
          "descent alone finds the minimum in %ld evaluations", r.evaluations);
    search_result_free(&r);

    /* A shelf: one step of kc from the seed is worse, two are better. A descent of single
     * steps stays at the seed; this one goes on to the minimum. */
    local_run(&s, shelf, 1, 0, &r);
    CHECK(r.found && r.best_cost == 1.0 && r.best[2] == 6,
          "over the shelf: best %g at kc index %d", r.best_cost, r.best[2]);
    search_result_free(&r);

    /* A step out of the valid region is completed by the least move of another ordered
     * dimension, so the descent follows the region's edge (kc up, mc down) to the minimum. */
    {
        char why[256] = "";
        const long on_the_wall[] = {4, 320, 320, 2};
        CHECK(space_set_seed(&s, on_the_wall, why, sizeof why) == 0, "seed: %s", why);
        local_run(&s, along_the_wall, 1, 0, &r);
        CHECK(r.found && r.best_cost == 1.0 && r.best[1] == 6 && r.best[2] == 7,
              "along the wall: best %g at mc index %d, kc index %d", r.best_cost, r.best[1],
              r.best[2]);
        search_result_free(&r);
        const long model[] = {4, 96, 128, 1};
        CHECK(space_set_seed(&s, model, why, sizeof why) == 0, "seed: %s", why);
    }

    /* With kernel and ways categorical: from the seed, every other kernel and every other
     * layout, one at a time, is tried at the seed's blocks first; then the blocks move, and
     * no kernel or layout changes until no block step helps. */
    space_set_categorical(&s, "kernel");
    space_set_categorical(&s, "ways");
    probe pr;
    probe_init(&pr, &s, bowl);
    search_options o = search_defaults(SEARCH_LOCAL);
    o.patience = 0;
    if (run(&s, &pr, &o, &r) == 0) {
        int nb[4 * SPACE_MAX_DIMS][SPACE_MAX_DIMS], p[SPACE_MAX_DIMS], reached[SPACE_MAX_DIMS];
        int cat = space_categorical_single_neighbours(&s, s.seed, nb), seed_blocks = 1,
            kept = 1;
        memcpy(reached, s.seed, sizeof reached);
        for (int i = 0; i <= cat && i < pr.calls; i++) {
            space_point_at(&s, pr.order[i], p);
            seed_blocks &= p[1] == s.seed[1] && p[2] == s.seed[2];
            if (bowl(p) < bowl(reached))
                memcpy(reached, p, sizeof reached);
        }
        int ordered = space_ordered_neighbours(&s, reached, nb);
        for (int i = cat + 1; i <= cat + ordered && i < pr.calls; i++) {
            space_point_at(&s, pr.order[i], p);
            kept &= p[0] == reached[0] && p[3] == reached[3];
        }
        CHECK(seed_blocks && kept && pr.calls > cat + ordered + 1 && r.best_cost == 1.0,
              "the first %d evaluations keep the seed's blocks, the next %d the kernel and "
              "layout they chose; best %g", cat + 1, ordered, r.best_cost);
    }
    search_result_free(&r);
    probe_free(&pr);
    s.dim[0].categorical = s.dim[3].categorical = 0;

    /* The trap: descent alone stays in the well; restarts find the global minimum. */
    local_run(&s, trap, 1, 0, &r);
    CHECK(r.found && !memcmp(r.best, TRAP, sizeof TRAP) && r.best_cost == 1.5,
          "descent from the seed ends in the well (%g)", r.best_cost);
    long cold = r.evaluations;
    search_result_free(&r);

    /* A warm start (an earlier run's choice) gets the second descent: the seed's descent
     * is the same evaluations in the same order as without it (so a stopped run resumes
     * along its cached path), then the descent from the start, in the broad bowl, reaches
     * the global minimum. One on the plateau ends no lower than the well; an invalid one
     * is ignored. */
    {
        probe cp;
        probe_init(&cp, &s, trap);
        search_options o = search_defaults(SEARCH_LOCAL);
        o.patience = 0;
        run(&s, &cp, &o, &r);
        search_result_free(&r);
        const int near_min[] = {7, 5, 4, 2}, on_plateau[] = {0, 9, 0, 4},
                  invalid[] = {2, 0, 0, 0};
        const int *starts[] = {near_min, on_plateau, invalid};
        const double want_best[] = {1.0, 1.5, 1.5};
        for (int i = 0; i < 3; i++) {
            probe wp;
            probe_init(&wp, &s, trap);
            o.start = starts[i];
            if (run(&s, &wp, &o, &r) == 0) {
                int same_path = wp.calls >= cold &&
                                !memcmp(wp.order, cp.order, (size_t)cold * sizeof *wp.order);
                int consulted = i == 2 ? wp.calls == cold
                                       : wp.calls > cold &&
                                             wp.order[cold] == space_index(&s, starts[i]);
                CHECK(r.found && r.best_cost == want_best[i] && same_path && consulted,
                      "warm start %d: best %g (want %g), %ld evaluations (cold %ld); the "
                      "seed's descent unchanged %d, then the start %d", i, r.best_cost,
                      want_best[i], r.evaluations, cold, same_path, consulted);
                search_result_free(&r);
            }
            probe_free(&wp);
        }
        probe_free(&cp);
    }

    int patience = search_defaults(SEARCH_LOCAL).patience;
    for (uint64_t seed = 1; seed <= 8; seed++) {
        long n = local_run(&s, trap, seed, patience, &r);
        CHECK(r.found && r.best_cost == 1.0 && n <= 0.15 * valid,
              "seed %llu: restarts escape the well: best %g in %ld evaluations",
              (unsigned long long)seed, r.best_cost, n);
        search_result_free(&r);
    }

    /* Plateaus: a flat bottom is an optimum like any; a flat space ends the search after
     * the seed's neighbourhood and `patience` restarts, at the seed. */
    local_run(&s, flat_bottom, 3, 4, &r);
    CHECK(r.found && r.best_cost == 1.1, "flat bottom reached: %g", r.best_cost);
    search_result_free(&r);
    long n = local_run(&s, constant, 3, 4, &r);
    CHECK(r.found && !memcmp(r.best, s.seed, 4 * sizeof(int)) && n <= (1 + 4 * 2 * SPACE_ORDERED_STEPS) * (4 + 1),
          "a flat space: %ld evaluations, best at the seed", n);
    search_result_free(&r);

    /* Without a valid seed it starts at a random point, and still finds the minimum. */
    s.has_seed = 0;
    local_run(&s, bowl, 5, 4, &r);
    CHECK(r.found && r.best_cost == 1.0 && isnan(r.seed_cost), "unseeded: best %g", r.best_cost);
    search_result_free(&r);
    space_free(&s);
}

static void test_budgets(void)
{
    space s;
    make_grid(&s);
    for (int strategy = SEARCH_EXHAUSTIVE; strategy <= SEARCH_LOCAL; strategy++) {
        search_options o = search_defaults((search_strategy)strategy);
        o.max_evaluations = 37;
        probe pr;
        probe_init(&pr, &s, constant);
        search_result r;
        /* patience high enough that only the budget stops the local search */
        o.patience = 1000;
        if (run(&s, &pr, &o, &r) == 0)
            CHECK(r.evaluations == 37 && r.stop == SEARCH_STOP_EVALUATIONS,
                  "strategy %d stops at 37 evaluations: %ld", strategy, r.evaluations);
        search_result_free(&r);
        probe_free(&pr);

        /* Fake clock: each evaluation takes 1 s; a 7.5 s budget allows 8 (at t = 0..7). */
        probe_init(&pr, &s, constant);
        pr.tick = 1.0;
        o.max_evaluations = 0;
        o.max_seconds = 7.5;
        o.clock = fake_clock;
        o.clock_ctx = &pr;
        if (run(&s, &pr, &o, &r) == 0)
            CHECK(r.evaluations == 8 && r.stop == SEARCH_STOP_SECONDS && r.seconds == 8.0 &&
                      r.curve[7].seconds == 8.0,
                  "strategy %d stops at its time budget: %ld evaluations, %g s", strategy,
                  r.evaluations, r.seconds);
        search_result_free(&r);
        probe_free(&pr);
    }
    space_free(&s);
}

/* An objective that raises the stop flag during its fifth call, as a signal would. */
static volatile sig_atomic_t stop_flag;
static double stopping_objective(const space *s, const int *p, void *ctx, json_t **extra)
{
    probe *pr = ctx;
    if (pr->calls == 4)
        stop_flag = 1;
    return probe_objective(s, p, ctx, extra);
}

/* A stop ends every strategy at once; the evaluation it interrupted is neither recorded
 * nor stored, since its measurement was cut short. */
static void test_stop(void)
{
    space s;
    make_grid(&s);
    for (int strategy = SEARCH_EXHAUSTIVE; strategy <= SEARCH_LOCAL; strategy++) {
        search_options o = search_defaults((search_strategy)strategy);
        o.stop = &stop_flag;
        stop_flag = 0;
        probe pr;
        probe_init(&pr, &s, bowl);
        char why[200] = "";
        eval_cache *c = eval_cache_open(NULL, "", "", why, sizeof why);
        search_result r;
        if (CHECK(c && search_run(&s, stopping_objective, &pr, c, &o, &r, why, sizeof why) == 0,
                  "strategy %d runs: %s", strategy, why)) {
            CHECK(pr.calls == 5 && r.evaluations == 4 && r.curve_len == 4 &&
                      eval_cache_count(c) == 4 && r.stop == SEARCH_STOP_INTERRUPTED,
                  "strategy %d stops after the interrupted fifth call: %ld calls, %ld "
                  "evaluations, %d stored, stop %d",
                  strategy, pr.calls, r.evaluations, c ? eval_cache_count(c) : -1, (int)r.stop);
            search_result_free(&r);
        }
        eval_cache_close(c);
        probe_free(&pr);
    }
    space_free(&s);
}

static void test_failures(void)
{
    space s;
    make_grid(&s);
    for (int strategy = SEARCH_EXHAUSTIVE; strategy <= SEARCH_LOCAL; strategy++) {
        search_options o = search_defaults((search_strategy)strategy);
        probe pr;
        probe_init(&pr, &s, failing);
        search_result r;
        if (run(&s, &pr, &o, &r) == 0) {
            CHECK(r.found && !isnan(r.best_cost) && r.best[0] != 6 &&
                      memcmp(r.best, BOWL_MIN, sizeof BOWL_MIN) != 0 && r.failed > 0,
                  "strategy %d: failed points never chosen (best %g, %ld failed)", strategy,
                  r.best_cost, r.failed);
            int nan_steps = 0;
            for (long i = 0; i < r.curve_len; i++)
                nan_steps += isnan(r.curve[i].cost);
            CHECK(nan_steps == r.failed, "failed points are on the curve as NaN");
        }
        const int runner_up[] = {7, 5, 4, 2}; /* the first of the minimum's working neighbours */
        if (strategy == SEARCH_EXHAUSTIVE)
            CHECK(!memcmp(r.best, runner_up, sizeof runner_up) && r.best_cost == bowl(runner_up),
                  "the best point that works: %g", r.best_cost);
        search_result_free(&r);
        probe_free(&pr);

        probe_init(&pr, &s, never_works);
        o.max_evaluations = 50;
        if (run(&s, &pr, &o, &r) == 0)
            CHECK(!r.found && isnan(r.best_cost) && r.failed == r.evaluations &&
                      isnan(r.curve[r.curve_len - 1].best),
                  "strategy %d: nothing works, nothing is found", strategy);
        search_result_free(&r);
        probe_free(&pr);
    }
    space_free(&s);
}

/* A hand-made table of measurements, one point per row of a one-dimension space. */
static const eval_measure TABLE[] = {
    {1.00, 10.0}, /* 0: the fastest */
    {1.04, 8.0},  /* 1: least energy within 5% */
    {1.10, 5.0},  /* 2: least energy within 15%, least EDP (5.5) */
    {3.00, 1.9},  /* 3: least energy (EDP 5.7) */
    {NAN, 0.5},   /* 4: no time: never chosen */
    {1.02, NAN},  /* 5: no energy */
    {0.0, 0.1},   /* 6: a zero time is no measurement */
};
#define TABLE_ROWS 7

typedef struct composed {
    double (*cost)(const eval_measure *m);
} composed;

/* A run whose time failed is a failed point, whatever the objective. */
static double table_objective(const space *s, const int *p, void *ctx, json_t **extra)
{
    (void)s;
    const eval_measure *m = &TABLE[p[0]];
    *extra = eval_measure_json(m);
    return isnan(objective_time(m)) ? NAN : ((const composed *)ctx)->cost(m);
}

static void test_objectives(void)
{
    CHECK(objective_time(&TABLE[0]) == 1.0 && objective_energy(&TABLE[3]) == 1.9 &&
              objective_edp(&TABLE[2]) == 1.10 * 5.0,
          "time, energy and EDP of a measure");
    CHECK(isnan(objective_time(&TABLE[4])) && isnan(objective_energy(&TABLE[5])) &&
              isnan(objective_edp(&TABLE[5])) && isnan(objective_time(&TABLE[6])),
          "a missing or zero measure gives NaN");
    CHECK(objective_least_energy_within(TABLE, TABLE_ROWS, 0) == 0, "within 0%%: the fastest");
    CHECK(objective_least_energy_within(TABLE, TABLE_ROWS, 5) == 1, "within 5%%: row 1");
    CHECK(objective_least_energy_within(TABLE, TABLE_ROWS, 15) == 2, "within 15%%: row 2");
    CHECK(objective_least_energy_within(TABLE, TABLE_ROWS, 250) == 3, "within 250%%: row 3");
    CHECK(objective_least_energy_within(TABLE, TABLE_ROWS, -1) == -1 &&
              objective_least_energy_within(TABLE, TABLE_ROWS, NAN) == -1 &&
              objective_least_energy_within(TABLE + 4, 1, 10) == -1,
          "a negative percent, or no usable row, picks nothing");
    const eval_measure tie[] = {{1.0, 3.0}, {1.01, 2.0}, {1.005, 2.0}};
    CHECK(objective_least_energy_within(tie, 3, 5) == 2, "equal energy: the faster one");

    /* Through the driver: the caller composes the objective and the cache keeps the
     * measures for the selection afterwards. */
    space s;
    space_init(&s);
    char why[256] = "";
    const long rows[] = {0, 1, 2, 3, 4, 5, 6};
    space_add_dim(&s, "row", rows, TABLE_ROWS, why, sizeof why);
    const composed objectives[] = {{objective_time}, {objective_energy}, {objective_edp}};
    const int want[] = {0, 3, 2}, failed[] = {2, 3, 3};
    for (int k = 0; k < 3; k++) {
        eval_cache *c = eval_cache_open(NULL, "", "", why, sizeof why);
        search_options o = search_defaults(SEARCH_EXHAUSTIVE);
        search_result r;
        int rc = search_run(&s, table_objective, (void *)&objectives[k], c, &o, &r, why,
                            sizeof why);
        CHECK(rc == 0 && r.found && r.best[0] == want[k] && r.failed == failed[k],
              "objective %d picks row %d (got %d, %ld failed)", k, want[k], r.best[0], r.failed);
        if (k == 0) {
            int pick = search_least_energy_within(c, 5);
            const eval_entry *e = pick >= 0 ? eval_cache_entry(c, pick) : NULL;
            CHECK(e && !strcmp(e->key, "row=1"), "within 5%% of the fastest, from the cache: %s",
                  e ? e->key : "none");
        }
        search_result_free(&r);
        eval_cache_close(c);
    }
    space_free(&s);
}

int main(void)
{
    test_space();
    test_permutation();
    test_exhaustive();
    test_representatives();
    test_random();
    test_local();
    test_budgets();
    test_stop();
    test_failures();
    test_objectives();
    return fw_test_summary();
}
