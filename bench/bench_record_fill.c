#include "bench_record_fill.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "stats.h"

static void fill_identity(bench_record *rec, const suite_config *cfg, const impl *im)
{
    memset(rec, 0, sizeof *rec);
    snprintf(rec->config, sizeof rec->config, "%s", cfg->name);
    snprintf(rec->shape_class, sizeof rec->shape_class, "%s", cfg->shape_class);
    rec->call = cfg->call;
    snprintf(rec->impl, sizeof rec->impl, "%s", im->name);
    snprintf(rec->impl_detail, sizeof rec->impl_detail, "%s", im->detail ? im->detail : "");
    rec->median = rec->min = rec->max = rec->mean = rec->ci_lo = rec->ci_hi = rec->cv = NAN;
    rec->gflops = rec->gflops_best = rec->pct_peak = rec->gbytes_per_s = rec->intensity = NAN;
    rec->worst = NAN;
}

void record_fill_error(bench_record *rec, const suite_config *cfg, const impl *im,
                       const char *why)
{
    fill_identity(rec, cfg, im);
    rec->status = REC_ERROR;
    snprintf(rec->why, sizeof rec->why, "%s", why);
}

static void fill_energy(energy_figure *e, const impl_result *r, const record_context *ctx,
                        double flops)
{
    if (!ctx->meter || !(r->joules >= 0) || r->calls < 1 || !(r->window_s > 0))
        return;
    const energy_meter *m = ctx->meter;
    e->present = 1;
    snprintf(e->source, sizeof e->source, "%s", m->source);
    snprintf(e->domain, sizeof e->domain, "%s", m->domain);
    snprintf(e->detail, sizeof e->detail, "%s", m->detail);
    double calls = (double)r->calls;
    e->window_s = r->window_s;
    e->joules = r->joules / calls;
    e->dram_joules = r->dram_joules / calls; /* NaN when the domain has no DRAM part */
    e->watts = r->joules / r->window_s;
    e->idle_watts = ctx->idle_watts;
    e->above_idle_joules = (r->joules - ctx->idle_watts * r->window_s) / calls;
    e->above_idle_watts = e->watts - ctx->idle_watts;
    /* Work over energy, not the median rate over the mean power: GFLOP per joule. */
    e->gflops_per_watt = flops * 1e-9 / e->joules;
}

void record_fill(bench_record *rec, const suite_config *cfg, const impl *im,
                 const char *kernel, const impl_result *r, const record_context *ctx)
{
    fill_identity(rec, cfg, im);
    snprintf(rec->kernel, sizeof rec->kernel, "%s", kernel ? kernel : "");
    rec->status = r->status == RUN_OK ? REC_OK : r->status == RUN_WRONG ? REC_WRONG : REC_ERROR;
    snprintf(rec->why, sizeof rec->why, "%s", r->status == RUN_OK ? "" : r->why);
    rec->warmups = ctx->warmups;
    rec->inner = r->inner;
    rec->nsamples = r->times ? r->samples : 0;
    rec->times = r->times;
    rec->verified_ok = r->status != RUN_ERROR && r->check.ok;
    rec->checked = r->check.checked;
    rec->worst = r->check.worst;
    rec->ncounters = r->ncounters;
    memcpy(rec->counters, r->counters, sizeof rec->counters);
    if (rec->nsamples > 0) {
        stats_summary s;
        if (stats_summarize(r->times, rec->nsamples, &s) == 0) {
            rec->median = s.median;
            rec->min = s.min;
            rec->max = s.max;
            rec->mean = s.mean;
        }
        double coverage = stats_median_ci(r->times, rec->nsamples, 0.95, &rec->ci_lo, &rec->ci_hi);
        rec->cv = stats_cv(r->times, rec->nsamples);
        /* Too few samples to reach 95% (fewer than 6) count as unstable too: the interval
         * is then [min, max] with less coverage. */
        rec->unstable = !((rec->ci_hi - rec->ci_lo) / rec->median <= ctx->unstable_ci) ||
                        !(coverage >= 0.95);
    }
    if (rec->status != REC_OK)
        return; /* a wrong or failed result is never shown as a speed */
    double flops = call_flops(&cfg->call);
    rec->gflops = flops / rec->median * 1e-9;
    rec->gflops_best = flops / rec->min * 1e-9;
    rec->pct_peak = 100 * rec->gflops / ctx->peak_gflops;
    if (cfg->call.op == CALL_GEMV) {
        double bytes = call_bytes(&cfg->call);
        rec->gbytes_per_s = bytes / rec->median * 1e-9;
        rec->intensity = flops / bytes;
    }
    fill_energy(&rec->energy, r, ctx, flops);
}
