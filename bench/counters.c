/* Hardware counters through PAPI: one event set per thread of the OpenMP team that runs
 * the measured code, summed (see counters.h for what that team does and does not cover).
 * Built without PAPI, every call reports why nothing can be counted. */
#include "counters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef FW_HAVE_PAPI
#include <omp.h>
#include <papi.h>
#include <pthread.h>
#endif

static const char *const default_events[] = {
    "PAPI_TOT_CYC", "PAPI_TOT_INS", "PAPI_SP_OPS", "PAPI_DP_OPS", "PAPI_VEC_SP",
    "PAPI_VEC_DP",  "PAPI_L1_DCM",  "PAPI_L2_TCM", "PAPI_L3_TCM",
};

int counters_default_events(const char **names, int cap)
{
    int n = 0;
    for (size_t i = 0; i < sizeof default_events / sizeof *default_events && n < cap; i++)
        names[n++] = default_events[i];
    return n;
}

#ifdef FW_HAVE_PAPI

/* One thread's share of a set: its own PAPI event set, which only that thread may start,
 * stop or destroy. */
typedef struct thread_slot {
    pthread_t owner;
    int eventset;
    int error[COUNTERS_MAX];    /* PAPI_OK, or why adding event i failed on this thread */
    int position[COUNTERS_MAX]; /* where event i is in this thread's set */
    int nadded;
    long long read[COUNTERS_MAX]; /* the last stop's values, in set order */
} thread_slot;

struct counter_set {
    int nevents;
    int threads;
    counter_value v[COUNTERS_MAX];
    thread_slot *slot; /* one per thread of the team */
};

static pthread_mutex_t papi_lock = PTHREAD_MUTEX_INITIALIZER;
static int papi_state;       /* 0 not tried, 1 started, -1 failed (reason in papi_why) */
static char papi_why[160];
static int sets_open;        /* team threads leave PAPI when the last set closes */

static unsigned long thread_id(void)
{
    return (unsigned long)pthread_self();
}

/* Thread support so that each thread can own an event set. The library may have been
 * started by the application already. */
int counters_papi_start(char *why, size_t len)
{
    pthread_mutex_lock(&papi_lock);
    if (papi_state == 0) {
        const int current = PAPI_VER_CURRENT;
        int rc = PAPI_is_initialized() ? current : PAPI_library_init(current);
        if (rc != current) {
            char code[32];
            const char *text = rc > 0 ? "library version differs from the headers built against"
                                      : PAPI_strerror(rc); /* NULL while PAPI is not started */
            if (!text) {
                snprintf(code, sizeof code, "error %d", rc);
                text = code;
            }
            snprintf(papi_why, sizeof papi_why, "PAPI cannot start: PAPI_library_init: %s", text);
        } else if (!(PAPI_is_initialized() & PAPI_THREAD_LEVEL_INITED) &&
                 (rc = PAPI_thread_init(thread_id)) != PAPI_OK)
            snprintf(papi_why, sizeof papi_why, "PAPI cannot start: PAPI_thread_init: %s",
                     PAPI_strerror(rc));
        papi_state = papi_why[0] ? -1 : 1;
    }
    int ok = papi_state == 1;
    if (!ok)
        snprintf(why, len, "%s", papi_why);
    pthread_mutex_unlock(&papi_lock);
    return ok ? 0 : -1;
}

/* The component an event name belongs to: "name:::event" names it, everything else
 * (presets, libpfm4 names such as perf::TASK-CLOCK) is perf_event's. */
static const PAPI_component_info_t *component_of(const char *event)
{
    char name[64] = "perf_event";
    const char *sep = strstr(event, ":::");
    if (sep && (size_t)(sep - event) < sizeof name)
        snprintf(name, sizeof name, "%.*s", (int)(sep - event), event);
    int cidx = PAPI_get_component_index(name);
    return cidx >= 0 ? PAPI_get_component_info(cidx) : NULL;
}

static int perf_event_paranoid(void)
{
    FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
    int level = -9;
    if (f) {
        if (fscanf(f, "%d", &level) != 1)
            level = -9;
        fclose(f);
    }
    return level;
}

/* A disabled component's reason as PAPI gives it, in words that point at the cause (both
 * cut to fit counter_value.why). */
static void explain_disabled(const PAPI_component_info_t *ci, char *why, size_t len)
{
    const char *reason = ci->disabled_reason;
    if (strncmp(reason, "Error ", 6) == 0)
        reason += 6;
    if (strstr(reason, "PMU"))
        snprintf(why, len, "no PMU: the %.20s component is disabled (%.80s); running in a VM?",
                 ci->name, reason);
    else if (strstr(reason, "paranoid"))
        snprintf(why, len,
                 "the %.20s component is disabled (%.60s): sudo sysctl "
                 "kernel.perf_event_paranoid=0",
                 ci->name, reason);
    else
        snprintf(why, len, "the %.20s component is disabled (%.100s)", ci->name, reason);
}

