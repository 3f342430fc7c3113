#include "bench_summary.h"

#include <math.h>
#include <string.h>

#include "stats.h"

#define MAX_COLS 4

/* Implementations in the order they first appear. */
static int impl_columns(const bench_run *run, const char **names)
{
    int n = 0;
    for (int i = 0; i < run->nrecords; i++) {
        int seen = 0;
        for (int j = 0; j < n; j++)
            seen |= strcmp(names[j], run->records[i].impl) == 0;
        if (!seen && n < MAX_COLS)
            names[n++] = run->records[i].impl;
    }
    return n;
}

static const bench_record *find(const bench_run *run, int from, int to, const char *impl)
{
    for (int i = from; i < to; i++)
        if (strcmp(run->records[i].impl, impl) == 0)
            return &run->records[i];
    return NULL;
}

static void cell(const bench_record *r, char *buf, size_t len)
{
    if (!r)
        snprintf(buf, len, "-");
    else if (r->status == REC_WRONG)
        snprintf(buf, len, "WRONG");
    else if (r->status == REC_ERROR)
        snprintf(buf, len, "error");
    else
        snprintf(buf, len, "%.2f%s", r->gflops, r->unstable ? "~" : "");
}

/* flopwatt's median rate over the best peer's; NaN when either is missing or not ok. */
static double ratio(const bench_run *run, int from, int to, const char **names, int ncols)
{
    const bench_record *fw = find(run, from, to, "flopwatt");
    double best = NAN;
    for (int c = 0; c < ncols; c++) {
        const bench_record *r = find(run, from, to, names[c]);
        if (r && r != fw && r->status == REC_OK && !(r->gflops <= best))
            best = r->gflops;
    }
    return fw && fw->status == REC_OK ? fw->gflops / best : NAN;
}

void bench_summary_print(const bench_run *run, FILE *f)
{
    const char *names[MAX_COLS];
    int ncols = impl_columns(run, names);
    const char *source = NULL, *domain = NULL;
    fprintf(f, "\n%-38s", "configuration (GFLOP/s, median)");
    for (int c = 0; c < ncols; c++)
        fprintf(f, " %10s", names[c]);
    fprintf(f, " %9s %14s\n", "fw/best", "fw GFLOP/s/W");
    static const char *const classes[] = {"square", "small", "skinny", "gemv"};
    double ratios[4][512];
    int nratios[4] = {0};
    for (int i = 0; i < run->nrecords;) {
        int end = i;
        while (end < run->nrecords && strcmp(run->records[end].config, run->records[i].config) == 0)
            end++;
        fprintf(f, "%-38s", run->records[i].config);
        for (int c = 0; c < ncols; c++) {
            char buf[32];
            cell(find(run, i, end, names[c]), buf, sizeof buf);
            fprintf(f, " %10s", buf);
        }
        double q = ratio(run, i, end, names, ncols);
        if (isnan(q))
            fprintf(f, " %9s", "-");
        else
            fprintf(f, " %8.2fx", q);
        const bench_record *fw = find(run, i, end, "flopwatt");
        if (fw && fw->status == REC_OK && fw->energy.present) {
            fprintf(f, " %9.3f (%s)\n", fw->energy.gflops_per_watt,
                    fw->energy.domain); /* domain "model" marks modeled figures */
            source = fw->energy.source;
            domain = fw->energy.domain;
        } else {
            fprintf(f, " %14s\n", "-");
        }
        for (int k = 0; k < 4; k++)
            if (!isnan(q) && strcmp(run->records[i].shape_class, classes[k]) == 0 &&
                nratios[k] < 512)
                ratios[k][nratios[k]++] = q;
        i = end;
    }
    fprintf(f, "\n'~' marks an unstable median (95%% interval wider than asked). fw/best: "
               "flopwatt over the fastest peer.\n");
    for (int k = 0; k < 4; k++)
        if (nratios[k])
            fprintf(f, "%-7s flopwatt / best peer, geometric mean over %d: %.2fx\n", classes[k],
                    nratios[k], stats_geomean(ratios[k], nratios[k]));
    if (source)
        fprintf(f, "energy: source %s, domain %s%s\n", source, domain,
                strcmp(source, "model") == 0
                    ? " -- an estimate from published per-vCPU coefficients, not a measurement"
                    : "");
}
