/* trust.h: trust anchors and the integrity check of trusted_party rows
 * (reference-gateway.md 4.2).
 *
 * A row is usable only when: raw_data and signature are non-empty; raw_data
 * is base64 of a parseable X.509 certificate; the lower-case hex SHA-256 of
 * that DER equals the thumbprint column; signature is base64 of a detached
 * CMS SignedData (id-data, one certificate, one SignerInfo) over that DER
 * which verifies; and the CMS's embedded certificate is byte-identical to a
 * configured trust-anchor certificate. */
#ifndef DGCG_TRUST_H
#define DGCG_TRUST_H

#include <stddef.h>

#include "base/dgcg.h"
#include "pki/cms.h"

struct dgcg_ta;

/* Loads every certificate of a PEM file as a trust anchor (several allow a
 * TA rollover). An empty or unreadable file is an error. */
enum dgcg_err dgcg_ta_load(const char *pem_path, struct dgcg_ta **out);

/* The same for several PEM files, each with at least one certificate
 * (dgcg-sync's -t TA.pem -t TA2.pem). */
enum dgcg_err dgcg_ta_load_files(const char *const *paths, size_t npaths, struct dgcg_ta **out);

/* 1 when the certificate with this hex SHA-256 (either case) is one of the
 * trust anchors: the same DER bytes, as the reference compares them. */
int dgcg_ta_has(const struct dgcg_ta *ta, const char *thumbprint);
size_t dgcg_ta_count(const struct dgcg_ta *ta);

/* A trust-anchor set from n DER certificates (copied): a peer gateway's
 * TRUSTANCHOR rows (tng-gateway.md 10.2). n may be 0 (a set nothing
 * verifies against). */
struct dgcg_ta *dgcg_ta_from_der(const unsigned char *const *der, const size_t *len, size_t n);
void dgcg_ta_free(struct dgcg_ta *ta);

/* Outcome of the check; each failure has the design document's message. */
enum dgcg_integrity {
	DGCG_INTEGRITY_OK = 0,
	DGCG_INTEGRITY_EMPTY,		/* "Certificate entity does not contain raw certificate or certificate signature." */
	DGCG_INTEGRITY_BAD_CERT,	/* "Raw certificate data does not contain a valid x509Certificate." */
	DGCG_INTEGRITY_THUMB_MISMATCH,	/* "Thumbprint in database does not match thumbprint of stored certificate." */
	DGCG_INTEGRITY_NO_TA,		/* "Could not load DGCG-TrustAnchor from KeyStore." */
	DGCG_INTEGRITY_BAD_SIG,	/* "TrustAnchor Verification failed." (parser state) */
	DGCG_INTEGRITY_SIG_INVALID,	/* "TrustAnchor Verification failed: Signature is not matching signed certificate" */
	DGCG_INTEGRITY_NOT_TA,		/* "TrustAnchor Verification failed: Certificate was not signed by known TrustAnchor" */
	DGCG_INTEGRITY__MAX
};

/* The design document's log message for r. */
const char *dgcg_integrity_text(enum dgcg_integrity r);

/* Runs the check of one row; *state gets the CMS parser state of a
 * DGCG_INTEGRITY_BAD_SIG, *exc (may be set to NULL) a static detail. Does
 * not log: the caller (worker/gateway.c, which also remembers verdicts)
 * logs each failure with dgcg_integrity_log, every time a row fails. */
enum dgcg_integrity dgcg_integrity_check(const struct dgcg_ta *ta, const char *thumbprint,
	const char *raw_b64, const char *sig_b64, enum dgcg_cms_state *state, const char **exc);

/* Logs a failed check at ERROR with the design document's message and
 * certVerifyThumbprint=thumbprint (nothing for DGCG_INTEGRITY_OK). */
void dgcg_integrity_log(enum dgcg_integrity r, enum dgcg_cms_state state, const char *exc,
	const char *thumbprint);

/* SHA-256 over (the trust-anchor set, thumbprint, raw data, signature): the
 * key a verdict is remembered under; the trust-anchor part keeps a
 * reloaded trust anchor from reusing old verdicts. */
void dgcg_integrity_key(const struct dgcg_ta *ta, const char *thumbprint, const char *raw_b64,
	const char *sig_b64, unsigned char key[32]);

/* Trust-anchor signature over arbitrary content (trusted issuers sign the
 * UTF-8 string "country;name;url;URLTYPE;", reference-gateway.md 4.3):
 * sig_b64 must be base64 of a CMS SignedData (id-data, one certificate,
 * one SignerInfo) over content[0..len) (detached, or attached with exactly
 * these bytes) that verifies and whose embedded certificate is one of the
 * trust anchors. Returns DGCG_INTEGRITY_OK, DGCG_INTEGRITY_EMPTY (no signature),
 * DGCG_INTEGRITY_NO_TA, DGCG_INTEGRITY_BAD_SIG, DGCG_INTEGRITY_SIG_INVALID or DGCG_INTEGRITY_NOT_TA;
 * *exc (may be NULL) gets a static detail. Does not log. */
enum dgcg_integrity dgcg_ta_verify_content(const struct dgcg_ta *ta,
	const unsigned char *content, size_t len, const char *sig_b64, const char **exc);

#endif
