/* fake_mysql.c: the libmariadb calls of lib/db.c, answered in memory
 * (fake_mysql.h). Handles are private structs cast to the library's
 * types; lib/db.c never looks inside them. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "fake_mysql.h"
#include "base/xmalloc.h"

#define FAKE_MAX_PARAMS 64

struct fake_conn {
	unsigned	 err;
	char		 msg[64];
};

struct fake_stmt {
	struct fake_conn	*conn;
	char			*sql;
	unsigned		 nparams;
	MYSQL_BIND		 pb[FAKE_MAX_PARAMS];
	MYSQL_BIND		*rb;
	unsigned		 nrb;
	struct fake_result	 r;
	char			**cells;	/* our copy of r.cells */
	unsigned		 row;		/* rows fetched so far */
	unsigned		 err;
	char			 msg[64];
};

struct fake_res {
	unsigned	 ncols;
};

static fake_mysql_fn answer;

void
fake_mysql_set(fake_mysql_fn fn)
{
	answer = fn;
}

static void
call(const char *sql, const char *const *params, unsigned n, struct fake_result *out)
{
	memset(out, 0, sizeof(*out));
	if (answer != NULL)
		answer(sql, params, n, out);
}

static void
set_msg(char *msg, size_t sz, unsigned err)
{
	snprintf(msg, sz, "fake error %u", err);
}

static void
free_cells(struct fake_stmt *s)
{
	size_t i;

	if (s->cells != NULL)
		for (i = 0; i < (size_t)s->r.nrows * s->r.ncols; i++)
			free(s->cells[i]);
	free(s->cells);
	s->cells = NULL;
	s->r.nrows = 0;
}

MYSQL *STDCALL
mysql_init(MYSQL *m)
{
	if (m != NULL)
		return NULL;	/* lib/db.c never passes its own */
	return (MYSQL *)(void *)xcalloc(1, sizeof(struct fake_conn));
}

int
mysql_optionsv(MYSQL *m, enum mysql_option option, ...)
{
	(void)m;
	(void)option;
	return 0;
}

MYSQL *STDCALL
mysql_real_connect(MYSQL *m, const char *host, const char *user, const char *passwd,
    const char *db, unsigned int port, const char *unix_socket, unsigned long clientflag)
{
	struct fake_conn *c = (struct fake_conn *)(void *)m;
	struct fake_result r;

	(void)host, (void)user, (void)passwd, (void)db, (void)port, (void)unix_socket;
	(void)clientflag;
	call("CONNECT", NULL, 0, &r);
	c->err = r.err;
	if (r.err != 0) {
		set_msg(c->msg, sizeof(c->msg), r.err);
		return NULL;
	}
	return m;
}

void STDCALL
mysql_close(MYSQL *m)
{
	free(m);
}

unsigned int STDCALL
mysql_errno(MYSQL *m)
{
	return ((struct fake_conn *)(void *)m)->err;
}

const char *STDCALL
mysql_error(MYSQL *m)
{
	struct fake_conn *c = (struct fake_conn *)(void *)m;

	return c->err != 0 ? c->msg : "";
}

int STDCALL
mysql_real_query(MYSQL *m, const char *q, unsigned long length)
{
	struct fake_conn *c = (struct fake_conn *)(void *)m;
	struct fake_result r;
	char *s = xstrndup(q, length);

	call(s, NULL, 0, &r);
	free(s);
	c->err = r.err;
	if (r.err != 0) {
		set_msg(c->msg, sizeof(c->msg), r.err);
		return 1;
	}
	return 0;
}

int STDCALL
mysql_query(MYSQL *m, const char *q)
{
	return mysql_real_query(m, q, (unsigned long)strlen(q));
}

MYSQL_RES *STDCALL
mysql_store_result(MYSQL *m)
{
	(void)m;
	return NULL;
}

int STDCALL
mysql_next_result(MYSQL *m)
{
	(void)m;
	return -1;
}

void STDCALL
mysql_free_result(MYSQL_RES *res)
{
	free(res);
}

unsigned int STDCALL
mysql_num_fields(MYSQL_RES *res)
{
	return ((struct fake_res *)(void *)res)->ncols;
}

MYSQL_STMT *STDCALL
mysql_stmt_init(MYSQL *m)
{
	struct fake_stmt *s = xcalloc(1, sizeof(*s));

	s->conn = (struct fake_conn *)(void *)m;
	return (MYSQL_STMT *)(void *)s;
}

static struct fake_stmt *
S(MYSQL_STMT *st)
{
	return (struct fake_stmt *)(void *)st;
}

int STDCALL
mysql_stmt_prepare(MYSQL_STMT *st, const char *query, unsigned long length)
{
	struct fake_stmt *s = S(st);
	unsigned long i;

	free(s->sql);
	s->sql = xstrndup(query, length);
	s->nparams = 0;
	for (i = 0; i < length; i++)
		if (query[i] == '?')
			s->nparams++;
	if (s->nparams > FAKE_MAX_PARAMS) {
		s->err = 1390;	/* ER_PS_MANY_PARAM */
		set_msg(s->msg, sizeof(s->msg), s->err);
		return 1;
	}
	return 0;
}

unsigned long STDCALL
mysql_stmt_param_count(MYSQL_STMT *st)
{
	return S(st)->nparams;
}

