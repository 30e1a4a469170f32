/* check_timefmt.c: ISO-8601 and HTTP-date (RFC 9110 section 5.6.7) parsing,
 * the RFC 850 two-digit year, formatting, and the RFC 3339 checks. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "base/timefmt.h"

Suite *make_timefmt_suite(void);

/* 2026-05-10T12:00:00Z, a Sunday: the fixed "now" of the RFC 850 cases. */
#define NOW ((time_t)1778414400)
#define SENTINEL ((time_t)-12345)

/* An ISO-8601 instant the tests trust (checked against constants below). */
static time_t
iso(const char *s)
{
	time_t t = SENTINEL;

	ck_assert_msg(dgcg_time_parse_iso(s, &t, NULL) == DGCG_OK, "iso %s", s);
	return t;
}

/* s parsed as an HTTP-date at now: dgcg_time_parse_http_at and
 * dgcg_time_parse_header_at must agree; on failure *out stays as it was. */
static enum dgcg_err
http_at(const char *s, time_t now, time_t *out)
{
	time_t a = SENTINEL, b = SENTINEL;
	enum dgcg_err ra, rb;

	ra = dgcg_time_parse_http_at(s, now, &a);
	rb = dgcg_time_parse_header_at(s, now, &b);
	ck_assert_msg(ra == DGCG_OK || ra == DGCG_ERR_PARSE, "rc of \"%s\"", s);
	ck_assert_msg(ra == rb, "http and header disagree on \"%s\"", s);
	ck_assert_msg(a == b, "http and header give other times for \"%s\"", s);
	if (ra != DGCG_OK)
		ck_assert_msg(a == SENTINEL, "*out written on failure by \"%s\"", s);
	*out = a;
	return ra;
}

static void
ok_at(const char *s, time_t now, time_t want)
{
	time_t t;

	ck_assert_msg(http_at(s, now, &t) == DGCG_OK, "refused: \"%s\"", s);
	ck_assert_msg(t == want, "\"%s\": %lld, want %lld", s, (long long)t, (long long)want);
}

static void
ok(const char *s, time_t want)
{
	ok_at(s, NOW, want);
}

static void
bad(const char *s)
{
	time_t t;

	ck_assert_msg(http_at(s, NOW, &t) == DGCG_ERR_PARSE, "accepted: \"%s\"", s);
}

/* --- ISO-8601: unchanged ---------------------------------------------------- */

START_TEST(iso_valid)
{
	time_t t = 0;
	long frac = -1;

	ck_assert_int_eq(dgcg_time_parse_iso("2021-05-05T12:54:49Z", &t, &frac), DGCG_OK);
	ck_assert_int_eq((long long)t, 1620219289LL);
	ck_assert_int_eq(frac, 0);
	ck_assert_int_eq(dgcg_time_parse_iso("1994-11-06T08:49:37Z", &t, NULL), DGCG_OK);
	ck_assert_int_eq((long long)t, 784111777LL);
	ck_assert_int_eq(dgcg_time_parse_iso("1994-11-06t10:49:37+02:00", &t, NULL), DGCG_OK);
	ck_assert_int_eq((long long)t, 784111777LL);
	ck_assert_int_eq(dgcg_time_parse_iso("1994-11-06T03:19:37-05:30", &t, NULL), DGCG_OK);
	ck_assert_int_eq((long long)t, 784111777LL);
	ck_assert_int_eq(dgcg_time_parse_iso("1994-11-06T08:49z", &t, NULL), DGCG_OK);
	ck_assert_int_eq((long long)t, 784111740LL);
	ck_assert_int_eq(dgcg_time_parse_iso("2021-07-06T12:00:00.123456789+02:00", &t, &frac),
	    DGCG_OK);
	ck_assert_int_eq(frac, 123456789L);
	ck_assert_int_eq(dgcg_time_parse_iso("2021-07-06T12:00:00,5-05:30", &t, &frac), DGCG_OK);
	ck_assert_int_eq(frac, 500000000L);
	ck_assert_int_eq(dgcg_time_parse_iso("2021-07-06T12:00:00+01:00:30", &t, NULL), DGCG_OK);
	ck_assert_int_eq((long long)t, 1625572800LL - 3630);
	ck_assert_int_eq(dgcg_time_parse_iso("2024-02-29T23:59:59Z", &t, NULL), DGCG_OK);
	ck_assert_int_eq(dgcg_time_parse_iso("9999-12-31T23:59:59-18:00", &t, NULL), DGCG_OK);
	ck_assert_int_eq(dgcg_time_parse_iso("0001-01-01T00:00:00+18:00", &t, NULL), DGCG_OK);
	/* the header reads ISO-8601 first, whatever now is */
	ck_assert_int_eq(dgcg_time_parse_header("2021-05-05T12:54:49Z", &t), DGCG_OK);
	ck_assert_int_eq((long long)t, 1620219289LL);
	ck_assert_int_eq(dgcg_time_parse_header_at("2021-05-05T14:54:49+02:00", 0, &t), DGCG_OK);
	ck_assert_int_eq((long long)t, 1620219289LL);
}
END_TEST

