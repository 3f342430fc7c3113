/* The search driver: budget, cache, best point and tuning curve; the strategies live in
 * search_<name>.c. Also the permutation and random stream they share, and the objectives. */
#include "search.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct search_run_state {
    const space *s;
    search_objective objective;
    void *ctx;
    eval_cache *store; /* NULL: nothing persists */
    eval_cache *seen;  /* in memory: what this run has consulted */
    search_options o;
    search_result *r;
    double start;
    long curve_cap;
    char *why;
    size_t wlen;
};

search_options search_defaults(search_strategy strategy)
{
    return (search_options){.strategy = strategy, .seed = 1, .patience = 4};
}

static double now(const search_run_state *st)
{
    if (st->o.clock)
        return st->o.clock(st->o.clock_ctx);
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int search_fail(search_run_state *st, const char *why)
{
    snprintf(st->why, st->wlen, "%s", why);
    return -1;
}

static int stopped(const search_run_state *st) { return st->o.stop && *st->o.stop; }

int search_budget_spent(search_run_state *st)
{
    if (stopped(st)) {
        st->r->stop = SEARCH_STOP_INTERRUPTED;
        return 1;
    }
    if (st->o.max_evaluations > 0 && st->r->evaluations >= st->o.max_evaluations) {
        st->r->stop = SEARCH_STOP_EVALUATIONS;
        return 1;
    }
    if (st->o.max_seconds > 0 && now(st) - st->start >= st->o.max_seconds) {
        st->r->stop = SEARCH_STOP_SECONDS;
        return 1;
    }
    return 0;
}

static int record(search_run_state *st, const int *point, double cost, int fresh)
{
    search_result *r = st->r;
    if (r->curve_len == st->curve_cap) {
        long cap = st->curve_cap ? 2 * st->curve_cap : 256;
        search_step *curve = realloc(r->curve, (size_t)cap * sizeof *curve);
        if (!curve) {
            snprintf(st->why, st->wlen, "out of memory recording the tuning curve");
            return -1;
        }
        r->curve = curve;
        st->curve_cap = cap;
    }
    if (!isnan(cost) && (!r->found || cost < r->best_cost)) {
        r->found = 1;
        r->best_cost = cost;
        /* The representative: the configuration the cost belongs to, whichever alike point
         * the strategy reached it by. */
        space_representative(st->s, point, r->best);
    }
    if (isnan(cost))
        r->failed++;
    if (st->s->has_seed && !memcmp(point, st->s->seed, (size_t)st->s->ndims * sizeof *point))
        r->seed_cost = cost;
    r->curve[r->curve_len++] =
        (search_step){cost, r->found ? r->best_cost : NAN, now(st) - st->start, fresh};
    return 0;
}

int search_consult(search_run_state *st, const int *point, double *cost)
{
    *cost = NAN;
    if (!space_is_valid(st->s, point))
        return 0;
    char key[SPACE_KEY_MAX];
    if (space_key(st->s, point, key, sizeof key) != 0) {
        snprintf(st->why, st->wlen, "a point's key is longer than %d characters", SPACE_KEY_MAX);
        return -1;
    }
    const eval_entry *e = eval_cache_find(st->seen, key);
    if (e) {
        *cost = e->cost;
        return 0;
    }
    e = st->store ? eval_cache_find(st->store, key) : NULL;
    int fresh = !e;
    if (e) {
        *cost = e->cost;
        st->r->cache_hits++;
    } else {
        if (search_budget_spent(st))
            return 1;
        json_t *extra = NULL;
        *cost = st->objective(st->s, point, st->ctx, &extra);
        if (stopped(st)) { /* the measurement was cut short: it says nothing of the point */
            json_decref(extra);
            st->r->stop = SEARCH_STOP_INTERRUPTED;
            return 1;
        }
        if (!isfinite(*cost))
            *cost = NAN;
        st->r->evaluations++;
        if (!st->store)
            json_decref(extra);
        else if (eval_cache_add(st->store, key, *cost, extra, st->why, st->wlen) != 0)
            return -1;
    }
    if (eval_cache_add(st->seen, key, *cost, NULL, st->why, st->wlen) != 0)
        return -1;
    return record(st, point, *cost, fresh);
}

int search_seen(const search_run_state *st, const int *point)
{
    char key[SPACE_KEY_MAX];
    return space_key(st->s, point, key, sizeof key) == 0 && eval_cache_find(st->seen, key);
}

const space *search_space_of(const search_run_state *st) { return st->s; }
const search_options *search_options_of(const search_run_state *st) { return &st->o; }

double search_best_cost(const search_run_state *st) { return st->r->best_cost; }

int search_run(const space *s, search_objective objective, void *ctx, eval_cache *cache,
               const search_options *o, search_result *r, char *why, size_t wlen)
{
    static int (*const strategies[])(search_run_state *) = {
        [SEARCH_EXHAUSTIVE] = search_exhaustive,
        [SEARCH_RANDOM] = search_random,
        [SEARCH_LOCAL] = search_local,
    };
    memset(r, 0, sizeof *r);
    r->best_cost = r->seed_cost = NAN;
    if (s->ndims == 0) {
        snprintf(why, wlen, "the search space has no dimension");
        return -1;
    }
    if ((unsigned)o->strategy >= sizeof strategies / sizeof *strategies) {
        snprintf(why, wlen, "unknown search strategy %d", (int)o->strategy);
        return -1;
    }
    search_run_state st = {
        .s = s, .objective = objective, .ctx = ctx, .store = cache, .o = *o, .r = r, .why = why,
        .wlen = wlen};
    st.seen = eval_cache_open(NULL, "", "", why, wlen);
    if (!st.seen)
        return -1;
    st.start = now(&st);
    int rc = strategies[o->strategy](&st);
    r->seconds = now(&st) - st.start;
    eval_cache_close(st.seen);
    if (rc != 0)
        search_result_free(r);
    return rc;
}

void search_result_free(search_result *r)
{
    free(r->curve);
    r->curve = NULL;
    r->curve_len = 0;
}

/* The finaliser of splitmix64 (Steele, Lea and Flood, OOPSLA 2014): a good 64-bit mixer. */
static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* splitmix64: the next number of the stream in *state. */
static uint64_t next_random(uint64_t *state) { return mix(*state += UINT64_C(0x9E3779B97F4A7C15)); }

/* A four-round Feistel network over 2 * half_bits bits is a permutation of [0, 4^half_bits);
 * walking the cycle until the value falls below n (at most four steps on average, as
 * 4^half_bits < 4n) makes it one of [0, n), with no memory per visited index. */
void search_perm_init(search_perm *p, uint64_t n, uint64_t seed)
{
    p->n = n;
    p->half_bits = 1;
    while (p->half_bits < 31 && (UINT64_C(1) << (2 * p->half_bits)) < n)
        p->half_bits++;
    p->mask = (UINT64_C(1) << p->half_bits) - 1;
    for (int k = 0; k < 4; k++)
        p->keys[k] = next_random(&seed);
}

static uint64_t feistel(const search_perm *p, uint64_t x)
{
    uint64_t left = x >> p->half_bits, right = x & p->mask;
    for (int k = 0; k < 4; k++) {
        uint64_t next = left ^ (mix(right ^ p->keys[k]) & p->mask);
        left = right;
        right = next;
    }
    return left << p->half_bits | right;
}

uint64_t search_perm_at(const search_perm *p, uint64_t i)
{
    uint64_t x = i;
    do
        x = feistel(p, x);
    while (x >= p->n);
    return x;
}

static double positive(double x) { return isfinite(x) && x > 0 ? x : NAN; }

double objective_time(const eval_measure *m) { return positive(m->seconds); }
double objective_energy(const eval_measure *m) { return positive(m->joules); }
double objective_edp(const eval_measure *m) { return positive(m->joules) * positive(m->seconds); }

json_t *eval_measure_json(const eval_measure *m)
{
    json_t *o = json_object();
    double v[2] = {m->seconds, m->joules};
    const char *names[2] = {"seconds", "joules"};
    for (int i = 0; o && i < 2; i++)
        if (json_object_set_new(o, names[i], isfinite(v[i]) ? json_real(v[i]) : json_null())) {
            json_decref(o);
            o = NULL;
        }
    return o;
}

static double number_or_nan(const json_t *v) { return json_is_number(v) ? json_number_value(v) : NAN; }

eval_measure eval_measure_from_json(const json_t *extra)
{
    return (eval_measure){number_or_nan(json_object_get(extra, "seconds")),
                          number_or_nan(json_object_get(extra, "joules"))};
}

int objective_least_energy_within(const eval_measure *m, int n, double percent)
{
    if (!(percent >= 0))
        return -1;
    double fastest = INFINITY;
    for (int i = 0; i < n; i++)
        if (objective_time(&m[i]) < fastest)
            fastest = m[i].seconds;
    double limit = fastest * (1 + percent / 100);
    int pick = -1;
    for (int i = 0; i < n; i++) {
        if (!(objective_time(&m[i]) <= limit) || isnan(objective_energy(&m[i])))
            continue;
        if (pick < 0 || m[i].joules < m[pick].joules ||
            (m[i].joules == m[pick].joules && m[i].seconds < m[pick].seconds))
            pick = i;
    }
    return pick;
}

int search_least_energy_within(const eval_cache *c, double percent)
{
    int n = eval_cache_count(c);
    eval_measure *m = malloc((size_t)(n ? n : 1) * sizeof *m);
    if (!m)
        return -1;
    for (int i = 0; i < n; i++) {
        const eval_entry *e = eval_cache_entry(c, i);
        m[i] = isnan(e->cost) ? (eval_measure){NAN, NAN} : eval_measure_from_json(e->extra);
    }
    int pick = objective_least_energy_within(m, n, percent);
    free(m);
    return pick;
}
