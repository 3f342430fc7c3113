/* Tuned profiles: the machine fingerprint and its comparison, writing and reading profile
 * files (round trip, the documented JSON, atomic writes, every way a file can be refused),
 * and the rules by which a process picks its profile. Loading happens once per process, so
 * each loading case runs in a child of its own, forked before anything has used OpenMP; the
 * child reports what it saw through a pipe and its stderr is read back through another. */
#include "fw_internal.h"
#include "gemm_reference.h"
#include "scratch.h"
#include "testlib.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char top[64]; /* the temporary folder every file of the test lives in */

static int has(const char *s, const char *part) { return strstr(s, part) != NULL; }

static const char *in_top(const char *name)
{
    static char path[8][PATH_MAX];
    static int next;
    char *p = path[next++ % 8];
    snprintf(p, sizeof path[0], "%s/%s", top, name);
    return p;
}

/* ---- sample profiles ------------------------------------------------------------------ */

/* The last supported kernel of a kind and precision: a generic one, never the model's choice
 * on x86, so reading back a name really maps to another registry entry. */
static int last_supported(fw_kernel_kind kind, fw_precision prec)
{
    int found = -1;
    for (int i = 0; i < fw_kernel_count(); i++) {
        const fw_kernel_info *k = fw_kernel_at(i);
        if (k->kind == kind && k->prec == prec && fw_kernel_supported(i))
            found = i;
    }
    return found;
}

/* The model's configuration with every field changed, differently for each variant. */
static fw_config tuned_config(fw_precision prec, int variant)
{
    fw_config c;
    fw_model_config(prec, FW_CLASS_SQUARE, &c);
    c.gemm_kernel = last_supported(FW_KIND_GEMM, prec);
    c.gemv_n_kernel = last_supported(FW_KIND_GEMV_N, prec);
    c.gemv_t_kernel = last_supported(FW_KIND_GEMV_T, prec);
    const fw_kernel_info *k = fw_kernel_at(c.gemm_kernel);
    c.mc = k->mr * (3 + variant);
    c.kc = 64 + variant;
    c.nc = k->nr * (5 + variant);
    c.threads = 2;
    c.jc_ways = 1;
    c.ic_ways = 2;
    c.jr_ways = 1;
    c.bind = FW_BIND_COMPACT;
    c.direct_max_mnk = 1000.0 / 3 + variant; /* takes 17 digits to write exactly */
    c.skinny_k = 16 + variant;
    c.skinny_mn = 8 + variant;
    c.gemv_min_per_thread = 4096L * (1 + variant);
    c.gemv_n_split_cols = 65536L * (1 + variant);
    return c;
}

/* This machine's profile with three classes tuned in each precision; variant changes the
 * configurations. */
static void sample_profile(fw_profile *p, int variant)
{
    memset(p, 0, sizeof *p);
    fw_machine_fingerprint(&p->machine);
    p->threads = 2;
    snprintf(p->objective, sizeof p->objective, "time");
    snprintf(p->energy, sizeof p->energy, "none");
    snprintf(p->created, sizeof p->created, "2026-11-24T10:00:00Z");
    static const struct {
        fw_precision prec;
        fw_shape_class cls;
    } tuned[] = {
        {FW_F64, FW_CLASS_SQUARE}, {FW_F64, FW_CLASS_SKINNY_K}, {FW_F64, FW_CLASS_GEMV_T},
        {FW_F32, FW_CLASS_SMALL},  {FW_F32, FW_CLASS_SKINNY_N}, {FW_F32, FW_CLASS_GEMV_N},
    };
    for (size_t i = 0; i < sizeof tuned / sizeof tuned[0]; i++) {
        p->tuned[tuned[i].prec][tuned[i].cls] = 1;
        p->cfg[tuned[i].prec][tuned[i].cls] = tuned_config(tuned[i].prec, variant + (int)i);
    }
}

/* Field by field: what a profile must keep of a configuration, listed here apart from the
 * library's own table. */
static int config_equal(const fw_config *a, const fw_config *b)
{
    return a->gemm_kernel == b->gemm_kernel && a->gemv_n_kernel == b->gemv_n_kernel &&
           a->gemv_t_kernel == b->gemv_t_kernel && a->mc == b->mc && a->kc == b->kc &&
           a->nc == b->nc && a->threads == b->threads && a->jc_ways == b->jc_ways &&
           a->ic_ways == b->ic_ways && a->jr_ways == b->jr_ways && a->bind == b->bind &&
           a->direct_max_mnk == b->direct_max_mnk && a->skinny_k == b->skinny_k &&
           a->skinny_mn == b->skinny_mn && a->gemv_min_per_thread == b->gemv_min_per_thread &&
           a->gemv_n_split_cols == b->gemv_n_split_cols;
}

