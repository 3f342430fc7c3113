/* flopwatt info: this machine as every result file describes it. */
#include <stdio.h>
#include <stdlib.h>

#include "args.h"
#include "cli.h"
#include "sysinfo.h"
#include "sysinfo_id.h"

int cmd_info(int argc, char **argv)
{
    int as_json = 0, no_measure = 0, quick = 0;
    opt_spec specs[] = {
        {"json", OPT_FLAG, &as_json, NULL, 0, 0, "print the JSON object that result files embed"},
        {"no-measure", OPT_FLAG, &no_measure, NULL, 0, 0, "skip the FMA peak and bandwidth measurements"},
        {"quick", OPT_FLAG, &quick, NULL, 0, 0, "shorter measurements"},
    };
    int rc = args_parse("info", "info [--json] [--no-measure] [--quick]", argc, argv, specs,
                        (int)(sizeof specs / sizeof specs[0]));
    if (rc)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    /* The id names the results folder: a bad one is refused here rather than replaced
     * without the user noticing. */
    const char *given = getenv("FLOPWATT_MACHINE_ID");
    if (given && *given && !sysinfo_id_valid(given)) {
        cli_error("info", "FLOPWATT_MACHINE_ID '%s' is not a safe folder name: use 1 to %d of "
                  "A-Z a-z 0-9 . _ - (not . or ..)", given, SYSINFO_ID_MAX - 1);
        return EXIT_USAGE;
    }
    sysinfo_opts o = {.measure = !no_measure, .quick = quick};
    json_t *info = sysinfo_collect(&o);
    if (!info) {
        cli_error("info", "out of memory while collecting the machine description");
        return EXIT_FAILED;
    }
    int status = EXIT_OK;
    if (as_json) {
        char *text = json_dumps(info, JSON_INDENT(2));
        if (text)
            printf("%s\n", text);
        else {
            cli_error("info", "cannot write the machine description as JSON");
            status = EXIT_FAILED;
        }
        free(text);
    } else {
        sysinfo_print(info, stdout);
    }
    json_decref(info);
    return status;
}
