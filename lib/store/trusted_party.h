/* trusted_party.h: the trusted_party table (AUTHENTICATION, UPLOAD and CSCA
 * certificates with their trust-anchor signatures; reference-gateway.md
 * 1.1; and the v2 groups, domains and federated rows of tng-gateway.md 2,
 * 9). Rows are returned as stored; the integrity check is pki/trust's. */
#ifndef DGCG_STORE_TRUSTED_PARTY_H
#define DGCG_STORE_TRUSTED_PARTY_H

#include <stddef.h>
#include <time.h>

#include "base/dgcg.h"
#include "base/uuid.h"
#include "store/db.h"

/* One row (strings owned by the row). */
struct dgcg_tp {
	long long		 id;
	time_t			 created_at;	/* UTC */
	char			 country[3];
	char			 thumbprint[DGCG_THUMB_HEX_LEN + 1];
	char			*raw_data;	/* base64 DER */
	char			*signature;	/* base64 TA CMS */
	/* the v1 type: DGCG_CT__MAX unless AUTHENTICATION, UPLOAD or CSCA */
	enum dgcg_cert_type	 type;
	/* v2 (005_v2.sql) */
	enum dgcg_group		 group;		/* DGCG_G__MAX unless a trusted-party group */
	char			 domain[DGCG_DOMAIN_MAX + 1];	/* "DCC" for NULL */
	char			 uuid[DGCG_UUID_LEN + 1];	/* "" for NULL */
	long long		 version;
	char			*kid;		/* NULL unless set */
	char			 source_gateway[DGCG_UUID_LEN + 1];	/* "": onboarded here */
	char			 assigned_gateway[DGCG_UUID_LEN + 1];	/* "" for NULL */
};

struct dgcg_tp_list {
	struct dgcg_tp	*v;
	size_t		 n;
};

void dgcg_tp_list_free(struct dgcg_tp_list *l);

/* Rows matching every non-NULL filter (group DGCG_G__MAX = any; the column
 * is compared case-insensitively), by id. Federated rows and every domain
 * included: the caller filters. */
enum dgcg_err dgcg_db_tp_select(struct dgcg_db *db, const char *thumbprint, const char *country,
	enum dgcg_group group, struct dgcg_tp_list *out);

/* Rows of a type (DGCG_CT__MAX = every group) and country (NULL = all)
 * created at or after since (since < 0: all), by id. */
enum dgcg_err dgcg_db_tp_select_since(struct dgcg_db *db, enum dgcg_cert_type type,
	const char *country, time_t since, struct dgcg_tp_list *out);

/* The TRUSTANCHOR rows assigned to a peer gateway (tng-gateway.md 10.2),
 * by id. */
enum dgcg_err dgcg_db_tp_peer_anchors(struct dgcg_db *db, const char *gateway_id,
	struct dgcg_tp_list *out);

/* Distinct countries of the rows onboarded here (federated ones left
 * out, as in TNG), sorted: a malloc'd array of malloc'd strings. */
enum dgcg_err dgcg_db_tp_countries(struct dgcg_db *db, char ***out, size_t *n);

/* Inserts a row (created_at = now, version 1). domain NULL = "DCC";
 * assigned_gateway and uuid may be NULL. DGCG_ERR_CONFLICT when the
 * thumbprint or uuid exists; DGCG_ERR_INVAL for a group that is not a
 * trusted-party group. *id (may be NULL) gets the new id. */
enum dgcg_err dgcg_db_tp_insert(struct dgcg_db *db, const char *country, const char *thumbprint,
	const char *raw_data, const char *signature, enum dgcg_group group, const char *domain,
	const char *uuid, const char *assigned_gateway, long long *id);

/* Deletes the row with that thumbprint (its roles first: they reference it;
 * run both in one dgcg_db_tx). DGCG_ERR_NOTFOUND when there is none. */
enum dgcg_err dgcg_db_tp_delete(struct dgcg_db *db, const char *thumbprint);

/* Kid collisions (tng-gateway.md 2.4): *n = rows whose kid column is kid
 * (compared as bytes). */
enum dgcg_err dgcg_db_tp_kid_count(struct dgcg_db *db, const char *kid, long long *n);
/* *n = rows without a kid column whose thumbprint starts with hexprefix
 * (16 hex digits: the same derived kid), other than thumbprint. */
enum dgcg_err dgcg_db_tp_prefix_count(struct dgcg_db *db, const char *hexprefix,
	const char *thumbprint, long long *n);

#endif
