/* regress.c: replays saved inputs through one fuzz target, without
 * libFuzzer, so that make check (gcc, AddressSanitizer) runs every crash
 * input kept in t/fuzz/regress/<target>/ and a few seeds (t/fuzz/regress.sh).
 *
 *   regress_<target> FILE|DIR...
 *
 * Each file is one input, passed in a buffer of exactly its size. A
 * directory stands for its files (not recursive, sorted, dot files left
 * out). Prints the number of inputs; a broken contract or a sanitizer
 * report aborts, after the name of the input on stderr. Exit 0, or 2 on
 * usage and I/O errors. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "base/xmalloc.h"

static unsigned long count;

static int
run_file(const char *path)
{
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "regress: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = xrealloc(buf, cap);
		}
		n = fread(buf + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	if (ferror(f)) {
		fprintf(stderr, "regress: %s: read error\n", path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	/* an exact-size copy, so that a read past the end is caught */
	{
		unsigned char *in = xmalloc(len > 0 ? len : 1);

		if (len > 0)
			memcpy(in, buf, len);
		free(buf);
		fprintf(stderr, "regress: %s\n", path);
		(void)LLVMFuzzerTestOneInput(in, len);
		free(in);
	}
	count++;
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
run_dir(const char *dir)
{
	struct dirent *de;
	char **names = NULL, *path;
	size_t n = 0, i;
	int rc = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "regress: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		if (run_file(path) != 0)
			rc = -1;
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	struct stat st;
	int i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "regress: %s: %s\n", argv[i], strerror(errno));
			rc = 2;
		} else if (S_ISDIR(st.st_mode)) {
			if (run_dir(argv[i]) != 0)
				rc = 2;
		} else if (run_file(argv[i]) != 0)
			rc = 2;
	}
	printf("%s: %lu inputs\n", argv[0], count);
	return rc;
}
