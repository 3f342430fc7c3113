#include "cli_support.h"

#include <stdio.h>
#include <string.h>

#include "args.h"

volatile sig_atomic_t cli_stop_signal;

static void on_signal(int sig) { cli_stop_signal = sig; }

void cli_catch_stop_signals(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND; /* a second Ctrl-C ends the program at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int cli_open_meter(const char *cmd, const char *name, energy_meter *m)
{
    if (strcmp(name, "none") == 0)
        return 0;
    energy_env env;
    energy_env_default(&env);
    if (strcmp(name, "auto") != 0) {
        char why[256];
        if (energy_backend_find(name)->open(&env, m, why, sizeof why) != 0) {
            cli_error(cmd, "--energy %s: %s", name, why);
            return -1;
        }
        return 1;
    }
    energy_status st[16] = {{0}};
    int n = energy_open_cpu(&env, m, st, 16);
    if (n < 0) {
        /* No meter and no model row for this CPU: go on without energy, and say why. */
        fprintf(stderr, "energy: none can be measured or modeled here; no energy figures\n");
        for (int i = 0; i < 16 && st[i].name; i++)
            fprintf(stderr, "  %s: %s\n", st[i].name, st[i].why);
        return 0;
    }
    if (!m->measured) {
        fprintf(stderr, "energy: no meter can be read here; figures are a MODEL estimate "
                        "(%s)\n", m->detail);
        for (int i = 0; i < n; i++)
            if (!st[i].available)
                fprintf(stderr, "  %s: %s\n", st[i].name, st[i].why);
    } else {
        fprintf(stderr, "energy: %s, domain %s (%s)\n", m->source, m->domain, m->detail);
    }
    return 1;
}
