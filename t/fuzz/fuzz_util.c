/* fuzz_util.c: helpers shared by the fuzz targets (fuzz.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "base/log.h"
#include "base/xmalloc.h"

char *
fuzz_str(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

void
fuzz_fail(const char *target, const char *what)
{
	fprintf(stderr, "fuzz_%s: contract broken: %s\n", target, what);
	abort();
}

void
fuzz_quiet_log(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	if (dgcg_log_open("/dev/null", DGCG_LOG_DEBUG) != DGCG_OK)
		fuzz_fail("util", "dgcg_log_open(/dev/null)");
}
