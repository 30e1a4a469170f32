/* fuzz.h: what every fuzz target of t/fuzz/ shares.
 *
 * A target is one LLVMFuzzerTestOneInput. clang links it with libFuzzer
 * (t/fuzz/build.sh, make fuzz); gcc links it with t/fuzz/regress.c, which
 * replays saved inputs (make check). A target checks the contracts of the
 * headers it calls and calls fuzz_fail when one is broken: a crash with a
 * message, which both drivers report with the input that caused it. */
#ifndef DGCG_FUZZ_H
#define DGCG_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data[0..size) as a NUL-terminated string, malloc'd (caller frees); an
 * embedded NUL ends the string early, as it would in a header. */
char *fuzz_str(const uint8_t *data, size_t size);

/* Reports a broken contract and aborts. */
void fuzz_fail(const char *target, const char *what) __attribute__((noreturn));

#define FUZZ_CHECK(target, cond) do {					\
	if (!(cond))							\
		fuzz_fail((target), #cond);				\
} while (0)

/* Sends the library's log lines to /dev/null at DEBUG (so that every
 * line is still formatted), once. */
void fuzz_quiet_log(void);

#endif
