/* Small pieces the energy backends share: reading one-line files of /sys and /proc, and
 * growing a one-line description. */
#ifndef BENCH_ENERGY_TEXT_H
#define BENCH_ENERGY_TEXT_H

#include <stddef.h>

/* Reads the first line of a small file (without its newline) into buf. Returns 0, or the
 * errno value that stopped it (ENOENT, EACCES, EISDIR...). */
int energy_read_line(const char *path, char *buf, size_t len);

/* An unsigned decimal number filling all of s. Returns 0, or -1 when s is not one. */
int energy_parse_u64(const char *s, unsigned long long *out);

/* Appends printf-style text to the string in buf (cut at len - 1 bytes). */
void energy_appendf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
