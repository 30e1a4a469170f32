/* timefmt.c: strict timestamp parsing and formatting. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/timefmt.h"

void
dgcg_time_format(time_t t, char out[DGCG_TIME_LEN + 1])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, DGCG_TIME_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm) != DGCG_TIME_LEN)
		memcpy(out, "1970-01-01T00:00:00Z", DGCG_TIME_LEN + 1);
}

/* Reads exactly n digits at *p into *v and advances. */
static int
digits(const char **p, int n, int *v)
{
	int i, r = 0;

	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return 0;
		r = r * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = r;
	return 1;
}

static int
days_in_month(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/* Builds a UTC time from validated fields. */
static enum dgcg_err
make_utc(int y, int mo, int d, int h, int mi, int s, time_t *out)
{
	struct tm tm;

	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
	    mi > 59 || s > 59)
		return DGCG_ERR_PARSE;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	*out = timegm(&tm);
	return DGCG_OK;
}

enum dgcg_err
dgcg_time_parse_iso(const char *s, time_t *out, long *frac_ns)
{
	int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, os = 0, sign = 0, v;
	long frac = 0, scale = 100000000;
	const char *p = s;
	time_t t;

	if (s == NULL)
		return DGCG_ERR_PARSE;
	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &d) || (*p != 'T' && *p != 't'))
		return DGCG_ERR_PARSE;
	p++;
	if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
		return DGCG_ERR_PARSE;
	if (*p == ':') {
		p++;
		if (!digits(&p, 2, &sec))
			return DGCG_ERR_PARSE;
		if (*p == '.' || *p == ',') {
			p++;
			if (*p < '0' || *p > '9')
				return DGCG_ERR_PARSE;
			for (v = 0; *p >= '0' && *p <= '9'; p++, v++) {
				if (v == 9)
					return DGCG_ERR_PARSE;
				frac += (*p - '0') * scale;
				scale /= 10;
			}
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (!digits(&p, 2, &oh) || *p++ != ':' || !digits(&p, 2, &om))
			return DGCG_ERR_PARSE;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &os))
				return DGCG_ERR_PARSE;
		}
		if (oh > 18 || om > 59 || os > 59 || (oh == 18 && (om || os)))
			return DGCG_ERR_PARSE;
	} else
		return DGCG_ERR_PARSE;
	if (*p != '\0')
		return DGCG_ERR_PARSE;
	if (make_utc(y, mo, d, h, mi, sec, &t) != DGCG_OK)
		return DGCG_ERR_PARSE;
	t -= (time_t)sign * (oh * 3600 + om * 60 + os);
	*out = t;
	if (frac_ns != NULL)
		*frac_ns = frac;
	return DGCG_OK;
}

/* --- RFC 3339 (JSON Schema's format "date-time" and "date") ----------------- */

/* full-date YYYY-MM-DD at s, which has at least 10 bytes: a real calendar
 * day of a year from 0001. */
static int
rfc3339_full_date(const char *s)
{
	const char *p = s;
	int y, m, d;

	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &m) || *p++ != '-' ||
	    !digits(&p, 2, &d))
		return 0;
	return y != 0 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

int
dgcg_rfc3339_date(const char *s, size_t len)
{
	return len == 10 && rfc3339_full_date(s);
}

int
dgcg_rfc3339_datetime(const char *s, size_t len)
{
	const char *p, *end = s + len, *f;
	int h, mi, sec, oh, om;

	if (len < 20 || !rfc3339_full_date(s) || (s[10] != 'T' && s[10] != 't'))
		return 0;
	p = s + 11;
	if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi) || *p++ != ':' ||
	    !digits(&p, 2, &sec) || h > 23 || mi > 59 || sec > 59)
		return 0;
	/* p is s + 19; len >= 20 leaves at least one byte */
	if (*p == '.') {
		for (f = ++p; p < end && *p >= '0' && *p <= '9'; p++)
			;
		if (p == f)
			return 0;
	}
	if (end - p == 1 && (*p == 'Z' || *p == 'z'))
		return 1;
	if (end - p != 6 || (*p != '+' && *p != '-'))
		return 0;
	p++;
	return digits(&p, 2, &oh) && *p++ == ':' && digits(&p, 2, &om) && oh <= 23 && om <= 59;
}

/* --- HTTP-date (RFC 9110 section 5.6.7) ------------------------------------
 *
 * A cursor over (pointer, length): every read checks the end first, so the
 * parsers never look past the length that http_len() measured. */