static int fingerprint_equal(const fw_fingerprint *a, const fw_fingerprint *b)
{
    return fw_fingerprint_compare(a, b, NULL, 0) == 0 && strcmp(a->cpu, b->cpu) == 0 &&
           strcmp(a->isa, b->isa) == 0 && a->cpus == b->cpus && a->l1d == b->l1d &&
           a->l2 == b->l2 && a->l3 == b->l3;
}

static void write_or_fail(const char *path, const fw_profile *p)
{
    char msg[1024] = "";
    CHECK(fw_profile_write(path, p, msg, sizeof msg) == 0, "write %s: %s", path, msg);
}

/* ---- the fingerprint ------------------------------------------------------------------ */

static void test_fingerprint(void)
{
    fw_fingerprint here;
    fw_machine_fingerprint(&here);
    CHECK(here.cpu[0] && strcmp(here.cpu, "unknown") != 0, "cpu model name read: \"%s\"",
          here.cpu);
    CHECK(strcmp(here.isa, fw_isa_name(fw_active_isa())) == 0, "isa \"%s\" is the active path",
          here.isa);
    CHECK(here.cpus == (int)sysconf(_SC_NPROCESSORS_ONLN), "cpus %d are the online CPUs",
          here.cpus);
    CHECK(here.l1d == fw_caches()->level[0].size && here.l2 == fw_caches()->level[1].size &&
              here.l3 == fw_caches()->level[2].size,
          "caches %ld/%ld/%ld as fw_caches sees them", here.l1d, here.l2, here.l3);

    char msg[256] = "stale";
    fw_fingerprint same = here;
    CHECK(fw_fingerprint_compare(&here, &same, msg, sizeof msg) == 0 && msg[0] == '\0',
          "equal fingerprints compare equal (\"%s\")", msg);

    /* Each field changed alone is found and named first in the message. */
    static const char *const fields[] = {"cpu", "isa", "cpus", "l1d", "l2", "l3"};
    for (int f = 0; f < 6; f++) {
        fw_fingerprint other = here;
        if (f == 0)
            snprintf(other.cpu, sizeof other.cpu, "Another CPU");
        else if (f == 1)
            snprintf(other.isa, sizeof other.isa, "%s",
                     strcmp(here.isa, "avx2") ? "avx2" : "generic");
        else if (f == 2)
            other.cpus += 2;
        else
            *(f == 3 ? &other.l1d : f == 4 ? &other.l2 : &other.l3) += 1024;
        char want[16];
        snprintf(want, sizeof want, "%s: ", fields[f]);
        CHECK(fw_fingerprint_compare(&here, &other, msg, sizeof msg) == -1 &&
                  strncmp(msg, want, strlen(want)) == 0 && has(msg, "here") &&
                  has(msg, "in the profile") && !strchr(msg, '\n'),
              "%s differs: \"%s\"", fields[f], msg);
    }
    fw_fingerprint two = here;
    snprintf(two.cpu, sizeof two.cpu, "Another CPU");
    two.l3 += 1;
    CHECK(fw_fingerprint_compare(&here, &two, msg, sizeof msg) == -1 && has(msg, "cpu: ") &&
              has(msg, "\"Another CPU\" in the profile") && !has(msg, "l3"),
          "the first difference only: \"%s\"", msg);
}

/* ---- writing and reading -------------------------------------------------------------- */

