/* Scratch folders for the tests: made under /tmp, looked into, and removed with all they
 * hold. */
#ifndef FW_TEST_SCRATCH_H
#define FW_TEST_SCRATCH_H

#include <stddef.h>

/* Makes a new folder /tmp/flopwatt-<tag>-XXXXXX and puts its name in buf. Returns 0, or -1
 * with errno saying why. */
int scratch_dir(char *buf, size_t len, const char *tag);

/* Removes dir and everything below it, links not followed. Returns nothing; a tree that
 * stays is reported on stderr. */
void scratch_remove(const char *dir);

/* The entries of a folder, "." and ".." aside; -1 when it cannot be opened. */
int scratch_entries(const char *dir);

/* The lines of a file (its '\n' count); -1 when it cannot be read. */
int scratch_lines(const char *path);

#endif
