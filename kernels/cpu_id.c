#include "cpu_id.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "key<tabs>: value" -> value, when the line's key is key. */
static const char *field(const char *line, const char *key)
{
    size_t n = strlen(key);
    if (strncmp(line, key, n) != 0)
        return NULL;
    const char *p = line + n;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != ':')
        return NULL;
    p++;
    while (*p == ' ')
        p++;
    return p;
}

static void copy_value(char *dst, size_t cap, const char *v)
{
    snprintf(dst, cap, "%s", v);
    dst[strcspn(dst, "\n")] = '\0';
}

/* Names of the Arm cores that cloud machines use (implementer 0x41); others print as
 * their MIDR numbers. */
static const char *arm_part_name(int implementer, int part)
{
    static const struct { int part; const char *name; } arm[] = {
        {0xd08, "Arm Cortex-A72"}, {0xd0c, "Arm Neoverse N1"}, {0xd40, "Arm Neoverse V1"},
        {0xd49, "Arm Neoverse N2"}, {0xd4f, "Arm Neoverse V2"}, {0xd84, "Arm Neoverse V3"},
    };
    if (implementer == 0x41)
        for (size_t i = 0; i < sizeof arm / sizeof arm[0]; i++)
            if (arm[i].part == part)
                return arm[i].name;
    return NULL;
}

int fw_cpu_id_read(const char *root, fw_cpu_id *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->vendor, sizeof out->vendor, "unknown");
    snprintf(out->model_name, sizeof out->model_name, "unknown");
    out->family = out->model = out->stepping = -1;
    out->arm_implementer = out->arm_part = -1;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    out->logical_cpus = online > 0 ? (int)online : 1;

    char path[4096];
    snprintf(path, sizeof path, "%s/proc/cpuinfo", root ? root : "");
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[1024];
    int processors = 0;
    const char *v;
    while (fgets(line, sizeof line, f)) {
        if (field(line, "processor"))
            processors++;
        if (processors > 1)
            continue; /* the first CPU describes them all */
        if ((v = field(line, "vendor_id")))
            copy_value(out->vendor, sizeof out->vendor, v);
        else if ((v = field(line, "model name")))
            copy_value(out->model_name, sizeof out->model_name, v);
        else if ((v = field(line, "cpu family")))
            out->family = atoi(v);
        else if ((v = field(line, "model")))
            out->model = atoi(v);
        else if ((v = field(line, "stepping")))
            out->stepping = atoi(v);
        else if ((v = field(line, "CPU implementer")))
            out->arm_implementer = (int)strtol(v, NULL, 0);
        else if ((v = field(line, "CPU part")))
            out->arm_part = (int)strtol(v, NULL, 0);
    }
    fclose(f);
    if (root && root[0] && processors > 0)
        out->logical_cpus = processors; /* a fixture describes its own machine */
    if (out->arm_implementer >= 0) {
        snprintf(out->vendor, sizeof out->vendor, "ARM");
        const char *name = arm_part_name(out->arm_implementer, out->arm_part);
        if (name)
            snprintf(out->model_name, sizeof out->model_name, "%s", name);
        else if (strcmp(out->model_name, "unknown") == 0)
            snprintf(out->model_name, sizeof out->model_name,
                     "Arm implementer 0x%02x part 0x%03x", out->arm_implementer,
                     out->arm_part);
    }
    return 0;
}
