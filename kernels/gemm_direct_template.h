/* The direct path for one precision: a problem small enough that packing would cost more than
 * it saves runs on the calling thread, straight from the caller's arrays, through the direct
 * twin of the microkernel (fw_gemm_direct_fn), which handles edge tiles in registers. Included
 * by gemm_driver.c after gemm_driver_template.h, with FW_T and FW_NAME(x) defined.
 *
 * The plan guarantees rs_c == 1. B is read where it lies; A too when its rows are contiguous
 * (rs_a == 1), else it is packed once, as MR-tall panels, into a thread buffer. Columns outer:
 * an NR-wide block of B stays in L1 while the rows sweep A, and C is written down its columns
 * (measured faster than rows outer, up to 1.2x on shapes with large m). */

/* Rows [0, rows) x depth [0, k) of op(A) into a panel with leading dimension mr. Without a
 * unit row stride op(A) is A^T, whose rows are contiguous: four rows at a time keep both the
 * reads and the writes (four adjacent elements of a panel column) local. Rows past `rows` stay
 * unwritten, as the direct kernel never reads them. */
static void FW_NAME(direct_pack_a)(const FW_T *a, long rs, long cs, long rows, long k, long mr,
                                   FW_T *restrict dst)
{
    long i = 0;
    for (; i + 4 <= rows; i += 4) {
        const FW_T *r0 = a + i * rs, *r1 = r0 + rs, *r2 = r1 + rs, *r3 = r2 + rs;
        for (long p = 0; p < k; p++) {
            FW_T *d = dst + i + p * mr;
            d[0] = r0[p * cs];
            d[1] = r1[p * cs];
            d[2] = r2[p * cs];
            d[3] = r3[p * cs];
        }
    }
    for (; i < rows; i++)
        for (long p = 0; p < k; p++)
            dst[i + p * mr] = a[i * rs + p * cs];
}

void FW_NAME(gemm_direct)(const fw_gemm_problem *p, const fw_gemm_plan *plan)
{
    const fw_gemm_direct_fn kernel = plan->ukr->fn.direct;
    const long mr = plan->ukr->info.mr, nr = plan->ukr->info.nr;
    const long m = p->m, n = p->n, k = p->k, ldc = p->cs_c;
    const long rs_b = p->rs_b, cs_b = p->cs_b;
    const FW_T *A = p->a, *B = p->b;
    FW_T *C = p->c;
    long lda = p->cs_a, a_step = mr; /* A block i/mr at A + (i/mr) * a_step */
    if (p->rs_a != 1) {
        FW_T *panels = fw_thread_buffer(0, (size_t)((m + mr - 1) / mr) * mr * k * sizeof(FW_T));
        for (long i = 0; i < m; i += mr)
            FW_NAME(direct_pack_a)(A + i * p->rs_a, p->rs_a, p->cs_a, m - i < mr ? m - i : mr,
                                   k, mr, panels + (i / mr) * mr * k);
        A = panels;
        lda = mr;
        a_step = mr * k;
    }
    for (long j = 0; j < n; j += nr) {
        const long cols = n - j < nr ? n - j : nr;
        const FW_T *bj = B + j * cs_b;
        FW_T *cj = C + j * ldc;
        const FW_T *ai = A;
        for (long i = 0; i < m; i += mr, ai += a_step) {
            const long rows = m - i < mr ? m - i : mr;
            kernel(rows, cols, k, p->alpha, ai, lda, bj, rs_b, cs_b, p->beta, cj + i, ldc);
        }
    }
}
