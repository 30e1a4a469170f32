/* signer.h: uploading and deleting DSCs (reference-gateway.md 3.1, 3.2),
 * with the design document's stricter checks (doc/operator-guide.txt lists
 * them; each can be relaxed in dgcg.conf); and the v2 trusted certificates
 * of every signer group (POST and DELETE /trustedCertificate,
 * tng-gateway.md 4, 5), with TNG's checks in its order and dgcg's
 * stricter ones among them (doc/api.txt, v2). */
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

/* DELETE /trustedCertificate and POST /trustedCertificate/delete: the v1
 * delete (its body, codes and audit texts, as TNG delegates to it), except
 * that a stored row of another group than DSC is not held to the DSC
 * subject-country rule (its upload was not either). Both deletes keep a
 * tombstone and refuse a federated row. */
void dgcg_signer_delete_v2(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
	size_t len, struct dgcg_reply *r);

/* The JSON body of POST /trustedCertificate (tng-gateway.md 4.1), read with
 * the strict reader (base/json.h). Strings are malloc'd, NULL when absent
 * or null. */
struct dgcg_v2cert_req {
	char		*cms;
	char		*kid;
	char		*group;
	char		*domain;
	int		 has_properties;	/* 0: absent or null */
	char		**keys;		/* properties in the order received */
	char		**values;
	size_t		 nprops;
};

/* 1 when body is one JSON object whose cms, kid, group and domain are
 * strings (or null, or absent) and whose properties is an object of
 * strings (or null, or absent), no string holding NUL; other members are
 * ignored (as Jackson does). Else 0 with the reason in details and q
 * empty. Free q with dgcg_v2cert_free either way. */
int dgcg_v2cert_parse(const char *body, size_t len, struct dgcg_v2cert_req *q, char *details,
	size_t dsz);
void dgcg_v2cert_free(struct dgcg_v2cert_req *q);

/* The properties as stored: one JSON object, keys in the order received
 * (malloc'd, *len its length), or NULL when there are none (TNG stores
 * NULL for an empty map). */
char *dgcg_v2cert_properties_json(const struct dgcg_v2cert_req *q, size_t *len);

/* A custom kid: 1 to 20 printable ASCII characters without blanks
 * (signer_information.kid is VARCHAR(20); TNG checks nothing and answers
 * 500 beyond 20). 1, or 0 with the reason in why. */
int dgcg_v2cert_kid_ok(const char *kid, char *why, size_t whysz);

/* POST /trustedCertificate with the JSON body: TNG's checks in order
 * (tng-gateway.md 4.2) with dgcg's among them: the JSON and cms (400
 * 0x001, TNG 400/500), the CMS (400 n/a Invalid CMS), its signature (400
 * n/a Invalid CMS Signature), an UPLOAD certificate of the caller's
 * country onboarded here (0x004), a DSC's subject country (0x004), the
 * group (n/a), the domain (n/a), the UPLOAD certificate's domain (0x004,
 * dgcg), the properties (n/a; dgcg: required, at most 2000 characters),
 * the design document's certificate rules (0x004, dgcg), a CSCA (DECA for
 * DESC) of the country onboarded here and of the domain (0x004; dgcg:
 * domain and source), not stored yet (409 0x002), the kid (0x004; dgcg:
 * its format, and no other row listed under it). Success stores the row
 * with the group as uploaded and the CMS as received, with its audit
 * event, in one transaction: 201. */
void dgcg_signer_upload_v2(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
	size_t len, struct dgcg_reply *r);

/* The DSC subject has exactly one C and it is country: 1, else 0 with the
 * reference's reason (static) in *why. */
int dgcg_signer_subject_country(X509 *dsc, const char *country, const char **why);

/* dsc is issued (name and signature) by a verified trusted party of group
 * ca (CSCA, or DECA for a DESC) of country and domain, onboarded here: 1
 * with its thumbprint in csca, 0 with the reason in why, -1 when the
 * database cannot be read. */
int dgcg_signer_csca(struct dgcg_gw *gw, const char *country, enum dgcg_group ca,
	const char *domain, X509 *dsc, char csca[DGCG_THUMB_HEX_LEN + 1], char *why, size_t whysz);

/* The design document's rules for an uploaded signer certificate that the
 * reference does not enforce (X.509 v3, key size, signature hash,
 * validity; each switchable in dgcg.conf): 1, or 0 with the reason. */
int dgcg_signer_strict(struct dgcg_gw *gw, X509 *dsc, char *why, size_t whysz);

/* Kid collisions of a new signer row with thumbprint thumb and custom kid
 * kid (NULL: none): TNG's two checks (tng-gateway.md 2.4) and dgcg's: no
 * other row of either table may be listed under the kid the new row will
 * be listed under (its kid column, or its derived kid). 1 free, 0 taken
 * (the reference's text in why), -1 when the database cannot be read. */
int dgcg_signer_kid_free(struct dgcg_gw *gw, const char *thumb, const char *kid, char *why,
	size_t whysz);

#endif