START_TEST(iso_invalid)
{
	static const char *const v[] = {
		"", "2021", "2021-07-06T12:0", "2021-07-06T12:00:00", "2021-07-06 12:00:00Z",
		"2021-13-01T00:00:00Z", "2021-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
		"2021-07-06T24:00:00Z", "2021-07-06T12:60:00Z", "2021-07-06T12:00:60Z",
		"2021-07-06T12:00:00.Z", "2021-07-06T12:00:00.1234567890Z", "2021-07-06T12:00:00+19:00",
		"2021-07-06T12:00:00+18:01", "2021-07-06T12:00:00+0100", "2021-07-06T12:00:00Zx",
		"2021-07-06T12:00:00Z ", " 2021-07-06T12:00:00Z", "99999-01-01T00:00:00Z",
		"0000-01-01T00:00:00Z", "yesterday",
	};
	size_t i;
	time_t t = SENTINEL;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ck_assert_msg(dgcg_time_parse_iso(v[i], &t, NULL) == DGCG_ERR_PARSE, "%s", v[i]);
		ck_assert_msg(dgcg_time_parse_header(v[i], &t) == DGCG_ERR_PARSE, "%s", v[i]);
		ck_assert(t == SENTINEL);
	}
	ck_assert_int_eq(dgcg_time_parse_iso(NULL, &t, NULL), DGCG_ERR_PARSE);
	ck_assert_int_eq(dgcg_time_parse_header(NULL, &t), DGCG_ERR_PARSE);
	ck_assert_int_eq(dgcg_time_parse_http(NULL, &t), DGCG_ERR_PARSE);
}
END_TEST

START_TEST(format)
{
	char s[DGCG_TIME_LEN + 1];

	dgcg_time_format(784111777, s);
	ck_assert_str_eq(s, "1994-11-06T08:49:37Z");
	dgcg_time_format(0, s);
	ck_assert_str_eq(s, "1970-01-01T00:00:00Z");
}
END_TEST

/* --- the three forms ---------------------------------------------------------- */

START_TEST(rfc9110_examples)
{
	/* RFC 9110 section 5.6.7's three examples are one instant. */
	ok("Sun, 06 Nov 1994 08:49:37 GMT", 784111777);
	ok("Sunday, 06-Nov-94 08:49:37 GMT", 784111777);
	ok("Sun Nov  6 08:49:37 1994", 784111777);
	/* and through the default now (1994 is within 50 years of any
	 * plausible test run until 2044) */
	{
		time_t t = 0;

		ck_assert_int_eq(dgcg_time_parse_http("Sun, 06 Nov 1994 08:49:37 GMT", &t), DGCG_OK);
		ck_assert_int_eq((long long)t, 784111777LL);
		ck_assert_int_eq(dgcg_time_parse_header("Sun Nov  6 08:49:37 1994", &t), DGCG_OK);
		ck_assert_int_eq((long long)t, 784111777LL);
	}
}
END_TEST

START_TEST(imf_fixdate_day_digits)
{
	ok("Sun, 6 Nov 1994 08:49:37 GMT", 784111777);
	ok("Sun, 1 Nov 2026 00:00:00 GMT", iso("2026-11-01T00:00:00Z"));	/* the peer's */
	ok("Sun, 01 Nov 2026 00:00:00 GMT", iso("2026-11-01T00:00:00Z"));
	ok("Tue, 1 Jun 2021 00:00:00 GMT", iso("2021-06-01T00:00:00Z"));
	ok("Wed, 9 Jun 2021 23:59:59 GMT", iso("2021-06-09T23:59:59Z"));
	ok("Thu, 10 Jun 2021 00:00:00 GMT", iso("2021-06-10T00:00:00Z"));
	ok("Wed, 30 Jun 2021 12:34:56 GMT", iso("2021-06-30T12:34:56Z"));
	ok("Mon, 01 Jan 0001 00:00:00 GMT", iso("0001-01-01T00:00:00Z"));	/* proleptic */
	ok("Fri, 31 Dec 9999 23:59:59 GMT", iso("9999-12-31T23:59:59Z"));
	ok("Thu, 01 Jan 1970 00:00:00 GMT", 0);
	ok("Wed, 31 Dec 1969 23:59:59 GMT", -1);
	/* the day must not have 3 digits or padding */
	bad("Sun, 006 Nov 1994 08:49:37 GMT");
	bad("Sun,  6 Nov 1994 08:49:37 GMT");
	bad("Sun, 6  Nov 1994 08:49:37 GMT");
	bad("Sun, Nov 1994 08:49:37 GMT");
}
END_TEST

START_TEST(asctime_day)
{
	ok("Sun Nov  6 08:49:37 1994", 784111777);
	ok("Sun Nov 06 08:49:37 1994", 784111777);	/* 2DIGIT */
	ok("Wed Nov 16 08:49:37 1994", iso("1994-11-16T08:49:37Z"));
	ok("Tue Jun  1 00:00:00 2021", iso("2021-06-01T00:00:00Z"));
	ok("Wed Jun 30 23:59:59 2021", iso("2021-06-30T23:59:59Z"));
	ok("Sun Nov  1 00:00:00 2026", iso("2026-11-01T00:00:00Z"));
	bad("Sun Nov 6 08:49:37 1994");	/* one space, one digit */
	bad("Sun Nov   6 08:49:37 1994");
	bad("Wed Nov  16 08:49:37 1994");
	bad("Sun Nov 6  08:49:37 1994");
	bad("Sun Nov  6 08:49:37  1994");
	bad("Sun  Nov  6 08:49:37 1994");
	bad("Sun Nov  6 08:49:37 94");
	bad("Sun Nov  6 08:49:37 01994");
	bad("Sun Nov  6 08:49:37 1994 GMT");
	bad("Sun, Nov  6 08:49:37 1994");
	bad("Sunday Nov  6 08:49:37 1994");
	bad("Sun Nov 6 1994 08:49:37");
}
END_TEST

