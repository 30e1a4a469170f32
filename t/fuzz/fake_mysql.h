/* fake_mysql.h: an in-process stand-in for the parts of libmariadb that
 * lib/db.c calls, so that the request fuzzer (and its regression replay)
 * drives the whole worker, database answers included, with no server.
 *
 * lib/db.c is used unchanged: linked with fake_mysql.c instead of
 * -lmariadb, its mysql_* calls land here, and every statement, query and
 * connect is answered by the function the harness sets. */
#ifndef DGCG_FAKE_MYSQL_H
#define DGCG_FAKE_MYSQL_H

#include <stddef.h>

/* What one call answers. cells holds nrows * ncols column values (NULL =
 * SQL NULL); they must stay valid until the next call. err != 0 fails the
 * call with that MariaDB error number (1062 duplicate key, 2013 lost
 * connection, ...). */
struct fake_result {
	unsigned		 err;
	unsigned		 ncols;
	unsigned		 nrows;
	const char *const	*cells;
	unsigned long long	 affected;
	unsigned long long	 insert_id;
};

/* sql is the statement text ("CONNECT" for a connect, the query text for
 * mysql_query); params[0..nparams) are the bound values as NUL-terminated
 * strings (NULL = SQL NULL). out is zeroed before the call. */
typedef void (*fake_mysql_fn)(const char *sql, const char *const *params, unsigned nparams,
	struct fake_result *out);

/* Sets the answering function (NULL: every call succeeds with no rows). */
void fake_mysql_set(fake_mysql_fn fn);

#endif
