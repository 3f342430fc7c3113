#include "cli_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

const char *cli_path(void)
{
    const char *cli = getenv("FW_CLI");
    /* Without the CLI nothing here could run, which is a failure, not a pass. */
    if (!CHECK(cli && access(cli, X_OK) == 0,
               "FW_CLI (%s) is not an executable; build it with make cli", cli ? cli : "unset"))
        return NULL;
    return cli;
}

static void slurp(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    lseek(fd, 0, SEEK_SET);
    for (ssize_t r; n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0;)
        n += (size_t)r;
    buf[n] = '\0';
}

int cli_start(cli_process *p, const char *const *args)
{
    const char *cli = getenv("FW_CLI");
    const char *argv[64];
    int n = 0;
    argv[n++] = cli ? cli : "flopwatt";
    for (; args[n - 1] && n < 63; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    snprintf(p->out_name, sizeof p->out_name, "/tmp/fw_cli_outXXXXXX");
    snprintf(p->err_name, sizeof p->err_name, "/tmp/fw_cli_errXXXXXX");
    p->out = mkstemp(p->out_name);
    p->err = mkstemp(p->err_name);
    p->pid = -1;
    if (p->out < 0 || p->err < 0 || !cli)
        return -1;
    fflush(stdout);
    fflush(stderr);
    p->pid = fork();
    if (p->pid == 0) {
        dup2(p->out, 1);
        dup2(p->err, 2);
        execv(cli, (char *const *)argv);
        _exit(127);
    }
    return p->pid > 0 ? 0 : -1;
}

void cli_wait(cli_process *p, cli_result *r)
{
    int st = 0;
    r->status = -1;
    r->signal = 0;
    r->out[0] = r->err[0] = '\0';
    if (p->pid > 0 && waitpid(p->pid, &st, 0) == p->pid) {
        if (WIFEXITED(st))
            r->status = WEXITSTATUS(st);
        else if (WIFSIGNALED(st))
            r->signal = WTERMSIG(st);
    }
    if (p->out >= 0) {
        slurp(p->out, r->out, sizeof r->out);
        close(p->out);
        unlink(p->out_name);
    }
    if (p->err >= 0) {
        slurp(p->err, r->err, sizeof r->err);
        close(p->err);
        unlink(p->err_name);
    }
}

void cli_run(cli_result *r, const char *const *args)
{
    cli_process p;
    cli_start(&p, args);
    cli_wait(&p, r);
}

int cli_one_line(const char *s)
{
    size_t len = strlen(s);
    return len > 1 && s[len - 1] == '\n' && strchr(s, '\n') == s + len - 1;
}

void cli_describe(const char *const *args, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (int i = 0; args[i]; i++) {
        strncat(buf, args[i], cap - strlen(buf) - 2);
        strncat(buf, " ", cap - strlen(buf) - 1);
    }
}

void cli_expect_error(int want_status, const char *const *args)
{
    static cli_result r;
    char what[300];
    cli_describe(args, what, sizeof what);
    cli_run(&r, args);
    CHECK(r.status == want_status, "'%s': exit %d, expected %d (stderr: %s)", what, r.status,
          want_status, r.err);
    CHECK(cli_one_line(r.err), "'%s': stderr is not one line: [%s]", what, r.err);
    CHECK(strncmp(r.err, "flopwatt", 8) == 0, "'%s': error does not start with flopwatt: %s",
          what, r.err);
    CHECK(r.out[0] == '\0', "'%s': stdout not empty on error: %s", what, r.out);
}
