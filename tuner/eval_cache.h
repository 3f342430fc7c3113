/* The evaluations of one search space, kept in memory and, when given a path, in a file, so
 * a stopped tuning run resumes where it stopped. The file is a journal of JSON lines:
 *   {"space": "<space signature>", "objective": "<name>"}       first line, the header
 *   {"key": "kernel=3,mc=240", "cost": 1.5e-3, "extra": {...}}   one line per evaluation
 * ("cost" is null for a failed point; "extra" is optional). Each evaluation is appended with
 * one write and flushed to the disk before the call returns, so a kill loses at most the
 * line being written; the file is appended to, never rewritten, as rewriting it whole after
 * each evaluation would cost more than the evaluation. */
#ifndef TUNER_EVAL_CACHE_H
#define TUNER_EVAL_CACHE_H

#include <stddef.h>

#include <jansson.h>

typedef struct eval_entry {
    char *key;
    double cost;   /* NaN: the point failed */
    json_t *extra; /* NULL, or an object the evaluation stored beside its cost */
} eval_entry;

typedef struct eval_cache eval_cache;

/* Opens the cache. With path NULL it lives in memory only. Otherwise the file is created
 * with its header, or its evaluations are loaded: a last line cut short by a kill is dropped
 * (and counted, see eval_cache_dropped) and cut from the file; any other unreadable line, a
 * header for another space or objective, a file that cannot be opened or one that another
 * process holds open for tuning is refused. Returns the cache, or NULL with a one-line
 * reason naming the file (and line) in why. The file's folder must exist. */
eval_cache *eval_cache_open(const char *path, const char *space_signature, const char *objective,
                            char *why, size_t wlen);
void eval_cache_close(eval_cache *c);

/* The evaluation stored under key, or NULL. The entry stays valid until the next add. */
const eval_entry *eval_cache_find(const eval_cache *c, const char *key);

/* Stores an evaluation (a non-finite cost marks a failed point) and, with a file, appends
 * and syncs its line first. extra (NULL or an object) is taken over by the cache, even on
 * failure. A key stored before is replaced; in the file the later line wins. Returns 0, or
 * -1 with a one-line reason. */
int eval_cache_add(eval_cache *c, const char *key, double cost, json_t *extra, char *why,
                   size_t wlen);

/* Entries in the order they were first stored (loaded ones first). */
int eval_cache_count(const eval_cache *c);
const eval_entry *eval_cache_entry(const eval_cache *c, int i);

/* Evaluations loaded from the file when it was opened. */
int eval_cache_loaded(const eval_cache *c);
/* Lines dropped when it was opened because a kill cut them short (0 or 1). */
int eval_cache_dropped(const eval_cache *c);

#endif
