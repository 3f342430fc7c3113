/* The "topology" section from hwloc (packages, cores, hardware threads, NUMA nodes and
 * every cache object as hwloc reports it), falling back to sysfs where hwloc is not built
 * in or cannot load; and the "memory" section from /proc/meminfo. */
#include <stdio.h>
#include <string.h>
#ifdef FW_HAVE_HWLOC
#include <hwloc.h>
#endif

#include "flopwatt.h"
#include "sysinfo_parts.h"

#if defined(FW_HAVE_HWLOC) && HWLOC_API_VERSION >= 0x00020000
#define SYSINFO_HWLOC 1

static const char *cache_type_name(hwloc_obj_cache_type_t t)
{
    return t == HWLOC_OBJ_CACHE_DATA ? "data" : t == HWLOC_OBJ_CACHE_INSTRUCTION ? "instruction"
                                                                                 : "unified";
}

/* One entry per kind of cache (level and type); instance 0 stands for all of them. */
static json_t *hwloc_caches(hwloc_topology_t topo)
{
    static const hwloc_obj_type_t types[] = {
        HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L1ICACHE, HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L2ICACHE,
        HWLOC_OBJ_L3CACHE, HWLOC_OBJ_L3ICACHE, HWLOC_OBJ_L4CACHE, HWLOC_OBJ_L5CACHE,
    };
    json_t *caches = json_array();
    for (size_t i = 0; caches && i < sizeof types / sizeof types[0]; i++) {
        int count = hwloc_get_nbobjs_by_type(topo, types[i]);
        hwloc_obj_t c = count > 0 ? hwloc_get_obj_by_type(topo, types[i], 0) : NULL;
        if (!c || !c->attr)
            continue;
        const struct hwloc_cache_attr_s *a = &c->attr->cache;
        json_array_append_new(caches, json_pack(
            "{s:i, s:s, s:I, s:i, s:i, s:i, s:i, s:i}",
            "level", (int)a->depth, "type", cache_type_name(a->type),
            "size_bytes", (json_int_t)a->size, "line_bytes", (int)a->linesize,
            /* hwloc says -1 for fully associative, 0 for unknown: both 0 here */
            "associativity", a->associativity > 0 ? a->associativity : 0,
            "shared_by_cores",
            c->cpuset ? hwloc_get_nbobjs_inside_cpuset_by_type(topo, c->cpuset, HWLOC_OBJ_CORE) : 0,
            "shared_by_threads", c->cpuset ? hwloc_bitmap_weight(c->cpuset) : 0,
            "count", count));
    }
    return caches;
}

static json_t *hwloc_numa_nodes(hwloc_topology_t topo)
{
    json_t *nodes = json_array();
    int n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
    for (int i = 0; nodes && i < n; i++) {
        hwloc_obj_t o = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, (unsigned)i);
        json_array_append_new(nodes, json_pack(
            "{s:i, s:I, s:i}", "os_index", (int)o->os_index, "memory_bytes",
            (json_int_t)(o->attr ? o->attr->numanode.local_memory : 0), "threads",
            o->cpuset ? hwloc_bitmap_weight(o->cpuset) : 0));
    }
    return nodes;
}

static json_t *topology_hwloc(void)
{
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) != 0)
        return NULL;
    json_t *o = NULL;
    if (hwloc_topology_load(topo) == 0)
        o = json_pack("{s:s, s:i, s:i, s:i, s:o, s:o}", "source", "hwloc",
                      "packages", hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE),
                      "cores", hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE),
                      "threads", hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU),
                      "numa_nodes", hwloc_numa_nodes(topo), "caches", hwloc_caches(topo));
    hwloc_topology_destroy(topo);
    return o;
}
#endif

json_t *sysinfo_topology(const char *root)
{
    json_t *o = NULL;
#ifdef SYSINFO_HWLOC
    if (!root[0])
        o = topology_hwloc(); /* hwloc reads the real system only */
#endif
    if (!o)
        o = sysinfo_topology_sysfs(root);
    /* What the kernel library's cache model read (it may differ from what is shown here
     * when hwloc could not load). */
    if (o)
        json_object_set_new(o, "library_cache_source", json_string(fw_caches()->source));
    return o;
}

json_t *sysinfo_memory(const char *root)
{
    char path[4096], line[256];
    snprintf(path, sizeof path, "%s/proc/meminfo", root);
    long long total = -1, available = -1, kb;
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "MemTotal: %lld kB", &kb) == 1)
            total = kb * 1024;
        else if (sscanf(line, "MemAvailable: %lld kB", &kb) == 1)
            available = kb * 1024;
    }
    if (f)
        fclose(f);
    return json_pack("{s:o, s:o, s:s}",
                     "total_bytes", total >= 0 ? json_integer(total) : json_null(),
                     "available_bytes", available >= 0 ? json_integer(available) : json_null(),
                     "source", "/proc/meminfo");
}
