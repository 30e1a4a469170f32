/* trusted_reference.h: the trusted_reference table (tng-gateway.md 6, 9):
 * URLs of a country's value-set or rule services with their metadata.
 * Beyond TNG, the upload CMS is kept in signature (a consumer can check who
 * vouched for a reference), an update bumps version and sets changed_at,
 * and a delete keeps a tombstone (deleted_at and changed_at set, signature
 * NULL) for If-Modified-Since deltas until dgcg-admin purge removes it. */
#ifndef DGCG_STORE_TRUSTED_REFERENCE_H
#define DGCG_STORE_TRUSTED_REFERENCE_H

#include <stddef.h>
#include <time.h>

#include "base/dgcg.h"
#include "base/uuid.h"
#include "store/db.h"

/* One row; strings malloc'd (NULL for SQL NULL) unless arrays. */
struct dgcg_ref {
	long long	 id;
	time_t		 created_at;
	time_t		 deleted_at;	/* 0: live */
	time_t		 changed_at;	/* 0: never updated or deleted */
	char		 uuid[DGCG_UUID_LEN + 1];	/* "" for NULL */
	char		 domain[DGCG_DOMAIN_MAX + 1];	/* "DCC" for NULL */
	long long	 version;
	char		 country[3];
	char		*url;
	char		*service;
	char		*name;
	char		*thumbprint;
	char		*ssl_public_key;
	char		*content_type;
	char		*reference_version;
	char		 reference_type[26];	/* DCC or FHIR */
	char		 signature_type[26];	/* CMS, JWS or NONE */
	char		 source_gateway[DGCG_UUID_LEN + 1];	/* "": uploaded here */
	char		*signature;	/* base64 upload CMS; NULL: none (tombstone, SQL, federated) */
};

struct dgcg_ref_list {
	struct dgcg_ref	*v;
	size_t		 n;
};

void dgcg_ref_list_free(struct dgcg_ref_list *l);

/* since < 0: the live rows; else every row created, updated or deleted at
 * or after since (tombstones included). By id. */
enum dgcg_err dgcg_db_ref_select(struct dgcg_db *db, time_t since, struct dgcg_ref_list *out);

/* The row with that uuid (a tombstone too): one entry or none; lock: SELECT
 * ... FOR UPDATE (inside dgcg_db_tx). */
enum dgcg_err dgcg_db_ref_find(struct dgcg_db *db, const char *uuid, int lock,
	struct dgcg_ref_list *out);

/* Inserts r (its uuid, domain, country, fields and signature; created_at =
 * now, version 1). DGCG_ERR_CONFLICT when the uuid exists. */
enum dgcg_err dgcg_db_ref_insert(struct dgcg_db *db, const struct dgcg_ref *r, long long *id);

/* Overwrites the live row id with r's domain, fields and signature
 * (country, uuid and source stay); version + 1, changed_at = now.
 * DGCG_ERR_NOTFOUND when there is no live row id. */
enum dgcg_err dgcg_db_ref_update(struct dgcg_db *db, long long id, const struct dgcg_ref *r);

/* Tombstone: deleted_at = changed_at = now, signature NULL, version + 1.
 * DGCG_ERR_NOTFOUND when there is no live row id. */
enum dgcg_err dgcg_db_ref_mark_deleted(struct dgcg_db *db, long long id);

/* Removes tombstones deleted more than days days ago; *n = rows removed. */
enum dgcg_err dgcg_db_ref_purge(struct dgcg_db *db, unsigned days, unsigned long long *n);

#endif
