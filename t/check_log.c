/* check_log.c: the key="value" log format, escaping and the one-line rule. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "base/dgcg.h"
#include "base/log.h"
#include "testutil.h"

#define NFIELDS	32
#define VALSZ	(20 * 1024)

struct field {
	char	key[128];
	char	val[VALSZ];	/* unescaped */
	char	raw[VALSZ];	/* as written, without the quotes */
};

static struct field fields[NFIELDS];

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parses a line of key="value" pairs joined by ", " and ended by exactly
 * one "\n" into fields[]. Returns the number of fields, -1 if malformed.
 */
static int
parse_line(const char *line)
{
	const char *p = line;
	size_t k, v, r;
	int n = 0, hi, lo;

	for (;;) {
		if (n == NFIELDS)
			return -1;
		for (k = 0; *p != '=' && *p != '\0' && k + 1 < sizeof(fields[n].key); p++)
			fields[n].key[k++] = *p;
		fields[n].key[k] = '\0';
		if (k == 0 || p[0] != '=' || p[1] != '"')
			return -1;
		p += 2;
		v = r = 0;
		while (*p != '"') {
			if (*p == '\0' || (unsigned char)*p < 0x20 || *p == 0x7f ||
			    v + 2 > VALSZ || r + 5 > VALSZ)
				return -1;
			if (*p == '\\') {
				fields[n].raw[r++] = *p++;
				if (*p == '"' || *p == '\\') {
					fields[n].raw[r++] = *p;
					fields[n].val[v++] = *p++;
				} else if (*p == 'x' && (hi = hexval(p[1])) >= 0 &&
				    (lo = hexval(p[2])) >= 0) {
					memcpy(fields[n].raw + r, p, 3);
					r += 3;
					fields[n].val[v++] = (char)(hi * 16 + lo);
					p += 3;
				} else
					return -1;
			} else {
				fields[n].raw[r++] = *p;
				fields[n].val[v++] = *p++;
			}
		}
		fields[n].val[v] = '\0';
		fields[n].raw[r] = '\0';
		p++;
		n++;
		if (p[0] == '\n' && p[1] == '\0')
			return n;
		if (p[0] != ',' || p[1] != ' ')
			return -1;
		p += 2;
	}
}

static int
is_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

START_TEST(test_mandatory_fields)
{
	static const char *const order[] = { "timestamp", "level", "hostname", "pid",
	    "traceId", "spanId", "thread", "class", "message", "exception",
	    "dnString", "thumbprint", "empty" };
	char line[4096], host[256], pid[32];
	const char *ts;
	size_t len, i;
	int n;

	dgcg_log_set_trace("d058309145b9f7a3");
	len = dgcg_log_format(line, sizeof(line), DGCG_LOG_INFO, "auth",
	    "Successful Authentication", NULL, "dnString", "C=DE, O=Test",
	    "thumbprint", "abc", "empty", NULL, NULL);
	ck_assert_uint_eq(len, strlen(line));
	ck_assert_ptr_eq(strchr(line, '\n'), line + len - 1);
	n = parse_line(line);
	ck_assert_int_eq(n, (int)(sizeof(order) / sizeof(order[0])));
	for (i = 0; i < (size_t)n; i++)
		ck_assert_str_eq(fields[i].key, order[i]);

	/* 2026-11-22T07:14:23.123Z */
	ts = fields[0].val;
	ck_assert_uint_eq(strlen(ts), 24);
	ck_assert(is_digits(ts, 4) && ts[4] == '-' && is_digits(ts + 5, 2) &&
	    ts[7] == '-' && is_digits(ts + 8, 2) && ts[10] == 'T' &&
	    is_digits(ts + 11, 2) && ts[13] == ':' && is_digits(ts + 14, 2) &&
	    ts[16] == ':' && is_digits(ts + 17, 2) && ts[19] == '.' &&
	    is_digits(ts + 20, 3) && ts[23] == 'Z');

	ck_assert_str_eq(fields[1].val, "INFO");
	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	host[sizeof(host) - 1] = '\0';
	ck_assert_str_eq(fields[2].val, host);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	ck_assert_str_eq(fields[3].val, pid);
	ck_assert_str_eq(fields[4].val, "d058309145b9f7a3");
	ck_assert_str_eq(fields[5].val, "d058309145b9f7a3");
	ck_assert_str_eq(fields[6].val, "main");
	ck_assert_str_eq(fields[7].val, "auth");
	ck_assert_str_eq(fields[8].val, "Successful Authentication");
	ck_assert_str_eq(fields[9].val, "");
	ck_assert_str_eq(fields[10].val, "C=DE, O=Test");
	ck_assert_str_eq(fields[11].val, "abc");
	ck_assert_str_eq(fields[12].val, "");

	/* the literal text around the timestamp */
	ck_assert_int_eq(strncmp(line, "timestamp=\"", 11), 0);
	ck_assert_int_eq(strncmp(line + 35, "\"", 1), 0);
	ck_assert_int_eq(strncmp(line + 36, ", level=\"INFO\", hostname=\"", 26), 0);

	/* NULL class and message become "" */
	dgcg_log_set_trace(NULL);
	dgcg_log_format(line, sizeof(line), DGCG_LOG_ERROR, NULL, NULL, "boom", NULL);
	ck_assert_int_eq(parse_line(line), 10);
	ck_assert_str_eq(fields[1].val, "ERROR");
	ck_assert_str_eq(fields[4].val, "");
	ck_assert_str_eq(fields[5].val, "");
	ck_assert_str_eq(fields[7].val, "");
	ck_assert_str_eq(fields[8].val, "");
	ck_assert_str_eq(fields[9].val, "boom");
}
END_TEST

