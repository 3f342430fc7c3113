#include "record.h"

#include <stdlib.h>
#include <string.h>

void bench_run_init(bench_run *r) { memset(r, 0, sizeof *r); }

void bench_run_free(bench_run *r)
{
    for (int i = 0; i < r->nrecords; i++)
        free(r->records[i].times);
    free(r->records);
    json_decref(r->info);
    json_decref(r->options);
    bench_run_init(r);
}

int bench_run_add(bench_run *r, const bench_record *rec)
{
    /* A sample count without samples would make every later copy read past the end. */
    if (rec->nsamples < 0 || (rec->nsamples > 0 && !rec->times))
        return -1;
    if (r->nrecords == r->cap) {
        int cap = r->cap ? 2 * r->cap : 16;
        bench_record *grown = realloc(r->records, (size_t)cap * sizeof *grown);
        if (!grown)
            return -1;
        r->records = grown;
        r->cap = cap;
    }
    double *times = NULL;
    if (rec->nsamples > 0) {
        times = malloc((size_t)rec->nsamples * sizeof *times);
        if (!times)
            return -1;
        memcpy(times, rec->times, (size_t)rec->nsamples * sizeof *times);
    }
    bench_record *copy = &r->records[r->nrecords++];
    *copy = *rec;
    copy->times = times;
    return 0;
}

const char *record_status_name(record_status s)
{
    return s == REC_OK ? "ok" : s == REC_WRONG ? "wrong" : "error";
}

const char *record_op_name(call_op op) { return op == CALL_GEMV ? "gemv" : "gemm"; }

const char *record_prec_name(fw_precision p) { return p == FW_F64 ? "d" : "s"; }
