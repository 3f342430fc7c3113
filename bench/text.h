/* Messages that quote file names, paths or file contents stay on one line. */
#ifndef BENCH_TEXT_H
#define BENCH_TEXT_H

/* Replaces every control character of s (newlines included) with '?', in place. */
void text_one_line(char *s);

#endif
