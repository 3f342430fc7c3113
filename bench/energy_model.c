/* The "model" energy backend: a labelled estimate, never a measurement. The coefficient file
 * is CSV with the header below; match is "<vendor> <key> <value or lo-hi> ...", keys
 * family, model, stepping (x86 CPUID) or implementer, part (Arm MIDR), e.g.
 * "AuthenticAMD family 0x19 model 0x00-0x0f". Rows are tried in file order. */
#include "energy_model.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "energy_backends.h"
#include "energy_text.h"
#include "timer.h"

#define MODEL_HEADER "match,name,watts_per_vcpu_min,watts_per_vcpu_max,assumed,note,source"
#define MODEL_COLUMNS 7

static const char *const key_names[MODEL_KEYS] = {"family", "model", "stepping",
                                                  "implementer", "part"};

/* Splits a CSV line in place: fields separated by commas, optionally in double quotes (""
 * inside quotes is one quote). Returns the field count, or -1 for an unterminated quote. */
static int split_csv(char *line, char **field, int cap)
{
    int n = 0;
    char *p = line;
    for (;;) {
        char *out = p, *start = p;
        if (*p == '"') {
            for (p++;; p++) {
                if (*p == '\0')
                    return -1;
                if (*p == '"' && p[1] == '"')
                    *out++ = *p++;
                else if (*p == '"')
                    break;
                else
                    *out++ = *p;
            }
            p++; /* past the closing quote */
        } else {
            while (*p && *p != ',')
                p++;
            out = p;
        }
        int more = *p == ',';
        if (*p && !more)
            return -1; /* text after a closing quote */
        *out = '\0';
        if (n < cap)
            field[n] = start;
        n++;
        if (!more)
            return n;
        p++;
    }
}

/* "0x30-0xff" or "6": 0, or -1. */
static int parse_range(const char *text, int *lo, int *hi)
{
    char *end;
    long a = strtol(text, &end, 0), b = a;
    if (end == text || a < 0)
        return -1;
    if (*end == '-') {
        const char *second = end + 1;
        b = strtol(second, &end, 0);
        if (end == second || b < a)
            return -1;
    }
    if (*end || b > 0xffffff)
        return -1;
    *lo = (int)a;
    *hi = (int)b;
    return 0;
}

/* The match column into row: 0, or -1 with the problem in err. */
static int parse_match(char *text, power_model_row *row, char *err, size_t elen)
{
    for (int k = 0; k < MODEL_KEYS; k++)
        row->lo[k] = row->hi[k] = -1;
    char *save = NULL, *tok = strtok_r(text, " ", &save);
    if (!tok) {
        snprintf(err, elen, "empty match");
        return -1;
    }
    snprintf(row->vendor, sizeof row->vendor, "%s", tok);
    while ((tok = strtok_r(NULL, " ", &save))) {
        int k = 0;
        while (k < MODEL_KEYS && strcmp(tok, key_names[k]) != 0)
            k++;
        if (k == MODEL_KEYS) {
            snprintf(err, elen, "unknown match key \"%s\" (family, model, stepping, "
                     "implementer, part)", tok);
            return -1;
        }
        const char *value = strtok_r(NULL, " ", &save);
        if (!value || parse_range(value, &row->lo[k], &row->hi[k]) != 0) {
            snprintf(err, elen, "%s needs a number or a range lo-hi", key_names[k]);
            return -1;
        }
    }
    return 0;
}

static int parse_watts(const char *text, double *w)
{
    char *end;
    *w = strtod(text, &end);
    return end != text && !*end && *w >= 0 && *w < 1000 ? 0 : -1;
}

/* One data line into row: 0, or -1 with the problem in err. */
static int parse_row(char *line, power_model_row *row, char *err, size_t elen)
{
    char *f[MODEL_COLUMNS];
    int n = split_csv(line, f, MODEL_COLUMNS);
    if (n < 0) {
        snprintf(err, elen, "unterminated quote");
        return -1;
    }
    if (n != MODEL_COLUMNS) {
        snprintf(err, elen, "%d fields where the header has %d", n, MODEL_COLUMNS);
        return -1;
    }
    if (parse_match(f[0], row, err, elen) != 0)
        return -1;
    if (!f[1][0] || !f[6][0]) {
        snprintf(err, elen, "empty %s", f[1][0] ? "source" : "name");
        return -1;
    }
    snprintf(row->name, sizeof row->name, "%s", f[1]);
    if (parse_watts(f[2], &row->watts_min) != 0 || parse_watts(f[3], &row->watts_max) != 0 ||
        row->watts_min > row->watts_max) {
        snprintf(err, elen, "watts per vCPU must be numbers with min <= max");
        return -1;
    }
    if (strcmp(f[4], "yes") != 0 && strcmp(f[4], "no") != 0) {
        snprintf(err, elen, "assumed must be yes or no");
        return -1;
    }
    row->assumed = f[4][0] == 'y';
    if (row->assumed && !f[5][0]) {
        snprintf(err, elen, "an assumed row needs a note saying what it assumes");
        return -1;
    }
    snprintf(row->note, sizeof row->note, "%s", f[5]);
    snprintf(row->source, sizeof row->source, "%s", f[6]);
    return 0;
}

static int row_matches(const power_model_row *row, const energy_env *env)
{
    if (!env->cpu_vendor || strcmp(row->vendor, env->cpu_vendor) != 0)
        return 0;
    const int value[MODEL_KEYS] = {env->cpu_family, env->cpu_model, env->cpu_stepping,
                                   env->arm_implementer, env->arm_part};
    for (int k = 0; k < MODEL_KEYS; k++)
        if (row->lo[k] >= 0 && (value[k] < row->lo[k] || value[k] > row->hi[k]))
            return 0;
    return 1;
}

