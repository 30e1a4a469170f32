/* audit.c: audit events. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "domain/audit.h"
#include "base/log.h"

static const char SQL_AUDIT_INSERT[] =
    "INSERT INTO audit_event (timestamp, country, uploader_sha256_fingerprint,"
    " authentication_sha256_fingerprint, event, description)"
    " VALUES (UTC_TIMESTAMP(), LEFT(?, 2), LEFT(?, 64), LEFT(?, 64), LEFT(?, 64), LEFT(?, 64))";

enum dgcg_err
dgcg_audit(struct dgcg_db *db, const char *country, const char *uploader_fp,
    const char *auth_fp, const char *event, const char *description)
{
	const char *p[5] = { country ? country : "", uploader_fp ? uploader_fp : "",
	    auth_fp ? auth_fp : "", event ? event : "", description ? description : "" };
	long long id = 0;
	char ids[32];
	enum dgcg_err rc;

	rc = dgcg_db_run(db, SQL_AUDIT_INSERT, p, 5, NULL, NULL, NULL, &id);
	if (rc != DGCG_OK) {
		dgcg_log(DGCG_LOG_ERROR, "audit", "Could not write AuditEvent", NULL,
		    "event", p[3], "country", p[0], "error", dgcg_db_error(db), NULL);
		return rc;
	}
	snprintf(ids, sizeof(ids), "%lld", id);
	dgcg_log(DGCG_LOG_INFO, "audit", "Created AuditEvent", NULL, "auditId", ids,
	    "country", p[0], "event", p[3], NULL);
	return DGCG_OK;
}
