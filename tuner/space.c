#include "space.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Large enough that no practical space is refused, small enough that index arithmetic
 * never overflows. */
#define SPACE_MAX_POINTS (UINT64_C(1) << 62)

void space_init(space *s) { memset(s, 0, sizeof *s); }

void space_free(space *s)
{
    for (int d = 0; d < s->ndims; d++)
        free(s->dim[d].values);
    space_init(s);
}

static int name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= SPACE_NAME_MAX)
        return 0;
    for (const char *p = name; *p; p++)
        if (!(*p == '_' || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
              (*p >= 'A' && *p <= 'Z')))
            return 0;
    return 1;
}

int space_add_dim(space *s, const char *name, const long *values, int count, char *why,
                  size_t wlen)
{
    if (s->ndims == SPACE_MAX_DIMS) {
        snprintf(why, wlen, "a search space has at most %d dimensions", SPACE_MAX_DIMS);
        return -1;
    }
    if (!name_ok(name)) {
        snprintf(why, wlen, "dimension name \"%s\" must be 1 to %d letters, digits or '_'", name,
                 SPACE_NAME_MAX - 1);
        return -1;
    }
    if (space_dim_index(s, name) >= 0) {
        snprintf(why, wlen, "dimension %s is already in the space", name);
        return -1;
    }
    if (count < 1) {
        snprintf(why, wlen, "dimension %s has no value", name);
        return -1;
    }
    for (int i = 0; i < count; i++)
        for (int j = 0; j < i; j++)
            if (values[i] == values[j]) {
                snprintf(why, wlen, "dimension %s lists the value %ld twice", name, values[i]);
                return -1;
            }
    uint64_t size = s->ndims ? space_size(s) : 1;
    if (size > SPACE_MAX_POINTS / (uint64_t)count) {
        snprintf(why, wlen, "dimension %s makes the space larger than 2^62 points", name);
        return -1;
    }
    long *copy = malloc((size_t)count * sizeof *copy);
    if (!copy) {
        snprintf(why, wlen, "out of memory adding dimension %s", name);
        return -1;
    }
    memcpy(copy, values, (size_t)count * sizeof *copy);
    space_dim *dim = &s->dim[s->ndims++];
    snprintf(dim->name, sizeof dim->name, "%s", name);
    dim->values = copy;
    dim->count = count;
    return 0;
}

void space_set_valid(space *s, space_valid_fn valid, void *ctx)
{
    s->valid = valid;
    s->valid_ctx = ctx;
}

void space_set_canonical(space *s, space_canonical_fn canonical, void *ctx)
{
    s->canonical = canonical;
    s->canonical_ctx = ctx;
}

static int value_index(const space_dim *dim, long value)
{
    for (int i = 0; i < dim->count; i++)
        if (dim->values[i] == value)
            return i;
    return -1;
}

int space_set_seed(space *s, const long *values, char *why, size_t wlen)
{
    int seed[SPACE_MAX_DIMS];
    for (int d = 0; d < s->ndims; d++) {
        seed[d] = value_index(&s->dim[d], values[d]);
        if (seed[d] < 0) {
            snprintf(why, wlen, "seed value %s=%ld is not in its dimension", s->dim[d].name,
                     values[d]);
            return -1;
        }
    }
    memcpy(s->seed, seed, sizeof seed);
    s->has_seed = 1;
    return 0;
}

long space_value(const space *s, const int *point, int d) { return s->dim[d].values[point[d]]; }

int space_dim_index(const space *s, const char *name)
{
    for (int d = 0; d < s->ndims; d++)
        if (!strcmp(s->dim[d].name, name))
            return d;
    return -1;
}

int space_is_valid(const space *s, const int *point)
{
    return !s->valid || s->valid(s, point, s->valid_ctx);
}

uint64_t space_size(const space *s)
{
    if (s->ndims == 0)
        return 0;
    uint64_t size = 1;
    for (int d = 0; d < s->ndims; d++)
        size *= (uint64_t)s->dim[d].count;
    return size;
}

