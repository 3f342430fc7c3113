/* Unit tests of the benchmark's statistics (bench/stats.c) and clock (bench/timer.c). */
#include <math.h>
#include <string.h>

#include "testlib.h"

#include "../bench/stats.h"
#include "../bench/timer.h"

static int near(double a, double b) { return fabs(a - b) <= 1e-12 * (fabs(b) > 1 ? fabs(b) : 1); }

static void test_median(void)
{
    double odd[] = {5, 1, 4, 2, 3};
    double even[] = {10, 40, 20, 30};
    double one[] = {7};
    CHECK(stats_median(odd, 5) == 3, "median of 1..5 = %g", stats_median(odd, 5));
    CHECK(stats_median(even, 4) == 25, "median of 10,20,30,40 = %g", stats_median(even, 4));
    CHECK(stats_median(one, 1) == 7, "median of one value");
    CHECK(isnan(stats_median(one, 0)), "median of nothing is NaN");
    CHECK(odd[0] == 5 && odd[4] == 3 && even[0] == 10, "median leaves its input unsorted");
}

static void test_extremes(void)
{
    double x[] = {3, -1, 8, 2.5};
    CHECK(stats_min(x, 4) == -1, "min = %g", stats_min(x, 4));
    CHECK(near(stats_mean(x, 4), 3.125), "mean = %g", stats_mean(x, 4));
    CHECK(isnan(stats_min(x, 0)) && isnan(stats_mean(x, 0)),
          "empty sample gives NaN");
}

static void test_summary(void)
{
    double x[] = {9, 1, 8, 2, 7, 3};
    stats_summary s;
    CHECK(stats_summarize(x, 6, &s) == 0, "summarize succeeds");
    CHECK(s.n == 6 && s.min == 1 && s.max == 9 && s.median == 5 && near(s.mean, 5),
          "summary n=%d min=%g max=%g median=%g mean=%g", s.n, s.min, s.max, s.median, s.mean);
    CHECK(x[0] == 9 && x[5] == 3, "summarize leaves its input unsorted");
    CHECK(stats_summarize(x, 0, &s) == -1, "summarize of nothing fails");
}

static void test_sort(void)
{
    double y[] = {3, 1, 2};
    stats_sort(y, 3);
    CHECK(y[0] == 1 && y[1] == 2 && y[2] == 3, "sort ascending");
}

static void test_means_of_ratios(void)
{
    double r[] = {1, 4};
    CHECK(near(stats_geomean(r, 2), 2), "geomean(1,4) = %g", stats_geomean(r, 2));
    double same[] = {1.3, 1.3, 1.3};
    CHECK(near(stats_geomean(same, 3), 1.3), "geomean of equal values is that value");
    /* Reciprocal ratios cancel in the geometric mean, as ratios should. */
    double recip[] = {2, 0.5};
    CHECK(near(stats_geomean(recip, 2), 1), "geomean(2, 1/2) = %g", stats_geomean(recip, 2));
    double bad[] = {1, 0};
    CHECK(isnan(stats_geomean(bad, 2)),
          "a non-positive value gives NaN");
    CHECK(isnan(stats_geomean(r, 0)), "geomean of nothing is NaN");
    /* Many large ratios must not overflow the product. */
    double big[400];
    for (int i = 0; i < 400; i++)
        big[i] = 1e10;
    CHECK(near(stats_geomean(big, 400), 1e10), "geomean of 400 x 1e10 = %g", stats_geomean(big, 400));
}

static void test_timer(void)
{
    double res = timer_resolution();
    CHECK(res > 0 && res < 1e-3, "clock resolution %g s", res);
    double t0 = timer_now(), t1 = t0;
    for (int i = 0; i < 1000000 && t1 == t0; i++)
        t1 = timer_now();
    CHECK(t1 > t0, "clock advances (%g -> %g)", t0, t1);
    double prev = timer_now();
    int monotonic = 1;
    for (int i = 0; i < 10000; i++) {
        double t = timer_now();
        monotonic &= t >= prev;
        prev = t;
    }
    CHECK(monotonic, "clock never goes back");
}

/* Order-statistic intervals against the binomial tables: for n = 10 the 95% interval of
 * the median is [x(2), x(9)], for n = 20 [x(6), x(15)]; 5 samples cannot reach 95%. */
static void test_median_ci(void)
{
    double x[20], lo, hi;
    for (int i = 0; i < 20; i++)
        x[i] = 20 - i; /* descending: the function must sort */
    double cov = stats_median_ci(x, 10, 0.95, &lo, &hi);
    CHECK(lo == 12 && hi == 19, "n=10: [%g, %g], want [12, 19] (ranks 2 and 9 of 11..20)", lo, hi);
    CHECK(near(cov, 1 - 2 * 11.0 / 1024), "n=10 coverage %.6f", cov);
    cov = stats_median_ci(x, 20, 0.95, &lo, &hi);
    CHECK(lo == 6 && hi == 15, "n=20: [%g, %g], want [6, 15]", lo, hi);
    CHECK(cov >= 0.95 && cov < 0.96, "n=20 coverage %.6f", cov);
    cov = stats_median_ci(x, 5, 0.95, &lo, &hi);
    CHECK(lo == 16 && hi == 20 && near(cov, 0.9375), "n=5: [%g, %g] coverage %g, want min..max 0.9375",
          lo, hi, cov);
    cov = stats_median_ci(x, 1, 0.95, &lo, &hi);
    CHECK(lo == 20 && hi == 20 && cov == 0, "n=1: [%g, %g] coverage %g", lo, hi, cov);
    CHECK(isnan(stats_median_ci(x, 0, 0.95, &lo, &hi)) && isnan(lo), "n=0 gives NaN");
    CHECK(x[0] == 20 && x[19] == 1, "input left untouched");
}

static void test_cv(void)
{
    double same[] = {3, 3, 3, 3};
    double spread[] = {1, 2, 3, 4, 5}; /* mean 3, sample stddev sqrt(2.5) */
    CHECK(stats_cv(same, 4) == 0, "constant sample: cv 0");
    CHECK(near(stats_cv(spread, 5), sqrt(2.5) / 3), "cv of 1..5 = %g", stats_cv(spread, 5));
    CHECK(isnan(stats_cv(spread, 1)), "one value: no cv");
}

int main(void)
{
    test_median_ci();
    test_cv();
    test_median();
    test_extremes();
    test_summary();
    test_sort();
    test_means_of_ratios();
    test_timer();
    return fw_test_summary();
}
