#include "blas_call.h"

#include <stdio.h>

const char *trans_name(fw_trans t) { return t == FW_NO_TRANS ? "n" : "t"; }
const char *layout_name(fw_layout l) { return l == FW_ROW_MAJOR ? "row" : "col"; }

size_t call_elem_size(const blas_call *c) { return c->prec == FW_F64 ? sizeof(double) : sizeof(float); }

/* op(X) is rows x cols, stored with leading dimension ld: same rule as BLAS. */
static void strides(fw_layout layout, fw_trans t, int ld, long *rs, long *cs)
{
    int stored_as_op = (layout == FW_COL_MAJOR) == (t == FW_NO_TRANS);
    *rs = stored_as_op ? 1 : ld;
    *cs = stored_as_op ? ld : 1;
}

/* Leading dimension of a tightly stored op(X) of rows x cols. */
static int tight_ld(fw_layout layout, fw_trans t, int rows, int cols)
{
    int stored_rows = t == FW_NO_TRANS ? rows : cols;
    int stored_cols = t == FW_NO_TRANS ? cols : rows;
    return layout == FW_COL_MAJOR ? stored_rows : stored_cols;
}

void call_dims_get(const blas_call *c, call_dims *d)
{
    if (c->op == CALL_GEMM) {
        d->lda = tight_ld(c->layout, c->ta, c->m, c->k);
        d->ldb = tight_ld(c->layout, c->tb, c->k, c->n);
        d->ldc = c->layout == FW_COL_MAJOR ? c->m : c->n;
        d->a_len = (size_t)c->m * (size_t)c->k;
        d->b_len = (size_t)c->k * (size_t)c->n;
        d->c_len = (size_t)c->m * (size_t)c->n;
        strides(c->layout, c->ta, d->lda, &d->rs_a, &d->cs_a);
        strides(c->layout, c->tb, d->ldb, &d->rs_b, &d->cs_b);
        strides(c->layout, FW_NO_TRANS, d->ldc, &d->rs_c, &d->cs_c);
        d->rows = c->m;
        d->cols = c->n;
        d->depth = c->k;
        return;
    }
    /* GEMV: op(A) is ylen x xlen. */
    int ylen = c->ta == FW_NO_TRANS ? c->m : c->n;
    int xlen = c->ta == FW_NO_TRANS ? c->n : c->m;
    d->lda = c->layout == FW_COL_MAJOR ? c->m : c->n;
    d->ldb = d->ldc = 1;
    d->a_len = (size_t)c->m * (size_t)c->n;
    d->b_len = (size_t)xlen;
    d->c_len = (size_t)ylen;
    /* Strides of op(A) follow from A's storage and the transpose. */
    strides(c->layout, c->ta, d->lda, &d->rs_a, &d->cs_a);
    d->rs_b = 1;
    d->cs_b = 0;
    d->rs_c = 1;
    d->cs_c = 0;
    d->rows = ylen;
    d->cols = 1;
    d->depth = xlen;
}

double call_flops(const blas_call *c)
{
    double f = 2.0 * c->m * (double)c->n;
    return c->op == CALL_GEMM ? f * c->k : f;
}

double call_bytes(const blas_call *c)
{
    if (c->op != CALL_GEMV)
        return 0;
    call_dims d;
    call_dims_get(c, &d);
    double elems = (double)d.a_len + (double)d.b_len + (double)d.c_len * (c->beta != 0 ? 2 : 1);
    return elems * (double)call_elem_size(c);
}

void call_describe(const blas_call *c, char *buf, size_t len)
{
    char p = c->prec == FW_F64 ? 'd' : 's';
    if (c->op == CALL_GEMM)
        snprintf(buf, len, "%cgemm %s %s%s %dx%dx%d", p, layout_name(c->layout),
                 trans_name(c->ta), trans_name(c->tb), c->m, c->n, c->k);
    else
        snprintf(buf, len, "%cgemv %s %s %dx%d", p, layout_name(c->layout), trans_name(c->ta),
                 c->m, c->n);
}