START_TEST(test_escaping)
{
	char line[4096];

	dgcg_log_format(line, sizeof(line), DGCG_LOG_WARN, "c",
	    "a\"b\\c\nd\re\x01" "f\x1f" "g\x7fh\ti", NULL, NULL);
	ck_assert_int_eq(parse_line(line), 10);
	ck_assert_str_eq(fields[8].raw,
	    "a\\\"b\\\\c\\x0ad\\x0de\\x01f\\x1fg\\x7fh\\x09i");
	ck_assert_str_eq(fields[8].val, "a\"b\\c\nd\re\x01" "f\x1f" "g\x7fh\ti");
	ck_assert_ptr_null(strchr(line, '\r'));
	ck_assert_ptr_eq(strchr(line, '\n'), line + strlen(line) - 1);

	/* valid UTF-8 passes; invalid bytes are escaped one by one */
	dgcg_log_format(line, sizeof(line), DGCG_LOG_INFO, "c",
	    "\xc3\xa9|\xe2\x82\xac|\xf0\x9f\x98\x80|\xff|\xc3|\xc0\xaf|\xed\xa0\x80|"
	    "\xf4\x90\x80\x80|\xe2\x82", NULL, NULL);
	ck_assert_int_eq(parse_line(line), 10);
	ck_assert_str_eq(fields[8].raw,
	    "\xc3\xa9|\xe2\x82\xac|\xf0\x9f\x98\x80|\\xff|\\xc3|\\xc0\\xaf|"
	    "\\xed\\xa0\\x80|\\xf4\\x90\\x80\\x80|\\xe2\\x82");

	/* C1 controls (U+0080..U+009F) are escaped like the C0 ones */
	dgcg_log_format(line, sizeof(line), DGCG_LOG_INFO, "c", "\xc2\x9b" "2J", NULL, NULL);
	ck_assert_int_eq(parse_line(line), 10);
	ck_assert_str_eq(fields[8].raw, "\\xc2\\x9b2J");

	/* keys are reduced to [A-Za-z0-9_.-] */
	dgcg_log_format(line, sizeof(line), DGCG_LOG_INFO, "c", "m", NULL,
	    "bad key=\"x", "v", "", "w", NULL);
	ck_assert_int_eq(parse_line(line), 12);
	ck_assert_str_eq(fields[10].key, "badkeyx");
	ck_assert_str_eq(fields[11].key, "_");
}
END_TEST

