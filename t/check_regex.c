/* check_regex.c: the ECMA-262 pattern subset: the schema's own patterns,
 * search semantics, anchors, groups, classes, quantifiers with
 * backtracking, and -1 for what the subset does not have. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "base/regex.h"

Suite *make_regex_suite(void);

struct rcase {
	const char	*pat;
	const char	*s;
	size_t		 len;	/* 0: strlen(s) */
	int		 want;
};

static void
run(const struct rcase *c, size_t n)
{
	size_t i, len;

	for (i = 0; i < n; i++) {
		len = c[i].len ? c[i].len : strlen(c[i].s);
		ck_assert_msg(dgcg_regex_search(c[i].pat, c[i].s, len) == c[i].want,
		    "/%s/ on \"%s\" (%zu bytes): want %d", c[i].pat, c[i].s, len, c[i].want);
	}
}

#define SEMVER "^\\d+\\.\\d+\\.\\d+$"
#define DATETIME_RE "^\\d{4}-[01]\\d-[0-3]\\dT[0-2]\\d:[0-5]\\d:[0-5]\\d([-+][0-2]\\d:[0-5]\\d|Z)$"

/* The patterns of dgc-gateway-validation-rule.schema.json. */
START_TEST(schema_patterns)
{
	static const struct rcase c[] = {
		{ "^(GR|VR|TR|RR|IR)-[A-Z]{2}-\\d{4}$", "GR-EU-0001", 0, 1 },
		{ "^(GR|VR|TR|RR|IR)-[A-Z]{2}-\\d{4}$", "IR-DE-9999", 0, 1 },
		{ "^(GR|VR|TR|RR|IR)-[A-Z]{2}-\\d{4}$", "XR-EU-0001", 0, 0 },
		{ "^(GR|VR|TR|RR|IR)-[A-Z]{2}-\\d{4}$", "GR-EU-001", 0, 0 },
		{ "^(GR|VR|TR|RR|IR)-[A-Z]{2}-\\d{4}$", "GR-EU-00011", 0, 0 },
		{ "^(GR|VR|TR|RR|IR)-[A-Z]{2}-\\d{4}$", "GR-eu-0001", 0, 0 },
		{ "^(GR|VR|TR|RR|IR)-[A-Z]{2}-\\d{4}$", "GR-EUX-0001", 0, 0 },
		{ "^[A-Z]{2}$", "EU", 0, 1 },
		{ "^[A-Z]{2}$", "EUX", 0, 0 },
		{ "^[A-Z]{2}$", "E", 0, 0 },
		{ "^[A-Z]{2}$", "E\0", 2, 0 },		/* NUL never matches */
		{ "^[A-Z]{2}$", "\xc3\x84U", 0, 0 },	/* A-umlaut is no [A-Z] */
		{ "^[A-Z0-9]{0,5}$", "", 0, 1 },
		{ "^[A-Z0-9]{0,5}$", "BW", 0, 1 },
		{ "^[A-Z0-9]{0,5}$", "AB1C2", 0, 1 },
		{ "^[A-Z0-9]{0,5}$", "XXXXXX", 0, 0 },
		{ "^[A-Z0-9]{0,5}$", "bw", 0, 0 },
		{ SEMVER, "1.0.0", 0, 1 },
		{ SEMVER, "10.20.30", 0, 1 },
		{ SEMVER, "1.0.0.0", 0, 0 },
		{ SEMVER, "10", 0, 0 },
		{ SEMVER, "1.2.3.aaaaa", 0, 0 },
		{ SEMVER, "1x0.0", 0, 0 },		/* \. is a dot, not any character */
		{ SEMVER, "1.0.0\n", 0, 0 },		/* $ is the end, not before \n */
		{ SEMVER, "1.0.\xd9\xa3", 0, 0 },	/* U+0663 is no \d */
		{ "^([a-z]{2}|[a-z]{2}-[a-z]{2})$", "en", 0, 1 },
		{ "^([a-z]{2}|[a-z]{2}-[a-z]{2})$", "de-at", 0, 1 },
		{ "^([a-z]{2}|[a-z]{2}-[a-z]{2})$", "en-", 0, 0 },
		{ "^([a-z]{2}|[a-z]{2}-[a-z]{2})$", "EN", 0, 0 },
		{ "^en$", "en", 0, 1 },
		{ "^en$", "de", 0, 0 },
		{ DATETIME_RE, "2021-06-01T00:00:00Z", 0, 1 },
		{ DATETIME_RE, "2030-06-01T00:00:00+01:00", 0, 1 },
		{ DATETIME_RE, "2030-06-01T00:00:00-23:59", 0, 1 },
		{ DATETIME_RE, "2021-06-01T00:00:00.000Z", 0, 0 },
		{ DATETIME_RE, "2021-06-01t00:00:00Z", 0, 0 },
		{ DATETIME_RE, "2021-06-01T00:00:00z", 0, 0 },
		{ DATETIME_RE, "2021-06-01T00:00:00", 0, 0 },
		{ DATETIME_RE, "2021-06-01T00:00:00Z\n", 0, 0 },
		{ DATETIME_RE, "2021-26-01T00:00:00Z", 0, 0 },
	};

	run(c, sizeof(c) / sizeof(c[0]));
}
END_TEST

