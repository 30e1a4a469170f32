/* issuers.h: trusted issuers (reference-gateway.md 1.2, 4.3): rows of
 * trusted_issuer that operators onboard with a trust-anchor signature over
 * the UTF-8 string "country;name;url;URLTYPE;" (each field followed by
 * ';'), served by GET /trustList/issuers. A row whose signature does not
 * verify against the trust anchor is left out and logged, as in the
 * reference. */
#ifndef DGCG_ISSUERS_H
#define DGCG_ISSUERS_H

#include <stddef.h>

#include "base/dgcg.h"
#include "pki/trust.h"
#include "store/trusted_issuer.h"

struct dgcg_gw;

/* The string the trust anchor signs: "country;name;url;URLTYPE;" (NULL
 * fields as ""), malloc'd. */
char *dgcg_issuer_signed_string(const char *country, const char *name, const char *url,
	const char *url_type);

/* Integrity of one row: url_type HTTP or DID (else DGCG_INTEGRITY_BAD_CERT), then
 * dgcg_ta_verify_content over the signed string. */
enum dgcg_integrity dgcg_issuer_verify(const struct dgcg_ta *ta, const struct dgcg_issuer *is,
	const char **exc);

/* GET /trustList/issuers: the verified rows, ordered by id, of the given
 * countries (compared case-insensitively; nc == 0: all), as the JSON array
 * of TrustedIssuer objects (url, type, country, thumbprint, sslPublicKey,
 * keyStorageType, signature, timestamp, name, domain, uuid; nulls
 * written). *json malloc'd; *count = items. */
enum dgcg_err dgcg_issuers_json(struct dgcg_gw *gw, char *const *countries, size_t nc,
	char **json, size_t *len, size_t *count);

#endif
