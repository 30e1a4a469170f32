/* db.h: the only module that includes <mysql.h>. Prepared statements only;
 * no SQL text outside db.c and sql/.
 *
 * A connection is opened lazily, kept for the life of the worker and
 * reopened when the server went away (CR_SERVER_GONE_ERROR / LOST); a
 * read is then retried once. Sessions run in UTC. */
#ifndef DGCG_DB_H
#define DGCG_DB_H

#include <stddef.h>
#include <time.h>

#include "base/conf.h"
#include "base/dgcg.h"

struct dgcg_db;

/* One trusted_party row (all strings owned by the row). */
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

/* Prepares a handle from the configuration; admin selects db_admin_user /
 * db_admin_password_file instead of db_user / db_password_file. Does not
 * connect yet. */
enum dgcg_err dgcg_db_new(const struct dgcg_conf *conf, int admin, struct dgcg_db **out);
void dgcg_db_free(struct dgcg_db *db);

/* Connects now if not connected (also checks the server answers). */
enum dgcg_err dgcg_db_connect(struct dgcg_db *db);

/* The last error text (static buffer inside db; for logs, never clients). */
const char *dgcg_db_error(const struct dgcg_db *db);

/* Whether the server is out of reach: the last connection attempt failed,
 * or the connection was lost (also inside a transaction) and is not open
 * again yet. Tells an outage (answer 503) from a statement the server
 * refused. */
int dgcg_db_unreachable(const struct dgcg_db *db);

/* trusted_party rows matching every non-NULL filter (type DGCG_CT__MAX =
 * any), ordered by id. */
enum dgcg_err dgcg_db_tp_select(struct dgcg_db *db, const char *thumbprint, const char *country,
	enum dgcg_cert_type type, struct dgcg_tp_list *out);

/* Distinct countries of trusted_party, sorted. *out is a malloc'd array of
 * malloc'd strings (caller frees each and the array). */
enum dgcg_err dgcg_db_countries(struct dgcg_db *db, char ***out, size_t *n);

/* Inserts a trusted_party row (created_at = now). DGCG_ERR_CONFLICT when
 * the thumbprint exists. *id (may be NULL) gets the new id. */
enum dgcg_err dgcg_db_tp_insert(struct dgcg_db *db, const char *country, const char *thumbprint,
	const char *raw_data, const char *signature, enum dgcg_cert_type type, long long *id);

/* Deletes a trusted_party row and its roles by thumbprint, in one
 * transaction. DGCG_ERR_NOTFOUND when there is none. */
enum dgcg_err dgcg_db_tp_delete(struct dgcg_db *db, const char *thumbprint);

/* Highest applied migration number (0 when the schema_version table does
 * not exist yet). */
enum dgcg_err dgcg_db_schema_version(struct dgcg_db *db, int *version);

/* Runs a migration script (several statements) and records it in
 * schema_version, for dgcg-admin migrate. */
enum dgcg_err dgcg_db_apply_migration(struct dgcg_db *db, int number, const char *name,
	const char *sql);

/* Change counters of the tables (sql/migrations/002_data_version.sql),
 * bumped by triggers on every row change, API or direct SQL alike. A cache
 * derived from a table is valid while its counter is unchanged. */
struct dgcg_versions {
	long long	trusted_party;
	long long	trusted_party_roles;
	long long	signer_information;
	long long	validation_rule;
	long long	valueset;
	long long	revocation_batch;
	long long	trusted_issuer;
};

/* Reads every counter with one SELECT. */
enum dgcg_err dgcg_db_versions(struct dgcg_db *db, struct dgcg_versions *v);

/* --- for the query files of the db layer (db_<area>.c) ------------------
 * Those files hold their SQL text as static const arrays and run it here;
 * only db.c includes <mysql.h>. */

/* Called per result row with the columns as NUL-terminated strings (NULL
 * for SQL NULL) and their lengths. Returns DGCG_OK to go on; anything else
 * stops the fetch and is returned by dgcg_db_run. */
typedef enum dgcg_err (*dgcg_db_row_fn)(void *arg, char **cols, const unsigned long *lens,
	unsigned ncols);

/* Runs the prepared statement for sql (prepared once per connection; sql
 * must be a static array: its address is the cache key) with string
 * parameters (NULL = SQL NULL), delivering rows to fn (may be NULL).
 * *affected and *insert_id (may be NULL) get the write's results. A
 * SELECT outside a transaction is retried once when the connection was
 * lost. DGCG_ERR_CONFLICT on a duplicate key. */
enum dgcg_err dgcg_db_run(struct dgcg_db *db, const char *sql, const char *const *params,
	unsigned nparams, dgcg_db_row_fn fn, void *arg, unsigned long long *affected,
	long long *insert_id);

/* Row reader for "SELECT id, UNIX_TIMESTAMP(created_at), country,
 * thumbprint, raw_data, signature, certificate_type FROM trusted_party":
 * appends to the struct dgcg_tp_list at arg. */
enum dgcg_err dgcg_db_tp_row(void *arg, char **cols, const unsigned long *lens, unsigned ncols);

/* The first column of every row of sql (no parameters) as a malloc'd
 * array of malloc'd strings (caller frees each and the array). */
enum dgcg_err dgcg_db_strings(struct dgcg_db *db, const char *sql, char ***out, size_t *n);

/* START TRANSACTION. */
enum dgcg_err dgcg_db_begin(struct dgcg_db *db);
/* Whether the last failure was the server choosing this transaction as a
 * deadlock victim (it rolled it back; the remedy is to run it again, at most
 * DGCG_DB_TX_TRIES times in all). Writers of one table take its row locks
 * and, through the triggers, the data_version row in different orders, so
 * concurrent uploads and deletes can deadlock.
 * NOTE: only meaningful right after a call that returned DGCG_ERR_DB. */
int dgcg_db_deadlock(const struct dgcg_db *db);
#define DGCG_DB_TX_TRIES	3
/* COMMIT when rc is DGCG_OK, else ROLLBACK; returns rc, or DGCG_ERR_DB when
 * the commit failed (nothing was written then). */
enum dgcg_err dgcg_db_end(struct dgcg_db *db, enum dgcg_err rc);

#endif
