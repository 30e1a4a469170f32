/* render.h: what dgcg-sync writes into a list directory (dgcg-sync(1),
 * FILES), rendered from a verdict (verify.h). Pure: strings only. */
#ifndef SYNC_RENDER_H
#define SYNC_RENDER_H

#include <stddef.h>

#include "verify.h"

/* Each returns malloc'd text and its length in *len.
 *
 * trustlist.json: the verified entries as TrustListItems, fields in the
 * gateway's order (kid, timestamp, country, certificateType, thumbprint,
 * signature, rawData), sorted by kid, CSCA and UPLOAD entries before DSCs
 * on a tie, then by thumbprint. thumbprint is the computed one (lower
 * case), timestamp as served (null for v2 items). */
char *sync_render_trustlist(const struct sync_verified *v, size_t *len);

/* rejected.json: [{kid, country, certificateType, thumbprint, reason}] in
 * the same order; certificateType is the list the entry came in, kid,
 * country and thumbprint as served (the computed thumbprint when none was
 * served), reason the code of pki/entry.h. */
char *sync_render_rejected(const struct sync_verified *v, size_t *len);

/* kids.json: {kid: {country, publicKey, notAfter}} of the verified DSCs,
 * sorted by kid; publicKey is the base64 DER SubjectPublicKeyInfo,
 * notAfter "yyyy-MM-ddTHH:mm:ssZ". */
char *sync_render_kids(const struct sync_verified *v, size_t *len);

/* jwks.json: {"keys": [...]} with a JWK (RFC 7517/7518) per verified DSC
 * whose key JOSE can name: EC on P-256/P-384/P-521 (kty, crv, x, y) and
 * RSA (kty, n, e), each with kid (the trust-list kid), use "sig", x5c (the
 * DSC, base64 DER) and x5t#S256. Others are left out (*skipped counts
 * them; may be NULL). */
char *sync_render_jwks(const struct sync_verified *v, size_t *len, size_t *skipped);

/* The countries (sorted, "" ended array of 3-byte strings, malloc'd) that
 * have verified DSCs, and the PEM bundle of one country's verified DSCs
 * (in trustlist.json's order). */
char (*sync_render_countries(const struct sync_verified *v, size_t *n))[3];
char *sync_render_pem(const struct sync_verified *v, const char *country, size_t *len);

/* Base64url without padding (RFC 7515 section 2), malloc'd. */
char *sync_b64url(const unsigned char *in, size_t len);

#endif
