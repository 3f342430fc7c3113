/* The tuned profile of this process, chosen once at the first call that needs it (rules in
 * flopwatt.h, fw_profile_in_use). A drop-in BLAS library must not talk: only a profile the
 * user named and that cannot be used is reported, in one line on stderr; folders are searched
 * in silence, and whatever in them does not fit this machine is passed over. */
#include "fw_internal.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The Makefile passes the source tree's results/tuned and the install folder. */
#ifndef FW_PROFILE_DIRS
#define FW_PROFILE_DIRS ""
#endif

static fw_profile loaded;
static char loaded_path[PATH_MAX];
static int have_profile;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

/* Reads path into loaded when it is a profile made for this machine; else -1 and why in
 * msg ("profile <path>: <reason>"; msg may be NULL). */
static int use_profile(const char *path, const fw_fingerprint *here, char *msg, size_t len)
{
    fw_profile p;
    if (fw_profile_read(path, &p, msg, len) != 0)
        return -1;
    char why[384];
    if (fw_fingerprint_compare(here, &p.machine, why, sizeof why) != 0) {
        if (msg)
            snprintf(msg, len, "profile %s: made for another machine: %s", path, why);
        return -1;
    }
    loaded = p;
    snprintf(loaded_path, sizeof loaded_path, "%s", path);
    have_profile = 1;
    return 0;
}

/* *.json, as a shell would list it: no hidden files (temporary files of a writer start with
 * '.'). */
static int is_json_name(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

/* Byte order, the same whatever the locale. */
static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Uses the first *.json of dir, in name order, that reads and matches; 0 when one did. */
static int scan_folder(const char *dir, const fw_fingerprint *here)
{
    struct dirent **names;
    int n = scandir(dir, &names, is_json_name, by_name);
    if (n < 0)
        return -1;
    int found = -1;
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX];
        int len = snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        if (found < 0 && len > 0 && (size_t)len < sizeof path)
            found = use_profile(path, here, NULL, 0);
        free(names[i]);
    }
    free(names);
    return found;
}

static void load(void)
{
    const char *named = getenv("FLOPWATT_PROFILE");
    if (named && (!*named || strcmp(named, "none") == 0))
        return;
    fw_fingerprint here;
    fw_machine_fingerprint(&here);
    if (named) {
        char msg[PATH_MAX + 512];
        if (use_profile(named, &here, msg, sizeof msg) != 0)
            fprintf(stderr, "flopwatt: ignoring %s; using the model defaults\n", msg);
        return;
    }
    const char *dirs = getenv("FLOPWATT_PROFILE_DIRS");
    if (!dirs)
        dirs = FW_PROFILE_DIRS;
    while (*dirs) {
        size_t n = strcspn(dirs, ":");
        char dir[PATH_MAX];
        if (n > 0 && n < sizeof dir) {
            memcpy(dir, dirs, n);
            dir[n] = '\0';
            if (scan_folder(dir, &here) == 0)
                return;
        }
        dirs += n;
        if (*dirs == ':')
            dirs++;
    }
}

const fw_profile *fw_profile_loaded(void)
{
    pthread_once(&load_once, load);
    return have_profile ? &loaded : NULL;
}

const char *fw_profile_in_use(void)
{
    return fw_profile_loaded() ? loaded_path : NULL;
}
