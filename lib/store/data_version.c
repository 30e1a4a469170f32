/* data_version.c: the data_version table's SQL. */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/conf.h"
#include "store/data_version.h"

static const char SQL_VERSIONS[] =
    "SELECT name, version FROM data_version";
/* db_causal_reads: this statement waits until the Galera node has applied
 * every write the cluster committed before it; the request's later reads
 * run on the same node and see at least that much. */
static const char SQL_VERSIONS_CAUSAL[] =
    "SET STATEMENT wsrep_sync_wait = 1 FOR SELECT name, version FROM data_version";
static const char SQL_LOCK_WRITE[] =
    "SELECT version FROM data_version WHERE name = ? FOR UPDATE";
static const char SQL_LOCK_READ[] =
    "SELECT version FROM data_version WHERE name = ? LOCK IN SHARE MODE";

static const char *const names[DGCG_T__MAX] = {
	[DGCG_T_TRUSTED_PARTY] = "trusted_party",
	[DGCG_T_TRUSTED_PARTY_ROLES] = "trusted_party_roles",
	[DGCG_T_SIGNER_INFORMATION] = "signer_information",
	[DGCG_T_VALIDATION_RULE] = "validation_rule",
	[DGCG_T_VALUESET] = "valueset",
	[DGCG_T_REVOCATION_BATCH] = "revocation_batch",
	[DGCG_T_TRUSTED_ISSUER] = "trusted_issuer",
	[DGCG_T_TRUSTED_REFERENCE] = "trusted_reference",
};

const char *
dgcg_table_name(enum dgcg_table t)
{
	return (unsigned)t < DGCG_T__MAX ? names[t] : NULL;
}

struct counter {
	char		 name[64];
	long long	 version;
};

#define F(x) offsetof(struct counter, x)
static const struct dgcg_col counter_cols[] = {
	{ DGCG_COL_BUF, F(name), sizeof(((struct counter *)0)->name) },
	{ DGCG_COL_INT, F(version), 0 },
};
#undef F
static const struct dgcg_rowdef counter_def = { counter_cols, 2, sizeof(struct counter) };

enum dgcg_err
dgcg_db_versions(struct dgcg_db *db, struct dgcg_versions *v)
{
	struct counter *c;
	enum dgcg_err rc;
	void *rows = NULL;
	size_t n = 0, i;
	int t;

	memset(v, 0, sizeof(*v));
	rc = dgcg_db_select(db, dgcg_db_conf(db)->db_causal_reads ? SQL_VERSIONS_CAUSAL :
	    SQL_VERSIONS, NULL, 0, &counter_def, &rows, &n);
	if (rc != DGCG_OK)
		return rc;
	c = rows;
	for (i = 0; i < n; i++)
		for (t = 0; t < DGCG_T__MAX; t++)
			if (strcmp(c[i].name, names[t]) == 0)
				v->v[t] = c[i].version;
	dgcg_db_rows_free(&counter_def, rows, n);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_version_lock(struct dgcg_db *db, enum dgcg_table t, int exclusive)
{
	const char *p[1] = { dgcg_table_name(t) };
	long long v;

	if (p[0] == NULL || !dgcg_db_in_tx(db))
		return DGCG_ERR_INVAL;
	return dgcg_db_int(db, exclusive ? SQL_LOCK_WRITE : SQL_LOCK_READ, p, 1, &v);
}
