/* signer.h: uploading and deleting DSCs (reference-gateway.md 3.1, 3.2),
 * with the design document's stricter checks (README lists them, each can
 * be relaxed in dgcg.conf). */
#ifndef DGCG_SIGNER_H
#define DGCG_SIGNER_H

#include <stddef.h>

#include "domain/auth.h"

struct dgcg_gw;

/* The answer to a request: a status and, on failure, a problem report. */
struct dgcg_outcome {
	int		 status;
	const char	*code;		/* NULL on success */
	const char	*problem;
	char		 send_value[128];
	char		 details[512];
};

/* POST /signerCertificate with body = base64 CMS (attached DSC). Checks in
 * the reference's order, each failure with its code, status, details and
 * audit row; success stores the DSC with the CMS re-encoded detached, and
 * the audit event, in one transaction (201). */
void dgcg_signer_upload(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
	size_t len, struct dgcg_outcome *out);

/* DELETE /signerCertificate (and POST /signerCertificate/delete): the same
 * CMS body; marks the DSC deleted (tombstone) with its audit event (204).
 * A country may only delete its own DSCs. */
void dgcg_signer_delete(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
	size_t len, struct dgcg_outcome *out);

#endif
