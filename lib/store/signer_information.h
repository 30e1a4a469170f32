/* signer_information.h: the signer_information table (DSCs, with the
 * detached upload CMS; tombstones keep the row with signature NULL and
 * deleted_at set; reference-gateway.md 3.1). */
#ifndef DGCG_STORE_SIGNER_INFORMATION_H
#define DGCG_STORE_SIGNER_INFORMATION_H

#include <stddef.h>
#include <time.h>

#include "base/dgcg.h"
#include "store/db.h"

/* One row (strings owned by the row). */
struct dgcg_si {
	long long	 id;
	time_t		 created_at;
	time_t		 deleted_at;	/* 0 when live */
	char		 country[3];
	char		 thumbprint[DGCG_THUMB_HEX_LEN + 1];
	char		*raw_data;	/* base64 DER */
	char		*signature;	/* base64 detached CMS; NULL for a tombstone */
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

/* *n = rows whose thumbprint starts with the same 16 hex characters (the
 * same 8-byte kid) but differs; deleted rows count. */
enum dgcg_err dgcg_db_si_kid_conflicts(struct dgcg_db *db, const char *thumbprint, long long *n);

/* Inserts a live row (created_at = now). DGCG_ERR_CONFLICT on a duplicate
 * thumbprint. */
enum dgcg_err dgcg_db_si_insert(struct dgcg_db *db, const char *country, const char *thumbprint,
	const char *raw_data, const char *signature, long long *id);

/* Removes a row for good (re-upload after delete). DGCG_ERR_NOTFOUND when gone. */
enum dgcg_err dgcg_db_si_remove(struct dgcg_db *db, long long id);

/* Tombstone: deleted_at = now, signature = NULL. DGCG_ERR_NOTFOUND when gone. */
enum dgcg_err dgcg_db_si_mark_deleted(struct dgcg_db *db, long long id);

/* signature = sig where the row is live (CMS migration). DGCG_ERR_NOTFOUND
 * otherwise. */
enum dgcg_err dgcg_db_si_set_signature(struct dgcg_db *db, long long id, const char *sig);

/* Rows for the trust list: country NULL = all; since < 0: live rows by id;
 * else rows created or deleted at or after since (tombstones included), in
 * no particular order. */
enum dgcg_err dgcg_db_si_select(struct dgcg_db *db, const char *country, time_t since,
	struct dgcg_si_list *out);

/* Tombstones deleted more than days days ago, locked (FOR UPDATE, inside
 * dgcg_db_tx), by id: what dgcg-admin purge removes (dgcg_db_si_remove). */
enum dgcg_err dgcg_db_si_old_tombstones(struct dgcg_db *db, unsigned days,
	struct dgcg_si_list *out);

#endif
