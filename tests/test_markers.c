/* Tests of the likwid Marker API regions (bench/markers.c): the tags likwid is given, and
 * that every call is harmless outside likwid-perfctr, on teams of 1 and 2 threads. With
 * make LIKWID=1 the calls reach likwid, which then says it runs without the Marker API;
 * without it they do nothing at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"

#include "../bench/markers.h"

static void test_region_tag(void)
{
    char tag[MARKERS_TAG_MAX + 1];
    markers_region_tag("dgemm_col_nn_512x512x512_t2", tag, sizeof tag);
    CHECK(strcmp(tag, "dgemm_col_nn_512x512x512_t2") == 0, "a harness name is kept: %s", tag);
    markers_region_tag("a b\tc:d,e/f-g", tag, sizeof tag);
    CHECK(strcmp(tag, "a_b_c_d_e_f-g") == 0, "blanks and separators become '_': %s", tag);

    char longname[200];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    markers_region_tag(longname, tag, sizeof tag);
    CHECK(strlen(tag) == MARKERS_TAG_MAX && strspn(tag, "x") == MARKERS_TAG_MAX,
          "a long name is cut to %d characters: %zu", MARKERS_TAG_MAX, strlen(tag));

    markers_region_tag("", tag, sizeof tag);
    CHECK(strcmp(tag, "region") == 0, "an empty name becomes 'region': %s", tag);
    markers_region_tag(NULL, tag, sizeof tag);
    CHECK(strcmp(tag, "region") == 0, "no name becomes 'region': %s", tag);

    char small[5];
    markers_region_tag("dgemm", small, sizeof small);
    CHECK(strcmp(small, "dgem") == 0, "the buffer size is respected: %s", small);
    char untouched = '#';
    markers_region_tag("dgemm", &untouched, 0);
    CHECK(untouched == '#', "a buffer of size 0 is not written");
}

static void test_enabled(void)
{
#ifdef LIKWID_PERFMON
    CHECK(markers_enabled() == 1, "built with likwid: markers enabled");
#else
    CHECK(markers_enabled() == 0, "built without likwid: markers disabled");
#endif
}

/* Runs every call outside likwid-perfctr and returns what they wrote on stderr. */
static void run_outside_perfctr(char *said, size_t len)
{
    /* likwid-perfctr -m sets these for the program it measures. */
    unsetenv("LIKWID_MODE");
    unsetenv("LIKWID_EVENTS");
    unsetenv("LIKWID_THREADS");
    unsetenv("LIKWID_FILEPATH");
    said[0] = '\0';
    FILE *capture = tmpfile();
    int saved = dup(STDERR_FILENO);
    if (!CHECK(capture && saved >= 0, "stderr can be captured"))
        return;
    fflush(stderr);
    dup2(fileno(capture), STDERR_FILENO);

    markers_init();
    for (int threads = 1; threads <= 2; threads++)
        for (int rep = 0; rep < 2; rep++) {
            markers_start("dgemm_col_nn_64x64x64_t1", threads);
            markers_start("a name with blanks", threads);
            markers_stop("a name with blanks", threads);
            markers_stop("dgemm_col_nn_64x64x64_t1", threads);
        }
    markers_close();

    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(capture);
    size_t n = fread(said, 1, len - 1, capture);
    said[n] = '\0';
    fclose(capture);
}

static void test_outside_perfctr(void)
{
    char said[1024];
    run_outside_perfctr(said, sizeof said);
#ifdef LIKWID_PERFMON
    CHECK(strstr(said, "Running without Marker API") != NULL,
          "likwid was reached and says it runs without the Marker API: '%s'", said);
#else
    CHECK(said[0] == '\0', "without likwid the calls print nothing: '%s'", said);
#endif
}

int main(void)
{
    test_region_tag();
    test_enabled();
    test_outside_perfctr();
    return fw_test_summary();
}
