/* db.c: MariaDB access. The only file that includes <mysql.h>.
 *
 * Every statement is a prepared statement from the table below, prepared on
 * first use and kept until the connection is lost. Parameters are passed as
 * strings (NULL = SQL NULL) and result columns are read as strings, which
 * keeps the binding code in one place. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "store/db.h"
#include "base/log.h"
#include "base/xmalloc.h"

#define DB_MAX_COLS	24
#define DB_MAX_PARAMS	24

/* Prepared statements, keyed by the address of their SQL text; the
 * array grows as store files add statements. */
struct stmt_slot {
	const char	*sql;
	MYSQL_STMT	*st;
};

struct dgcg_db {
	MYSQL		*my;
	struct stmt_slot *st;
	size_t		 nst, cap;
	int		 in_tx;		/* inside START TRANSACTION */
	const struct dgcg_conf *conf;
	int		 admin;
	char		*password;
	unsigned	 errcode;	/* of the last error, for reconnect and rerun decisions */
	unsigned long long reruns;
	struct dgcg_db_stats stats;	/* reruns aside: kept above */
	int		 connected_once;
	unsigned	 seed;
	char		 err[512];
};


static void
set_err(struct dgcg_db *db, const char *what, unsigned code, const char *msg)
{
	db->errcode = code;
	snprintf(db->err, sizeof(db->err), "%s: %u: %s", what, code, msg != NULL ? msg : "");
}

static int
is_conn_error(unsigned code)
{
	return code == CR_SERVER_GONE_ERROR || code == CR_SERVER_LOST ||
	    code == CR_CONNECTION_ERROR || code == CR_CONN_HOST_ERROR ||
	    code == CR_SERVER_LOST_EXTENDED || code == ER_CONNECTION_KILLED ||
	    code == ER_SERVER_SHUTDOWN ||
	    code == CR_SSL_CONNECTION_ERROR || code == CR_COMMANDS_OUT_OF_SYNC;
}

static void
disconnect(struct dgcg_db *db)
{
	int i;

	for (i = 0; i < (int)db->nst; i++)
		mysql_stmt_close(db->st[i].st);
	db->nst = 0;
	db->in_tx = 0;
	if (db->my != NULL)
		mysql_close(db->my);
	db->my = NULL;
}

enum dgcg_err
dgcg_db_new(const struct dgcg_conf *conf, int admin, struct dgcg_db **out)
{
	struct dgcg_db *db;
	const char *pwfile;

	*out = NULL;
	db = xcalloc(1, sizeof(*db));
	db->conf = conf;
	db->admin = admin;
	pwfile = admin ? conf->db_admin_password_file : conf->db_password_file;
	if (pwfile != NULL) {
		db->password = dgcg_conf_read_secret(pwfile);
		if (db->password == NULL) {
			dgcg_log(DGCG_LOG_ERROR, "db", "Could not read database password file", NULL,
			    "file", pwfile, "error", strerror(errno), NULL);
			free(db);
			return DGCG_ERR_CONFIG;
		}
	}
	*out = db;
	return DGCG_OK;
}

void
dgcg_db_free(struct dgcg_db *db)
{
	if (db == NULL)
		return;
	disconnect(db);
	free(db->st);
	if (db->password != NULL) {
		explicit_bzero(db->password, strlen(db->password));
		free(db->password);
	}
	free(db);
}

const struct dgcg_conf *
dgcg_db_conf(const struct dgcg_db *db)
{
	return db->conf;
}

const char *
dgcg_db_error(const struct dgcg_db *db)
{
	return db->err;
}

