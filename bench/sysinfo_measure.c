/* The "measured" section: FMA peak and memory read bandwidth on one core and on every
 * core, with the parameters of each measurement (the same ones flopwatt peak uses). */
#include <math.h>

#include "bandwidth.h"
#include "machine.h"
#include "peak_fma.h"
#include "sysinfo_parts.h"

/* flopwatt peak's defaults; --quick gives shorter runs of the same kind. */
enum { FULL_REPS = 30, QUICK_REPS = 10, FULL_PASSES = 10, QUICK_PASSES = 4 };
static const double run_seconds = 0.01;

static json_t *fma_on(int threads, int reps)
{
    peak_fma p;
    if (peak_fma_measure(threads, reps, run_seconds, &p) != 0 || !isfinite(p.gflops_f32) ||
        !isfinite(p.gflops_f64))
        return json_pack("{s:i, s:s}", "threads", threads, "error",
                         "the FMA loops failed their own check or ran too short to time");
    return json_pack("{s:i, s:f, s:f}", "threads", threads, "gflops_f32", p.gflops_f32,
                     "gflops_f64", p.gflops_f64);
}

static json_t *bandwidth_on(int threads, size_t bytes, int passes)
{
    read_bandwidth b;
    int r = bandwidth_read(threads, bytes, passes, &b);
    if (r != 0 || !isfinite(b.gbs_best) || !isfinite(b.gbs_median))
        return json_pack("{s:i, s:s}", "threads", threads, "error",
                         r == -1   ? "cannot allocate the array"
                         : r == -2 ? "a sum came out wrong"
                                   : "a pass was too short for the clock to time");
    return json_pack("{s:i, s:f, s:f}", "threads", threads, "gbs_best", b.gbs_best,
                     "gbs_median", b.gbs_median);
}

/* Every core is the same measurement as one core on a machine of one core. */
static void set_both(json_t *section, json_t *one, json_t *all)
{
    json_object_set_new(section, "one_core", one);
    json_object_set_new(section, "all_cores", all ? all : json_incref(one));
}

json_t *sysinfo_measured(int quick)
{
    int reps = quick ? QUICK_REPS : FULL_REPS, passes = quick ? QUICK_PASSES : FULL_PASSES;
    int threads[2];
    int nt = machine_thread_list(NULL, threads, 2);
    size_t bytes = bandwidth_default_bytes(machine_llc_bytes());
    json_t *fma = json_pack("{s:s, s:i, s:f}", "isa", peak_fma_isa(), "reps", reps,
                            "seconds_per_run", run_seconds);
    json_t *bw = json_pack("{s:I, s:i, s:s}", "array_bytes", (json_int_t)bytes, "passes",
                           passes, "method", "read (sum) of the array, best pass");
    if (!fma || !bw) {
        json_decref(fma);
        json_decref(bw);
        return NULL;
    }
    set_both(fma, fma_on(1, reps), nt > 1 ? fma_on(threads[1], reps) : NULL);
    set_both(bw, bandwidth_on(1, bytes, passes),
             nt > 1 ? bandwidth_on(threads[1], bytes, passes) : NULL);
    return json_pack("{s:o, s:o}", "fma_peak", fma, "read_bandwidth", bw);
}
