/* revocation_batch.c: the revocation_batch table's SQL and row layout. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/data_version.h"
#include "store/revocation_batch.h"

#define RB_COLS "id, batch_id, country, DATE_FORMAT(changed, '%Y-%m-%dT%H:%i:%sZ'), deleted"

static const char SQL_RB_INSERT[] =
    "INSERT INTO revocation_batch (batch_id, country, changed, expires, deleted, type, kid,"
    " signed_batch) VALUES (?, ?, UTC_TIMESTAMP(), ?, 0, ?, ?, ?)";
static const char SQL_RB_FIND[] =
    "SELECT " RB_COLS ", signed_batch FROM revocation_batch WHERE batch_id = ?";
static const char SQL_RB_FIND_LOCK[] =
    "SELECT " RB_COLS ", signed_batch FROM revocation_batch WHERE batch_id = ? FOR UPDATE";
static const char SQL_RB_FIND_ID_LOCK[] =
    "SELECT " RB_COLS ", signed_batch FROM revocation_batch WHERE id = ? FOR UPDATE";
static const char SQL_RB_MARK[] =
    "UPDATE revocation_batch SET deleted = 1, signed_batch = NULL, changed = UTC_TIMESTAMP()"
    " WHERE batch_id = ? AND deleted = 0";
/* List rows: the date as listed is LEAST(changed, horizon), see
 * dgcg_db_rb_since in revocation_batch.h. */
#define RB_LIST_COLS "id, batch_id, country," \
	" DATE_FORMAT(LEAST(changed, ?), '%Y-%m-%dT%H:%i:%sZ'), deleted, NULL"
static const char SQL_RB_HORIZON[] =
    "SELECT DATE_FORMAT(UTC_TIMESTAMP() - INTERVAL 1 SECOND, '%Y-%m-%d %H:%i:%s')";
static const char SQL_RB_SINCE[] =
    "SELECT " RB_LIST_COLS " FROM revocation_batch WHERE changed > ?"
    " ORDER BY changed, id LIMIT 1001";
static const char SQL_RB_BETWEEN[] =
    "SELECT " RB_LIST_COLS " FROM revocation_batch WHERE changed > ?"
    " AND changed >= ? AND changed <= ? ORDER BY changed, id";
static const char SQL_RB_AFTER[] =
    "SELECT " RB_LIST_COLS " FROM revocation_batch WHERE changed > ?"
    " ORDER BY changed, id LIMIT 1";
static const char SQL_RB_COUNTRY[] =
    "SELECT " RB_COLS ", signed_batch FROM revocation_batch WHERE country = ? AND deleted = 0"
    " ORDER BY id";
static const char SQL_RB_SET_CMS[] =
    "UPDATE revocation_batch SET signed_batch = ?, changed = UTC_TIMESTAMP()"
    " WHERE id = ? AND deleted = 0";
static const char SQL_RB_EXPIRED[] =
    "SELECT " RB_COLS ", NULL FROM revocation_batch WHERE deleted = 0 AND expires < UTC_TIMESTAMP()"
    " ORDER BY id FOR UPDATE";
static const char SQL_RB_OLD_TOMBSTONES[] =
    "SELECT " RB_COLS ", NULL FROM revocation_batch WHERE deleted = 1"
    " AND changed < UTC_TIMESTAMP() - INTERVAL ? DAY ORDER BY id FOR UPDATE";
static const char SQL_RB_REMOVE[] =
    "DELETE FROM revocation_batch WHERE id = ?";
#define F(x) offsetof(struct dgcg_rb, x)
static const struct dgcg_col rb_cols[] = {
	{ DGCG_COL_INT, F(id), 0 },
	{ DGCG_COL_BUF, F(batch_id), sizeof(((struct dgcg_rb *)0)->batch_id) },
	{ DGCG_COL_BUF, F(country), sizeof(((struct dgcg_rb *)0)->country) },
	{ DGCG_COL_BUF, F(changed), sizeof(((struct dgcg_rb *)0)->changed) },
	{ DGCG_COL_BOOL, F(deleted), 0 },
	{ DGCG_COL_STR, F(signed_batch), 0 },
};
#undef F
static const struct dgcg_rowdef rb_def = { rb_cols, 6, sizeof(struct dgcg_rb) };

void
dgcg_rb_list_free(struct dgcg_rb_list *l)
{
	if (l == NULL)
		return;
	dgcg_db_rows_free(&rb_def, l->v, l->n);
	l->v = NULL;
	l->n = 0;
}

/*
 * Every statement that stamps changed runs after stamp_lock, in the same
 * transaction, and every list read after read_lock: no row is stamped
 * before a list read and committed after it, which would list it never
 * (its time lies below the horizon the client moves on from). See
 * dgcg_db_version_lock.
 */
static enum dgcg_err
stamp_lock(struct dgcg_db *db)
{
	return dgcg_db_version_lock(db, DGCG_T_REVOCATION_BATCH, 1);
}

static enum dgcg_err
select_rows(struct dgcg_db *db, const char *sql, const char *const *p, unsigned np,
    struct dgcg_rb_list *out)
{
	enum dgcg_err rc;
	void *v = NULL;

	rc = dgcg_db_select(db, sql, p, np, &rb_def, &v, &out->n);
	out->v = v;
	return rc;
}

