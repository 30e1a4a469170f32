/* entry.h: the checks one trust-list entry (a CSCA, UPLOAD or DSC
 * certificate with its signature) must pass, and why it fails.
 *
 * Shared by the gateway (pki/trust.c's integrity check, the DSC rows of
 * domain/trustlist.c, the DSC upload checks of domain/signer.c) and by
 * dgcg-sync, which verifies what a gateway serves. One reason per failed
 * check: dgcg-sync writes the codes into rejected.json (dgcg-sync(1),
 * REASONS), the gateway logs the texts. */
#ifndef DGCG_ENTRY_H
#define DGCG_ENTRY_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "base/dgcg.h"
#include "pki/cms.h"

/* Why an entry is refused, in the order dgcg-sync checks (the first
 * failing check names the reason). The codes are a stable interface. */
enum dgcg_er {
	DGCG_ER_OK = 0,
	DGCG_ER_MALFORMED,		/* the item lacks a field or has one of the wrong type */
	DGCG_ER_WRONG_TYPE,		/* certificateType is not that of the list it came in */
	DGCG_ER_BAD_CERTIFICATE,	/* rawData is not base64 of one DER X.509 certificate */
	DGCG_ER_THUMBPRINT_MISMATCH,	/* thumbprint is not the SHA-256 of rawData */
	DGCG_ER_KID_MISMATCH,		/* kid is not base64 of the first 8 bytes of it */
	DGCG_ER_DUPLICATE,		/* the same certificate came before in the same list */
	DGCG_ER_NO_SIGNATURE,		/* signature is missing or empty */
	DGCG_ER_BAD_CMS,		/* signature is not a CMS SignedData over rawData */
	DGCG_ER_CMS_DIGEST,		/* the CMS uses a digest outside SecReq-042 */
	DGCG_ER_SIGNATURE_INVALID,	/* the CMS signature does not verify */
	DGCG_ER_NOT_TRUST_ANCHOR,	/* CSCA/UPLOAD: signed by no configured trust anchor */
	DGCG_ER_SIGNER_NOT_UPLOAD,	/* DSC: the CMS signer is no listed UPLOAD certificate */
	DGCG_ER_SIGNER_REJECTED,	/* DSC: the signer is a listed UPLOAD entry that was rejected */
	DGCG_ER_SIGNER_OTHER_COUNTRY,	/* DSC: the signer is a verified UPLOAD of another country */
	DGCG_ER_COUNTRY_MISMATCH,	/* the subject's C is not the entry's country */
	DGCG_ER_NO_CSCA,		/* DSC: its country has no verified CSCA that issued it */
	DGCG_ER_NOT_ISSUED,		/* DSC: not issued (name and signature) by its country's CSCAs */
	DGCG_ER_ISSUER_OTHER_COUNTRY,	/* DSC: issued by a verified CSCA of another country */
	DGCG_ER_X509_V1,		/* not X.509 v3 (SecReq-033, require_x509v3) */
	DGCG_ER_WEAK_KEY,		/* key type or size outside SecReq-042 */
	DGCG_ER_WEAK_HASH,		/* the certificate is signed with a hash outside SecReq-042 */
	DGCG_ER_EXPIRED,		/* notAfter has passed (check_*_expiry) */
	DGCG_ER_NOT_YET_VALID,		/* notBefore is still ahead (check_*_expiry) */
	DGCG_ER__MAX
};

/* The reason's code ("THUMBPRINT_MISMATCH"; "OK" for DGCG_ER_OK) and its
 * one-line text. Static; never NULL (an out-of-range value gives "?"). */
const char *dgcg_er_code(enum dgcg_er r);
const char *dgcg_er_text(enum dgcg_er r);

/* The reason named by code, or DGCG_ER__MAX when there is none. */
enum dgcg_er dgcg_er_parse(const char *code);

