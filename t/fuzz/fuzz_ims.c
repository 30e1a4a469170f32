/* fuzz_ims.c: If-Modified-Since and the other timestamps clients send
 * (lib/timefmt.h). Input: the header value.
 *
 * Contracts checked: every parser answers DGCG_OK or DGCG_ERR_PARSE and
 * leaves *out alone on failure; the header form is ISO-8601 first, then
 * HTTP-date, and no input is both; an ISO-8601 instant prints and reads
 * back as itself; an accepted HTTP-date is exactly its instant written in
 * its form, up to the variants lib/timefmt.h allows (1-digit IMF-fixdate
 * day, asctime day "06" for " 6", 23:59:60 read as 23:59:59); its instant
 * written in each of the three forms reads back as itself; an RFC 850 year
 * lies within 50 years of now. now is fixed (NOW) so that a run replays. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"
#include "base/timefmt.h"

#define T "ims"
#define NOW ((time_t)1778414400)	/* 2026-05-10T12:00:00Z */
#define NOW_YEAR 2026
#define SENTINEL ((time_t)-12345)

enum form { IMF, RFC850, ASCTIME };

static const char *const wd_short[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const wd_long[7] = { "Sunday", "Monday", "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday" };
static const char *const mon[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
    "Sep", "Oct", "Nov", "Dec" };

/* t written in form f, as RFC 9110 writes it (2-digit IMF day, asctime day
 * space-padded); 0 when t is not in the years 1-9999. */
static int
render(time_t t, enum form f, char *out, size_t n)
{
	struct tm tm;
	int y;

	if (gmtime_r(&t, &tm) == NULL)
		return 0;
	y = tm.tm_year + 1900;
	if (y < 1 || y > 9999)
		return 0;
	if (f == IMF)
		snprintf(out, n, "%s, %02d %s %04d %02d:%02d:%02d GMT", wd_short[tm.tm_wday],
		    tm.tm_mday, mon[tm.tm_mon], y, tm.tm_hour, tm.tm_min, tm.tm_sec);
	else if (f == RFC850)
		snprintf(out, n, "%s, %02d-%s-%02d %02d:%02d:%02d GMT", wd_long[tm.tm_wday],
		    tm.tm_mday, mon[tm.tm_mon], y % 100, tm.tm_hour, tm.tm_min, tm.tm_sec);
	else
		snprintf(out, n, "%s %s %2d %02d:%02d:%02d %04d", wd_short[tm.tm_wday],
		    mon[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, y);
	return 1;
}

/* An accepted HTTP-date s (at most 33 bytes) rewritten without the
 * variants: the form render() writes. */
static void
normalise(const char *s, enum form f, char out[40])
{
	size_t len = strlen(s), sec;

	FUZZ_CHECK(T, len <= 33);
	if (f == IMF && len == 28) {	/* "Sun, 6 Nov ..." */
		memcpy(out, s, 5);
		out[5] = '0';
		memcpy(out + 6, s + 5, len - 5 + 1);
		len++;
	} else
		memcpy(out, s, len + 1);
	if (f == ASCTIME && out[8] == '0')
		out[8] = ' ';
	sec = f == ASCTIME ? len - 7 : len - 6;	/* ":SS 1994" / ":SS GMT" */
	FUZZ_CHECK(T, out[sec - 1] == ':');
	if (out[sec] == '6' && out[sec + 1] == '0')
		out[sec] = '5', out[sec + 1] = '9';
}

/* A parsed instant of years 1000-9999 prints as 20 characters and reads
 * back as itself; of years 1-9999, written as an IMF-fixdate and asctime
 * it reads back as itself too, and as RFC 850 when within 49 years of now. */
static void
round_trip(time_t t)
{
	char s[DGCG_TIME_LEN + 1], h[40];
	struct tm tm;
	time_t back;
	int y;

	if (gmtime_r(&t, &tm) == NULL)
		return;
	y = tm.tm_year + 1900;
	if (y >= 1 && y <= 9999) {
		FUZZ_CHECK(T, render(t, IMF, h, sizeof(h)));
		FUZZ_CHECK(T, dgcg_time_parse_http_at(h, NOW, &back) == DGCG_OK && back == t);
		FUZZ_CHECK(T, render(t, ASCTIME, h, sizeof(h)));
		FUZZ_CHECK(T, dgcg_time_parse_header_at(h, NOW, &back) == DGCG_OK && back == t);
		if (y > NOW_YEAR - 50 && y < NOW_YEAR + 50) {
			FUZZ_CHECK(T, render(t, RFC850, h, sizeof(h)));
			FUZZ_CHECK(T, dgcg_time_parse_http_at(h, NOW, &back) == DGCG_OK &&
			    back == t);
		}
	}
	if (y < 1000 || y > 9999)
		return;
	dgcg_time_format(t, s);
	FUZZ_CHECK(T, strlen(s) == DGCG_TIME_LEN);
	FUZZ_CHECK(T, dgcg_time_parse_iso(s, &back, NULL) == DGCG_OK);
	FUZZ_CHECK(T, back == t);
	FUZZ_CHECK(T, dgcg_time_parse_header(s, &back) == DGCG_OK);
	FUZZ_CHECK(T, back == t);
}

/* s was accepted as an HTTP-date of instant t. */
static void
http_date(const char *s, time_t t)
{
	char norm[40], again[40];
	enum form f;
	struct tm tm;
	int y;

	f = s[3] == ',' ? IMF : s[3] == ' ' ? ASCTIME : RFC850;
	normalise(s, f, norm);
	FUZZ_CHECK(T, render(t, f, again, sizeof(again)));
	FUZZ_CHECK(T, strcmp(norm, again) == 0);
	if (f == RFC850) {
		FUZZ_CHECK(T, gmtime_r(&t, &tm) != NULL);
		y = tm.tm_year + 1900;
		FUZZ_CHECK(T, y >= NOW_YEAR - 50 && y <= NOW_YEAR + 50);
	}
	round_trip(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum dgcg_err iso, http, hdr, now;
	time_t ti = SENTINEL, th = SENTINEL, tx = SENTINEL, tn = SENTINEL;
	long frac = -1;
	char *s;

	s = fuzz_str(data, size);
	iso = dgcg_time_parse_iso(s, &ti, &frac);
	http = dgcg_time_parse_http_at(s, NOW, &th);
	hdr = dgcg_time_parse_header_at(s, NOW, &tx);
	now = dgcg_time_parse_header(s, &tn);
	FUZZ_CHECK(T, iso == DGCG_OK || iso == DGCG_ERR_PARSE);
	FUZZ_CHECK(T, http == DGCG_OK || http == DGCG_ERR_PARSE);
	FUZZ_CHECK(T, now == DGCG_OK || now == DGCG_ERR_PARSE);
	FUZZ_CHECK(T, iso == DGCG_OK || ti == SENTINEL);
	FUZZ_CHECK(T, http == DGCG_OK || th == SENTINEL);
	FUZZ_CHECK(T, hdr == DGCG_OK || tx == SENTINEL);
	FUZZ_CHECK(T, now == DGCG_OK || tn == SENTINEL);
	/* the header form is ISO-8601 first, then HTTP-date; never both */
	FUZZ_CHECK(T, !(iso == DGCG_OK && http == DGCG_OK));
	FUZZ_CHECK(T, (hdr == DGCG_OK) == (iso == DGCG_OK || http == DGCG_OK));
	/* the real now decides only an RFC 850 year (s[3] is neither ',' nor ' ') */
	if (iso == DGCG_OK || (http == DGCG_OK && (s[3] == ',' || s[3] == ' ')))
		FUZZ_CHECK(T, now == DGCG_OK && tn == tx);
	if (iso == DGCG_OK) {
		FUZZ_CHECK(T, frac >= 0 && frac <= 999999999L);
		FUZZ_CHECK(T, tx == ti);
		round_trip(ti);
	} else if (http == DGCG_OK) {
		FUZZ_CHECK(T, tx == th);
		http_date(s, th);
	}
	free(s);
	return 0;
}
