/* db_trust.h: queries of the trust-list tables beyond trusted_party
 * lookups: signer_information (DSCs) and time-filtered trusted parties. */
#ifndef DGCG_DB_TRUST_H
#define DGCG_DB_TRUST_H

#include <time.h>

#include "store/db.h"

/* One signer_information row (strings owned by the row). */
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

/* The row with this thumbprint (deleted ones included) into *out (one
 * entry) or an empty list. */
enum dgcg_err dgcg_db_si_find(struct dgcg_db *db, const char *thumbprint,
	struct dgcg_si_list *out);

/* *n = rows whose thumbprint starts with the same 16 hex characters (the
 * same 8-byte kid) but differs; deleted rows count. */
enum dgcg_err dgcg_db_si_kid_conflicts(struct dgcg_db *db, const char *thumbprint, long long *n);

enum dgcg_err dgcg_db_si_insert(struct dgcg_db *db, const char *country, const char *thumbprint,
	const char *raw_data, const char *signature, long long *id);

/* Removes a row for good (re-upload after delete, purge). */
enum dgcg_err dgcg_db_si_remove(struct dgcg_db *db, long long id);

/* Tombstone: deleted_at = now, signature = NULL. *n = rows changed. */
enum dgcg_err dgcg_db_si_mark_deleted(struct dgcg_db *db, long long id);

/* DSCs for the trust list (live ones ordered by id; a delta in no
 * particular order). country NULL = all. since < 0:
 * live rows only; else rows created or deleted at or after since
 * (tombstones included). */
enum dgcg_err dgcg_db_si_select(struct dgcg_db *db, const char *country, time_t since,
	struct dgcg_si_list *out);

/* trusted_party rows of a type (DGCG_CT__MAX = all) and country (NULL =
 * all) created at or after since (since < 0: all), ordered by id. */
enum dgcg_err dgcg_db_tp_select_since(struct dgcg_db *db, enum dgcg_cert_type type,
	const char *country, time_t since, struct dgcg_tp_list *out);

/* Removes tombstones deleted more than days days ago; *n = rows removed. */
enum dgcg_err dgcg_db_si_purge(struct dgcg_db *db, unsigned days, unsigned long long *n);

#endif
