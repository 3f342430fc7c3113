/* The flopwatt command line, run as a separate process: every kind of bad input ends with
 * one line on stderr and a non-zero exit, --version and --help work, and small gemm and
 * gemv runs report a rate and a passing check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_run.h"
#include "flopwatt.h"
#include "testlib.h"

static void test_version_help(void)
{
    static cli_result r;
    cli_run(&r, ARGS("--version"));
    CHECK(r.status == 0 && strncmp(r.out, "flopwatt " FLOPWATT_VERSION, 9 + strlen(FLOPWATT_VERSION)) == 0,
          "--version: exit %d, output %s", r.status, r.out);
    cli_run(&r, ARGS("--help"));
    CHECK(r.status == 0 && strstr(r.out, "usage:") && strstr(r.out, "gemm") &&
              strstr(r.out, "gemv") && strstr(r.out, "kernels") && strstr(r.out, "peak"),
          "--help: exit %d, output %s", r.status, r.out);
    cli_run(&r, ARGS("gemm", "--help"));
    CHECK(r.status == 0 && strstr(r.out, "--transa") && strstr(r.out, "--kernel"),
          "gemm --help: exit %d, output %s", r.status, r.out);
    cli_run(&r, ARGS("gemv", "--help"));
    CHECK(r.status == 0 && strstr(r.out, "--trans") && !strstr(r.out, "--transb") &&
              !strstr(r.out, "--k "),
          "gemv --help lists GEMV's options only: %s", r.out);
    cli_run(&r, ARGS("compare", "--help"));
    CHECK(r.status == 0 && strstr(r.out, "--quick"), "compare --help: %s", r.out);
}

static void test_bad_input(void)
{
    cli_expect_error(2, ARGS("--bogus"));
    cli_expect_error(2, ARGS("frobnicate"));
    cli_expect_error(2, ARGS("gemm", "--bogus", "1"));
    cli_expect_error(2, ARGS("gemm", "positional"));
    cli_expect_error(2, ARGS("gemm", "--m"));
    for (int i = 0; i < 3; i++) {
        const char *dim = i == 0 ? "--m" : i == 1 ? "--n" : "--k";
        cli_expect_error(2, ARGS("gemm", dim, "0"));
        cli_expect_error(2, ARGS("gemm", dim, "-5"));
        cli_expect_error(2, ARGS("gemm", dim, "abc"));
        cli_expect_error(2, ARGS("gemm", dim, "12x"));
        cli_expect_error(2, ARGS("gemm", dim, ""));
        cli_expect_error(2, ARGS("gemm", dim, "99999999999"));
    }
    cli_expect_error(2, ARGS("gemm", "--m=0"));
    cli_expect_error(2, ARGS("gemm", "--size", "-1"));
    cli_expect_error(2, ARGS("gemv", "--n", "0"));
    cli_expect_error(2, ARGS("gemv", "--m", "1.5"));
    cli_expect_error(2, ARGS("gemv", "--k", "8"));
    cli_expect_error(2, ARGS("gemv", "--transb", "n"));
    cli_expect_error(2, ARGS("gemm", "--prec", "q"));
    cli_expect_error(2, ARGS("gemm", "--transa", "x"));
    cli_expect_error(2, ARGS("gemm", "--transb", "c"));
    cli_expect_error(2, ARGS("gemm", "--layout", "diag"));
    cli_expect_error(2, ARGS("gemm", "--threads", "0"));
    cli_expect_error(2, ARGS("gemm", "--reps", "0"));
    cli_expect_error(2, ARGS("gemm", "--alpha", "nan"));
    cli_expect_error(2, ARGS("gemm", "--m", "1\n2"));
    /* Shapes whose operands cannot fit in memory. */
    cli_expect_error(2, ARGS("gemm", "--m", "2000000000", "--n", "2000000000", "--k", "2"));
    cli_expect_error(2, ARGS("gemm", "--size", "2000000000"));
    cli_expect_error(2, ARGS("gemv", "--m", "2000000000", "--n", "2000000000"));
    cli_expect_error(2, ARGS("gemm", "--kernel", "no_such_kernel", "--size", "8"));
    cli_expect_error(2, ARGS("kernels", "--bogus"));
    cli_expect_error(2, ARGS("kernels", "--kc", "64")); /* sizes without --rate */
    cli_expect_error(2, ARGS("kernels", "--rate", "--kc", "0"));
    cli_expect_error(2, ARGS("kernels", "--rate", "--seconds", "-1"));
    cli_expect_error(2, ARGS("kernels", "--rate", "--mc", "1")); /* below every tile */
    cli_expect_error(2, ARGS("peak", "--threads", "x"));
    cli_expect_error(2, ARGS("peak", "--threads", "1,,2"));
    cli_expect_error(2, ARGS("compare", "--only", "cubes"));
    cli_expect_error(2, ARGS("compare", "--threads", "0"));
    cli_expect_error(1, ARGS("compare", "--lib", "/nonexistent/libopenblas.so.0", "--quick"));
}

/* A supported kernel of a kind and precision, or -1. */
static int find_kernel(fw_kernel_kind kind, fw_precision prec)
{
    for (int i = 0; i < fw_kernel_count(); i++) {
        const fw_kernel_info *k = fw_kernel_at(i);
        if (k->kind == kind && k->prec == prec && fw_kernel_supported(i))
            return i;
    }
    return -1;
}

static int library_ready(fw_precision prec)
{
    fw_config cfg;
    fw_model_config(prec, FW_CLASS_SQUARE, &cfg);
    return fw_config_check(prec, &cfg, NULL, 0) == 0;
}

