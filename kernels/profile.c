/* Tuned profiles on disk, one JSON file per machine (results/README.md, "Tuned profiles"):
 *
 *   {
 *     "flopwatt_profile": 2,
 *     "machine": {"cpu": "AMD EPYC 9R14 96-Core Processor", "isa": "avx512", "cpus": 2,
 *                 "l1d": 49152, "l2": 1048576, "l3": 33554432},
 *     "threads": 2,
 *     "objective": "time",
 *     "energy": "none",
 *     "created": "2026-11-24T10:00:00Z",
 *     "configs": {
 *       "f64": {"square": CONFIG, "skinny_k": CONFIG},
 *       "f32": {"gemv_n": CONFIG}
 *     }
 *   }
 *
 * CONFIG is an object with every fw_config field under its C name: the three kernels by
 * registry name ("gemm_kernel": "avx512_dgemm_16x14"), bind as "spread" or "compact",
 * direct_max_mnk as a number, every other field as an integer. Only tuned classes appear, and
 * a precision without any is left out. The writer stores what it is given; the reader is the
 * gate: it accepts exactly this form (every key known, every field present and of its type,
 * no control character in any text) and only configurations fw_config_check passes here. */
#include "atomic_file.h"
#include "fw_internal.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PROFILE_VERSION 2

typedef enum { T_INT, T_LONG, T_NUMBER, T_TEXT, T_KERNEL, T_BIND } field_type;

/* One member of a struct as a JSON key: the reader and the writer both walk these tables. */
typedef struct field {
    const char *name;
    field_type type;
    size_t offset;
    size_t arg; /* T_TEXT: size of the char array; T_KERNEL: the fw_kernel_kind it must be */
} field;

#define FIELD(type, member, t, arg) {#member, t, offsetof(type, member), arg}
#define TEXT(type, member) FIELD(type, member, T_TEXT, sizeof(((type *)0)->member))
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const field machine_fields[] = {
    TEXT(fw_fingerprint, cpu),
    TEXT(fw_fingerprint, isa),
    FIELD(fw_fingerprint, cpus, T_INT, 0),
    FIELD(fw_fingerprint, l1d, T_LONG, 0),
    FIELD(fw_fingerprint, l2, T_LONG, 0),
    FIELD(fw_fingerprint, l3, T_LONG, 0),
};

/* The top level, besides "flopwatt_profile", "machine" and "configs". */
static const field profile_fields[] = {
    FIELD(fw_profile, threads, T_INT, 0),
    TEXT(fw_profile, objective),
    TEXT(fw_profile, energy),
    TEXT(fw_profile, created),
};
static const char *const profile_keys[] = {"flopwatt_profile", "machine", "configs", NULL};

static const field config_fields[] = {
    FIELD(fw_config, gemm_kernel, T_KERNEL, FW_KIND_GEMM),
    FIELD(fw_config, gemv_n_kernel, T_KERNEL, FW_KIND_GEMV_N),
    FIELD(fw_config, gemv_t_kernel, T_KERNEL, FW_KIND_GEMV_T),
    FIELD(fw_config, mc, T_INT, 0),
    FIELD(fw_config, kc, T_INT, 0),
    FIELD(fw_config, nc, T_INT, 0),
    FIELD(fw_config, threads, T_INT, 0),
    FIELD(fw_config, jc_ways, T_INT, 0),
    FIELD(fw_config, ic_ways, T_INT, 0),
    FIELD(fw_config, jr_ways, T_INT, 0),
    FIELD(fw_config, bind, T_BIND, 0),
    FIELD(fw_config, direct_max_mnk, T_NUMBER, 0),
    FIELD(fw_config, skinny_k, T_INT, 0),
    FIELD(fw_config, skinny_mn, T_INT, 0),
    FIELD(fw_config, gemv_min_per_thread, T_LONG, 0),
    FIELD(fw_config, gemv_n_split_cols, T_LONG, 0),
};

static const struct {
    fw_precision prec;
    const char *name;
} precisions[] = {{FW_F64, "f64"}, {FW_F32, "f32"}};

static const char *const bind_names[] = {[FW_BIND_SPREAD] = "spread",
                                         [FW_BIND_COMPACT] = "compact"};
