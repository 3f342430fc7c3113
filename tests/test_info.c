/* flopwatt info: the collected object has every key with the right type; the machine id
 * is a safe slug, chosen from FLOPWATT_MACHINE_ID, FLOPWATT_INSTANCE, a DMI product name
 * that looks like an instance type (fixture trees under tests/fixtures/info/) or the CPU
 * model; CPU flags, memory and the sysfs topology are read from fixture trees; the
 * accessors read measured figures back; the CLI prints JSON, refuses bad options and bad
 * ids with one line, and measures positive peaks with --quick. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu_id.h"
#include "../bench/sysinfo.h"
#include "../bench/sysinfo_id.h"
#include "../bench/sysinfo_parts.h"
#include "cli_run.h"
#include "scratch.h"
#include "testlib.h"

static char fixtures[4096];

/* <FW_SOURCE_DIR>/tests/fixtures/info/<name> */
static const char *tree(const char *name)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s/%s", fixtures, name);
    return path;
}

static int is_slug(const char *s)
{
    if (!sysinfo_id_valid(s))
        return 0;
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            return 0;
    return 1;
}

/* o[key] has type t; JSON_TRUE stands for either boolean, JSON_REAL for any number. */
static int has(const json_t *o, const char *key, json_type t)
{
    json_t *v = json_object_get(o, key);
    if (t == JSON_TRUE)
        return json_is_boolean(v);
    if (t == JSON_REAL)
        return json_is_number(v);
    return v && json_typeof(v) == t;
}

/* o[key] as a string, "" when it is not one (so a wrong object fails a check, never crashes). */
static const char *sval(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

static int string_or_null(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) || json_is_null(v);
}

