/* trusted.h: trust anchors and the integrity check of trusted_party rows
 * (reference-gateway.md 4.2).
 *
 * A row is usable only when: raw_data and signature are non-empty; raw_data
 * is base64 of a parseable X.509 certificate; the lower-case hex SHA-256 of
 * that DER equals the thumbprint column; signature is base64 of a detached
 * CMS SignedData (id-data, one certificate, one SignerInfo) over that DER
 * which verifies; and the CMS's embedded certificate is byte-identical to a
 * configured trust-anchor certificate. */
#ifndef DGCG_TRUSTED_H
#define DGCG_TRUSTED_H

#include <stddef.h>

#include "base/dgcg.h"

struct dgcg_ta;

/* Loads every certificate of a PEM file as a trust anchor (several allow a
 * TA rollover). An empty or unreadable file is an error. */
enum dgcg_err dgcg_ta_load(const char *pem_path, struct dgcg_ta **out);
size_t dgcg_ta_count(const struct dgcg_ta *ta);
void dgcg_ta_free(struct dgcg_ta *ta);

/* Outcome of the check; each failure has the design document's message. */
enum dgcg_integrity {
	DGCG_TP_OK = 0,
	DGCG_TP_EMPTY,		/* "Certificate entity does not contain raw certificate or certificate signature." */
	DGCG_TP_BAD_CERT,	/* "Raw certificate data does not contain a valid x509Certificate." */
	DGCG_TP_THUMB_MISMATCH,	/* "Thumbprint in database does not match thumbprint of stored certificate." */
	DGCG_TP_NO_TA,		/* "Could not load DGCG-TrustAnchor from KeyStore." */
	DGCG_TP_BAD_SIG,	/* "TrustAnchor Verification failed." (parser state) */
	DGCG_TP_SIG_INVALID,	/* "TrustAnchor Verification failed: Signature is not matching signed certificate" */
	DGCG_TP_NOT_TA,		/* "TrustAnchor Verification failed: Certificate was not signed by known TrustAnchor" */
	DGCG_TP__MAX
};

/* The design document's log message for r. */
const char *dgcg_integrity_text(enum dgcg_integrity r);

/* Per-worker memory of results, keyed by SHA-256 over (thumbprint, raw_data,
 * signature), NUL-separated and prefixed with a digest of the trust-anchor
 * set: a row whose content did not change is not verified again, and a
 * reloaded trust anchor does not reuse old results. At most max entries;
 * when full it is emptied. */
struct dgcg_tpcache;
struct dgcg_tpcache *dgcg_tpcache_new(size_t max);
void dgcg_tpcache_free(struct dgcg_tpcache *c);
/* Forgets every remembered result. */
void dgcg_tpcache_clear(struct dgcg_tpcache *c);
/* Statistics for tests and benchmarks. */
size_t dgcg_tpcache_hits(const struct dgcg_tpcache *c);
size_t dgcg_tpcache_misses(const struct dgcg_tpcache *c);

/* Runs the check (cache may be NULL). Any failure is logged at ERROR with
 * the design document's message and certVerifyThumbprint=thumbprint (also
 * when the result came from the cache). */
enum dgcg_integrity dgcg_tp_verify(const struct dgcg_ta *ta, struct dgcg_tpcache *cache,
	const char *thumbprint, const char *raw_b64, const char *sig_b64);

/* Trust-anchor signature over arbitrary content (trusted issuers sign the
 * UTF-8 string "country;name;url;URLTYPE;", reference-gateway.md 4.3):
 * sig_b64 must be base64 of a CMS SignedData (id-data, one certificate,
 * one SignerInfo) over content[0..len) (detached, or attached with exactly
 * these bytes) that verifies and whose embedded certificate is one of the
 * trust anchors. Returns DGCG_TP_OK, DGCG_TP_EMPTY (no signature),
 * DGCG_TP_NO_TA, DGCG_TP_BAD_SIG, DGCG_TP_SIG_INVALID or DGCG_TP_NOT_TA;
 * *exc (may be NULL) gets a static detail. Does not log. */
enum dgcg_integrity dgcg_ta_verify_content(const struct dgcg_ta *ta,
	const unsigned char *content, size_t len, const char *sig_b64, const char **exc);

#endif