START_TEST(rfc850_shape)
{
	ok("Sunday, 06-Nov-94 08:49:37 GMT", 784111777);
	ok("Monday, 07-Nov-94 08:49:37 GMT", 784111777 + 86400);
	ok("Tuesday, 01-Jun-21 00:00:00 GMT", iso("2021-06-01T00:00:00Z"));
	ok("Wednesday, 02-Jun-21 00:00:00 GMT", iso("2021-06-02T00:00:00Z"));
	ok("Thursday, 03-Jun-21 00:00:00 GMT", iso("2021-06-03T00:00:00Z"));
	ok("Friday, 04-Jun-21 00:00:00 GMT", iso("2021-06-04T00:00:00Z"));
	ok("Saturday, 05-Jun-21 00:00:00 GMT", iso("2021-06-05T00:00:00Z"));
	bad("Sunday, 6-Nov-94 08:49:37 GMT");	/* 2DIGIT day */
	bad("Sunday, 006-Nov-94 08:49:37 GMT");
	bad("Sunday, 06-Nov-1994 08:49:37 GMT");
	bad("Sunday, 06-Nov-4 08:49:37 GMT");
	bad("Sunday, 06 Nov 94 08:49:37 GMT");
	bad("Sunday, 06-Nov 94 08:49:37 GMT");
	bad("Sunday, 06/Nov/94 08:49:37 GMT");
	bad("Sun, 06-Nov-94 08:49:37 GMT");	/* short name */
	bad("Sunday, 06 Nov 1994 08:49:37 GMT");	/* long name, IMF-fixdate */
	bad("Sunday 06-Nov-94 08:49:37 GMT");
	bad("Sundays, 06-Nov-94 08:49:37 GMT");
	bad("Sunda, 06-Nov-94 08:49:37 GMT");
	bad("Sunday,  06-Nov-94 08:49:37 GMT");
	bad("Sunday, 06-Nov-94  08:49:37 GMT");
	bad("Sunday, 06-Nov-94 08:49:37  GMT");
	bad("Sunday, 06-nov-94 08:49:37 GMT");
	bad("sunday, 06-Nov-94 08:49:37 GMT");
	bad("SUNDAY, 06-Nov-94 08:49:37 GMT");
	bad("Sunday, 06-Nov-94 08:49:37 gmt");
	bad("Sunday, 06-Nov-94 08:49:37 UTC");
	bad("Sunday, 06-Nov-94 08:49:37 GMTx");
	bad("Sunday, 06-Nov-94 08:49:37");
	bad("Wednesday, 06-Nov-94 08:49:37 GMT");
}
END_TEST

/* Every weekday and month name, in each form: the first of each month of
 * 2021 and the 28th of each month of 2022, both compared with ISO-8601. */
