/* RAPL through PAPI's "rapl" (MSR, nanojoules) and "powercap" (sysfs, microjoules)
 * components, built in when libpapi is found (FW_HAVE_PAPI). Package energy events are
 * summed and DRAM events summed apart. PAPI may already be initialised by the counters
 * module: it is then used as it is, and never shut down here. */
#include <stdio.h>

#include "energy_backends.h"

#ifndef FW_HAVE_PAPI

static int without_papi(char *why, size_t len)
{
    snprintf(why, len, "built without PAPI; install libpapi-dev and rebuild");
    return -1;
}

int energy_papi_rapl_open(const energy_env *env, energy_meter *m, char *why, size_t len)
{
    (void)env, (void)m;
    return without_papi(why, len);
}

int energy_papi_powercap_open(const energy_env *env, energy_meter *m, char *why, size_t len)
{
    (void)env, (void)m;
    return without_papi(why, len);
}

#else

#include <math.h>
#include <papi.h>
#include <stdlib.h>
#include <string.h>

#include "counters.h"
#include "energy_text.h"

#define PAPI_MAX_ENERGY_EVENTS 64

/* What one component calls its energy events. */
typedef struct papi_component {
    const char *name;     /* "rapl" or "powercap", also the meter's source after "papi-" */
    double joules_per_unit;
    const char *fix;      /* how to enable it, for the reason when it is disabled */
} papi_component;

static const papi_component rapl_component = {
    "rapl", 1e-9,
    "it reads /dev/cpu/*/msr: sudo modprobe msr and grant read access to the MSR devices",
};
static const papi_component powercap_component = {
    "powercap", 1e-6,
    "grant read access: sudo chmod a+r /sys/class/powercap/intel-rapl:*/energy_uj",
};

typedef struct papi_state {
    int event_set;
    int n;
    int is_dram[PAPI_MAX_ENERGY_EVENTS];
    int has_dram;
    double joules_per_unit;
} papi_state;

static void papi_version(char *buf, size_t len)
{
    int v = PAPI_get_opt(PAPI_LIB_VERSION, NULL);
    snprintf(buf, len, "%d.%d.%d.%d", PAPI_VERSION_MAJOR(v), PAPI_VERSION_MINOR(v),
             PAPI_VERSION_REVISION(v), PAPI_VERSION_INCREMENT(v));
}

/* The component's index: >= 0, or -1 with the reason. */
static int find_component(const papi_component *c, char *why, size_t len)
{
    char started[200];
    if (counters_papi_start(started, sizeof started) != 0) {
        snprintf(why, len, "%s; measured energy needs rapl-powercap or rapl-perf", started);
        return -1;
    }
    char version[32];
    papi_version(version, sizeof version);
    int cid = PAPI_get_component_index(c->name);
    if (cid < 0) {
        snprintf(why, len, "PAPI %s has no %s component compiled in (rebuild PAPI with "
                 "--with-components=%s); measured energy without it: rapl-powercap or "
                 "rapl-perf", version, c->name, c->name);
        return -1;
    }
    const PAPI_component_info_t *info = PAPI_get_component_info(cid);
    if (!info || info->disabled) {
        snprintf(why, len, "PAPI %s component %s is disabled: %s; %s", version, c->name,
                 info ? info->disabled_reason : "no component information", c->fix);
        return -1;
    }
    return cid;
}

/* Package or DRAM energy event, by the component's event names: "PACKAGE_ENERGY:PACKAGE0"
 * and "DRAM_ENERGY:PACKAGE0" (rapl), "ENERGY_UJ:ZONE0" and "ENERGY_UJ:ZONE0_SUBZONE1" whose
 * zone is named "dram" (powercap). 1 package, 2 DRAM, 0 other. */
static int energy_kind(const papi_component *c, const char *event)
{
    if (c == &rapl_component) {
        if (!strncmp(event, "PACKAGE_ENERGY:", 15))
            return 1;
        return strncmp(event, "DRAM_ENERGY:", 12) ? 0 : 2;
    }
    if (strncmp(event, "ENERGY_UJ:", 10) != 0)
        return 0;
    /* The zone's NAME event carries the sysfs zone name as its description. */
    char name_event[PAPI_MAX_STR_LEN];
    snprintf(name_event, sizeof name_event, "powercap:::NAME:%s", event + 10);
    int code;
    PAPI_event_info_t info;
    if (PAPI_event_name_to_code(name_event, &code) != PAPI_OK ||
        PAPI_get_event_info(code, &info) != PAPI_OK)
        return 0;
    if (!strncmp(info.long_descr, "package-", 8))
        return 1;
    return strncmp(info.long_descr, "dram", 4) ? 0 : 2;
}

