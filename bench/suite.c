#include "suite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const class_names[] = {"square", "small", "skinny", "gemv"};

/* Log-spaced from 16 to 4096; the quick subset keeps a point per decade of cache level. */
static const int square_full[] = {16, 32, 64, 128, 256, 512, 1024, 2048, 4096};
static const int square_quick[] = {64, 256, 1024};
/* m x n x k: the core library's skinny targets; small cubes below the packing break-even. */
static const int skinny_full[][3] = {{4096, 4096, 16}, {16, 4096, 4096}, {4096, 16, 4096},
                                     {5000, 64, 64}};
static const int skinny_quick[][3] = {{4096, 4096, 16}, {4096, 16, 4096}};
static const int small_full[] = {8, 16, 24, 32, 48, 64};
static const int small_quick[] = {8, 32};
static const int gemv_full[] = {256, 512, 1024, 2048, 4096, 8192};
static const int gemv_quick[] = {1024, 4096};

#define LEN(a) (int)(sizeof(a) / sizeof((a)[0]))

int suite_parse_classes(const char *list)
{
    int bits = 0;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        int found = -1;
        for (int i = 0; i < LEN(class_names); i++)
            if (strlen(class_names[i]) == n && strncmp(p, class_names[i], n) == 0)
                found = i;
        if (found < 0)
            return -1;
        bits |= 1 << found;
        p += n;
        if (*p == ',' && *++p == '\0')
            return -1; /* trailing comma */
    }
    return bits ? bits : -1;
}

typedef struct {
    suite_config *v;
    int n, cap;
} config_list;

static int add(config_list *l, const char *cls, call_op op, fw_precision p, fw_trans ta,
               int m, int n, int k, int threads)
{
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 64;
        suite_config *v = realloc(l->v, (size_t)cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    suite_config *c = &l->v[l->n++];
    memset(c, 0, sizeof *c);
    c->shape_class = cls;
    c->call = (blas_call){.op = op, .prec = p, .layout = FW_COL_MAJOR, .ta = ta,
                          .tb = FW_NO_TRANS, .m = m, .n = n, .k = op == CALL_GEMM ? k : 1,
                          .alpha = 1, .beta = 0, .threads = threads};
    char pc = p == FW_F64 ? 'd' : 's';
    if (op == CALL_GEMM)
        snprintf(c->name, sizeof c->name, "%cgemm_col_%s%s_%dx%dx%d_t%d", pc,
                 trans_name(ta), trans_name(FW_NO_TRANS), m, n, k, threads);
    else
        snprintf(c->name, sizeof c->name, "%cgemv_col_%s_%dx%d_t%d", pc, trans_name(ta), m, n,
                 threads);
    return 0;
}

int suite_build(const suite_opts *o, suite_config **out, char *why, size_t len)
{
    config_list l = {0};
    int nsq = o->nsquare ? o->nsquare : o->quick ? LEN(square_quick) : LEN(square_full);
    const int *sq = o->nsquare ? o->square : o->quick ? square_quick : square_full;
    int ngv = o->ngemv ? o->ngemv : o->quick ? LEN(gemv_quick) : LEN(gemv_full);
    const int *gv = o->ngemv ? o->gemv : o->quick ? gemv_quick : gemv_full;
    const int (*sk)[3] = o->quick ? skinny_quick : skinny_full;
    int nsk = o->quick ? LEN(skinny_quick) : LEN(skinny_full);
    const int *sm = o->quick ? small_quick : small_full;
    int nsm = o->quick ? LEN(small_quick) : LEN(small_full);
    int rc = 0;
    /* Threads outermost, then precision: a reader sees one table per thread count. */
    for (int t = 0; t < o->nthreads; t++) {
        int th = o->threads[t];
        for (int pi = 0; pi < 2; pi++) {
            if (!(o->precs & (1 << pi)))
                continue;
            fw_precision p = pi ? FW_F64 : FW_F32;
            if (o->classes & SUITE_SQUARE)
                for (int i = 0; i < nsq; i++)
                    rc |= add(&l, "square", CALL_GEMM, p, FW_NO_TRANS, sq[i], sq[i], sq[i], th);
            if (o->classes & SUITE_SKINNY)
                for (int i = 0; i < nsk; i++)
                    rc |= add(&l, "skinny", CALL_GEMM, p, FW_NO_TRANS, sk[i][0], sk[i][1],
                              sk[i][2], th);
            if (o->classes & SUITE_SMALL)
                for (int i = 0; i < nsm; i++)
                    rc |= add(&l, "small", CALL_GEMM, p, FW_NO_TRANS, sm[i], sm[i], sm[i], th);
            if (o->classes & SUITE_GEMV)
                for (int tr = 0; tr < 2; tr++)
                    for (int i = 0; i < ngv; i++)
                        rc |= add(&l, "gemv", CALL_GEMV, p, tr ? FW_TRANS : FW_NO_TRANS, gv[i],
                                  gv[i], 1, th);
        }
    }
    if (rc) {
        free(l.v);
        snprintf(why, len, "out of memory");
        return -1;
    }
    if (l.n == 0) {
        free(l.v);
        snprintf(why, len, "the suite selected no configuration");
        return -1;
    }
    *out = l.v;
    return l.n;
}
