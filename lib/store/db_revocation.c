/* db_revocation.c: revocation_batch and shedlock queries. SQL runs through
 * dgcg_db_run (db.c). Times are passed and read as UTC text, not Unix
 * seconds: DATETIME reaches year 9999, FROM_UNIXTIME only 2038 on
 * MariaDB 10.11. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db_revocation.h"
#include "base/xmalloc.h"

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
 * dgcg_db_rb_since in db_revocation.h. */
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
static const char SQL_RB_EXPIRE[] =
    "UPDATE revocation_batch SET deleted = 1, signed_batch = NULL, changed = UTC_TIMESTAMP()"
    " WHERE deleted = 0 AND expires < UTC_TIMESTAMP()";
static const char SQL_RB_PURGE[] =
    "DELETE FROM revocation_batch WHERE deleted = 1"
    " AND changed < UTC_TIMESTAMP() - INTERVAL ? DAY";
static const char SQL_LOCK_INSERT[] =
    "INSERT INTO shedlock (name, lock_until, locked_at, locked_by)"
    " VALUES (?, UTC_TIMESTAMP(3) + INTERVAL ? SECOND, UTC_TIMESTAMP(3), ?)";
static const char SQL_LOCK_TAKE[] =
    "UPDATE shedlock SET lock_until = UTC_TIMESTAMP(3) + INTERVAL ? SECOND,"
    " locked_at = UTC_TIMESTAMP(3), locked_by = ? WHERE name = ?"
    " AND lock_until <= UTC_TIMESTAMP(3)";
static const char SQL_LOCK_RELEASE[] =
    "UPDATE shedlock SET lock_until = UTC_TIMESTAMP(3) WHERE name = ? AND locked_by = ?";

void
dgcg_rb_list_free(struct dgcg_rb_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i].signed_batch);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static enum dgcg_err
rb_row(void *arg, char **cols, const unsigned long *lens, unsigned ncols)
{
	struct dgcg_rb_list *l = arg;
	struct dgcg_rb *r;

	(void)lens;
	if (ncols != 6)
		return DGCG_ERR_DB;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	r = &l->v[l->n++];
	memset(r, 0, sizeof(*r));
	r->id = cols[0] ? strtoll(cols[0], NULL, 10) : 0;
	snprintf(r->batch_id, sizeof(r->batch_id), "%s", cols[1] ? cols[1] : "");
	snprintf(r->country, sizeof(r->country), "%s", cols[2] ? cols[2] : "");
	snprintf(r->changed, sizeof(r->changed), "%s", cols[3] ? cols[3] : "");
	r->deleted = cols[4] != NULL && strcmp(cols[4], "0") != 0;
	r->signed_batch = cols[5] ? xstrdup(cols[5]) : NULL;
	return DGCG_OK;
}

static enum dgcg_err
select_rows(struct dgcg_db *db, const char *sql, const char *const *p, unsigned np,
    struct dgcg_rb_list *out)
{
	enum dgcg_err rc;

	out->v = NULL;
	out->n = 0;
	rc = dgcg_db_run(db, sql, p, np, rb_row, out, NULL, NULL);
	if (rc != DGCG_OK)
		dgcg_rb_list_free(out);
	return rc;
}

enum dgcg_err
dgcg_db_rb_insert(struct dgcg_db *db, const char *batch_id, const char *country,
    const char *expires, const char *type, const char *kid, const char *signed_batch,
    long long *id)
{
	const char *p[6] = { batch_id, country, expires, type, kid, signed_batch };

	return dgcg_db_run(db, SQL_RB_INSERT, p, 6, NULL, NULL, NULL, id);
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

	rc = dgcg_db_run(db, SQL_RB_MARK, p, 1, NULL, NULL, &n, NULL);
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
	if ((rc = dgcg_db_strings(db, SQL_RB_HORIZON, &v, &n)) != DGCG_OK)
		return rc;
	if (n != 1 || v[0] == NULL || strlen(v[0]) != 19)
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
	rc = dgcg_db_run(db, SQL_RB_SET_CMS, p, 2, NULL, NULL, &n, NULL);
	if (rc == DGCG_OK && n == 0)
		rc = DGCG_ERR_NOTFOUND;
	return rc;
}

enum dgcg_err
dgcg_db_rb_expire(struct dgcg_db *db, unsigned long long *n)
{
	*n = 0;
	return dgcg_db_run(db, SQL_RB_EXPIRE, NULL, 0, NULL, NULL, n, NULL);
}

enum dgcg_err
dgcg_db_rb_purge(struct dgcg_db *db, unsigned days, unsigned long long *n)
{
	char ds[16];
	const char *p[1] = { ds };

	snprintf(ds, sizeof(ds), "%u", days);
	*n = 0;
	return dgcg_db_run(db, SQL_RB_PURGE, p, 1, NULL, NULL, n, NULL);
}

enum dgcg_err
dgcg_db_shedlock_acquire(struct dgcg_db *db, const char *name, unsigned seconds,
    const char *who, int *got)
{
	char secs[16];
	const char *pi[3] = { name, secs, who };
	const char *pt[3] = { secs, who, name };
	unsigned long long n = 0;
	enum dgcg_err rc;

	*got = 0;
	snprintf(secs, sizeof(secs), "%u", seconds);
	rc = dgcg_db_run(db, SQL_LOCK_INSERT, pi, 3, NULL, NULL, NULL, NULL);
	if (rc == DGCG_OK) {
		*got = 1;
		return DGCG_OK;
	}
	if (rc != DGCG_ERR_CONFLICT)
		return rc;
	rc = dgcg_db_run(db, SQL_LOCK_TAKE, pt, 3, NULL, NULL, &n, NULL);
	if (rc == DGCG_OK)
		*got = n > 0;
	return rc;
}

enum dgcg_err
dgcg_db_shedlock_release(struct dgcg_db *db, const char *name, const char *who)
{
	const char *p[2] = { name, who };

	return dgcg_db_run(db, SQL_LOCK_RELEASE, p, 2, NULL, NULL, NULL, NULL);
}
