/* likwid Marker API regions on every thread of the measured team. Outside likwid-perfctr
 * (no LIKWID_MODE, LIKWID_EVENTS, LIKWID_THREADS, LIKWID_FILEPATH in the environment)
 * likwid's init prints "Running without Marker API..." once and every later call returns
 * at once, so a LIKWID=1 build runs as well without it. */
#include "markers.h"

#include <ctype.h>
#include <stdio.h>

#ifdef LIKWID_PERFMON
#include <likwid-marker.h>
#endif

void markers_region_tag(const char *region, char *tag, size_t len)
{
    if (len == 0)
        return;
    size_t n = 0;
    for (; region && region[n] && n < MARKERS_TAG_MAX && n + 1 < len; n++) {
        unsigned char c = (unsigned char)region[n];
        tag[n] = isalnum(c) || c == '_' || c == '-' ? (char)c : '_';
    }
    tag[n] = '\0';
    if (n == 0)
        snprintf(tag, len, "region");
}

#ifdef LIKWID_PERFMON

int markers_enabled(void)
{
    return 1;
}

void markers_init(void)
{
    LIKWID_MARKER_INIT;
}

/* likwid learns of a thread (and pins it where likwid-perfctr asked to) once per thread. */
static _Thread_local int thread_known;

void markers_start(const char *region, int threads)
{
    char tag[MARKERS_TAG_MAX + 1];
    markers_region_tag(region, tag, sizeof tag);
#pragma omp parallel num_threads(threads)
    {
        if (!thread_known) {
            LIKWID_MARKER_THREADINIT;
            thread_known = 1;
        }
        LIKWID_MARKER_START(tag);
    }
}

void markers_stop(const char *region, int threads)
{
    char tag[MARKERS_TAG_MAX + 1];
    markers_region_tag(region, tag, sizeof tag);
#pragma omp parallel num_threads(threads)
    LIKWID_MARKER_STOP(tag);
}

void markers_close(void)
{
    LIKWID_MARKER_CLOSE;
}

#else /* built without likwid */

int markers_enabled(void)
{
    return 0;
}

void markers_init(void)
{
}

void markers_start(const char *region, int threads)
{
    (void)region;
    (void)threads;
}

void markers_stop(const char *region, int threads)
{
    (void)region;
    (void)threads;
}

void markers_close(void)
{
}

#endif
