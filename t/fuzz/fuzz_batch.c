/* fuzz_batch.c: a revocation batch and the batch delete request
 * (dgcg_batch_parse, dgcg_batch_delete_parse; lib/revocation.h).
 * Input: the JSON text (the CMS payload). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"
#include "base/timefmt.h"
#include "domain/revocation.h"

#define T "batch"

/* 2024-01-01T00:00:00Z: a fixed clock keeps every input reproducible. */
#define NOW ((time_t)1704067200)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dgcg_batch b;
	char details[1024], id[DGCG_UUID_LEN + 1], sqlt[20];
	enum dgcg_batch_check r;

	fuzz_quiet_log();
	r = dgcg_batch_parse((const char *)data, size, NOW, &b, details, sizeof(details));
	FUZZ_CHECK(T, r == DGCG_BATCH_OK || r == DGCG_BATCH_JSON || r == DGCG_BATCH_DATES ||
	    r == DGCG_BATCH_VALUES);
	FUZZ_CHECK(T, strnlen(details, sizeof(details)) < sizeof(details));
	if (r == DGCG_BATCH_OK) {
		/* what dgcg_rev_upload stores */
		FUZZ_CHECK(T, strnlen(b.country, sizeof(b.country)) >= 2 &&
		    strnlen(b.country, sizeof(b.country)) < sizeof(b.country));
		FUZZ_CHECK(T, b.expires > NOW);
		FUZZ_CHECK(T, dgcg_time_format_sql(b.expires, sqlt) == 1);
		FUZZ_CHECK(T, b.hash_type < DGCG_BATCH_HASH__MAX && dgcg_batch_hash_name(b.hash_type));
		FUZZ_CHECK(T, b.entries >= 1 && b.entries <= DGCG_BATCH_ENTRIES_MAX);
		if (b.has_kid)
			FUZZ_CHECK(T, strnlen(b.kid, sizeof(b.kid)) >= 11 &&
			    strnlen(b.kid, sizeof(b.kid)) < sizeof(b.kid));
		else
			FUZZ_CHECK(T, b.kid[0] == '\0');
		FUZZ_CHECK(T, details[0] == '\0');
	} else
		FUZZ_CHECK(T, details[0] != '\0');

	memset(id, 'x', sizeof(id));
	r = dgcg_batch_delete_parse((const char *)data, size, id, details, sizeof(details));
	FUZZ_CHECK(T, r == DGCG_BATCH_OK || r == DGCG_BATCH_JSON || r == DGCG_BATCH_VALUES);
	if (r == DGCG_BATCH_OK)
		FUZZ_CHECK(T, dgcg_uuid_valid(id));
	else
		FUZZ_CHECK(T, id[0] == '\0' && details[0] != '\0');
	return 0;
}
