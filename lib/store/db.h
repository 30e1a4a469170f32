/* db.h: the MariaDB engine of the storage layer. The only module that
 * includes <mysql.h>. Prepared statements only; SQL text lives only in the
 * store files of lib/store/ (one per table), which run it through here
 * (t/sql_in_store.sh checks that no other file holds SQL).
 *
 * A connection is opened lazily, kept for the life of the worker and
 * reopened when the server went away (CR_SERVER_GONE_ERROR / LOST); a read
 * outside a transaction is then retried once. Sessions run in UTC. */
#ifndef DGCG_DB_H
#define DGCG_DB_H

#include <stddef.h>
#include <time.h>

#include "base/conf.h"
#include "base/dgcg.h"

struct dgcg_db;

/* Prepares a handle from the configuration; admin selects db_admin_user /
 * db_admin_password_file instead of db_user / db_password_file. Does not
 * connect yet. */
enum dgcg_err dgcg_db_new(const struct dgcg_conf *conf, int admin, struct dgcg_db **out);
void dgcg_db_free(struct dgcg_db *db);

/* Connects now if not connected (also checks the server answers). */
enum dgcg_err dgcg_db_connect(struct dgcg_db *db);

/* The configuration db was made with (for the store files' settings). */
const struct dgcg_conf *dgcg_db_conf(const struct dgcg_db *db);

/* The last error text (static buffer inside db; for logs, never clients). */
const char *dgcg_db_error(const struct dgcg_db *db);

/* Whether the last failure was the database's state, not the statement:
 * the server is out of reach (the last connection attempt failed, or the
 * connection was lost, also inside a transaction, and is not open again
 * yet), or it refused for the moment: a transaction still rolled back as
 * a deadlock victim, a Galera certification conflict or a lock wait
 * timeout after its reruns (1213, 1205), or a Galera node outside the
 * primary component (1047). The caller answers 503 (send it again later)
 * for these, 500 for a statement the server refused otherwise. */
int dgcg_db_unavailable(const struct dgcg_db *db);

/* Whether this server may serve: a plain server (wsrep_on OFF) always; a
 * Galera node only while it is ready, in the primary component and Synced
 * (a joiner, donor or desynced node is not). *why: the state that is not
 * (static text). DGCG_ERR_DB when the query fails. For /health. */
enum dgcg_err dgcg_db_node_ready(struct dgcg_db *db, int *ready, const char **why);

/* --- running statements (the store files) ---------------------------------- */

/* Called per result row with the columns as NUL-terminated strings (NULL
 * for SQL NULL) and their lengths. Returns DGCG_OK to go on; anything else
 * stops the fetch and is returned by dgcg_db_run. */
typedef enum dgcg_err (*dgcg_db_row_fn)(void *arg, char **cols, const unsigned long *lens,
	unsigned ncols);

/* Runs the prepared statement for sql (prepared once per connection; sql
 * must be a static array: its address is the cache key, which grows as
 * needed) with string parameters (NULL = SQL NULL), delivering rows to fn
 * (may be NULL). *affected and *insert_id (may be NULL) get the write's
 * results. A SELECT outside a transaction is retried once when the
 * connection was lost. DGCG_ERR_CONFLICT on a duplicate key. */
enum dgcg_err dgcg_db_run(struct dgcg_db *db, const char *sql, const char *const *params,
	unsigned nparams, dgcg_db_row_fn fn, void *arg, unsigned long long *affected,
	long long *insert_id);

/* How a result column lands in a row struct (table-driven decoding). */
enum dgcg_col_type {
	DGCG_COL_INT = 0,	/* long long; NULL -> 0 */
	DGCG_COL_TIME,		/* time_t from UNIX_TIMESTAMP() text; NULL -> 0 */
	DGCG_COL_BOOL,		/* int: 1 unless NULL or "0" */
	DGCG_COL_STR,		/* char *, malloc'd; NULL stays NULL */
	DGCG_COL_STRZ,		/* char *, malloc'd; NULL -> "" */
	DGCG_COL_BUF,		/* char[size] in the struct, cut to fit; NULL -> "" */
	DGCG_COL_CERT_TYPE,	/* enum dgcg_cert_type from the name; other -> DGCG_CT__MAX */
	DGCG_COL_GROUP		/* enum dgcg_group from the name (any case); other -> DGCG_G__MAX */
};

struct dgcg_col {
	enum dgcg_col_type	 type;
	size_t			 off;	/* offsetof(row struct, field) */
	size_t			 size;	/* DGCG_COL_BUF: sizeof the field */
};

