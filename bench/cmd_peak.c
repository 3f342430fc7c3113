/* flopwatt peak: the machine's ceilings, measured. */
#include <stdio.h>

#include "args.h"
#include "bandwidth.h"
#include "cli.h"
#include "machine.h"
#include "peak_fma.h"

int cmd_peak(int argc, char **argv)
{
    const char *threads_spec = NULL;
    int reps = 30, passes = 10, mib = 0;
    double seconds = 0.01;
    opt_spec specs[] = {
        {"threads", OPT_STRING, &threads_spec, NULL, 0, 0, "thread counts, comma-separated (1,<all cores>)"},
        {"reps", OPT_INT, &reps, NULL, 1, 1000, "FMA runs per figure, best kept (30)"},
        {"seconds", OPT_DOUBLE, &seconds, NULL, 0.001, 60, "length of one FMA run in seconds (0.01)"},
        {"passes", OPT_INT, &passes, NULL, 1, 1000, "bandwidth passes, best kept (10)"},
        {"mib", OPT_INT, &mib, NULL, 1, 1 << 20, "bandwidth array in MiB (8 x last-level cache, 256 to 1024)"},
    };
    int rc = args_parse("peak", "peak [--threads LIST] [--reps R] [--passes P] [--mib M]", argc,
                        argv, specs, (int)(sizeof specs / sizeof specs[0]));
    if (rc)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    int threads[16];
    int nt = machine_thread_list(threads_spec, threads, 16);
    if (nt < 0) {
        cli_error("peak", "--threads: '%s' is not a list of thread counts like 1,2",
                  threads_spec);
        return EXIT_USAGE;
    }
    int status = EXIT_OK;
    printf("FMA peak, %s, best of %d runs of %.2g s\n", peak_fma_isa(), reps, seconds);
    printf("| threads | FP32 GFLOP/s | FP64 GFLOP/s |\n|---:|---:|---:|\n");
    for (int i = 0; i < nt; i++) {
        peak_fma p;
        if (peak_fma_measure(threads[i], reps, seconds, &p) != 0) {
            cli_error("peak", "FMA measurement on %d threads failed its check", threads[i]);
            status = EXIT_FAILED;
            continue;
        }
        printf("| %d | %.1f | %.1f |\n", threads[i], p.gflops_f32, p.gflops_f64);
    }
    size_t bytes = mib ? (size_t)mib << 20 : bandwidth_default_bytes(machine_llc_bytes());
    printf("\nMemory read bandwidth, %.0f MiB array, best of %d passes\n",
           (double)bytes / (1 << 20), passes);
    printf("| threads | GB/s best | GB/s median |\n|---:|---:|---:|\n");
    for (int i = 0; i < nt; i++) {
        read_bandwidth b;
        int r = bandwidth_read(threads[i], bytes, passes, &b);
        if (r != 0) {
            cli_error("peak", "bandwidth on %d threads: %s", threads[i],
                      r == -1 ? "cannot allocate the array" : "sum came out wrong");
            status = EXIT_FAILED;
            continue;
        }
        printf("| %d | %.1f | %.1f |\n", threads[i], b.gbs_best, b.gbs_median);
    }
    return status;
}
