/* timefmt.c: strict timestamp parsing and formatting. */
#include "config.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include "timefmt.h"

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

enum dgcg_err
dgcg_time_parse_http(const char *s, time_t *out)
{
	static const char *const wd[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mn[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	    "Aug", "Sep", "Oct", "Nov", "Dec" };
	int i, d, y, h, mi, sec, mo = -1, okwd = 0;
	const char *p = s;
	struct tm tm;
	time_t t;

	if (s == NULL || strlen(s) != 29)
		return DGCG_ERR_PARSE;
	for (i = 0; i < 7; i++)
		if (strncmp(p, wd[i], 3) == 0)
			okwd = 1;
	if (!okwd || p[3] != ',' || p[4] != ' ')
		return DGCG_ERR_PARSE;
	p += 5;
	if (!digits(&p, 2, &d) || *p++ != ' ')
		return DGCG_ERR_PARSE;
	for (i = 0; i < 12; i++)
		if (strncmp(p, mn[i], 3) == 0)
			mo = i + 1;
	if (mo < 0 || p[3] != ' ')
		return DGCG_ERR_PARSE;
	p += 4;
	if (!digits(&p, 4, &y) || *p++ != ' ' || !digits(&p, 2, &h) || *p++ != ':' ||
	    !digits(&p, 2, &mi) || *p++ != ':' || !digits(&p, 2, &sec) || strcmp(p, " GMT") != 0)
		return DGCG_ERR_PARSE;
	if (make_utc(y, mo, d, h, mi, sec, &t) != DGCG_OK)
		return DGCG_ERR_PARSE;
	/* The weekday must be the right one. */
	if (gmtime_r(&t, &tm) == NULL || strncmp(s, wd[tm.tm_wday], 3) != 0)
		return DGCG_ERR_PARSE;
	*out = t;
	return DGCG_OK;
}

enum dgcg_err
dgcg_time_parse_header(const char *s, time_t *out)
{
	if (dgcg_time_parse_iso(s, out, NULL) == DGCG_OK)
		return DGCG_OK;
	return dgcg_time_parse_http(s, out);
}
