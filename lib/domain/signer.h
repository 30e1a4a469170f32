/* signer.h: uploading and deleting DSCs (reference-gateway.md 3.1, 3.2),
 * with the design document's stricter checks (doc/operator-guide.txt lists
 * them; each can be relaxed in dgcg.conf). */
#ifndef DGCG_SIGNER_H
#define DGCG_SIGNER_H

#include <stddef.h>

#include <openssl/x509.h>

#include "base/dgcg.h"
#include "domain/auth.h"
#include "domain/reply.h"

struct dgcg_gw;

/* POST /signerCertificate with body = base64 CMS (attached DSC). Checks in
 * the reference's order (signed.h, then the DSC's country, the design
 * document's DSC rules, its CSCA, duplicate and kid), each failure with its
 * problem, details and audit row; success stores the DSC with the CMS
 * re-encoded detached, and the audit event, in one transaction (201). */
void dgcg_signer_upload(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
	size_t len, struct dgcg_reply *r);

/* DELETE /signerCertificate (and POST /signerCertificate/delete): the same
 * CMS body; marks the DSC deleted (tombstone) with its audit event (204).
 * A country may only delete its own DSCs. */
void dgcg_signer_delete(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
	size_t len, struct dgcg_reply *r);

/* The DSC subject has exactly one C and it is country: 1, else 0 with the
 * reference's reason (static) in *why. */
int dgcg_signer_subject_country(X509 *dsc, const char *country, const char **why);

/* dsc is issued (name and signature) by a verified CSCA of country: 1 with
 * the CSCA's thumbprint in csca, 0 with the reason in why, -1 when the
 * database cannot be read. */
int dgcg_signer_csca(struct dgcg_gw *gw, const char *country, X509 *dsc,
	char csca[DGCG_THUMB_HEX_LEN + 1], char *why, size_t whysz);

#endif
