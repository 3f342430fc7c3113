/* The search space of one precision and shape class: which fields of fw_config the class
 * searches, over which values, which points are valid on this machine, and the seed (the
 * analytical model's configuration). */
#ifndef TUNER_TUNE_SPACE_H
#define TUNER_TUNE_SPACE_H

#include <stddef.h>

#include "flopwatt.h"
#include "fw_internal.h" /* FW_ROUTE_LEN */
#include "space.h"

/* The fw_config field a dimension sets (the class's kernel field for TUNE_KNOB_KERNEL; the
 * three ways packed into one number for TUNE_KNOB_WAYS). */
typedef enum {
    TUNE_KNOB_KERNEL,
    TUNE_KNOB_MC,
    TUNE_KNOB_KC,
    TUNE_KNOB_NC,
    TUNE_KNOB_WAYS,
    TUNE_KNOB_BIND,
    TUNE_KNOB_SKINNY_K,
    TUNE_KNOB_SKINNY_MN,
    TUNE_KNOB_DIRECT,
    TUNE_KNOB_MIN_PER_THREAD,
    TUNE_KNOB_SPLIT_COLS,
} tune_knob;

/* One call a class is tuned on: m, n, k (GEMV: m x n, k = 1) and the threads it runs on. */
typedef struct tune_shape {
    int m, n, k, threads;
} tune_shape;

/* The shapes a class is tuned on for a team of `team` threads, at most TUNE_MAX_SHAPES.
 * Returns their count. */
#define TUNE_MAX_SHAPES 8
int tune_class_shapes(fw_shape_class cls, int team, tune_shape shapes[TUNE_MAX_SHAPES]);

typedef struct tune_space {
    space s;            /* its validity predicate points back here: do not move a built one */
    tune_knob knob[SPACE_MAX_DIMS]; /* what each dimension of s sets */
    fw_precision prec;
    fw_shape_class cls;
    int threads;        /* team size the layouts are factorisations of */
    fw_config model;    /* the seed: fw_model_config */
    long l2, l3;        /* bytes per core the blocks must fit in (0: not checked) */
} tune_space;

/* Builds the space of prec and cls for a team of threads. Reduced spaces keep a few values
 * per dimension and this ISA's kernels only, so that an exhaustive search over them (the
 * reference the default strategy is validated against) takes minutes. Returns 0, or -1 with
 * a one-line reason. */
int tune_space_build(tune_space *ts, fw_precision prec, fw_shape_class cls, int threads,
                     int reduced, char *why, size_t wlen);
void tune_space_free(tune_space *ts);

/* The configuration point stands for: the model's, with the searched fields set. */
void tune_space_config(const tune_space *ts, const int *point, fw_config *cfg);

/* The point standing for cfg: each searched field's value in its dimension (an NC rounded
 * down to whole tiles, as tune_space_config rounds it, matches the grid value it came from).
 * Fields the space does not search are not compared. Returns 0, or -1 when a value is not
 * in its dimension or the point is invalid here (a profile of another build's grids). */
int tune_space_point_of(const tune_space *ts, const fw_config *cfg, int *point);

/* The code each of the class's shapes runs at point (fw_gemm_route or fw_gemv_route, at
 * the space's team size); rows past the class's shapes are zero. Points with equal routes are one
 * configuration: the space gives them one representative. */
void tune_space_routes(const tune_space *ts, const int *point,
                       long routes[TUNE_MAX_SHAPES][FW_ROUTE_LEN]);

/* Rewrites a valid point, dimension by dimension, to the model's value wherever that keeps
 * it valid and runs the same code on the class's shapes: what the profile should hold,
 * since a value those shapes cannot tell apart still matters for larger calls. The first
 * NC above the square shapes' n (2044) split n = 2048 into two column blocks, the second
 * 4 columns wide, where the model's 8190 runs one. */
void tune_space_prefer_model(const tune_space *ts, int *point);

/* One line naming what a class's configuration chooses, e.g.
 * "avx512_dgemm_16x14 mc=192 kc=384 nc=4088 ways=1x2x1 spread". */
void tune_config_describe(fw_precision prec, fw_shape_class cls, const fw_config *cfg,
                          char *buf, size_t len);

#endif