struct cur {
	const char	*p, *end;
};

static const char *const wd_short[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const wd_long[7] = { "Sunday", "Monday", "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday" };
static const char *const mon_short[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
    "Aug", "Sep", "Oct", "Nov", "Dec" };

/* The exact bytes of lit (case-sensitive). */
static int
c_lit(struct cur *c, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0)
		return 0;
	c->p += n;
	return 1;
}

static int
c_isdigit(const struct cur *c, size_t at)
{
	return (size_t)(c->end - c->p) > at && c->p[at] >= '0' && c->p[at] <= '9';
}

/* Exactly n digits. */
static int
c_digits(struct cur *c, int n, int *v)
{
	int i, r = 0;

	for (i = 0; i < n; i++) {
		if (!c_isdigit(c, (size_t)i))
			return 0;
		r = r * 10 + (c->p[i] - '0');
	}
	c->p += n;
	*v = r;
	return 1;
}

/* One of the n names of tab, matched exactly; *idx gets its index. The
 * names of a table are never a prefix of one another. */
static int
c_name(struct cur *c, const char *const *tab, int n, int *idx)
{
	int i;

	for (i = 0; i < n; i++)
		if (c_lit(c, tab[i])) {
			*idx = i;
			return 1;
		}
	return 0;
}

/* time-of-day = hour ":" minute ":" second, each 2DIGIT (ranges: make_utc). */
static int
c_time(struct cur *c, int *h, int *mi, int *s)
{
	return c_digits(c, 2, h) && c_lit(c, ":") && c_digits(c, 2, mi) && c_lit(c, ":") &&
	    c_digits(c, 2, s);
}

/* IMF-fixdate = day-name "," SP day SP month SP year SP time-of-day SP "GMT",
 * day 1 or 2 digits (RFC 1123 section 5.2.14), year 4 digits. */
static int
imf_fixdate(struct cur *c, int *wd, int *d, int *mo, int *y, int *h, int *mi, int *s)
{
	if (!c_name(c, wd_short, 7, wd) || !c_lit(c, ", "))
		return 0;
	if (!c_digits(c, c_isdigit(c, 1) ? 2 : 1, d) || !c_lit(c, " "))
		return 0;
	if (!c_name(c, mon_short, 12, mo) || !c_lit(c, " ") || !c_digits(c, 4, y) ||
	    !c_lit(c, " "))
		return 0;
	return c_time(c, h, mi, s) && c_lit(c, " GMT") && c->p == c->end;
}

/* rfc850-date = day-name-l "," SP day "-" month "-" 2DIGIT SP time-of-day
 * SP "GMT"; *y gets the two digits. */
static int
rfc850_date(struct cur *c, int *wd, int *d, int *mo, int *y, int *h, int *mi, int *s)
{
	if (!c_name(c, wd_long, 7, wd) || !c_lit(c, ", ") || !c_digits(c, 2, d) ||
	    !c_lit(c, "-") || !c_name(c, mon_short, 12, mo) || !c_lit(c, "-") ||
	    !c_digits(c, 2, y) || !c_lit(c, " "))
		return 0;
	return c_time(c, h, mi, s) && c_lit(c, " GMT") && c->p == c->end;
}

/* asctime-date = day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP
 * time-of-day SP year. */
static int
asctime_date(struct cur *c, int *wd, int *d, int *mo, int *y, int *h, int *mi, int *s)
{
	if (!c_name(c, wd_short, 7, wd) || !c_lit(c, " ") || !c_name(c, mon_short, 12, mo) ||
	    !c_lit(c, " "))
		return 0;
	if (c_lit(c, " ")) {
		if (!c_digits(c, 1, d))
			return 0;
	} else if (!c_digits(c, 2, d))
		return 0;
	if (!c_lit(c, " ") || !c_time(c, h, mi, s) || !c_lit(c, " "))
		return 0;
	return c_digits(c, 4, y) && c->p == c->end;
}

/* The year of a two-digit rfc850 year (RFC 9110: a date that appears to be
 * more than 50 years in the future is the most recent past year with the
 * same two digits): of the years ending in yy, the latest whose date is not
 * after now + 50 years, comparing calendar fields (year, month, day, hour,
 * minute, second) with those of now, its year plus 50. So the date lies in
 * (now - 50 years, now + 50 years]. 0 when that is not a year 1-9999 or now
 * cannot be broken down. */
