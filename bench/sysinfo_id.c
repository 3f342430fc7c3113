#include "sysinfo_id.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Trademark marks say nothing about the machine and would only lengthen the id. */
static size_t mark_length(const char *p)
{
    static const char *marks[] = {"(r)", "(tm)"};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (strncasecmp(p, marks[i], strlen(marks[i])) == 0)
            return strlen(marks[i]);
    return 0;
}

size_t sysinfo_slug(const char *text, char *out, size_t cap)
{
    size_t n = 0;
    int dash = 0;
    if (cap == 0)
        return 0;
    for (const char *p = text ? text : ""; *p && n + 1 < cap;) {
        size_t skip = mark_length(p);
        if (skip) {
            p += skip;
            dash = 1;
            continue;
        }
        unsigned char c = (unsigned char)*p++;
        if (!(isalnum(c) && c < 0x80) && c != '.' && c != '_') {
            dash = 1;
            continue;
        }
        if (n == 0 && c == '.')
            continue; /* a leading dot would hide the folder */
        if (dash && n > 0) {
            out[n++] = '-';
            if (n + 1 >= cap)
                break;
        }
        dash = 0;
        out[n++] = (char)tolower(c);
    }
    while (n > 0 && out[n - 1] == '-')
        n--;
    out[n] = '\0';
    if (n == 0) {
        snprintf(out, cap, "unknown");
        return strlen(out);
    }
    return n;
}

int sysinfo_id_valid(const char *id)
{
    size_t len = id ? strlen(id) : 0;
    /* The result writer refuses any ".." in a folder name: so does this. */
    if (len == 0 || len >= SYSINFO_ID_MAX || strcmp(id, ".") == 0 || strstr(id, ".."))
        return 0;
    for (const char *p = id; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!(isalnum(c) && c < 0x80) && c != '.' && c != '_' && c != '-')
            return 0;
    }
    return 1;
}

/* [a-z0-9-]+ over [s, end), and whether a character of the class want occurs. */
static int instance_part(const char *s, const char *end, int (*want)(int))
{
    int seen = 0;
    if (s == end)
        return 0;
    for (; s < end; s++) {
        unsigned char c = (unsigned char)*s;
        if (!(islower(c) || isdigit(c) || c == '-'))
            return 0;
        seen |= want(c) != 0;
    }
    return seen;
}

int sysinfo_instance_like(const char *s)
{
    const char *dot = s ? strchr(s, '.') : NULL;
    if (!dot || strchr(dot + 1, '.') || !islower((unsigned char)s[0]))
        return 0;
    return instance_part(s, dot, isdigit) && instance_part(dot + 1, dot + strlen(dot), islower);
}

int sysinfo_dmi_product_name(const char *root, char *out, size_t cap)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/sys/devices/virtual/dmi/id/product_name", root ? root : "");
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[256];
    int ok = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    if (!ok)
        return -1;
    size_t len = strlen(line);
    while (len > 0 && isspace((unsigned char)line[len - 1]))
        line[--len] = '\0';
    if (len == 0)
        return -1;
    snprintf(out, cap, "%s", line);
    return 0;
}

void sysinfo_identity_read(const char *root, const fw_cpu_id *cpu, sysinfo_identity *out)
{
    memset(out, 0, sizeof *out);
    const char *instance = getenv("FLOPWATT_INSTANCE");
    int have_dmi = sysinfo_dmi_product_name(root, out->dmi_product_name,
                                            sizeof out->dmi_product_name) == 0;
    if (instance && *instance) {
        snprintf(out->instance_type, sizeof out->instance_type, "%s", instance);
        out->instance_source = "FLOPWATT_INSTANCE";
    } else if (have_dmi && sysinfo_instance_like(out->dmi_product_name)) {
        snprintf(out->instance_type, sizeof out->instance_type, "%s", out->dmi_product_name);
        out->instance_source = "dmi";
    }

    const char *given = getenv("FLOPWATT_MACHINE_ID");
    if (given && *given && sysinfo_id_valid(given)) {
        for (size_t i = 0; given[i]; i++)
            out->machine_id[i] = (char)tolower((unsigned char)given[i]);
        out->machine_id_source = "FLOPWATT_MACHINE_ID";
        return;
    }
    if (given && *given)
        snprintf(out->machine_id_note, sizeof out->machine_id_note,
                 "FLOPWATT_MACHINE_ID is not a safe folder name (1 to %d of A-Z a-z 0-9 . _ -); "
                 "the derived id is used",
                 SYSINFO_ID_MAX - 1);
    if (out->instance_source) {
        sysinfo_slug(out->instance_type, out->machine_id, sizeof out->machine_id);
        out->machine_id_source = "instance_type";
        return;
    }
    /* Cloud VMs often show a bare "AMD EPYC" for every generation: the x86 family and model
     * (hex, as the vendors' manuals write them) keep a Zen 3 and a Zen 5 VM apart. */
    char suffix[64];
    int len = cpu->family >= 0
                  ? snprintf(suffix, sizeof suffix, "-f%02x-m%02x-%dcpu", (unsigned)cpu->family,
                             (unsigned)cpu->model, cpu->logical_cpus)
                  : snprintf(suffix, sizeof suffix, "-%dcpu", cpu->logical_cpus);
    /* The suffix (family, model, CPU count) stays whole when a long model name is cut. */
    sysinfo_slug(cpu->model_name, out->machine_id, sizeof out->machine_id - (size_t)len);
    strcat(out->machine_id, suffix);
    out->machine_id_source = "cpu_model";
}
