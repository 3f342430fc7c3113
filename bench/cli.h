/* The subcommands of the flopwatt program; each takes its own arguments (after the
 * subcommand's name) and returns the exit status (see args.h). */
#ifndef BENCH_CLI_H
#define BENCH_CLI_H

int cmd_gemm(int argc, char **argv);
int cmd_gemv(int argc, char **argv);
int cmd_kernels(int argc, char **argv);
int cmd_peak(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_tune(int argc, char **argv); /* tuner/cmd_tune.c */

#endif