static void test_round_trip(void)
{
    const char *path = in_top("rt/profile.json");
    mkdir(in_top("rt"), 0755);
    fw_profile out, in;
    sample_profile(&out, 0);
    for (int p = 0; p < 2; p++)
        for (int c = 0; c < FW_CLASS_COUNT; c++) {
            char why[256] = "";
            if (out.tuned[p][c])
                CHECK(fw_config_check((fw_precision)p, &out.cfg[p][c], why, sizeof why) == 0,
                      "sample %s config passes the check: %s", fw_class_name(c), why);
        }
    mode_t old_mask = umask(022);
    write_or_fail(path, &out);
    write_or_fail(path, &out); /* replacing a profile works the same way */
    char msg[1024] = "";
    memset(&in, 0x5a, sizeof in);
    CHECK(fw_profile_read(path, &in, msg, sizeof msg) == 0, "read back: %s", msg);
    CHECK(fingerprint_equal(&in.machine, &out.machine), "machine read back");
    CHECK(in.threads == out.threads && strcmp(in.objective, out.objective) == 0 &&
              strcmp(in.energy, out.energy) == 0 && strcmp(in.created, out.created) == 0,
          "threads, objective, energy, created read back");
    int tuned = 0;
    for (int p = 0; p < 2; p++)
        for (int c = 0; c < FW_CLASS_COUNT; c++) {
            tuned += in.tuned[p][c];
            CHECK(in.tuned[p][c] == out.tuned[p][c], "%s %s: tuned %d read as %d",
                  p ? "f64" : "f32", fw_class_name(c), out.tuned[p][c], in.tuned[p][c]);
            if (out.tuned[p][c])
                CHECK(config_equal(&in.cfg[p][c], &out.cfg[p][c]),
                      "%s %s: configuration read back equal", p ? "f64" : "f32",
                      fw_class_name(c));
        }
    CHECK(tuned == 6, "six classes tuned, %d read", tuned);
    CHECK(scratch_entries(in_top("rt")) == 1, "only the profile in its folder: %d entries",
          scratch_entries(in_top("rt")));

    /* The mode any new file gets, not mkstemp's 0600. */
    struct stat st;
    unsigned mode = stat(path, &st) == 0 ? (unsigned)(st.st_mode & 0777) : 0;
    CHECK(mode == 0644, "umask 022: mode 0644, got %o", mode);
    umask(077);
    write_or_fail(path, &out);
    mode = stat(path, &st) == 0 ? (unsigned)(st.st_mode & 0777) : 0;
    CHECK(mode == 0600, "umask 077: mode 0600, got %o", mode);
    umask(old_mask);
}

/* The file is the documented JSON: the keys, their types, kernels by name. */
static void test_json_form(void)
{
    const char *path = in_top("form.json");
    fw_profile p;
    sample_profile(&p, 0);
    write_or_fail(path, &p);
    json_error_t err;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (!CHECK(root != NULL, "the profile is valid JSON: %s", err.text))
        return;
    CHECK(json_integer_value(json_object_get(root, "flopwatt_profile")) == 2,
          "flopwatt_profile is 2");
    static const char *const top_keys[] = {"flopwatt_profile", "machine", "threads",
                                           "objective", "energy", "created", "configs"};
    for (size_t i = 0; i < 7; i++)
        CHECK(json_object_get(root, top_keys[i]) != NULL, "key %s present", top_keys[i]);
    CHECK(json_object_size(root) == 7, "7 top-level keys, %zu found", json_object_size(root));
    CHECK(json_is_integer(json_object_get(root, "threads")) &&
              json_is_string(json_object_get(root, "objective")),
          "threads an integer, objective a string");

    json_t *machine = json_object_get(root, "machine");
    CHECK(json_object_size(machine) == 6 &&
              strcmp(json_string_value(json_object_get(machine, "cpu")), p.machine.cpu) == 0 &&
              strcmp(json_string_value(json_object_get(machine, "isa")), p.machine.isa) == 0 &&
              json_integer_value(json_object_get(machine, "cpus")) == p.machine.cpus &&
              json_integer_value(json_object_get(machine, "l1d")) == p.machine.l1d &&
              json_integer_value(json_object_get(machine, "l2")) == p.machine.l2 &&
              json_integer_value(json_object_get(machine, "l3")) == p.machine.l3,
          "machine holds cpu, isa, cpus, l1d, l2, l3");

    json_t *configs = json_object_get(root, "configs");
    json_t *f64 = json_object_get(configs, "f64"), *f32 = json_object_get(configs, "f32");
    CHECK(json_object_size(configs) == 2 && json_object_size(f64) == 3 &&
              json_object_size(f32) == 3,
          "configs: f64 and f32, three classes each");
    CHECK(json_object_get(f64, "square") && json_object_get(f64, "skinny_k") &&
              json_object_get(f64, "gemv_t") && !json_object_get(f64, "small") &&
              json_object_get(f32, "small") && !json_object_get(f32, "square"),
          "only the tuned classes appear");

    json_t *sq = json_object_get(f64, "square");
    const fw_config *c = &p.cfg[FW_F64][FW_CLASS_SQUARE];
    static const char *const ints[] = {"mc", "kc", "nc", "threads", "jc_ways", "ic_ways",
                                       "jr_ways", "skinny_k", "skinny_mn",
                                       "gemv_min_per_thread", "gemv_n_split_cols"};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        CHECK(json_is_integer(json_object_get(sq, ints[i])), "f64.square.%s an integer",
              ints[i]);
    CHECK(json_object_size(sq) == 16, "a config has 16 keys, %zu found", json_object_size(sq));
    CHECK(json_integer_value(json_object_get(sq, "kc")) == c->kc, "kc stored as is");
    CHECK(json_is_real(json_object_get(sq, "direct_max_mnk")), "direct_max_mnk a number");
    CHECK(strcmp(json_string_value(json_object_get(sq, "bind")), "compact") == 0,
          "bind stored as \"compact\"");
    CHECK(strcmp(json_string_value(json_object_get(sq, "gemm_kernel")),
                 fw_kernel_at(c->gemm_kernel)->name) == 0 &&
              strcmp(json_string_value(json_object_get(sq, "gemv_n_kernel")),
                     fw_kernel_at(c->gemv_n_kernel)->name) == 0 &&
              strcmp(json_string_value(json_object_get(sq, "gemv_t_kernel")),
                     fw_kernel_at(c->gemv_t_kernel)->name) == 0,
          "kernels stored by registry name");
    json_decref(root);
}

