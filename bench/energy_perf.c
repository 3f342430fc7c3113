/* RAPL through the perf "power" PMU: one system-wide counter per package (pid -1, cpu from
 * the PMU's cpumask) for energy-pkg, and energy-ram where the PMU has it (AMD exposes only
 * energy-pkg). Counts are 64-bit, so they do not wrap in any run. */
#include "energy_perf.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/perf_event.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "energy_backends.h"
#include "energy_text.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38 /* Linux 5.8; older headers lack the name */
#endif

#define PERF_FIX "measured energy needs RAPL on bare metal, with perf_event_paranoid <= 0 " \
                 "(sudo sysctl kernel.perf_event_paranoid=0) or CAP_PERFMON"

/* Reads <dir>/<file> into buf: 0, or -1 with the reason (missing files say so). */
static int pmu_file(const char *dir, const char *file, char *buf, size_t blen, char *why,
                    size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    int err = energy_read_line(path, buf, blen);
    if (err)
        snprintf(why, len, "cannot read %s: %s; %s", path, strerror(err), PERF_FIX);
    return err ? -1 : 0;
}

static void malformed(const char *dir, const char *file, const char *text, const char *want,
                      char *why, size_t len)
{
    snprintf(why, len, "malformed %s/%s: \"%s\" (expected %s); %s", dir, file, text, want,
             PERF_FIX);
}

/* "event=0x02": the power PMU's events set the event field only (format: config:0-7). */
static int parse_config(const char *text, unsigned long long *config)
{
    if (strncmp(text, "event=", 6) != 0)
        return -1;
    const char *v = text + 6;
    if (*v < '0' || *v > '9')
        return -1;
    char *end;
    errno = 0;
    *config = strtoull(v, &end, 0);
    return errno || *end ? -1 : 0;
}

/* events/<name>, .scale and .unit. A missing event file leaves ev->present 0. */
static int parse_event(const char *dir, const char *name, perf_power_event *ev, char *why,
                       size_t len)
{
    char file[128], text[128], path[4096];
    memset(ev, 0, sizeof *ev);
    snprintf(path, sizeof path, "%s/events/%s", dir, name);
    if (access(path, F_OK) != 0 && errno == ENOENT)
        return 0;
    snprintf(file, sizeof file, "events/%s", name);
    if (pmu_file(dir, file, text, sizeof text, why, len) != 0)
        return -1;
    if (parse_config(text, &ev->config) != 0) {
        malformed(dir, file, text, "event=<number>", why, len);
        return -1;
    }
    snprintf(file, sizeof file, "events/%s.scale", name);
    if (pmu_file(dir, file, text, sizeof text, why, len) != 0)
        return -1;
    char *end;
    ev->scale = strtod(text, &end);
    if (end == text || *end || !(ev->scale > 0) || !isfinite(ev->scale)) {
        malformed(dir, file, text, "a positive number of joules per count", why, len);
        return -1;
    }
    snprintf(file, sizeof file, "events/%s.unit", name);
    if (pmu_file(dir, file, text, sizeof text, why, len) != 0)
        return -1;
    if (strcmp(text, "Joules") != 0) {
        malformed(dir, file, text, "Joules", why, len);
        return -1;
    }
    ev->present = 1;
    return 0;
}

/* A CPU list such as "0", "0,18" or "0-3". */
static int parse_cpus(const char *text, perf_power_pmu *pmu)
{
    pmu->ncpus = 0;
    const char *p = text;
    while (*p) {
        char *end;
        if (*p < '0' || *p > '9')
            return -1;
        long lo = strtol(p, &end, 10), hi = lo;
        if (*end == '-') {
            p = end + 1;
            if (*p < '0' || *p > '9')
                return -1;
            hi = strtol(p, &end, 10);
        }
        if (hi < lo || hi > 1000000)
            return -1;
        for (long c = lo; c <= hi && pmu->ncpus < PERF_POWER_MAX_CPUS; c++)
            pmu->cpus[pmu->ncpus++] = (int)c;
        p = end;
        if (*p == ',')
            p++;
        else if (*p)
            return -1;
    }
    return pmu->ncpus > 0 ? 0 : -1;
}

