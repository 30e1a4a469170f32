/* issuers.h: trusted issuers (reference-gateway.md 1.2, 4.3): rows of
 * trusted_issuer that operators onboard with a trust-anchor signature over
 * the UTF-8 string "country;name;url;URLTYPE;" (each field followed by
 * ';'), served by GET /trustList/issuers. A row whose signature does not
 * verify against the trust anchor is left out and logged, as in the
 * reference. */
#ifndef DGCG_ISSUERS_H
#define DGCG_ISSUERS_H

#include <stddef.h>

#include "store/db.h"
#include "base/dgcg.h"
#include "pki/trust.h"

struct dgcg_gw;

/* One trusted_issuer row; every string malloc'd, NULL for SQL NULL. */
struct dgcg_issuer {
	long long	 id;
	char		 country[3];
	char		 created[21];		/* "YYYY-MM-DDTHH:MM:SSZ" */
	char		*name;
	char		*url;
	char		*url_type;		/* HTTP or DID */
	char		*signature;		/* base64 TA CMS over the string above */
	char		*thumbprint;
	char		*ssl_public_key;
	char		*key_storage_type;
	char		*uuid;
	char		*domain;
};

struct dgcg_issuer_list {
	struct dgcg_issuer	*v;
	size_t			 n;
};

void dgcg_issuer_list_free(struct dgcg_issuer_list *l);

/* The string the trust anchor signs: "country;name;url;URLTYPE;" (NULL
 * fields as ""), malloc'd. */
char *dgcg_issuer_signed_string(const char *country, const char *name, const char *url,
	const char *url_type);

/* Integrity of one row: url_type HTTP or DID (else DGCG_TP_BAD_CERT), then
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

/* --- db_issuers.c ---------------------------------------------------------- */

/* Every row, ordered by id. */
enum dgcg_err dgcg_db_issuers_select(struct dgcg_db *db, struct dgcg_issuer_list *out);
/* Inserts is (created_at = now; id and created ignored); DGCG_ERR_CONFLICT
 * when the uuid exists. */
enum dgcg_err dgcg_db_issuer_insert(struct dgcg_db *db, const struct dgcg_issuer *is,
	long long *id);
/* Removes the row with that id (uuid NULL) or uuid; DGCG_ERR_NOTFOUND when
 * there is none. */
enum dgcg_err dgcg_db_issuer_delete(struct dgcg_db *db, long long id, const char *uuid);

#endif