/* Not anchored: a match anywhere counts; ^ and $ are the ends only. */
START_TEST(search_semantics)
{
	static const struct rcase c[] = {
		{ "b", "abc", 0, 1 },
		{ "^b", "abc", 0, 0 },
		{ "b$", "ab", 0, 1 },
		{ "b$", "abc", 0, 0 },
		{ "", "", 0, 1 },
		{ "", "x", 0, 1 },
		{ "^$", "", 0, 1 },
		{ "^$", "x", 0, 0 },
		{ "$", "abc", 0, 1 },		/* matches at the end */
		{ "a^b", "a^b", 0, 0 },		/* ^ is an assertion, not a literal */
		{ "c", "abc", 2, 0 },		/* len bounds the value */
		{ "b$", "abc", 2, 1 },
		{ "E", "\0E", 2, 1 },		/* the search goes past a NUL */
		{ "^E", "\0E", 2, 0 },
		{ "\\d{2}", "x12y", 0, 1 },
		{ "\\d{3}", "x12y3", 0, 0 },
		{ "\\.", "a.b", 0, 1 },
		{ "\\.", "ab", 0, 0 },
	};

	run(c, sizeof(c) / sizeof(c[0]));
}
END_TEST

START_TEST(groups_and_alternation)
{
	static const struct rcase c[] = {
		{ "a|b", "xb", 0, 1 },
		{ "a|b", "xy", 0, 0 },
		{ "^a|b$", "ax", 0, 1 },	/* (^a)|(b$) */
		{ "^a|b$", "xb", 0, 1 },
		{ "^a|b$", "ba", 0, 0 },
		{ "^(a|b)$", "ba", 0, 0 },
		{ "^(a|b)c$", "bc", 0, 1 },
		{ "^((a|b)c|d)$", "ac", 0, 1 },
		{ "^((a|b)c|d)$", "d", 0, 1 },
		{ "^((a|b)c|d)$", "dc", 0, 0 },
		{ "^(|a)b$", "b", 0, 1 },
		{ "^(|a)b$", "ab", 0, 1 },
		{ "^(|a)b$", "aab", 0, 0 },
		{ "^(ab|a)b$", "ab", 0, 1 },	/* backtracks into the second branch */
		{ "^(a)(b)(c)$", "abc", 0, 1 },
		{ "^([)]|x)$", ")", 0, 1 },	/* a ) in a class does not close */
		{ "^(\\)|x)$", ")", 0, 1 },
		{ "^(\\||x)$", "|", 0, 1 },
		{ "^[|]$", "|", 0, 1 },		/* nor does a | in a class split */
	};

	run(c, sizeof(c) / sizeof(c[0]));
}
END_TEST

