#include "operands.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Large buffers start on a 2 MiB boundary so transparent huge pages can back them: both
 * implementations then see the same TLB behaviour from run to run. */
#define HUGE_ALIGN (2u << 20)

static void *buffer_alloc(size_t bytes)
{
    void *p = NULL;
    size_t align = bytes >= 4 * (size_t)HUGE_ALIGN ? HUGE_ALIGN : 64;
    size_t rounded = (bytes + align - 1) / align * align;
    if (rounded == 0)
        rounded = align;
    if (posix_memalign(&p, align, rounded) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    if (align == HUGE_ALIGN)
        madvise(p, rounded, MADV_HUGEPAGE);
#endif
    return p;
}

double operands_bytes(const blas_call *c, int nout)
{
    call_dims d;
    call_dims_get(c, &d);
    double outs = (double)nout + (c->beta != 0 ? 1 : 0);
    return ((double)d.a_len + (double)d.b_len + outs * (double)d.c_len) *
           (double)call_elem_size(c);
}

double operands_available_memory(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[256];
        unsigned long long kb;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
                fclose(f);
                return (double)kb * 1024.0;
            }
        fclose(f);
    }
    long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (double)pages * (double)page : 0;
}

/* xorshift64*: reproducible data, independent of the C library's rand(). */
static uint64_t fill_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

static void fill(void *p, size_t n, fw_precision prec, uint64_t seed)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    if (prec == FW_F64) {
        double *x = p;
        for (size_t i = 0; i < n; i++)
            x[i] = (double)(fill_next(&s) >> 11) * 0x1.0p-52 - 1.0;
    } else {
        float *x = p;
        for (size_t i = 0; i < n; i++)
            x[i] = (float)((double)(fill_next(&s) >> 40) * 0x1.0p-23 - 1.0);
    }
}

static void fill_nan(void *p, size_t n, fw_precision prec)
{
    if (prec == FW_F64)
        for (size_t i = 0; i < n; i++)
            ((double *)p)[i] = NAN;
    else
        for (size_t i = 0; i < n; i++)
            ((float *)p)[i] = NAN;
}

int operands_fit(const blas_call *c, int nout, char *msg, size_t len)
{
    double need = operands_bytes(c, nout), avail = operands_available_memory();
    /* Keep a margin for the libraries' packing buffers and the rest of the system. */
    if (need > (double)SIZE_MAX / 2 || (avail > 0 && need > 0.8 * avail)) {
        char desc[96];
        call_describe(c, desc, sizeof desc);
        snprintf(msg, len, "%s needs %.1f GiB of memory but %.1f GiB is available", desc,
                 need / (1u << 30), avail / (1u << 30));
        return -1;
    }
    return 0;
}

int operands_alloc(operands *o, const blas_call *c, int nout, char *msg, size_t len)
{
    memset(o, 0, sizeof *o);
    call_dims_get(c, &o->dims);
    o->nout = nout;
    if (operands_fit(c, nout, msg, len) != 0)
        return -1;
    double need = operands_bytes(c, nout);
    size_t es = call_elem_size(c);
    o->a = buffer_alloc(o->dims.a_len * es);
    o->b = buffer_alloc(o->dims.b_len * es);
    if (c->beta != 0)
        o->c0 = buffer_alloc(o->dims.c_len * es);
    int ok = o->a && o->b && (c->beta == 0 || o->c0);
    for (int i = 0; i < nout; i++) {
        o->out[i] = buffer_alloc(o->dims.c_len * es);
        ok = ok && o->out[i];
    }
    if (!ok) {
        operands_free(o);
        snprintf(msg, len, "out of memory allocating %.1f GiB of operands", need / (1u << 30));
        return -1;
    }
    fill(o->a, o->dims.a_len, c->prec, 1);
    fill(o->b, o->dims.b_len, c->prec, 2);
    if (o->c0)
        fill(o->c0, o->dims.c_len, c->prec, 3);
    for (int i = 0; i < nout; i++)
        operands_reset_out(o, c, i);
    return 0;
}

void operands_reset_out(operands *o, const blas_call *c, int i)
{
    size_t bytes = o->dims.c_len * call_elem_size(c);
    if (o->c0)
        memcpy(o->out[i], o->c0, bytes);
    else
        fill_nan(o->out[i], o->dims.c_len, c->prec);
}

void operands_free(operands *o)
{
    free(o->a);
    free(o->b);
    free(o->c0);
    for (int i = 0; i < OPERANDS_MAX_OUT; i++)
        free(o->out[i]);
    memset(o, 0, sizeof *o);
}
