/* trusted_party.h: the trusted_party table (AUTHENTICATION, UPLOAD and CSCA
 * certificates with their trust-anchor signatures; reference-gateway.md
 * 1.1). Rows are returned as stored; the integrity check is pki/trust's. */
#ifndef DGCG_STORE_TRUSTED_PARTY_H
#define DGCG_STORE_TRUSTED_PARTY_H

#include <stddef.h>
#include <time.h>

#include "base/dgcg.h"
#include "store/db.h"

/* One row (strings owned by the row). */
struct dgcg_tp {
	long long		 id;
	time_t			 created_at;	/* UTC */
	char			 country[3];
	char			 thumbprint[DGCG_THUMB_HEX_LEN + 1];
	char			*raw_data;	/* base64 DER */
	char			*signature;	/* base64 TA CMS */
	enum dgcg_cert_type	 type;		/* DGCG_CT__MAX when the column holds something else */
};

struct dgcg_tp_list {
	struct dgcg_tp	*v;
	size_t		 n;
};

void dgcg_tp_list_free(struct dgcg_tp_list *l);

/* Rows matching every non-NULL filter (type DGCG_CT__MAX = any), by id. */
enum dgcg_err dgcg_db_tp_select(struct dgcg_db *db, const char *thumbprint, const char *country,
	enum dgcg_cert_type type, struct dgcg_tp_list *out);

/* Rows of a type (DGCG_CT__MAX = all) and country (NULL = all) created at
 * or after since (since < 0: all), by id. */
enum dgcg_err dgcg_db_tp_select_since(struct dgcg_db *db, enum dgcg_cert_type type,
	const char *country, time_t since, struct dgcg_tp_list *out);

/* Distinct countries, sorted: a malloc'd array of malloc'd strings. */
enum dgcg_err dgcg_db_tp_countries(struct dgcg_db *db, char ***out, size_t *n);

/* Inserts a row (created_at = now). DGCG_ERR_CONFLICT when the thumbprint
 * exists. *id (may be NULL) gets the new id. */
enum dgcg_err dgcg_db_tp_insert(struct dgcg_db *db, const char *country, const char *thumbprint,
	const char *raw_data, const char *signature, enum dgcg_cert_type type, long long *id);

/* Deletes the row with that thumbprint (its roles first: they reference it;
 * run both in one dgcg_db_tx). DGCG_ERR_NOTFOUND when there is none. */
enum dgcg_err dgcg_db_tp_delete(struct dgcg_db *db, const char *thumbprint);

#endif
