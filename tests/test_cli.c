/* The flopwatt command line, run as a separate process: every kind of bad input ends with
 * one line on stderr and a non-zero exit, --version and --help work, and small gemm and
 * gemv runs report a rate and a passing check. The binary comes from FW_CLI
 * (tests/run_tests.sh points it at the build folder's flopwatt). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "flopwatt.h"
#include "testlib.h"

static const char *cli;

typedef struct {
    int status;       /* exit status, or -1 when the program did not exit normally */
    char out[65536];
    char err[4096];
} result;

static void slurp(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    lseek(fd, 0, SEEK_SET);
    for (ssize_t r; n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0;)
        n += (size_t)r;
    buf[n] = '\0';
}

/* Runs the CLI with the NULL-terminated arguments, capturing both streams. */
static void run(result *r, const char *const *args)
{
    char out_name[] = "/tmp/fw_cli_outXXXXXX", err_name[] = "/tmp/fw_cli_errXXXXXX";
    int out = mkstemp(out_name), err = mkstemp(err_name);
    const char *argv[40];
    int n = 0;
    argv[n++] = cli;
    for (; args[n - 1] && n < 39; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    r->status = -1;
    r->out[0] = r->err[0] = '\0';
    if (out < 0 || err < 0)
        return;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out, 1);
        dup2(err, 2);
        execv(cli, (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st))
        r->status = WEXITSTATUS(st);
    slurp(out, r->out, sizeof r->out);
    slurp(err, r->err, sizeof r->err);
    close(out);
    close(err);
    unlink(out_name);
    unlink(err_name);
}

static int one_line(const char *s)
{
    size_t len = strlen(s);
    return len > 1 && s[len - 1] == '\n' && strchr(s, '\n') == s + len - 1;
}

static void describe(const char *const *args, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (int i = 0; args[i]; i++) {
        strncat(buf, args[i], cap - strlen(buf) - 2);
        strncat(buf, " ", cap - strlen(buf) - 1);
    }
}

/* Bad input: exit 2 (usage) or the given status, one line on stderr naming flopwatt,
 * nothing on stdout. */
