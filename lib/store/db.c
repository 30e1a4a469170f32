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

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "store/db.h"
#include "base/log.h"
#include "base/xmalloc.h"

#define DB_MAX_COLS	16
#define DB_MAX_PARAMS	16

static const char SQL_TP_SELECT[] =
    "SELECT id, UNIX_TIMESTAMP(created_at), country, thumbprint, raw_data, signature,"
    " certificate_type FROM trusted_party"
    " WHERE (? IS NULL OR thumbprint = ?) AND (? IS NULL OR country = ?)"
    " AND (? IS NULL OR certificate_type = ?) ORDER BY id";
static const char SQL_TP_COUNTRIES[] =
    "SELECT DISTINCT country FROM trusted_party ORDER BY country";
static const char SQL_TP_INSERT[] =
    "INSERT INTO trusted_party (created_at, country, thumbprint, raw_data, signature,"
    " certificate_type) VALUES (UTC_TIMESTAMP(), ?, ?, ?, ?, ?)";
static const char SQL_TP_ROLES_DELETE[] =
    "DELETE r FROM trusted_party_roles r JOIN trusted_party t"
    " ON r.trusted_party_entity_id = t.id WHERE t.thumbprint = ?";
static const char SQL_TP_DELETE[] =
    "DELETE FROM trusted_party WHERE thumbprint = ?";
static const char SQL_VERSIONS[] =
    "SELECT name, version FROM data_version";
static const char SQL_SCHEMA_VERSION[] =
    "SELECT COALESCE(MAX(version), 0) FROM schema_version";
static const char SQL_SCHEMA_RECORD[] =
    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, UTC_TIMESTAMP())";

/* Prepared statements, keyed by the address of their SQL text. */
#define DB_MAX_STMTS 64
struct stmt_slot {
	const char	*sql;
	MYSQL_STMT	*st;
};

struct dgcg_db {
	MYSQL		*my;
	struct stmt_slot st[DB_MAX_STMTS];
	size_t		 nst;
	int		 in_tx;		/* inside START TRANSACTION */
	const struct dgcg_conf *conf;
	int		 admin;
	char		*password;
	unsigned	 errcode;	/* of the last error, for reconnect decisions */
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
	if (db->password != NULL) {
		explicit_bzero(db->password, strlen(db->password));
		free(db->password);
	}
	free(db);
}

const char *
dgcg_db_error(const struct dgcg_db *db)
{
	return db->err;
}

int
dgcg_db_unreachable(const struct dgcg_db *db)
{
	return db->my == NULL;
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
		mysql_close(db->my);
		db->my = NULL;
		return DGCG_ERR_DB;
	}
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
	if (db->nst == DB_MAX_STMTS) {
		set_err(db, "prepare", 0, "too many statements");
		return NULL;
	}
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

enum dgcg_err
dgcg_db_run(struct dgcg_db *db, const char *sql, const char *const *params, unsigned nparams,
    dgcg_db_row_fn fn, void *arg, unsigned long long *affected, long long *insert_id)
{
	enum dgcg_err rc;
	int lost, retry;

	/* Outside a transaction a read is retried once on a fresh
	 * connection. A write is not: the server may have committed it
	 * before the connection broke. */
	retry = !db->in_tx && strncmp(sql, "SELECT", 6) == 0;

	rc = run_once(db, sql, params, nparams, fn, arg, affected, insert_id, &lost);
	if (rc != DGCG_OK && lost) {
		dgcg_log(DGCG_LOG_WARN, "db", "Database connection lost, reconnecting", NULL,
		    "error", db->err, NULL);
		disconnect(db);
		if (retry)
			rc = run_once(db, sql, params, nparams, fn, arg, affected, insert_id,
			    &lost);
	}
	if (rc == DGCG_ERR_DB)
		dgcg_log(DGCG_LOG_ERROR, "db", "Database statement failed", NULL,
		    "error", db->err, NULL);
	return rc;
}