START_TEST(each_month)
{
	static const char *const mon[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	    "Aug", "Sep", "Oct", "Nov", "Dec" };
	static const char *const wds[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const wdl[7] = { "Sunday", "Monday", "Tuesday", "Wednesday",
	    "Thursday", "Friday", "Saturday" };
	char s[64], is[32];
	int m, y, d, k, seen = 0;
	struct tm tm;
	time_t want;

	for (k = 0; k < 2; k++) {
		y = k == 0 ? 2021 : 2022;
		d = k == 0 ? 1 : 28;
		for (m = 0; m < 12; m++) {
			snprintf(is, sizeof(is), "%04d-%02d-%02dT07:08:09Z", y, m + 1, d);
			want = iso(is);
			ck_assert(gmtime_r(&want, &tm) != NULL);
			seen |= 1 << tm.tm_wday;
			snprintf(s, sizeof(s), "%s, %02d %s %04d 07:08:09 GMT", wds[tm.tm_wday], d,
			    mon[m], y);
			ok(s, want);
			snprintf(s, sizeof(s), "%s, %d %s %04d 07:08:09 GMT", wds[tm.tm_wday], d,
			    mon[m], y);
			ok(s, want);
			snprintf(s, sizeof(s), "%s, %02d-%s-%02d 07:08:09 GMT", wdl[tm.tm_wday], d,
			    mon[m], y % 100);
			ok(s, want);
			snprintf(s, sizeof(s), "%s %s %2d 07:08:09 %04d", wds[tm.tm_wday], mon[m], d,
			    y);
			ok(s, want);
			snprintf(s, sizeof(s), "%s %s %02d 07:08:09 %04d", wds[tm.tm_wday], mon[m], d,
			    y);
			ok(s, want);
			/* the next weekday is wrong, in each form */
			snprintf(s, sizeof(s), "%s, %02d %s %04d 07:08:09 GMT",
			    wds[(tm.tm_wday + 1) % 7], d, mon[m], y);
			bad(s);
			snprintf(s, sizeof(s), "%s, %02d-%s-%02d 07:08:09 GMT",
			    wdl[(tm.tm_wday + 1) % 7], d, mon[m], y % 100);
			bad(s);
			snprintf(s, sizeof(s), "%s %s %2d 07:08:09 %04d", wds[(tm.tm_wday + 6) % 7],
			    mon[m], d, y);
			bad(s);
			/* month names are case-sensitive */
			snprintf(s, sizeof(s), "%s, %02d %c%c%c %04d 07:08:09 GMT", wds[tm.tm_wday],
			    d, mon[m][0], mon[m][1] - 'a' + 'A', mon[m][2] - 'a' + 'A', y);
			bad(s);
			snprintf(s, sizeof(s), "%s, %02d %c%s %04d 07:08:09 GMT", wds[tm.tm_wday],
			    d, mon[m][0] - 'A' + 'a', mon[m] + 1, y);
			bad(s);
		}
	}
	ck_assert_int_eq(seen, 0x7f);	/* every weekday came up */
}
END_TEST

START_TEST(wrong_weekday)
{
	bad("Mon, 06 Nov 1994 08:49:37 GMT");
	bad("Sat, 06 Nov 1994 08:49:37 GMT");
	bad("Mon, 6 Nov 1994 08:49:37 GMT");
	bad("Monday, 06-Nov-94 08:49:37 GMT");
	bad("Mon Nov  6 08:49:37 1994");
	bad("Mon Nov 06 08:49:37 1994");
	bad("Sun, 1 Nov 2025 00:00:00 GMT");	/* a Saturday */
	bad("Xyz, 06 Nov 1994 08:49:37 GMT");
	bad("Xyz Nov  6 08:49:37 1994");
	bad("Xyzday, 06-Nov-94 08:49:37 GMT");
}
END_TEST

START_TEST(leap_day)
{
	ok("Thu, 29 Feb 2024 12:00:00 GMT", iso("2024-02-29T12:00:00Z"));
	ok("Tue, 29 Feb 2000 00:00:00 GMT", iso("2000-02-29T00:00:00Z"));
	ok("Thursday, 29-Feb-24 12:00:00 GMT", iso("2024-02-29T12:00:00Z"));
	ok("Tuesday, 29-Feb-00 00:00:00 GMT", iso("2000-02-29T00:00:00Z"));
	ok("Thu Feb 29 12:00:00 2024", iso("2024-02-29T12:00:00Z"));
	ok("Fri, 1 Mar 2024 00:00:00 GMT", iso("2024-03-01T00:00:00Z"));
	bad("Sat, 29 Feb 2025 00:00:00 GMT");	/* would be Mar 1 */
	bad("Mon, 29 Feb 2100 00:00:00 GMT");	/* 2100 is not a leap year */
	bad("Sun, 29 Feb 1900 00:00:00 GMT");
	bad("Fri, 30 Feb 2024 00:00:00 GMT");
	bad("Saturday, 29-Feb-25 00:00:00 GMT");
	bad("Sat Feb 29 00:00:00 2025");
	/* and with a now for which 00 is 2100: no Feb 29 that year */
	{
		time_t t;

		ck_assert_int_eq(http_at("Monday, 29-Feb-00 00:00:00 GMT", iso("2060-01-01T00:00:00Z"),
		    &t), DGCG_ERR_PARSE);
	}
}
END_TEST

START_TEST(field_ranges)
{
	bad("Sun, 00 Nov 1994 08:49:37 GMT");
	bad("Sun, 0 Nov 1994 08:49:37 GMT");
	bad("Wed, 32 Dec 2021 00:00:00 GMT");
	bad("Sat, 31 Apr 2021 00:00:00 GMT");
	bad("Sun, 31 Jun 2021 00:00:00 GMT");
	bad("Sun, 06 Nov 0000 08:49:37 GMT");
	bad("Sun, 06 Nov 1994 24:00:00 GMT");
	bad("Sun, 06 Nov 1994 08:60:37 GMT");
	bad("Sun, 06 Nov 1994 08:49:61 GMT");
	bad("Sun, 06 Nov 1994 08:49:99 GMT");
	bad("Sun, 06 Nov 1994 8:49:37 GMT");
	bad("Sun, 06 Nov 1994 08:4:37 GMT");
	bad("Sun, 06 Nov 1994 08:49:3 GMT");
	bad("Sun, 06 Nov 1994 08:49 GMT");
	bad("Sun, 06 Nov 1994 08-49-37 GMT");
	bad("Sun, 06 Nov 1994 08:49:37.5 GMT");
	bad("Sun, 06 Nov 94 08:49:37 GMT");
	bad("Sun, 06 Nov 01994 08:49:37 GMT");
	bad("Sun, 06 Foo 1994 08:49:37 GMT");
	bad("Sun, 06 November 1994 08:49:37 GMT");
	bad("Sun, -6 Nov 1994 08:49:37 GMT");
	bad("Sun, +6 Nov 1994 08:49:37 GMT");
	bad("Sun, 0x Nov 1994 08:49:37 GMT");
	bad("Sunday, 00-Nov-94 08:49:37 GMT");
	bad("Sunday, 31-Nov-94 08:49:37 GMT");
	bad("Sunday, 06-Nov-94 24:49:37 GMT");
	bad("Sun Nov  0 08:49:37 1994");
	bad("Sun Nov 31 08:49:37 1994");
	bad("Sun Nov  6 08:49:37 0000");
	bad("Sun Nov  6 25:49:37 1994");
	bad("Sun Nov  x 08:49:37 1994");
}
END_TEST

/* NOTE: second 60 only as 23:59:60, read as 23:59:59 (lib/timefmt.h). */
START_TEST(leap_second)
{
	time_t want = iso("2016-12-31T23:59:59Z");

	ok("Sat, 31 Dec 2016 23:59:60 GMT", want);
	ok("Saturday, 31-Dec-16 23:59:60 GMT", want);
	ok("Sat Dec 31 23:59:60 2016", want);
	ok("Tue, 30 Jun 2015 23:59:60 GMT", iso("2015-06-30T23:59:59Z"));
	bad("Sat, 31 Dec 2016 23:58:60 GMT");
	bad("Sat, 31 Dec 2016 22:59:60 GMT");
	bad("Sat, 31 Dec 2016 00:00:60 GMT");
	bad("Sat, 31 Dec 2016 23:59:61 GMT");
	bad("Sat Dec 31 12:00:60 2016");
	bad("Saturday, 31-Dec-16 23:58:60 GMT");
}
END_TEST

/* --- RFC 850's two-digit year -------------------------------------------------- */

START_TEST(rfc850_year_window)
{
	/* now = 2026-05-10T12:00:00Z (a Sunday) */
	ok("Sunday, 10-May-26 12:00:00 GMT", NOW);
	ok("Sunday, 06-Nov-94 08:49:37 GMT", 784111777);
	ok("Saturday, 01-Jan-00 00:00:00 GMT", iso("2000-01-01T00:00:00Z"));
	ok("Tuesday, 01-Jan-75 00:00:00 GMT", iso("2075-01-01T00:00:00Z"));
	ok("Saturday, 01-Jan-77 00:00:00 GMT", iso("1977-01-01T00:00:00Z"));
	/* exactly 50 years ahead is not "more than 50 years": 2076 */
	ok("Sunday, 10-May-76 12:00:00 GMT", iso("2076-05-10T12:00:00Z"));
	ok("Saturday, 09-May-76 23:59:59 GMT", iso("2076-05-09T23:59:59Z"));
	ok("Sunday, 10-May-76 11:59:59 GMT", iso("2076-05-10T11:59:59Z"));
	/* one second more is: 1976 (a Monday), and 2076's Sunday is wrong */
	ok("Monday, 10-May-76 12:00:01 GMT", iso("1976-05-10T12:00:01Z"));
	bad("Sunday, 10-May-76 12:00:01 GMT");
	ok("Monday, 10-May-76 12:01:00 GMT", iso("1976-05-10T12:01:00Z"));
	ok("Monday, 10-May-76 13:00:00 GMT", iso("1976-05-10T13:00:00Z"));
	ok("Tuesday, 11-May-76 00:00:00 GMT", iso("1976-05-11T00:00:00Z"));
	bad("Monday, 11-May-76 00:00:00 GMT");
	/* a later month than now's decides before the day does */
	ok("Thursday, 10-Jun-76 00:00:00 GMT", iso("1976-06-10T00:00:00Z"));
	ok("Monday, 10-Jun-75 00:00:00 GMT", iso("2075-06-10T00:00:00Z"));
	ok("Saturday, 09-May-76 23:59:59 GMT", iso("2076-05-09T23:59:59Z"));
}
END_TEST

START_TEST(rfc850_year_other_nows)
{
	time_t t;

	/* now at the end of 1999: 00-49 is 2000-2049, 50 is 1950 */
	ok_at("Saturday, 01-Jan-00 00:00:00 GMT", iso("1999-12-31T23:59:59Z"),
	    iso("2000-01-01T00:00:00Z"));
	ok_at("Friday, 31-Dec-49 00:00:00 GMT", iso("1999-12-31T23:59:59Z"),
	    iso("2049-12-31T00:00:00Z"));
	ok_at("Sunday, 01-Jan-50 00:00:00 GMT", iso("1999-12-31T23:59:59Z"),
	    iso("1950-01-01T00:00:00Z"));
	ok_at("Friday, 31-Dec-99 00:00:00 GMT", iso("1999-12-31T23:59:59Z"),
	    iso("1999-12-31T00:00:00Z"));
	/* now 2050-01-01T00:00:00Z: 2100-01-01T00:00:00 is exactly 50 years */
	ok_at("Friday, 01-Jan-00 00:00:00 GMT", iso("2050-01-01T00:00:00Z"),
	    iso("2100-01-01T00:00:00Z"));
	ok_at("Saturday, 01-Jan-00 00:00:01 GMT", iso("2050-01-01T00:00:00Z"),
	    iso("2000-01-01T00:00:01Z"));
	ck_assert_int_eq(http_at("Friday, 01-Jan-00 00:00:01 GMT", iso("2050-01-01T00:00:00Z"), &t),
	    DGCG_ERR_PARSE);
	/* a past year well within the window stays in the century of now */
	ok_at("Thursday, 31-Dec-99 00:00:00 GMT", iso("2060-06-01T00:00:00Z"),
	    iso("2099-12-31T00:00:00Z"));
	/* RFC 9110's example, 50 years later: 2094 up to the second, then 1994 */
	ok_at("Saturday, 06-Nov-94 08:49:37 GMT", iso("2044-11-06T08:49:37Z"),
	    iso("2094-11-06T08:49:37Z"));
	ok_at("Sunday, 06-Nov-94 08:49:37 GMT", iso("2044-11-06T08:49:36Z"), 784111777);
	ck_assert_int_eq(http_at("Sunday, 06-Nov-94 08:49:37 GMT", iso("2044-11-06T08:49:37Z"), &t),
	    DGCG_ERR_PARSE);
	/* a now before 1970, and one where the year would be 0 */
	ok_at("Sunday, 06-Nov-94 08:49:37 GMT", iso("1950-01-01T00:00:00Z"), 784111777);
	ck_assert_int_eq(http_at("Saturday, 01-Jan-00 00:00:00 GMT", iso("0040-01-01T00:00:00Z"),
	    &t), DGCG_ERR_PARSE);
	/* now matters only to RFC 850 */
	ok_at("Sun, 06 Nov 1994 08:49:37 GMT", 0, 784111777);
	ok_at("Sun Nov  6 08:49:37 1994", iso("9999-01-01T00:00:00Z"), 784111777);
	ok_at("Tue, 31 Dec 2999 00:00:00 GMT", NOW, iso("2999-12-31T00:00:00Z"));
}
END_TEST

/* --- malformed ------------------------------------------------------------------ */

static const char *const good[] = {
	"Sun, 06 Nov 1994 08:49:37 GMT", "Sun, 6 Nov 1994 08:49:37 GMT",
	"Wednesday, 16-Nov-94 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
	"Sun Nov  6 08:49:37 1994", "Wed Nov 16 08:49:37 1994",
};

START_TEST(truncated_everywhere)
{
	char buf[64];
	size_t g, n, len;
	time_t t;

	for (g = 0; g < sizeof(good) / sizeof(good[0]); g++) {
		len = strlen(good[g]);
		ck_assert_msg(http_at(good[g], NOW, &t) == DGCG_OK, "%s", good[g]);
		for (n = 0; n < len; n++) {
			memcpy(buf, good[g], n);
			buf[n] = '\0';
			bad(buf);
			/* an embedded NUL ends the string just the same */
			memcpy(buf, good[g], len + 1);
			buf[n] = '\0';
			bad(buf);
		}
	}
}
END_TEST

START_TEST(extra_characters_everywhere)
{
	static const char ins[] = { ' ', '\t', 'x', '0', ',', '\r', '\n', (char)0xc2 };
	char buf[64];
	size_t g, n, k, len;

	for (g = 0; g < sizeof(good) / sizeof(good[0]); g++) {
		len = strlen(good[g]);
		for (n = 0; n <= len; n++)
			for (k = 0; k < sizeof(ins); k++) {
				memcpy(buf, good[g], n);
				buf[n] = ins[k];
				memcpy(buf + n + 1, good[g] + n, len - n + 1);
				/* "Sun, 6 Nov" + '0' is the 2-digit day, a good one */
				if (strcmp(buf, good[0]) != 0)
					bad(buf);
			}
		/* each space replaced by a tab, or deleted */
		for (n = 0; n < len; n++) {
			if (good[g][n] != ' ')
				continue;
			memcpy(buf, good[g], len + 1);
			buf[n] = '\t';
			bad(buf);
			memcpy(buf, good[g], n);
			memcpy(buf + n, good[g] + n + 1, len - n);
			bad(buf);	/* also asctime's padding: "Sun Nov 6" */
		}
	}
}
END_TEST

START_TEST(case_and_zone)
{
	bad("Sun, 06 Nov 1994 08:49:37 gmt");
	bad("Sun, 06 Nov 1994 08:49:37 Gmt");
	bad("Sun, 06 Nov 1994 08:49:37 UTC");
	bad("Sun, 06 Nov 1994 08:49:37 UT");
	bad("Sun, 06 Nov 1994 08:49:37 Z");
	bad("Sun, 06 Nov 1994 08:49:37 +0000");
	bad("Sun, 06 Nov 1994 08:49:37 GMT+0000");
	bad("Sun, 06 Nov 1994 08:49:37");
	bad("sun, 06 Nov 1994 08:49:37 GMT");
	bad("SUN, 06 Nov 1994 08:49:37 GMT");
	bad("Sun, 06 nov 1994 08:49:37 GMT");
	bad("Sun, 06 NOV 1994 08:49:37 GMT");
	bad("sun Nov  6 08:49:37 1994");
	bad("Sun nov  6 08:49:37 1994");
	bad("Sun Nov  6 08:49:37 1994 ");
	bad("Sun, 06 Nov 1994 08:49:37 GMT ");
	bad(" Sun, 06 Nov 1994 08:49:37 GMT");
	bad("Sun, 06 Nov 1994 08:49:37 GMT\r\n");
	bad("Sun 06 Nov 1994 08:49:37 GMT");
	bad("Sun,06 Nov 1994 08:49:37 GMT");
	bad("Sun, 06-Nov-1994 08:49:37 GMT");
	bad("Sun, 06 Nov 1994 08:49:37 GMT; x");
	bad("Sun, 06 Nov 1994 08:49:37 GMT'--");
	bad("");
	bad("Sun");
	bad("yesterday");
	bad("Sun, 06 Nov 1994 08:49:37 GMTSun, 06 Nov 1994 08:49:37 GMT");
}
END_TEST

/* The parser reads at most 34 bytes (the longest form is 33): an
 * unterminated buffer of exactly that size is refused without a read past
 * it (AddressSanitizer would report one). */
START_TEST(bounded_read)
{
	char *buf;
	time_t t = SENTINEL;
	size_t n;
	static const char *const longest = "Wednesday, 16-Nov-94 08:49:37 GMT";

	ck_assert_uint_eq(strlen(longest), 33);
	ck_assert_int_eq(dgcg_time_parse_http_at(longest, NOW, &t), DGCG_OK);
	buf = malloc(34);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, longest, 33);
	buf[33] = ' ';
	t = SENTINEL;
	ck_assert_int_eq(dgcg_time_parse_http_at(buf, NOW, &t), DGCG_ERR_PARSE);
	memset(buf, 'A', 34);
	ck_assert_int_eq(dgcg_time_parse_http_at(buf, NOW, &t), DGCG_ERR_PARSE);
	ck_assert(t == SENTINEL);
	free(buf);
	buf = malloc(8001);
	ck_assert_ptr_nonnull(buf);
	for (n = 0; n < 8000; n++)
		buf[n] = "Sun, 06 Nov 1994 08:49:37 GMT "[n % 30];
	buf[8000] = '\0';
	bad(buf);
	free(buf);
}
END_TEST

