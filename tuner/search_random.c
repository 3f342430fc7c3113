/* Random sampling: valid points in the seeded order of a permutation, so none comes twice
 * and a given seed always draws the same sequence. */
#include "search.h"

int search_random(search_run_state *st)
{
    const space *s = search_space_of(st);
    search_perm perm;
    uint64_t n = space_size(s);
    search_perm_init(&perm, n, search_options_of(st)->seed);
    int point[SPACE_MAX_DIMS];
    for (uint64_t i = 0; i < n && !search_budget_spent(st); i++) {
        space_point_at(s, search_perm_at(&perm, i), point);
        double cost; /* an invalid point is passed over by search_consult */
        int rc = search_consult(st, point, &cost);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
    }
    return 0;
}
