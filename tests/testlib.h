/* A minimal test harness: each test program counts checks and ends with
 * "N passed, N failed"; tests/run_tests.sh adds the programs' lines up. */
#ifndef FW_TESTLIB_H
#define FW_TESTLIB_H

#include <stdio.h>

extern int fw_test_passed, fw_test_failed;

/* Records one check; on failure prints where and why. Returns the condition. */
int fw_test_check(int ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define CHECK(cond, ...) fw_test_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* Prints the closing line and returns the exit status for main. */
int fw_test_summary(void);

/* Deterministic pseudo-random numbers for test data (xorshift64*). */
void fw_test_seed(unsigned long long seed);
double fw_test_uniform(void);          /* in [-1, 1) */
int fw_test_int(int lo, int hi);       /* in [lo, hi] */

#endif
