/* testutil.h: paths and small helpers shared by the Check programs. */
#ifndef DGCG_TESTUTIL_H
#define DGCG_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The shared public data folder: $DGCG_SHARED, else ../shared beside the
 * source tree (DGCG_SRCDIR), else ../shared. */
static inline const char *
test_shared(void)
{
	static char buf[4096];
	const char *e = getenv("DGCG_SHARED");

	if (e != NULL && *e != '\0')
		return e;
	e = getenv("DGCG_SRCDIR");
	snprintf(buf, sizeof(buf), "%.3900s/../shared", e != NULL ? e : ".");
	return buf;
}

/* The test data folder: $DGCG_TESTDATA, else <shared>/testdata. */
static inline const char *
test_data(void)
{
	static char buf[4096];
	const char *e = getenv("DGCG_TESTDATA");

	if (e != NULL && *e != '\0')
		return e;
	snprintf(buf, sizeof(buf), "%.3900s/testdata", test_shared());
	return buf;
}

/* Reads a whole file; returns malloc'd bytes (NUL-terminated) or NULL. */
static inline char *
test_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n + 4097 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			if (buf == NULL) {
				fclose(f);
				return NULL;
			}
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

#endif