int energy_perf_parse(const char *sysfs_root, perf_power_pmu *pmu, char *why, size_t len)
{
    const char *root = sysfs_root ? sysfs_root : "";
    char dir[2048], text[256]; /* dir leaves room for the file names under it */
    memset(pmu, 0, sizeof *pmu);
    snprintf(dir, sizeof dir, "%s/sys/bus/event_source/devices/power", root);
    if (access(dir, F_OK) != 0 && errno == ENOENT) {
        snprintf(why, len,
                 "no perf power PMU at %s: this machine (often a VM) exposes no RAPL counters; "
                 "%s",
                 dir, PERF_FIX);
        return -1;
    }
    if (pmu_file(dir, "type", text, sizeof text, why, len) != 0)
        return -1;
    unsigned long long type;
    if (energy_parse_u64(text, &type) != 0 || type > 0x7fffffff) {
        malformed(dir, "type", text, "a PMU type number", why, len);
        return -1;
    }
    pmu->type = (int)type;
    if (parse_event(dir, "energy-pkg", &pmu->pkg, why, len) != 0 ||
        parse_event(dir, "energy-ram", &pmu->ram, why, len) != 0)
        return -1;
    if (!pmu->pkg.present) {
        snprintf(why, len, "the power PMU at %s has no events/energy-pkg; %s", dir, PERF_FIX);
        return -1;
    }
    if (pmu_file(dir, "cpumask", text, sizeof text, why, len) != 0)
        return -1;
    if (parse_cpus(text, pmu) != 0) {
        malformed(dir, "cpumask", text, "a CPU list such as 0,18", why, len);
        return -1;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/proc/sys/kernel/perf_event_paranoid", root);
    if (energy_read_line(path, text, sizeof text) == 0) {
        char *end;
        long level = strtol(text, &end, 10);
        if (end == text || *end) {
            snprintf(why, len, "malformed %s: \"%s\" (expected a number); %s", path, text,
                     PERF_FIX);
            return -1;
        }
        pmu->paranoid_known = 1;
        pmu->paranoid = (int)level;
    }
    return 0;
}

/* Whether the effective capability set holds cap (CAP_PERFMON, or CAP_SYS_ADMIN which
 * implies it on kernels older than 5.8). */
static int has_capability(int cap)
{
    struct __user_cap_header_struct head = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    if (syscall(SYS_capget, &head, data) != 0)
        return 0;
    return (data[cap / 32].effective >> (cap % 32)) & 1;
}

typedef struct perf_counter {
    int fd;
    uint64_t first;
    double scale;
    int is_ram;
} perf_counter;

typedef struct perf_state {
    int n;
    int has_ram;
    perf_counter counter[2 * PERF_POWER_MAX_CPUS];
} perf_state;

static int counter_value(int fd, uint64_t *v)
{
    return read(fd, v, sizeof *v) == (ssize_t)sizeof *v ? 0 : -1;
}

/* Opens ev on every CPU of the mask into st: 0, or the errno of the first failure. */
static int open_event(const perf_power_pmu *pmu, const perf_power_event *ev, int is_ram,
                      perf_state *st, int *failed_cpu)
{
    for (int i = 0; i < pmu->ncpus; i++) {
        struct perf_event_attr attr;
        memset(&attr, 0, sizeof attr);
        attr.size = sizeof attr;
        attr.type = (uint32_t)pmu->type;
        attr.config = ev->config;
        int fd = (int)syscall(SYS_perf_event_open, &attr, -1, pmu->cpus[i], -1, 0);
        perf_counter *c = &st->counter[st->n];
        if (fd < 0 || counter_value(fd, &c->first) != 0) {
            int err = fd < 0 ? errno : EIO;
            if (fd >= 0)
                close(fd);
            *failed_cpu = pmu->cpus[i];
            return err;
        }
        c->fd = fd;
        c->scale = ev->scale;
        c->is_ram = is_ram;
        st->n++;
    }
    return 0;
}

static void close_counters(perf_state *st, int from)
{
    for (int i = from; i < st->n; i++)
        close(st->counter[i].fd);
    st->n = from;
}

static int perf_read(energy_meter *m, energy_sample *out)
{
    perf_state *st = m->state;
    double package = 0, dram = 0;
    for (int i = 0; i < st->n; i++) {
        uint64_t v;
        if (counter_value(st->counter[i].fd, &v) != 0)
            return -1;
        double joules = (double)(v - st->counter[i].first) * st->counter[i].scale;
        if (st->counter[i].is_ram)
            dram += joules;
        else
            package += joules;
    }
    out->joules = package + dram;
    out->dram_joules = st->has_ram ? dram : NAN;
    return 0;
}

static void perf_close(energy_meter *m)
{
    if (m->state) {
        close_counters(m->state, 0);
        free(m->state);
    }
    m->state = NULL;
}

int energy_perf_open(const energy_env *env, energy_meter *m, char *why, size_t len)
{
    perf_power_pmu pmu;
    if (energy_perf_parse(env->sysfs_root, &pmu, why, len) != 0)
        return -1;
    if (pmu.paranoid_known && pmu.paranoid > 0 && !has_capability(CAP_PERFMON) &&
        !has_capability(CAP_SYS_ADMIN)) {
        snprintf(why, len,
                 "perf_event_paranoid is %d and this process lacks CAP_PERFMON: system-wide "
                 "RAPL counters need <= 0; for measured energy: sudo sysctl "
                 "kernel.perf_event_paranoid=0 (or grant CAP_PERFMON)",
                 pmu.paranoid);
        return -1;
    }
    perf_state *st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(why, len, "out of memory");
        return -1;
    }
    int cpu = -1;
    int err = open_event(&pmu, &pmu.pkg, 0, st, &cpu);
    if (err) {
        snprintf(why, len, "perf_event_open(power PMU type %d, config 0x%llx, cpu %d): %s; %s",
                 pmu.type, pmu.pkg.config, cpu, strerror(err), PERF_FIX);
        close_counters(st, 0);
        free(st);
        return -1;
    }
    char cpus[128] = "";
    for (int i = 0; i < pmu.ncpus; i++)
        energy_appendf(cpus, sizeof cpus, "%s%d", i ? "," : "", pmu.cpus[i]);
    memset(m, 0, sizeof *m);
    snprintf(m->detail, sizeof m->detail, "energy-pkg (event 0x%llx, %.6g J/count) on CPUs %s",
             pmu.pkg.config, pmu.pkg.scale, cpus);
    int packages = st->n;
    if (pmu.ram.present) {
        err = open_event(&pmu, &pmu.ram, 1, st, &cpu);
        if (err) { /* the package is still measured: say why DRAM is not */
            close_counters(st, packages);
            energy_appendf(m->detail, sizeof m->detail, "; energy-ram not opened (cpu %d: %s)",
                           cpu, strerror(err));
        } else {
            st->has_ram = 1;
            energy_appendf(m->detail, sizeof m->detail, " + energy-ram (event 0x%llx)",
                           pmu.ram.config);
        }
    }
    snprintf(m->source, sizeof m->source, "rapl-perf");
    snprintf(m->domain, sizeof m->domain, st->has_ram ? "package+dram" : "package");
    m->measured = 1;
    m->read = perf_read;
    m->close = perf_close;
    m->state = st;
    return 0;
}
