/* flopwatt validate: reads result files and checks them against the schema
 * (results/README.md), one line per file. */
#include <stdio.h>

#include "args.h"
#include "cli.h"
#include "results.h"

static const char synopsis[] = "validate FILE...";

int cmd_validate(int argc, char **argv)
{
    /* Arguments starting with '-' are options (only --help exists); the rest are files. */
    int nfiles = 0;
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] != '-') {
            nfiles++;
            continue;
        }
        int rc = args_parse("validate", synopsis, 1, argv + i, NULL, 0);
        if (rc)
            return rc > 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (nfiles == 0) {
        cli_error("validate", "no result file given (usage: flopwatt %s)", synopsis);
        return EXIT_USAGE;
    }
    int status = EXIT_OK;
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] == '-')
            continue;
        bench_run run;
        char why[1024];
        bench_run_init(&run);
        if (results_read(argv[i], &run, why, sizeof why) != 0) {
            cli_error("validate", "%s", why);
            status = EXIT_FAILED;
            continue;
        }
        printf("%s: valid, %d record%s (%s%s)\n", argv[i], run.nrecords,
               run.nrecords == 1 ? "" : "s", run.complete ? "complete" : "incomplete: ",
               run.complete ? "" : run.incomplete_reason);
        bench_run_free(&run);
    }
    return status;
}