static void test_write_failures(void)
{
    fw_profile p;
    sample_profile(&p, 0);
    char msg[1024] = "";
    CHECK(fw_profile_write("/proc/fw-profile-test.json", &p, msg, sizeof msg) == -1 &&
              has(msg, "profile /proc/fw-profile-test.json: cannot write") &&
              !strchr(msg, '\n'),
          "a folder nobody may write: \"%s\"", msg);

    const char *missing = in_top("no-such-folder/p.json");
    struct stat st;
    CHECK(fw_profile_write(missing, &p, msg, sizeof msg) == -1 && has(msg, missing) &&
              stat(in_top("no-such-folder"), &st) != 0,
          "a missing folder is not created: \"%s\"", msg);

    /* rename fails after the temporary file exists: it must go again. */
    mkdir(in_top("wf"), 0755);
    mkdir(in_top("wf/taken.json"), 0755);
    mkdir(in_top("wf/taken.json/inside"), 0755);
    CHECK(fw_profile_write(in_top("wf/taken.json"), &p, msg, sizeof msg) == -1 &&
              has(msg, "cannot write"),
          "a folder in the way: \"%s\"", msg);
    CHECK(scratch_entries(in_top("wf")) == 1, "no temporary file left behind: %d entries",
          scratch_entries(in_top("wf")));

    fw_profile bad = p;
    bad.cfg[FW_F64][FW_CLASS_SQUARE].bind = 7;
    CHECK(fw_profile_write(in_top("wf/bad.json"), &bad, msg, sizeof msg) == -1 &&
              has(msg, "f64.square.bind") && scratch_entries(in_top("wf")) == 1,
          "a bind that has no name is refused, nothing written: \"%s\"", msg);
    bad = p;
    bad.cfg[FW_F32][FW_CLASS_GEMV_N].gemv_t_kernel = -1;
    CHECK(fw_profile_write(in_top("wf/bad.json"), &bad, msg, sizeof msg) == -1 &&
              has(msg, "f32.gemv_n.gemv_t_kernel") && scratch_entries(in_top("wf")) == 1,
          "a kernel index outside the registry is refused: \"%s\"", msg);
}

/* Sets the value at a dotted path of root ("configs.f64.square.kc"); text NULL deletes it. */
static void set_path(json_t *root, const char *path, const char *text)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *obj = root;
    char *save, *part = strtok_r(buf, ".", &save), *next;
    while ((next = strtok_r(NULL, ".", &save))) {
        obj = json_object_get(obj, part);
        part = next;
    }
    if (text)
        json_object_set_new(obj, part, json_loads(text, JSON_DECODE_ANY, NULL));
    else
        json_object_del(obj, part);
}

/* Reads path, which must be refused with a reason naming the file and holding each part. */
static void expect_refused(const char *what, const char *path, const char *part1,
                           const char *part2)
{
    fw_profile p;
    memset(&p, 0, sizeof p);
    p.threads = 4242;
    char msg[1024] = "";
    char start[PATH_MAX + 16];
    snprintf(start, sizeof start, "profile %s: ", path);
    int rc = fw_profile_read(path, &p, msg, sizeof msg);
    CHECK(rc == -1 && strncmp(msg, start, strlen(start)) == 0 && has(msg, part1) &&
              (!part2 || has(msg, part2)) && !strchr(msg, '\n') && p.threads == 4242,
          "%s: rc %d, \"%s\" (wanted \"%s\"%s%s, profile untouched)", what, rc, msg, part1,
          part2 ? " and " : "", part2 ? part2 : "");
}

