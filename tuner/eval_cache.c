#include "eval_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"

struct eval_cache {
    eval_entry *entries;
    int count, cap;
    int *slots; /* open-addressing table of entry indices, -1 when empty */
    int nslots; /* a power of two, at least twice count */
    int loaded, dropped;
    int fd; /* -1: memory only */
    off_t size;
    char *path;
};

/* FNV-1a: short keys, no adversary. */
static uint32_t hash(const char *key)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

/* The slot holding key, or the empty slot where it would go. */
static int slot_of(const eval_cache *c, const char *key)
{
    int mask = c->nslots - 1, i = (int)(hash(key) & (uint32_t)mask);
    while (c->slots[i] >= 0 && strcmp(c->entries[c->slots[i]].key, key))
        i = (i + 1) & mask;
    return i;
}

static int grow_slots(eval_cache *c)
{
    int n = c->nslots ? 2 * c->nslots : 64;
    int *slots = malloc((size_t)n * sizeof *slots);
    if (!slots)
        return -1;
    free(c->slots);
    c->slots = slots;
    c->nslots = n;
    memset(slots, 0xff, (size_t)n * sizeof *slots);
    for (int e = 0; e < c->count; e++)
        c->slots[slot_of(c, c->entries[e].key)] = e;
    return 0;
}

const eval_entry *eval_cache_find(const eval_cache *c, const char *key)
{
    int e = c->slots[slot_of(c, key)];
    return e < 0 ? NULL : &c->entries[e];
}

/* Stores in memory, taking extra over; -1 when memory runs out. */
static int remember(eval_cache *c, const char *key, double cost, json_t *extra)
{
    int s = slot_of(c, key);
    if (c->slots[s] >= 0) {
        eval_entry *old = &c->entries[c->slots[s]];
        json_decref(old->extra);
        old->cost = cost;
        old->extra = extra;
        return 0;
    }
    char *copy = NULL;
    if (2 * (c->count + 1) > c->nslots) {
        if (grow_slots(c) != 0)
            goto fail;
        s = slot_of(c, key);
    }
    if (c->count == c->cap) {
        int cap = c->cap ? 2 * c->cap : 64;
        eval_entry *entries = realloc(c->entries, (size_t)cap * sizeof *entries);
        if (!entries)
            goto fail;
        c->entries = entries;
        c->cap = cap;
    }
    if (!(copy = strdup(key)))
        goto fail;
    c->entries[c->count] = (eval_entry){copy, cost, extra};
    c->slots[s] = c->count++;
    return 0;
fail:
    json_decref(extra);
    return -1;
}


/* Appends one JSON line (taking obj) and syncs it; on failure the file is cut back to its
 * previous end, so a later line does not follow half of this one. */
static int append_line(eval_cache *c, json_t *obj, char *why, size_t wlen)
{
    char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
    json_decref(obj);
    if (!text) {
        snprintf(why, wlen, "out of memory writing %s", c->path);
        return -1;
    }
    size_t len = strlen(text);
    text[len] = '\n'; /* replaces the terminator: the line is written whole in one call */
    int failed = fw_write_all(c->fd, text, len + 1) != 0 || fsync(c->fd) != 0;
    int err = errno;
    free(text);
    if (failed) {
        int cut = ftruncate(c->fd, c->size) == 0;
        snprintf(why, wlen, "cannot write %s: %s%s", c->path, strerror(err),
                 cut ? "" : " (its partial last line is dropped when it is opened again)");
        return -1;
    }
    c->size += (off_t)(len + 1);
    return 0;
}

int eval_cache_add(eval_cache *c, const char *key, double cost, json_t *extra, char *why,
                   size_t wlen)
{
    if (!isfinite(cost))
        cost = NAN;
    if (extra && !json_is_object(extra)) {
        json_decref(extra);
        snprintf(why, wlen, "the extra data of evaluation %s is not a JSON object", key);
        return -1;
    }
    if (c->fd >= 0) {
        json_t *line = json_object();
        int bad = !line || json_object_set_new(line, "key", json_string(key)) ||
                  json_object_set_new(line, "cost", isnan(cost) ? json_null() : json_real(cost)) ||
                  (extra && json_object_set(line, "extra", extra));
        if (bad) {
            json_decref(line);
            line = NULL;
        }
        if (append_line(c, line, why, wlen) != 0) {
            json_decref(extra);
            return -1;
        }
    }
    if (remember(c, key, cost, extra) != 0) {
        snprintf(why, wlen, "out of memory storing evaluation %s", key);
        return -1;
    }
    return 0;
}

/* Checks the header line against the expected space and objective. */
static int check_header(const eval_cache *c, const json_t *h, const char *space_signature,
                        const char *objective, char *why, size_t wlen)
{
    const char *sig = json_string_value(json_object_get(h, "space"));
    const char *obj = json_string_value(json_object_get(h, "objective"));
    if (!sig || !obj) {
        snprintf(why, wlen, "%s:1: not an evaluation cache header (want \"space\" and \"objective\")",
                 c->path);
        return -1;
    }
    if (strcmp(sig, space_signature)) {
        snprintf(why, wlen, "%s holds evaluations of another search space; refusing to mix them",
                 c->path);
        return -1;
    }
    if (strcmp(obj, objective)) {
        snprintf(why, wlen, "%s holds evaluations for objective %s, not %s; refusing to mix them",
                 c->path, obj, objective);
        return -1;
    }
    return 0;
}

