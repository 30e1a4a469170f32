/* signer_information.h: the signer_information table (DSCs, with the
 * detached upload CMS; tombstones keep the row with signature NULL and
 * deleted_at set; reference-gateway.md 3.1), and the v2 signer groups,
 * domains, custom kids and properties of tng-gateway.md 2, 4.3 and 9 (a
 * v2 upload stores its attached CMS as received). */
#ifndef DGCG_STORE_SIGNER_INFORMATION_H
#define DGCG_STORE_SIGNER_INFORMATION_H

#include <stddef.h>
#include <time.h>

#include "base/dgcg.h"
#include "base/uuid.h"
#include "store/db.h"

/* One row (strings owned by the row). */
struct dgcg_si {
	long long	 id;
	time_t		 created_at;
	time_t		 deleted_at;	/* 0 when live */
	char		 country[3];
	char		 thumbprint[DGCG_THUMB_HEX_LEN + 1];
	char		*raw_data;	/* base64 DER */
	char		*signature;	/* base64 upload CMS (v1: detached); NULL for a tombstone */
	/* v2 (005_v2.sql) */
	enum dgcg_group	 group;		/* DGCG_G__MAX unless a signer group */
	char		 domain[DGCG_DOMAIN_MAX + 1];	/* "DCC" for NULL */
	char		 uuid[DGCG_UUID_LEN + 1];	/* "" for NULL */
	long long	 version;
	char		*kid;		/* custom kid, or NULL */
	char		*properties;	/* one JSON object, or NULL */
	char		 source_gateway[DGCG_UUID_LEN + 1];	/* "": uploaded here */
};

struct dgcg_si_list {
	struct dgcg_si	*v;
	size_t		 n;
};

void dgcg_si_list_free(struct dgcg_si_list *l);

/* The row with this thumbprint (deleted ones included): one entry or none. */
enum dgcg_err dgcg_db_si_find(struct dgcg_db *db, const char *thumbprint,
	struct dgcg_si_list *out);

/* The row with id, locked (SELECT ... FOR UPDATE, inside dgcg_db_tx). */
enum dgcg_err dgcg_db_si_locked(struct dgcg_db *db, long long id, struct dgcg_si_list *out);

/* *n = rows whose thumbprint starts with hexprefix (hex digits only) and
 * differs from thumbprint; deleted rows count. */
enum dgcg_err dgcg_db_si_prefix_count(struct dgcg_db *db, const char *hexprefix,
	const char *thumbprint, long long *n);

/* *n = rows other than thumbprint whose kid column is kid (compared as
 * bytes); deleted rows count. */
enum dgcg_err dgcg_db_si_kid_count(struct dgcg_db *db, const char *kid, const char *thumbprint,
	long long *n);

/* A row to insert (created_at = now, version 1, a new uuid); a v1 upload
 * is group DSC, domain DCC, no kid, no properties. */
struct dgcg_si_new {
	const char	*country;
	const char	*thumbprint;
	const char	*raw_data;
	const char	*signature;	/* the upload CMS as received */
	enum dgcg_group	 group;		/* a signer group */
	const char	*domain;
	const char	*kid;		/* NULL: none */
	const char	*properties;	/* NULL: none */
};

/* Inserts a v2 row. DGCG_ERR_CONFLICT on a duplicate thumbprint or kid;
 * DGCG_ERR_INVAL for a group that is no signer group; DGCG_ERR_IO when no
 * uuid could be made. */
enum dgcg_err dgcg_db_si_insert_row(struct dgcg_db *db, const struct dgcg_si_new *r,
	long long *id);

/* Removes a row for good (re-upload after delete). DGCG_ERR_NOTFOUND when gone. */
enum dgcg_err dgcg_db_si_remove(struct dgcg_db *db, long long id);

/* Tombstone: deleted_at = now, signature = NULL. DGCG_ERR_NOTFOUND when gone. */
enum dgcg_err dgcg_db_si_mark_deleted(struct dgcg_db *db, long long id);

/* signature = sig where the row is live (CMS migration). DGCG_ERR_NOTFOUND
 * otherwise. */
enum dgcg_err dgcg_db_si_set_signature(struct dgcg_db *db, long long id, const char *sig);

/* Rows for the trust lists: country NULL = all; since < 0: live rows by id;
 * else rows created or deleted at or after since (tombstones included), in
 * no particular order. Every group, domain and source: the caller filters. */
enum dgcg_err dgcg_db_si_select(struct dgcg_db *db, const char *country, time_t since,
	struct dgcg_si_list *out);

/* Tombstones deleted more than days days ago, locked (FOR UPDATE, inside
 * dgcg_db_tx), by id: what dgcg-admin purge removes (dgcg_db_si_remove). */
enum dgcg_err dgcg_db_si_old_tombstones(struct dgcg_db *db, unsigned days,
	struct dgcg_si_list *out);

#endif
