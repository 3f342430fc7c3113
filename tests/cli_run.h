/* Runs the flopwatt command line as a separate process for the tests: its exit status and
 * both streams, or a handle to signal it while it runs. The binary comes from FW_CLI
 * (tests/run_tests.sh points it at the build folder's flopwatt). */
#ifndef FW_TEST_CLI_RUN_H
#define FW_TEST_CLI_RUN_H

#include <stddef.h>
#include <sys/types.h>

typedef struct cli_result {
    int status;       /* exit status, or -1 when the program did not exit normally */
    int signal;       /* the signal that ended it, 0 if none */
    char out[65536];
    char err[8192];
} cli_result;

typedef struct cli_process {
    pid_t pid;
    int out, err;
    char out_name[32], err_name[32];
} cli_process;

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* FW_CLI when it names an executable, NULL otherwise (records the failed check). */
const char *cli_path(void);

/* Runs flopwatt with the NULL-terminated arguments and waits for it. */
void cli_run(cli_result *r, const char *const *args);
/* Starts it without waiting; cli_wait collects it. Returns 0, or -1 if it could not start. */
int cli_start(cli_process *p, const char *const *args);
void cli_wait(cli_process *p, cli_result *r);

/* The arguments joined by spaces, for messages. */
void cli_describe(const char *const *args, char *buf, size_t cap);

/* 1 when s is exactly one non-empty line. */
int cli_one_line(const char *s);

/* Bad input: exit want_status, one line on stderr naming flopwatt, nothing on stdout. */
void cli_expect_error(int want_status, const char *const *args);

#endif