static enum dgcg_err
simple(struct dgcg_db *db, const char *sql)
{
	if (mysql_query(db->my, sql) != 0) {
		set_err(db, sql, mysql_errno(db->my), mysql_error(db->my));
		return DGCG_ERR_DB;
	}
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_begin(struct dgcg_db *db)
{
	enum dgcg_err rc;

	if ((rc = dgcg_db_connect(db)) != DGCG_OK)
		return rc;
	if (mysql_query(db->my, "START TRANSACTION") != 0) {
		set_err(db, "START TRANSACTION", mysql_errno(db->my), mysql_error(db->my));
		if (is_conn_error(mysql_errno(db->my)))
			disconnect(db);
		return DGCG_ERR_DB;
	}
	db->in_tx = 1;
	return DGCG_OK;
}

int
dgcg_db_deadlock(const struct dgcg_db *db)
{
	return db->errcode == ER_LOCK_DEADLOCK;
}

enum dgcg_err
dgcg_db_end(struct dgcg_db *db, enum dgcg_err rc)
{
	const char *q = rc == DGCG_OK ? "COMMIT" : "ROLLBACK";

	if (db->my == NULL || !db->in_tx) {
		/* The connection broke inside the transaction: the server
		 * rolled it back. */
		db->in_tx = 0;
		return rc == DGCG_OK ? DGCG_ERR_DB : rc;
	}
	db->in_tx = 0;
	if (mysql_query(db->my, q) != 0) {
		set_err(db, q, mysql_errno(db->my), mysql_error(db->my));
		dgcg_log(DGCG_LOG_ERROR, "db", "Transaction end failed", NULL, "error", db->err, NULL);
		if (is_conn_error(mysql_errno(db->my)))
			disconnect(db);
		return rc == DGCG_OK ? DGCG_ERR_DB : rc;
	}
	return rc;
}

void
dgcg_tp_list_free(struct dgcg_tp_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].raw_data);
		free(l->v[i].signature);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

