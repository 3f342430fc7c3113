/* flopwatt kernels: the registry as this build and CPU see it; with --rate, each GEMM
 * microkernel this CPU runs timed alone (kernel_rate.h) against the FMA peak. */
#include <stdio.h>

#include "args.h"
#include "cli.h"
#include "flopwatt.h"
#include "kernel_rate.h"
#include "peak_fma.h"

static const char *kind_name(fw_kernel_kind k)
{
    return k == FW_KIND_GEMM ? "gemm" : k == FW_KIND_GEMV_N ? "gemv_n" : "gemv_t";
}

/* The shape classes whose configuration runs kernel idx, comma-separated: the tuned
 * profile's choice where one is loaded, the model's otherwise. */
static void classes_using(int idx, const fw_kernel_info *k, char *out, size_t len)
{
    size_t used = 0;
    out[0] = 0;
    for (int c = 0; c < FW_CLASS_COUNT; c++) {
        fw_config cfg;
        fw_class_config(k->prec, (fw_shape_class)c, &cfg);
        int runs = k->kind == FW_KIND_GEMM     ? c < FW_CLASS_GEMV_N && cfg.gemm_kernel == idx
                   : k->kind == FW_KIND_GEMV_N ? c == FW_CLASS_GEMV_N && cfg.gemv_n_kernel == idx
                                               : c == FW_CLASS_GEMV_T && cfg.gemv_t_kernel == idx;
        if (runs && used < len)
            used += (size_t)snprintf(out + used, len - used, "%s%s", used ? "," : "",
                                     fw_class_name((fw_shape_class)c));
    }
}

/* The rate table: both placements of every GEMM kernel this CPU runs, at the model's block
 * sizes of its precision unless given. */
static int print_rates(long mc, long kc, long nc, double seconds)
{
    peak_fma peak;
    if (peak_fma_measure(1, 10, 0.01, &peak) != 0) {
        cli_error("kernels", "the FMA peak measurement failed its check");
        return EXIT_FAILED;
    }
    printf("GEMM microkernels alone, 1 thread, median of samples of >= 1 ms for >= %.2g s; "
           "peak: FMA peak measured now (%s, 1 thread: %.1f GFLOP/s FP32, %.1f FP64)\n"
           "panels: one packed A panel (MR x KC) and B panel (KC x NR) reused, C one tile "
           "(L1/L2); block: every tile of a packed MC x KC block of A times a packed KC x NC "
           "panel of B into C (B from L3, C from memory); beta = 1; no packing, no threads\n",
           seconds, peak.isa, peak.gflops_f32, peak.gflops_f64);
    printf("| kernel | tile | KC | panels GFLOP/s | %% of peak | block MC x NC | block GFLOP/s "
           "| %% of peak |\n|---|---|---:|---:|---:|---|---:|---:|\n");
    int status = EXIT_OK;
    for (int i = 0; i < fw_kernel_count(); i++) {
        const fw_kernel_info *k = fw_kernel_at(i);
        if (k->kind != FW_KIND_GEMM || !fw_kernel_supported(i))
            continue;
        fw_config model;
        fw_model_config(k->prec, FW_CLASS_SQUARE, &model);
        const long use_kc = kc ? kc : model.kc;
        const double pk = k->prec == FW_F32 ? peak.gflops_f32 : peak.gflops_f64;
        kernel_rate panels, block;
        char why[200];
        if (kernel_rate_measure(i, KERNEL_RATE_PANELS, 0, use_kc, 0, seconds, &panels, why,
                                sizeof why) != 0 ||
            kernel_rate_measure(i, KERNEL_RATE_BLOCK, mc ? mc : model.mc, use_kc,
                                nc ? nc : model.nc, seconds, &block, why, sizeof why) != 0) {
            cli_error("kernels", "%s", why);
            status = EXIT_FAILED;
            continue;
        }
        printf("| %s | %dx%d | %ld | %.1f | %.1f | %ld x %ld | %.1f | %.1f |\n", k->name, k->mr,
               k->nr, use_kc, panels.gflops, 100 * panels.gflops / pk, block.mc, block.nc,
               block.gflops, 100 * block.gflops / pk);
    }
    return status;
}

int cmd_kernels(int argc, char **argv)
{
    int rate = 0, mc = 0, kc = 0, nc = 0;
    double seconds = 0.3;
    opt_spec specs[] = {
        {"rate", OPT_FLAG, &rate, NULL, 0, 0, "time every GEMM microkernel this CPU runs, alone"},
        {"mc", OPT_INT, &mc, NULL, 1, 1 << 16, "rows of the A block (--rate; the model's MC)"},
        {"kc", OPT_INT, &kc, NULL, 1, 1 << 16, "depth of the panels (--rate; the model's KC)"},
        {"nc", OPT_INT, &nc, NULL, 1, 1 << 20, "columns of the B panel (--rate; the model's NC)"},
        {"seconds", OPT_DOUBLE, &seconds, NULL, 0.001, 60, "time per kernel and placement (0.3)"},
    };
    int rc = args_parse("kernels", "kernels [--rate [--mc M] [--kc K] [--nc N] [--seconds S]]",
                        argc, argv, specs, (int)(sizeof specs / sizeof specs[0]));
    if (rc)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (!rate && (mc || kc || nc)) {
        cli_error("kernels", "--mc, --kc and --nc size the --rate measurement; add --rate");
        return EXIT_USAGE;
    }
    for (int i = 0; rate && i < fw_kernel_count(); i++) {
        const fw_kernel_info *k = fw_kernel_at(i);
        if (k->kind == FW_KIND_GEMM && fw_kernel_supported(i) &&
            ((mc && mc < k->mr) || (nc && nc < k->nr))) {
            cli_error("kernels", "--mc %d --nc %d hold no %dx%d tile of %s", mc, nc, k->mr,
                      k->nr, k->name);
            return EXIT_USAGE;
        }
    }
    if (rate)
        return print_rates(mc, kc, nc, seconds);
    int n = fw_kernel_count();
    printf("%-24s %-7s %-8s %-5s %-7s %-9s %s\n", "name", "kind", "isa", "prec", "MRxNR",
           "supported", "used for");
    for (int i = 0; i < n; i++) {
        const fw_kernel_info *k = fw_kernel_at(i);
        char tile[24];
        snprintf(tile, sizeof tile, "%dx%d", k->mr, k->nr);
        char classes[128];
        classes_using(i, k, classes, sizeof classes);
        printf("%-24s %-7s %-8s %-5s %-7s %-9s %s\n", k->name, kind_name(k->kind),
               fw_isa_name(k->isa), k->prec == FW_F64 ? "d" : "s", tile,
               fw_kernel_supported(i) ? "yes" : "no", classes);
    }
    if (n == 0)
        printf("(no kernels in this build)\n");
    printf("active ISA: %s\n", fw_isa_name(fw_active_isa()));
    const char *profile = fw_profile_in_use();
    printf("configurations: %s\n", profile ? profile : "analytical model (no tuned profile)");
    return EXIT_OK;
}