/* The certificate of an entry. raw_b64 must be strict base64 of exactly
 * one DER X.509 certificate (DGCG_ER_BAD_CERTIFICATE); a non-NULL thumb
 * must be the hex SHA-256 of that DER, in either case, as the reference
 * compared in MySQL (DGCG_ER_THUMBPRINT_MISMATCH); a non-NULL kid must be
 * its kid exactly (DGCG_ER_KID_MISMATCH). On DGCG_ER_OK *der (malloc'd),
 * *dlen and *x (X509_free) belong to the caller; on failure they are NULL.
 * The checks run in that order; the first failure is returned. */
enum dgcg_er dgcg_entry_cert(const char *raw_b64, const char *thumb, const char *kid,
	unsigned char **der, size_t *dlen, X509 **x);

/* The entry's signature: sig_b64 is base64 of a CMS SignedData (id-data,
 * one certificate, one SignerInfo) over der[0..dlen) (detached, or
 * attached with exactly these bytes) whose digest algorithms are in
 * `digests` (DGCG_DIGEST_* of cms.h) and which verifies with its embedded
 * certificate. Returns DGCG_ER_OK with the signer's lower-case hex SHA-256
 * in signer (may be NULL); DGCG_ER_NO_SIGNATURE (NULL or empty),
 * DGCG_ER_BAD_CMS (*state, may be NULL, gets the parser state),
 * DGCG_ER_CMS_DIGEST or DGCG_ER_SIGNATURE_INVALID. *detail (may be NULL)
 * gets a static detail or NULL. Who the signer must be is the caller's
 * question. */
enum dgcg_er dgcg_entry_signature(const char *sig_b64, const unsigned char *der, size_t dlen,
	unsigned digests, char signer[DGCG_THUMB_HEX_LEN + 1], enum dgcg_cms_state *state,
	const char **detail);

/* The design document's certificate rules, each as dgcg.conf names it. */
struct dgcg_cert_policy {
	int		 require_x509v3;	/* SecReq-033 */
	int		 allow_sha1;		/* SecReq-042: SHA-1 signatures too */
	unsigned	 min_rsa_bits;		/* SecReq-042 */
	unsigned	 min_ec_bits;		/* SecReq-042 */
};

/* x under policy p, in this order: X.509 v3 (when p->require_x509v3,
 * DGCG_ER_X509_V1), key type and size (DGCG_ER_WEAK_KEY), the hash of its
 * own signature (DGCG_ER_WEAK_HASH), and with check_expiry its validity at
 * now (DGCG_ER_EXPIRED, DGCG_ER_NOT_YET_VALID). why gets the detail of a
 * failure ("expired on 2024-05-11T23:45:00Z", x509.h's texts). */
enum dgcg_er dgcg_entry_policy(X509 *x, const struct dgcg_cert_policy *p, int check_expiry,
	time_t now, char *why, size_t whysz);

/* The rules of dgcg_entry_policy, each reported: rule names it by the
 * reason it fails with (DGCG_ER_X509_V1, DGCG_ER_WEAK_KEY,
 * DGCG_ER_WEAK_HASH, DGCG_ER_EXPIRED for the validity), result is
 * DGCG_ER_OK or the failure, on = 0 for a rule switched off. Every rule is
 * run; returns what dgcg_entry_policy returns. */
typedef void dgcg_entry_rule_cb(void *arg, enum dgcg_er rule, int on, enum dgcg_er result,
	const char *why);
enum dgcg_er dgcg_entry_policy_each(X509 *x, const struct dgcg_cert_policy *p, int check_expiry,
	time_t now, dgcg_entry_rule_cb *cb, void *arg);

/* The subject's C against country: DGCG_ER_OK when there is exactly one C
 * equal to country, or none and absent_ok; else DGCG_ER_COUNTRY_MISMATCH
 * with a static detail in *why (may be NULL). */
enum dgcg_er dgcg_entry_country(X509 *x, const char *country, int absent_ok, const char **why);

/* The index of the first of cas[0..n) that issued x, by name and by
 * signature (dgcg_x509_issued_by; NULL elements are skipped), or -1. */
long dgcg_entry_issuer(X509 *x, X509 *const *cas, size_t n);

#endif