/* --- round trips ----------------------------------------------------------------- */

/* s reads back as want, through both entry points; no Check assertion here
 * (each one is a write to Check's pipe, too slow for the sweep). */
static int
reads_as(const char *s, time_t want)
{
	time_t a = SENTINEL, b = SENTINEL;

	return dgcg_time_parse_http_at(s, NOW, &a) == DGCG_OK &&
	    dgcg_time_parse_header_at(s, NOW, &b) == DGCG_OK && a == want && b == want;
}

/* Every ~31 hours from 1926 to 2126: the instant written by strftime (the C
 * locale) in each form reads back as itself (RFC 850 within 49 years of
 * now). */
START_TEST(round_trip_sweep)
{
	char s[64], first[64] = "";
	struct tm tm;
	time_t t, from = iso("1926-05-10T12:00:00Z"), to = iso("2126-05-10T12:00:00Z");
	long n = 0, failed = 0;

#define SWEEP_CHECK(ok) do {						\
	if (!(ok) && failed++ == 0)					\
		snprintf(first, sizeof(first), "%s", s);		\
} while (0)
	for (t = from; t < to; t += 31 * 3600 + 17 * 60 + 13, n++) {
		if (gmtime_r(&t, &tm) == NULL) {
			failed++;
			continue;
		}
		SWEEP_CHECK(strftime(s, sizeof(s), "%a, %d %b %Y %H:%M:%S GMT", &tm) > 0 &&
		    reads_as(s, t));
		SWEEP_CHECK(strftime(s, sizeof(s), "%a %b %e %H:%M:%S %Y", &tm) > 0 &&
		    reads_as(s, t));
		if (tm.tm_mday < 10) {
			snprintf(s, sizeof(s), "%.3s, %d %.3s %04d %02d:%02d:%02d GMT",
			    "SunMonTueWedThuFriSat" + 3 * tm.tm_wday, tm.tm_mday,
			    "JanFebMarAprMayJunJulAugSepOctNovDec" + 3 * tm.tm_mon,
			    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
			SWEEP_CHECK(reads_as(s, t));
		}
		if (tm.tm_year + 1900 > 2026 - 50 && tm.tm_year + 1900 < 2026 + 50) {
			/* strftime "%A, %d-%b-%y ...", but %y draws -Wformat-y2k */
			strftime(s, sizeof(s), "%A, %d-%b-", &tm);
			snprintf(s + strlen(s), sizeof(s) - strlen(s), "%02d %02d:%02d:%02d GMT",
			    tm.tm_year % 100, tm.tm_hour, tm.tm_min, tm.tm_sec);
			SWEEP_CHECK(reads_as(s, t));
		}
	}
#undef SWEEP_CHECK
	ck_assert_msg(failed == 0, "%ld of the sweep failed, the first: \"%s\"", failed, first);
	ck_assert_int_gt(n, 50000);
}
END_TEST

