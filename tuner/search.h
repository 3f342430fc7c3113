/* Searching a space for the point of least cost, under a budget of evaluations and seconds.
 * One driver serves every strategy: it never evaluates an invalid point, asks the
 * evaluation cache before the objective (a resumed run spends nothing on points it knows,
 * and no point is evaluated twice), keeps the best point (a failed point, of cost NaN, is
 * never chosen) and records the tuning curve. */
#ifndef TUNER_SEARCH_H
#define TUNER_SEARCH_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "eval_cache.h"
#include "space.h"

/* The cost of point, lower is better; NaN (or any non-finite value) marks a failed point,
 * which is recorded and never chosen. The objective may set *extra to a JSON object stored
 * with the evaluation (the measurements behind the cost); the driver takes it over. */
typedef double (*search_objective)(const space *s, const int *point, void *ctx, json_t **extra);

typedef enum search_strategy {
    SEARCH_EXHAUSTIVE, /* every valid point, in index order: the reference on reduced spaces */
    SEARCH_RANDOM,     /* valid points in a seeded random order, none twice */
    SEARCH_LOCAL,      /* descent from the seed point, with restarts (search_local.c) */
} search_strategy;

typedef struct search_options {
    search_strategy strategy;
    long max_evaluations; /* fresh evaluations (cache hits are free); <= 0: no limit */
    double max_seconds;   /* checked before each evaluation; <= 0: no limit */
    uint64_t seed;        /* of the random order and the restarts */
    /* Local search: restarts in a row that find nothing better before it stops. */
    int patience;
    /* Local search: a warm start, e.g. the point an earlier tuning run chose (NULL: none).
     * It gets the second descent, after the seed's and before any random restart, so the
     * seed's descent is the same with or without it (search_local.c says why). Ignored
     * when invalid. */
    const int *start;
    /* When set non-zero (by a signal handler) the run stops before the next evaluation, and
     * an evaluation it interrupted is neither recorded nor stored. NULL: never. */
    const volatile sig_atomic_t *stop;
    /* Seconds of a monotonic clock; NULL: CLOCK_MONOTONIC. Tests pass a fake one. */
    double (*clock)(void *ctx);
    void *clock_ctx;
} search_options;

/* Seed 1, patience 4, no budget, CLOCK_MONOTONIC. */
search_options search_defaults(search_strategy strategy);

/* One point consulted by the run, in order: a point is counted once, when it is first
 * evaluated or found in the cache. */
typedef struct search_step {
    double cost;    /* NaN for a failed point */
    double best;    /* best cost so far, NaN while none has succeeded */
    double seconds; /* since the run began */
    int fresh;      /* 1: evaluated now; 0: answered by the cache */
} search_step;

typedef enum search_stop {
    SEARCH_STOP_DONE,        /* the strategy ended on its own */
    SEARCH_STOP_EVALUATIONS, /* the evaluation budget was spent */
    SEARCH_STOP_SECONDS,     /* the time budget was spent */
    SEARCH_STOP_INTERRUPTED, /* *stop was set */
} search_stop;

typedef struct search_result {
    int found;                 /* a point succeeded: best and best_cost are set */
    int best[SPACE_MAX_DIMS];
    double best_cost;
    double seed_cost;          /* cost of the space's seed point if it was consulted, else NaN */
    long evaluations;          /* fresh calls of the objective */
    long cache_hits;           /* points answered by the cache */
    long failed;               /* consulted points of cost NaN */
    double seconds;
    search_stop stop;
    search_step *curve;        /* one step per consulted point: the tuning curve */
    long curve_len;
} search_result;

/* Runs o->strategy over s. cache (NULL: none) answers known points and stores new ones; a
 * memory-only cache keeps the run's evaluations for a selection afterwards.
 * Returns 0 with *r filled (free it with search_result_free), or -1 with a one-line reason
 * when the cache cannot store an evaluation or memory runs out. */
int search_run(const space *s, search_objective objective, void *ctx, eval_cache *cache,
               const search_options *o, search_result *r, char *why, size_t wlen);
void search_result_free(search_result *r);

/* What the strategies share. */
typedef struct search_run_state search_run_state;

/* Consults point: the cost known to this run, or the cache's, or a fresh evaluation. Returns
 * 0 with *cost, 1 when the budget is spent (nothing is evaluated then), -1 on an error
 * (the run stops). An invalid point is never evaluated: it costs NaN and is not recorded. */
int search_consult(search_run_state *st, const int *point, double *cost);
/* Ends the run with an error: keeps why for search_run's caller and returns -1. */
int search_fail(search_run_state *st, const char *why);
/* Whether this run has consulted point. */
int search_seen(const search_run_state *st, const int *point);
/* Whether the budget is spent or the run was told to stop. */
int search_budget_spent(search_run_state *st);
const space *search_space_of(const search_run_state *st);
const search_options *search_options_of(const search_run_state *st);
/* The best cost so far, NaN while no point has succeeded. */
double search_best_cost(const search_run_state *st);

/* The strategies: each returns 0 when it ends or the budget is spent, -1 on an error. */
int search_exhaustive(search_run_state *st);
int search_random(search_run_state *st);
int search_local(search_run_state *st);

/* A seeded pseudo-random permutation of [0, n): search_perm_at(p, i) for i = 0, 1, ... n-1
 * visits every index once, in an order fixed by the seed, without storing the order. */
typedef struct search_perm {
    uint64_t n, mask;
    int half_bits;
    uint64_t keys[4];
} search_perm;
void search_perm_init(search_perm *p, uint64_t n, uint64_t seed);
uint64_t search_perm_at(const search_perm *p, uint64_t i);

/* Objectives over a measured point. Every evaluation should store its measure as
 * extra {"seconds": s, "joules": j} (eval_measure_json), so that the evaluated set can
 * still be chosen from under another objective afterwards. */
typedef struct eval_measure {
    double seconds, joules; /* NaN when not measured */
} eval_measure;

double objective_time(const eval_measure *m);   /* seconds */
double objective_energy(const eval_measure *m); /* joules */
double objective_edp(const eval_measure *m);    /* energy-delay product, joules * seconds */
/* Each NaN unless its inputs are finite and positive. */

json_t *eval_measure_json(const eval_measure *m);
/* Reads extra back (missing or null fields give NaN). */
eval_measure eval_measure_from_json(const json_t *extra);

/* "Least energy among points within percent of the fastest": a guarantee on time cannot be
 * a cost of one point, since it depends on the fastest of all. So it is a selection after
 * the search: run the search with the time objective (so the fastest point is found), then
 * choose among everything evaluated. Returns the index in m[0..n) of least joules among
 * the points whose seconds are at most (1 + percent / 100) times the least seconds (ties:
 * the faster one), or -1 when no point has both a time and an energy. */
int objective_least_energy_within(const eval_measure *m, int n, double percent);
/* The same over every evaluation in the cache (their extra measures): the entry's index,
 * or -1. */
int search_least_energy_within(const eval_cache *c, double percent);

#endif