static void test_corrupt_files(void)
{
    const char *good = in_top("good-source.json");
    fw_profile p;
    sample_profile(&p, 0);
    write_or_fail(good, &p);
    const char *bad = in_top("bad.json");

    char f32_gemm[80], f64_gemv[80], long_text[120];
    snprintf(f32_gemm, sizeof f32_gemm, "\"%s\"",
             fw_kernel_at(last_supported(FW_KIND_GEMM, FW_F32))->name);
    snprintf(f64_gemv, sizeof f64_gemv, "\"%s\"",
             fw_kernel_at(last_supported(FW_KIND_GEMV_N, FW_F64))->name);
    snprintf(long_text, sizeof long_text, "\"%0100d\"", 0);
    const struct {
        const char *what, *path, *value; /* value: JSON text, NULL to delete the key */
        const char *part1, *part2;       /* what the reason must hold */
    } cases[] = {
        {"wrong version", "flopwatt_profile", "1", "flopwatt_profile: version 1", NULL},
        {"no version", "flopwatt_profile", NULL, "flopwatt_profile: missing", NULL},
        {"unknown kernel name", "configs.f64.square.gemm_kernel", "\"nosuch_dgemm_1x1\"",
         "f64.square.gemm_kernel: unknown kernel", "nosuch_dgemm_1x1"},
        {"kc = -5", "configs.f64.square.kc", "-5", "f64.square: ", "kc=-5"},
        {"an f32 kernel in an f64 config", "configs.f64.square.gemm_kernel", f32_gemm,
         "f64.square.gemm_kernel: ", "not a GEMM kernel for f64"},
        {"a GEMV kernel as the GEMM kernel", "configs.f64.square.gemm_kernel", f64_gemv,
         "f64.square.gemm_kernel: ", "not a GEMM kernel"},
        {"unknown class", "configs.f64.huge", "{}", "f64.huge: unknown class", NULL},
        {"unknown precision", "configs.f16", "{}", "f16: unknown precision", NULL},
        {"kc as text", "configs.f64.square.kc", "\"96\"", "f64.square.kc: not an integer",
         NULL},
        {"nc missing", "configs.f64.skinny_k.nc", NULL, "f64.skinny_k.nc: missing", NULL},
        {"a key no config has", "configs.f32.small.mk", "1", "f32.small.mk: unknown key", NULL},
        {"a binding with no name", "configs.f32.gemv_n.bind", "\"loose\"", "f32.gemv_n.bind: ",
         "loose"},
        {"mc beyond int", "configs.f64.square.mc", "4294967296",
         "f64.square.mc: 4294967296 is out of range", NULL},
        {"direct_max_mnk as text", "configs.f64.gemv_t.direct_max_mnk", "\"big\"",
         "f64.gemv_t.direct_max_mnk: not a number", NULL},
        {"cpus as text", "machine.cpus", "\"two\"", "machine.cpus: not an integer", NULL},
        {"no machine", "machine", NULL, "machine: missing", NULL},
        {"a cpu name with a line break", "machine.cpu", "\"AMD\\nEPYC\"",
         "machine.cpu: contains a control character", NULL},
        {"an objective too long", "objective", long_text, "objective: longer than 63 bytes",
         NULL},
        {"configs not an object", "configs", "[]", "configs: not an object", NULL},
        {"a key no profile has", "tuned_by", "\"x\"", "tuned_by: unknown key", NULL},
        {"a line break in a key", "configs.f64.square.k\nc", "1", "f64.square.k?c: unknown key",
         NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *root = json_load_file(good, 0, NULL);
        set_path(root, cases[i].path, cases[i].value);
        json_dump_file(root, bad, JSON_INDENT(1));
        json_decref(root);
        expect_refused(cases[i].what, bad, cases[i].part1, cases[i].part2);
    }

    /* A number may be written without a fraction. */
    json_t *root = json_load_file(good, 0, NULL);
    set_path(root, "configs.f64.square.direct_max_mnk", "500000");
    json_dump_file(root, bad, 0);
    json_decref(root);
    fw_profile in;
    char msg[1024] = "";
    CHECK(fw_profile_read(bad, &in, msg, sizeof msg) == 0 &&
              in.cfg[FW_F64][FW_CLASS_SQUARE].direct_max_mnk == 500000.0,
          "an integer where a number goes is read: %s", msg);

    /* Damage to the file as a whole. */
    FILE *f = fopen(bad, "w");
    fputs("{\"flopwatt_profile\": 2, \"machine\": {\"cpu\": \"AMD", f);
    fclose(f);
    expect_refused("truncated JSON", bad, "not valid JSON", NULL);
    f = fopen(bad, "w");
    fputs("[1, 2]", f);
    fclose(f);
    expect_refused("an array", bad, "not a flopwatt profile", NULL);
    f = fopen(bad, "w");
    fputs("{\"threads\": 1, \"threads\": 2}", f);
    fclose(f);
    expect_refused("a duplicate key", bad, "not valid JSON", "duplicate");
    expect_refused("a missing file", in_top("absent.json"), "cannot open", NULL);
    expect_refused("a folder", top, "not a regular file", NULL);
}

/* ---- loading -------------------------------------------------------------------------- */

/* What a child process saw. */
typedef struct child_view {
    char in_use[PATH_MAX];  /* fw_profile_in_use(), "" for NULL */
    int same_answer;        /* threads asking at once all got in_use */
    int config_mismatches;  /* classes whose fw_class_config is not the expected one */
    int gemm_ok;            /* fw_dgemm 32^3 (small class) and 96^3 (square) verified */
} child_view;

typedef struct load_case {
    const char *what;
    const char *profile;      /* FLOPWATT_PROFILE; NULL: unset */
    const char *dirs;         /* FLOPWATT_PROFILE_DIRS; NULL: unset */
    const fw_profile *expect; /* whose configurations plain calls must get; NULL: the model */
    const char *in_use;       /* what fw_profile_in_use must return; NULL for NULL */
    const char *warning;      /* NULL: stderr must stay empty; else part of its one line */
} load_case;

static void *ask_in_use(void *out)
{
    *(const char **)out = fw_profile_in_use();
    return NULL;
}

static int gemm_verified(int n)
{
    size_t count = (size_t)n * (size_t)n;
    double *a = malloc(count * sizeof *a), *b = malloc(count * sizeof *b);
    double *c = malloc(count * sizeof *c), *before = malloc(count * sizeof *before);
    int ok = a && b && c && before;
    if (ok) {
        for (size_t i = 0; i < count; i++) {
            a[i] = fw_test_uniform();
            b[i] = fw_test_uniform();
            c[i] = before[i] = fw_test_uniform();
        }
        ok = fw_dgemm(FW_COL_MAJOR, FW_NO_TRANS, FW_NO_TRANS, n, n, n, 1.0, a, n, b, n, 0.5, c,
                      n) == 0;
        ref_gemm_call call = {FW_F64, FW_COL_MAJOR, FW_NO_TRANS, FW_NO_TRANS, n, n, n,
                              1.0, 0.5, a, n, b, n, n};
        ref_gemm_report rep;
        ok = ok && ref_gemm_check(&call, before, c, (long)count, 0, &rep);
    }
    free(a), free(b), free(c), free(before);
    return ok;
}

/* In the child: the first calls of the process, from four threads at once, then the
 * configurations of every class and two GEMM calls. */
static void observe(const fw_profile *expect, child_view *v)
{
    pthread_t t[4];
    const char *got[4] = {NULL};
    int started = 0;
    for (int i = 0; i < 4; i++)
        started += pthread_create(&t[i], NULL, ask_in_use, &got[i]) == 0;
    for (int i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    const char *in_use = fw_profile_in_use();
    v->same_answer = started == 4;
    for (int i = 0; i < 4; i++)
        v->same_answer = v->same_answer && got[i] == in_use;
    snprintf(v->in_use, sizeof v->in_use, "%s", in_use ? in_use : "");
    for (int p = 0; p < 2; p++)
        for (int c = 0; c < FW_CLASS_COUNT; c++) {
            fw_config got_cfg, want;
            fw_class_config((fw_precision)p, (fw_shape_class)c, &got_cfg);
            if (expect && expect->tuned[p][c])
                want = expect->cfg[p][c];
            else
                fw_model_config((fw_precision)p, (fw_shape_class)c, &want);
            v->config_mismatches += !config_equal(&got_cfg, &want);
        }
    v->gemm_ok = gemm_verified(32) && gemm_verified(96);
}

static void set_env(const char *name, const char *value)
{
    if (value)
        setenv(name, value, 1);
    else
        unsetenv(name);
}

static int read_all(int fd, char *buf, size_t cap)
{
    size_t got = 0;
    ssize_t n;
    while (got < cap && (n = read(fd, buf + got, cap - got)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        got += (size_t)n;
    }
    return (int)got;
}

static void run_load_case(const load_case *lc)
{
    int view_pipe[2], err_pipe[2];
    if (!CHECK(pipe(view_pipe) == 0 && pipe(err_pipe) == 0, "%s: pipes", lc->what))
        return;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(view_pipe[0]);
        close(err_pipe[0]);
        dup2(err_pipe[1], STDERR_FILENO);
        set_env("FLOPWATT_PROFILE", lc->profile);
        set_env("FLOPWATT_PROFILE_DIRS", lc->dirs);
        child_view v;
        memset(&v, 0, sizeof v);
        observe(lc->expect, &v);
        _exit(write(view_pipe[1], &v, sizeof v) == (ssize_t)sizeof v ? 0 : 1);
    }
    close(view_pipe[1]);
    close(err_pipe[1]);
    char err[4096] = "";
    err[read_all(err_pipe[0], err, sizeof err - 1)] = '\0';
    child_view v;
    int got = read_all(view_pipe[0], (char *)&v, sizeof v);
    close(view_pipe[0]);
    close(err_pipe[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!CHECK(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && got == sizeof v,
               "%s: the child ran and reported (status %d)", lc->what, status))
        return;
    const char *want = lc->in_use ? lc->in_use : "";
    CHECK(strcmp(v.in_use, want) == 0, "%s: in use \"%s\", want \"%s\"", lc->what, v.in_use,
          want);
    CHECK(v.same_answer, "%s: every thread got the same answer", lc->what);
    CHECK(v.config_mismatches == 0, "%s: %d classes run another configuration than %s",
          lc->what, v.config_mismatches, lc->expect ? "the profile's" : "the model's");
    CHECK(v.gemm_ok, "%s: fw_dgemm computes correctly", lc->what);
    if (!lc->warning) {
        CHECK(err[0] == '\0', "%s: nothing on stderr, got \"%s\"", lc->what, err);
        return;
    }
    char *nl = strchr(err, '\n');
    CHECK(nl && nl[1] == '\0' && has(err, "flopwatt: ignoring profile ") &&
              has(err, "; using the model defaults\n") && has(err, lc->warning),
          "%s: one warning holding \"%s\", got \"%s\"", lc->what, lc->warning, err);
}

static void test_loading(void)
{
    fw_profile good, other, foreign;
    sample_profile(&good, 0);
    sample_profile(&other, 10);
    foreign = good;
    snprintf(foreign.machine.cpu, sizeof foreign.machine.cpu, "Some Other CPU");

    char good_path[PATH_MAX], corrupt_path[PATH_MAX], foreign_path[PATH_MAX];
    snprintf(good_path, sizeof good_path, "%s", in_top("load-good.json"));
    snprintf(corrupt_path, sizeof corrupt_path, "%s", in_top("load-corrupt.json"));
    snprintf(foreign_path, sizeof foreign_path, "%s", in_top("load-foreign.json"));
    write_or_fail(good_path, &good);
    write_or_fail(foreign_path, &foreign);
    FILE *f = fopen(corrupt_path, "w");
    fputs("{\"flopwatt_profile\": 2, \"machine\"", f);
    fclose(f);

    /* Folders to scan: only scan/c-match.json may be chosen. Hidden files, other
     * extensions, corrupt files and other machines' profiles are passed over; the d-match
     * files come later in name order (several, and written first, so that a directory's own
     * order is unlikely to agree by chance), and the folder "later" comes after "scan". */
    char scan[PATH_MAX], scan_dirs[3 * PATH_MAX], want_match[PATH_MAX], foreign_only[PATH_MAX];
    snprintf(scan, sizeof scan, "%s", in_top("scan"));
    mkdir(scan, 0755);
    for (int i = 0; i < 8; i++) {
        char name[32];
        snprintf(name, sizeof name, "scan/d-match-%d.json", i);
        write_or_fail(in_top(name), &other);
    }
    mkdir(in_top("later"), 0755);
    write_or_fail(in_top("later/a-match.json"), &other);
    write_or_fail(in_top("scan/.a-hidden.json"), &other);
    write_or_fail(in_top("scan/0-match.txt"), &other);
    f = fopen(in_top("scan/a-corrupt.json"), "w");
    fputs("{\"flopwatt_profile\": 2,", f);
    fclose(f);
    write_or_fail(in_top("scan/b-foreign.json"), &foreign);
    write_or_fail(in_top("scan/c-match.json"), &good);
    snprintf(want_match, sizeof want_match, "%s", in_top("scan/c-match.json"));
    snprintf(scan_dirs, sizeof scan_dirs, "%s::%s:%s", in_top("no-such-folder"), scan,
             in_top("later"));
    snprintf(foreign_only, sizeof foreign_only, "%s", in_top("foreign-only"));
    mkdir(foreign_only, 0755);
    write_or_fail(in_top("foreign-only/p.json"), &foreign);

    char missing[PATH_MAX];
    snprintf(missing, sizeof missing, "%s", in_top("absent.json"));
    const load_case cases[] = {
        {"a named profile of this machine", good_path, foreign_only, &good, good_path, NULL},
        {"a named corrupt profile", corrupt_path, scan, NULL, NULL, corrupt_path},
        {"a named missing profile", missing, NULL, NULL, NULL, "cannot open"},
        {"a named profile of another CPU", foreign_path, NULL, NULL, NULL, "cpu: "},
        {"folders with one match among the rest", NULL, scan_dirs, &good, want_match, NULL},
        {"a folder with another machine's profile only", NULL, foreign_only, NULL, NULL, NULL},
        {"FLOPWATT_PROFILE=none", "none", scan, NULL, NULL, NULL},
        {"FLOPWATT_PROFILE empty", "", scan, NULL, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_load_case(&cases[i]);
}

/* Without a profile, tiny and small problems (the direct path) get the widest tile of at
 * most 8 columns with the most accumulators; every other class the registry's first tile. */
static void test_model_tiles(void)
{
    const fw_isa isa = fw_active_isa();
    for (int p = 0; p < 2; p++) {
        const fw_precision prec = (fw_precision)p;
        fw_config tiny, small, square;
        fw_model_config(prec, FW_CLASS_TINY, &tiny);
        fw_model_config(prec, FW_CLASS_SMALL, &small);
        fw_model_config(prec, FW_CLASS_SQUARE, &square);
        char why[200] = "";
        CHECK(fw_config_check(prec, &tiny, why, sizeof why) == 0, "p%d: direct model valid: %s",
              p, why);
        CHECK(config_equal(&tiny, &small), "p%d: tiny and small share the direct model", p);
        int first = -1;
        for (int i = 0; i < fw_kernel_count() && first < 0; i++) {
            const fw_kernel_info *k = fw_kernel_at(i);
            if (k->kind == FW_KIND_GEMM && k->prec == prec && k->isa == isa &&
                fw_kernel_supported(i))
                first = i;
        }
        CHECK(square.gemm_kernel == first, "p%d: the blocked model keeps the registry's first", p);
        const fw_kernel_info *d = fw_kernel_at(tiny.gemm_kernel);
        if (!CHECK(d && d->isa == isa && d->prec == prec && d->nr <= 8,
                   "p%d: direct tile of the ISA in use, at most 8 wide", p))
            continue;
        for (int i = 0; i < fw_kernel_count(); i++) {
            const fw_kernel_info *k = fw_kernel_at(i);
            if (k->kind != FW_KIND_GEMM || k->prec != prec || k->isa != isa || k->nr > 8 ||
                !fw_kernel_supported(i))
                continue;
            const long area = (long)k->mr * k->nr, best = (long)d->mr * d->nr;
            CHECK(area < best || (area == best && k->nr <= d->nr),
                  "p%d: %s does not beat %s", p, k->name, d->name);
        }
        if (isa == FW_ISA_AVX512)
            CHECK(strcmp(d->name, p == FW_F32 ? "avx512_sgemm_48x8" : "avx512_dgemm_24x8") == 0,
                  "p%d: AVX-512 direct tile %s", p, d->name);
    }
}

int main(void)
{
    if (scratch_dir(top, sizeof top, "profile") != 0) {
        CHECK(0, "mkdtemp: %s", strerror(errno));
        return fw_test_summary();
    }
    /* Loading first: the children must be forked before anything here used OpenMP. */
    test_loading();
    test_fingerprint();
    test_round_trip();
    test_json_form();
    test_write_failures();
    test_corrupt_files();
    test_model_tiles();
    scratch_remove(top);
    return fw_test_summary();
}
