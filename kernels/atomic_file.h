/* Files that appear whole or not at all: written to a temporary file in the same folder,
 * flushed, then renamed over the name. Internal to flopwatt (profiles, results, the tuner's
 * files), not part of the public API. */
#ifndef FW_ATOMIC_FILE_H
#define FW_ATOMIC_FILE_H

#include <stddef.h>

/* Writes len bytes of data to path atomically. Returns 0, or -1 with a one-line reason
 * (errno's text and the path) in why; no temporary file is left behind. */
int fw_atomic_write(const char *path, const void *data, size_t len, char *why, size_t wlen);

/* Writes all len bytes to fd, going on after short writes and EINTR. Returns 0, or -1 with
 * errno set. */
int fw_write_all(int fd, const void *data, size_t len);

/* Creates the folder and its parents (mode 0777 & ~umask). Returns 0 or -1 with the reason. */
int fw_make_dirs(const char *path, char *why, size_t wlen);

#endif
