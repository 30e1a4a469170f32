/* fuzz_thumb.c: thumbprint header normalisation (dgcg_auth_thumbprint,
 * reference-gateway.md 2.2). Input: the header value. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "domain/auth.h"
#include "base/codec.h"
#include "fuzz.h"

#define T "thumb"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[DGCG_THUMB_HEX_LEN + 1], again[DGCG_THUMB_HEX_LEN + 1], *hdr;
	enum dgcg_err rc;
	size_t i;

	hdr = fuzz_str(data, size);
	memset(out, 'x', sizeof(out));
	rc = dgcg_auth_thumbprint(hdr, out);
	FUZZ_CHECK(T, rc == DGCG_OK || rc == DGCG_ERR_PARSE || rc == DGCG_ERR_LIMIT);
	if (rc == DGCG_OK) {
		/* exactly 64 lower-case hex digits, and a fixed point */
		FUZZ_CHECK(T, strnlen(out, sizeof(out)) == DGCG_THUMB_HEX_LEN);
		for (i = 0; i < DGCG_THUMB_HEX_LEN; i++)
			FUZZ_CHECK(T, (out[i] >= '0' && out[i] <= '9') ||
			    (out[i] >= 'a' && out[i] <= 'f'));
		FUZZ_CHECK(T, dgcg_auth_thumbprint(out, again) == DGCG_OK);
		FUZZ_CHECK(T, strcmp(out, again) == 0);
	} else
		FUZZ_CHECK(T, out[0] == '\0');
	free(hdr);
	return 0;
}
