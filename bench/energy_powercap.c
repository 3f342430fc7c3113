/* RAPL through the powercap sysfs class: /sys/class/powercap/intel-rapl:<pkg> zones (AMD
 * Zen uses the same names) with name, energy_uj and max_energy_range_uj. Every package
 * zone is summed; "dram" subzones (intel-rapl:<pkg>:<sub>) are summed apart. The counters
 * wrap at max_energy_range_uj. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "energy_backends.h"
#include "energy_text.h"

#define MAX_ZONES 64

typedef struct rapl_zone {
    unsigned pkg, sub;
    int is_sub;
    char *dir;
    char name[64];
    int is_dram;
    unsigned long long range; /* energy_uj wraps to 0 past this */
    unsigned long long first, last, wraps;
} rapl_zone;

typedef struct powercap_state {
    int n;
    rapl_zone zone[MAX_ZONES];
} powercap_state;

static void free_zones(powercap_state *st)
{
    for (int i = 0; i < st->n; i++)
        free(st->zone[i].dir);
    free(st);
}

static int has_zone(const powercap_state *st, unsigned pkg, unsigned sub, int is_sub)
{
    for (int i = 0; i < st->n; i++)
        if (st->zone[i].pkg == pkg && st->zone[i].sub == sub && st->zone[i].is_sub == is_sub)
            return 1;
    return 0;
}

/* Adds the zones named intel-rapl:<pkg> or intel-rapl:<pkg>:<sub> found in dir. The same
 * zone can appear flat under the class folder and nested in its parent: the first wins. */
static void scan_zones(const char *dir, powercap_state *st)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) && st->n < MAX_ZONES) {
        unsigned pkg, sub = 0;
        int end = 0, is_sub;
        if (sscanf(e->d_name, "intel-rapl:%u:%u%n", &pkg, &sub, &end) == 2 && !e->d_name[end])
            is_sub = 1;
        else if (sscanf(e->d_name, "intel-rapl:%u%n", &pkg, &end) == 1 && !e->d_name[end])
            is_sub = 0;
        else
            continue;
        if (has_zone(st, pkg, sub, is_sub))
            continue;
        rapl_zone *z = &st->zone[st->n];
        memset(z, 0, sizeof *z);
        if (asprintf(&z->dir, "%s/%s", dir, e->d_name) < 0)
            break;
        z->pkg = pkg;
        z->sub = sub;
        z->is_sub = is_sub;
        st->n++;
    }
    closedir(d);
}

static int zone_order(const void *pa, const void *pb)
{
    const rapl_zone *a = pa, *b = pb;
    if (a->pkg != b->pkg)
        return a->pkg < b->pkg ? -1 : 1;
    if (a->is_sub != b->is_sub)
        return a->is_sub - b->is_sub;
    return a->sub < b->sub ? -1 : a->sub > b->sub;
}

/* Reads the number in file of zone z into *v; path receives the file's path. Returns 0,
 * the errno value when the file cannot be read, or -1 when it holds no number. */
static int zone_counter(const rapl_zone *z, const char *file, unsigned long long *v,
                        char *path, size_t plen)
{
    char text[64];
    snprintf(path, plen, "%s/%s", z->dir, file);
    int err = energy_read_line(path, text, sizeof text);
    if (err)
        return err;
    return energy_parse_u64(text, v) == 0 ? 0 : -1;
}

/* Reads a zone file for open(): 0, or -1 with the reason and how to get measured energy. */
static int zone_value(const char *root, const rapl_zone *z, const char *file,
                      unsigned long long *v, char *why, size_t len)
{
    char path[4096];
    int rc = zone_counter(z, file, v, path, sizeof path);
    if (rc == EACCES || rc == EPERM)
        snprintf(why, len,
                 "permission denied reading %s (root-only since CVE-2020-8694); for measured "
                 "energy: sudo chmod a+r %s/sys/class/powercap/intel-rapl:*/energy_uj (or a "
                 "udev rule)",
                 path, root);
    else if (rc > 0)
        snprintf(why, len, "cannot read %s: %s; the powercap RAPL driver does not work here",
                 path, strerror(rc));
    else if (rc < 0)
        snprintf(why, len,
                 "malformed %s: not a count of microjoules; the powercap RAPL driver does not "
                 "work here",
                 path);
    return rc == 0 ? 0 : -1;
}

static int is_package(const rapl_zone *z) { return !z->is_sub && !strncmp(z->name, "package-", 8); }

/* Keeps the package zones and the dram subzones of kept packages (psys, core and uncore
 * are left out: core and uncore are parts of the package). */