enum dgcg_err
dgcg_db_rb_insert(struct dgcg_db *db, const char *batch_id, const char *country,
    const char *expires, const char *type, const char *kid, const char *signed_batch,
    long long *id)
{
	const char *p[6] = { batch_id, country, expires, type, kid, signed_batch };
	enum dgcg_err rc;

	if ((rc = stamp_lock(db)) != DGCG_OK)
		return rc;
	return dgcg_db_exec(db, SQL_RB_INSERT, p, 6, NULL, id);
}

enum dgcg_err
dgcg_db_rb_find(struct dgcg_db *db, const char *batch_id, int for_update,
    struct dgcg_rb_list *out)
{
	const char *p[1] = { batch_id };

	return select_rows(db, for_update ? SQL_RB_FIND_LOCK : SQL_RB_FIND, p, 1, out);
}

enum dgcg_err
dgcg_db_rb_find_id_locked(struct dgcg_db *db, long long id, struct dgcg_rb_list *out)
{
	char ids[32];
	const char *p[1] = { ids };

	snprintf(ids, sizeof(ids), "%lld", id);
	return select_rows(db, SQL_RB_FIND_ID_LOCK, p, 1, out);
}

enum dgcg_err
dgcg_db_rb_mark_deleted(struct dgcg_db *db, const char *batch_id)
{
	const char *p[1] = { batch_id };
	unsigned long long n = 0;
	enum dgcg_err rc;

	if ((rc = stamp_lock(db)) != DGCG_OK)
		return rc;
	rc = dgcg_db_exec(db, SQL_RB_MARK, p, 1, &n, NULL);
	if (rc == DGCG_OK && n == 0)
		rc = DGCG_ERR_NOTFOUND;
	return rc;
}

enum dgcg_err
dgcg_db_rb_horizon(struct dgcg_db *db, char out[20])
{
	enum dgcg_err rc;
	char **v = NULL;
	size_t n = 0, i;

	out[0] = '\0';
	if ((rc = dgcg_db_version_lock(db, DGCG_T_REVOCATION_BATCH, 0)) != DGCG_OK)
		return rc;
	if ((rc = dgcg_db_strings(db, SQL_RB_HORIZON, NULL, 0, &v, &n)) != DGCG_OK)
		return rc;
	if (n != 1 || strlen(v[0]) != 19)
		rc = DGCG_ERR_DB;
	else
		memcpy(out, v[0], 20);
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return rc;
}

enum dgcg_err
dgcg_db_rb_since(struct dgcg_db *db, const char *horizon, const char *since,
    struct dgcg_rb_list *out)
{
	const char *p[2] = { horizon, since };

	return select_rows(db, SQL_RB_SINCE, p, 2, out);
}

enum dgcg_err
dgcg_db_rb_between(struct dgcg_db *db, const char *horizon, const char *since,
    const char *from, const char *to, struct dgcg_rb_list *out)
{
	const char *p[4] = { horizon, since, from, to };

	return select_rows(db, SQL_RB_BETWEEN, p, 4, out);
}

enum dgcg_err
dgcg_db_rb_any_after(struct dgcg_db *db, const char *horizon, const char *after, int *any)
{
	struct dgcg_rb_list l = { NULL, 0 };
	const char *p[2] = { horizon, after };
	enum dgcg_err rc;

	*any = 0;
	if ((rc = select_rows(db, SQL_RB_AFTER, p, 2, &l)) == DGCG_OK)
		*any = l.n > 0;
	dgcg_rb_list_free(&l);
	return rc;
}

enum dgcg_err
dgcg_db_rb_of_country(struct dgcg_db *db, const char *country, struct dgcg_rb_list *out)
{
	const char *p[1] = { country };

	return select_rows(db, SQL_RB_COUNTRY, p, 1, out);
}

enum dgcg_err
dgcg_db_rb_set_cms(struct dgcg_db *db, long long id, const char *cms)
{
	char ids[32];
	const char *p[2] = { cms, ids };
	unsigned long long n = 0;
	enum dgcg_err rc;

	snprintf(ids, sizeof(ids), "%lld", id);
	if ((rc = stamp_lock(db)) != DGCG_OK)
		return rc;
	rc = dgcg_db_exec(db, SQL_RB_SET_CMS, p, 2, &n, NULL);
	if (rc == DGCG_OK && n == 0)
		rc = DGCG_ERR_NOTFOUND;
	return rc;
}

enum dgcg_err
dgcg_db_rb_expired(struct dgcg_db *db, struct dgcg_rb_list *out)
{
	enum dgcg_err rc;

	if ((rc = stamp_lock(db)) != DGCG_OK)
		return rc;
	return select_rows(db, SQL_RB_EXPIRED, NULL, 0, out);
}

enum dgcg_err
dgcg_db_rb_old_tombstones(struct dgcg_db *db, unsigned days, struct dgcg_rb_list *out)
{
	char ds[16];
	const char *p[1] = { ds };

	snprintf(ds, sizeof(ds), "%u", days);
	return select_rows(db, SQL_RB_OLD_TOMBSTONES, p, 1, out);
}

enum dgcg_err
dgcg_db_rb_remove(struct dgcg_db *db, long long id)
{
	char ids[32];
	const char *p[1] = { ids };
	unsigned long long n = 0;
	enum dgcg_err rc;

	snprintf(ids, sizeof(ids), "%lld", id);
	rc = dgcg_db_exec(db, SQL_RB_REMOVE, p, 1, &n, NULL);
	if (rc == DGCG_OK && n == 0)
		rc = DGCG_ERR_NOTFOUND;
	return rc;
}
