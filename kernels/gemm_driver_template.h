/* The BLIS five-loop GEMM driver for one precision; included by gemm_driver.c with FW_T (the
 * element type) and FW_NAME(x) (adds the precision's prefix) defined.
 *
 *   jc: NC columns of C and B    -- split over jc_ways thread groups
 *    pc: KC of the k dimension   -- never split (it would need a reduction on C)
 *     pack B (KC x NC) into NR-wide micro-panels, shared by the jc group
 *     ic: MC rows of C and A     -- split over ic_ways sub-groups
 *      pack A (MC x KC) into MR-tall micro-panels, shared by the ic sub-group
 *      jr: NR columns            -- split over jr_ways threads
 *       ir: MR rows -> microkernel
 *
 * The caller has handled k == 0 and alpha == 0, so every pass runs the microkernel.
 * Every thread walks the same number of jc and ic iterations (idle where its range is
 * exhausted) so that OpenMP team barriers separate packing from computing. */

/* Rows of the source that run along the depth (B not transposed, A transposed) make packing
 * a transpose; element by element it was 2 cycles an element, most of the packing's time. One
 * FW_PACK_L x FW_PACK_L block (16 bytes a row, so any ISA's vectors hold it): row r of the
 * source, src[r*s_i + t], goes to dst[t*ld_d + r]. */
typedef FW_T FW_NAME(pack_row) __attribute__((vector_size(16)));
static inline void FW_NAME(pack_transpose_block)(const FW_T *restrict src, long s_i,
                                                 FW_T *restrict dst, long ld_d)
{
    FW_NAME(pack_row) r[FW_PACK_L], o[FW_PACK_L];
    for (int i = 0; i < FW_PACK_L; i++)
        memcpy(&r[i], src + i * s_i, sizeof r[i]);
#if FW_PACK_L == 4
    FW_NAME(pack_row) lo01 = __builtin_shufflevector(r[0], r[1], 0, 4, 1, 5);
    FW_NAME(pack_row) hi01 = __builtin_shufflevector(r[0], r[1], 2, 6, 3, 7);
    FW_NAME(pack_row) lo23 = __builtin_shufflevector(r[2], r[3], 0, 4, 1, 5);
    FW_NAME(pack_row) hi23 = __builtin_shufflevector(r[2], r[3], 2, 6, 3, 7);
    o[0] = __builtin_shufflevector(lo01, lo23, 0, 1, 4, 5);
    o[1] = __builtin_shufflevector(lo01, lo23, 2, 3, 6, 7);
    o[2] = __builtin_shufflevector(hi01, hi23, 0, 1, 4, 5);
    o[3] = __builtin_shufflevector(hi01, hi23, 2, 3, 6, 7);
#elif FW_PACK_L == 2
    o[0] = __builtin_shufflevector(r[0], r[1], 0, 2);
    o[1] = __builtin_shufflevector(r[0], r[1], 1, 3);
#else
#error "FW_PACK_L must be 16 bytes / sizeof(FW_T): 4 or 2"
#endif
    for (int t = 0; t < FW_PACK_L; t++)
        memcpy(dst + t * ld_d, &o[t], sizeof o[t]);
}

/* With unit s_i each depth step of pack_panels reads one run of the source a stride apart,
 * mostly in a new page, where the hardware prefetchers do not follow: the run
 * FW_PACK_RUNS_AHEAD steps on is prefetched. sgemm 4096x16x4096, whose time is mostly packing
 * A from memory, went from 44-46 to 47-49 GFLOP/s (Zen 3, 1 thread; 47-49 from 4 to 32 steps
 * ahead). */
#ifndef FW_PACK_RUNS_AHEAD
#define FW_PACK_RUNS_AHEAD 8
#endif