static void test_slug(void)
{
    static const struct { const char *in, *out; } cases[] = {
        {"AMD EPYC 9R14 96-Core Processor", "amd-epyc-9r14-96-core-processor"},
        {"Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", "intel-xeon-platinum-8375c-cpu-2.90ghz"},
        {"  Neoverse-V1  ", "neoverse-v1"},
        {"c7g.large", "c7g.large"},
        {"../../etc/passwd", "etc-passwd"},
        {"Arm implementer 0x41 part 0xd4f", "arm-implementer-0x41-part-0xd4f"},
        {"", "unknown"},
        {"(TM)", "unknown"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[SYSINFO_ID_MAX];
        sysinfo_slug(cases[i].in, out, sizeof out);
        CHECK(strcmp(out, cases[i].out) == 0, "slug('%s') = '%s', want '%s'", cases[i].in, out,
              cases[i].out);
        CHECK(is_slug(out), "slug('%s') = '%s' is not a safe lower-case name", cases[i].in, out);
    }
    char small[8];
    sysinfo_slug("AMD EPYC 9R14", small, sizeof small);
    CHECK(strcmp(small, "amd-epy") == 0, "slug cut to 7 characters: '%s'", small);
    sysinfo_slug("ab cd", small, 4);
    CHECK(strcmp(small, "ab") == 0, "a cut slug ends without '-': '%s'", small);
}

static void test_id_valid(void)
{
    static const char *good[] = {"c7g.large", "my_box-1", "Lab.Box", "a"};
    static const char *bad[] = {"", ".", "..", "a/b", "a b", "box\n", "caf\xc3\xa9", "x;rm"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        CHECK(sysinfo_id_valid(good[i]), "'%s' should be a valid id", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(!sysinfo_id_valid(bad[i]), "'%s' should be refused", bad[i]);
    char longest[SYSINFO_ID_MAX + 1];
    memset(longest, 'a', sizeof longest);
    longest[SYSINFO_ID_MAX - 1] = '\0';
    CHECK(sysinfo_id_valid(longest), "%d characters are allowed", SYSINFO_ID_MAX - 1);
    longest[SYSINFO_ID_MAX - 1] = 'a';
    longest[SYSINFO_ID_MAX] = '\0';
    CHECK(!sysinfo_id_valid(longest), "%d characters are too many", SYSINFO_ID_MAX);
}

static void test_instance_like(void)
{
    static const char *yes[] = {"c7g.large", "m5.2xlarge", "u-6tb1.metal", "c7gn.16xlarge",
                                "m7i-flex.large", "t2.micro"};
    static const char *no[] = {"Standard PC (Q35 + ICH9, 2009)", "KVM", "Google Compute Engine",
                               "1.0", "c7g.", ".large", "c7g.large.x", "C7G.LARGE", "large.c7g",
                               "Virtual Machine", "HVM domU", ""};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        CHECK(sysinfo_instance_like(yes[i]), "'%s' has the form of an instance type", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        CHECK(!sysinfo_instance_like(no[i]), "'%s' is not an instance type", no[i]);
}

static void test_identity(void)
{
    fw_cpu_id kvm_cpu, ec2_cpu;
    sysinfo_identity id;
    CHECK(fw_cpu_id_read(tree("kvm"), &kvm_cpu) == 0, "fixture cpuinfo %s readable", tree("kvm"));
    CHECK(fw_cpu_id_read(tree("ec2"), &ec2_cpu) == 0, "fixture cpuinfo %s readable", tree("ec2"));
    unsetenv("FLOPWATT_MACHINE_ID");
    unsetenv("FLOPWATT_INSTANCE");

    /* A board name: recorded, not an instance type; the id comes from the CPU. */
    sysinfo_identity_read(tree("kvm"), &kvm_cpu, &id);
    CHECK(strcmp(id.dmi_product_name, "Standard PC (Q35 + ICH9, 2009)") == 0,
          "DMI product name read and trimmed: '%s'", id.dmi_product_name);
    CHECK(id.instance_source == NULL && id.instance_type[0] == '\0',
          "a board name is no instance type: '%s'", id.instance_type);
    CHECK(strcmp(id.machine_id, "intel-xeon-platinum-8488c-f06-m8f-4cpu") == 0,
          "id from model, family, model number and CPU count: '%s'", id.machine_id);
    CHECK(strcmp(id.machine_id_source, "cpu_model") == 0, "source %s", id.machine_id_source);

    /* Cloud VMs name every EPYC generation "AMD EPYC": family and model tell them apart. */
    fw_cpu_id zen3 = kvm_cpu, zen5 = kvm_cpu;
    snprintf(zen3.model_name, sizeof zen3.model_name, "AMD EPYC");
    snprintf(zen5.model_name, sizeof zen5.model_name, "AMD EPYC");
    zen3.family = 0x19, zen3.model = 0x01, zen5.family = 0x1a, zen5.model = 0x02;
    zen3.logical_cpus = zen5.logical_cpus = 2;
    sysinfo_identity_read(tree("kvm"), &zen3, &id);
    CHECK(strcmp(id.machine_id, "amd-epyc-f19-m01-2cpu") == 0, "Zen 3 VM: '%s'", id.machine_id);
    sysinfo_identity_read(tree("kvm"), &zen5, &id);
    CHECK(strcmp(id.machine_id, "amd-epyc-f1a-m02-2cpu") == 0, "Zen 5 VM: '%s'", id.machine_id);
    /* Arm has no x86 family: the model name (from the MIDR part) and the CPU count. */
    sysinfo_identity_read(tree("no-such-tree"), &ec2_cpu, &id);
    CHECK(strncmp(id.machine_id + strlen(id.machine_id) - 5, "-2cpu", 5) == 0 &&
              strstr(id.machine_id, "-f") == NULL,
          "Arm id without family: '%s'", id.machine_id);

    /* EC2 Nitro: the instance type is the DMI product name. */
    sysinfo_identity_read(tree("ec2"), &ec2_cpu, &id);
    CHECK(strcmp(id.instance_type, "c7g.large") == 0, "instance type from DMI: '%s'",
          id.instance_type);
    CHECK(id.instance_source && strcmp(id.instance_source, "dmi") == 0, "instance source dmi");
    CHECK(strcmp(id.machine_id, "c7g.large") == 0, "id from the instance type: '%s'",
          id.machine_id);
    CHECK(strcmp(id.machine_id_source, "instance_type") == 0, "source %s", id.machine_id_source);

    /* No DMI at all. */
    sysinfo_identity_read(tree("no-such-tree"), &kvm_cpu, &id);
    CHECK(id.dmi_product_name[0] == '\0' && id.instance_source == NULL,
          "no DMI file: no product name, no instance");

    /* FLOPWATT_INSTANCE wins over DMI. */
    setenv("FLOPWATT_INSTANCE", "M7i.XLarge", 1);
    sysinfo_identity_read(tree("ec2"), &ec2_cpu, &id);
    CHECK(strcmp(id.instance_type, "M7i.XLarge") == 0 && id.instance_source &&
              strcmp(id.instance_source, "FLOPWATT_INSTANCE") == 0,
          "instance from FLOPWATT_INSTANCE: '%s'", id.instance_type);
    CHECK(strcmp(id.machine_id, "m7i.xlarge") == 0, "id is its lower-case slug: '%s'",
          id.machine_id);
    CHECK(strcmp(id.dmi_product_name, "c7g.large") == 0, "DMI still recorded");

    /* FLOPWATT_MACHINE_ID wins over both when valid; an invalid one is noted, not used. */
    setenv("FLOPWATT_MACHINE_ID", "Lab-Box_1", 1);
    sysinfo_identity_read(tree("ec2"), &ec2_cpu, &id);
    CHECK(strcmp(id.machine_id, "lab-box_1") == 0, "id from FLOPWATT_MACHINE_ID: '%s'",
          id.machine_id);
    CHECK(strcmp(id.machine_id_source, "FLOPWATT_MACHINE_ID") == 0, "source %s",
          id.machine_id_source);
    CHECK(id.machine_id_note[0] == '\0', "no note for a valid id");
    setenv("FLOPWATT_MACHINE_ID", "../escape", 1);
    sysinfo_identity_read(tree("ec2"), &ec2_cpu, &id);
    CHECK(strcmp(id.machine_id, "m7i.xlarge") == 0, "invalid id falls back: '%s'", id.machine_id);
    CHECK(strstr(id.machine_id_note, "FLOPWATT_MACHINE_ID") != NULL && !strchr(id.machine_id_note, '\n'),
          "the fallback says why in one line: '%s'", id.machine_id_note);
    unsetenv("FLOPWATT_MACHINE_ID");
    unsetenv("FLOPWATT_INSTANCE");
}

static void test_isa_flags(void)
{
    json_t *x86 = sysinfo_isa(tree("kvm")), *arm = sysinfo_isa(tree("ec2"));
    json_t *none = sysinfo_isa(tree("no-such-tree"));
    json_t *xf = json_object_get(x86, "flags"), *af = json_object_get(arm, "flags");
    CHECK(json_is_string(json_object_get(x86, "flags_source")) &&
              strcmp(sval(x86, "flags_source"),
                     "/proc/cpuinfo flags") == 0,
          "x86 flags from the flags line");
    CHECK(json_is_true(json_object_get(xf, "amx_tile")) && json_is_true(json_object_get(xf, "avx512_bf16")) &&
              json_is_true(json_object_get(xf, "avx_vnni")) && json_is_true(json_object_get(xf, "fma")),
          "flags present in the fixture are true");
    CHECK(json_is_false(json_object_get(xf, "amx_fp16")),
          "amx_fp16 is not in the fixture (avx512_fp16 is: whole words only)");
    CHECK(json_object_get(xf, "sve") == NULL, "no Arm names on x86");
    CHECK(strcmp(sval(arm, "flags_source"),
                 "/proc/cpuinfo Features") == 0,
          "Arm flags from the Features line");
    CHECK(json_is_true(json_object_get(af, "sve")) && json_is_true(json_object_get(af, "asimd")) &&
              json_is_true(json_object_get(af, "i8mm")),
          "Graviton3 features present");
    CHECK(json_is_false(json_object_get(af, "sve2")), "Neoverse V1 has no SVE2 (svebf16 is not it)");
#if !defined(__aarch64__)
    CHECK(json_is_null(json_object_get(arm, "sve_vector_bits")),
          "no SVE vector length outside AArch64");
#endif
    CHECK(json_is_null(json_object_get(none, "flags_source")) &&
              json_object_size(json_object_get(none, "flags")) == 0,
          "unreadable cpuinfo: no flags, source null");
    json_t *lib = json_object_get(x86, "library_supported");
    for (int i = 0; i < FW_ISA_COUNT; i++)
        CHECK(json_is_boolean(json_object_get(lib, fw_isa_name((fw_isa)i))) &&
                  json_is_true(json_object_get(lib, fw_isa_name((fw_isa)i))) == (fw_isa_supported((fw_isa)i) != 0),
              "library_supported.%s as fw_isa_supported says", fw_isa_name((fw_isa)i));
    CHECK(strcmp(sval(x86, "active"), fw_isa_name(fw_active_isa())) == 0,
          "active ISA as the library says");
    json_decref(x86);
    json_decref(arm);
    json_decref(none);
}

static void test_memory(void)
{
    json_t *m = sysinfo_memory(tree("kvm")), *none = sysinfo_memory(tree("no-such-tree"));
    CHECK(json_integer_value(json_object_get(m, "total_bytes")) == 16384000LL * 1024,
          "MemTotal in bytes: %lld", (long long)json_integer_value(json_object_get(m, "total_bytes")));
    CHECK(json_integer_value(json_object_get(m, "available_bytes")) == 15500000LL * 1024,
          "MemAvailable in bytes");
    CHECK(json_is_null(json_object_get(none, "total_bytes")) &&
              json_is_null(json_object_get(none, "available_bytes")),
          "unreadable meminfo gives nulls");
    json_decref(m);
    json_decref(none);
}

static json_t *cache_at(json_t *caches, long long level, const char *type)
{
    size_t i;
    json_t *c;
    json_array_foreach(caches, i, c)
        if (json_integer_value(json_object_get(c, "level")) == level &&
            strcmp(sval(c, "type"), type) == 0)
            return c;
    return NULL;
}

static long long ival(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? json_integer_value(v) : -12345;
}

static void test_topology_sysfs(void)
{
    json_t *t = sysinfo_topology_sysfs(tree("kvm"));
    CHECK(t && strcmp(sval(t, "source"), "sysfs") == 0,
          "source sysfs");
    CHECK(ival(t, "packages") == 1 && ival(t, "cores") == 2 && ival(t, "threads") == 4,
          "1 package, 2 cores, 4 threads: %lld %lld %lld", ival(t, "packages"), ival(t, "cores"),
          ival(t, "threads"));
    json_t *caches = json_object_get(t, "caches");
    CHECK(json_array_size(caches) == 4, "4 caches, got %zu", json_array_size(caches));
    json_t *l1 = cache_at(caches, 1, "data"), *l1i = cache_at(caches, 1, "instruction");
    json_t *l3 = cache_at(caches, 3, "unified");
    CHECK(l1 && ival(l1, "size_bytes") == 48 * 1024 && ival(l1, "line_bytes") == 64 &&
              ival(l1, "associativity") == 12,
          "L1d 48 KiB, 64 B lines, 12 ways");
    CHECK(l1 && ival(l1, "shared_by_threads") == 2 && ival(l1, "shared_by_cores") == 1 &&
              ival(l1, "count") == 2,
          "L1d: 2 SMT threads of 1 core, 2 instances: %lld %lld %lld", ival(l1, "shared_by_threads"),
          ival(l1, "shared_by_cores"), ival(l1, "count"));
    CHECK(l1i && ival(l1i, "size_bytes") == 32 * 1024, "L1i 32 KiB");
    CHECK(l3 && ival(l3, "size_bytes") == 107520LL * 1024 && ival(l3, "shared_by_cores") == 2 &&
              ival(l3, "shared_by_threads") == 4 && ival(l3, "count") == 1,
          "L3 105 MiB shared by both cores");
    json_t *node = json_array_get(json_object_get(t, "numa_nodes"), 0);
    CHECK(json_array_size(json_object_get(t, "numa_nodes")) == 1 &&
              ival(node, "memory_bytes") == 16384000LL * 1024 && ival(node, "threads") == 4,
          "one NUMA node of 16384000 kB and 4 threads");
    json_decref(t);

    json_t *none = sysinfo_topology_sysfs(tree("no-such-tree"));
    CHECK(none && ival(none, "threads") == 0 && json_array_size(json_object_get(none, "caches")) == 0,
          "no sysfs: zero threads and no caches, not a crash");
    json_decref(none);
}

/* Every key of the collected object, with its type. */
static void test_collect(void)
{
    unsetenv("FLOPWATT_MACHINE_ID");
    unsetenv("FLOPWATT_INSTANCE");
    sysinfo_opts o = {.measure = 0, .quick = 1};
    json_t *info = sysinfo_collect(&o);
    if (!CHECK(json_is_object(info), "sysinfo_collect returns an object"))
        return;
    const char *id = sysinfo_machine_id(info);
    CHECK(id && is_slug(id), "machine_id '%s' is a safe lower-case slug", id ? id : "(null)");
    CHECK(has(info, "info_version", JSON_INTEGER), "info_version");
    CHECK(has(info, "machine_id_source", JSON_STRING), "machine_id_source");
    static const char *nullable[] = {"machine_id_note", "instance_type", "instance_source",
                                     "dmi_product_name"};
    for (size_t i = 0; i < sizeof nullable / sizeof nullable[0]; i++)
        CHECK(json_object_get(info, nullable[i]) && string_or_null(info, nullable[i]),
              "%s is a string or null", nullable[i]);
    CHECK(json_is_null(json_object_get(info, "measured")), "measured is null when not measured");
    CHECK(isnan(sysinfo_peak_gflops(info, FW_F64, 0)) && isnan(sysinfo_bandwidth_gbs(info, 1)),
          "accessors give NaN when not measured");

    json_t *cpu = json_object_get(info, "cpu");
    CHECK(has(cpu, "vendor", JSON_STRING) && has(cpu, "model_name", JSON_STRING) &&
              has(cpu, "arch", JSON_STRING),
          "cpu vendor, model_name, arch");
    CHECK(ival(cpu, "logical_cpus") == sysconf(_SC_NPROCESSORS_ONLN), "cpu.logical_cpus online");
    static const char *cpu_ids[] = {"family", "model", "stepping", "arm_implementer", "arm_part"};
    for (size_t i = 0; i < sizeof cpu_ids / sizeof cpu_ids[0]; i++)
        CHECK(json_object_get(cpu, cpu_ids[i]) != NULL, "cpu.%s present", cpu_ids[i]);

    json_t *isa = json_object_get(info, "isa");
    CHECK(has(isa, "active", JSON_STRING) && has(isa, "library_supported", JSON_OBJECT) &&
              has(isa, "flags", JSON_OBJECT) && json_object_get(isa, "sve_vector_bits") &&
              json_object_get(isa, "tuned_profile") && string_or_null(isa, "tuned_profile"),
          "isa keys");

    json_t *t = json_object_get(info, "topology");
    CHECK(has(t, "source", JSON_STRING) && ival(t, "packages") >= 1 && ival(t, "cores") >= 1 &&
              ival(t, "threads") >= ival(t, "cores") && has(t, "numa_nodes", JSON_ARRAY),
          "topology counts");
#ifdef FW_HAVE_HWLOC
    CHECK(strcmp(sval(t, "source"), "hwloc") == 0,
          "hwloc built in: topology from hwloc");
    CHECK(ival(t, "threads") <= sysconf(_SC_NPROCESSORS_ONLN),
          "hwloc sees the CPUs this process may use, no more than are online");
#endif
    CHECK(strcmp(sval(t, "library_cache_source"),
                 fw_caches()->source) == 0,
          "library_cache_source as fw_caches says");
    size_t i;
    json_t *c;
    int caches_ok = json_array_size(json_object_get(t, "caches")) > 0;
    json_array_foreach(json_object_get(t, "caches"), i, c)
        caches_ok &= ival(c, "level") >= 1 && has(c, "type", JSON_STRING) &&
                     ival(c, "size_bytes") > 0 && ival(c, "line_bytes") >= 0 &&
                     ival(c, "associativity") >= 0 && ival(c, "shared_by_cores") >= 0 &&
                     ival(c, "shared_by_threads") >= 0 && ival(c, "count") >= 1;
    CHECK(caches_ok, "caches: a non-empty list of well-typed entries");

    json_t *mem = json_object_get(info, "memory");
    CHECK(ival(mem, "total_bytes") > 0 && ival(mem, "available_bytes") >= 0 &&
              ival(mem, "available_bytes") <= ival(mem, "total_bytes"),
          "memory total and available");

    json_t *build = json_object_get(info, "build");
    static const char *build_strings[] = {"flopwatt_version", "git_revision", "compiler",
                                          "compiler_version", "cflags"};
    for (size_t k = 0; k < sizeof build_strings / sizeof build_strings[0]; k++)
        CHECK(has(build, build_strings[k], JSON_STRING), "build.%s", build_strings[k]);
    CHECK(has(build, "hwloc", JSON_TRUE) && has(build, "papi", JSON_TRUE) &&
              has(build, "likwid_markers", JSON_TRUE),
          "build switches are booleans");

    static const char *libs[] = {"openblas", "blis", "papi", "likwid", "hwloc"};
    for (size_t k = 0; k < sizeof libs / sizeof libs[0]; k++) {
        json_t *l = json_object_get(json_object_get(info, "libraries"), libs[k]);
        int found = json_is_true(json_object_get(l, "found"));
        CHECK(has(l, "found", JSON_TRUE), "libraries.%s.found", libs[k]);
        CHECK(found ? has(l, "version", JSON_STRING) && string_or_null(l, "path")
                    : has(l, "reason", JSON_STRING),
              "libraries.%s: a version when found, a reason when not", libs[k]);
    }
    json_t *openblas = json_object_get(json_object_get(info, "libraries"), "openblas");
    if (json_is_true(json_object_get(openblas, "found")))
        CHECK(string_or_null(openblas, "coretype_env") && string_or_null(openblas, "core"),
              "openblas core and coretype_env");

    json_t *be = json_object_get(info, "backends");
    json_t *counters = json_object_get(be, "counters"), *energy = json_object_get(be, "energy");
    CHECK(has(counters, "available", JSON_TRUE) && has(counters, "status", JSON_STRING),
          "counters: available and status");
    int energy_ok = json_array_size(json_object_get(energy, "backends")) > 0;
    json_array_foreach(json_object_get(energy, "backends"), i, c)
        energy_ok &= has(c, "name", JSON_STRING) && has(c, "available", JSON_TRUE) &&
                     (json_is_true(json_object_get(c, "available")) ? json_is_null(json_object_get(c, "reason"))
                                                                      : has(c, "reason", JSON_STRING));
    CHECK(energy_ok, "energy backends: name, available, and a reason when unavailable");
    CHECK(string_or_null(energy, "cpu_backend") && has(energy, "cpu_measured", JSON_TRUE),
          "energy cpu_backend and cpu_measured");

    /* The readable form names the machine and has every section. */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (CHECK(f != NULL, "open_memstream")) {
        sysinfo_print(info, f);
        fclose(f);
        static const char *sections[] = {"\nCPU\n", "\nISA\n", "\nTopology and caches",
                                         "\nMemory\n", "\nMeasured peak and bandwidth\n",
                                         "not measured", "\nBuild\n", "\nLibraries\n",
                                         "\nCounter and energy backends\n"};
        for (size_t k = 0; k < sizeof sections / sizeof sections[0]; k++)
            CHECK(strstr(text, sections[k]) != NULL, "printed form has '%s'", sections[k]);
        CHECK(id && strstr(text, id) != NULL, "printed form names the machine");
    }
    free(text);
    json_decref(info);
}

static void test_accessors(void)
{
    const char *doc =
        "{\"measured\": {\"fma_peak\": {\"one_core\": {\"threads\": 1, \"gflops_f32\": 100.5,"
        " \"gflops_f64\": 50.25}, \"all_cores\": {\"threads\": 4, \"error\": \"failed\"}},"
        " \"read_bandwidth\": {\"one_core\": {\"threads\": 1, \"gbs_best\": 20.0},"
        " \"all_cores\": {\"threads\": 4, \"gbs_best\": 70.5}}}, \"machine_id\": \"box\"}";
    json_t *info = json_loads(doc, 0, NULL);
    CHECK(sysinfo_peak_gflops(info, FW_F32, 0) == 100.5, "FP32 one core");
    CHECK(sysinfo_peak_gflops(info, FW_F64, 0) == 50.25, "FP64 one core");
    CHECK(isnan(sysinfo_peak_gflops(info, FW_F64, 1)), "a failed measurement reads as NaN");
    CHECK(sysinfo_bandwidth_gbs(info, 0) == 20.0 && sysinfo_bandwidth_gbs(info, 1) == 70.5,
          "bandwidth one core and all cores");
    const char *id = sysinfo_machine_id(info);
    CHECK(id && strcmp(id, "box") == 0, "machine id read back");
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f) {
        sysinfo_print(info, f); /* a sparse object prints without crashing */
        fclose(f);
        CHECK(strstr(text, "4 threads failed (failed)") != NULL,
              "the failed figure is printed as failed");
    }
    free(text);
    json_decref(info);
    CHECK(sysinfo_machine_id(NULL) == NULL && isnan(sysinfo_peak_gflops(NULL, FW_F32, 0)),
          "accessors on NULL");
}

static void test_cli(void)
{
    if (!cli_path())
        return;
    static cli_result r;
    setenv("FLOPWATT_INSTANCE", "c7g.large", 1);
    cli_run(&r, ARGS("info", "--json", "--no-measure"));
    unsetenv("FLOPWATT_INSTANCE");
    json_t *info = json_loads(r.out, 0, NULL);
    CHECK(r.status == 0 && json_is_object(info), "info --json --no-measure: exit %d, JSON %s",
          r.status, info ? "parsed" : "did not parse");
    CHECK(strcmp(sval(info, "instance_type"), "c7g.large") == 0 &&
              strcmp(sval(info, "machine_id"), "c7g.large") == 0,
          "FLOPWATT_INSTANCE reaches the JSON");
    CHECK(json_is_null(json_object_get(info, "measured")), "--no-measure leaves measured null");
    json_decref(info);

    setenv("FLOPWATT_MACHINE_ID", "bad/id", 1);
    cli_expect_error(2, ARGS("info", "--json", "--no-measure"));
    cli_run(&r, ARGS("info", "--no-measure"));
    CHECK(strstr(r.err, "FLOPWATT_MACHINE_ID") != NULL, "the error names the variable: %s", r.err);
    unsetenv("FLOPWATT_MACHINE_ID");

    cli_expect_error(2, ARGS("info", "--bogus"));
    cli_expect_error(2, ARGS("info", "--json=yes"));

    cli_run(&r, ARGS("info", "--no-measure"));
    CHECK(r.status == 0 && strstr(r.out, "\nCPU\n") && strstr(r.out, "not measured"),
          "info --no-measure prints the readable form (exit %d)", r.status);

    /* The profile in use, or that there is none. */
    setenv("FLOPWATT_PROFILE", "none", 1);
    cli_run(&r, ARGS("info", "--no-measure"));
    CHECK(r.status == 0 && strstr(r.out, "tuned profile: none"), "FLOPWATT_PROFILE=none: %s",
          r.out);
    cli_run(&r, ARGS("info", "--json", "--no-measure"));
    info = json_loads(r.out, 0, NULL);
    CHECK(json_is_null(json_object_get(json_object_get(info, "isa"), "tuned_profile")),
          "FLOPWATT_PROFILE=none: isa.tuned_profile is null");
    json_decref(info);
    /* A profile made for this machine, with the model's configuration for one class. */
    char dir[4096], profile[4200], msg[300];
    fw_profile p;
    memset(&p, 0, sizeof p);
    fw_machine_fingerprint(&p.machine);
    p.threads = 1;
    snprintf(p.objective, sizeof p.objective, "time");
    snprintf(p.energy, sizeof p.energy, "none");
    snprintf(p.created, sizeof p.created, "2026-11-24T10:00:00Z");
    p.tuned[FW_F64][FW_CLASS_SQUARE] = 1;
    fw_model_config(FW_F64, FW_CLASS_SQUARE, &p.cfg[FW_F64][FW_CLASS_SQUARE]);
    if (CHECK(scratch_dir(dir, sizeof dir, "info") == 0, "scratch folder")) {
        snprintf(profile, sizeof profile, "%s/here.json", dir);
        if (CHECK(fw_profile_write(profile, &p, msg, sizeof msg) == 0, "profile: %s", msg)) {
            setenv("FLOPWATT_PROFILE", profile, 1);
            cli_run(&r, ARGS("info", "--json", "--no-measure"));
            info = json_loads(r.out, 0, NULL);
            CHECK(strcmp(sval(json_object_get(info, "isa"), "tuned_profile"), profile) == 0,
                  "FLOPWATT_PROFILE=%s: isa.tuned_profile is %s", profile,
                  sval(json_object_get(info, "isa"), "tuned_profile"));
            json_decref(info);
            cli_run(&r, ARGS("info", "--no-measure"));
            CHECK(strstr(r.out, profile) != NULL, "info prints the profile's path");
        }
        scratch_remove(dir);
    }
    unsetenv("FLOPWATT_PROFILE");

    cli_run(&r, ARGS("info", "--quick", "--json"));
    info = json_loads(r.out, 0, NULL);
    CHECK(r.status == 0 && info, "info --quick --json: exit %d", r.status);
    for (int all = 0; all < 2; all++) {
        CHECK(sysinfo_peak_gflops(info, FW_F32, all) > 0 && sysinfo_peak_gflops(info, FW_F64, all) > 0,
              "measured FMA peak positive (%s)", all ? "all cores" : "one core");
        CHECK(sysinfo_bandwidth_gbs(info, all) > 0, "measured bandwidth positive (%s)",
              all ? "all cores" : "one core");
    }
    json_t *fma = json_object_get(json_object_get(info, "measured"), "fma_peak");
    json_t *bw = json_object_get(json_object_get(info, "measured"), "read_bandwidth");
    CHECK(ival(fma, "reps") > 0 && json_is_number(json_object_get(fma, "seconds_per_run")) &&
              ival(bw, "passes") > 0 && ival(bw, "array_bytes") >= 256LL << 20,
          "method parameters stored");
    CHECK(ival(json_object_get(fma, "all_cores"), "threads") == omp_get_num_procs(),
          "all cores means every CPU OpenMP may use");
    json_decref(info);
}

int main(void)
{
    const char *src = getenv("FW_SOURCE_DIR");
    snprintf(fixtures, sizeof fixtures, "%s/tests/fixtures/info", src ? src : ".");
    test_slug();
    test_id_valid();
    test_instance_like();
    test_identity();
    test_isa_flags();
    test_memory();
    test_topology_sysfs();
    test_accessors();
    test_collect();
    test_cli();
    return fw_test_summary();
}
