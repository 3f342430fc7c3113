/* The sections of the flopwatt info object, one collector each (sysinfo.c documents every
 * key and puts them together). Collectors that read files take the root prefix of the
 * paths: "" for the real system, a fixture tree in tests. Each returns a new reference,
 * NULL only when out of memory. */
#ifndef BENCH_SYSINFO_PARTS_H
#define BENCH_SYSINFO_PARTS_H

#include <jansson.h>

#include "cpu_id.h"

/* A JSON string of s (bytes that are not UTF-8 become '?'), or null when s is NULL. */
json_t *sysinfo_string(const char *s);

json_t *sysinfo_cpu(const fw_cpu_id *cpu);       /* "cpu" (sysinfo_cpu.c) */
json_t *sysinfo_isa(const char *root);           /* "isa" (sysinfo_cpu.c) */
json_t *sysinfo_memory(const char *root);        /* "memory" (sysinfo_topology.c) */
json_t *sysinfo_topology(const char *root);      /* "topology": hwloc, else sysfs */
json_t *sysinfo_topology_sysfs(const char *root); /* "topology" from sysfs (sysinfo_sysfs.c) */
json_t *sysinfo_measured(int quick);             /* "measured" (sysinfo_measure.c) */
json_t *sysinfo_build(void);                     /* "build" (sysinfo_libs.c) */

/* What counters_probe said, asked once: both the libraries and the backends show it. */
typedef struct sysinfo_counters {
    int usable;       /* at least one event can be counted */
    char version[64]; /* PAPI's version; "" when PAPI is not built in or cannot start */
    char status[256]; /* "available" or the reason */
} sysinfo_counters;
void sysinfo_counters_probe(sysinfo_counters *out); /* (sysinfo_backends.c) */

json_t *sysinfo_libraries(const sysinfo_counters *c); /* "libraries" (sysinfo_libs.c) */
json_t *sysinfo_backends(const sysinfo_counters *c);  /* "backends" (sysinfo_backends.c) */

#endif
