/* check_rules.c: the pure parts of lib/rules.c: SemVer order, the time
 * checks with the reference's durations, the rule-id split of the delete
 * endpoint and the version window of GET /rules/{country}. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "domain/rules.h"
#include "base/timefmt.h"

Suite *make_rules_suite(void);

static int
cmp(const char *a, const char *b)
{
	int c = 99;

	ck_assert_int_eq(dgcg_semver_cmp(a, b, &c), DGCG_OK);
	return c;
}

START_TEST(semver_numeric)
{
	ck_assert_int_eq(cmp("1.0.0", "1.0.0"), 0);
	ck_assert_int_lt(cmp("0.9.0", "1.0.0"), 0);
	ck_assert_int_gt(cmp("10.0.0", "9.9.9"), 0);	/* not string order */
	ck_assert_int_gt(cmp("1.10.0", "1.9.0"), 0);
	ck_assert_int_gt(cmp("1.0.10", "1.0.9"), 0);
	ck_assert_int_eq(cmp("01.0.0", "1.0.0"), 0);
	ck_assert_int_gt(cmp("100000000000000000000.0.0", "99999999999999999999.0.0"), 0);
	ck_assert_int_lt(cmp("1.0.0", "1.0.1"), 0);
}
END_TEST

START_TEST(semver_bad)
{
	static const char *const bad[] = { "1.0", "1", "1.0.0.0", "1.0.0-rc1", "v1.0.0", "1..0",
		"", "1.0.", " 1.0.0", "1.0.0 ", "1.a.0" };
	size_t i;
	int c;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(dgcg_semver_cmp(bad[i], "1.0.0", &c), DGCG_ERR_PARSE);
		ck_assert_int_eq(dgcg_semver_cmp("1.0.0", bad[i], &c), DGCG_ERR_PARSE);
	}
	ck_assert_int_eq(dgcg_semver_cmp(NULL, "1.0.0", &c), DGCG_ERR_PARSE);
}
END_TEST

#define H 3600L
#define D (24 * H)

static enum dgcg_err
times(enum dgcg_rule_type t, long from, long to, const long *prev, char *d)
{
	const time_t now = 1700000000;
	time_t p = prev != NULL ? now + *prev : 0;

	return dgcg_rules_check_times(t, now + from, now + to, now, prev != NULL ? &p : NULL, d,
	    512);
}

