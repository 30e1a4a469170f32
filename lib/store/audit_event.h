/* audit_event.h: the audit_event table (reference-gateway.md section 10).
 * The application user may only INSERT into it (audit events cannot be
 * changed); an event is written inside the transaction of the change it
 * records (its unit of work, dgcg_db_tx), so a failed change leaves no
 * orphan event. A refused request's event is written on its own. */
#ifndef DGCG_STORE_AUDIT_EVENT_H
#define DGCG_STORE_AUDIT_EVENT_H

#include "base/dgcg.h"
#include "store/db.h"

/* One event. Strings longer than the columns (country 2, fingerprints 64,
 * event and description 64) are cut; NULL is written as "". */
struct dgcg_audit_event {
	const char	*country;
	const char	*uploader;	/* uploader_sha256_fingerprint: the CMS signer */
	const char	*auth;		/* authentication_sha256_fingerprint: the caller */
	const char	*event;		/* SUCCESS, BAD_REQUEST, CREATED, DELETED, UPDATED, ... */
	const char	*description;
};

/* Writes ev (timestamp = now, UTC) and logs "Created AuditEvent" with
 * auditId, country and event. */
enum dgcg_err dgcg_db_audit(struct dgcg_db *db, const struct dgcg_audit_event *ev);

#endif