/* RFC 3339 as JSON Schema's format checks it. */
START_TEST(rfc3339_dates)
{
	ck_assert_int_eq(dgcg_rfc3339_datetime("2021-06-01T00:00:00Z", 20), 1);
	ck_assert_int_eq(dgcg_rfc3339_datetime("2021-06-01t00:00:00.5z", 22), 1);
	ck_assert_int_eq(dgcg_rfc3339_datetime("2021-06-01T00:00:00+23:59", 25), 1);
	ck_assert_int_eq(dgcg_rfc3339_datetime("2021-06-01T00:00:00+24:00", 25), 0);
	ck_assert_int_eq(dgcg_rfc3339_datetime("2021-06-01T00:00:60Z", 20), 0);
	ck_assert_int_eq(dgcg_rfc3339_datetime("2021-06-01T00:00:00.Z", 21), 0);
	ck_assert_int_eq(dgcg_rfc3339_datetime("2021-06-01T00:00:00Z\n", 21), 0);
	ck_assert_int_eq(dgcg_rfc3339_date("2000-02-29", 10), 1);
	ck_assert_int_eq(dgcg_rfc3339_date("1900-02-29", 10), 0);
	ck_assert_int_eq(dgcg_rfc3339_date("2021-04-31", 10), 0);
	ck_assert_int_eq(dgcg_rfc3339_date("2021-4-30", 9), 0);
}
END_TEST

