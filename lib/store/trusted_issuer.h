/* trusted_issuer.h: the trusted_issuer table (issuers operators onboard
 * with a trust-anchor signature; reference-gateway.md 1.2, 4.3; federated
 * rows, tng-gateway.md 7). */
#ifndef DGCG_STORE_TRUSTED_ISSUER_H
#define DGCG_STORE_TRUSTED_ISSUER_H

#include <stddef.h>

#include "base/dgcg.h"
#include "store/db.h"

/* One row; every string malloc'd, NULL for SQL NULL. */
struct dgcg_issuer {
	long long	 id;
	char		 country[3];
	char		 created[21];		/* "YYYY-MM-DDTHH:MM:SSZ" */
	char		*name;
	char		*url;
	char		*url_type;		/* HTTP or DID */
	char		*signature;		/* base64 TA CMS over the signed string */
	char		*thumbprint;
	char		*ssl_public_key;
	char		*key_storage_type;
	char		*uuid;
	char		*domain;
	char		*source_gateway;	/* federated: the peer's gateway id; NULL: onboarded here */
};

struct dgcg_issuer_list {
	struct dgcg_issuer	*v;
	size_t			 n;
};

void dgcg_issuer_list_free(struct dgcg_issuer_list *l);

/* Every row (federated ones included), ordered by id. */
enum dgcg_err dgcg_db_issuers_select(struct dgcg_db *db, struct dgcg_issuer_list *out);
/* Inserts is (created_at = now; id and created ignored; domain NULL =
 * "DCC"); DGCG_ERR_CONFLICT when the uuid exists. */
enum dgcg_err dgcg_db_issuer_insert(struct dgcg_db *db, const struct dgcg_issuer *is,
	long long *id);
/* Removes the row with that id (uuid NULL) or uuid; DGCG_ERR_NOTFOUND when
 * there is none. */
enum dgcg_err dgcg_db_issuer_delete(struct dgcg_db *db, long long id, const char *uuid);

#endif