/* Packs a len x depth operand, element (i, p) at src[i*s_i + p*s_p], into w-wide
 * micro-panels: panel q holds rows [q*w, q*w + w) depth-major, rows past len zero, so the
 * microkernel can run full tiles. A packs as rows x k into MR panels, B as columns x k into
 * NR panels. Panels [first, last) only.
 * The loop order follows the source: with unit s_i every depth step reads one contiguous
 * run across all the panels (one long stream, not many short ones a page apart); otherwise
 * each panel reads its w rows side by side, w streams along the depth. */
static void FW_NAME(pack_panels)(const FW_T *restrict src, long s_i, long s_p, long len,
                                 long depth, int w, long first, long last, FW_T *restrict dst)
{
    if (s_i == 1) {
        for (long p = 0; p < depth; p++) {
            const FW_T *run = src + p * s_p;
            const long line = FW_LINE_BYTES / (long)sizeof(FW_T);
            if (p + FW_PACK_RUNS_AHEAD < depth)
                for (long i = first * w; i < last * w && i < len; i += line)
                    __builtin_prefetch(run + FW_PACK_RUNS_AHEAD * s_p + i);
            for (long q = first; q < last; q++) {
                long i0 = q * w, rows = len - i0 < w ? len - i0 : w;
                FW_T *d = dst + (q * depth + p) * w;
                long i = 0;
                for (; i < rows; i++)
                    d[i] = run[i0 + i];
                for (; i < w; i++)
                    d[i] = 0;
            }
        }
        return;
    }
    for (long q = first; q < last; q++) {
        long i0 = q * w, rows = len - i0 < w ? len - i0 : w;
        const FW_T *s = src + i0 * s_i;
        FW_T *d = dst + q * depth * w;
        long p = 0;
        if (s_p == 1) /* each row runs along the depth: transpose square blocks */
            for (; p + FW_PACK_L <= depth; p += FW_PACK_L) {
                long i = 0;
                for (; i + FW_PACK_L <= rows; i += FW_PACK_L)
                    FW_NAME(pack_transpose_block)(s + i * s_i + p, s_i, d + p * w + i, w);
                for (; i < w; i++)
                    for (int t = 0; t < FW_PACK_L; t++)
                        d[(p + t) * w + i] = i < rows ? s[i * s_i + p + t] : 0;
            }
        for (; p < depth; p++) {
            long i = 0;
            for (; i < rows; i++)
                d[p * w + i] = s[i * s_i + p * s_p];
            for (; i < w; i++)
                d[p * w + i] = 0;
        }
    }
}

/* C = beta*C + T on an m x n corner of C with any strides; beta == 0 does not read C. */
static void FW_NAME(merge_tile)(const FW_T *t, int ldt, long m, long n, FW_T beta, FW_T *c,
                                long rs_c, long cs_c)
{
    for (long j = 0; j < n; j++)
        for (long i = 0; i < m; i++) {
            FW_T *x = c + i * rs_c + j * cs_c;
            *x = beta == 0 ? t[i + j * ldt] : beta * *x + t[i + j * ldt];
        }
}

/* Part [lo, hi) of [0, len) for member `who` of `ways`, boundaries on multiples of `unit`. */
static void FW_NAME(split)(long len, long unit, int ways, int who, long *lo, long *hi)
{
    long units = (len + unit - 1) / unit;
    long per = units / ways, extra = units % ways;
    long u0 = who * per + (who < extra ? who : extra);
    long u1 = u0 + per + (who < extra);
    *lo = u0 * unit < len ? u0 * unit : len;
    *hi = u1 * unit < len ? u1 * unit : len;
}