uint64_t space_count_valid(const space *s)
{
    int point[SPACE_MAX_DIMS];
    uint64_t n = 0;
    for (int more = space_first_valid(s, point) == 0; more; more = space_next_valid(s, point) == 0)
        n++;
    return n;
}

uint64_t space_index(const space *s, const int *point)
{
    uint64_t index = 0;
    for (int d = 0; d < s->ndims; d++)
        index = index * (uint64_t)s->dim[d].count + (uint64_t)point[d];
    return index;
}

void space_point_at(const space *s, uint64_t index, int *point)
{
    for (int d = s->ndims - 1; d >= 0; d--) {
        uint64_t count = (uint64_t)s->dim[d].count;
        point[d] = (int)(index % count);
        index /= count;
    }
}

/* Advances point by one in index order; 0, or -1 when it was the last point. */
static int step(const space *s, int *point)
{
    for (int d = s->ndims - 1; d >= 0; d--) {
        if (++point[d] < s->dim[d].count)
            return 0;
        point[d] = 0;
    }
    return -1;
}

int space_next_valid(const space *s, int *point)
{
    while (step(s, point) == 0)
        if (space_is_valid(s, point))
            return 0;
    return -1;
}

int space_first_valid(const space *s, int *point)
{
    if (s->ndims == 0)
        return -1;
    memset(point, 0, (size_t)s->ndims * sizeof *point);
    return space_is_valid(s, point) ? 0 : space_next_valid(s, point);
}

void space_representative(const space *s, const int *point, int *rep)
{
    memcpy(rep, point, (size_t)s->ndims * sizeof *rep);
    if (s->canonical && space_is_valid(s, rep))
        s->canonical(s, rep, s->canonical_ctx);
}

int space_key(const space *s, const int *point, char *key, size_t len)
{
    int rep[SPACE_MAX_DIMS];
    space_representative(s, point, rep);
    size_t used = 0;
    for (int d = 0; d < s->ndims; d++) {
        int n = snprintf(key + used, len - used, "%s%s=%ld", d ? "," : "", s->dim[d].name,
                         space_value(s, rep, d));
        if (n < 0 || (size_t)n >= len - used)
            return -1;
        used += (size_t)n;
    }
    return 0;
}

int space_point_from_key(const space *s, const char *key, int *point)
{
    const char *p = key;
    for (int d = 0; d < s->ndims; d++) {
        size_t n = strlen(s->dim[d].name);
        if ((d && *p++ != ',') || strncmp(p, s->dim[d].name, n) || p[n] != '=')
            return -1;
        p += n + 1;
        if (*p != '-' && (*p < '0' || *p > '9'))
            return -1; /* strtol would also take spaces and '+' */
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno || (*end && *end != ','))
            return -1;
        point[d] = value_index(&s->dim[d], v);
        if (point[d] < 0)
            return -1;
        p = end;
    }
    return *p || s->ndims == 0 ? -1 : 0;
}

char *space_signature(const space *s)
{
    size_t len = 1;
    for (int d = 0; d < s->ndims; d++)
        len += strlen(s->dim[d].name) + 2 + (size_t)s->dim[d].count * 21;
    char *sig = malloc(len), *p = sig;
    if (!sig)
        return NULL;
    *p = 0;
    for (int d = 0; d < s->ndims; d++) {
        p += sprintf(p, "%s%s=", d ? ";" : "", s->dim[d].name);
        for (int i = 0; i < s->dim[d].count; i++)
            p += sprintf(p, "%s%ld", i ? "|" : "", s->dim[d].values[i]);
    }
    return sig;
}

int space_set_categorical(space *s, const char *name)
{
    int d = space_dim_index(s, name);
    if (d < 0)
        return -1;
    s->dim[d].categorical = 1;
    return 0;
}

/* Categorical dimensions interact (a tile wants its own thread layout), so they move
 * together: every combination of their values but the current one is a neighbour. */
static int categorical_combinations(const space *s)
{
    int n = 1;
    for (int d = 0; d < s->ndims; d++)
        if (s->dim[d].categorical)
            n *= s->dim[d].count;
    return n;
}

