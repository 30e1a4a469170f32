/* ruleschema_cli.c: the C side of the differential schema test.
 *
 *   ruleschema_cli FILE...   one line per file: "A" (accepted) or "R<TAB>reason"
 *   ruleschema_cli -         the same for records read from stdin, each
 *                            "<decimal length>\n<that many bytes>"
 *
 * Accepted means what POST /rules accepts at check 4: dgcg_rule_json_check
 * returns DGCG_OK. Exit 0, or 2 on an I/O or input-format error. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/ruleschema.h"

static void
judge(const char *buf, size_t len)
{
	char details[1024];
	size_t i;

	if (dgcg_rule_json_check(buf, len, NULL, details, sizeof(details)) == DGCG_OK) {
		puts("A");
		return;
	}
	for (i = 0; details[i] != '\0'; i++)
		if (details[i] == '\n' || details[i] == '\t')
			details[i] = ' ';
	printf("R\t%s\n", details);
}

static char *
slurp(FILE *f, size_t *len)
{
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	for (;;) {
		if (n + 4096 > cap) {
			cap = cap ? cap * 2 : 65536;
			if ((buf = realloc(buf, cap)) == NULL)
				return NULL;
		}
		if ((r = fread(buf + n, 1, cap - n, f)) == 0)
			break;
		n += r;
	}
	*len = n;
	return buf;
}

int
main(int argc, char *argv[])
{
	char *buf, line[64], *end;
	size_t len;
	unsigned long want;
	FILE *f;
	int i;

	if (argc == 2 && strcmp(argv[1], "-") == 0) {
		while (fgets(line, sizeof(line), stdin) != NULL) {
			want = strtoul(line, &end, 10);
			if (end == line || *end != '\n' || want > 64UL * 1024 * 1024)
				return 2;
			if ((buf = malloc(want + 1)) == NULL)
				return 2;
			if (want > 0 && fread(buf, 1, want, stdin) != want) {
				free(buf);
				return 2;
			}
			judge(buf, want);
			free(buf);
		}
		return fflush(stdout) == 0 ? 0 : 2;
	}
	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return 2;
		}
		buf = slurp(f, &len);
		fclose(f);
		if (buf == NULL)
			return 2;
		judge(buf, len);
		free(buf);
	}
	return fflush(stdout) == 0 ? 0 : 2;
}
