/* Files that appear whole or not at all: written to a temporary file in the same folder,
 * flushed, then renamed over the name. */
#ifndef BENCH_ATOMIC_FILE_H
#define BENCH_ATOMIC_FILE_H

#include <stddef.h>

/* Writes len bytes of data to path atomically. Returns 0, or -1 with a one-line reason
 * (errno's text and the path) in why; no temporary file is left behind. */
int atomic_write(const char *path, const void *data, size_t len, char *why, size_t wlen);

/* Writes all len bytes to fd, going on after short writes and EINTR. Returns 0, or -1 with
 * errno set. */
int write_all(int fd, const void *data, size_t len);

/* Creates the folder and its parents (mode 0777 & ~umask). Returns 0 or -1 with the reason. */
int make_dirs(const char *path, char *why, size_t wlen);

#endif
