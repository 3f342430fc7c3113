#include "testlib.h"

#include <stdarg.h>

int fw_test_passed, fw_test_failed;

int fw_test_check(int ok, const char *file, int line, const char *fmt, ...)
{
    if (ok) {
        fw_test_passed++;
        return 1;
    }
    fw_test_failed++;
    fprintf(stdout, "FAIL %s:%d: ", file, line);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
    return 0;
}

int fw_test_summary(void)
{
    printf("%d passed, %d failed\n", fw_test_passed, fw_test_failed);
    return fw_test_failed ? 1 : 0;
}

static unsigned long long rng_state = 0x9E3779B97F4A7C15ull;

void fw_test_seed(unsigned long long seed) { rng_state = seed ? seed : 0x9E3779B97F4A7C15ull; }

static unsigned long long next_u64(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

double fw_test_uniform(void) { return (double)(next_u64() >> 11) * 0x1.0p-52 - 1.0; }

int fw_test_int(int lo, int hi) { return lo + (int)(next_u64() % (unsigned long long)(hi - lo + 1)); }
