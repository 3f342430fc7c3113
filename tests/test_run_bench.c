/* make bench's driver (bench/run_bench.sh) against stand-in commands: what it installs, as
 * root or through sudo, what it tells a user who can do neither, whether it tunes first
 * (only when no tuned profile matches, and never with TUNE=0), and the flopwatt commands
 * it runs with the make variables turned into options. The stand-ins log their arguments,
 * so nothing is installed, built or tuned. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scratch.h"
#include "testlib.h"

static char dir[64];

static void write_script(const char *name, const char *body)
{
    char path[256];
    snprintf(path, sizeof path, "%s/bin/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!CHECK(f != NULL, "create %s", path))
        return;
    fprintf(f, "#!/bin/sh\n%s\n", body);
    fclose(f);
    chmod(path, 0755);
}

static char *slurp(const char *path)
{
    static char buf[16384];
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
    return buf;
}

/* Runs the script with uid as what id -u says and env (assignments) in its environment;
 * returns its exit status, output in out. */
static int run_script(const char *env, const char *uid, const char *sudo_ok, char *out,
                      size_t cap)
{
    char cmd[1024];
    write_script("id", uid);
    write_script("sudo", sudo_ok);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && PATH='%s/bin':\"$PATH\" BUILD='%s/build' QUICK=1 PREC=d THREADS=1 "
             "%s bash bench/run_bench.sh --energy none > '%s/out' 2>&1",
             getenv("FW_SOURCE_DIR"), dir, dir, env, dir);
    int st = system(cmd);
    char path[128];
    snprintf(path, sizeof path, "%s/out", dir);
    snprintf(out, cap, "%s", slurp(path));
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(void)
{
    if (!CHECK(getenv("FW_SOURCE_DIR"), "FW_SOURCE_DIR unset (run through run_tests.sh)"))
        return fw_test_summary();
    if (!CHECK(scratch_dir(dir, sizeof dir, "run-bench") == 0, "mkdtemp"))
        return fw_test_summary();
    char path[128], out[16384];
    snprintf(path, sizeof path, "%s/bin", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/build", dir);
    mkdir(path, 0755);
    /* jansson (required) and PAPI (optional) look missing; everything else is present. */
    write_script("pkg-config", "case \"$*\" in *jansson*|*papi*) exit 1;; esac\n"
                               "exec /usr/bin/pkg-config \"$@\"");
    write_script("apt-get", "echo \"apt-get $*\"");
    write_script("apt-cache", "exit 0");
    write_script("make", "echo \"make $*\"");
    snprintf(path, sizeof path, "%s/build/flopwatt", dir);
    FILE *f = fopen(path, "w");
    if (f) {
        /* tune --check exits FW_STANDIN_CHECK (0: a profile matches), tune --quick exits
         * FW_STANDIN_TUNE. */
        fprintf(f, "#!/bin/sh\necho \"flopwatt $*\"\n"
                   "[ \"$*\" = 'tune --check' ] && exit ${FW_STANDIN_CHECK:-0}\n"
                   "[ \"$*\" = 'tune --quick' ] && exit ${FW_STANDIN_TUNE:-0}\n"
                   "exit 0\n");
        fclose(f);
        chmod(path, 0755);
    }

    int rc = run_script("", "echo 0", "exit 1", out, sizeof out);
    CHECK(rc == 0 && strstr(out, "apt-get install -y --no-install-recommends libjansson-dev libpapi-dev"),
          "as root it installs what is missing: exit %d\n%s", rc, out);
    CHECK(strstr(out, "flopwatt info --no-measure") &&
              strstr(out, "flopwatt bench --quick --prec d --threads 1 --energy none"),
          "runs info, then bench with the make variables as options:\n%s", out);
    CHECK(strstr(out, "flopwatt tune --check") && !strstr(out, "flopwatt tune --quick"),
          "asks whether a profile matches and, as one does, does not tune:\n%s", out);

    rc = run_script("FW_STANDIN_CHECK=1", "echo 0", "exit 1", out, sizeof out);
    const char *check = strstr(out, "flopwatt tune --check");
    const char *tune = check ? strstr(check, "flopwatt tune --quick") : NULL;
    CHECK(rc == 0 && tune && strstr(tune, "flopwatt bench --quick"),
          "no profile matches: tunes on the quick budget, then runs the suite: exit %d\n%s", rc,
          out);

    rc = run_script("TUNE=0 FW_STANDIN_CHECK=1", "echo 0", "exit 1", out, sizeof out);
    CHECK(rc == 0 && !strstr(out, "flopwatt tune") && strstr(out, "flopwatt bench --quick"),
          "TUNE=0: neither checks nor tunes, runs the suite: exit %d\n%s", rc, out);

    rc = run_script("FW_STANDIN_CHECK=1 FW_STANDIN_TUNE=130", "echo 0", "exit 1", out,
                    sizeof out);
    CHECK(rc == 130 && strstr(out, "flopwatt tune --quick") && !strstr(out, "flopwatt bench"),
          "tuning interrupted: stops with its status before the suite: exit %d\n%s", rc, out);

    rc = run_script("", "echo 1000", "[ \"$1\" = -n ] && [ \"$2\" = true ] && exit 0; "
                                 "echo \"sudo $*\"", out, sizeof out);
    CHECK(rc == 0 && strstr(out, "sudo env DEBIAN_FRONTEND=noninteractive apt-get install"),
          "through password-less sudo: exit %d\n%s", rc, out);

    rc = run_script("", "echo 1000", "exit 1", out, sizeof out);
    CHECK(rc == 0 && strstr(out, "to install, run: sudo apt-get install -y libjansson-dev "
                                 "libpapi-dev") && !strstr(out, "apt-get install -y --no"),
          "without root or sudo it prints the command and installs nothing: exit %d\n%s", rc,
          out);

    scratch_remove(dir);
    return fw_test_summary();
}
