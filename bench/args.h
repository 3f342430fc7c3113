/* Command-line options of the subcommands: a table per subcommand, "--name value" or
 * "--name=value", and one-line errors. */
#ifndef BENCH_ARGS_H
#define BENCH_ARGS_H

#include <stddef.h>

/* Exit statuses of every subcommand. */
enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

typedef enum {
    OPT_FLAG,   /* int *: set to 1, takes no value */
    OPT_INT,    /* int *: integer in [min, max] */
    OPT_DOUBLE, /* double *: finite number in [min, max] */
    OPT_CHOICE, /* int *: index of the value in choices, "s|d" style */
    OPT_STRING, /* const char **: the value as given */
} opt_type;

typedef struct opt_spec {
    const char *name; /* without the leading "--" */
    opt_type type;
    void *dest;
    const char *choices; /* OPT_CHOICE: values separated by '|' */
    double min, max;     /* OPT_INT and OPT_DOUBLE */
    const char *help;
} opt_spec;

/* Parses argv[0..argc) (the subcommand's own arguments) against specs. Returns 0 when all
 * parsed, 1 when --help was asked (the help is printed on stdout), or -1 after printing a
 * one-line error on stderr. */
int args_parse(const char *cmd, const char *synopsis, int argc, char **argv,
               const opt_spec *specs, int nspecs);

/* Prints "flopwatt <cmd>: <message>" as one line on stderr: control characters from user
 * input are replaced so the message never spans lines. cmd may be NULL. */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses a whole decimal integer in [min, max]; returns 0, or -1 when s is not one. */
int parse_long(const char *s, long min, long max, long *out);

/* Parses a comma-separated list of integers in [min, max] into out[0..cap); returns the
 * count, or -1 when the list is malformed or too long. */
int parse_int_list(const char *s, int min, int max, int *out, int cap);

#endif