int space_neighbour_capacity(const space *s)
{
    int n = categorical_combinations(s) - 1;
    for (int d = 0; d < s->ndims; d++)
        n += s->dim[d].categorical ? 0 : 2 * SPACE_ORDERED_STEPS;
    return n;
}

/* Completes q, invalid after a step of dimension d, with the smallest move of one other
 * ordered dimension that makes it valid: nearer values first, then lower dimensions, down
 * before up. Returns 1 when one exists (q then holds it), else 0 (q unchanged). */
static int follow_the_wall(const space *s, int d, int *q)
{
    int widest = 0;
    for (int e = 0; e < s->ndims; e++)
        if (!s->dim[e].categorical && e != d && s->dim[e].count > widest)
            widest = s->dim[e].count;
    for (int dist = 1; dist < widest; dist++)
        for (int e = 0; e < s->ndims; e++) {
            if (s->dim[e].categorical || e == d)
                continue;
            for (int dir = -1; dir <= 1; dir += 2) {
                int v = q[e] + dir * dist, was = q[e];
                if (v < 0 || v >= s->dim[e].count)
                    continue;
                q[e] = v;
                if (space_is_valid(s, q))
                    return 1;
                q[e] = was;
            }
        }
    return 0;
}

/* Which distinct values each way are ordered neighbours (see space.h). */
static const int ordered_steps[SPACE_ORDERED_STEPS] = {1, 2, 4};

int space_ordered_neighbours(const space *s, const int *point, int (*out)[SPACE_MAX_DIMS])
{
    int n = 0, here[SPACE_MAX_DIMS];
    space_representative(s, point, here);
    for (int d = 0; d < s->ndims; d++) {
        if (s->dim[d].categorical)
            continue;
        for (int dir = -1; dir <= 1; dir += 2) {
            int q[SPACE_MAX_DIMS], last[SPACE_MAX_DIMS], steps = 0, taken = 0;
            memcpy(q, here, (size_t)s->ndims * sizeof *q);
            memcpy(last, here, (size_t)s->ndims * sizeof *last);
            for (q[d] += dir; taken < SPACE_ORDERED_STEPS && q[d] >= 0 && q[d] < s->dim[d].count;
                 q[d] += dir) {
                int rep[SPACE_MAX_DIMS], p[SPACE_MAX_DIMS];
                memcpy(p, q, (size_t)s->ndims * sizeof *p);
                if (!space_is_valid(s, p) && !follow_the_wall(s, d, p))
                    continue;
                space_representative(s, p, rep);
                if (!memcmp(rep, last, (size_t)s->ndims * sizeof *rep))
                    continue; /* runs the same code as the step before: not a step */
                memcpy(last, rep, (size_t)s->ndims * sizeof *last);
                if (++steps == ordered_steps[taken]) {
                    memcpy(out[n++], p, (size_t)s->ndims * sizeof *p);
                    taken++;
                }
            }
        }
    }
    return n;
}

int space_categorical_neighbours(const space *s, const int *point,
                                 int (*out)[SPACE_MAX_DIMS])
{
    int n = 0;
    const int combinations = categorical_combinations(s);
    for (int c = 0; c < combinations; c++) {
        int *q = out[n], rest = c, same = 1;
        memcpy(q, point, (size_t)s->ndims * sizeof *q);
        for (int d = 0; d < s->ndims; d++)
            if (s->dim[d].categorical) {
                q[d] = rest % s->dim[d].count;
                rest /= s->dim[d].count;
                same &= q[d] == point[d];
            }
        n += !same && space_is_valid(s, q);
    }
    return n;
}

int space_categorical_single_neighbours(const space *s, const int *point,
                                        int (*out)[SPACE_MAX_DIMS])
{
    int n = 0;
    for (int d = 0; d < s->ndims; d++) {
        if (!s->dim[d].categorical)
            continue;
        for (int v = 0; v < s->dim[d].count; v++) {
            if (v == point[d])
                continue;
            memcpy(out[n], point, (size_t)s->ndims * sizeof *out[n]);
            out[n][d] = v;
            n += space_is_valid(s, out[n]);
        }
    }
    return n;
}
