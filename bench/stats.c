#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

void stats_sort(double *x, int n)
{
    if (n > 1)
        qsort(x, (size_t)n, sizeof *x, cmp_double);
}

double stats_min(const double *x, int n)
{
    if (n < 1)
        return NAN;
    double m = x[0];
    for (int i = 1; i < n; i++)
        if (x[i] < m)
            m = x[i];
    return m;
}

double stats_max(const double *x, int n)
{
    if (n < 1)
        return NAN;
    double m = x[0];
    for (int i = 1; i < n; i++)
        if (x[i] > m)
            m = x[i];
    return m;
}

double stats_mean(const double *x, int n)
{
    if (n < 1)
        return NAN;
    double s = 0;
    for (int i = 0; i < n; i++)
        s += x[i];
    return s / n;
}

static double median_sorted(const double *s, int n)
{
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

double stats_median(const double *x, int n)
{
    if (n < 1)
        return NAN;
    double *s = malloc((size_t)n * sizeof *s);
    if (!s)
        return NAN;
    memcpy(s, x, (size_t)n * sizeof *s);
    stats_sort(s, n);
    double m = median_sorted(s, n);
    free(s);
    return m;
}

double stats_quantile_sorted(const double *sorted, int n, double q)
{
    if (n < 1 || !(q >= 0 && q <= 1))
        return NAN;
    double h = q * (n - 1);
    int lo = (int)floor(h);
    if (lo >= n - 1)
        return sorted[n - 1];
    return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

int stats_summarize(const double *x, int n, stats_summary *out)
{
    if (n < 1)
        return -1;
    double *s = malloc((size_t)n * sizeof *s);
    if (!s)
        return -1;
    memcpy(s, x, (size_t)n * sizeof *s);
    stats_sort(s, n);
    out->n = n;
    out->min = s[0];
    out->max = s[n - 1];
    out->median = median_sorted(s, n);
    out->mean = stats_mean(x, n);
    free(s);
    return 0;
}

double stats_geomean(const double *x, int n)
{
    if (n < 1)
        return NAN;
    double s = 0; /* sum of logs: a product of many ratios could overflow */
    for (int i = 0; i < n; i++) {
        if (!(x[i] > 0))
            return NAN;
        s += log(x[i]);
    }
    return exp(s / n);
}

double stats_harmonic_mean(const double *x, int n)
{
    if (n < 1)
        return NAN;
    double s = 0;
    for (int i = 0; i < n; i++) {
        if (!(x[i] > 0))
            return NAN;
        s += 1 / x[i];
    }
    return n / s;
}
