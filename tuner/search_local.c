/* Model-seeded local search, the default strategy.
 *
 * It starts at the space's seed point (the analytical model's choice, usually near the
 * best) and descends. Each move first consults the ordered neighbours (block sizes and
 * thresholds, one and two steps each way) and only when none of them is better the
 * categorical ones (every other kernel and thread layout together). An ordered step costs a
 * few evaluations; a categorical one costs one per combination (ten or more for kernel x
 * layout), and a kernel change wants its blocks retuned after it anyway. Consulting both
 * kinds at every move spent most of a budget of 15% of the space on categorical
 * combinations around the seed, before the blocks had moved.
 *
 * The one exception is the first move from the seed, which looks at the categorical
 * dimensions first, one at a time (every other kernel, then every other layout). Outside
 * the direct-path classes the model's kernel is only the first of its ISA and precision,
 * not a prediction, and once the thresholds have moved to suit it, other kernels are judged
 * where they may be at their worst: for f32 skinny_n the descent left the skinny route,
 * where the 16x24 tile is fastest, for the 32x14's sake, and tried 16x24 only on the blocked
 * route, where it is slowest. Replayed on the exhaustive measurements of three validation
 * runs, the search ended within 3% of the best in 26 of 42 classes with a first sweep of
 * every kernel x layout combination, against 21 without. One dimension at a time costs
 * kernels plus layouts instead of their product (6 evaluations instead of 14 on an f32
 * reduced space at 2 threads); the product left f32 skinny_m's validation (budget 15)
 * nothing for its blocks; see SPACE_ORDERED_STEPS for what the two changes gave together.
 * At a local minimum the combinations are still consulted together: replayed on one
 * validation's measurements, one dimension at a time there too fixed two classes and took
 * f64 skinny_n from +0.00% to +23.71% of the best.
 *
 * Within a kind the move is the steepest, not the first improvement: first-improvement
 * spends fewer evaluations on a slope, but its path, and so the tuned result, would depend
 * on the order in which the dimensions are listed; and a move that must beat every
 * neighbour, not just the current point, is less easily led astray by one noisy
 * measurement.
 *
 * A warm start (search_options.start, an earlier run's choice) gets the second descent,
 * right after the seed's and before any random restart, without the categorical sweep
 * (that point's kernel and layout were chosen by a search already). Tuning runs of one
 * machine then build on each other instead of each ending wherever its own noise led it
 * (on a flat landscape such as f32 square's, a few percent separate the picks of two runs,
 * and the noise decides). It comes second, not first, so that the seed's descent is the
 * same with or without it: a run stopped after some classes were written to the profile
 * resumes along the path it had taken, every point of it in the cache, where starting from
 * those classes' new choices would search them again.
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

typedef int (*neighbours_fn)(const space *s, const int *point, int (*out)[SPACE_MAX_DIMS]);

/* Moves point to the best of its neighbours of one kind when that beats *cost, and says in
 * *moved whether it did. Returns search_consult's 0, 1 (budget spent) or -1. */
static int steepest_move(search_run_state *st, neighbours_fn kind, int *point, double *cost,
                         int (*neighbours)[SPACE_MAX_DIMS], int *moved)
{
    const space *s = search_space_of(st);
    int n = kind(s, point, neighbours), best = -1;
    *moved = 0;
    for (int i = 0; i < n; i++) {
        double c;
        int rc = search_consult(st, neighbours[i], &c);
        if (rc != 0)
            return rc;
        if (c < *cost) { /* false for NaN: a failed point is never a move */
            *cost = c;
            best = i;
        }
    }
    if (best >= 0) {
        memcpy(point, neighbours[best], (size_t)s->ndims * sizeof *point);
        *moved = 1;
    }
    return 0;
}

/* Descends from point (moved to where it ends); categorical_first: the first move consults
 * the categorical neighbours before the ordered ones. Returns 0 at a minimum or a failed
 * start, 1 when the budget is spent, -1 on an error. */
static int descend(search_run_state *st, int *point, int categorical_first)
{
    const space *s = search_space_of(st);
    int (*neighbours)[SPACE_MAX_DIMS] =
        malloc((size_t)space_neighbour_capacity(s) * sizeof *neighbours);
    if (!neighbours)
        return search_fail(st, "out of memory listing neighbours");
    double cost;
    int rc = search_consult(st, point, &cost), moved = 1;
    if (rc == 0 && !isnan(cost) && categorical_first) {
        rc = steepest_move(st, space_categorical_single_neighbours, point, &cost, neighbours,
                           &moved);
        moved = 1; /* the ordered neighbours are still to be consulted */
    }
    while (rc == 0 && !isnan(cost) && moved) {
        rc = steepest_move(st, space_ordered_neighbours, point, &cost, neighbours, &moved);
        if (rc == 0 && !moved)
            rc = steepest_move(st, space_categorical_neighbours, point, &cost, neighbours,
                               &moved);
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
    int point[SPACE_MAX_DIMS], rc = 0;
    const int seeded = s->has_seed && space_is_valid(s, s->seed);
    const int warm = o->start && space_is_valid(s, o->start);
    /* The seed's descent, then the warm start's, or a random point's when there is neither:
     * none of them counts against the patience. */
    if (seeded) {
        memcpy(point, s->seed, (size_t)s->ndims * sizeof *point);
        rc = descend(st, point, 1);
    }
    if (rc == 0 && warm) {
        memcpy(point, o->start, (size_t)s->ndims * sizeof *point);
        rc = descend(st, point, 0);
    }
    if (rc == 0 && !seeded && !warm && random_start(st, &perm, &next, point))
        rc = descend(st, point, 0);
    for (int idle = 0; rc == 0 && idle < o->patience && random_start(st, &perm, &next, point);) {
        double before = search_best_cost(st);
        rc = descend(st, point, 0);
        double after = search_best_cost(st);
        int improved = after < before || (isnan(before) && !isnan(after));
        idle = improved ? 0 : idle + 1;
    }
    return rc < 0 ? -1 : 0;
}
