/* Exhaustive search: every valid point in index order. Too slow for real spaces, it is the
 * reference the other strategies are measured against on reduced ones. */
#include "search.h"

int search_exhaustive(search_run_state *st)
{
    const space *s = search_space_of(st);
    int point[SPACE_MAX_DIMS];
    for (int more = space_first_valid(s, point) == 0; more; more = space_next_valid(s, point) == 0) {
        double cost;
        int rc = search_consult(st, point, &cost);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
    }
    return 0;
}
