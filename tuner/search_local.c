/* Model-seeded local search, the default strategy.
 *
 * It starts at the space's seed point (the analytical model's choice, usually near the
 * best) and descends: it consults every valid neighbour (each dimension one step down and
 * one up) and moves to the best of them while that beats the current point. Steepest
 * descent rather than first-improvement: first-improvement spends fewer evaluations per
 * step on a slope, but its path, and so the tuned result, would depend on the order in
 * which the dimensions are listed; and a move that must beat every neighbour, not just the
 * current point, is less easily led astray by one noisy measurement. At a minimum both
 * must try every neighbour anyway.
 *
 * When no neighbour is better it restarts from the next unvisited point of a seeded random
 * order: the seed already stands for what the model predicts, so a restart is there to
 * find a basin the model did not predict, which may lie anywhere. Known points cost
 * nothing, so a descent that runs into explored ground ends for free. It stops after
 * `patience` restarts in a row found nothing better, when no unvisited valid point is left,
 * or when the budget is spent. */
#include "search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Descends from point (moved to where it ends). Returns 0 at a minimum or a failed start,
 * 1 when the budget is spent, -1 on an error. */
static int descend(search_run_state *st, int *point)
{
    const space *s = search_space_of(st);
    int (*neighbours)[SPACE_MAX_DIMS] =
        malloc((size_t)space_neighbour_capacity(s) * sizeof *neighbours);
    if (!neighbours)
        return search_fail(st, "out of memory listing neighbours");
    double cost;
    int rc = search_consult(st, point, &cost);
    while (rc == 0 && !isnan(cost)) {
        int n = space_neighbours(s, point, neighbours), best = -1;
        for (int i = 0; i < n && rc == 0; i++) {
            double c;
            rc = search_consult(st, neighbours[i], &c);
            if (rc == 0 && c < cost) { /* false for NaN: a failed point is never a move */
                cost = c;
                best = i;
            }
        }
        if (rc != 0 || best < 0)
            break;
        memcpy(point, neighbours[best], (size_t)s->ndims * sizeof *point);
    }
    free(neighbours);
    return rc;
}

/* The next unvisited valid point of the random order. Returns 1, or 0 when none is left or
 * the budget is spent. */
static int random_start(search_run_state *st, const search_perm *perm, uint64_t *next, int *point)
{
    const space *s = search_space_of(st);
    while (*next < perm->n && !search_budget_spent(st)) {
        space_point_at(s, search_perm_at(perm, (*next)++), point);
        if (space_is_valid(s, point) && !search_seen(st, point))
            return 1;
    }
    return 0;
}

int search_local(search_run_state *st)
{
    const space *s = search_space_of(st);
    const search_options *o = search_options_of(st);
    search_perm perm;
    search_perm_init(&perm, space_size(s), o->seed);
    uint64_t next = 0;
    int point[SPACE_MAX_DIMS];
    int have = s->has_seed && space_is_valid(s, s->seed);
    if (have)
        memcpy(point, s->seed, (size_t)s->ndims * sizeof *point);
    else
        have = random_start(st, &perm, &next, point);
    for (int restart = 0, idle = 0; have; restart++) {
        double before = search_best_cost(st);
        int rc = descend(st, point);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
        double after = search_best_cost(st);
        int improved = after < before || (isnan(before) && !isnan(after));
        if (restart > 0)
            idle = improved ? 0 : idle + 1;
        if (idle >= o->patience)
            break;
        have = random_start(st, &perm, &next, point);
    }
    return 0;
}
