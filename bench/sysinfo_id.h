/* Who this machine is, as a name: the machine id (the folder its results go to under
 * results/) and the cloud instance type when one is known. Pure functions where possible;
 * what reads files takes the root prefix of the paths ("" for the real system, a fixture
 * tree in tests). */
#ifndef BENCH_SYSINFO_ID_H
#define BENCH_SYSINFO_ID_H

#include <stddef.h>

#include "cpu_id.h"

#define SYSINFO_ID_MAX 128

/* Lower-case slug of text: letters and digits kept, '.' and '_' kept, "(R)" "(TM)"
 * marks dropped, every other run of characters one '-', no leading '.' or '-', no
 * trailing '-'. "unknown" when nothing is left. Returns the length written (cut to cap-1). */
size_t sysinfo_slug(const char *text, char *out, size_t cap);

/* 1 when id can be used as it is for a folder name: 1 to SYSINFO_ID_MAX-1 characters of
 * [A-Za-z0-9._-], not "." or "..". */
int sysinfo_id_valid(const char *id);

/* 1 when s has the form of a cloud instance type, family.size ("c7g.large",
 * "m5.2xlarge", "u-6tb1.metal"): a family of lower-case letters, digits and '-' that
 * contains a digit, one '.', a size that contains a letter. Board names ("Standard PC
 * (Q35 + ICH9, 2009)", "KVM") do not match. */
int sysinfo_instance_like(const char *s);

/* The DMI product name, <root>/sys/devices/virtual/dmi/id/product_name, trimmed. Returns
 * 0, or -1 when it cannot be read or is empty. */
int sysinfo_dmi_product_name(const char *root, char *out, size_t cap);

typedef struct sysinfo_identity {
    char machine_id[SYSINFO_ID_MAX];
    const char *machine_id_source; /* "FLOPWATT_MACHINE_ID", "instance_type", "cpu_model" */
    char machine_id_note[256];     /* why FLOPWATT_MACHINE_ID was not used; "" otherwise */
    char instance_type[256];       /* "" when unknown */
    const char *instance_source;   /* "FLOPWATT_INSTANCE", "dmi", or NULL when unknown */
    char dmi_product_name[256];    /* "" when unreadable */
} sysinfo_identity;

/* Fills *out from FLOPWATT_MACHINE_ID and FLOPWATT_INSTANCE (environment), the DMI product
 * name under root, and cpu (model name, x86 family and model, logical CPU count). An invalid
 * FLOPWATT_MACHINE_ID is not used: the derived id is, and the note says why. */
void sysinfo_identity_read(const char *root, const fw_cpu_id *cpu, sysinfo_identity *out);

#endif
