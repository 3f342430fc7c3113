/* Summary statistics of a sample of measurements (times, rates, ratios). Every function
 * leaves its input untouched; none allocates more than one copy of the sample. */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

typedef struct stats_summary {
    int n;
    double min, max, median, mean;
} stats_summary;

/* Fills *out for x[0..n); returns 0, or -1 when n < 1 or memory runs out. */
int stats_summarize(const double *x, int n, stats_summary *out);

double stats_min(const double *x, int n);
double stats_mean(const double *x, int n);
/* Median: the middle value, or the mean of the two middle values when n is even. NaN when
 * n < 1. */
double stats_median(const double *x, int n);

/* Sorts x[0..n) in place, ascending. */
void stats_sort(double *x, int n);

/* Sample standard deviation (n - 1 in the denominator) over the mean; NaN when n < 2 or
 * the mean is 0. */
double stats_cv(const double *x, int n);

/* Distribution-free confidence interval of the median from order statistics: the
 * narrowest [x(l), x(n+1-l)] whose binomial coverage is at least conf (e.g. 0.95). Small
 * samples cannot reach it (5 samples give at most 93.75% with [min, max]); then the
 * interval is [min, max]. Returns the coverage achieved, NaN when n < 1. */
double stats_median_ci(const double *x, int n, double conf, double *lo, double *hi);

/* Geometric mean, the mean for ratios; NaN if n < 1 or any value is not positive. */
double stats_geomean(const double *x, int n);

#endif