static void FW_NAME(gemm_thread)(const fw_gemm_problem *p, const fw_gemm_plan *pl, int tid,
                                 FW_T **shared_a, FW_T **shared_b)
{
    const int mr = pl->ukr->info.mr, nr = pl->ukr->info.nr;
    const fw_gemm_ukr_fn ukr = pl->ukr->fn.gemm;
    const fw_gemm_direct_fn direct = pl->ukr->fn.direct;
    const FW_T *A = p->a, *B = p->b;
    FW_T *C = p->c;
    const FW_T alpha = *(const FW_T *)p->alpha, beta = *(const FW_T *)p->beta;
    const FW_T zero = 0, one = 1;
    const int team = pl->jc_ways * pl->ic_ways * pl->jr_ways;
    const int in_jc = pl->ic_ways * pl->jr_ways; /* threads per jc group */
    const int jc_id = tid / in_jc, ic_id = (tid % in_jc) / pl->jr_ways, jr_id = tid % pl->jr_ways;
    const int jc_leader = tid - tid % in_jc, ic_leader = tid - jr_id;
    const long mc = pl->mc, kc = pl->kc, nc = pl->nc;
    /* C(i, j) with unit row stride goes straight to the microkernel (edge tiles to its direct
     * twin); otherwise via a tile. */
    const int c_direct = p->rs_c == 1;
    FW_T tile[FW_MAX_TILE] __attribute__((aligned(64)));

    long j_lo, j_hi, i_lo, i_hi;
    FW_NAME(split)(p->n, nr, pl->jc_ways, jc_id, &j_lo, &j_hi);
    FW_NAME(split)(p->m, mr, pl->ic_ways, ic_id, &i_lo, &i_hi);
    const long jc_trips = (fw_largest_share(p->n, nr, pl->jc_ways) + nc - 1) / nc;
    const long ic_trips = (fw_largest_share(p->m, mr, pl->ic_ways) + mc - 1) / mc;

    /* The leader of each group owns the group's packed buffer; the first barrier publishes it. */
    if (pl->pack_b && tid == jc_leader)
        shared_b[jc_id] = fw_thread_buffer(1, (size_t)kc * ((nc + nr - 1) / nr * nr) * sizeof(FW_T));
    if (tid == ic_leader)
        shared_a[tid / pl->jr_ways] = fw_thread_buffer(0, (size_t)kc * ((mc + mr - 1) / mr * mr) * sizeof(FW_T));
    if (team > 1) {
#pragma omp barrier
    }
    FW_T *bbuf = pl->pack_b ? shared_b[jc_id] : NULL;
    FW_T *abuf = shared_a[tid / pl->jr_ways];

    for (long jt = 0; jt < jc_trips; jt++) {
        long jc = j_lo + jt * nc;
        long ncur = jc < j_hi ? (j_hi - jc < nc ? j_hi - jc : nc) : 0;
        long npanels = (ncur + nr - 1) / nr;
        for (long pc = 0; pc < p->k; pc += kc) {
            long kcur = p->k - pc < kc ? p->k - pc : kc;
            /* Beta applies on the first pass over k only; later passes accumulate. */
            const FW_T *beta_now = pc == 0 ? &beta : &one;
            if (pl->pack_b) {
                long first, last;
                FW_NAME(split)(npanels, 1, in_jc, tid - jc_leader, &first, &last);
                FW_NAME(pack_panels)(B + pc * p->rs_b + jc * p->cs_b, p->cs_b, p->rs_b, ncur,
                                     kcur, nr, first, last, bbuf);
                if (team > 1) {
#pragma omp barrier
                }
            }
            for (long it = 0; it < ic_trips; it++) {
                long ic = i_lo + it * mc;
                long mcur = ic < i_hi ? (i_hi - ic < mc ? i_hi - ic : mc) : 0;
                long mpanels = (mcur + mr - 1) / mr;
                long first, last;
                FW_NAME(split)(mpanels, 1, pl->jr_ways, jr_id, &first, &last);
                FW_NAME(pack_panels)(A + ic * p->rs_a + pc * p->cs_a, p->rs_a, p->cs_a, mcur, kcur,
                                     mr, first, last, abuf);
                if (team > 1) {
#pragma omp barrier
                }
                long jr_first, jr_last;
                FW_NAME(split)(npanels, 1, pl->jr_ways, jr_id, &jr_first, &jr_last);
                for (long jp = jr_first; jp < jr_last; jp++) {
                    long j = jc + jp * nr, ncols = j_hi - j < nr ? j_hi - j : nr;
                    const FW_T *bpanel;
                    long brs, bcs;
                    if (pl->pack_b) {
                        bpanel = bbuf + jp * nr * kcur;
                        brs = nr;
                        bcs = 1;
                    } else {
                        bpanel = B + pc * p->rs_b + j * p->cs_b;
                        brs = p->rs_b;
                        bcs = p->cs_b;
                        if (ncols < nr && !c_direct) {
                            /* The microkernel reads NR columns: copy a partial panel. (With
                             * C in place, edge tiles go to the twin, which reads ncols.) */
                            FW_T *edge = fw_thread_buffer(1, (size_t)kcur * nr * sizeof(FW_T));
                            FW_NAME(pack_panels)(bpanel, bcs, brs, ncols, kcur, nr, 0, 1, edge);
                            bpanel = edge;
                            brs = nr;
                            bcs = 1;
                        }
                    }
                    for (long ip = 0; ip < mpanels; ip++) {
                        long i = ic + ip * mr, nrows = mcur - ip * mr < mr ? mcur - ip * mr : mr;
                        const FW_T *apanel = abuf + ip * mr * kcur;
                        FW_T *cij = C + i * p->rs_c + j * p->cs_c;
                        if (c_direct && nrows == mr && ncols == nr) {
                            ukr(kcur, &alpha, apanel, bpanel, brs, bcs, beta_now, cij, p->cs_c);
                        } else if (c_direct) {
                            /* An edge tile: the twin runs only the vectors and quarters of
                             * columns it covers, and stores straight to C. */
                            direct(nrows, ncols, kcur, &alpha, apanel, mr, bpanel, brs, bcs,
                                   beta_now, cij, p->cs_c);
                        } else {
                            ukr(kcur, &alpha, apanel, bpanel, brs, bcs, &zero, tile, mr);
                            FW_NAME(merge_tile)(tile, mr, nrows, ncols, *beta_now, cij, p->rs_c,
                                                p->cs_c);
                        }
                    }
                }
                /* Nobody repacks A while a sibling still reads it. */
                if (team > 1) {
#pragma omp barrier
                }
            }
        }
    }
}

