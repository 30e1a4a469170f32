/* audit_event.c: the audit_event table's SQL. */
#include "config.h"

#include <stdio.h>

#include "base/log.h"
#include "store/audit_event.h"

static const char SQL_AUDIT_INSERT[] =
    "INSERT INTO audit_event (timestamp, country, uploader_sha256_fingerprint,"
    " authentication_sha256_fingerprint, event, description)"
    " VALUES (UTC_TIMESTAMP(), LEFT(?, 2), LEFT(?, 64), LEFT(?, 64), LEFT(?, 64), LEFT(?, 64))";

enum dgcg_err
dgcg_db_audit(struct dgcg_db *db, const struct dgcg_audit_event *ev)
{
	const char *p[5] = { ev->country ? ev->country : "", ev->uploader ? ev->uploader : "",
	    ev->auth ? ev->auth : "", ev->event ? ev->event : "",
	    ev->description ? ev->description : "" };
	long long id = 0;
	char ids[32];
	enum dgcg_err rc;

	if ((rc = dgcg_db_exec(db, SQL_AUDIT_INSERT, p, 5, NULL, &id)) != DGCG_OK) {
		dgcg_log(DGCG_LOG_ERROR, "audit", "Could not write AuditEvent", NULL,
		    "event", p[3], "country", p[0], "error", dgcg_db_error(db), NULL);
		return rc;
	}
	snprintf(ids, sizeof(ids), "%lld", id);
	dgcg_log(DGCG_LOG_INFO, "audit", "Created AuditEvent", NULL, "auditId", ids,
	    "country", p[0], "event", p[3], NULL);
	return DGCG_OK;
}
