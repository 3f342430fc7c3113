/* flopwatt: the command-line front end. Dispatches to one subcommand per file. */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "flopwatt.h"

#ifndef FW_GIT_REV
#define FW_GIT_REV "unknown"
#endif

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} commands[] = {
    {"bench", cmd_bench, "the benchmark suite: every implementation, verified, with energy; writes a result file"},
    {"gemm", cmd_gemm, "time one GEMM call of a given shape, verified"},
    {"gemv", cmd_gemv, "time one GEMV call of a given shape, verified"},
    {"info", cmd_info, "describe this machine: CPU, caches, measured peak, backends"},
    {"kernels", cmd_kernels, "list the kernel registry"},
    {"peak", cmd_peak, "measure the FMA peak and the memory read bandwidth"},
    {"compare", cmd_compare, "flopwatt against OpenBLAS, interleaved, as a markdown table"},
    {"validate", cmd_validate, "check result files against the schema"},
    {"tune", cmd_tune, "search this machine's best configuration per shape class; writes a tuned profile"},
};
#define NCOMMANDS (int)(sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: flopwatt [--version | --help] <command> [options]\n\ncommands:\n");
    for (int i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'flopwatt <command> --help' lists a command's options.\n"
               "Exit status: 0 success, 1 a failed or wrong computation, 2 bad usage.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        cli_error(NULL, "missing command (try --help)");
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("flopwatt %s (git %s, %s, %s)\n", FLOPWATT_VERSION, FW_GIT_REV,
#if defined(__clang__)
               "clang " __clang_version__,
#elif defined(__GNUC__)
               "gcc " __VERSION__,
#else
               "unknown compiler",
#endif
               fw_isa_name(fw_active_isa()));
        return EXIT_OK;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    for (int i = 0; i < NCOMMANDS; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].fn(argc - 2, argv + 2);
    if (cmd[0] == '-')
        cli_error(NULL, "unknown option '%s' (try --help)", cmd);
    else
        cli_error(NULL, "unknown command '%s' (try --help)", cmd);
    return EXIT_USAGE;
}