/* Why PAPI would not add event: one line, the cause first, PAPI's words after. */
static void explain(int rc, const char *event, char *why, size_t len)
{
    const PAPI_component_info_t *ci = component_of(event);
    int paranoid;
    switch (rc) {
    case PAPI_ENOEVNT:
    case PAPI_ECMP_DISABLED:
        if (ci && ci->disabled)
            explain_disabled(ci, why, len);
        else
            snprintf(why, len, "this machine has no such event (PAPI: %s)", PAPI_strerror(rc));
        break;
    case PAPI_ECNFLCT:
    case PAPI_ECOUNT:
    case PAPI_EMULPASS:
        snprintf(why, len, "cannot be counted together with the events before it (PAPI: %s)",
                 PAPI_strerror(rc));
        break;
    case PAPI_EPERM:
        paranoid = perf_event_paranoid();
        if (paranoid != -9)
            snprintf(why, len,
                     "not permitted with kernel.perf_event_paranoid=%d: sudo sysctl "
                     "kernel.perf_event_paranoid=0 (or grant CAP_PERFMON)",
                     paranoid);
        else
            snprintf(why, len, "not permitted (PAPI: %s)", PAPI_strerror(rc));
        break;
    case PAPI_EINVAL:
        snprintf(why, len,
                 "not accepted in one event set with the events before it: a set holds one "
                 "PAPI component's events (PAPI: %s)",
                 PAPI_strerror(rc));
        break;
    default:
        snprintf(why, len, "PAPI: %s (%d)", PAPI_strerror(rc), rc);
    }
}

/* The calling thread's slot: libgomp runs a team of the same size from the same master
 * on the same threads, but a slot is found by owner, never assumed by thread number. */
static thread_slot *own_slot(counter_set *s)
{
    pthread_t self = pthread_self();
    for (int t = 0; t < s->threads; t++)
        if (s->slot[t].eventset != PAPI_NULL && pthread_equal(s->slot[t].owner, self))
            return &s->slot[t];
    return NULL;
}

/* Adds the events one by one, so that one that fails (absent, or in conflict with one
 * added before it) costs only itself. */
static void open_thread(counter_set *s, const char *const *events, thread_slot *sl)
{
    sl->owner = pthread_self();
    PAPI_register_thread();
    int es = PAPI_NULL;
    int rc = PAPI_create_eventset(&es);
    for (int i = 0; i < s->nevents; i++) {
        sl->position[i] = -1;
        sl->error[i] = rc;
        if (rc == PAPI_OK && (sl->error[i] = PAPI_add_named_event(es, events[i])) == PAPI_OK)
            sl->position[i] = sl->nadded++;
    }
    sl->eventset = rc == PAPI_OK ? es : PAPI_NULL;
}

/* Stops (if running) and frees this thread's event set; a team thread other than the
 * caller also leaves PAPI when no set needs it any more. */
static void close_thread(counter_set *s, int leave)
{
    thread_slot *sl = own_slot(s);
    if (sl) {
        long long ignored[COUNTERS_MAX];
        int state = 0;
        if (PAPI_state(sl->eventset, &state) == PAPI_OK && (state & PAPI_RUNNING))
            PAPI_stop(sl->eventset, ignored);
        PAPI_cleanup_eventset(sl->eventset);
        PAPI_destroy_eventset(&sl->eventset);
        sl->eventset = PAPI_NULL;
    }
    if (leave && omp_get_thread_num() != 0)
        PAPI_unregister_thread();
}

counter_set *counters_open(const char *const *events, int nevents, int threads, char *why,
                           size_t len)
{
    if (nevents < 0 || nevents > COUNTERS_MAX || threads < 1 || (nevents && !events)) {
        snprintf(why, len, "counters: %d events on %d threads is not a valid request (at most %d "
                 "events, at least 1 thread)", nevents, threads, COUNTERS_MAX);
        return NULL;
    }
    if (counters_papi_start(why, len) != 0)
        return NULL;
    counter_set *s = calloc(1, sizeof *s);
    thread_slot *slot = calloc((size_t)threads, sizeof *slot);
    if (!s || !slot) {
        free(s);
        free(slot);
        snprintf(why, len, "counters: out of memory");
        return NULL;
    }
    s->nevents = nevents;
    s->threads = threads;
    s->slot = slot;
    for (int t = 0; t < threads; t++)
        slot[t].eventset = PAPI_NULL;
    pthread_mutex_lock(&papi_lock);
    sets_open++;
    pthread_mutex_unlock(&papi_lock);

    int team = threads;
#pragma omp parallel num_threads(threads)
    {
        if (omp_get_num_threads() != threads) {
            if (omp_get_thread_num() == 0)
                team = omp_get_num_threads();
        } else {
            /* PAPI's event-name tables are shared: one thread adds at a time. */
#pragma omp critical(fw_counters_papi)
            open_thread(s, events, &slot[omp_get_thread_num()]);
        }
    }
    if (team != threads) {
        counters_close(s);
        snprintf(why, len,
                 "counters: OpenMP ran %d threads where %d were asked for (OMP_THREAD_LIMIT?)",
                 team, threads);
        return NULL;
    }
    /* An event counts only if every thread has it; the first thread's refusal explains. */
    for (int i = 0; i < nevents; i++) {
        counter_value *v = &s->v[i];
        snprintf(v->name, sizeof v->name, "%s", events[i]);
        v->available = 1;
        for (int t = 0; t < threads && v->available; t++)
            if (slot[t].error[i] != PAPI_OK) {
                v->available = 0;
                explain(slot[t].error[i], events[i], v->why, sizeof v->why);
            }
    }
    return s;
}

