/* valuesets.h: value sets (reference-gateway.md section 6). The API only
 * reads them; operators load them with dgcg-admin valuesets import, which
 * checks each document against ehn-dcc-valuesets' DCC.ValueSets.schema.json
 * and stores it verbatim under its valueSetId. */
#ifndef DGCG_VALUESETS_H
#define DGCG_VALUESETS_H

#include <stddef.h>

#include "store/db.h"
#include "base/dgcg.h"

#define DGCG_VALUESET_MAX	1024000	/* bytes; the reference's column held 1,024,000 chars */
#define DGCG_VALUESET_ID_MAX	100	/* valueset.id VARCHAR(100) */

/* Every stored id, sorted. *ids is a malloc'd array of malloc'd strings
 * (caller frees each and the array). */
enum dgcg_err dgcg_valuesets_ids(struct dgcg_db *db, char ***ids, size_t *n);

/* The stored JSON of id, verbatim, malloc'd into *json (caller frees).
 * DGCG_ERR_NOTFOUND when there is none. */
enum dgcg_err dgcg_valueset_get(struct dgcg_db *db, const char *id, char **json, size_t *len);

/* What a checked document holds. */
struct dgcg_valueset_info {
	char	*id;		/* valueSetId, malloc'd */
	char	*date;		/* valueSetDate, malloc'd */
	size_t	 nvalues;	/* members of valueSetValues */
};

void dgcg_valueset_info_clear(struct dgcg_valueset_info *vi);

/* Checks json[0..len) against DCC.ValueSets.schema.json as written: an
 * object with valueSetId (string), valueSetDate (string, RFC 3339 date) and
 * valueSetValues (object whose members are objects with display, lang,
 * version, system (strings) and active (boolean), optional validUntil (a
 * date), nothing else); no top-level member named "additionalProperties"
 * (the schema declares it a property with the schema false). JSON is read
 * strictly (dgcg_json_parse). On top, dgcg's own constraints: at most
 * DGCG_VALUESET_MAX bytes, and a valueSetId usable as the path segment of
 * GET /valuesets/{id}: 1-100 characters of [A-Za-z0-9._-], not starting
 * with '.'. Returns DGCG_OK and fills vi (may be NULL), or DGCG_ERR_INVAL
 * (DGCG_ERR_PARSE: not JSON) with every reason in why ("; "-joined). */
enum dgcg_err dgcg_valueset_check(const char *json, size_t len, struct dgcg_valueset_info *vi,
	char *why, size_t whysz);

/* Stores json under id, replacing a stored one (call inside a
 * transaction to replace several at once). *was (may be NULL) gets 0 for a
 * new id, 1 when a different document was replaced, 2 when the stored one
 * was identical. Needs the admin user (the application user may only
 * SELECT valueset). */
enum dgcg_err dgcg_valueset_store(struct dgcg_db *db, const char *id, const char *json, int *was);

/* Deletes the value set id; DGCG_ERR_NOTFOUND when there is none. */
enum dgcg_err dgcg_valueset_delete(struct dgcg_db *db, const char *id);

#endif