/* Adds every package and DRAM energy event of the component to st->event_set. */
static void add_energy_events(const papi_component *c, int cid, papi_state *st, char *detail,
                              size_t dlen)
{
    int code = PAPI_NATIVE_MASK;
    for (int more = PAPI_enum_cmp_event(&code, PAPI_ENUM_FIRST, cid) == PAPI_OK;
         more && st->n < PAPI_MAX_ENERGY_EVENTS;
         more = PAPI_enum_cmp_event(&code, PAPI_ENUM_EVENTS, cid) == PAPI_OK) {
        char full[PAPI_MAX_STR_LEN];
        if (PAPI_event_code_to_name(code, full) != PAPI_OK)
            continue;
        const char *event = strstr(full, ":::") ? strstr(full, ":::") + 3 : full;
        int kind = energy_kind(c, event);
        if (!kind || PAPI_add_event(st->event_set, code) != PAPI_OK)
            continue;
        st->is_dram[st->n] = kind == 2;
        st->has_dram |= kind == 2;
        energy_appendf(detail, dlen, "%s %s", st->n ? "," : "", event);
        st->n++;
    }
}

static int papi_read(energy_meter *m, energy_sample *out)
{
    papi_state *st = m->state;
    long long v[PAPI_MAX_ENERGY_EVENTS];
    if (PAPI_read(st->event_set, v) != PAPI_OK)
        return -1;
    double package = 0, dram = 0;
    for (int i = 0; i < st->n; i++) {
        if (st->is_dram[i])
            dram += (double)v[i] * st->joules_per_unit;
        else
            package += (double)v[i] * st->joules_per_unit;
    }
    out->joules = package + dram;
    out->dram_joules = st->has_dram ? dram : NAN;
    return 0;
}

static void destroy(papi_state *st)
{
    long long v[PAPI_MAX_ENERGY_EVENTS];
    PAPI_stop(st->event_set, v); /* fails harmlessly when it was never started */
    PAPI_cleanup_eventset(st->event_set);
    PAPI_destroy_eventset(&st->event_set);
    free(st);
}

static void papi_close(energy_meter *m)
{
    if (m->state)
        destroy(m->state);
    m->state = NULL;
}

static int papi_open(const papi_component *c, const energy_env *env, energy_meter *m,
                     char *why, size_t len)
{
    if (env->sysfs_root && env->sysfs_root[0]) {
        snprintf(why, len, "PAPI reads the real system only, not the tree at %s; measured "
                 "energy there: rapl-powercap or rapl-perf", env->sysfs_root);
        return -1;
    }
    int cid = find_component(c, why, len);
    if (cid < 0)
        return -1;
    papi_state *st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(why, len, "out of memory");
        return -1;
    }
    st->event_set = PAPI_NULL;
    st->joules_per_unit = c->joules_per_unit;
    int rc = PAPI_create_eventset(&st->event_set);
    if (rc != PAPI_OK) {
        snprintf(why, len, "PAPI_create_eventset: %s", PAPI_strerror(rc));
        free(st);
        return -1;
    }
    char detail[sizeof m->detail] = "summed:";
    add_energy_events(c, cid, st, detail, sizeof detail);
    if (st->n == 0) {
        snprintf(why, len, "PAPI %s component lists no package energy event; %s", c->name,
                 c->fix);
        destroy(st);
        return -1;
    }
    rc = PAPI_start(st->event_set);
    if (rc != PAPI_OK) {
        snprintf(why, len, "PAPI %s component: PAPI_start: %s; %s", c->name, PAPI_strerror(rc),
                 c->fix);
        destroy(st);
        return -1;
    }
    memset(m, 0, sizeof *m);
    snprintf(m->source, sizeof m->source, "papi-%s", c->name);
    snprintf(m->domain, sizeof m->domain, st->has_dram ? "package+dram" : "package");
    snprintf(m->detail, sizeof m->detail, "%s", detail);
    m->measured = 1;
    m->read = papi_read;
    m->close = papi_close;
    m->state = st;
    return 0;
}

int energy_papi_rapl_open(const energy_env *env, energy_meter *m, char *why, size_t len)
{
    return papi_open(&rapl_component, env, m, why, len);
}

int energy_papi_powercap_open(const energy_env *env, energy_meter *m, char *why, size_t len)
{
    return papi_open(&powercap_component, env, m, why, len);
}

#endif