int counters_start(counter_set *s)
{
    if (!s)
        return -1;
    int failed = 0;
#pragma omp parallel num_threads(s->threads) reduction(| : failed)
    {
        thread_slot *sl = own_slot(s);
        failed |= !sl || (sl->nadded && PAPI_start(sl->eventset) != PAPI_OK);
    }
    return failed ? -1 : 0;
}

int counters_stop(counter_set *s)
{
    if (!s)
        return -1;
    int failed = 0;
#pragma omp parallel num_threads(s->threads) reduction(| : failed)
    {
        thread_slot *sl = own_slot(s);
        if (!sl)
            failed = 1;
        else if (sl->nadded && PAPI_stop(sl->eventset, sl->read) != PAPI_OK)
            failed = 1;
    }
    if (failed)
        return -1;
    for (int i = 0; i < s->nevents; i++)
        if (s->v[i].available)
            for (int t = 0; t < s->threads; t++)
                s->v[i].value += s->slot[t].read[s->slot[t].position[i]];
    return 0;
}

void counters_close(counter_set *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&papi_lock);
    int leave = --sets_open == 0;
    pthread_mutex_unlock(&papi_lock);
#pragma omp parallel num_threads(s->threads)
    close_thread(s, leave);
    free(s->slot);
    free(s);
}

int counters_probe(char *version, size_t vlen, char *status, size_t slen)
{
    snprintf(version, vlen, "%d.%d.%d.%d", PAPI_VERSION_MAJOR(PAPI_VERSION),
             PAPI_VERSION_MINOR(PAPI_VERSION), PAPI_VERSION_REVISION(PAPI_VERSION),
             PAPI_VERSION_INCREMENT(PAPI_VERSION));
    const char *ev[COUNTERS_MAX];
    int n = counters_default_events(ev, COUNTERS_MAX);
    counter_set *s = counters_open(ev, n, 1, status, slen);
    if (!s)
        return 0;
    int lib = PAPI_get_opt(PAPI_LIB_VERSION, NULL); /* the library loaded, not the headers */
    if (lib > 0)
        snprintf(version, vlen, "%d.%d.%d.%d", PAPI_VERSION_MAJOR(lib), PAPI_VERSION_MINOR(lib),
                 PAPI_VERSION_REVISION(lib), PAPI_VERSION_INCREMENT(lib));
    int available = 0;
    for (int i = 0; i < n; i++)
        available += s->v[i].available;
    if (available)
        snprintf(status, slen, "available: %d of %d default events", available, n);
    else
        snprintf(status, slen, "%s", s->v[0].why);
    counters_close(s);
    return available > 0;
}

#else /* built without PAPI */

#define NO_PAPI "built without PAPI; install libpapi-dev (papi-devel) and rebuild"

struct counter_set {
    int nevents;
    counter_value v[COUNTERS_MAX];
};

counter_set *counters_open(const char *const *events, int nevents, int threads, char *why,
                           size_t len)
{
    (void)events;
    (void)nevents;
    (void)threads;
    snprintf(why, len, "%s", NO_PAPI);
    return NULL;
}

int counters_start(counter_set *s)
{
    (void)s;
    return -1;
}

int counters_stop(counter_set *s)
{
    (void)s;
    return -1;
}

void counters_close(counter_set *s)
{
    (void)s;
}

int counters_probe(char *version, size_t vlen, char *status, size_t slen)
{
    snprintf(version, vlen, "none");
    snprintf(status, slen, "%s", NO_PAPI);
    return 0;
}

#endif

void counters_reset(counter_set *s)
{
    if (s)
        for (int i = 0; i < s->nevents; i++)
            s->v[i].value = 0;
}

int counters_get(const counter_set *s, counter_value *out, int cap)
{
    if (!s)
        return 0;
    int n = s->nevents < cap ? s->nevents : cap;
    memcpy(out, s->v, (size_t)n * sizeof *out);
    return n;
}