my_bool STDCALL
mysql_stmt_bind_param(MYSQL_STMT *st, MYSQL_BIND *bnd)
{
	struct fake_stmt *s = S(st);

	memcpy(s->pb, bnd, s->nparams * sizeof(*bnd));
	return 0;
}

int STDCALL
mysql_stmt_execute(MYSQL_STMT *st)
{
	struct fake_stmt *s = S(st);
	char *vals[FAKE_MAX_PARAMS];
	const char *params[FAKE_MAX_PARAMS];
	unsigned i;
	size_t len, n, k;

	for (i = 0; i < s->nparams; i++) {
		vals[i] = NULL;
		params[i] = NULL;
		if (s->pb[i].is_null != NULL && *s->pb[i].is_null)
			continue;
		len = s->pb[i].length != NULL ? *s->pb[i].length : s->pb[i].buffer_length;
		vals[i] = xstrndup(s->pb[i].buffer != NULL ? s->pb[i].buffer : "", len);
		params[i] = vals[i];
	}
	free_cells(s);
	call(s->sql, params, s->nparams, &s->r);
	for (i = 0; i < s->nparams; i++)
		free(vals[i]);
	s->row = 0;
	s->err = s->r.err;
	if (s->err != 0 || s->r.cells == NULL || s->r.ncols == 0)
		s->r.nrows = 0;
	n = (size_t)s->r.nrows * s->r.ncols;
	if (n > 0) {
		s->cells = xcalloc(n, sizeof(*s->cells));
		for (k = 0; k < n; k++)
			if (s->r.cells[k] != NULL)
				s->cells[k] = xstrdup(s->r.cells[k]);
	}
	s->r.cells = NULL;
	if (s->err != 0) {
		set_msg(s->msg, sizeof(s->msg), s->err);
		return 1;
	}
	return 0;
}

unsigned long long STDCALL
mysql_stmt_affected_rows(MYSQL_STMT *st)
{
	return S(st)->r.affected;
}

unsigned long long STDCALL
mysql_stmt_insert_id(MYSQL_STMT *st)
{
	return S(st)->r.insert_id;
}

MYSQL_RES *STDCALL
mysql_stmt_result_metadata(MYSQL_STMT *st)
{
	struct fake_stmt *s = S(st);
	struct fake_res *res;
	const char *p = s->sql;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (strncmp(p, "SELECT", 6) != 0)
		return NULL;
	res = xcalloc(1, sizeof(*res));
	res->ncols = s->r.ncols > 0 ? s->r.ncols : 1;
	return (MYSQL_RES *)(void *)res;
}

my_bool STDCALL
mysql_stmt_bind_result(MYSQL_STMT *st, MYSQL_BIND *bnd)
{
	struct fake_stmt *s = S(st);

	s->rb = bnd;	/* db.c keeps its array alive while it fetches */
	s->nrb = s->r.ncols > 0 ? s->r.ncols : 1;
	return 0;
}

/* Copies column col of the current row into b from offset; 1 when it
 * did not fit. */
static int
put(struct fake_stmt *s, unsigned row, unsigned col, MYSQL_BIND *b, unsigned long off)
{
	const char *v = col < s->r.ncols ? s->cells[(size_t)row * s->r.ncols + col] : NULL;
	unsigned long len, n;

	if (b->is_null != NULL)
		*b->is_null = v == NULL;
	if (v == NULL) {
		if (b->length != NULL)
			*b->length = 0;
		return 0;
	}
	len = (unsigned long)strlen(v);
	if (b->length != NULL)
		*b->length = len;
	if (off >= len)
		return 0;
	n = len - off;
	if (n > b->buffer_length)
		n = b->buffer_length;
	memcpy(b->buffer, v + off, n);
	return len - off > b->buffer_length;
}

int STDCALL
mysql_stmt_fetch(MYSQL_STMT *st)
{
	struct fake_stmt *s = S(st);
	unsigned i;
	int trunc = 0;

	if (s->row >= s->r.nrows || s->rb == NULL)
		return MYSQL_NO_DATA;
	for (i = 0; i < s->nrb; i++)
		trunc |= put(s, s->row, i, &s->rb[i], 0);
	s->row++;
	return trunc ? MYSQL_DATA_TRUNCATED : 0;
}

int STDCALL
mysql_stmt_fetch_column(MYSQL_STMT *st, MYSQL_BIND *bnd, unsigned int column,
    unsigned long offset)
{
	struct fake_stmt *s = S(st);

	if (s->row == 0 || column >= s->nrb)
		return 1;
	(void)put(s, s->row - 1, column, bnd, offset);
	return 0;
}

my_bool STDCALL
mysql_stmt_free_result(MYSQL_STMT *st)
{
	struct fake_stmt *s = S(st);

	s->row = s->r.nrows;
	s->rb = NULL;
	return 0;
}

my_bool STDCALL
mysql_stmt_reset(MYSQL_STMT *st)
{
	return mysql_stmt_free_result(st);
}

my_bool STDCALL
mysql_stmt_close(MYSQL_STMT *st)
{
	struct fake_stmt *s = S(st);

	if (s != NULL) {
		free_cells(s);
		free(s->sql);
		free(s);
	}
	return 0;
}

unsigned int STDCALL
mysql_stmt_errno(MYSQL_STMT *st)
{
	return S(st)->err;
}

const char *STDCALL
mysql_stmt_error(MYSQL_STMT *st)
{
	struct fake_stmt *s = S(st);

	return s->err != 0 ? s->msg : "";
}
