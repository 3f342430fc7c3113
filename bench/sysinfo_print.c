/* flopwatt info's readable form: one section per part of the collected object, every
 * missing or unmeasured item said as such. */
#include <stdio.h>
#include <string.h>

#include "sysinfo.h"

static const char *str(const json_t *o, const char *key, const char *absent)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : absent;
}

static long long num(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? json_integer_value(v) : -1;
}

static int flag(const json_t *o, const char *key) { return json_is_true(json_object_get(o, key)); }

/* 49152 -> "48 KiB" */
static const char *bytes_text(long long b, char *buf, size_t cap)
{
    static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)b;
    int u = 0;
    if (b < 0)
        return "unknown";
    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    snprintf(buf, cap, v == (long long)v ? "%.0f %s" : "%.1f %s", v, units[u]);
    return buf;
}

static const char *plural(long long n) { return n == 1 ? "" : "s"; }

static void print_identity(const json_t *info, FILE *f)
{
    const json_t *os = json_object_get(info, "os");
    fprintf(f, "machine    %s (from %s)\n", str(info, "machine_id", "unknown"),
            str(info, "machine_id_source", "?"));
    if (json_is_string(json_object_get(info, "machine_id_note")))
        fprintf(f, "           %s\n", str(info, "machine_id_note", ""));
    fprintf(f, "instance   %s", str(info, "instance_type", "unknown"));
    if (json_is_string(json_object_get(info, "instance_source")))
        fprintf(f, " (from %s)", str(info, "instance_source", ""));
    fprintf(f, "; DMI product name: %s\n", str(info, "dmi_product_name", "unreadable"));
    fprintf(f, "os         %s %s\n", str(os, "name", "unknown"), str(os, "release", ""));
}

static void print_cpu(const json_t *info, FILE *f)
{
    const json_t *cpu = json_object_get(info, "cpu"), *isa = json_object_get(info, "isa");
    fprintf(f, "\nCPU\n  %s (%s), %s, %lld logical CPUs\n", str(cpu, "model_name", "unknown"),
            str(cpu, "vendor", "unknown"), str(cpu, "arch", "unknown"), num(cpu, "logical_cpus"));
    if (num(cpu, "family") >= 0)
        fprintf(f, "  family %lld (0x%llx), model %lld (0x%llx), stepping %lld\n",
                num(cpu, "family"), num(cpu, "family"), num(cpu, "model"), num(cpu, "model"),
                num(cpu, "stepping"));
    if (json_is_string(json_object_get(cpu, "arm_implementer")))
        fprintf(f, "  Arm implementer %s, part %s\n", str(cpu, "arm_implementer", "?"),
                str(cpu, "arm_part", "?"));

    const json_t *lib = json_object_get(isa, "library_supported");
    fprintf(f, "\nISA\n  kernel library: %s active; supported:", str(isa, "active", "unknown"));
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)lib, key, v)
        if (json_is_true(v))
            fprintf(f, " %s", key);
    fprintf(f, "\n  tuned profile: %s",
            str(isa, "tuned_profile", "none (the analytical model's defaults)"));
    const json_t *flags = json_object_get(isa, "flags");
    fprintf(f, "\n  CPU flags (%s):", str(isa, "flags_source", "unreadable"));
    json_object_foreach((json_t *)flags, key, v)
        if (json_is_true(v))
            fprintf(f, " %s", key);
    fprintf(f, "\n  absent:");
    json_object_foreach((json_t *)flags, key, v)
        if (!json_is_true(v))
            fprintf(f, " %s", key);
    fprintf(f, "\n");
    if (num(isa, "sve_vector_bits") > 0)
        fprintf(f, "  SVE vector length: %lld bits\n", num(isa, "sve_vector_bits"));
}

static void print_topology(const json_t *info, FILE *f)
{
    const json_t *t = json_object_get(info, "topology"), *mem = json_object_get(info, "memory");
    char b1[32], b2[32];
    size_t i;
    json_t *v;
    fprintf(f, "\nTopology and caches (%s)\n", str(t, "source", "unknown"));
    fprintf(f, "  %lld package%s, %lld core%s, %lld hardware thread%s\n", num(t, "packages"),
            plural(num(t, "packages")), num(t, "cores"), plural(num(t, "cores")),
            num(t, "threads"), plural(num(t, "threads")));
    json_array_foreach(json_object_get(t, "numa_nodes"), i, v)
        fprintf(f, "  NUMA node %lld: %s, %lld threads\n", num(v, "os_index"),
                bytes_text(num(v, "memory_bytes"), b1, sizeof b1), num(v, "threads"));
    json_array_foreach(json_object_get(t, "caches"), i, v) {
        long long ways = num(v, "associativity");
        char assoc[32];
        snprintf(assoc, sizeof assoc, ways > 0 ? "%lld-way" : "ways unknown", ways);
        fprintf(f, "  L%lld %-11s %9s, %lld B lines, %s, shared by %lld core%s, %lld of them\n",
                num(v, "level"), str(v, "type", "?"), bytes_text(num(v, "size_bytes"), b1, sizeof b1),
                num(v, "line_bytes"), assoc, num(v, "shared_by_cores"),
                plural(num(v, "shared_by_cores")), num(v, "count"));
    }
    fprintf(f, "  the kernel library's cache model read: %s\n",
            str(t, "library_cache_source", "unknown"));
    fprintf(f, "\nMemory\n  total %s, available %s\n",
            bytes_text(num(mem, "total_bytes"), b1, sizeof b1),
            bytes_text(num(mem, "available_bytes"), b2, sizeof b2));
}