void FW_NAME(gemm_run)(const fw_gemm_problem *p, const fw_gemm_plan *plan)
{
    int team = plan->jc_ways * plan->ic_ways * plan->jr_ways;
    if (team <= 1) {
        FW_T *a_slot[1], *b_slot[1];
        FW_NAME(gemm_thread)(p, plan, 0, a_slot, b_slot);
        return;
    }
    FW_T *a_slots[team], *b_slots[team];
    fw_gemm_plan pl = *plan;
    const int home = fw_pin_home(pl.bind);
#pragma omp parallel num_threads(team) shared(pl)
    {
        /* The runtime may grant fewer threads than asked (thread limits, dynamic teams):
         * then the granted team runs every way over the ic loop. */
        int got = omp_get_num_threads();
        fw_gemm_plan mine = pl;
        if (got != team) {
            mine.jc_ways = 1;
            mine.ic_ways = got;
            mine.jr_ways = 1;
        }
        fw_pin_thread(omp_get_thread_num(), got, pl.bind, home);
        FW_NAME(gemm_thread)(p, &mine, omp_get_thread_num(), a_slots, b_slots);
    }
}

/* C = beta*C, for alpha == 0 or k == 0; beta == 0 writes zeros without reading C. */
void FW_NAME(gemm_scale_c)(const fw_gemm_problem *p)
{
    const FW_T beta = *(const FW_T *)p->beta;
    FW_T *c = p->c;
    for (long j = 0; j < p->n; j++)
        for (long i = 0; i < p->m; i++) {
            FW_T *x = c + i * p->rs_c + j * p->cs_c;
            *x = beta == 0 ? 0 : beta * *x;
        }
}
