/* revocation_batch.h: the revocation_batch table (one row per batch; the
 * upload CMS as received in signed_batch; tombstones keep the row with
 * signed_batch NULL and deleted = 1; reference-gateway.md 7). Times are
 * passed and read as UTC text, not Unix seconds: DATETIME reaches year
 * 9999, FROM_UNIXTIME only 2038 on MariaDB 10.11. */
#ifndef DGCG_STORE_REVOCATION_BATCH_H
#define DGCG_STORE_REVOCATION_BATCH_H

#include <stddef.h>

#include "base/dgcg.h"
#include "store/db.h"

/* One revocation_batch row (signed_batch owned; NULL when deleted or not
 * selected). */
struct dgcg_rb {
	long long	 id;
	char		 batch_id[40];
	char		 country[3];
	char		 changed[21];	/* "YYYY-MM-DDTHH:MM:SSZ" */
	int		 deleted;
	char		*signed_batch;
};

struct dgcg_rb_list {
	struct dgcg_rb	*v;
	size_t		 n;
};

void dgcg_rb_list_free(struct dgcg_rb_list *l);

/* The functions that stamp changed (insert, mark_deleted, set_cms, expire)
 * take the table's counter lock first (dgcg_db_version_lock, exclusive):
 * they must run inside dgcg_db_tx. */

/* Inserts a live batch, changed = now. expires is a DATETIME literal
 * (dgcg_time_format_sql), kid NULL for none. DGCG_ERR_CONFLICT when batch_id
 * exists. */
enum dgcg_err dgcg_db_rb_insert(struct dgcg_db *db, const char *batch_id, const char *country,
	const char *expires, const char *type, const char *kid, const char *signed_batch,
	long long *id);

/* The row with batch_id (0 or 1 entries). for_update: SELECT ... FOR
 * UPDATE, inside a transaction. */
enum dgcg_err dgcg_db_rb_find(struct dgcg_db *db, const char *batch_id, int for_update,
	struct dgcg_rb_list *out);

/* The row with id, locked (FOR UPDATE; inside a transaction). */
enum dgcg_err dgcg_db_rb_find_id_locked(struct dgcg_db *db, long long id,
	struct dgcg_rb_list *out);

/* Tombstone: deleted = 1, signed_batch = NULL, changed = now, where the row
 * is live. DGCG_ERR_NOTFOUND when no live row has that batch_id. */
enum dgcg_err dgcg_db_rb_mark_deleted(struct dgcg_db *db, const char *batch_id);

/*
 * Reading the list (dgcg_rev_list in revocation.h pages with these):
 * horizon is the database's UTC clock minus one second, as a DATETIME
 * literal, read once per list request (dgcg_db_rb_horizon, inside a
 * dgcg_db_tx: it takes the counter lock shared first, so it waits for
 * writers in flight, and the page's reads that follow in the transaction
 * see one snapshot taken after them). Every list row
 * carries changed = LEAST(changed, horizon): a row changed within the
 * current second (or later, with clock skew between nodes) is listed with
 * the second before, so a client that resends that date gets the row's
 * second again. signed_batch is not read.
 * All DATETIME arguments are literals "YYYY-MM-DD HH:MM:SS".
 */
enum dgcg_err dgcg_db_rb_horizon(struct dgcg_db *db, char out[20]);
/* Rows changed strictly after since, ordered by changed then id, at most
 * 1001 (DGCG_BATCH_LIST_MAX + 1, to tell "more"). */
enum dgcg_err dgcg_db_rb_since(struct dgcg_db *db, const char *horizon, const char *since,
	struct dgcg_rb_list *out);
/* Every row changed strictly after since and from <= changed <= to, ordered
 * by changed then id (no limit: one second's rows). */
enum dgcg_err dgcg_db_rb_between(struct dgcg_db *db, const char *horizon, const char *since,
	const char *from, const char *to, struct dgcg_rb_list *out);
/* *any = 1 when a row was changed strictly after `after`. */
enum dgcg_err dgcg_db_rb_any_after(struct dgcg_db *db, const char *horizon, const char *after,
	int *any);

/* Live rows of a country, ordered by id, with signed_batch. */
enum dgcg_err dgcg_db_rb_of_country(struct dgcg_db *db, const char *country,
	struct dgcg_rb_list *out);

/* CMS migration: signed_batch = cms, changed = now, where the row is live.
 * DGCG_ERR_NOTFOUND otherwise. */
enum dgcg_err dgcg_db_rb_set_cms(struct dgcg_db *db, long long id, const char *cms);

/* Housekeeping (reference-gateway.md 7.5), for dgcg-admin purge inside
 * dgcg_db_tx: live batches whose expires lies in the past, locked (FOR
 * UPDATE, after the counter lock), by id, for dgcg_db_rb_mark_deleted; and
 * tombstones changed more than days days ago, locked, by id, for
 * dgcg_db_rb_remove (DGCG_ERR_NOTFOUND when the row is gone). */
enum dgcg_err dgcg_db_rb_expired(struct dgcg_db *db, struct dgcg_rb_list *out);
enum dgcg_err dgcg_db_rb_old_tombstones(struct dgcg_db *db, unsigned days,
	struct dgcg_rb_list *out);
enum dgcg_err dgcg_db_rb_remove(struct dgcg_db *db, long long id);

#endif