/* Loads one evaluation line (line number n). */
static int load_entry(eval_cache *c, const json_t *e, int n, char *why, size_t wlen)
{
    const char *key = json_string_value(json_object_get(e, "key"));
    const json_t *cost = json_object_get(e, "cost");
    json_t *extra = json_object_get(e, "extra");
    if (!key || !*key || !cost || !(json_is_number(cost) || json_is_null(cost)) ||
        (extra && !json_is_object(extra))) {
        snprintf(why, wlen, "%s:%d: not an evaluation (want \"key\", \"cost\" and an optional "
                 "\"extra\" object)", c->path, n);
        return -1;
    }
    double v = json_is_null(cost) ? NAN : json_number_value(cost);
    if (remember(c, key, v, json_incref(extra)) != 0) {
        snprintf(why, wlen, "out of memory loading %s", c->path);
        return -1;
    }
    c->loaded++;
    return 0;
}

/* Parses the file's complete lines (data ends at its last newline). */
static int load_lines(eval_cache *c, const char *data, size_t len, const char *space_signature,
                      const char *objective, char *why, size_t wlen)
{
    int n = 0;
    for (size_t at = 0; at < len;) {
        const char *line = data + at, *nl = memchr(line, '\n', len - at);
        size_t llen = (size_t)(nl - line);
        at += llen + 1;
        n++;
        json_error_t err;
        json_t *doc = json_loadb(line, llen, JSON_REJECT_DUPLICATES, &err);
        if (!json_is_object(doc)) {
            snprintf(why, wlen, "%s:%d: corrupt line: %s", c->path, n,
                     doc ? "not a JSON object" : err.text);
            json_decref(doc);
            return -1;
        }
        int rc = n == 1 ? check_header(c, doc, space_signature, objective, why, wlen)
                        : load_entry(c, doc, n, why, wlen);
        json_decref(doc);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static char *read_fd(int fd, size_t *len)
{
    size_t cap = 1 << 16, used = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (used == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger)
                break;
            buf = bigger;
        }
        ssize_t r = read(fd, buf + used, cap - used);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        if (r == 0) {
            *len = used;
            return buf;
        }
        used += (size_t)r;
    }
    free(buf);
    return NULL;
}

/* Loads the file behind c->fd, or writes the header into an empty one. */
static int load_file(eval_cache *c, const char *space_signature, const char *objective, char *why,
                     size_t wlen)
{
    size_t len;
    char *data = read_fd(c->fd, &len);
    if (!data) {
        snprintf(why, wlen, "cannot read %s: %s", c->path, strerror(errno));
        return -1;
    }
    size_t complete = len;
    while (complete > 0 && data[complete - 1] != '\n')
        complete--;
    int rc = load_lines(c, data, complete, space_signature, objective, why, wlen);
    free(data);
    if (rc != 0)
        return -1;
    if (complete < len) {
        /* A write cut short by a kill: drop its remains, or the next line would extend them. */
        c->dropped = 1;
        if (ftruncate(c->fd, (off_t)complete) != 0) {
            snprintf(why, wlen, "cannot cut the interrupted last line of %s: %s", c->path,
                     strerror(errno));
            return -1;
        }
    }
    c->size = (off_t)complete;
    if (complete > 0)
        return 0;
    json_t *header = json_pack("{s:s, s:s}", "space", space_signature, "objective", objective);
    return append_line(c, header, why, wlen);
}

eval_cache *eval_cache_open(const char *path, const char *space_signature, const char *objective,
                            char *why, size_t wlen)
{
    eval_cache *c = calloc(1, sizeof *c);
    if (c)
        c->fd = -1;
    if (!c || grow_slots(c) != 0 || (path && !(c->path = strdup(path)))) {
        snprintf(why, wlen, "out of memory opening the evaluation cache");
        eval_cache_close(c);
        return NULL;
    }
    if (!path)
        return c;
    c->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
    if (c->fd < 0) {
        snprintf(why, wlen, "cannot open evaluation cache %s: %s", path, strerror(errno));
        eval_cache_close(c);
        return NULL;
    }
    struct stat st;
    if (fstat(c->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(why, wlen, "evaluation cache %s is not a regular file", path);
        eval_cache_close(c);
        return NULL;
    }
    /* Two runs appending to one file would interleave their lines. */
    if (flock(c->fd, LOCK_EX | LOCK_NB) != 0) {
        snprintf(why, wlen, "cannot lock evaluation cache %s: %s", path,
                 errno == EWOULDBLOCK ? "another tuning run is using it" : strerror(errno));
        eval_cache_close(c);
        return NULL;
    }
    if (load_file(c, space_signature, objective, why, wlen) != 0) {
        eval_cache_close(c);
        return NULL;
    }
    return c;
}

void eval_cache_close(eval_cache *c)
{
    if (!c)
        return;
    if (c->fd >= 0)
        close(c->fd);
    for (int e = 0; e < c->count; e++) {
        free(c->entries[e].key);
        json_decref(c->entries[e].extra);
    }
    free(c->entries);
    free(c->slots);
    free(c->path);
    free(c);
}

int eval_cache_count(const eval_cache *c) { return c->count; }
const eval_entry *eval_cache_entry(const eval_cache *c, int i) { return &c->entries[i]; }
int eval_cache_loaded(const eval_cache *c) { return c->loaded; }
int eval_cache_dropped(const eval_cache *c) { return c->dropped; }
