/* The benchmark's result checks (bench/verify.c): a correct result passes whatever the
 * layout, transposes, scalars and number of accumulated calls, and a wrong one (one entry
 * off, NaN, beta ignored, a missing tile) fails, so the benchmarks never report the speed
 * of a wrong answer. */
#include <math.h>
#include <string.h>

#include "testlib.h"

#include "../bench/blas_call.h"
#include "../bench/operands.h"
#include "../bench/verify.h"

static double get(const blas_call *c, const void *x, long i)
{
    return c->prec == FW_F64 ? ((const double *)x)[i] : (double)((const float *)x)[i];
}

static void put(const blas_call *c, void *x, long i, double v)
{
    if (c->prec == FW_F64)
        ((double *)x)[i] = v;
    else
        ((float *)x)[i] = (float)v;
}

/* out[i] = ncalls applications of the call to C0 (or from NaN-free zero when beta == 0),
 * computed plainly in double. */
static void compute(const blas_call *c, operands *o, int i, int ncalls)
{
    const call_dims *d = &o->dims;
    for (int row = 0; row < d->rows; row++)
        for (int col = 0; col < d->cols; col++) {
            long ci = row * d->rs_c + (long)col * d->cs_c;
            double dot = 0;
            for (int p = 0; p < d->depth; p++)
                dot += get(c, o->a, row * d->rs_a + p * d->cs_a) *
                       get(c, o->b, p * d->rs_b + (long)col * d->cs_b);
            double v = o->c0 ? get(c, o->c0, ci) : 0;
            for (int t = 0; t < ncalls; t++)
                v = c->beta == 0 ? c->alpha * dot : c->beta * v + c->alpha * dot;
            put(c, o->out[i], ci, v);
        }
}

static void check_call(blas_call c)
{
    char desc[96], msg[200];
    call_describe(&c, desc, sizeof desc);
    operands o;
    if (!CHECK(operands_alloc(&o, &c, 2, msg, sizeof msg) == 0, "%s: %s", desc, msg))
        return;
    int ncalls = c.beta != 0 ? 3 : 1;
    compute(&c, &o, 0, ncalls);
    compute(&c, &o, 1, ncalls);
    verify_result r;
    verify_sample(&c, &o, 0, ncalls, 50, &r);
    CHECK(r.ok && r.checked > 0, "%s: a correct result fails the sample check (%g)", desc, r.worst);
    verify_cross(&c, &o, 0, 1, &r);
    CHECK(r.ok, "%s: two correct results disagree (%g)", desc, r.worst);

    /* One entry off by far more than rounding can explain (the worst-case bound of a
     * 300-term float dot product is ~1e-3 of its terms' sum). The sample covers corners,
     * so put it at the last entry. */
    const call_dims *d = &o.dims;
    long last = (d->rows - 1) * d->rs_c + (long)(d->cols - 1) * d->cs_c;
    double v = get(&c, o.out[1], last);
    put(&c, o.out[1], last, v + (c.prec == FW_F32 ? 0.05 : 1e-6) * (fabs(v) + 1));
    verify_sample(&c, &o, 1, ncalls, 50, &r);
    CHECK(!r.ok && r.row == d->rows - 1 && r.col == d->cols - 1,
          "%s: a wrong corner entry passes the sample check", desc);
    if (c.beta == 0) {
        verify_cross(&c, &o, 0, 1, &r);
        CHECK(!r.ok, "%s: a wrong entry passes the cross check", desc);
        verify_init(&r);
        verify_entry(&c, &o, 1, ncalls, d->rows - 1, d->cols - 1, &r);
        CHECK(!r.ok, "%s: a wrong entry passes the reference at that entry", desc);
    }
    /* NaN anywhere the sample looks. */
    put(&c, o.out[1], last, NAN);
    verify_sample(&c, &o, 1, ncalls, 50, &r);
    CHECK(!r.ok, "%s: NaN passes the sample check", desc);
    /* A result of the wrong number of calls (beta applied once too few). */
    if (c.beta != 0 && c.beta != 1) {
        compute(&c, &o, 1, ncalls - 1);
        verify_sample(&c, &o, 1, ncalls, 50, &r);
        CHECK(!r.ok, "%s: a result with beta applied too few times passes", desc);
    }
    /* A zeroed block (a skipped tile) in the middle. */
    compute(&c, &o, 1, ncalls);
    for (int row = d->rows / 2; row < d->rows && row < d->rows / 2 + 4; row++)
        put(&c, o.out[1], row * d->rs_c + (long)(d->cols / 2) * d->cs_c, 0);
    verify_sample(&c, &o, 1, ncalls, 50, &r);
    CHECK(!r.ok, "%s: a zeroed block in the middle passes the sample check", desc);
    operands_free(&o);
}

static void test_operands(void)
{
    blas_call c = {CALL_GEMM, FW_F64, FW_COL_MAJOR, FW_NO_TRANS, FW_NO_TRANS, 5, 4, 3, 1, 0, 1};
    operands o;
    char msg[200];
    CHECK(operands_alloc(&o, &c, 1, msg, sizeof msg) == 0 && !o.c0, "beta == 0: no C0");
    CHECK(isnan(((double *)o.out[0])[0]) && isnan(((double *)o.out[0])[19]),
          "beta == 0: outputs start as NaN so reading C shows");
    int in_range = 1;
    for (size_t i = 0; i < o.dims.a_len; i++)
        in_range &= fabs(((double *)o.a)[i]) <= 1;
    CHECK(in_range, "A in [-1, 1]");
    operands_free(&o);
    c.m = c.n = c.k = 2000000000;
    CHECK(operands_fit(&c, 1, msg, sizeof msg) == -1 && strstr(msg, "GiB"),
          "a huge shape does not fit: %s", msg);
    c = (blas_call){CALL_GEMV, FW_F32, FW_ROW_MAJOR, FW_TRANS, FW_NO_TRANS, 7, 3, 1, 1, 1, 1};
    call_dims d;
    call_dims_get(&c, &d);
    CHECK(d.lda == 3 && d.b_len == 7 && d.c_len == 3 && d.rows == 3 && d.depth == 7,
          "row-major GEMV^T dims: lda %d x %zu y %zu", d.lda, d.b_len, d.c_len);
    CHECK(call_flops(&c) == 42 && call_bytes(&c) == (21 + 7 + 2 * 3) * 4.0,
          "GEMV flops %g bytes %g", call_flops(&c), call_bytes(&c));
}

int main(void)
{
    test_operands();
    static const fw_trans tr[] = {FW_NO_TRANS, FW_TRANS};
    static const fw_layout ly[] = {FW_COL_MAJOR, FW_ROW_MAJOR};
    for (int p = 0; p < 2; p++)
        for (int l = 0; l < 2; l++)
            for (int a = 0; a < 2; a++) {
                fw_precision prec = p ? FW_F64 : FW_F32;
                for (int b = 0; b < 2; b++) {
                    check_call((blas_call){CALL_GEMM, prec, ly[l], tr[a], tr[b], 37, 23, 61, 1, 0, 1});
                    check_call((blas_call){CALL_GEMM, prec, ly[l], tr[a], tr[b], 17, 40, 300, -0.5, 0.75, 1});
                }
                check_call((blas_call){CALL_GEMV, prec, ly[l], tr[a], FW_NO_TRANS, 45, 33, 1, 2, 0, 1});
                check_call((blas_call){CALL_GEMV, prec, ly[l], tr[a], FW_NO_TRANS, 45, 33, 1, 1, -0.5, 1});
            }
    return fw_test_summary();
}
