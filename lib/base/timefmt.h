/* timefmt.h: the timestamps of the wire format.
 *
 * Output is always UTC, "yyyy-MM-dd'T'HH:mm:ssXXX" as the reference prints
 * it: 2021-05-05T12:54:49Z. Input accepts ISO-8601 date-times with an offset
 * (what the reference accepts), for HTTP headers the three HTTP-date forms
 * of RFC 9110 section 5.6.7, and checks RFC 3339 date-time and full-date as
 * JSON Schema's "format" does. */
#ifndef DGCG_TIMEFMT_H
#define DGCG_TIMEFMT_H

#include <time.h>

#include "base/dgcg.h"

#define DGCG_TIME_LEN 20	/* "2021-05-05T12:54:49Z" */

/* Writes t as "YYYY-MM-DDTHH:MM:SSZ" (UTC) into out. */
void dgcg_time_format(time_t t, char out[DGCG_TIME_LEN + 1]);

/* ISO-8601 date-time with a mandatory offset, like Java's
 * DateTimeFormatter.ISO_OFFSET_DATE_TIME: YYYY-MM-DDTHH:MM[:SS[.f{1,9}]]
 * followed by Z or +HH:MM / -HH:MM (also +HH:MM:SS). 'T' may be 't'.
 * Fractions are dropped (*frac_ns, may be NULL, gets them). Returns
 * DGCG_ERR_PARSE for anything else, including out-of-range fields
 * (month 13, Feb 30, hour 24) and trailing characters. */
enum dgcg_err dgcg_time_parse_iso(const char *s, time_t *out, long *frac_ns);

/* RFC 3339 section 5.6 date-time, as the validation-rule schema's format
 * "date-time" checks it: 1 when s[0..len) is exactly
 *   YYYY-MM-DD ("T"|"t") hh:mm:ss [. 1*DIGIT] ("Z"|"z"|("+"|"-") hh:mm)
 * with a real calendar day (leap years; year 0000 refused), hh 00-23, mm
 * and ss 00-59, any number of fraction digits, an offset up to +-23:59;
 * else 0. s need not be NUL-terminated; nothing beyond len is read.
 * NOTE: a check only, and wider than dgcg_time_parse_iso in one place: an
 * offset beyond +-18:00 passes here and fails there (java.time's limit),
 * which the rule upload reports on its own.
 * NOTE: second 60 (RFC 3339's leap second) is refused, and so is a space
 * or anything else in place of the "T", and "," before a fraction. */
int dgcg_rfc3339_datetime(const char *s, size_t len);

/* RFC 3339 full-date YYYY-MM-DD, exactly 10 bytes, with a real calendar day
 * (year 0000 refused): 1 or 0. Used for value-set dates. */
int dgcg_rfc3339_date(const char *s, size_t len);

/* HTTP-date, RFC 9110 section 5.6.7: a recipient must accept all three
 * forms, and this reads exactly them:
 *
 *   IMF-fixdate  "Sun, 06 Nov 1994 08:49:37 GMT", also with a 1-digit day
 *                "Sun, 6 Nov 1994 08:49:37 GMT" (RFC 1123 section 5.2.14);
 *                the year has 4 digits.
 *   RFC 850      "Sunday, 06-Nov-94 08:49:37 GMT": full weekday name, 2-digit
 *                day and year. The year is the one ending in those digits
 *                that puts the date within (now - 50 years, now + 50 years]:
 *                one that would be more than 50 years after now is the most
 *                recent past year with the same two digits, as RFC 9110
 *                requires. "More than" compares the calendar fields with
 *                now's, its year plus 50 (now 2026-05-10T12:00:00Z:
 *                10-May-76 12:00:00 is 2076, 10-May-76 12:00:01 is 1976).
 *   asctime      "Sun Nov  6 08:49:37 1994": the day is 2 characters, a space
 *                and a digit or 2 digits ("Sun Nov 16 08:49:37 1994",
 *                also "Sun Nov 06 ...").
 *
 * Strict everywhere else: weekday and month names exactly as written above
 * (case-sensitive), "GMT" exactly, single spaces where the grammar has SP,
 * no leading or trailing characters, field ranges checked (no Feb 30, hour
 * 24, minute 60, year 0000), and the weekday must be the one of the date.
 * NOTE: the grammar allows second 60; it is accepted only as 23:59:60, the
 * only place UTC inserts a leap second, and read as 23:59:59 of that day (a
 * POSIX time has no leap seconds; the earlier second makes an
 * If-Modified-Since delta a superset, never missing a change). Any other
 * :60 is refused. s is NUL-terminated and read no further than 34 bytes.
 * Returns DGCG_OK and sets *out, or DGCG_ERR_PARSE leaving *out alone.
 * now only decides the century of an RFC 850 year. */
enum dgcg_err dgcg_time_parse_http_at(const char *s, time_t now, time_t *out);

/* dgcg_time_parse_http_at with now = time(NULL). */
enum dgcg_err dgcg_time_parse_http(const char *s, time_t *out);

/* If-Modified-Since and similar headers: ISO-8601 with offset first
 * (dgcg_time_parse_iso, exactly as it is), then HTTP-date
 * (dgcg_time_parse_http_at). The two never both match: ISO-8601 starts
 * with a digit, an HTTP-date with a weekday name. Returns DGCG_OK and sets
 * *out, or DGCG_ERR_PARSE leaving *out alone. */
enum dgcg_err dgcg_time_parse_header_at(const char *s, time_t now, time_t *out);

/* dgcg_time_parse_header_at with now = time(NULL). */
enum dgcg_err dgcg_time_parse_header(const char *s, time_t *out);

/* The DATETIME literal "YYYY-MM-DD HH:MM:SS" (UTC) of t into out.
 * Returns 0 (out "") when t is outside years 1..9999. */
int dgcg_time_format_sql(time_t t, char out[20]);

/* Reads a DATETIME value as MariaDB returns it ("YYYY-MM-DD HH:MM:SS",
 * UTC); DGCG_ERR_PARSE for anything else. */
enum dgcg_err dgcg_time_parse_sql(const char *s, time_t *t);

#endif
