/* A search space for the tuner: named dimensions, each a finite ordered list of integer
 * values (a kernel index, MC, KC, NC, thread ways...), a validity predicate and a seed
 * point. A point is an array of value indices, one per dimension; it is named by a stable
 * key string such as "kernel=3,mc=240,kc=256", built from the values, not the indices. */
#ifndef TUNER_SPACE_H
#define TUNER_SPACE_H

#include <stddef.h>
#include <stdint.h>

#define SPACE_MAX_DIMS 16
#define SPACE_NAME_MAX 32 /* a dimension's name, with its terminating 0 */
/* Room for any key: every dimension as name=value, separated by commas. */
#define SPACE_KEY_MAX (SPACE_MAX_DIMS * (SPACE_NAME_MAX + 22))

typedef struct space space;

/* Nonzero when point can be evaluated (a tile the CPU runs, blocks that fit). Called often:
 * it must be cheap and must not depend on anything but point and ctx. */
typedef int (*space_valid_fn)(const space *s, const int *point, void *ctx);

/* Rewrites a valid point into the representative of the points that behave the same (for
 * the tuner: that run the same code), itself a valid point. Must be cheap and must map
 * every point of such a set to one representative wherever it can. */
typedef void (*space_canonical_fn)(const space *s, int *point, void *ctx);

typedef struct space_dim {
    char name[SPACE_NAME_MAX];
    long *values;
    int count;
    int categorical; /* values have no order (kernels, thread layouts): see
                      * space_categorical_neighbours */
} space_dim;

struct space {
    int ndims;
    space_dim dim[SPACE_MAX_DIMS];
    space_valid_fn valid; /* NULL: every point is valid */
    void *valid_ctx;
    space_canonical_fn canonical; /* NULL: every point stands for itself */
    void *canonical_ctx;
    int has_seed;
    int seed[SPACE_MAX_DIMS];
};

/* An empty space: no dimension, every point valid, no seed. */
void space_init(space *s);
void space_free(space *s);

/* Appends a dimension (name of letters, digits and '_'; count distinct values, copied).
 * Returns 0, or -1 with a one-line reason when the name or values are unusable, or the
 * space would hold more than 2^62 points. */
int space_add_dim(space *s, const char *name, const long *values, int count, char *why,
                  size_t wlen);

void space_set_valid(space *s, space_valid_fn valid, void *ctx);
void space_set_canonical(space *s, space_canonical_fn canonical, void *ctx);

/* Marks the dimension called name as categorical. Returns 0, or -1 when there is none. */
int space_set_categorical(space *s, const char *name);

/* The seed point (the analytical model's default), given by one value per dimension.
 * Returns 0, or -1 with the reason when a value is not in its dimension. */
int space_set_seed(space *s, const long *values, char *why, size_t wlen);

/* Value of dimension d at point. */
long space_value(const space *s, const int *point, int d);
/* Index of the dimension called name, or -1. */
int space_dim_index(const space *s, const char *name);
int space_is_valid(const space *s, const int *point);

/* Number of points, valid or not. 0 for a space without dimensions. */
uint64_t space_size(const space *s);
/* Number of valid points: walks the whole space. */
uint64_t space_count_valid(const space *s);

/* Position of point in the order of iteration (last dimension fastest), and back. */
uint64_t space_index(const space *s, const int *point);
void space_point_at(const space *s, uint64_t index, int *point);

/* Iteration over valid points in index order: first sets point to the first valid one,
 * next advances it. Each returns 0, or -1 when there is no (further) valid point. */
int space_first_valid(const space *s, int *point);
int space_next_valid(const space *s, int *point);

/* The representative of point into rep: itself when the space has none or point is invalid. */
void space_representative(const space *s, const int *point, int *rep);

/* Writes the key of point ("name=value,..." in dimension order) to key: the key of its
 * representative, so points that behave the same share one key, and so one evaluation.
 * Returns 0, or -1 when len is too small. */
int space_key(const space *s, const int *point, char *key, size_t len);
/* Reads a key back into point. Returns 0, or -1 when it names other dimensions, another
 * order, or a value not in its dimension. */
int space_point_from_key(const space *s, const char *key, int *point);

/* The space's signature, "name=v1|v2|...;name=..." : equal signatures mean equal spaces
 * (the validity predicate aside). Returns a string to free, or NULL when memory runs out. */
char *space_signature(const space *s);

/* The steps each way an ordered dimension's neighbours take, counted in values that run
 * other code: the 1st, 2nd and 4th. Two near ones, because one step of a block size is often
 * too small to tell from noise while the next one is not (from the model's KC, one step
 * measured +0.8% and two steps -1.7% on the way to a 10% gain); and a far one, because a
 * small budget cannot afford many moves: f64 skinny_m's best KC lies 8 values from the
 * model's. Replayed on the exhaustive measurements of five validation runs (64 classes,
 * tiny aside), the search ended within 3% of the best in 53 of them with these steps and the
 * seed's sweep below, against 50 with steps 1 and 2 and the sweep of every combination. */
#define SPACE_ORDERED_STEPS 3

/* Neighbours of point, in kinds that a search may consult apart (every out array must
 * have room for space_neighbour_capacity(s) points; each returns how many it wrote):
 * - ordered: each ordered dimension moved the SPACE_ORDERED_STEPS steps down and up. A step
 *   lands on the nearest valid value that runs other code than the step before it (points
 *   of one representative are one place), so neither a gap of invalid values nor a run of
 *   alike ones walls a search in. A value that is invalid as it stands (a KC whose block no
 *   longer fits L2 at this MC) is completed by the smallest move of one other ordered
 *   dimension that makes it valid (MC down), so a descent can follow the edge of the valid
 *   region: the best blocks often lie on it, and single-dimension steps cannot move along it;
 * - categorical: the categorical dimensions set to every other valid combination of their
 *   values. The order their values are listed in says nothing of how alike they are, and
 *   they interact (a tile wants its own thread layout), so they move together;
 * - categorical, one at a time: one categorical dimension set to every other valid value,
 *   the others kept. Fewer points (kernels plus layouts, not their product) for a first
 *   look around a point where the budget is small. */
int space_neighbour_capacity(const space *s);
int space_ordered_neighbours(const space *s, const int *point, int (*out)[SPACE_MAX_DIMS]);
int space_categorical_neighbours(const space *s, const int *point,
                                 int (*out)[SPACE_MAX_DIMS]);
int space_categorical_single_neighbours(const space *s, const int *point,
                                        int (*out)[SPACE_MAX_DIMS]);

#endif