int
dgcg_db_unavailable(const struct dgcg_db *db)
{
	/* ER_ERROR_DURING_COMMIT: a Galera node that leaves the primary
	 * component while committing ("Got error 6 during COMMIT"; rolled
	 * back); ER_QUERY_INTERRUPTED: a statement aborted by the server. */
	return db->my == NULL || db->errcode == ER_LOCK_DEADLOCK ||
	    db->errcode == ER_LOCK_WAIT_TIMEOUT || db->errcode == ER_UNKNOWN_COM_ERROR ||
	    db->errcode == ER_ERROR_DURING_COMMIT || db->errcode == ER_QUERY_INTERRUPTED ||
	    is_conn_error(db->errcode);
}

enum dgcg_err
dgcg_db_connect(struct dgcg_db *db)
{
	const struct dgcg_conf *c = db->conf;
	unsigned int t = c->db_timeout;
	unsigned long flags = 0;
	my_bool on = 1;
	const char *user;

	if (db->my != NULL)
		return DGCG_OK;
	db->my = mysql_init(NULL);
	if (db->my == NULL) {
		set_err(db, "mysql_init", 0, "out of memory");
		return DGCG_ERR_NOMEM;
	}
	mysql_optionsv(db->my, MYSQL_OPT_CONNECT_TIMEOUT, &t);
	mysql_optionsv(db->my, MYSQL_OPT_READ_TIMEOUT, &t);
	mysql_optionsv(db->my, MYSQL_OPT_WRITE_TIMEOUT, &t);
	mysql_optionsv(db->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_optionsv(db->my, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
	if (c->db_tls) {
		mysql_optionsv(db->my, MYSQL_OPT_SSL_ENFORCE, &on);
		mysql_optionsv(db->my, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
		if (c->db_tls_ca != NULL)
			mysql_optionsv(db->my, MYSQL_OPT_SSL_CA, c->db_tls_ca);
		if (c->db_tls_cert != NULL)
			mysql_optionsv(db->my, MYSQL_OPT_SSL_CERT, c->db_tls_cert);
		if (c->db_tls_key != NULL)
			mysql_optionsv(db->my, MYSQL_OPT_SSL_KEY, c->db_tls_key);
	}
	/* Affected rows = matched rows: an UPDATE that changes nothing
	 * (same second, same values) still reports its row. */
	flags |= CLIENT_FOUND_ROWS;
	if (db->admin)
		flags |= CLIENT_MULTI_STATEMENTS;
	user = db->admin ? c->db_admin_user : c->db_user;
	if (mysql_real_connect(db->my, c->db_socket != NULL ? NULL : c->db_host, user,
	    db->password, c->db_name, c->db_port, c->db_socket, flags) == NULL) {
		set_err(db, "connect", mysql_errno(db->my), mysql_error(db->my));
		dgcg_log(DGCG_LOG_ERROR, "db", "Database connection failed", NULL,
		    "error", db->err, NULL);
		db->stats.connect_failures++;
		mysql_close(db->my);
		db->my = NULL;
		return DGCG_ERR_DB;
	}
	if (db->connected_once)
		db->stats.reconnects++;
	db->connected_once = 1;
	return DGCG_OK;
}

/* Returns the prepared statement for sql, preparing it on first use. */
static MYSQL_STMT *
stmt(struct dgcg_db *db, const char *sql)
{
	MYSQL_STMT *s;
	size_t i;

	for (i = 0; i < db->nst; i++)
		if (db->st[i].sql == sql)
			return db->st[i].st;
	s = mysql_stmt_init(db->my);
	if (s == NULL) {
		set_err(db, "stmt_init", mysql_errno(db->my), mysql_error(db->my));
		return NULL;
	}
	if (mysql_stmt_prepare(s, sql, (unsigned long)strlen(sql)) != 0) {
		set_err(db, "prepare", mysql_stmt_errno(s), mysql_stmt_error(s));
		mysql_stmt_close(s);
		return NULL;
	}
	if (db->nst == db->cap) {
		db->cap = db->cap ? db->cap * 2 : 32;
		db->st = xrealloc(db->st, db->cap * sizeof(*db->st));
	}
	db->st[db->nst].sql = sql;
	db->st[db->nst++].st = s;
	return s;
}

/* One attempt: binds params, executes, delivers rows to fn (may be NULL).
 * *conn_lost is set when the failure was the connection. *affected gets
 * the affected row count of a write. */
static enum dgcg_err
run_once(struct dgcg_db *db, const char *sql, const char *const *params, unsigned nparams,
    dgcg_db_row_fn fn, void *arg, unsigned long long *affected, long long *insert_id,
    int *conn_lost)
{
	MYSQL_BIND pb[DB_MAX_PARAMS], rb[DB_MAX_COLS];
	unsigned long plen[DB_MAX_PARAMS], rlen[DB_MAX_COLS], cap[DB_MAX_COLS];
	my_bool pnull[DB_MAX_PARAMS], rnull[DB_MAX_COLS];
	char *buf[DB_MAX_COLS], *cols[DB_MAX_COLS];
	MYSQL_RES *meta = NULL;
	MYSQL_STMT *s;
	enum dgcg_err rc = DGCG_ERR_DB;
	unsigned ncols = 0, i;
	unsigned code;
	int r, grew;

	*conn_lost = 0;
	memset(buf, 0, sizeof(buf));
	if ((rc = dgcg_db_connect(db)) != DGCG_OK) {
		*conn_lost = 1;
		return rc;
	}
	rc = DGCG_ERR_DB;
	if ((s = stmt(db, sql)) == NULL)
		goto fail;
	if (mysql_stmt_param_count(s) != nparams || nparams > DB_MAX_PARAMS) {
		set_err(db, "bind", 0, "parameter count mismatch");
		goto out;
	}
	memset(pb, 0, sizeof(pb));
	for (i = 0; i < nparams; i++) {
		pnull[i] = params[i] == NULL;
		plen[i] = params[i] != NULL ? (unsigned long)strlen(params[i]) : 0;
		pb[i].buffer_type = MYSQL_TYPE_STRING;
		pb[i].buffer = (void *)(uintptr_t)(params[i] != NULL ? params[i] : "");
		pb[i].buffer_length = plen[i];
		pb[i].length = &plen[i];
		pb[i].is_null = &pnull[i];
	}
	if (nparams > 0 && mysql_stmt_bind_param(s, pb) != 0)
		goto fail;
	if (mysql_stmt_execute(s) != 0)
		goto fail;
	if (affected != NULL)
		*affected = mysql_stmt_affected_rows(s);
	if (insert_id != NULL)
		*insert_id = (long long)mysql_stmt_insert_id(s);
	meta = mysql_stmt_result_metadata(s);
	if (meta == NULL) {
		rc = DGCG_OK;
		goto out;
	}
	ncols = mysql_num_fields(meta);
	if (ncols > DB_MAX_COLS) {
		set_err(db, "bind", 0, "too many columns");
		goto out;
	}
	memset(rb, 0, sizeof(rb));
	for (i = 0; i < ncols; i++) {
		cap[i] = 256;
		buf[i] = xmalloc(cap[i]);
		rb[i].buffer_type = MYSQL_TYPE_STRING;
		rb[i].buffer = buf[i];
		rb[i].buffer_length = cap[i] - 1;
		rb[i].length = &rlen[i];
		rb[i].is_null = &rnull[i];
	}
	if (mysql_stmt_bind_result(s, rb) != 0)
		goto fail;
	for (;;) {
		r = mysql_stmt_fetch(s);
		if (r == MYSQL_NO_DATA)
			break;
		if (r == 1)
			goto fail;
		grew = 0;
		for (i = 0; i < ncols; i++) {
			if (rnull[i]) {
				cols[i] = NULL;
				continue;
			}
			if (rlen[i] >= cap[i]) {
				/* MYSQL_DATA_TRUNCATED: grow and fetch the column
				 * again into its own binding. */
				MYSQL_BIND cb;
				unsigned long clen = 0;

				cap[i] = rlen[i] + 1;
				buf[i] = xrealloc(buf[i], cap[i]);
				memset(&cb, 0, sizeof(cb));
				cb.buffer_type = MYSQL_TYPE_STRING;
				cb.buffer = buf[i];
				cb.buffer_length = cap[i] - 1;
				cb.length = &clen;
				if (mysql_stmt_fetch_column(s, &cb, i, 0) != 0)
					goto fail;
				rb[i].buffer = buf[i];
				rb[i].buffer_length = cap[i] - 1;
				grew = 1;
			}
			buf[i][rlen[i]] = '\0';
			cols[i] = buf[i];
		}
		/* Later rows use the larger buffers. */
		if (grew && mysql_stmt_bind_result(s, rb) != 0)
			goto fail;
		if (fn != NULL && (rc = fn(arg, cols, rlen, ncols)) != DGCG_OK) {
			mysql_stmt_free_result(s);
			mysql_stmt_reset(s);
			goto out;
		}
	}
	rc = DGCG_OK;
	goto out;
fail:
	/* A failed prepare leaves its error in db->errcode (the statement
	 * handle is gone); anything later is on the statement. */
	if (s != NULL) {
		code = mysql_stmt_errno(s);
		set_err(db, sql, code, mysql_stmt_error(s));
	} else
		code = db->errcode;
	if (is_conn_error(code))
		*conn_lost = 1;
	if (code == ER_DUP_ENTRY)
		rc = DGCG_ERR_CONFLICT;
	else
		rc = DGCG_ERR_DB;
out:
	if (meta != NULL)
		mysql_free_result(meta);
	if (s != NULL)
		mysql_stmt_free_result(s);
	for (i = 0; i < ncols; i++)
		free(buf[i]);
	return rc;
}

/* The server rolled the transaction back and running it again may work:
 * a deadlock victim or a Galera certification conflict (1213), a lock
 * wait timeout (1205). */
static int
rerun_helps(const struct dgcg_db *db)
{
	return db->errcode == ER_LOCK_DEADLOCK || db->errcode == ER_LOCK_WAIT_TIMEOUT;
}

/* A short pause before a rerun, longer each time and jittered, so that the
 * writers that collided do not collide again at once. */
static void
rerun_pause(struct dgcg_db *db, int tries)
{
	db->reruns++;
	dgcg_log(DGCG_LOG_WARN, "db", "Transaction rolled back by the server, running it again",
	    NULL, "error", db->err, NULL);
	db->seed = db->seed * 1103515245u + 12345u + (unsigned)getpid();
	(void)usleep((useconds_t)(1000u * (unsigned)tries * 4u + (db->seed >> 16) % 5000u));
}

/* A read: SELECT, or SELECT under SET STATEMENT ... FOR. */
static int
is_read(const char *sql)
{
	return strncmp(sql, "SELECT", 6) == 0 ||
	    (strncmp(sql, "SET STATEMENT ", 14) == 0 && strstr(sql, " FOR SELECT ") != NULL);
}

enum dgcg_err
dgcg_db_run(struct dgcg_db *db, const char *sql, const char *const *params, unsigned nparams,
    dgcg_db_row_fn fn, void *arg, unsigned long long *affected, long long *insert_id)
{
	enum dgcg_err rc;
	int lost, retry, tries = 0;

	/* Outside a transaction a read is retried once on a fresh
	 * connection. A write is not: the server may have committed it
	 * before the connection broke. */
	retry = !db->in_tx && is_read(sql);
	for (;;) {
		db->errcode = 0;
		rc = run_once(db, sql, params, nparams, fn, arg, affected, insert_id, &lost);
		if (rc != DGCG_OK && lost) {
			dgcg_log(DGCG_LOG_WARN, "db", "Database connection lost, reconnecting", NULL,
			    "error", db->err, NULL);
			disconnect(db);
			if (retry)
				rc = run_once(db, sql, params, nparams, fn, arg, affected, insert_id,
				    &lost);
		}
		/* A statement of its own (autocommit) is its own unit of work:
		 * rolled back by the server, it runs again as dgcg_db_tx would. */
		if (rc == DGCG_ERR_DB && !db->in_tx && rerun_helps(db) &&
		    ++tries < DGCG_DB_TX_TRIES) {
			rerun_pause(db, tries);
			continue;
		}
		break;
	}
	if (rc == DGCG_ERR_DB) {
		dgcg_log(DGCG_LOG_ERROR, "db", "Database statement failed", NULL,
		    "error", db->err, NULL);
		db->stats.statement_failures++;
	}
	return rc;
}

/* --- table-driven rows ------------------------------------------------------ */

struct select_acc {
	const struct dgcg_rowdef *def;
	char		*v;
	size_t		 n, cap;
};

static void
put_col(const struct dgcg_col *c, char *row, const char *v)
{
	char *f = row + c->off;

	switch (c->type) {
	case DGCG_COL_INT:
		*(long long *)(void *)f = v != NULL ? strtoll(v, NULL, 10) : 0;
		break;
	case DGCG_COL_TIME:
		*(time_t *)(void *)f = v != NULL ? (time_t)strtoll(v, NULL, 10) : 0;
		break;
	case DGCG_COL_BOOL:
		*(int *)(void *)f = v != NULL && strcmp(v, "0") != 0;
		break;
	case DGCG_COL_STR:
		*(char **)(void *)f = v != NULL ? xstrdup(v) : NULL;
		break;
	case DGCG_COL_STRZ:
		*(char **)(void *)f = xstrdup(v != NULL ? v : "");
		break;
	case DGCG_COL_BUF:
		snprintf(f, c->size, "%s", v != NULL ? v : "");
		break;
	case DGCG_COL_CERT_TYPE:
		*(enum dgcg_cert_type *)(void *)f = dgcg_cert_type_parse(v);
		break;
	case DGCG_COL_GROUP:
		*(enum dgcg_group *)(void *)f = dgcg_group_parse_ci(v);
		break;
	}
}

static enum dgcg_err
select_row(void *arg, char **cols, const unsigned long *lens, unsigned ncols)
{
	struct select_acc *a = arg;
	const struct dgcg_rowdef *d = a->def;
	unsigned i;
	char *row;

	(void)lens;
	if (ncols != d->ncols)
		return DGCG_ERR_DB;
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = xrealloc(a->v, a->cap * d->size);
	}
	row = a->v + a->n * d->size;
	memset(row, 0, d->size);
	for (i = 0; i < ncols; i++)
		put_col(&d->cols[i], row, cols[i]);
	a->n++;
	return DGCG_OK;
}

void
dgcg_db_rows_free(const struct dgcg_rowdef *def, void *rows, size_t n)
{
	char *v = rows;
	size_t i;
	unsigned c;

	for (i = 0; i < n; i++)
		for (c = 0; c < def->ncols; c++)
			if (def->cols[c].type == DGCG_COL_STR || def->cols[c].type == DGCG_COL_STRZ)
				free(*(char **)(void *)(v + i * def->size + def->cols[c].off));
	free(rows);
}

enum dgcg_err
dgcg_db_select(struct dgcg_db *db, const char *sql, const char *const *params,
    unsigned nparams, const struct dgcg_rowdef *def, void **rows, size_t *n)
{
	struct select_acc a = { def, NULL, 0, 0 };
	enum dgcg_err rc;

	*rows = NULL;
	*n = 0;
	if ((rc = dgcg_db_run(db, sql, params, nparams, select_row, &a, NULL, NULL)) != DGCG_OK) {
		dgcg_db_rows_free(def, a.v, a.n);
		return rc;
	}
	*rows = a.v;
	*n = a.n;
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_exec(struct dgcg_db *db, const char *sql, const char *const *params,
    unsigned nparams, unsigned long long *affected, long long *insert_id)
{
	return dgcg_db_run(db, sql, params, nparams, NULL, NULL, affected, insert_id);
}

struct first_int {
	long long	v;
	int		got;
};

static enum dgcg_err
int_row(void *arg, char **cols, const unsigned long *lens, unsigned ncols)
{
	struct first_int *f = arg;

	(void)lens;
	if (!f->got && ncols >= 1 && cols[0] != NULL)
		f->v = strtoll(cols[0], NULL, 10);
	f->got = 1;
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_int(struct dgcg_db *db, const char *sql, const char *const *params, unsigned nparams,
    long long *v)
{
	struct first_int f = { 0, 0 };
	enum dgcg_err rc;

	rc = dgcg_db_run(db, sql, params, nparams, int_row, &f, NULL, NULL);
	*v = f.v;
	return rc;
}

struct strlist {
	char	**v;
	size_t	  n;
};

static enum dgcg_err
str_row(void *arg, char **cols, const unsigned long *lens, unsigned ncols)
{
	struct strlist *l = arg;

	(void)lens;
	if (ncols < 1 || cols[0] == NULL)
		return DGCG_OK;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = xstrdup(cols[0]);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_strings(struct dgcg_db *db, const char *sql, const char *const *params,
    unsigned nparams, char ***out, size_t *n)
{
	struct strlist l = { NULL, 0 };
	enum dgcg_err rc;
	size_t i;

	*out = NULL;
	*n = 0;
	if ((rc = dgcg_db_run(db, sql, params, nparams, str_row, &l, NULL, NULL)) != DGCG_OK) {
		for (i = 0; i < l.n; i++)
			free(l.v[i]);
		free(l.v);
		return rc;
	}
	*out = l.v;
	*n = l.n;
	return DGCG_OK;
}

/* --- the node's state ---------------------------------------------------------- */

#define WSREP_VALUE(scope, name) "IFNULL((SELECT VARIABLE_VALUE FROM information_schema." \
	scope " WHERE VARIABLE_NAME = '" name "'), '')"
static const char SQL_NODE_STATE[] =
    "SELECT CONCAT_WS(',', " WSREP_VALUE("GLOBAL_VARIABLES", "WSREP_ON") ", "
    WSREP_VALUE("GLOBAL_STATUS", "WSREP_READY") ", "
    WSREP_VALUE("GLOBAL_STATUS", "WSREP_CLUSTER_STATUS") ", "
    WSREP_VALUE("GLOBAL_STATUS", "WSREP_LOCAL_STATE_COMMENT") ")";

enum dgcg_err
dgcg_db_node_ready(struct dgcg_db *db, int *ready, const char **why)
{
	static const struct {
		const char *want, *why;
	} need[] = {
		{ "ON", "wsrep_ready is not ON" },
		{ "Primary", "not in the primary component" },
		{ "Synced", "not Synced" },
	};
	char **v = NULL, *f[4], *p;
	size_t n = 0, i;
	enum dgcg_err rc;

	*ready = 0;
	*why = "the node's state could not be read";
	if ((rc = dgcg_db_strings(db, SQL_NODE_STATE, NULL, 0, &v, &n)) != DGCG_OK)
		return rc;
	if (n != 1) {
		rc = DGCG_ERR_DB;
		goto out;
	}
	for (p = v[0], i = 0; i < 4; i++) {
		f[i] = p;
		if ((p = strchr(p, ',')) != NULL)
			*p++ = '\0';
		else if (i < 3) {
			rc = DGCG_ERR_DB;
			goto out;
		}
	}
	*why = NULL;
	*ready = 1;
	if (strcmp(f[0], "ON") != 0)	/* not a Galera node */
		goto out;
	for (i = 0; i < 3; i++)
		if (strcmp(f[i + 1], need[i].want) != 0) {
			*ready = 0;
			*why = need[i].why;
			break;
		}
out:
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return rc;
}

/* --- transactions ------------------------------------------------------------ */

static enum dgcg_err
simple(struct dgcg_db *db, const char *sql)
{
	if (mysql_query(db->my, sql) != 0) {
		set_err(db, sql, mysql_errno(db->my), mysql_error(db->my));
		if (is_conn_error(mysql_errno(db->my)))
			disconnect(db);
		return DGCG_ERR_DB;
	}
	return DGCG_OK;
}

static enum dgcg_err
tx_begin(struct dgcg_db *db)
{
	enum dgcg_err rc;

	if ((rc = dgcg_db_connect(db)) != DGCG_OK)
		return rc;
	if ((rc = simple(db, "START TRANSACTION")) != DGCG_OK) {
		db->stats.tx_failures++;
		return rc;
	}
	db->in_tx = 1;
	return DGCG_OK;
}

/* COMMIT when rc is DGCG_OK, else ROLLBACK; returns rc, or DGCG_ERR_DB when
 * the commit failed (nothing was written then). */
static enum dgcg_err
tx_end(struct dgcg_db *db, enum dgcg_err rc)
{
	const char *q = rc == DGCG_OK ? "COMMIT" : "ROLLBACK";

	if (db->my == NULL || !db->in_tx) {
		/* The connection broke inside the transaction: the server
		 * rolled it back. */
		db->in_tx = 0;
		return rc == DGCG_OK ? DGCG_ERR_DB : rc;
	}
	db->in_tx = 0;
	if (simple(db, q) != DGCG_OK) {
		dgcg_log(DGCG_LOG_ERROR, "db", "Transaction end failed", NULL, "error", db->err, NULL);
		db->stats.tx_failures++;
		return rc == DGCG_OK ? DGCG_ERR_DB : rc;
	}
	return rc;
}

enum dgcg_err
dgcg_db_tx(struct dgcg_db *db, dgcg_db_work_fn work, void *arg)
{
	enum dgcg_err rc;
	int tries = 0;

	for (;;) {
		db->errcode = 0;
		if ((rc = tx_begin(db)) != DGCG_OK)
			return rc;
		rc = work(db, arg);
		rc = tx_end(db, rc);
		if (rc != DGCG_ERR_DB || !rerun_helps(db) || ++tries >= DGCG_DB_TX_TRIES)
			return rc;
		rerun_pause(db, tries);
	}
}

int
dgcg_db_in_tx(const struct dgcg_db *db)
{
	return db->in_tx;
}

enum dgcg_err
dgcg_db_script(struct dgcg_db *db, const char *name, const char *sql)
{
	MYSQL_RES *res;
	enum dgcg_err rc;
	int status;

	if ((rc = dgcg_db_connect(db)) != DGCG_OK)
		return rc;
	/* Operator-supplied migration files, never client input. */
	if (mysql_real_query(db->my, sql, (unsigned long)strlen(sql)) != 0) {
		set_err(db, name, mysql_errno(db->my), mysql_error(db->my));
		return DGCG_ERR_DB;
	}
	do {
		res = mysql_store_result(db->my);
		if (res != NULL)
			mysql_free_result(res);
		status = mysql_next_result(db->my);
		if (status > 0) {
			set_err(db, name, mysql_errno(db->my), mysql_error(db->my));
			return DGCG_ERR_DB;
		}
	} while (status == 0);
	return DGCG_OK;
}

size_t
dgcg_db_prepared(const struct dgcg_db *db)
{
	return db->nst;
}

unsigned long long
dgcg_db_tx_reruns(const struct dgcg_db *db)
{
	return db->reruns;
}

void
dgcg_db_stats(const struct dgcg_db *db, struct dgcg_db_stats *st)
{
	*st = db->stats;
	st->reruns = db->reruns;
}
