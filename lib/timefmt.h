/* timefmt.h: the timestamps of the wire format.
 *
 * Output is always UTC, "yyyy-MM-dd'T'HH:mm:ssXXX" as the reference prints
 * it: 2021-05-05T12:54:49Z. Input accepts ISO-8601 date-times with an offset
 * (what the reference accepts) and, for HTTP headers, the RFC 1123 form. */
#ifndef DGCG_TIMEFMT_H
#define DGCG_TIMEFMT_H

#include <time.h>

#include "dgcg.h"

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

/* RFC 1123 HTTP date: "Sun, 06 Nov 1994 08:49:37 GMT". */
enum dgcg_err dgcg_time_parse_http(const char *s, time_t *out);

/* If-Modified-Since and similar headers: ISO-8601 first, then RFC 1123. */
enum dgcg_err dgcg_time_parse_header(const char *s, time_t *out);

#endif
