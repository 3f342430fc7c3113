/* The records as CSV, one line each, for spreadsheets and gnuplot: the figures a table
 * needs, with energy's source and domain beside every energy figure. Empty fields are
 * values that do not exist (NaN, a GEMM's bandwidth, a wrong result's speed). */
#include "results.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char header[] =
    "machine_id,config,shape_class,impl,kernel,op,precision,layout,transa,transb,m,n,k,"
    "threads,status,median_s,ci_lo_s,ci_hi_s,cv,unstable,gflops,pct_peak,gbytes_per_s,"
    "energy_source,energy_domain,joules_per_call,watts,idle_watts,gflops_per_watt,verified\n";

typedef struct row {
    FILE *f;
    int fields;
} row;

static void next(row *w)
{
    if (w->fields++)
        fputc(',', w->f);
}

/* RFC 4180: a field holding a comma, quote or line break is quoted, quotes doubled. */
static void text(row *w, const char *s)
{
    next(w);
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, w->f);
        return;
    }
    fputc('"', w->f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', w->f);
        fputc(*s, w->f);
    }
    fputc('"', w->f);
}

static void number(row *w, double x)
{
    next(w);
    if (isfinite(x))
        fprintf(w->f, "%.9g", x);
}

static void integer(row *w, long long x)
{
    next(w);
    fprintf(w->f, "%lld", x);
}

static void empty(row *w) { next(w); }

static void record_line(FILE *f, const char *machine_id, const bench_record *r)
{
    row w = {f, 0};
    const blas_call *c = &r->call;
    int gemm = c->op == CALL_GEMM, ok = r->status == REC_OK;
    const energy_figure *e = r->energy.present ? &r->energy : NULL;
    text(&w, machine_id);
    text(&w, r->config);
    text(&w, r->shape_class);
    text(&w, r->impl);
    text(&w, r->kernel);
    text(&w, record_op_name(c->op));
    text(&w, record_prec_name(c->prec));
    text(&w, layout_name(c->layout));
    text(&w, trans_name(c->ta));
    if (gemm)
        text(&w, trans_name(c->tb));
    else
        empty(&w);
    integer(&w, c->m);
    integer(&w, c->n);
    if (gemm)
        integer(&w, c->k);
    else
        empty(&w);
    integer(&w, c->threads);
    text(&w, record_status_name(r->status));
    number(&w, r->median);
    number(&w, r->ci_lo);
    number(&w, r->ci_hi);
    number(&w, r->cv);
    integer(&w, r->unstable != 0);
    number(&w, ok ? r->gflops : NAN);
    number(&w, ok ? r->pct_peak : NAN);
    number(&w, ok && !gemm ? r->gbytes_per_s : NAN);
    text(&w, e ? e->source : "");
    text(&w, e ? e->domain : "");
    number(&w, e ? e->joules : NAN);
    number(&w, e ? e->watts : NAN);
    number(&w, e ? e->idle_watts : NAN);
    number(&w, e && ok ? e->gflops_per_watt : NAN);
    integer(&w, r->verified_ok != 0);
    fputc('\n', f);
}

char *results_csv(const bench_run *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    fputs(header, f);
    for (int i = 0; i < r->nrecords; i++)
        record_line(f, r->machine_id, &r->records[i]);
    int failed = ferror(f);
    if (fclose(f) != 0 || failed) {
        free(buf);
        return NULL;
    }
    return buf;
}