START_TEST(quantifiers)
{
	static const struct rcase c[] = {
		{ "^a{3}$", "aaa", 0, 1 },
		{ "^a{3}$", "aa", 0, 0 },
		{ "^a{3}$", "aaaa", 0, 0 },
		{ "^a{2,}$", "aa", 0, 1 },
		{ "^a{2,}$", "aaaaaa", 0, 1 },
		{ "^a{2,}$", "a", 0, 0 },
		{ "^a{1,2}$", "a", 0, 1 },
		{ "^a{1,2}$", "aaa", 0, 0 },
		{ "^a{0}b$", "b", 0, 1 },
		{ "^a+$", "", 0, 0 },
		{ "^a+$", "aaa", 0, 1 },
		{ "^a*$", "", 0, 1 },
		{ "^a*$", "aab", 0, 0 },
		{ "^ab?c$", "ac", 0, 1 },
		{ "^ab?c$", "abc", 0, 1 },
		{ "^ab?c$", "abbc", 0, 0 },
		/* greedy, then backing off */
		{ "^a*ab$", "aaab", 0, 1 },
		{ "^\\d+\\d{2}$", "123", 0, 1 },
		{ "^\\d+\\d{2}$", "12", 0, 0 },
		{ "^[a-z]*[a-c]{2}x$", "zzabx", 0, 1 },
		/* quantified classes and escapes */
		{ "^[0-9]{2}-\\d+$", "12-345", 0, 1 },
		{ "^\\-+$", "---", 0, 1 },
	};

	run(c, sizeof(c) / sizeof(c[0]));
}
END_TEST

START_TEST(classes_and_escapes)
{
	static const struct rcase c[] = {
		{ "^[abc]$", "b", 0, 1 },
		{ "^[abc]$", "d", 0, 0 },
		{ "^[a-cx-z]$", "y", 0, 1 },
		{ "^[a-cx-z]$", "m", 0, 0 },
		{ "^[a-]$", "-", 0, 1 },	/* - last is a literal */
		{ "^[-a]$", "-", 0, 1 },	/* - first too */
		{ "^[-+]$", "+", 0, 1 },
		{ "^[\\d]$", "7", 0, 1 },
		{ "^[\\dA-F]+$", "9F0", 0, 1 },
		{ "^[\\dA-F]+$", "9G", 0, 0 },
		{ "^[\\]]$", "]", 0, 1 },
		{ "^[\\-]$", "-", 0, 1 },
		{ "^[.]$", ".", 0, 1 },		/* . in a class is a dot */
		{ "^[.]$", "x", 0, 0 },
		{ "^[]$", "", 0, 0 },		/* the empty class matches nothing */
		{ "^\\/\\\\\\^\\$\\|\\(\\)\\[\\]\\{\\}\\+\\*\\?$", "/\\^$|()[]{}+*?", 0, 1 },
		{ "^]$", "]", 0, 1 },		/* a lone ] is a literal */
		{ "^[\\]|]+$", "]|", 0, 1 },	/* an escaped ] does not end the class */
		{ "^([\\])]|x)$", ")", 0, 1 },
		{ "^[+--]$", ",", 0, 1 },	/* a range may end in - */
		{ "^[\\.-z]$", "a", 0, 1 },	/* or start with an escape */
		{ "^[a\\-z]$", "-", 0, 1 },	/* an escaped - is no range */
		{ "^[a\\-z]$", "b", 0, 0 },
	};

	run(c, sizeof(c) / sizeof(c[0]));
}
END_TEST