/* "1 core 57.1, 2 cores 113.9" for one key of one_core and all_cores. */
static void print_pair(const json_t *section, const char *key, const char *unit, FILE *f)
{
    static const char *sides[] = {"one_core", "all_cores"};
    for (int s = 0; s < 2; s++) {
        const json_t *r = json_object_get(section, sides[s]);
        json_t *v = json_object_get(r, key);
        fprintf(f, "%s%lld thread%s ", s ? ", " : "", num(r, "threads"), plural(num(r, "threads")));
        if (json_is_number(v))
            fprintf(f, "%.1f %s", json_number_value(v), unit);
        else
            fprintf(f, "failed (%s)", str(r, "error", "not measured"));
    }
    fprintf(f, "\n");
}

static void print_measured(const json_t *info, FILE *f)
{
    const json_t *m = json_object_get(info, "measured");
    fprintf(f, "\nMeasured peak and bandwidth\n");
    if (!json_is_object(m)) {
        fprintf(f, "  not measured (--no-measure)\n");
        return;
    }
    const json_t *fma = json_object_get(m, "fma_peak"), *bw = json_object_get(m, "read_bandwidth");
    json_t *secs = json_object_get(fma, "seconds_per_run");
    fprintf(f, "  FMA peak, %s, best of %lld runs of %g s:\n    FP64: ", str(fma, "isa", "?"),
            num(fma, "reps"), json_number_value(secs));
    print_pair(fma, "gflops_f64", "GFLOP/s", f);
    fprintf(f, "    FP32: ");
    print_pair(fma, "gflops_f32", "GFLOP/s", f);
    char b[32];
    fprintf(f, "  memory read bandwidth, %s array, best of %lld passes:\n    ",
            bytes_text(num(bw, "array_bytes"), b, sizeof b), num(bw, "passes"));
    print_pair(bw, "gbs_best", "GB/s", f);
}

static void print_build(const json_t *info, FILE *f)
{
    const json_t *b = json_object_get(info, "build");
    fprintf(f, "\nBuild\n  flopwatt %s, git %s, %s (%s)\n  flags: %s\n",
            str(b, "flopwatt_version", "?"), str(b, "git_revision", "?"),
            str(b, "compiler_version", "?"), str(b, "compiler", "?"), str(b, "cflags", "?"));
    fprintf(f, "  built in: hwloc %s, PAPI %s, likwid markers %s\n", flag(b, "hwloc") ? "yes" : "no",
            flag(b, "papi") ? "yes" : "no", flag(b, "likwid_markers") ? "yes" : "no");
}

static void print_libraries(const json_t *info, FILE *f)
{
    const char *key;
    json_t *lib;
    fprintf(f, "\nLibraries\n");
    json_object_foreach(json_object_get(info, "libraries"), key, lib) {
        if (!flag(lib, "found")) {
            fprintf(f, "  %-9s not found: %s\n", key, str(lib, "reason", "unknown reason"));
            continue;
        }
        fprintf(f, "  %-9s %s, %s", key, str(lib, "version", "version unknown"),
                str(lib, "path", "path unknown"));
        if (json_is_string(json_object_get(lib, "core")))
            fprintf(f, ", core %s", str(lib, "core", ""));
        if (json_is_string(json_object_get(lib, "coretype_env")))
            fprintf(f, " (forced by OPENBLAS_CORETYPE=%s)", str(lib, "coretype_env", ""));
        fprintf(f, "\n");
    }
}

static void print_backends(const json_t *info, FILE *f)
{
    const json_t *be = json_object_get(info, "backends");
    const json_t *c = json_object_get(be, "counters"), *e = json_object_get(be, "energy");
    fprintf(f, "\nCounter and energy backends\n  counters (%s): %s\n", str(c, "backend", "?"),
            flag(c, "available") ? "available" : str(c, "status", "unavailable"));
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(e, "backends"), i, v) {
        if (flag(v, "available"))
            fprintf(f, "  energy %-14s available\n", str(v, "name", "?"));
        else
            fprintf(f, "  energy %-14s unavailable: %s\n", str(v, "name", "?"),
                    str(v, "reason", "no reason given"));
    }
    const char *cpu = str(e, "cpu_backend", NULL);
    if (!cpu)
        fprintf(f, "  CPU energy: no backend, not even the model\n");
    else
        fprintf(f, "  CPU energy would come from: %s%s\n", cpu,
                flag(e, "cpu_measured") ? "" : " (an estimate labelled \"model\", not a measurement)");
}

void sysinfo_print(const json_t *info, FILE *f)
{
    print_identity(info, f);
    print_cpu(info, f);
    print_topology(info, f);
    print_measured(info, f);
    print_build(info, f);
    print_libraries(info, f);
    print_backends(info, f);
}
