/* The machine fingerprint of flopwatt info and of every result file. Keys of the object
 * (flopwatt info --json prints it; info_version changes when a key changes meaning):
 *
 * info_version       1
 * machine_id         folder name under results/: FLOPWATT_MACHINE_ID when it is a safe name
 *                    ([A-Za-z0-9._-]), else the instance type, else a slug of the CPU model
 *                    name + (x86) "-f<family>-m<model>" in hex + "-<logical CPUs>cpu";
 *                    always lower case (sysinfo_id.h)
 * machine_id_source  "FLOPWATT_MACHINE_ID", "instance_type" or "cpu_model"
 * machine_id_note    why FLOPWATT_MACHINE_ID was not used, or null
 * instance_type      FLOPWATT_INSTANCE, else the DMI product name when it has the form of a
 *                    cloud instance type ("c7g.large"), else null
 * instance_source    "FLOPWATT_INSTANCE", "dmi" or null
 * dmi_product_name   /sys/devices/virtual/dmi/id/product_name as read (a board name on many
 *                    machines), or null when unreadable
 * os                 {name, release} from uname
 * cpu                {vendor, model_name, family, model, stepping (x86, decimal; else null),
 *                    arm_implementer, arm_part (Arm MIDR fields as "0x41", "0xd40"; else null),
 *                    arch (uname machine), logical_cpus (online)}
 * isa                {active: ISA path the kernel library runs (FLOPWATT_ISA can force it),
 *                    tuned_profile: path of the tuned profile the library loaded, or null
 *                    when it runs the analytical model's defaults,
 *                    library_supported: {avx512, avx2, generic: bool},
 *                    flags_source: "/proc/cpuinfo flags" (x86), "/proc/cpuinfo Features"
 *                    (Arm) or null, flags: {name: bool} for the flags that matter to the
 *                    kernels, sve_vector_bits: PR_SVE_GET_VL on AArch64 with SVE, else null}
 * topology           {source: "hwloc" or "sysfs", packages (sockets), cores, threads (hardware
 *                    threads),
 *                    numa_nodes: [{os_index, memory_bytes, threads}],
 *                    caches: [{level, type: "data"|"instruction"|"unified", size_bytes,
 *                    line_bytes, associativity (ways; 0 when unknown or fully associative),
 *                    shared_by_cores, shared_by_threads, count (instances)}] one per kind,
 *                    library_cache_source: where the kernel library's cache model read its
 *                    sizes: "hwloc", "sysfs" or "assumed"}
 * memory             {total_bytes, available_bytes (null when unreadable), source}
 * measured           null when not measured (--no-measure), else
 *                    {fma_peak: {isa, reps, seconds_per_run,
 *                                one_core, all_cores: {threads, gflops_f32, gflops_f64}},
 *                     read_bandwidth: {array_bytes, passes, method,
 *                                one_core, all_cores: {threads, gbs_best, gbs_median}}}
 *                    (GFLOP/s count an FMA as 2; GB/s are 1e9 bytes/s; a figure that could
 *                    not be measured is {threads, error} instead)
 * build              {flopwatt_version, git_revision, compiler, compiler_version, cflags,
 *                    hwloc, papi, likwid_markers: built in or not}
 * libraries          {openblas, blis, papi, likwid, hwloc}: each {found: true, version, path}
 *                    or {found: false, reason}; openblas adds config (openblas_get_config),
 *                    core (openblas_get_corename) and coretype_env (OPENBLAS_CORETYPE, which
 *                    overrides the core OpenBLAS picks; null when unset); hwloc's version is
 *                    its API version; likwid's is "installed (version unknown)" where neither
 *                    its header nor its library tells
 * backends           {counters: {backend: "papi", available, status ("available" or why not)},
 *                     energy: {backends: [{name, available, reason (reason and fix; null when
 *                              available)}] in the order they are tried, the CPU's first and
 *                              the model last of them, then NVML,
 *                              cpu_backend: the first CPU backend available (null when none),
 *                              cpu_measured: false when that is the model}}
 */
#include "sysinfo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cpu_id.h"
#include "sysinfo_id.h"
#include "sysinfo_parts.h"

json_t *sysinfo_string(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    char *copy = strdup(s); /* not UTF-8: keep the ASCII */
    if (!copy)
        return NULL;
    for (char *p = copy; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    j = json_string(copy);
    free(copy);
    return j;
}

static json_t *os(void)
{
    struct utsname u;
    if (uname(&u) != 0)
        return json_null();
    return json_pack("{s:o, s:o}", "name", sysinfo_string(u.sysname), "release",
                     sysinfo_string(u.release));
}

static json_t *empty_or_string(const char *s) { return sysinfo_string(s && *s ? s : NULL); }

json_t *sysinfo_collect(const sysinfo_opts *o)
{
    fw_cpu_id cpu;
    sysinfo_identity id;
    sysinfo_counters counters;
    fw_cpu_id_read("", &cpu);
    sysinfo_identity_read("", &cpu, &id);
    /* Measured first, before peer libraries are loaded and their threads come and go. */
    json_t *measured = o && o->measure ? sysinfo_measured(o->quick) : json_null();
    sysinfo_counters_probe(&counters);
    json_t *info = json_object();
    if (!info) {
        json_decref(measured);
        return NULL;
    }
    struct {
        const char *key;
        json_t *value;
    } parts[] = {
        {"info_version", json_integer(1)},
        {"machine_id", json_string(id.machine_id)},
        {"machine_id_source", json_string(id.machine_id_source)},
        {"machine_id_note", empty_or_string(id.machine_id_note)},
        {"instance_type", empty_or_string(id.instance_type)},
        {"instance_source", sysinfo_string(id.instance_source)},
        {"dmi_product_name", empty_or_string(id.dmi_product_name)},
        {"os", os()},
        {"cpu", sysinfo_cpu(&cpu)},
        {"isa", sysinfo_isa("")},
        {"topology", sysinfo_topology("")},
        {"memory", sysinfo_memory("")},
        {"measured", measured},
        {"build", sysinfo_build()},
        {"libraries", sysinfo_libraries(&counters)},
        {"backends", sysinfo_backends(&counters)},
    };
    int complete = 1;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        complete &= parts[i].value && json_object_set_new(info, parts[i].key, parts[i].value) == 0;
    if (!complete) {
        json_decref(info);
        return NULL;
    }
    return info;
}

const char *sysinfo_machine_id(const json_t *info)
{
    return json_string_value(json_object_get(info, "machine_id"));
}

/* measured.<section>.<one_core|all_cores>.<key> as a number; NaN when absent. */
static double measured_value(const json_t *info, const char *section, int all_cores,
                             const char *key)
{
    json_t *m = json_object_get(json_object_get(info, "measured"), section);
    json_t *v = json_object_get(json_object_get(m, all_cores ? "all_cores" : "one_core"), key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

double sysinfo_peak_gflops(const json_t *info, fw_precision p, int all_cores)
{
    return measured_value(info, "fma_peak", all_cores, p == FW_F64 ? "gflops_f64" : "gflops_f32");
}

double sysinfo_bandwidth_gbs(const json_t *info, int all_cores)
{
    return measured_value(info, "read_bandwidth", all_cores, "gbs_best");
}
