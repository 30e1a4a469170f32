/* valueset.h: the valueset table (id, json: the value-set documents
 * operators load with dgcg-admin; reference-gateway.md 6). */
#ifndef DGCG_STORE_VALUESET_H
#define DGCG_STORE_VALUESET_H

#include <stddef.h>

#include "base/dgcg.h"
#include "store/db.h"

/* Every id, sorted: a malloc'd array of malloc'd strings. */
enum dgcg_err dgcg_db_vs_ids(struct dgcg_db *db, char ***ids, size_t *n);

/* The document of id (malloc'd, NUL-terminated); DGCG_ERR_NOTFOUND. */
enum dgcg_err dgcg_db_vs_get(struct dgcg_db *db, const char *id, char **json, size_t *len);

/* Inserts or replaces the document of id. */
enum dgcg_err dgcg_db_vs_put(struct dgcg_db *db, const char *id, const char *json);

/* Deletes id; DGCG_ERR_NOTFOUND when there is none. */
enum dgcg_err dgcg_db_vs_delete(struct dgcg_db *db, const char *id);

#endif
