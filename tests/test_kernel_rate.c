/* The microkernel rate measurement (bench/kernel_rate.c): its check accepts a right block
 * and refuses a wrong one, and a measurement of every GEMM kernel this CPU runs passes it.
 * No timing is asserted: rates belong to `flopwatt kernels --rate`. */
#include <math.h>
#include <stdlib.h>

#include "flopwatt.h"
#include "kernel_rate.h"
#include "testlib.h"

/* C = A * B from packed panels, in plain loops. */
static void reference_block(int mr, int nr, long mc, long kc, long nc, const double *a,
                            const double *b, double *c)
{
    for (long j = 0; j < nc; j++)
        for (long i = 0; i < mc; i++) {
            double sum = 0;
            for (long p = 0; p < kc; p++)
                sum += a[i / mr * mr * kc + p * mr + i % mr] * b[j / nr * nr * kc + p * nr + j % nr];
            c[i + j * mc] = sum;
        }
}

static void test_check(void)
{
    const int mr = 8, nr = 4;
    const long mc = 24, kc = 50, nc = 12;
    double *a = malloc(sizeof(double) * (size_t)(mc * kc));
    double *b = malloc(sizeof(double) * (size_t)(kc * nc));
    double *c = malloc(sizeof(double) * (size_t)(mc * nc));
    if (!CHECK(a && b && c, "memory"))
        return;
    for (long i = 0; i < mc * kc; i++)
        a[i] = sin((double)i);
    for (long i = 0; i < kc * nc; i++)
        b[i] = cos((double)i);
    reference_block(mr, nr, mc, kc, nc, a, b, c);
    double ok = kernel_rate_check(mr, nr, sizeof(double), mc, kc, nc, a, b, c);
    CHECK(ok <= 1, "a right block passes: %g of the bound", ok);
    for (long i = 0; i < mc * nc; i++)
        c[i] *= 1 + 1e-9;
    double off = kernel_rate_check(mr, nr, sizeof(double), mc, kc, nc, a, b, c);
    CHECK(off > 1, "a block off by 1e-9 relative fails: %g of the bound", off);
    reference_block(mr, nr, mc, kc, nc, a, b, c);
    for (long i = 0; i < mc * nc; i++)
        c[i] = NAN;
    CHECK(isinf(kernel_rate_check(mr, nr, sizeof(double), mc, kc, nc, a, b, c)), "NaN fails");
    free(a);
    free(b);
    free(c);
}

static void test_measure(void)
{
    char why[200];
    int measured = 0;
    for (int i = 0; i < fw_kernel_count(); i++) {
        const fw_kernel_info *k = fw_kernel_at(i);
        kernel_rate r = {0};
        int rc = kernel_rate_measure(i, KERNEL_RATE_BLOCK, 2 * k->mr + 1, 17, 3 * k->nr - 1,
                                     1e-3, &r, why, sizeof why);
        if (k->kind != FW_KIND_GEMM || !fw_kernel_supported(i)) {
            CHECK(rc == -1 && why[0], "%s refused: %s", k->name, why);
            continue;
        }
        measured++;
        CHECK(rc == 0 && r.gflops > 0 && r.samples >= 5 && r.mc == 2 * k->mr && r.kc == 17 &&
                  r.nc == 2 * k->nr,
              "%s: block of %ld x %ld x %ld at %g GFLOP/s: %s", k->name, r.mc, r.kc, r.nc,
              r.gflops, rc ? why : "");
        rc = kernel_rate_measure(i, KERNEL_RATE_PANELS, 0, 5, 0, 1e-3, &r, why, sizeof why);
        CHECK(rc == 0 && r.mc == k->mr && r.nc == k->nr, "%s: panels: %s", k->name,
              rc ? why : "");
        CHECK(kernel_rate_measure(i, KERNEL_RATE_BLOCK, k->mr - 1, 8, k->nr, 1e-3, &r, why,
                                  sizeof why) == -1,
              "%s: an MC below MR is refused", k->name);
    }
    CHECK(measured > 0, "some GEMM kernel runs here");
}

int main(void)
{
    test_check();
    test_measure();
    return fw_test_summary();
}