static void describe_cpu(const energy_env *env, char *buf, size_t len)
{
    if (env->arm_implementer >= 0)
        snprintf(buf, len, "%s implementer 0x%x part 0x%x", env->cpu_vendor,
                 env->arm_implementer, env->arm_part);
    else
        snprintf(buf, len, "%s family 0x%x model 0x%x stepping %d",
                 env->cpu_vendor ? env->cpu_vendor : "unknown", env->cpu_family,
                 env->cpu_model, env->cpu_stepping);
}

int energy_model_find(const char *path, const energy_env *env, power_model_row *row, char *why,
                      size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(why, len, "cannot read the power model %s: %s; set FLOPWATT_POWER_MODEL to "
                 "the coefficient file", path, strerror(errno));
        return -1;
    }
    char line[1024], err[160];
    int lineno = 0, found = 0, failed = 0;
    power_model_row r;
    while (!failed && fgets(line, sizeof line, f)) {
        lineno++;
        size_t n = strlen(line);
        if (n == sizeof line - 1 && line[n - 1] != '\n') {
            snprintf(err, sizeof err, "line longer than %zu bytes", sizeof line - 2);
            failed = 1;
            break;
        }
        line[strcspn(line, "\r\n")] = '\0';
        if (lineno == 1) {
            if (strcmp(line, MODEL_HEADER) != 0) {
                snprintf(err, sizeof err, "the header must be " MODEL_HEADER);
                failed = 1;
            }
            continue;
        }
        if (!line[0])
            continue;
        memset(&r, 0, sizeof r);
        r.line = lineno;
        if (parse_row(line, &r, err, sizeof err) != 0)
            failed = 1;
        else if (!found && row_matches(&r, env)) {
            *row = r;
            found = 1;
        }
    }
    fclose(f);
    if (lineno == 0) {
        snprintf(why, len, "the power model %s is empty; it needs the header " MODEL_HEADER,
                 path);
        return -1;
    }
    if (failed) {
        snprintf(why, len, "%s line %d: %s; fix the file or set FLOPWATT_POWER_MODEL to a good "
                 "one", path, lineno, err);
        return -1;
    }
    if (!found) {
        char cpu[96];
        describe_cpu(env, cpu, sizeof cpu);
        snprintf(why, len, "no row of %s matches %s; add one with its source", path, cpu);
        return -1;
    }
    return 0;
}

double energy_model_joules(double watts_min, double watts_max, int vcpus, double wall_s,
                           double cpu_s)
{
    double busy = cpu_s < wall_s * vcpus ? cpu_s : wall_s * vcpus; /* u <= 1 */
    return vcpus * watts_min * wall_s + (watts_max - watts_min) * busy;
}

typedef struct model_state {
    double watts_min, watts_max;
    int machine_vcpus, vcpus; /* of the machine; charged now */
    double wall0, cpu0;       /* start of the current scope */
    double joules_before;     /* counted in earlier scopes */
    char row_text[400];       /* the row's name, note and source, for the detail */
} model_state;

static double process_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double scope_joules(const model_state *st, double wall, double cpu)
{
    return energy_model_joules(st->watts_min, st->watts_max, st->vcpus, wall - st->wall0,
                               cpu - st->cpu0);
}

static int model_read(energy_meter *m, energy_sample *out)
{
    const model_state *st = m->state;
    out->joules = st->joules_before + scope_joules(st, timer_now(), process_cpu_seconds());
    out->dram_joules = NAN;
    return 0;
}

static void describe_scope(energy_meter *m)
{
    const model_state *st = m->state;
    m->detail[0] = '\0';
    energy_appendf(m->detail, sizeof m->detail, "%.2f-%.2f W/vCPU x %d vCPUs (of %d), u from "
                   "process CPU time; %s", st->watts_min, st->watts_max, st->vcpus,
                   st->machine_vcpus, st->row_text);
}

static void model_set_scope(energy_meter *m, int vcpus)
{
    model_state *st = m->state;
    double wall = timer_now(), cpu = process_cpu_seconds();
    st->joules_before += scope_joules(st, wall, cpu);
    st->wall0 = wall;
    st->cpu0 = cpu;
    st->vcpus = vcpus < 1 ? 1 : vcpus > st->machine_vcpus ? st->machine_vcpus : vcpus;
    describe_scope(m);
}

static void model_close(energy_meter *m)
{
    free(m->state);
    m->state = NULL;
}

int energy_model_open(const energy_env *env, energy_meter *m, char *why, size_t len)
{
    if (env->vcpus < 1) {
        snprintf(why, len, "the power model needs the machine's vCPU count, which is unknown");
        return -1;
    }
    power_model_row row;
    if (!env->model_file) {
        snprintf(why, len, "no power model file given; set FLOPWATT_POWER_MODEL");
        return -1;
    }
    if (energy_model_find(env->model_file, env, &row, why, len) != 0)
        return -1;
    model_state *st = malloc(sizeof *st);
    if (!st) {
        snprintf(why, len, "out of memory");
        return -1;
    }
    memset(st, 0, sizeof *st);
    st->watts_min = row.watts_min;
    st->watts_max = row.watts_max;
    st->machine_vcpus = st->vcpus = env->vcpus;
    snprintf(st->row_text, sizeof st->row_text, "%s%s%s; %s", row.name, row.note[0] ? ", " : "",
             row.note, row.source);
    memset(m, 0, sizeof *m);
    snprintf(m->source, sizeof m->source, "model");
    snprintf(m->domain, sizeof m->domain, "model");
    m->measured = 0;
    m->read = model_read;
    m->set_scope = model_set_scope;
    m->close = model_close;
    m->state = st;
    st->wall0 = timer_now();
    st->cpu0 = process_cpu_seconds();
    describe_scope(m);
    return 0;
}