static const char *const kind_names[] = {
    [FW_KIND_GEMM] = "GEMM", [FW_KIND_GEMV_N] = "GEMV N", [FW_KIND_GEMV_T] = "GEMV T"};

static int is_control(char c) { return (unsigned char)c < 0x20 || c == 0x7f; }

/* Where a message goes: every one starts "profile <path>: ", so the loader can print it as
 * it is. */
typedef struct report {
    const char *path;
    char *msg;
    size_t len;
} report;

static int fail(const report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(const report *r, const char *fmt, ...)
{
    if (!r->msg || !r->len)
        return -1;
    int n = snprintf(r->msg, r->len, "profile %s: ", r->path);
    if (n >= 0 && (size_t)n < r->len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->msg + n, r->len - (size_t)n, fmt, ap);
        va_end(ap);
    }
    /* One line whatever the file held: keys and parser messages may carry control bytes. */
    for (char *c = r->msg; *c; c++)
        if (is_control(*c))
            *c = '?';
    return -1;
}

/* "machine" + "cpu" -> "machine.cpu"; the top level has no prefix. A name too long for out
 * (keys come from the file) ends in "...". */
static void join(char *out, size_t len, const char *where, const char *name)
{
    int n = snprintf(out, len, "%s%s%s", where, *where ? "." : "", name);
    if (n > 0 && (size_t)n >= len && len > 3)
        memcpy(out + len - 4, "...", 4);
}

static int plain_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (is_control(s[i]))
            return 0;
    return 1;
}

/* ---- writing ---- */

/* The JSON value of one member of the struct at base, or NULL and why. */
static json_t *field_value(const field *f, const void *base, const char **why)
{
    const char *at = (const char *)base + f->offset;
    json_t *v = NULL;
    switch (f->type) {
    case T_INT:
        return json_integer(*(const int *)at);
    case T_LONG:
        return json_integer(*(const long *)at);
    case T_NUMBER:
        if (!(v = json_real(*(const double *)at)))
            *why = "not a finite number";
        return v;
    case T_TEXT: {
        size_t n = strnlen(at, f->arg);
        if (n == f->arg || !plain_text(at, n) || !(v = json_stringn(at, n)))
            *why = "not one line of UTF-8 text";
        return v;
    }
    case T_KERNEL: {
        const fw_kernel_info *k = fw_kernel_at(*(const int *)at);
        if (!k)
            *why = "not a registry kernel index";
        return k ? json_string(k->name) : NULL;
    }
    case T_BIND: {
        int bind = *(const int *)at;
        if (bind < 0 || bind >= (int)COUNT(bind_names)) {
            *why = "neither spread nor compact";
            return NULL;
        }
        return json_string(bind_names[bind]);
    }
    }
    return NULL;
}

static int fields_to_json(const report *r, const char *where, json_t *obj, const field *fields,
                          size_t n, const void *base)
{
    for (size_t i = 0; i < n; i++) {
        const char *why = "out of memory";
        json_t *v = field_value(&fields[i], base, &why);
        if (!v || json_object_set_new(obj, fields[i].name, v) != 0) {
            char name[128];
            join(name, sizeof name, where, fields[i].name);
            return fail(r, "%s: %s", name, why);
        }
    }
    return 0;
}

/* Adds an empty object under key and returns it (NULL when out of memory). */
static json_t *add_object(json_t *parent, const char *key)
{
    json_t *obj = json_object();
    return json_object_set_new(parent, key, obj) == 0 ? obj : NULL;
}