/* A table's row layout: its columns in SELECT order and the struct size. */
struct dgcg_rowdef {
	const struct dgcg_col	*cols;
	unsigned		 ncols;
	size_t			 size;
};

/* Runs a SELECT whose columns are def's, appending one zeroed struct of
 * def->size per row to *rows (a malloc'd array, *n entries; both reset
 * first). On error nothing is returned (everything freed). */
enum dgcg_err dgcg_db_select(struct dgcg_db *db, const char *sql, const char *const *params,
	unsigned nparams, const struct dgcg_rowdef *def, void **rows, size_t *n);
/* Frees rows[0..n) of def (their STR/STRZ fields and the array). */
void dgcg_db_rows_free(const struct dgcg_rowdef *def, void *rows, size_t n);

/* A statement without result rows; *affected (may be NULL) gets the
 * matched rows (CLIENT_FOUND_ROWS), *insert_id (may be NULL) the new id. */
enum dgcg_err dgcg_db_exec(struct dgcg_db *db, const char *sql, const char *const *params,
	unsigned nparams, unsigned long long *affected, long long *insert_id);

/* The first column of the first row as a long long (*v = 0 when none). */
enum dgcg_err dgcg_db_int(struct dgcg_db *db, const char *sql, const char *const *params,
	unsigned nparams, long long *v);

/* The first column of every row as a malloc'd array of malloc'd strings
 * (caller frees each and the array); SQL NULL values are skipped. */
enum dgcg_err dgcg_db_strings(struct dgcg_db *db, const char *sql, const char *const *params,
	unsigned nparams, char ***out, size_t *n);

/* --- transactions ------------------------------------------------------------ */

/* A unit of work: the statements of one change, its audit event included.
 * Returns DGCG_OK to commit; anything else rolls back and is returned.
 * NOTE: it may run more than once (see dgcg_db_tx): it must set its
 * outputs from scratch on every run. */
typedef enum dgcg_err (*dgcg_db_work_fn)(struct dgcg_db *db, void *arg);

#define DGCG_DB_TX_TRIES	5

/*
 * Runs work in one transaction: START TRANSACTION, work, COMMIT (ROLLBACK
 * when work fails). When the server rolled the transaction back as a
 * deadlock victim (1213), after a lock wait timeout (1205), or because a
 * Galera cluster refused it in certification (reported as 1213 at a
 * statement or at COMMIT), the whole unit runs again, at most
 * DGCG_DB_TX_TRIES times, after a short random pause. Every writer of more
 * than one statement uses this, and nothing else opens a transaction; a
 * single statement outside a transaction (autocommit, its own unit) gets
 * the same reruns from dgcg_db_run.
 * Returns work's result, DGCG_ERR_DB when the database failed (nothing was
 * written), or work's own error. NOTE: a COMMIT whose answer was lost with
 * the connection is reported as DGCG_ERR_DB though the server may have
 * committed; clients retry such requests (503), and every write is
 * idempotent or refused as a duplicate on a retry.
 */
enum dgcg_err dgcg_db_tx(struct dgcg_db *db, dgcg_db_work_fn work, void *arg);

/* Whether a call is inside dgcg_db_tx (for store functions that must lock). */
int dgcg_db_in_tx(const struct dgcg_db *db);

/* Runs an operator-supplied script of several statements (dgcg-admin
 * migrate; the admin connection allows multi-statements). Never client
 * input. */
enum dgcg_err dgcg_db_script(struct dgcg_db *db, const char *name, const char *sql);

/* Statement cache size and transaction reruns, for tests and the log. */
size_t dgcg_db_prepared(const struct dgcg_db *db);
unsigned long long dgcg_db_tx_reruns(const struct dgcg_db *db);

/* What a handle went through since dgcg_db_new: running totals, for the
 * metrics (worker/gateway.c reports them after every request). A failed
 * connection or statement is counted where it is logged at ERROR, once per
 * dgcg_db_connect or dgcg_db_run that failed (after its retry and reruns). */
struct dgcg_db_stats {
	unsigned long long	 connect_failures;	/* "Database connection failed" */
	unsigned long long	 statement_failures;	/* "Database statement failed" */
	unsigned long long	 tx_failures;		/* START, COMMIT or ROLLBACK failed */
	unsigned long long	 reconnects;		/* connections opened after the first */
	unsigned long long	 reruns;		/* as dgcg_db_tx_reruns */
};
void dgcg_db_stats(const struct dgcg_db *db, struct dgcg_db_stats *st);

#endif
