/* likwid Marker API regions (built with make LIKWID=1, which defines LIKWID_PERFMON):
 * the harness names a region after each configuration so that
 * "likwid-perfctr -C <cpus> -g FLOPS_DP -m build/flopwatt bench ..." attributes counts to
 * it. Without LIKWID=1 the region functions do nothing. */
#ifndef BENCH_MARKERS_H
#define BENCH_MARKERS_H

#include <stddef.h>

int markers_enabled(void); /* 1 when built with likwid */
void markers_init(void);   /* once, before any region */
/* Start and stop a region on every thread of an OpenMP team of the given size (the team
 * that runs the measured code). Names longer than likwid accepts are cut; characters
 * likwid's output cannot hold are replaced. */
void markers_start(const char *region, int threads);
void markers_stop(const char *region, int threads);
void markers_close(void);  /* once, at exit: writes likwid's result file */

/* The tag likwid is given for a region name: its first MARKERS_TAG_MAX characters, with
 * anything but letters, digits, '_' and '-' replaced by '_' ("region" when empty).
 * likwid-perfctr reads tags back with "%s" into 100 bytes, "-<group>" appended, so a tag
 * must hold no blank and stay short. */
#define MARKERS_TAG_MAX 80
void markers_region_tag(const char *region, char *tag, size_t len);

#endif
