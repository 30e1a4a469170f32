/* audit.h: audit_event rows (reference-gateway.md section 10). The
 * application user may only INSERT into audit_event; an event is written
 * inside the transaction of the change it records, so a failed change
 * leaves no orphan event. */
#ifndef DGCG_AUDIT_H
#define DGCG_AUDIT_H

#include "store/db.h"
#include "base/dgcg.h"

/* Writes one audit event (timestamp = now, UTC) and logs "Created
 * AuditEvent" with auditId and country. Strings longer than the columns
 * (country 2, fingerprints 64, event and description 64) are cut. */
enum dgcg_err dgcg_audit(struct dgcg_db *db, const char *country, const char *uploader_fp,
	const char *auth_fp, const char *event, const char *description);

#endif