START_TEST(test_injection)
{
	char line[4096];

	dgcg_log_format(line, sizeof(line), DGCG_LOG_INFO, "auth", "x\", level=\"ERROR",
	    "\"\n" "timestamp=\"1970", "dnString", "C=DE\", traceId=\"evil\\", NULL);
	ck_assert_int_eq(parse_line(line), 11);
	ck_assert_str_eq(fields[1].val, "INFO");
	ck_assert_str_eq(fields[8].key, "message");
	ck_assert_str_eq(fields[8].val, "x\", level=\"ERROR");
	ck_assert_str_eq(fields[9].val, "\"\n" "timestamp=\"1970");
	ck_assert_str_eq(fields[10].key, "dnString");
	ck_assert_str_eq(fields[10].val, "C=DE\", traceId=\"evil\\");
}
END_TEST

START_TEST(test_trace)
{
	char line[4096], longid[200];

	dgcg_log_set_trace("ab c;d\n-E9\"\\=,\xc3\xa9");
	dgcg_log_format(line, sizeof(line), DGCG_LOG_INFO, "c", "m", NULL, NULL);
	ck_assert_int_eq(parse_line(line), 10);
	ck_assert_str_eq(fields[4].raw, "abcd-E9");
	ck_assert_str_eq(fields[5].raw, "abcd-E9");

	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	dgcg_log_set_trace(longid);
	dgcg_log_format(line, sizeof(line), DGCG_LOG_INFO, "c", "m", NULL, NULL);
	ck_assert_int_eq(parse_line(line), 10);
	ck_assert_uint_eq(strlen(fields[4].val), DGCG_TRACE_MAX);

	dgcg_log_set_trace("");
	dgcg_log_format(line, sizeof(line), DGCG_LOG_INFO, "c", "m", NULL, NULL);
	ck_assert_int_eq(parse_line(line), 10);
	ck_assert_str_eq(fields[4].val, "");
	dgcg_log_set_trace("x");
	dgcg_log_set_trace(NULL);
	dgcg_log_format(line, sizeof(line), DGCG_LOG_INFO, "c", "m", NULL, NULL);
	ck_assert_int_eq(parse_line(line), 10);
	ck_assert_str_eq(fields[5].val, "");
}
END_TEST

START_TEST(test_levels)
{
	ck_assert_int_eq(dgcg_log_level_parse("error"), DGCG_LOG_ERROR);
	ck_assert_int_eq(dgcg_log_level_parse("Warn"), DGCG_LOG_WARN);
	ck_assert_int_eq(dgcg_log_level_parse("INFO"), DGCG_LOG_INFO);
	ck_assert_int_eq(dgcg_log_level_parse("debug"), DGCG_LOG_DEBUG);
	ck_assert_int_eq(dgcg_log_level_parse("WARNING"), DGCG_LOG__MAX);
	ck_assert_int_eq(dgcg_log_level_parse(""), DGCG_LOG__MAX);
	ck_assert_int_eq(dgcg_log_level_parse(NULL), DGCG_LOG__MAX);
	ck_assert_str_eq(dgcg_log_level_name(DGCG_LOG_WARN), "WARN");
	ck_assert_ptr_null(dgcg_log_level_name(DGCG_LOG__MAX));

	/* the default before any open is INFO */
	ck_assert_int_eq(dgcg_log_enabled(DGCG_LOG_INFO), 1);
	ck_assert_int_eq(dgcg_log_enabled(DGCG_LOG_DEBUG), 0);

	ck_assert_int_eq(dgcg_log_open("-", DGCG_LOG_WARN), DGCG_OK);
	ck_assert_int_eq(dgcg_log_enabled(DGCG_LOG_ERROR), 1);
	ck_assert_int_eq(dgcg_log_enabled(DGCG_LOG_WARN), 1);
	ck_assert_int_eq(dgcg_log_enabled(DGCG_LOG_INFO), 0);
	ck_assert_int_eq(dgcg_log_enabled(DGCG_LOG_DEBUG), 0);
	ck_assert_int_eq(dgcg_log_enabled(DGCG_LOG__MAX), 0);
	ck_assert_int_eq(dgcg_log_enabled((enum dgcg_log_level)-1), 0);

	ck_assert_int_eq(dgcg_log_open(NULL, DGCG_LOG_DEBUG), DGCG_OK);
	ck_assert_int_eq(dgcg_log_enabled(DGCG_LOG_DEBUG), 1);
	ck_assert_int_eq(dgcg_log_open(NULL, DGCG_LOG__MAX), DGCG_ERR_INVAL);
	ck_assert_int_eq(dgcg_log_enabled(DGCG_LOG_DEBUG), 1);
	dgcg_log_close();
}
END_TEST

