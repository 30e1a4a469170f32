/* validation_rule.h: the validation_rule table (one row per rule version;
 * signature = the upload CMS as received; reference-gateway.md 5). */
#ifndef DGCG_STORE_VALIDATION_RULE_H
#define DGCG_STORE_VALIDATION_RULE_H

#include <stddef.h>

#include "base/dgcg.h"
#include "store/db.h"

/* One row (strings owned by the row). valid_from/valid_to are the
 * DATETIME text "YYYY-MM-DD HH:MM:SS" (UTC), read with
 * dgcg_time_parse_sql. */
struct dgcg_vr {
	long long	 id;
	char		*rule_id;
	char		*version;
	char		 valid_from[20];
	char		 valid_to[20];
	char		*signature;
	char		 country[3];
};

struct dgcg_vr_list {
	struct dgcg_vr	*v;
	size_t		 n;
};

void dgcg_vr_list_free(struct dgcg_vr_list *l);

/* The newest version (highest id) of rule_id: one entry or none. */
enum dgcg_err dgcg_db_vr_latest(struct dgcg_db *db, const char *rule_id,
	struct dgcg_vr_list *out);

/* Inserts a version (created_at = now); from/to DATETIME literals, type
 * "ACCEPTANCE" or "INVALIDATION". DGCG_ERR_CONFLICT when (rule_id,
 * version) exists. */
enum dgcg_err dgcg_db_vr_insert(struct dgcg_db *db, const char *rule_id, const char *signature,
	const char *from, const char *to, const char *version, const char *country,
	const char *type);

/* Deletes every version of rule_id (compared byte for byte); *n = rows. */
enum dgcg_err dgcg_db_vr_delete(struct dgcg_db *db, const char *rule_id, unsigned long long *n);

/* Every version of a country (compared case-insensitively, as the
 * column's collation does), ordered by rule_id then id (by_rule) or by id. */
enum dgcg_err dgcg_db_vr_of_country(struct dgcg_db *db, const char *country, int by_rule,
	struct dgcg_vr_list *out);

/* The row with id, locked (inside dgcg_db_tx). */
enum dgcg_err dgcg_db_vr_locked(struct dgcg_db *db, long long id, struct dgcg_vr_list *out);

/* signature = cms (CMS migration). DGCG_ERR_NOTFOUND when the row is gone. */
enum dgcg_err dgcg_db_vr_set_cms(struct dgcg_db *db, long long id, const char *cms);

#endif
