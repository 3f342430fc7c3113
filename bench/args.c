#include "args.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

void cli_error(const char *cmd, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    text_one_line(msg);
    if (cmd)
        fprintf(stderr, "flopwatt %s: %s\n", cmd, msg);
    else
        fprintf(stderr, "flopwatt: %s\n", msg);
}

int parse_long(const char *s, long min, long max, long *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int parse_int_list(const char *s, int min, int max, int *out, int cap)
{
    int n = 0;
    const char *p = s;
    if (!s || !*s)
        return -1;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[32];
        long v;
        if (len == 0 || len >= sizeof item || n >= cap)
            return -1;
        memcpy(item, p, len);
        item[len] = '\0';
        if (parse_long(item, min, max, &v) != 0)
            return -1;
        out[n++] = (int)v;
        if (!comma)
            return n;
        p = comma + 1;
    }
}

static int choice_index(const char *choices, const char *value)
{
    size_t vlen = strlen(value);
    int idx = 0;
    for (const char *p = choices;; idx++) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == vlen && strncmp(p, value, len) == 0)
            return idx;
        if (!bar)
            return -1;
        p = bar + 1;
    }
}

static void print_help(const char *cmd, const char *synopsis, const opt_spec *specs, int n)
{
    printf("usage: flopwatt %s\n\noptions:\n", synopsis);
    for (int i = 0; i < n; i++) {
        char left[64];
        const char *arg = "";
        switch (specs[i].type) {
        case OPT_FLAG: arg = ""; break;
        case OPT_INT: arg = " N"; break;
        case OPT_DOUBLE: arg = " X"; break;
        case OPT_CHOICE: arg = " "; break;
        case OPT_STRING: arg = " S"; break;
        }
        snprintf(left, sizeof left, "--%s%s%s", specs[i].name, arg,
                 specs[i].type == OPT_CHOICE ? specs[i].choices : "");
        printf("  %-24s %s\n", left, specs[i].help);
    }
    printf("  %-24s %s\n", "--help", "this help");
    (void)cmd;
}

static int set_value(const char *cmd, const opt_spec *o, const char *v)
{
    switch (o->type) {
    case OPT_FLAG:
        return 0;
    case OPT_INT: {
        long x;
        long lo = o->min < (double)LONG_MIN ? LONG_MIN : (long)o->min;
        long hi = o->max > (double)INT_MAX ? INT_MAX : (long)o->max;
        if (parse_long(v, lo, hi, &x) != 0) {
            cli_error(cmd, "--%s: '%s' is not an integer in [%ld, %ld]", o->name, v, lo, hi);
            return -1;
        }
        *(int *)o->dest = (int)x;
        return 0;
    }
    case OPT_DOUBLE: {
        char *end;
        errno = 0;
        double x = strtod(v, &end);
        if (!*v || *end || errno || !isfinite(x) || x < o->min || x > o->max) {
            cli_error(cmd, "--%s: '%s' is not a number in [%g, %g]", o->name, v, o->min,
                      o->max);
            return -1;
        }
        *(double *)o->dest = x;
        return 0;
    }
    case OPT_CHOICE: {
        int idx = choice_index(o->choices, v);
        if (idx < 0) {
            cli_error(cmd, "--%s: '%s' is not one of %s", o->name, v, o->choices);
            return -1;
        }
        *(int *)o->dest = idx;
        return 0;
    }
    case OPT_STRING:
        *(const char **)o->dest = v;
        return 0;
    }
    return -1;
}

int args_parse(const char *cmd, const char *synopsis, int argc, char **argv,
               const opt_spec *specs, int nspecs)
{
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_help(cmd, synopsis, specs, nspecs);
            return 1;
        }
        if (strncmp(arg, "--", 2) != 0 || !arg[2]) {
            cli_error(cmd, "unexpected argument '%s' (try --help)", arg);
            return -1;
        }
        const char *name = arg + 2, *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        const opt_spec *o = NULL;
        for (int s = 0; s < nspecs && !o; s++)
            if (strlen(specs[s].name) == nlen && strncmp(specs[s].name, name, nlen) == 0)
                o = &specs[s];
        if (!o) {
            cli_error(cmd, "unknown option '--%.*s' (try --help)", (int)nlen, name);
            return -1;
        }
        const char *value;
        if (o->type == OPT_FLAG) {
            if (eq) {
                cli_error(cmd, "--%s takes no value", o->name);
                return -1;
            }
            *(int *)o->dest = 1;
            continue;
        }
        if (eq) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            cli_error(cmd, "--%s needs a value", o->name);
            return -1;
        }
        if (set_value(cmd, o, value) != 0)
            return -1;
    }
    return 0;
}