START_TEST(time_checks)
{
	char d[512];
	long prev;

	/* the reference's dummy: from +3 d, to +7 d */
	ck_assert_int_eq(times(DGCG_RULE_ACCEPTANCE, 3 * D, 7 * D, NULL, d), DGCG_OK);
	/* 9a: to must be strictly after from */
	ck_assert_int_eq(times(DGCG_RULE_ACCEPTANCE, 3 * D, 3 * D, NULL, d), DGCG_ERR_INVAL);
	ck_assert_ptr_nonnull(strstr(d, "needs to be before ValidTo"));
	ck_assert_int_eq(times(DGCG_RULE_ACCEPTANCE, 3 * D, 2 * D, NULL, d), DGCG_ERR_INVAL);
	/* 9b: at most 14 days ahead (4 weeks refused, exactly 14 d accepted) */
	ck_assert_int_eq(times(DGCG_RULE_ACCEPTANCE, 28 * D, 35 * D, NULL, d), DGCG_ERR_INVAL);
	ck_assert_ptr_nonnull(strstr(d, "more than 2 weeks in future"));
	ck_assert_int_eq(times(DGCG_RULE_ACCEPTANCE, 14 * D, 20 * D, NULL, d), DGCG_OK);
	ck_assert_int_eq(times(DGCG_RULE_ACCEPTANCE, 14 * D + 1, 20 * D, NULL, d), DGCG_ERR_INVAL);
	/* 9c: Acceptance at least 48 h ahead */
	ck_assert_int_eq(times(DGCG_RULE_ACCEPTANCE, 48 * H, 48 * H + 72 * H, NULL, d), DGCG_OK);
	ck_assert_int_eq(times(DGCG_RULE_ACCEPTANCE, 48 * H - 1, 10 * D, NULL, d), DGCG_ERR_INVAL);
	ck_assert_ptr_nonnull(strstr(d, "at least 48h in future"));
	ck_assert_int_eq(times(DGCG_RULE_ACCEPTANCE, 0, 10 * D, NULL, d), DGCG_ERR_INVAL);
	/* 9d: Invalidation not in the past */
	ck_assert_int_eq(times(DGCG_RULE_INVALIDATION, 2, 4 * D, NULL, d), DGCG_OK);
	ck_assert_int_eq(times(DGCG_RULE_INVALIDATION, 0, 4 * D, NULL, d), DGCG_OK);
	ck_assert_int_eq(times(DGCG_RULE_INVALIDATION, -1, 4 * D, NULL, d), DGCG_ERR_INVAL);
	ck_assert_ptr_nonnull(strstr(d, "needs to be in future for Invalidation"));
	/* 9e: 72 h of validity; TXR-2878: 71 h refused */
	ck_assert_int_eq(times(DGCG_RULE_ACCEPTANCE, 3 * D, 6 * D - 1, NULL, d), DGCG_ERR_INVAL);
	ck_assert_str_eq(d, "Rule Validity must be at least 72h but is 71h");
	ck_assert_int_eq(times(DGCG_RULE_ACCEPTANCE, 3 * D, 3 * D + 71 * H, NULL, d),
	    DGCG_ERR_INVAL);
	ck_assert_int_eq(times(DGCG_RULE_ACCEPTANCE, 3 * D, 6 * D, NULL, d), DGCG_OK);
	/* 9f: not before the previous version's ValidFrom */
	prev = 3 * D;
	ck_assert_int_eq(times(DGCG_RULE_ACCEPTANCE, 3 * D - 1, 7 * D, &prev, d), DGCG_ERR_INVAL);
	ck_assert_ptr_nonnull(strstr(d, "of previous version of the rule"));
	ck_assert_int_eq(times(DGCG_RULE_ACCEPTANCE, 3 * D, 7 * D, &prev, d), DGCG_OK);
	prev = -30 * D;
	ck_assert_int_eq(times(DGCG_RULE_ACCEPTANCE, 3 * D, 7 * D, &prev, d), DGCG_OK);
}
END_TEST

/* Instants, not strings: +01:00 and Z that name the same instant. */
START_TEST(time_offsets)
{
	time_t a, b, now;
	char d[512];

	ck_assert_int_eq(dgcg_time_parse_iso("2030-06-10T01:00:00+01:00", &a, NULL), DGCG_OK);
	ck_assert_int_eq(dgcg_time_parse_iso("2030-06-10T00:00:00Z", &b, NULL), DGCG_OK);
	ck_assert_int_eq((long long)a, (long long)b);
	/* "2030-06-13T00:30:00+01:00" is 71.5 h after b: refused, though its
	 * text sorts after "2030-06-13T00:00:00Z" */
	ck_assert_int_eq(dgcg_time_parse_iso("2030-06-13T00:30:00+01:00", &a, NULL), DGCG_OK);
	now = b - 3 * D;
	ck_assert_int_eq(dgcg_rules_check_times(DGCG_RULE_ACCEPTANCE, b, a, now, NULL, d, sizeof(d)),
	    DGCG_ERR_INVAL);
	ck_assert_int_eq(dgcg_time_parse_iso("2030-06-13T01:00:00+01:00", &a, NULL), DGCG_OK);
	ck_assert_int_eq(dgcg_rules_check_times(DGCG_RULE_ACCEPTANCE, b, a, now, NULL, d, sizeof(d)),
	    DGCG_OK);
}
END_TEST

static const char *
idcc(const char *id)
{
	static char cc[16];

	if (!dgcg_rules_id_country(id, strlen(id), cc, sizeof(cc)))
		return NULL;
	return cc;
}