/* Outside the subset: -1. */
START_TEST(unsupported)
{
	static const struct rcase c[] = {
		{ ".", "a", 0, -1 },
		{ "^.$", "a", 0, -1 },
		{ "\\w", "a", 0, -1 },
		{ "\\s", " ", 0, -1 },
		{ "\\b", "a", 0, -1 },
		{ "[^a]", "b", 0, -1 },
		{ "(ab)+", "ab", 0, -1 },
		{ "(ab){2}", "abab", 0, -1 },
		{ "(a)?", "a", 0, -1 },
		{ "(?:a)", "a", 0, -1 },
		{ "(?=a)", "a", 0, -1 },
		{ "(a", "a", 0, -1 },
		{ "a)", "a", 0, -1 },
		{ "*a", "a", 0, -1 },
		{ "a+?", "a", 0, -1 },		/* lazy */
		{ "a**", "a", 0, -1 },
		{ "^*", "a", 0, -1 },
		{ "a{", "b", 0, -1 },
		{ "}", "}", 0, -1 },
		{ "\xc3\xa9", "\xc3\xa9", 0, -1 },	/* non-ASCII literal */
		{ "\\", "a", 0, -1 },		/* a \ that ends the pattern */
		{ "[a", "a", 0, -1 },
		{ "a[", "a", 0, -1 },
		{ "(a|[)", "a", 0, -1 },
	};

	run(c, sizeof(c) / sizeof(c[0]));
}
END_TEST

/* The whole pattern is checked first: -1 whatever the value, also where the
 * search would stop before the unsupported part. */
START_TEST(checked_first)
{
	static const char *const bad[] = {
		"x.", "a|.", "^(GR|VR)-\\w$", "^a$|(?:b)", "a{", "a{,5}", "a{2,1}", "a{-1}",
		"a{ 2}", "a{+2}", "a{2", "a{2,", "a{2,3", "a{70000}", "a{1,70000}", "a{1234567}",
		"[\\w]", "[\\x]", "[\\b]", "[a-\\d]", "[a-\\]]", "[z-a]", "[\xc3\xa9]",
		"[a-\xc3]", "(ab)*", "((a)+)", "a)",
	};
	static const char *const values[] = { "", "a", "x", "GR-EU", "b", "aa" };
	size_t i, j;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (j = 0; j < sizeof(values) / sizeof(values[0]); j++)
			ck_assert_msg(dgcg_regex_search(bad[i], values[j], strlen(values[j])) == -1,
			    "/%s/ on \"%s\"", bad[i], values[j]);
	/* the largest count is fine */
	ck_assert_int_eq(dgcg_regex_search("^a{0,65535}$", "aaa", 3), 1);
	ck_assert_int_eq(dgcg_regex_search("^a{65535,}$", "aaa", 3), 0);
	ck_assert_int_eq(dgcg_regex_search("^a{002}$", "aa", 2), 1);
}
END_TEST

/* Backtracking stays usable on long values for the schema's patterns. */
START_TEST(long_values)
{
	size_t len = 100000;
	char *s = malloc(len + 1);

	memset(s, '1', len);
	s[len] = '\0';
	ck_assert_int_eq(dgcg_regex_search(SEMVER, s, len), 0);
	ck_assert_int_eq(dgcg_regex_search("^[A-Z0-9]{0,5}$", s, len), 0);
	ck_assert_int_eq(dgcg_regex_search("\\d{4}$", s, len), 1);
	s[len / 2] = '.';
	s[len / 2 + 2] = '.';
	ck_assert_int_eq(dgcg_regex_search(SEMVER, s, len), 1);
	free(s);
}
END_TEST

Suite *
make_regex_suite(void)
{
	Suite *s = suite_create("regex");
	TCase *tc;

	tc = tcase_create("subset");
	tcase_add_test(tc, schema_patterns);
	tcase_add_test(tc, search_semantics);
	tcase_add_test(tc, groups_and_alternation);
	tcase_add_test(tc, quantifiers);
	tcase_add_test(tc, classes_and_escapes);
	tcase_add_test(tc, unsupported);
	tcase_add_test(tc, checked_first);
	tcase_add_test(tc, long_values);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_regex_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
