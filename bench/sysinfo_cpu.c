/* The "cpu" and "isa" sections: what the CPU is (fw_cpu_id), which ISA paths the kernel
 * library can run, and the feature flags the kernel reports in /proc/cpuinfo. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#if defined(__aarch64__)
#include <sys/prctl.h>
#endif

#include "flopwatt.h"
#include "sysinfo_parts.h"

/* -1 means "not this architecture" in fw_cpu_id: null in JSON. */
static json_t *int_or_null(int v) { return v >= 0 ? json_integer(v) : json_null(); }

/* MIDR fields are written in hex everywhere (Arm's manuals, /proc/cpuinfo). */
static json_t *hex_or_null(int v)
{
    char buf[16];
    snprintf(buf, sizeof buf, "0x%x", (unsigned)v);
    return v >= 0 ? json_string(buf) : json_null();
}

json_t *sysinfo_cpu(const fw_cpu_id *cpu)
{
    struct utsname u;
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "vendor", sysinfo_string(cpu->vendor));
    json_object_set_new(o, "model_name", sysinfo_string(cpu->model_name));
    json_object_set_new(o, "family", int_or_null(cpu->family));
    json_object_set_new(o, "model", int_or_null(cpu->model));
    json_object_set_new(o, "stepping", int_or_null(cpu->stepping));
    json_object_set_new(o, "arm_implementer", hex_or_null(cpu->arm_implementer));
    json_object_set_new(o, "arm_part", hex_or_null(cpu->arm_part));
    json_object_set_new(o, "arch", sysinfo_string(uname(&u) == 0 ? u.machine : NULL));
    json_object_set_new(o, "logical_cpus", json_integer(cpu->logical_cpus));
    return o;
}

/* The flags that decide which kernels can run and how fast: x86 names as in the kernel's
 * "flags" line, Arm names as in its "Features" line (asimd is NEON on AArch64). */
static const char *const x86_flags[] = {
    "avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512_bf16", "avx512_vnni",
    "avx_vnni", "amx_tile", "amx_bf16", "amx_int8", "amx_fp16",
};
static const char *const arm_flags[] = {
    "asimd", "asimdhp", "asimddp", "bf16", "i8mm", "sve", "sve2", "sme",
};

/* The value of the first "key<blanks>: value" line of <root>/proc/cpuinfo whose key is
 * one of keys; which says which key matched. Returns 0, or -1 when there is none. */
static int cpuinfo_line(const char *root, const char *const keys[2], char *value, size_t cap,
                        int *which)
{
    char path[4096], line[8192];
    snprintf(path, sizeof path, "%s/proc/cpuinfo", root);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int found = -1;
    while (found < 0 && fgets(line, sizeof line, f)) {
        for (int k = 0; k < 2 && found < 0; k++) {
            size_t n = strlen(keys[k]);
            if (strncmp(line, keys[k], n) != 0)
                continue;
            const char *p = line + n + strspn(line + n, " \t");
            if (*p != ':')
                continue;
            snprintf(value, cap, "%s", p + 1);
            value[strcspn(value, "\n")] = '\0';
            *which = k;
            found = 0;
        }
    }
    fclose(f);
    return found;
}

/* 1 when name is one of the space-separated words of list. */
static int has_word(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; (p = strstr(p, name)) != NULL; p += n)
        if ((p == list || p[-1] == ' ' || p[-1] == '\t') &&
            (p[n] == '\0' || p[n] == ' ' || p[n] == '\t'))
            return 1;
    return 0;
}

/* SVE vector length of this process in bits (the kernel's default for new processes, as
 * long as nothing changed it), or null when not AArch64 or no SVE. */
static json_t *sve_vector_bits(void)
{
#if defined(__aarch64__) && defined(PR_SVE_GET_VL)
    int vl = prctl(PR_SVE_GET_VL, 0, 0, 0, 0);
    if (vl >= 0)
        return json_integer((vl & PR_SVE_VL_LEN_MASK) * 8);
#endif
    return json_null();
}

json_t *sysinfo_isa(const char *root)
{
    json_t *o = json_object(), *lib = json_object(), *flags = json_object();
    if (!o || !lib || !flags) {
        json_decref(o);
        json_decref(lib);
        json_decref(flags);
        return NULL;
    }
    json_object_set_new(o, "active", json_string(fw_isa_name(fw_active_isa())));
    json_object_set_new(o, "tuned_profile", sysinfo_string(fw_profile_in_use()));
    for (int i = FW_ISA_COUNT - 1; i >= 0; i--)
        json_object_set_new(lib, fw_isa_name((fw_isa)i), json_boolean(fw_isa_supported((fw_isa)i)));
    json_object_set_new(o, "library_supported", lib);

    static const char *const keys[2] = {"flags", "Features"};
    char line[8192];
    int which = 0;
    if (cpuinfo_line(root, keys, line, sizeof line, &which) == 0) {
        const char *const *names = which == 0 ? x86_flags : arm_flags;
        size_t count = which == 0 ? sizeof x86_flags / sizeof x86_flags[0]
                                  : sizeof arm_flags / sizeof arm_flags[0];
        for (size_t i = 0; i < count; i++)
            json_object_set_new(flags, names[i], json_boolean(has_word(line, names[i])));
        json_object_set_new(o, "flags_source",
                            json_string(which == 0 ? "/proc/cpuinfo flags" : "/proc/cpuinfo Features"));
        json_object_set_new(o, "sve_vector_bits",
                            which == 1 && has_word(line, "sve") ? sve_vector_bits() : json_null());
    } else {
        json_object_set_new(o, "flags_source", json_null());
        json_object_set_new(o, "sve_vector_bits", json_null());
    }
    json_object_set_new(o, "flags", flags);
    return o;
}
