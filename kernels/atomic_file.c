#include "atomic_file.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary file sits in the target's folder, so rename never crosses file systems,
 * and starts with '.' so listings of result folders (and the profile loader) skip it. */
static int temp_name(const char *path, char *tmp, size_t len)
{
    const char *slash = strrchr(path, '/');
    int n = slash ? snprintf(tmp, len, "%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1)
                  : snprintf(tmp, len, ".%s.XXXXXX", path);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

int fw_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* mkstemp creates files readable by their owner only; a file gets the mode any new file
 * would (0666 less the umask). The umask is read from /proc, not by setting it: umask()
 * changes it for every thread of the process, and the library (which writes profiles) cannot
 * know what the application's threads are doing. */
static mode_t new_file_mode(void)
{
    unsigned mask = 022; /* the usual umask, where /proc does not tell */
    FILE *f = fopen("/proc/self/status", "re");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "Umask: %o", &mask) == 1)
                break;
        fclose(f);
    }
    return 0666 & ~(mode_t)mask;
}

int fw_atomic_write(const char *path, const void *data, size_t len, char *why, size_t wlen)
{
    char tmp[PATH_MAX];
    if (!*path) {
        snprintf(why, wlen, "cannot write a file with an empty name");
        return -1;
    }
    if (temp_name(path, tmp, sizeof tmp) != 0) {
        snprintf(why, wlen, "cannot write %s: %s", path, strerror(ENAMETOOLONG));
        return -1;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(why, wlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    int failed = fw_write_all(fd, data, len) != 0 || fchmod(fd, new_file_mode()) != 0 ||
                 fsync(fd) != 0;
    int err = errno;
    if (close(fd) != 0 && !failed) {
        failed = 1;
        err = errno;
    }
    if (!failed && rename(tmp, path) != 0) {
        failed = 1;
        err = errno;
    }
    if (failed) {
        unlink(tmp);
        snprintf(why, wlen, "cannot write %s: %s", path, strerror(err));
        return -1;
    }
    return 0;
}

/* mkdir that accepts a folder already there; errno is left set on failure. */
static int make_one(const char *dir)
{
    if (mkdir(dir, 0777) == 0)
        return 0;
    if (errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(dir, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int fw_make_dirs(const char *path, char *why, size_t wlen)
{
    char dir[PATH_MAX];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof dir) {
        errno = len ? ENAMETOOLONG : ENOENT;
        snprintf(why, wlen, "cannot create folder '%.64s': %s", path, strerror(errno));
        return -1;
    }
    memcpy(dir, path, len + 1);
    /* Each parent in turn, then the folder itself; a parent that exists as a file makes
     * the next step fail with ENOTDIR, which names the right problem. */
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(dir, 0777);
        int err = errno;
        *p = '/';
        if (rc != 0 && err != EEXIST) {
            *p = '\0';
            snprintf(why, wlen, "cannot create folder %s: %s", dir, strerror(err));
            errno = err;
            return -1;
        }
    }
    if (make_one(dir) != 0) {
        int err = errno;
        snprintf(why, wlen, "cannot create folder %s: %s", dir, strerror(err));
        errno = err;
        return -1;
    }
    return 0;
}