static json_t *profile_to_json(const report *r, const fw_profile *p)
{
    json_t *root = json_object(), *machine = NULL;
    if (!root ||
        json_object_set_new(root, "flopwatt_profile", json_integer(PROFILE_VERSION)) != 0 ||
        !(machine = add_object(root, "machine")))
        goto out_of_memory;
    if (fields_to_json(r, "machine", machine, machine_fields, COUNT(machine_fields), &p->machine) ||
        fields_to_json(r, "", root, profile_fields, COUNT(profile_fields), p))
        goto failed;
    json_t *configs = add_object(root, "configs");
    if (!configs)
        goto out_of_memory;
    for (size_t i = 0; i < COUNT(precisions); i++) {
        fw_precision prec = precisions[i].prec;
        json_t *classes = NULL;
        for (int c = 0; c < FW_CLASS_COUNT; c++) {
            if (!p->tuned[prec][c])
                continue;
            if (!classes && !(classes = add_object(configs, precisions[i].name)))
                goto out_of_memory;
            const char *cls = fw_class_name((fw_shape_class)c);
            json_t *cfg = add_object(classes, cls);
            if (!cfg)
                goto out_of_memory;
            char where[32];
            join(where, sizeof where, precisions[i].name, cls);
            if (fields_to_json(r, where, cfg, config_fields, COUNT(config_fields),
                               &p->cfg[prec][c]))
                goto failed;
        }
    }
    return root;
out_of_memory:
    fail(r, "out of memory");
failed:
    json_decref(root);
    return NULL;
}

int fw_profile_write(const char *path, const fw_profile *p, char *msg, size_t msg_len)
{
    const report r = {path, msg, msg_len};
    json_t *root = profile_to_json(&r, p);
    if (!root)
        return -1;
    /* 17 digits: a double read back is the double written. */
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    json_decref(root);
    size_t len = text ? strlen(text) : 0;
    char *line = text ? realloc(text, len + 2) : NULL;
    if (!line) {
        free(text);
        return fail(&r, "out of memory");
    }
    memcpy(line + len, "\n", 2);
    char why[PATH_MAX + 128];
    int rc = fw_atomic_write(path, line, len + 1, why, sizeof why);
    free(line);
    return rc ? fail(&r, "%s", why) : 0;
}

/* ---- reading ---- */

static int in_range(json_int_t x, long long lo, long long hi) { return x >= lo && x <= hi; }

/* The text of v, or NULL after saying why not. */
static const char *text_read(const report *r, const char *name, json_t *v)
{
    if (!json_is_string(v)) {
        fail(r, "%s: not a string", name);
        return NULL;
    }
    const char *s = json_string_value(v);
    if (!plain_text(s, json_string_length(v))) {
        fail(r, "%s: contains a control character", name);
        return NULL;
    }
    return s;
}

/* Reads one member of the struct at base from v (NULL: the key is missing). prec is the
 * precision a kernel must have. */
static int field_read(const report *r, const char *name, const field *f, json_t *v,
                      fw_precision prec, void *base)
{
    char *at = (char *)base + f->offset;
    if (!v)
        return fail(r, "%s: missing", name);
    const char *s = NULL;
    if ((f->type == T_TEXT || f->type == T_KERNEL || f->type == T_BIND) &&
        !(s = text_read(r, name, v)))
        return -1;
    switch (f->type) {
    case T_INT:
    case T_LONG: {
        if (!json_is_integer(v))
            return fail(r, "%s: not an integer", name);
        json_int_t x = json_integer_value(v);
        if (f->type == T_INT ? !in_range(x, INT_MIN, INT_MAX) : !in_range(x, LONG_MIN, LONG_MAX))
            return fail(r, "%s: %lld is out of range", name, (long long)x);
        if (f->type == T_INT)
            *(int *)at = (int)x;
        else
            *(long *)at = (long)x;
        return 0;
    }
    case T_NUMBER:
        if (!json_is_number(v))
            return fail(r, "%s: not a number", name);
        *(double *)at = json_number_value(v);
        return 0;
    case T_TEXT:
        if (strlen(s) >= f->arg)
            return fail(r, "%s: longer than %zu bytes", name, f->arg - 1);
        memcpy(at, s, strlen(s) + 1);
        return 0;
    case T_KERNEL: {
        int index = fw_kernel_find(s);
        const fw_kernel_info *k = fw_kernel_at(index);
        if (!k)
            return fail(r, "%s: unknown kernel \"%s\"", name, s);
        if (k->kind != (fw_kernel_kind)f->arg || k->prec != prec)
            return fail(r, "%s: \"%s\" is not a %s kernel for %s", name, s, kind_names[f->arg],
                        prec == FW_F64 ? "f64" : "f32");
        *(int *)at = index;
        return 0;
    }
    case T_BIND:
        for (int b = 0; b < (int)COUNT(bind_names); b++)
            if (strcmp(s, bind_names[b]) == 0) {
                *(int *)at = b;
                return 0;
            }
        return fail(r, "%s: \"%s\" is neither spread nor compact", name, s);
    }
    return -1;
}