static int select_zones(const char *root, powercap_state *st, char *why, size_t len)
{
    for (int i = 0; i < st->n; i++) {
        rapl_zone *z = &st->zone[i];
        char path[4096];
        snprintf(path, sizeof path, "%s/name", z->dir);
        int err = energy_read_line(path, z->name, sizeof z->name);
        if (err) {
            snprintf(why, len, "cannot read %s: %s; the powercap RAPL driver does not work here",
                     path, strerror(err));
            return -1;
        }
    }
    int kept = 0, packages = 0;
    for (int i = 0; i < st->n; i++) {
        rapl_zone z = st->zone[i];
        int keep = is_package(&z);
        packages += keep;
        if (z.is_sub && strcmp(z.name, "dram") == 0)
            for (int j = 0; j < st->n && !keep; j++)
                keep = is_package(&st->zone[j]) && st->zone[j].pkg == z.pkg;
        z.is_dram = z.is_sub && keep;
        if (keep)
            st->zone[kept++] = z;
        else
            free(z.dir);
    }
    st->n = kept;
    if (packages == 0) {
        snprintf(why, len,
                 "no RAPL package zone under %s/sys/class/powercap (only psys or subzones); "
                 "measured energy needs a CPU package meter",
                 root);
        return -1;
    }
    return 0;
}

static int powercap_read(energy_meter *m, energy_sample *out)
{
    powercap_state *st = m->state;
    unsigned long long now[MAX_ZONES];
    char path[4096];
    for (int i = 0; i < st->n; i++)
        if (zone_counter(&st->zone[i], "energy_uj", &now[i], path, sizeof path) != 0)
            return -1;
    double package_uj = 0, dram_uj = 0;
    int has_dram = 0;
    for (int i = 0; i < st->n; i++) {
        rapl_zone *z = &st->zone[i];
        if (now[i] < z->last)
            z->wraps++;
        z->last = now[i];
        double uj = (double)z->wraps * (double)z->range + (double)now[i] - (double)z->first;
        if (z->is_dram) {
            dram_uj += uj;
            has_dram = 1;
        } else {
            package_uj += uj;
        }
    }
    out->joules = (package_uj + dram_uj) * 1e-6;
    out->dram_joules = has_dram ? dram_uj * 1e-6 : NAN;
    return 0;
}

static void powercap_close(energy_meter *m)
{
    if (m->state)
        free_zones(m->state);
    m->state = NULL;
}

int energy_powercap_open(const energy_env *env, energy_meter *m, char *why, size_t len)
{
    const char *root = env->sysfs_root ? env->sysfs_root : "";
    powercap_state *st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(why, len, "out of memory");
        return -1;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/sys/class/powercap", root);
    scan_zones(dir, st);
    snprintf(dir, sizeof dir, "%s/sys/class/powercap/intel-rapl", root); /* control type */
    scan_zones(dir, st);
    for (int i = 0, top = st->n; i < top; i++)
        if (!st->zone[i].is_sub)
            scan_zones(st->zone[i].dir, st); /* subzones nested in their package */
    if (st->n == 0) {
        free_zones(st);
        snprintf(why, len,
                 "no RAPL zones under %s/sys/class/powercap: this machine (often a VM) exposes "
                 "no energy meter; measured energy needs bare metal with RAPL (Intel, AMD Zen)",
                 root);
        return -1;
    }
    qsort(st->zone, (size_t)st->n, sizeof st->zone[0], zone_order);
    if (select_zones(root, st, why, len) != 0) {
        free_zones(st);
        return -1;
    }
    int has_dram = 0;
    char detail[sizeof m->detail] = "summed:";
    for (int i = 0; i < st->n; i++) {
        rapl_zone *z = &st->zone[i];
        if (zone_value(root, z, "max_energy_range_uj", &z->range, why, len) != 0 ||
            zone_value(root, z, "energy_uj", &z->first, why, len) != 0) {
            free_zones(st);
            return -1;
        }
        if (z->range == 0 || z->first > z->range) {
            snprintf(why, len,
                     "malformed %s: max_energy_range_uj %llu with energy_uj %llu; the powercap "
                     "RAPL driver does not work here",
                     z->dir, z->range, z->first);
            free_zones(st);
            return -1;
        }
        z->last = z->first;
        has_dram |= z->is_dram;
        const char *zone_dir = strrchr(z->dir, '/') + 1;
        energy_appendf(detail, sizeof detail, "%s %s (%s)", i ? "," : "", z->name, zone_dir);
    }
    memset(m, 0, sizeof *m);
    snprintf(m->source, sizeof m->source, "rapl-powercap");
    snprintf(m->domain, sizeof m->domain, has_dram ? "package+dram" : "package");
    snprintf(m->detail, sizeof m->detail, "%s", detail);
    m->measured = 1;
    m->read = powercap_read;
    m->close = powercap_close;
    m->state = st;
    return 0;
}
