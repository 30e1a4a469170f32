/* fuzz_dn.c: the client DN header (dgcg_auth_dn, reference-gateway.md 2.3).
 * Input: the header value. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "domain/auth.h"
#include "fuzz.h"

#define T "dn"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char cc[DGCG_COUNTRY_MAX + 1], cc2[DGCG_COUNTRY_MAX + 1], *hdr, *dec = NULL;
	enum dgcg_err rc, rc2;
	size_t n;

	hdr = fuzz_str(data, size);
	memset(cc, 'x', sizeof(cc));
	rc = dgcg_auth_dn(hdr, &dec, cc);
	FUZZ_CHECK(T, rc == DGCG_OK || rc == DGCG_ERR_PARSE || rc == DGCG_ERR_LIMIT ||
	    rc == DGCG_ERR_NOTFOUND);
	n = strnlen(cc, sizeof(cc));
	FUZZ_CHECK(T, n <= DGCG_COUNTRY_MAX);
	if (rc == DGCG_OK) {
		/* trimmed, and taken from one part: no comma, no '=' */
		FUZZ_CHECK(T, dec != NULL);
		FUZZ_CHECK(T, n == 0 || (!isspace((unsigned char)cc[0]) &&
		    !isspace((unsigned char)cc[n - 1])));
		FUZZ_CHECK(T, strchr(cc, ',') == NULL && strchr(cc, '=') == NULL);
	} else if (rc != DGCG_ERR_NOTFOUND)
		FUZZ_CHECK(T, n == 0);
	if (rc == DGCG_ERR_NOTFOUND)
		FUZZ_CHECK(T, dec != NULL && n == 0);
	/* Without the decoded copy the answer is the same. */
	rc2 = dgcg_auth_dn(hdr, NULL, cc2);
	FUZZ_CHECK(T, rc2 == rc);
	FUZZ_CHECK(T, strcmp(cc, cc2) == 0);
	free(dec);
	free(hdr);
	return 0;
}