/* Every field's range, the separators, and the length bound. */
START_TEST(rfc3339_edges)
{
	static const struct {
		const char	*s;
		int		 ok;
	} dt[] = {
		{ "2021-06-01T00:00:00Z", 1 },
		{ "0001-01-01T00:00:00Z", 1 },
		{ "9999-12-31T23:59:59Z", 1 },
		{ "2024-02-29T12:00:00Z", 1 },
		{ "2021-06-01T00:00:00.123456789012Z", 1 },	/* any fraction length */
		{ "2021-06-01T00:00:00-23:59", 1 },
		{ "2021-06-01T00:00:00+19:00", 1 },	/* wider than java.time's 18:00 */
		{ "2021-06-01T00:00:00.5+01:00", 1 },
		{ "0000-06-01T00:00:00Z", 0 },
		{ "2021-00-01T00:00:00Z", 0 },
		{ "2021-13-01T00:00:00Z", 0 },
		{ "2021-06-00T00:00:00Z", 0 },
		{ "2021-06-31T00:00:00Z", 0 },
		{ "2023-02-29T00:00:00Z", 0 },
		{ "2021-06-01T24:00:00Z", 0 },
		{ "2021-06-01T00:60:00Z", 0 },
		{ "2021-06-01T23:59:60Z", 0 },		/* no leap second */
		{ "2021-06-01 00:00:00Z", 0 },
		{ "2021-06-01T00:00:00,5Z", 0 },
		{ "2021-06-01T00:00:00", 0 },
		{ "2021-06-01T00:00Z", 0 },
		{ "2021-06-01T00:00:00+0100", 0 },
		{ "2021-06-01T00:00:00+01", 0 },
		{ "2021-06-01T00:00:00+01:60", 0 },
		{ "2021-06-01T00:00:00+01:00:00", 0 },
		{ "2021-06-01T00:00:00ZZ", 0 },
		{ "2021-06-01T00:00:00 Z", 0 },
		{ "21-06-01T00:00:00Z", 0 },
		{ "2021-6-01T00:00:00Z", 0 },
		{ "2021-06-01T0:00:00Z", 0 },
		{ "+2021-06-01T00:00:00Z", 0 },
		{ "2021-06-01T00:00:0aZ", 0 },
		{ "", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(dt) / sizeof(dt[0]); i++)
		ck_assert_msg(dgcg_rfc3339_datetime(dt[i].s, strlen(dt[i].s)) == dt[i].ok, "%s",
		    dt[i].s);
	/* len bounds the text: a valid prefix is not a valid date-time, and
	 * bytes after len (NUL included) are not looked at */
	ck_assert_int_eq(dgcg_rfc3339_datetime("2021-06-01T00:00:00Z", 19), 0);
	ck_assert_int_eq(dgcg_rfc3339_datetime("2021-06-01T00:00:00Zjunk", 20), 1);
	ck_assert_int_eq(dgcg_rfc3339_datetime("2021-06-01T00:00:00.Z", 20), 0);
	ck_assert_int_eq(dgcg_rfc3339_datetime("2021-06-01T00:00:00\0Z", 21), 0);
	ck_assert_int_eq(dgcg_rfc3339_datetime("2021-06-01T00:00:00+01:00", 24), 0);
	ck_assert_int_eq(dgcg_rfc3339_date("2021-06-01x", 10), 1);
	ck_assert_int_eq(dgcg_rfc3339_date("2021-06-01", 11), 0);
	ck_assert_int_eq(dgcg_rfc3339_date("2021-06-0", 9), 0);
	ck_assert_int_eq(dgcg_rfc3339_date("0000-01-01", 10), 0);
	ck_assert_int_eq(dgcg_rfc3339_date("2021-02-28", 10), 1);
	ck_assert_int_eq(dgcg_rfc3339_date("2021-06-01T00:00:00Z", 20), 0);
	ck_assert_int_eq(dgcg_rfc3339_date("", 0), 0);
}
END_TEST

Suite *
make_timefmt_suite(void)
{
	Suite *s = suite_create("timefmt");
	TCase *tc;

	tc = tcase_create("iso8601");
	tcase_add_test(tc, iso_valid);
	tcase_add_test(tc, iso_invalid);
	tcase_add_test(tc, format);
	suite_add_tcase(s, tc);

	tc = tcase_create("http_date");
	tcase_add_test(tc, rfc9110_examples);
	tcase_add_test(tc, imf_fixdate_day_digits);
	tcase_add_test(tc, asctime_day);
	tcase_add_test(tc, rfc850_shape);
	tcase_add_test(tc, each_month);
	tcase_add_test(tc, wrong_weekday);
	tcase_add_test(tc, leap_day);
	tcase_add_test(tc, field_ranges);
	tcase_add_test(tc, leap_second);
	suite_add_tcase(s, tc);

	tc = tcase_create("rfc850_year");
	tcase_add_test(tc, rfc850_year_window);
	tcase_add_test(tc, rfc850_year_other_nows);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, truncated_everywhere);
	tcase_add_test(tc, extra_characters_everywhere);
	tcase_add_test(tc, case_and_zone);
	tcase_add_test(tc, bounded_read);
	suite_add_tcase(s, tc);

	tc = tcase_create("rfc3339");
	tcase_add_test(tc, rfc3339_dates);
	tcase_add_test(tc, rfc3339_edges);
	suite_add_tcase(s, tc);

	tc = tcase_create("round_trip");
	tcase_add_test(tc, round_trip_sweep);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_timefmt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
