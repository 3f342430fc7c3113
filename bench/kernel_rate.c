#include "kernel_rate.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw_internal.h"
#include "sampler.h"
#include "stats.h"

#define MAX_SAMPLES 200
#define CHECKED_ENTRIES 64

typedef struct rate_run {
    fw_gemm_ukr_fn ukr;
    int mr, nr;
    size_t esz;
    long mc, kc, nc;     /* block: A is mc x kc, B kc x nc, C mc x nc with ldc = mc */
    void *a, *b, *c;     /* packed panels, C column-major */
    double alpha, beta;  /* as the precision's type below */
    float alpha_f, beta_f;
} rate_run;

/* The driver's two inner loops (jr over B's panels, ir over A's), one block. */
static int run_block(void *arg)
{
    const rate_run *r = arg;
    const void *alpha = r->esz == 4 ? (const void *)&r->alpha_f : (const void *)&r->alpha;
    const void *beta = r->esz == 4 ? (const void *)&r->beta_f : (const void *)&r->beta;
    for (long j = 0; j < r->nc; j += r->nr)
        for (long i = 0; i < r->mc; i += r->mr)
            r->ukr(r->kc, alpha, (const char *)r->a + (size_t)(i * r->kc) * r->esz,
                   (const char *)r->b + (size_t)(j * r->kc) * r->esz, r->nr, 1, beta,
                   (char *)r->c + (size_t)(i + j * r->mc) * r->esz, r->mc);
    return 0;
}

/* Uniform in [-1, 1), from a fixed seed: the check's bound depends on |a| and |b| only. */
static double next_value(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / (double)(1ULL << 52) - 1.0;
}

static void fill(void *p, size_t n, size_t esz, uint64_t *s)
{
    for (size_t i = 0; i < n; i++) {
        if (esz == 4)
            ((float *)p)[i] = (float)next_value(s);
        else
            ((double *)p)[i] = next_value(s);
    }
}

static double element(const void *p, size_t i, size_t esz)
{
    return esz == 4 ? (double)((const float *)p)[i] : ((const double *)p)[i];
}

double kernel_rate_check(int mr, int nr, size_t esz, long mc, long kc, long nc, const void *a,
                         const void *b, const void *c)
{
    const double eps = esz == 4 ? FLT_EPSILON : DBL_EPSILON;
    uint64_t s = 7;
    double worst = 0;
    for (int e = 0; e < CHECKED_ENTRIES; e++) {
        long i = (long)((next_value(&s) + 1) / 2 * (double)mc);
        long j = (long)((next_value(&s) + 1) / 2 * (double)nc);
        i = i < mc ? i : mc - 1;
        j = j < nc ? j : nc - 1;
        /* Packed A: panel i / MR, row i % MR, depth p at panel + p * MR; B likewise. */
        size_t ia = (size_t)(i / mr * mr * kc + i % mr);
        size_t jb = (size_t)(j / nr * nr * kc + j % nr);
        long double sum = 0, mag = 0;
        for (long p = 0; p < kc; p++) {
            double x = element(a, ia + (size_t)(p * mr), esz);
            double y = element(b, jb + (size_t)(p * nr), esz);
            sum += (long double)x * y;
            mag += fabsl((long double)x * y);
        }
        double got = element(c, (size_t)(i + j * mc), esz);
        double bound = (double)kc * eps * (double)mag + DBL_MIN;
        double err = fabs(got - (double)sum) / bound;
        if (!(err <= worst)) /* NaN counts as the worst */
            worst = isnan(err) ? INFINITY : err;
    }
    return worst;
}

int kernel_rate_measure(int idx, kernel_rate_placement where, long mc, long kc, long nc,
                        double seconds, kernel_rate *out, char *why, size_t wlen)
{
    const fw_kernel *k = fw_kernel_get(idx);
    if (!k || k->info.kind != FW_KIND_GEMM || !fw_kernel_supported(idx)) {
        snprintf(why, wlen, "kernel %d is not a GEMM kernel this CPU runs", idx);
        return -1;
    }
    rate_run r = {.ukr = k->fn.gemm, .mr = k->info.mr, .nr = k->info.nr,
                  .esz = k->info.prec == FW_F32 ? 4 : 8, .kc = kc, .alpha = 1, .alpha_f = 1};
    r.mc = where == KERNEL_RATE_PANELS ? r.mr : mc / r.mr * r.mr;
    r.nc = where == KERNEL_RATE_PANELS ? r.nr : nc / r.nr * r.nr;
    if (kc < 1 || r.mc < 1 || r.nc < 1) {
        snprintf(why, wlen, "%s: MC %ld, KC %ld, NC %ld hold no %dx%d tile", k->info.name, mc,
                 kc, nc, r.mr, r.nr);
        return -1;
    }
    const size_t na = (size_t)(r.mc * kc), nb = (size_t)(kc * r.nc), ncc = (size_t)(r.mc * r.nc);
    r.a = aligned_alloc(64, (na * r.esz + 63) / 64 * 64);
    r.b = aligned_alloc(64, (nb * r.esz + 63) / 64 * 64);
    r.c = aligned_alloc(64, (ncc * r.esz + 63) / 64 * 64);
    double *times = malloc(MAX_SAMPLES * sizeof *times);
    int rc = -1;
    if (!r.a || !r.b || !r.c || !times) {
        snprintf(why, wlen, "%s: no memory for a %ld x %ld x %ld block", k->info.name, r.mc, kc,
                 r.nc);
        goto done;
    }
    uint64_t s = 1;
    fill(r.a, na, r.esz, &s);
    fill(r.b, nb, r.esz, &s);
    run_block(&r); /* beta = 0: C is written, not read */
    double err = kernel_rate_check(r.mr, r.nr, r.esz, r.mc, kc, r.nc, r.a, r.b, r.c);
    if (!(err <= 1)) {
        snprintf(why, wlen, "%s: wrong result, error %.3g times the bound", k->info.name, err);
        goto done;
    }
    /* Timed with beta = 1, as the driver's passes after the first over k: C is read too. */
    r.beta = 1;
    r.beta_f = 1;
    sampler_task task = {.run = run_block, .arg = &r};
    sampler_opts o = {.warmups = 2, .min_samples = 5, .max_samples = MAX_SAMPLES,
                      .min_batch_s = 1e-3, .min_total_s = seconds};
    int n = sampler_run(&task, 1, &o, &times);
    if (n < 1) {
        snprintf(why, wlen, "%s: the timing loop failed", k->info.name);
        goto done;
    }
    out->gflops = 2.0 * (double)r.mc * (double)r.nc * (double)kc / stats_median(times, n) * 1e-9;
    out->samples = n;
    out->mc = r.mc;
    out->kc = kc;
    out->nc = r.nc;
    rc = 0;
done:
    free(r.a);
    free(r.b);
    free(r.c);
    free(times);
    return rc;
}
