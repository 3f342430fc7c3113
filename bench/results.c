/* Result files on disk: written whole or not at all, checked before a run, read back. */
#include "results.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"
#include "text.h"

/* The JSON text as written: two-space indent, a final newline, and numbers with 15
 * significant digits: every such decimal reads back to a double that prints the same
 * again, so a file survives read and write unchanged, and 0.00097 is not written as
 * 0.00097000000000000005 (jansson's default of 17 digits). Timings are far coarser. */
static char *json_text(const json_t *doc)
{
    char *s = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    if (!s)
        return NULL;
    size_t len = strlen(s);
    char *t = realloc(s, len + 2);
    if (!t) {
        free(s);
        return NULL;
    }
    memcpy(t + len, "\n", 2);
    return t;
}

static int write_files(const bench_run *r, const char *folder, const char *json,
                       const char *csv, char *path, size_t plen, char *why, size_t wlen)
{
    char stamp[sizeof r->started_utc], json_path[PATH_MAX], csv_path[PATH_MAX];
    /* ':' is not allowed in Windows file names and confuses scp and make. */
    snprintf(stamp, sizeof stamp, "%s", r->started_utc);
    for (char *p = stamp; *p; p++)
        if (*p == ':')
            *p = '-';
    if (fw_make_dirs(folder, why, wlen) != 0)
        return -1;
    /* Two runs started in the same second must not replace each other: the later one takes
     * the first free name of stamp, stamp-2, stamp-3, ... */
    for (int copy = 1;; copy++) {
        char suffix[16] = "";
        if (copy > 1)
            snprintf(suffix, sizeof suffix, "-%d", copy);
        int n1 = snprintf(json_path, sizeof json_path, "%s/%s%s.json", folder, stamp, suffix);
        int n2 = snprintf(csv_path, sizeof csv_path, "%s/%s%s.csv", folder, stamp, suffix);
        if (n1 < 0 || n2 < 0 || (size_t)n1 >= sizeof json_path ||
            (size_t)n2 >= sizeof csv_path) {
            snprintf(why, wlen, "result path under %s: %s", folder, strerror(ENAMETOOLONG));
            return -1;
        }
        if (access(json_path, F_OK) != 0) /* the JSON is the run; its CSV follows it */
            break;
        if (copy == 1000) {
            snprintf(why, wlen, "result folder %s: no free name for %s", folder, stamp);
            return -1;
        }
    }
    if (fw_atomic_write(json_path, json, strlen(json), why, wlen) != 0)
        return -1;
    if (fw_atomic_write(csv_path, csv, strlen(csv), why, wlen) != 0) {
        /* No half result: the JSON goes again (its name was free). */
        unlink(json_path);
        size_t used = strlen(why);
        snprintf(why + used, wlen - used, " (%s removed again)", json_path);
        return -1;
    }
    snprintf(path, plen, "%s", json_path);
    return 0;
}

int results_write(const bench_run *r, const char *dir, char *path, size_t plen, char *why,
                  size_t wlen)
{
    char reason[512], folder[PATH_MAX];
    int rc = -1;
    json_t *doc = results_to_json(r);
    char *json = NULL, *csv = NULL;
    if (!*dir)
        snprintf(why, wlen, "no results folder given");
    else if (!doc || !(json = json_text(doc)) || !(csv = results_csv(r)))
        snprintf(why, wlen, "cannot build the result files: out of memory");
    else if (results_validate(doc, reason, sizeof reason) != 0)
        snprintf(why, wlen, "result not written, it breaks the schema: %s", reason);
    else if (snprintf(folder, sizeof folder, "%s/%s", dir, r->machine_id) >= (int)sizeof folder)
        snprintf(why, wlen, "results folder %s: %s", dir, strerror(ENAMETOOLONG));
    else
        rc = write_files(r, folder, json, csv, path, plen, why, wlen);
    json_decref(doc);
    free(json);
    free(csv);
    if (rc)
        text_one_line(why);
    return rc;
}

int results_check_writable(const char *dir, char *why, size_t wlen)
{
    char probe[PATH_MAX], reason[PATH_MAX + 64];
    int fd = -1;
    if (fw_make_dirs(dir, reason, sizeof reason) == 0) {
        if (snprintf(probe, sizeof probe, "%s/.flopwatt-probe-XXXXXX", dir) >= (int)sizeof probe)
            errno = ENAMETOOLONG;
        else
            fd = mkstemp(probe);
    }
    if (fd < 0) {
        snprintf(why, wlen, "results folder %s: %s", dir, strerror(errno));
        text_one_line(why);
        return -1;
    }
    close(fd);
    unlink(probe);
    return 0;
}

/* The whole file, or NULL with errno set. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *grown = realloc(buf, cap *= 2);
        if (!grown)
            free(buf);
        buf = grown;
    }
    int err = buf ? (ferror(f) ? errno : 0) : ENOMEM;
    fclose(f);
    if (err) {
        free(buf);
        errno = err;
        return NULL;
    }
    *len = n;
    return buf;
}

int results_read(const char *path, bench_run *r, char *why, size_t wlen)
{
    char reason[512];
    size_t len;
    char *text = read_all(path, &len);
    if (!text) {
        snprintf(why, wlen, "%s: cannot read: %s", path, strerror(errno));
        text_one_line(why);
        return -1;
    }
    json_error_t err;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    free(text);
    int rc = -1;
    if (!doc)
        snprintf(why, wlen, "%s: not JSON: %s at line %d column %d", path, err.text, err.line,
                 err.column);
    else if (results_from_json(doc, r, reason, sizeof reason) != 0)
        snprintf(why, wlen, "%s: %s", path, reason);
    else
        rc = 0;
    json_decref(doc);
    if (rc)
        text_one_line(why);
    return rc;
}