static void expect_error(int want_status, const char *const *args)
{
    result r;
    char what[300];
    describe(args, what, sizeof what);
    run(&r, args);
    CHECK(r.status == want_status, "'%s': exit %d, expected %d (stderr: %s)", what, r.status,
          want_status, r.err);
    CHECK(one_line(r.err), "'%s': stderr is not one line: [%s]", what, r.err);
    CHECK(strncmp(r.err, "flopwatt", 8) == 0, "'%s': error does not start with flopwatt: %s",
          what, r.err);
    CHECK(r.out[0] == '\0', "'%s': stdout not empty on error: %s", what, r.out);
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_version_help(void)
{
    result r;
    run(&r, ARGS("--version"));
    CHECK(r.status == 0 && strncmp(r.out, "flopwatt " FLOPWATT_VERSION, 9 + strlen(FLOPWATT_VERSION)) == 0,
          "--version: exit %d, output %s", r.status, r.out);
    run(&r, ARGS("--help"));
    CHECK(r.status == 0 && strstr(r.out, "usage:") && strstr(r.out, "gemm") &&
              strstr(r.out, "gemv") && strstr(r.out, "kernels") && strstr(r.out, "peak"),
          "--help: exit %d, output %s", r.status, r.out);
    run(&r, ARGS("gemm", "--help"));
    CHECK(r.status == 0 && strstr(r.out, "--transa") && strstr(r.out, "--kernel"),
          "gemm --help: exit %d, output %s", r.status, r.out);
    run(&r, ARGS("gemv", "--help"));
    CHECK(r.status == 0 && strstr(r.out, "--trans") && !strstr(r.out, "--transb") &&
              !strstr(r.out, "--k "),
          "gemv --help lists GEMV's options only: %s", r.out);
    run(&r, ARGS("compare", "--help"));
    CHECK(r.status == 0 && strstr(r.out, "--quick"), "compare --help: %s", r.out);
}

static void test_bad_input(void)
{
    expect_error(2, ARGS("--bogus"));
    expect_error(2, ARGS("frobnicate"));
    expect_error(2, ARGS("gemm", "--bogus", "1"));
    expect_error(2, ARGS("gemm", "positional"));
    expect_error(2, ARGS("gemm", "--m"));
    for (int i = 0; i < 3; i++) {
        const char *dim = i == 0 ? "--m" : i == 1 ? "--n" : "--k";
        expect_error(2, ARGS("gemm", dim, "0"));
        expect_error(2, ARGS("gemm", dim, "-5"));
        expect_error(2, ARGS("gemm", dim, "abc"));
        expect_error(2, ARGS("gemm", dim, "12x"));
        expect_error(2, ARGS("gemm", dim, ""));
        expect_error(2, ARGS("gemm", dim, "99999999999"));
    }
    expect_error(2, ARGS("gemm", "--m=0"));
    expect_error(2, ARGS("gemm", "--size", "-1"));
    expect_error(2, ARGS("gemv", "--n", "0"));
    expect_error(2, ARGS("gemv", "--m", "1.5"));
    expect_error(2, ARGS("gemv", "--k", "8"));
    expect_error(2, ARGS("gemv", "--transb", "n"));
    expect_error(2, ARGS("gemm", "--prec", "q"));
    expect_error(2, ARGS("gemm", "--transa", "x"));
    expect_error(2, ARGS("gemm", "--transb", "c"));
    expect_error(2, ARGS("gemm", "--layout", "diag"));
    expect_error(2, ARGS("gemm", "--threads", "0"));
    expect_error(2, ARGS("gemm", "--reps", "0"));
    expect_error(2, ARGS("gemm", "--alpha", "nan"));
    expect_error(2, ARGS("gemm", "--m", "1\n2"));
    /* Shapes whose operands cannot fit in memory. */
    expect_error(2, ARGS("gemm", "--m", "2000000000", "--n", "2000000000", "--k", "2"));
    expect_error(2, ARGS("gemm", "--size", "2000000000"));
    expect_error(2, ARGS("gemv", "--m", "2000000000", "--n", "2000000000"));
    expect_error(2, ARGS("gemm", "--kernel", "no_such_kernel", "--size", "8"));
    expect_error(2, ARGS("kernels", "--bogus"));
    expect_error(2, ARGS("peak", "--threads", "x"));
    expect_error(2, ARGS("peak", "--threads", "1,,2"));
    expect_error(2, ARGS("compare", "--only", "cubes"));
    expect_error(2, ARGS("compare", "--threads", "0"));
    expect_error(1, ARGS("compare", "--lib", "/nonexistent/libopenblas.so.0", "--quick"));
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
    fw_default_config(prec, &cfg);
    return fw_config_check(prec, &cfg, NULL, 0) == 0;
}

static void expect_run(const char *const *args, int is_gemv)
{
    result r;
    char what[300];
    describe(args, what, sizeof what);
    run(&r, args);
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
        expect_error(1, ARGS("gemm", "--size", "16", "--threads", "1"));
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
            expect_error(2, ARGS("gemm", "--prec", "d", "--size", "40", "--kernel", name));
            expect_error(2, ARGS("gemv", "--prec", "s", "--size", "40", "--kernel", name));
        }
        if (v >= 0) {
            const char *name = fw_kernel_at(v)->name;
            expect_run(ARGS("gemv", "--prec", "s", "--size", "40", "--kernel", name, "--reps", "1"), 1);
            /* An N kernel where the call needs a T kernel. */
            expect_error(2, ARGS("gemv", "--prec", "s", "--size", "40", "--trans", "t", "--kernel", name));
        }
    }
}

static void test_kernels_and_peak(void)
{
    result r;
    run(&r, ARGS("kernels"));
    CHECK(r.status == 0, "kernels: exit %d", r.status);
    for (int i = 0; i < fw_kernel_count(); i++)
        CHECK(strstr(r.out, fw_kernel_at(i)->name) != NULL, "kernels does not list %s",
              fw_kernel_at(i)->name);
    run(&r, ARGS("peak", "--threads", "1", "--reps", "1", "--seconds", "0.01", "--passes", "1",
                 "--mib", "8"));
    CHECK(r.status == 0 && strstr(r.out, "FP64 GFLOP/s") && strstr(r.out, "GB/s"),
          "peak: exit %d, output %s, stderr %s", r.status, r.out, r.err);
}

int main(void)
{
    cli = getenv("FW_CLI");
    /* tests/run_tests.sh names the CLI of the build under test; without it nothing here
     * could run, which is a failure, not a pass. */
    if (!CHECK(cli && access(cli, X_OK) == 0,
               "FW_CLI (%s) is not an executable; build it with make cli", cli ? cli : "unset"))
        return fw_test_summary();
    test_version_help();
    test_bad_input();
    test_runs();
    test_kernels_and_peak();
    return fw_test_summary();
}