START_TEST(id_split)
{
	ck_assert_str_eq(idcc("GR-EU-0001"), "EU");
	ck_assert_str_eq(idcc("GR-EU-11100"), "EU");
	ck_assert_str_eq(idcc("IR-DE-0001"), "DE");
	ck_assert_str_eq(idcc("\"IR-EU-0001\""), "EU");	/* quotes are part of the id */
	ck_assert_str_eq(idcc("GR-EU-0001-"), "EU");	/* Java drops trailing empties */
	ck_assert_str_eq(idcc("GR-EU-0001--"), "EU");
	ck_assert_str_eq(idcc("-EU-0001"), "EU");
	ck_assert_str_eq(idcc("GR-EU-0001\n"), "EU");
	ck_assert_str_eq(idcc("GR-\xc3\x84\xc3\x96-1"), "\xc3\x84\xc3\x96");	/* 2 UTF-16 units */
	ck_assert_str_eq(idcc("GR-\xf0\x9f\x98\x80-1"), "\xf0\x9f\x98\x80");	/* one pair = 2 */
	ck_assert_ptr_null(idcc("XXXX-TESST-!!!!!"));
	ck_assert_ptr_null(idcc("GR-EU"));
	ck_assert_ptr_null(idcc("GR-EU-"));
	ck_assert_ptr_null(idcc("GR--EU"));
	ck_assert_ptr_null(idcc("GR-EU-00-01"));
	ck_assert_ptr_null(idcc(""));
	ck_assert_ptr_null(idcc("---"));
	ck_assert_ptr_null(idcc("GR-E-0001"));
}
END_TEST

/* Runs the window over valid_from offsets (seconds from t0), returns the
 * chosen indexes as a string like "4,3,2". */
static const char *
window(const long *vf, size_t n, long now)
{
	static char out[128];
	struct dgcg_rule_row rows[16];
	size_t idx[16], k, i, o = 0;

	for (i = 0; i < n; i++) {
		rows[i].id = (long long)(i + 1);
		rows[i].valid_from = 1600000000 + vf[i];
	}
	k = dgcg_rules_window(rows, n, 1600000000 + now, idx);
	out[0] = '\0';
	for (i = 0; i < k; i++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%zu", i ? "," : "", idx[i]);
	return out;
}

/* reference-gateway.md 5.3: versions valid from 21.6 12:00, 21.6 14:00,
 * 23.6 18:00, 24.6 09:00, 25.6 10:00 (hours from 21.6 00:00). */
START_TEST(window_worked_example)
{
	static const long vf[5] = { 12 * H, 14 * H, 2 * D + 18 * H, 3 * D + 9 * H, 4 * D + 10 * H };

	ck_assert_str_eq(window(vf, 5, -3 * D), "4,3,2,1,0");		/* 18.6: all five */
	ck_assert_str_eq(window(vf, 5, 2 * D + 22 * H), "4,3,2");	/* 23.6 22:00: last three */
	ck_assert_str_eq(window(vf, 5, 6 * D), "4");			/* 27.6: only the last */
	/* boundaries: at a ValidFrom exactly, that version counts as valid */
	ck_assert_str_eq(window(vf, 5, 2 * D + 18 * H), "4,3,2");
	ck_assert_str_eq(window(vf, 5, 2 * D + 18 * H - 1), "4,3,2,1");
	ck_assert_str_eq(window(vf, 5, 4 * D + 10 * H), "4");
	ck_assert_str_eq(window(vf, 0, 0), "");
}
END_TEST

/* ValidationRuleIntegrationTest's download cases. */
START_TEST(window_reference_tests)
{
	static const long a[2] = { -1 * D, 2 * D }, b[2] = { -4 * D, -2 * D },
	    c[3] = { 1 * D, 2 * D, 3 * D };

	ck_assert_str_eq(window(a, 2, 0), "1,0");
	ck_assert_str_eq(window(b, 2, 0), "1");
	ck_assert_str_eq(window(c, 3, 0), "2,1,0");
	/* an older version valid later than a newer one (uploads only forbid
	 * ValidFrom going backwards, but rows can come from SQL) */
	{
		static const long e[3] = { -5 * D, 3 * D, 1 * D };

		ck_assert_str_eq(window(e, 3, 0), "2,1,0");
	}
}
END_TEST

Suite *
make_rules_suite(void)
{
	Suite *s = suite_create("rules");
	TCase *tc;

	tc = tcase_create("semver");
	tcase_add_test(tc, semver_numeric);
	tcase_add_test(tc, semver_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("times");
	tcase_add_test(tc, time_checks);
	tcase_add_test(tc, time_offsets);
	suite_add_tcase(s, tc);

	tc = tcase_create("ids_and_window");
	tcase_add_test(tc, id_split);
	tcase_add_test(tc, window_worked_example);
	tcase_add_test(tc, window_reference_tests);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_rules_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
