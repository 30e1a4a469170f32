/* fuzz_ims.c: If-Modified-Since and the other timestamps clients send
 * (lib/timefmt.h). Input: the header value. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"
#include "timefmt.h"

#define T "ims"

/* A parsed instant of years 1000-9999 prints as 20 characters and reads
 * back as itself. */
static void
round_trip(time_t t)
{
	char s[DGCG_TIME_LEN + 1];
	struct tm tm;
	time_t back;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 < 1000 || tm.tm_year + 1900 > 9999)
		return;
	dgcg_time_format(t, s);
	FUZZ_CHECK(T, strlen(s) == DGCG_TIME_LEN);
	FUZZ_CHECK(T, dgcg_time_parse_iso(s, &back, NULL) == DGCG_OK);
	FUZZ_CHECK(T, back == t);
	FUZZ_CHECK(T, dgcg_time_parse_header(s, &back) == DGCG_OK);
	FUZZ_CHECK(T, back == t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum dgcg_err iso, http, hdr;
	time_t ti = 0, th = 0, tx = 0;
	long frac = -1;
	char *s;

	s = fuzz_str(data, size);
	iso = dgcg_time_parse_iso(s, &ti, &frac);
	http = dgcg_time_parse_http(s, &th);
	hdr = dgcg_time_parse_header(s, &tx);
	FUZZ_CHECK(T, iso == DGCG_OK || iso == DGCG_ERR_PARSE);
	FUZZ_CHECK(T, http == DGCG_OK || http == DGCG_ERR_PARSE);
	/* the header form is ISO-8601 first, then RFC 1123 */
	FUZZ_CHECK(T, (hdr == DGCG_OK) == (iso == DGCG_OK || http == DGCG_OK));
	if (iso == DGCG_OK) {
		FUZZ_CHECK(T, frac >= 0 && frac <= 999999999L);
		FUZZ_CHECK(T, tx == ti);
		round_trip(ti);
	} else if (http == DGCG_OK) {
		FUZZ_CHECK(T, tx == th);
		round_trip(th);
	}
	free(s);
	return 0;
}
