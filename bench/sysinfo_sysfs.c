/* The "topology" section from Linux sysfs alone (where hwloc is not built in or cannot
 * load): packages and cores from each online CPU's topology/ folder, caches from the
 * first online CPU's cache/index* folders, NUMA nodes from node/node*. Same keys as the
 * hwloc form. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysinfo_parts.h"

#define MAX_CPUS 8192
#define MAX_NODES 1024

static int read_line(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int ok = fgets(buf, (int)cap, f) != NULL;
    fclose(f);
    if (!ok)
        return -1;
    buf[strcspn(buf, "\n")] = '\0';
    return 0;
}

static long read_long(const char *path)
{
    char buf[64];
    return read_line(path, buf, sizeof buf) == 0 ? strtol(buf, NULL, 10) : -1;
}

/* The CPUs of a CPU list ("0-3,8,10-11") into out[0..cap); returns the count (what
 * parses before anything malformed). */
static int cpulist_expand(const char *s, int *out, int cap)
{
    int n = 0;
    while (*s >= '0' && *s <= '9') {
        char *end;
        long lo = strtol(s, &end, 10), hi = lo;
        if (*end == '-')
            hi = strtol(end + 1, &end, 10);
        for (long c = lo; c <= hi && c < MAX_CPUS && n < cap; c++)
            out[n++] = (int)c;
        s = *end == ',' ? end + 1 : end;
    }
    return n;
}

/* Package and core id of every online CPU (indexed by CPU number; -1 when offline). */
typedef struct {
    int package[MAX_CPUS], core[MAX_CPUS];
    int online[MAX_CPUS], nonline;
} placement;

static void read_placement(const char *cpu_dir, const char *online, placement *pl)
{
    memset(pl->package, 0xff, sizeof pl->package);
    memset(pl->core, 0xff, sizeof pl->core);
    pl->nonline = cpulist_expand(online, pl->online, MAX_CPUS);
    for (int i = 0; i < pl->nonline; i++) {
        int c = pl->online[i];
        char path[4200];
        snprintf(path, sizeof path, "%s/cpu%d/topology/physical_package_id", cpu_dir, c);
        long pkg = read_long(path);
        snprintf(path, sizeof path, "%s/cpu%d/topology/core_id", cpu_dir, c);
        long core = read_long(path);
        /* Unknown ids: the CPU counts as a package and a core of its own. */
        pl->package[c] = pkg >= 0 ? (int)pkg : MAX_CPUS + c;
        pl->core[c] = core >= 0 ? (int)core : MAX_CPUS + c;
    }
}

/* Distinct packages (by_core 0) or cores (by_core 1) among cpus[0..n) that are online. */
static int count_distinct(const placement *pl, const int *cpus, int n, int by_core)
{
    int count = 0;
    for (int i = 0; i < n; i++) {
        int c = cpus[i], seen = pl->package[c] < 0;
        for (int j = 0; j < i && !seen; j++) {
            int d = cpus[j];
            seen = pl->package[d] == pl->package[c] && (!by_core || pl->core[d] == pl->core[c]);
        }
        count += !seen;
    }
    return count;
}

/* "48K" -> 49152 */
static long long size_with_unit(const char *s)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    return v * (*end == 'K' ? 1024LL : *end == 'M' ? 1024LL * 1024 : *end == 'G' ? 1LL << 30 : 1);
}

static json_t *sysfs_caches(const char *cpu_dir, const placement *pl, int *shared)
{
    json_t *caches = json_array();
    for (int idx = 0; caches && idx < 32; idx++) {
        char base[4200], path[4300], type[32], size[32], list[4096];
        snprintf(base, sizeof base, "%s/cpu%d/cache/index%d", cpu_dir, pl->online[0], idx);
        snprintf(path, sizeof path, "%s/type", base);
        if (read_line(path, type, sizeof type) != 0)
            break;
        snprintf(path, sizeof path, "%s/size", base);
        long long bytes = read_line(path, size, sizeof size) == 0 ? size_with_unit(size) : 0;
        snprintf(path, sizeof path, "%s/level", base);
        long level = read_long(path);
        snprintf(path, sizeof path, "%s/coherency_line_size", base);
        long line = read_long(path);
        snprintf(path, sizeof path, "%s/ways_of_associativity", base);
        long ways = read_long(path);
        snprintf(path, sizeof path, "%s/shared_cpu_list", base);
        int nshared = read_line(path, list, sizeof list) == 0
                          ? cpulist_expand(list, shared, MAX_CPUS) : 0;
        int threads = 0;
        for (int i = 0; i < nshared; i++)
            threads += pl->package[shared[i]] >= 0;
        json_array_append_new(caches, json_pack(
            "{s:i, s:s, s:I, s:i, s:i, s:i, s:i, s:i}", "level", (int)level,
            "type", strcmp(type, "Data") == 0 ? "data"
                    : strcmp(type, "Instruction") == 0 ? "instruction" : "unified",
            "size_bytes", (json_int_t)bytes, "line_bytes", line > 0 ? (int)line : 0,
            "associativity", ways > 0 ? (int)ways : 0,
            "shared_by_cores", count_distinct(pl, shared, nshared, 1),
            "shared_by_threads", threads,
            "count", threads > 0 ? pl->nonline / threads : 0));
    }
    return caches;
}

static json_t *sysfs_numa_nodes(const char *root, int *cpus)
{
    json_t *nodes = json_array();
    for (int i = 0; nodes && i < MAX_NODES; i++) {
        char path[4200], line[256], list[4096];
        snprintf(path, sizeof path, "%s/sys/devices/system/node/node%d/meminfo", root, i);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        long long kb = -1, v;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "Node %*d MemTotal: %lld kB", &v) == 1)
                kb = v;
        fclose(f);
        snprintf(path, sizeof path, "%s/sys/devices/system/node/node%d/cpulist", root, i);
        int threads = read_line(path, list, sizeof list) == 0 ? cpulist_expand(list, cpus, MAX_CPUS) : 0;
        json_array_append_new(nodes, json_pack("{s:i, s:o, s:i}", "os_index", i, "memory_bytes",
                                               kb >= 0 ? json_integer(kb * 1024) : json_null(),
                                               "threads", threads));
    }
    return nodes;
}

json_t *sysinfo_topology_sysfs(const char *root)
{
    char cpu_dir[4096], path[4200], online[4096];
    snprintf(cpu_dir, sizeof cpu_dir, "%s/sys/devices/system/cpu", root);
    snprintf(path, sizeof path, "%s/online", cpu_dir);
    placement *pl = malloc(sizeof *pl);
    int *scratch = malloc(MAX_CPUS * sizeof *scratch);
    json_t *o = NULL;
    if (pl && scratch) {
        if (read_line(path, online, sizeof online) != 0) {
            online[0] = '\0';
            if (!root[0]) /* no online list on the real system: the CPUs sysconf counts */
                snprintf(online, sizeof online, "0-%ld", sysconf(_SC_NPROCESSORS_ONLN) - 1);
        }
        read_placement(cpu_dir, online, pl);
        o = json_pack("{s:s, s:i, s:i, s:i, s:o, s:o}", "source", "sysfs",
                      "packages", count_distinct(pl, pl->online, pl->nonline, 0),
                      "cores", count_distinct(pl, pl->online, pl->nonline, 1),
                      "threads", pl->nonline,
                      "numa_nodes", sysfs_numa_nodes(root, scratch),
                      "caches", pl->nonline > 0 ? sysfs_caches(cpu_dir, pl, scratch) : json_array());
    }
    free(pl);
    free(scratch);
    return o;
}
