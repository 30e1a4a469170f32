/* issuers.h: trusted issuers (reference-gateway.md 1.2, 4.3; tng-gateway.md
 * 7): rows of trusted_issuer that operators onboard with a trust-anchor
 * signature over the UTF-8 string "country;name;url;URLTYPE;" (DGCG's
 * form, each field followed by ';') or "country;name;url;URLTYPE" (TNG's,
 * without the last ';'), served by GET /trustList/issuers. A row verifies
 * under either string, so lists onboarded with either tool keep working;
 * a row whose signature verifies under neither is left out and logged, as
 * in the reference. A federated row (source_gateway set) verifies against
 * its gateway's trust anchors instead of the configured one. */
#ifndef DGCG_ISSUERS_H
#define DGCG_ISSUERS_H

#include <stddef.h>

#include "base/dgcg.h"
#include "pki/trust.h"
#include "store/trusted_issuer.h"

struct dgcg_gw;

/* The two forms of the signed string. */
enum dgcg_issuer_format {
	DGCG_ISSUER_DGCG = 0,	/* "country;name;url;URLTYPE;" (dgc-gateway, dgc-lib) */
	DGCG_ISSUER_TNG		/* "country;name;url;URLTYPE" (TNG, ddcc-gateway-lib) */
};

/* The string the trust anchor signs, in form f (NULL fields as ""),
 * malloc'd. */
char *dgcg_issuer_signed_string(const char *country, const char *name, const char *url,
	const char *url_type, enum dgcg_issuer_format f);

/* Integrity of one row against ta: url_type HTTP or DID (else
 * DGCG_INTEGRITY_BAD_CERT), then dgcg_ta_verify_content over the DGCG
 * string, else over the TNG string (*form, may be NULL, gets the one that
 * verified); when neither does, the reason of the form whose text the
 * signature covers (else the DGCG form's). */
enum dgcg_integrity dgcg_issuer_verify(const struct dgcg_ta *ta, const struct dgcg_issuer *is,
	enum dgcg_issuer_format *form, const char **exc);

/* The filters of GET /trustList/issuers: countries compared
 * case-insensitively (nc == 0: all), domains likewise (nd == 0: all),
 * federated rows only with federation != 0 (tng-gateway.md 7). */
struct dgcg_issuer_filter {
	char *const	*countries;
	size_t		 nc;
	char *const	*domains;
	size_t		 nd;
	int		 federation;
};

/* GET /trustList/issuers: the verified rows, ordered by id, that pass the
 * filter, as the JSON array of TrustedIssuer objects (url, type, country,
 * thumbprint, sslPublicKey, keyStorageType, signature, timestamp, name,
 * domain, uuid; nulls written; as TNG, no sourceGateway). *json malloc'd;
 * *count = items. */
enum dgcg_err dgcg_issuers_json(struct dgcg_gw *gw, const struct dgcg_issuer_filter *f,
	char **json, size_t *len, size_t *count);

#endif
