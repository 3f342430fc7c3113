/* Result files: one JSON per run (schema in results/README.md, written and read with
 * jansson) and a CSV beside it, both written atomically. */
#ifndef BENCH_RESULTS_H
#define BENCH_RESULTS_H

#include <stddef.h>

#include "record.h"

/* The run as a JSON object following the schema (a new reference). */
json_t *results_to_json(const bench_run *r);

/* The records as CSV: a header line, then one line per record (columns in
 * results/README.md). A malloc'd string, NULL when out of memory. */
char *results_csv(const bench_run *r);

/* Writes <dir>/<machine-id>/<started_utc>.json and .csv, ':' in the time written as '-'
 * so the name is portable (the folder is created; the run is validated first), each
 * through a temporary file and rename, so a reader never sees half a file. Fills path
 * with the JSON file's name. Returns 0, or -1 with a one-line reason in why. */
int results_write(const bench_run *r, const char *dir, char *path, size_t plen, char *why,
                  size_t wlen);

/* Checks that dir (created if missing) can take result files, before a run spends time:
 * returns 0, or -1 with a one-line reason. */
int results_check_writable(const char *dir, char *why, size_t wlen);

/* Reads and validates a result file into *r (bench_run_init first). Returns 0, or -1 with
 * a one-line reason: unreadable, not JSON, not a flopwatt result, a schema violation
 * (which key, which record). */
int results_read(const char *path, bench_run *r, char *why, size_t wlen);

/* Validates a parsed document against the schema. Returns 0 or -1 with the reason. */
int results_validate(const json_t *doc, char *why, size_t wlen);

/* Validates a parsed document and fills *r from it (bench_run_init first; on failure *r
 * is left empty). Returns 0, or -1 with the reason. */
int results_from_json(const json_t *doc, bench_run *r, char *why, size_t wlen);

#endif