static void expect_run(const char *const *args, int is_gemv)
{
    static cli_result r;
    char what[300];
    cli_describe(args, what, sizeof what);
    cli_run(&r, args);
    CHECK(r.status == 0, "'%s': exit %d (stderr: %s, stdout: %s)", what, r.status, r.err, r.out);
    CHECK(strstr(r.out, "median") && strstr(r.out, "GFLOP/s") && strstr(r.out, "check     ok"),
          "'%s': output lacks time, rate or check: %s", what, r.out);
    CHECK(!is_gemv || strstr(r.out, "GB/s"), "'%s': GEMV output lacks GB/s: %s", what, r.out);
}

static void test_runs(void)
{
    if (library_ready(FW_F64)) {
        expect_run(ARGS("gemm", "--m", "37", "--n", "29", "--k", "41", "--threads", "1", "--reps", "2"), 0);
        expect_run(ARGS("gemm", "--prec", "d", "--layout", "row", "--transa", "t", "--transb", "t",
                        "--m", "70", "--n", "65", "--k", "33", "--beta", "0.5", "--threads", "2",
                        "--reps", "3"), 0);
        expect_run(ARGS("gemv", "--m", "300", "--n", "257", "--trans", "t", "--threads", "1",
                        "--reps", "2"), 1);
    } else {
        /* The library cannot run yet: the command must say so cleanly. */
        cli_expect_error(1, ARGS("gemm", "--size", "16", "--threads", "1"));
    }
    if (library_ready(FW_F32)) {
        expect_run(ARGS("gemm", "--prec", "s", "--size", "50", "--alpha", "-2", "--threads", "1",
                        "--reps", "2"), 0);
        expect_run(ARGS("gemv", "--prec", "s", "--layout", "row", "--m", "128", "--n", "333",
                        "--beta", "1", "--threads", "2", "--reps", "2"), 1);
        int g = find_kernel(FW_KIND_GEMM, FW_F32), v = find_kernel(FW_KIND_GEMV_N, FW_F32);
        if (g >= 0) {
            const char *name = fw_kernel_at(g)->name;
            expect_run(ARGS("gemm", "--prec", "s", "--size", "40", "--kernel", name, "--reps", "1"), 0);
            /* A GEMM kernel for the wrong precision, or for GEMV. */
            cli_expect_error(2, ARGS("gemm", "--prec", "d", "--size", "40", "--kernel", name));
            cli_expect_error(2, ARGS("gemv", "--prec", "s", "--size", "40", "--kernel", name));
        }
        if (v >= 0) {
            const char *name = fw_kernel_at(v)->name;
            expect_run(ARGS("gemv", "--prec", "s", "--size", "40", "--kernel", name, "--reps", "1"), 1);
            /* An N kernel where the call needs a T kernel. */
            cli_expect_error(2, ARGS("gemv", "--prec", "s", "--size", "40", "--trans", "t", "--kernel", name));
        }
    }
}

static void test_kernels_and_peak(void)
{
    static cli_result r;
    cli_run(&r, ARGS("kernels"));
    CHECK(r.status == 0, "kernels: exit %d", r.status);
    for (int i = 0; i < fw_kernel_count(); i++)
        CHECK(strstr(r.out, fw_kernel_at(i)->name) != NULL, "kernels does not list %s",
              fw_kernel_at(i)->name);
    /* --rate: a row per GEMM kernel this CPU runs, with a positive rate in both
     * placements; none for the others. */
    cli_run(&r, ARGS("kernels", "--rate", "--mc", "64", "--kc", "32", "--nc", "96", "--seconds",
                     "0.002"));
    CHECK(r.status == 0 && strstr(r.out, "% of peak"), "kernels --rate: exit %d, stderr %s",
          r.status, r.err);
    for (int i = 0; i < fw_kernel_count(); i++) {
        const fw_kernel_info *k = fw_kernel_at(i);
        char row[64];
        snprintf(row, sizeof row, "| %s |", k->name);
        const char *at = strstr(r.out, row);
        double panels = 0, block = 0;
        long kc = 0, mc = 0, nc = 0;
        int fields = at ? sscanf(at + strlen(row), " %*s | %ld | %lf | %*f | %ld x %ld | %lf |",
                                 &kc, &panels, &mc, &nc, &block)
                        : 0;
        if (k->kind == FW_KIND_GEMM && fw_kernel_supported(i))
            CHECK(fields == 5 && kc == 32 && panels > 0 && block > 0 && mc == 64 / k->mr * k->mr &&
                      nc == 96 / k->nr * k->nr,
                  "kernels --rate: row of %s: %d fields, KC %ld, %g and %g GFLOP/s, %ld x %ld",
                  k->name, fields, kc, panels, block, mc, nc);
        else
            CHECK(at == NULL, "kernels --rate times %s, which it cannot run alone", k->name);
    }
    cli_run(&r, ARGS("peak", "--threads", "1", "--reps", "1", "--seconds", "0.01", "--passes", "1",
                 "--mib", "8"));
    CHECK(r.status == 0 && strstr(r.out, "FP64 GFLOP/s") && strstr(r.out, "GB/s"),
          "peak: exit %d, output %s, stderr %s", r.status, r.out, r.err);
}

int main(void)
{
    if (!cli_path())
        return fw_test_summary();
    test_version_help();
    test_bad_input();
    test_runs();
    test_kernels_and_peak();
    return fw_test_summary();
}