START_TEST(test_file)
{
	char dir[] = "/tmp/check_log.XXXXXX", path[512], bad[600], *buf, *p;
	size_t len;
	int lines = 0;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/dgcg.log", dir);
	snprintf(bad, sizeof(bad), "%s/missing/dgcg.log", dir);
	ck_assert_int_eq(dgcg_log_open(bad, DGCG_LOG_INFO), DGCG_ERR_IO);

	ck_assert_int_eq(dgcg_log_open(path, DGCG_LOG_INFO), DGCG_OK);
	dgcg_log_set_trace("t1");
	dgcg_log(DGCG_LOG_INFO, "test", "first\nline", NULL, "k", "v\r\n", NULL);
	dgcg_log(DGCG_LOG_DEBUG, "test", "filtered", NULL, NULL);
	dgcg_log(DGCG_LOG_ERROR, "test", "second", "exc\n\tat x", NULL);
	/* reopening appends */
	ck_assert_int_eq(dgcg_log_open(path, DGCG_LOG_INFO), DGCG_OK);
	dgcg_log(DGCG_LOG_WARN, "test", "third", NULL, NULL);
	dgcg_log_close();
	dgcg_log_set_trace(NULL);

	buf = test_slurp(path, &len);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_gt(len, 0);
	ck_assert_int_eq(buf[len - 1], '\n');
	for (p = buf; p < buf + len; p = strchr(p, '\n') + 1) {
		char one[4096];
		size_t l = (size_t)(strchr(p, '\n') - p) + 1;

		ck_assert_uint_lt(l, sizeof(one));
		memcpy(one, p, l);
		one[l] = '\0';
		ck_assert_int_ge(parse_line(one), 10);
		ck_assert_str_eq(fields[4].val, "t1");
		lines++;
	}
	ck_assert_int_eq(lines, 3);
	ck_assert_ptr_null(strstr(buf, "filtered"));
	ck_assert_ptr_nonnull(strstr(buf, "message=\"first\\x0aline\""));
	ck_assert_ptr_nonnull(strstr(buf, "k=\"v\\x0d\\x0a\"\n"));
	free(buf);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(test_truncation)
{
	static char big[100 * 1024], line[64 * 1024];
	char small[16];
	size_t len;
	int n;

	memset(big, '"', sizeof(big) - 1);
	len = dgcg_log_format(line, sizeof(line), DGCG_LOG_INFO, "c", big, big,
	    "after", "x", NULL);
	ck_assert_uint_le(len, 16 * 1024);
	ck_assert_uint_eq(len, strlen(line));
	ck_assert_ptr_eq(strchr(line, '\n'), line + len - 1);
	n = parse_line(line);
	ck_assert_int_ge(n, 9);
	ck_assert_str_eq(fields[8].key, "message");
	ck_assert_uint_gt(strlen(fields[8].raw), 1000);
	ck_assert_int_eq(strcmp(fields[8].raw + strlen(fields[8].raw) - 3, "..."), 0);

	memset(big, 'a', sizeof(big) - 1);
	len = dgcg_log_format(line, sizeof(line), DGCG_LOG_INFO, "c", "m", NULL,
	    "a", big, "b", big, "c", big, NULL);
	ck_assert_uint_le(len, 16 * 1024);
	ck_assert_int_ge(parse_line(line), 11);

	/* a short buffer gets a NUL-terminated prefix */
	len = dgcg_log_format(small, sizeof(small), DGCG_LOG_INFO, "c", "m", NULL, NULL);
	ck_assert_uint_eq(len, sizeof(small) - 1);
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	ck_assert_uint_eq(dgcg_log_format(small, 0, DGCG_LOG_INFO, "c", "m", NULL, NULL), 0);
}
END_TEST

Suite *make_log_suite(void);

Suite *
make_log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_mandatory_fields);
	tcase_add_test(tc, test_escaping);
	tcase_add_test(tc, test_injection);
	tcase_add_test(tc, test_trace);
	tcase_add_test(tc, test_levels);
	tcase_add_test(tc, test_file);
	tcase_add_test(tc, test_truncation);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_log_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
