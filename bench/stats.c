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

double stats_mean(const double *x, int n)
{
    if (n < 1)
        return NAN;
    double s = 0;
    for (int i = 0; i < n; i++)
        s += x[i];
    return s / n;
}

/* An ascending copy of x[0..n) (n >= 1), or NULL when out of memory. */
static double *sorted_copy(const double *x, int n)
{
    double *s = malloc((size_t)n * sizeof *s);
    if (s) {
        memcpy(s, x, (size_t)n * sizeof *s);
        stats_sort(s, n);
    }
    return s;
}

static double median_sorted(const double *s, int n)
{
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

double stats_median(const double *x, int n)
{
    double *s = n < 1 ? NULL : sorted_copy(x, n);
    if (!s)
        return NAN;
    double m = median_sorted(s, n);
    free(s);
    return m;
}

int stats_summarize(const double *x, int n, stats_summary *out)
{
    double *s = n < 1 ? NULL : sorted_copy(x, n);
    if (!s)
        return -1;
    out->n = n;
    out->min = s[0];
    out->max = s[n - 1];
    out->median = median_sorted(s, n);
    out->mean = stats_mean(x, n);
    free(s);
    return 0;
}

double stats_cv(const double *x, int n)
{
    if (n < 2)
        return NAN;
    double mean = stats_mean(x, n), ss = 0;
    for (int i = 0; i < n; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    return mean != 0 ? sqrt(ss / (n - 1)) / fabs(mean) : NAN;
}

/* P(B <= j) for B ~ Binomial(n, 1/2), summed in logs: n can be thousands. */
static double binom_half_cdf(int n, int j)
{
    double p = 0;
    for (int i = 0; i <= j; i++)
        p += exp(lgamma(n + 1.0) - lgamma(i + 1.0) - lgamma(n - i + 1.0) - n * log(2.0));
    return p;
}

double stats_median_ci(const double *x, int n, double conf, double *lo, double *hi)
{
    *lo = *hi = NAN;
    double *s = n < 1 ? NULL : sorted_copy(x, n);
    if (!s)
        return NAN;
    /* [x(l), x(n+1-l)] (1-based) covers the median with probability 1 - 2 P(B <= l-1);
     * take the largest l that still reaches conf. */
    int l = 1;
    while (l + 1 <= (n + 1) / 2 && 1 - 2 * binom_half_cdf(n, l) >= conf)
        l++;
    double coverage = 1 - 2 * binom_half_cdf(n, l - 1);
    *lo = s[l - 1];
    *hi = s[n - l];
    free(s);
    return coverage;
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
