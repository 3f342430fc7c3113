/* What the long-running subcommands (bench, tune) share: stopping on a signal between
 * measurements, and opening the energy meter --energy names. */
#ifndef BENCH_CLI_SUPPORT_H
#define BENCH_CLI_SUPPORT_H

#include <signal.h>

#include "energy.h"

/* The number of the SIGINT or SIGTERM that arrived, 0 until one does. */
extern volatile sig_atomic_t cli_stop_signal;

/* From now on SIGINT and SIGTERM set cli_stop_signal; a second one ends the program at
 * once. */
void cli_catch_stop_signals(void);

/* Opens the meter name says: "none", "auto" (the first CPU backend that works, the model
 * last) or a backend name (known: checked by the caller). Returns 1 with *m open, 0 for no
 * meter, -1 after an error printed as cmd's. Says on stderr which meter measures, that a
 * model is a model, and why the better ones could not be read. */
int cli_open_meter(const char *cmd, const char *name, energy_meter *m);

#endif