enum dgcg_err
dgcg_db_tp_row(void *arg, char **cols, const unsigned long *lens, unsigned ncols)
{
	struct dgcg_tp_list *l = arg;
	struct dgcg_tp *t;

	if (ncols != 7)
		return DGCG_ERR_DB;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	t = &l->v[l->n++];
	memset(t, 0, sizeof(*t));
	t->id = cols[0] != NULL ? strtoll(cols[0], NULL, 10) : 0;
	t->created_at = cols[1] != NULL ? (time_t)strtoll(cols[1], NULL, 10) : 0;
	if (cols[2] != NULL)
		snprintf(t->country, sizeof(t->country), "%s", cols[2]);
	if (cols[3] != NULL)
		snprintf(t->thumbprint, sizeof(t->thumbprint), "%s", cols[3]);
	t->raw_data = xstrdup(cols[4] != NULL ? cols[4] : "");
	t->signature = xstrdup(cols[5] != NULL ? cols[5] : "");
	t->type = dgcg_cert_type_parse(cols[6]);
	/* Only the three trusted-party types are valid in this table. */
	if (t->type == DGCG_CT_DSC)
		t->type = DGCG_CT__MAX;
	(void)lens;
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_tp_select(struct dgcg_db *db, const char *thumbprint, const char *country,
    enum dgcg_cert_type type, struct dgcg_tp_list *out)
{
	const char *tname = type < DGCG_CT__MAX ? dgcg_cert_type_name(type) : NULL;
	const char *p[6] = { thumbprint, thumbprint, country, country, tname, tname };
	enum dgcg_err rc;

	out->v = NULL;
	out->n = 0;
	rc = dgcg_db_run(db, SQL_TP_SELECT, p, 6, dgcg_db_tp_row, out, NULL, NULL);
	if (rc != DGCG_OK)
		dgcg_tp_list_free(out);
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
dgcg_db_strings(struct dgcg_db *db, const char *sql, char ***out, size_t *n)
{
	struct strlist l = { NULL, 0 };
	enum dgcg_err rc;
	size_t i;

	*out = NULL;
	*n = 0;
	if ((rc = dgcg_db_run(db, sql, NULL, 0, str_row, &l, NULL, NULL)) != DGCG_OK) {
		for (i = 0; i < l.n; i++)
			free(l.v[i]);
		free(l.v);
		return rc;
	}
	*out = l.v;
	*n = l.n;
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_countries(struct dgcg_db *db, char ***out, size_t *n)
{
	return dgcg_db_strings(db, SQL_TP_COUNTRIES, out, n);
}

enum dgcg_err
dgcg_db_tp_insert(struct dgcg_db *db, const char *country, const char *thumbprint,
    const char *raw_data, const char *signature, enum dgcg_cert_type type, long long *id)
{
	const char *p[5] = { country, thumbprint, raw_data, signature, dgcg_cert_type_name(type) };

	if (p[4] == NULL || type == DGCG_CT_DSC)
		return DGCG_ERR_INVAL;
	return dgcg_db_run(db, SQL_TP_INSERT, p, 5, NULL, NULL, NULL, id);
}

enum dgcg_err
dgcg_db_tp_delete(struct dgcg_db *db, const char *thumbprint)
{
	const char *p[1] = { thumbprint };
	unsigned long long n = 0;
	enum dgcg_err rc;

	if ((rc = dgcg_db_begin(db)) != DGCG_OK)
		return rc;
	rc = dgcg_db_run(db, SQL_TP_ROLES_DELETE, p, 1, NULL, NULL, NULL, NULL);
	if (rc == DGCG_OK)
		rc = dgcg_db_run(db, SQL_TP_DELETE, p, 1, NULL, NULL, &n, NULL);
	if (rc == DGCG_OK && n == 0)
		rc = DGCG_ERR_NOTFOUND;
	return dgcg_db_end(db, rc);
}

static enum dgcg_err
int_row(void *arg, char **cols, const unsigned long *lens, unsigned ncols)
{
	(void)lens;
	if (ncols >= 1 && cols[0] != NULL)
		*(int *)arg = (int)strtol(cols[0], NULL, 10);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_schema_version(struct dgcg_db *db, int *version)
{
	enum dgcg_err rc;

	*version = 0;
	if ((rc = dgcg_db_connect(db)) != DGCG_OK)
		return rc;
	/* The table is created by the runner itself, so a fresh database
	 * reports 0 rather than an error. */
	if ((rc = simple(db, "CREATE TABLE IF NOT EXISTS schema_version ("
	    "version INT NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL,"
	    " applied_at DATETIME NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4")) != DGCG_OK)
		return rc;
	return dgcg_db_run(db, SQL_SCHEMA_VERSION, NULL, 0, int_row, version, NULL, NULL);
}

enum dgcg_err
dgcg_db_apply_migration(struct dgcg_db *db, int number, const char *name, const char *sql)
{
	char num[32];
	const char *p[2] = { num, name };
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
	snprintf(num, sizeof(num), "%d", number);
	return dgcg_db_run(db, SQL_SCHEMA_RECORD, p, 2, NULL, NULL, NULL, NULL);
}

static enum dgcg_err
version_row(void *arg, char **cols, const unsigned long *lens, unsigned ncols)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} map[] = {
		{ "trusted_party", offsetof(struct dgcg_versions, trusted_party) },
		{ "trusted_party_roles", offsetof(struct dgcg_versions, trusted_party_roles) },
		{ "signer_information", offsetof(struct dgcg_versions, signer_information) },
		{ "validation_rule", offsetof(struct dgcg_versions, validation_rule) },
		{ "valueset", offsetof(struct dgcg_versions, valueset) },
		{ "revocation_batch", offsetof(struct dgcg_versions, revocation_batch) },
		{ "trusted_issuer", offsetof(struct dgcg_versions, trusted_issuer) },
	};
	size_t i;

	(void)lens;
	if (ncols != 2 || cols[0] == NULL || cols[1] == NULL)
		return DGCG_OK;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(cols[0], map[i].name) == 0)
			*(long long *)(void *)((char *)arg + map[i].off) = strtoll(cols[1], NULL, 10);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_versions(struct dgcg_db *db, struct dgcg_versions *v)
{
	memset(v, 0, sizeof(*v));
	return dgcg_db_run(db, SQL_VERSIONS, NULL, 0, version_row, v, NULL, NULL);
}
