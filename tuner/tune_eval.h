/* Measuring configurations of one precision and shape class on the class's representative
 * shapes, with the harness's timing, verification and energy (bench/runner.h). Operands are
 * allocated once per class, not per evaluation. */
#ifndef TUNER_TUNE_EVAL_H
#define TUNER_TUNE_EVAL_H

#include <signal.h>
#include <stddef.h>

#include "blas_call.h"
#include "energy.h"
#include "search.h"
#include "tune_space.h"

typedef struct tune_eval tune_eval;

/* Opens the evaluator of prec and cls at threads threads. meter (NULL: no energy) is read
 * around every measured batch; stop (NULL: never) interrupts a measurement. Returns NULL
 * with a one-line reason when the operands cannot be allocated. */
tune_eval *tune_eval_open(fw_precision prec, fw_shape_class cls, int threads,
                          energy_meter *meter, const volatile sig_atomic_t *stop, char *why,
                          size_t wlen);
void tune_eval_close(tune_eval *e);

/* The representative shapes: calls[0..n) (valid until close). */
int tune_eval_shapes(const tune_eval *e, const blas_call **calls);

/* Measures cfg on every shape: 0 with *m, the geometric means over the shapes of seconds and
 * joules per call (joules NaN without a meter); -1 with why when a result is wrong or a
 * call fails (a failed point); -3 when stopped. */
int tune_eval_measure(tune_eval *e, const fw_config *cfg, eval_measure *m, char *why,
                      size_t wlen);

/* Times cfgs[0..n) interleaved (n <= TUNE_CONFIRM_MAX), with more samples than a search
 * evaluation takes, so the search's best is confirmed against the model default (and an
 * earlier run's choice) free of the winner's curse: 0 with sec[i] the geometric mean of the
 * median seconds per call of cfgs[i], -1 or -3 as above. */
#define TUNE_CONFIRM_MAX 3
int tune_eval_confirm(tune_eval *e, const fw_config *const *cfgs, int n, double *sec,
                      char *why, size_t wlen);

typedef enum { TUNE_OBJ_TIME, TUNE_OBJ_ENERGY, TUNE_OBJ_EDP } tune_objective_kind;

/* The search objective (search_objective) over a tune_space: ctx is a tune_objective_ctx.
 * Stores {"seconds", "joules"} as the evaluation's extra, and, for a failed point, "error". */
typedef struct tune_objective_ctx {
    tune_eval *eval;
    const tune_space *space;
    tune_objective_kind kind;
} tune_objective_ctx;

double tune_objective(const space *s, const int *point, void *ctx, json_t **extra);

#endif