static int is_known(const char *key, const field *fields, size_t n, const char *const *also)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(key, fields[i].name) == 0)
            return 1;
    for (; also && *also; also++)
        if (strcmp(key, *also) == 0)
            return 1;
    return 0;
}

/* Reads the struct at base from the object obj named where: every field present, no key
 * that is neither a field nor in also. */
static int object_read(const report *r, const char *where, json_t *obj, const field *fields,
                       size_t n, const char *const *also, fw_precision prec, void *base)
{
    char name[160];
    if (!obj)
        return fail(r, "%s: missing", where);
    if (!json_is_object(obj))
        return fail(r, "%s: not an object", *where ? where : "the file");
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        if (!is_known(key, fields, n, also)) {
            join(name, sizeof name, where, key);
            return fail(r, "%s: unknown key", name);
        }
    }
    for (size_t i = 0; i < n; i++) {
        join(name, sizeof name, where, fields[i].name);
        if (field_read(r, name, &fields[i], json_object_get(obj, fields[i].name), prec, base))
            return -1;
    }
    return 0;
}

static int precision_find(const char *name)
{
    for (size_t i = 0; i < COUNT(precisions); i++)
        if (strcmp(name, precisions[i].name) == 0)
            return (int)precisions[i].prec;
    return -1;
}

static int configs_read(const report *r, json_t *configs, fw_profile *p)
{
    if (!configs)
        return fail(r, "configs: missing");
    if (!json_is_object(configs))
        return fail(r, "configs: not an object");
    const char *pname, *cname;
    json_t *classes, *obj;
    json_object_foreach(configs, pname, classes) {
        int prec = precision_find(pname);
        if (prec < 0)
            return fail(r, "%s: unknown precision (f32 or f64)", pname);
        if (!json_is_object(classes))
            return fail(r, "%s: not an object", pname);
        json_object_foreach(classes, cname, obj) {
            char where[160];
            join(where, sizeof where, pname, cname);
            int cls = fw_class_find(cname);
            if (cls < 0)
                return fail(r, "%s: unknown class", where);
            fw_config *cfg = &p->cfg[prec][cls];
            if (object_read(r, where, obj, config_fields, COUNT(config_fields), NULL,
                            (fw_precision)prec, cfg))
                return -1;
            char why[256];
            if (fw_config_check((fw_precision)prec, cfg, why, sizeof why) != 0)
                return fail(r, "%s: %s", where, why);
            p->tuned[prec][cls] = 1;
        }
    }
    return 0;
}

static int profile_read(const report *r, json_t *root, fw_profile *p)
{
    if (!json_is_object(root))
        return fail(r, "not a flopwatt profile (not a JSON object)");
    json_t *version = json_object_get(root, "flopwatt_profile");
    if (!version)
        return fail(r, "flopwatt_profile: missing (not a flopwatt profile)");
    if (!json_is_integer(version))
        return fail(r, "flopwatt_profile: not an integer");
    if (json_integer_value(version) != PROFILE_VERSION)
        return fail(r, "flopwatt_profile: version %lld, this flopwatt reads %d",
                    (long long)json_integer_value(version), PROFILE_VERSION);
    if (object_read(r, "", root, profile_fields, COUNT(profile_fields), profile_keys, FW_F64, p) ||
        object_read(r, "machine", json_object_get(root, "machine"), machine_fields,
                    COUNT(machine_fields), NULL, FW_F64, &p->machine))
        return -1;
    return configs_read(r, json_object_get(root, "configs"), p);
}

int fw_profile_read(const char *path, fw_profile *p, char *msg, size_t msg_len)
{
    const report r = {path, msg, msg_len};
    FILE *f = fopen(path, "re");
    if (!f)
        return fail(&r, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return fail(&r, "not a regular file");
    }
    json_error_t err;
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &err);
    fclose(f);
    if (!root)
        return fail(&r, "not valid JSON: %s (line %d)", err.text, err.line);
    fw_profile read;
    memset(&read, 0, sizeof read);
    int rc = profile_read(&r, root, &read);
    json_decref(root);
    if (rc == 0)
        *p = read;
    return rc;
}
