/* The runner's verdicts: an implementation whose result is wrong only where the sampled
 * check does not look is caught by the cross-check against the other one, recorded as
 * wrong with a failed verification (so the record validates), and never given a rate. */
#include <math.h>
#include <string.h>

#include "../bench/bench_record_fill.h"
#include "../bench/results.h"
#include "../bench/runner.h"
#include "testlib.h"

/* flopwatt, then one interior entry of C spoiled. */
static impl good;

static int spoiled_run(impl *self, const blas_call *c, const void *a, const void *b, void *out)
{
    (void)self;
    int rc = good.run(&good, c, a, b, out);
    /* (m/2 + 3, n/2 + 5): neither an edge nor the middle, which the sampled check visits. */
    ((double *)out)[(size_t)(c->m / 2 + 3) + (size_t)(c->n / 2 + 5) * (size_t)c->m] += 1.0;
    return rc;
}

static int spoiled_prepare(impl *self, const blas_call *c, char *msg, size_t len)
{
    (void)self;
    return good.prepare(&good, c, msg, len);
}

static void spoiled_close(impl *self) { (void)self; }

int main(void)
{
    char msg[300];
    if (!CHECK(impl_flopwatt_init(&good, NULL, msg, sizeof msg) == 0, "flopwatt: %s", msg))
        return fw_test_summary();
    impl spoiled = {.name = "spoiled", .prepare = spoiled_prepare, .run = spoiled_run,
                    .close = spoiled_close};
    blas_call c = {.op = CALL_GEMM, .prec = FW_F64, .layout = FW_COL_MAJOR, .ta = FW_NO_TRANS,
                   .tb = FW_NO_TRANS, .m = 64, .n = 64, .k = 64, .alpha = 1, .beta = 0,
                   .threads = 1};
    run_opts o;
    run_opts_default(&o);
    o.verify_random = 0; /* the sampled check sees only the edges: the cross-check must tell */
    o.sampler.min_samples = o.sampler.max_samples = 3;
    o.sampler.min_total_s = 0;
    impl *impls[2] = {&good, &spoiled};
    impl_result res[2];
    int rc = run_call(&c, impls, 2, &o, res, msg, sizeof msg);
    if (CHECK(rc == 0, "run_call: %s", msg)) {
        CHECK(res[0].status == RUN_OK && res[0].check.ok, "flopwatt judged %d (%s)",
              res[0].status, res[0].why);
        CHECK(res[1].status == RUN_WRONG && !res[1].check.ok && res[1].check.worst > 1,
              "the spoiled result judged %d, check ok %d, worst %g", res[1].status,
              res[1].check.ok, res[1].check.worst);

        suite_config cfg = {.name = "dgemm_col_nn_64x64x64_t1", .shape_class = "square",
                            .call = c};
        record_context ctx = {.peak_gflops = NAN, .unstable_ci = 0.05, .warmups = 1,
                              .idle_watts = NAN};
        bench_run run;
        bench_run_init(&run);
        snprintf(run.machine_id, sizeof run.machine_id, "test-box");
        snprintf(run.started_utc, sizeof run.started_utc, "2026-11-24T10:00:00Z");
        snprintf(run.finished_utc, sizeof run.finished_utc, "2026-11-24T10:00:01Z");
        run.complete = 1;
        run.info = json_object();
        run.options = json_object();
        for (int i = 0; i < 2; i++) {
            bench_record rec;
            record_fill(&rec, &cfg, impls[i], NULL, &res[i], &ctx);
            CHECK(bench_run_add(&run, &rec) == 0, "bench_run_add");
        }
        const bench_record *bad = &run.records[1];
        CHECK(bad->status == REC_WRONG && !bad->verified_ok && isnan(bad->gflops),
              "record: status %d, verified %d, rate %g", bad->status, bad->verified_ok,
              bad->gflops);
        json_t *doc = results_to_json(&run);
        char why[300] = "";
        CHECK(doc && results_validate(doc, why, sizeof why) == 0,
              "a run with a wrong record must still validate: %s", why);
        json_decref(doc);
        bench_run_free(&run);
        impl_result_free(res, 2);
    }
    good.close(&good);
    return fw_test_summary();
}