static int
rfc850_year(int yy, int mo, int d, int h, int mi, int s, time_t now)
{
	struct tm tm;
	long y, lim[6], v[6];
	int i, later;

	if (gmtime_r(&now, &tm) == NULL)
		return 0;
	lim[0] = (long)tm.tm_year + 1900 + 50;
	lim[1] = tm.tm_mon + 1;
	lim[2] = tm.tm_mday;
	lim[3] = tm.tm_hour;
	lim[4] = tm.tm_min;
	lim[5] = tm.tm_sec;
	/* yy in the century of lim[0]: at most 99 years after it, and the
	 * candidate 100 years earlier is before it; so at most one step back. */
	y = lim[0] - (lim[0] % 100 + 100) % 100 + yy;
	v[0] = y, v[1] = mo, v[2] = d, v[3] = h, v[4] = mi, v[5] = s;
	for (later = 0, i = 0; i < 6; i++)
		if (v[i] != lim[i]) {
			later = v[i] > lim[i];
			break;
		}
	if (later)
		y -= 100;
	if (y < 1 || y > 9999)
		return 0;
	return (int)y;
}

#define HTTP_DATE_MAX 33	/* "Wednesday, 06-Nov-94 08:49:37 GMT" */

enum dgcg_err
dgcg_time_parse_http_at(const char *s, time_t now, time_t *out)
{
	int wd = -1, d = 0, mo = 0, y = 0, h = 0, mi = 0, sec = 0, ok;
	struct cur c;
	struct tm tm;
	size_t len;
	time_t t;

	if (s == NULL)
		return DGCG_ERR_PARSE;
	for (len = 0; len <= HTTP_DATE_MAX && s[len] != '\0'; len++)
		;
	if (len < 24 || len > HTTP_DATE_MAX)
		return DGCG_ERR_PARSE;
	c.p = s;
	c.end = s + len;
	/* The fourth byte tells the forms apart: "Sun," "Sun " "Sund". */
	if (s[3] == ',')
		ok = imf_fixdate(&c, &wd, &d, &mo, &y, &h, &mi, &sec);
	else if (s[3] == ' ')
		ok = asctime_date(&c, &wd, &d, &mo, &y, &h, &mi, &sec);
	else if ((ok = rfc850_date(&c, &wd, &d, &mo, &y, &h, &mi, &sec)) != 0)
		ok = (y = rfc850_year(y, mo + 1, d, h, mi, sec, now)) != 0;
	if (!ok)
		return DGCG_ERR_PARSE;
	/* A leap second exists only as 23:59:60 UTC; it reads as 23:59:59. */
	if (sec == 60 && h == 23 && mi == 59)
		sec = 59;
	if (make_utc(y, mo + 1, d, h, mi, sec, &t) != DGCG_OK)
		return DGCG_ERR_PARSE;
	/* The weekday must be the right one. */
	if (gmtime_r(&t, &tm) == NULL || tm.tm_wday != wd)
		return DGCG_ERR_PARSE;
	*out = t;
	return DGCG_OK;
}

enum dgcg_err
dgcg_time_parse_http(const char *s, time_t *out)
{
	return dgcg_time_parse_http_at(s, time(NULL), out);
}

enum dgcg_err
dgcg_time_parse_header_at(const char *s, time_t now, time_t *out)
{
	if (dgcg_time_parse_iso(s, out, NULL) == DGCG_OK)
		return DGCG_OK;
	return dgcg_time_parse_http_at(s, now, out);
}

enum dgcg_err
dgcg_time_parse_header(const char *s, time_t *out)
{
	return dgcg_time_parse_header_at(s, time(NULL), out);
}

int
dgcg_time_format_sql(time_t t, char out[20])
{
	struct tm tm;

	/* gmtime_r keeps every field in range, but only checking each one lets
	 * the compiler prove the 19 characters fit (-Wformat-truncation). */
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < 1 - 1900 || tm.tm_year > 9999 - 1900 ||
	    tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 ||
	    tm.tm_sec < 0 || tm.tm_sec > 60) {
		out[0] = '\0';
		return 0;
	}
	snprintf(out, 20, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return 1;
}

enum dgcg_err
dgcg_time_parse_sql(const char *s, time_t *t)
{
	char iso[DGCG_TIME_LEN + 1];

	if (s == NULL || strlen(s) != 19 || s[10] != ' ')
		return DGCG_ERR_PARSE;
	memcpy(iso, s, 19);
	iso[10] = 'T';
	iso[19] = 'Z';
	iso[20] = '\0';
	return dgcg_time_parse_iso(iso, t, NULL);
}
