/* The tuning report: what flopwatt tune searched, found and chose for each precision and
 * shape class, as a JSON file; the tuning curves (best so far against evaluations) as CSV
 * for a plot; and the lines printed as the run goes. */
#ifndef TUNER_TUNE_REPORT_H
#define TUNER_TUNE_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "flopwatt.h"
#include "search.h"
#include "tune_eval.h"

#define TUNE_DESCRIBE_MAX 256

/* Greatest relative gap between the replayed default strategy's best and the exhaustive
 * best for which --validate passes a class. */
#define TUNE_VALIDATE_TOLERANCE 0.03
/* Re-measurements of a validation's two bests, whose median ratio decides: one alone put two
 * points 0.3% apart on the landscape 4.9% apart, and points whose landscape gaps were 7-11%
 * at -3% to -1% (Zen 3 VM). */
#define TUNE_REMEASURE_ROUNDS 3

/* --validate: the default strategy replayed on the exhaustive search's measurements. */
typedef struct tune_validation {
    long budget;          /* evaluations the replay could spend */
    search_result replay; /* its evaluations, best and curve */
    char replay_best[TUNE_DESCRIBE_MAX]; /* its best configuration, "" when none */
    double ratio;         /* replay best / exhaustive best - 1; NaN when either found none */
    /* The same ratio with both configurations timed again, interleaved and with more
     * samples: a search-grade measurement is noisy, and the exhaustive best is partly the
     * luckiest of hundreds. The median of rounds independent re-measurements (rounds 0:
     * not re-measured); 0 when both are one point; NaN when not re-measured (energy
     * objectives). The verdict rests on it where it exists. */
    double remeasured;
    double remeasured_round[TUNE_REMEASURE_ROUNDS];
    int rounds;
    int pass;
} tune_validation;

typedef enum {
    TUNE_CHOSEN_NONE = -1, /* left untuned, interrupted, or a validation (no profile) */
    TUNE_CHOSEN_MODEL = 0,
    TUNE_CHOSEN_TUNED = 1,
    TUNE_CHOSEN_PREVIOUS = 2, /* the warm start: the configuration of the profile replaced */
} tune_chosen;

typedef struct tune_class_report {
    fw_precision prec;
    fw_shape_class cls;
    char shapes[TUNE_MAX_SHAPES][96]; /* the representative calls, call_describe */
    int nshapes;
    uint64_t space_points, valid_points;
    int searched;     /* r holds a search (free it with tune_class_report_free) */
    search_result r;
    double seconds;   /* the class's wall time: search and confirmation */
    char model[TUNE_DESCRIBE_MAX]; /* the model default, "" when the space was not built */
    double model_cost;             /* its cost under the objective, NaN when unknown */
    char best[TUNE_DESCRIBE_MAX];  /* the search's choice, "" when none */
    double best_cost;
    /* The warm start: the replaced profile's configuration of this class, "" when none;
     * warm: it is a point of this space, where a local search also starts (its cost then). */
    char previous[TUNE_DESCRIBE_MAX];
    int warm;
    double previous_cost;
    /* The re-measurement of the model default, the search's best and the warm start (each
     * NaN when not timed: the best or the warm start is the model's point, or another's) */
    int confirmed;
    double confirm_model_s, confirm_tuned_s, confirm_previous_s;
    tune_chosen chosen;
    char why[512];    /* why chosen, or why the class is left untuned */
    int validated;    /* v holds a validation */
    tune_validation v;
} tune_class_report;

typedef struct tune_run_report {
    fw_fingerprint machine;
    int threads;
    const char *strategy;
    long seed;
    char objective[64]; /* the objective's label, "(model)" where the energy is modeled */
    const char *unit;   /* of every cost: "s", "J" or "J*s" */
    char energy[128];   /* "<source> <domain>" of the meter, or "none" */
    double budget_s;    /* NaN when the run was not budgeted (--validate) */
    double seconds;
    int interrupted;
    const tune_class_report *classes;
    int nclasses;
} tune_run_report;

void tune_class_report_init(tune_class_report *c, fw_precision prec, fw_shape_class cls);
void tune_class_report_free(tune_class_report *c);

/* "model", "tuned" or "previous"; NULL for TUNE_CHOSEN_NONE. */
const char *tune_chosen_name(tune_chosen chosen);

/* "f64" or "f32". */
const char *tune_prec_name(fw_precision prec);

/* Writes the JSON report to json_path and the curves to csv_path, each atomically. Returns
 * 0, or -1 with a one-line reason. */
int tune_report_write(const tune_run_report *r, const char *json_path, const char *csv_path,
                      char *why, size_t wlen);

/* The line printed when a class is done: evaluations, seconds, model and tuned costs,
 * speedup and the configuration chosen (or why there is none). */
void tune_report_print_class(FILE *f, const tune_run_report *r, const tune_class_report *c);

/* The PASS/FAIL table of --validate; returns the number of classes that failed. */
int tune_report_print_validation(FILE *f, const tune_run_report *r);

#endif
