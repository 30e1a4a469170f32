/* cms.h: the only module that includes <openssl/cms.h>.
 *
 * Parses CMS SignedData the way the reference's SignedMessageParser does
 * (eContentType id-data, exactly one certificate, exactly one SignerInfo,
 * the single embedded certificate is the signer), accepts what real national
 * backends send (BER indefinite length, with or without signed attributes,
 * rsaEncryption as signature OID, SHA-1/256/384/512 digests, signer named by
 * subject key identifier or by a non-matching issuer-and-serial), and signs
 * detached CMS for the trust anchor. */
#ifndef DGCG_CMS_H
#define DGCG_CMS_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "base/dgcg.h"

/* Parser states, in the reference's check order (their problem rows and
 * texts: dgcg_signed_parse_prob in domain/signed.h). */
enum dgcg_cms_state {
	DGCG_CMS_OK = 0,
	DGCG_CMS_BAD_BASE64,	/* not base64 */
	DGCG_CMS_BAD_CMS,	/* not a CMS SignedData */
	DGCG_CMS_NOT_DATA,	/* eContentType is not id-data */
	DGCG_CMS_DETACHED,	/* attached content required but absent */
	DGCG_CMS_BAD_PAYLOAD,	/* payload not a DER certificate / not a string */
	DGCG_CMS_CERT_COUNT,	/* not exactly one certificate */
	DGCG_CMS_SIGNER_COUNT,	/* not exactly one SignerInfo */
	DGCG_CMS__MAX
};

/* The parser state's name as the reference's and TNG's parser
 * (SignedMessageParser) call it: "SUCCESS", "FAILURE_INVALID_BASE64", ...;
 * a detached CMS is "FAILURE_CMS_BODY_NO_CONTENT" (the reference fails
 * with an exception there). Static; never NULL. */
const char *dgcg_cms_state_name(enum dgcg_cms_state st);

/* What the payload must be. */
enum dgcg_cms_payload {
	DGCG_CMS_PAYLOAD_CERT = 0,	/* a DER X.509 certificate */
	DGCG_CMS_PAYLOAD_STRING,	/* UTF-8 text */
	DGCG_CMS_PAYLOAD_ANY		/* raw bytes (detached verification) */
};

struct dgcg_cms;

/* Parses der[0..len). With detached == NULL the content must be inside the
 * CMS (else DGCG_CMS_DETACHED); with detached != NULL, detached[0..dlen) is
 * the content, and content the CMS carries itself must be byte-identical to
 * it (else DGCG_CMS_BAD_PAYLOAD; the reference verifies an attached CMS
 * against the external content too). On DGCG_CMS_OK *out is set (caller
 * dgcg_cms_free); it holds copies, der and detached may be freed. Bytes after
 * the ContentInfo are ignored (as Bouncy Castle). Does not verify the
 * signature. */
enum dgcg_cms_state dgcg_cms_parse(const unsigned char *der, size_t len,
	const unsigned char *detached, size_t dlen, enum dgcg_cms_payload payload,
	struct dgcg_cms **out);

/* Base64 text (strict, see dgcg_b64_decode) then dgcg_cms_parse. */
enum dgcg_cms_state dgcg_cms_parse_b64(const char *b64, size_t len,
	const unsigned char *detached, size_t dlen, enum dgcg_cms_payload payload,
	struct dgcg_cms **out);

/* Digest algorithms a CMS may name, as bits of a set (SecReq-042 allows
 * the SHA-2 family; SHA-1 only where the configuration says allow_sha1). */
#define DGCG_DIGEST_SHA1	0x1u
#define DGCG_DIGEST_SHA256	0x2u
#define DGCG_DIGEST_SHA384	0x4u
#define DGCG_DIGEST_SHA512	0x8u
#define DGCG_DIGESTS_SHA2	(DGCG_DIGEST_SHA256 | DGCG_DIGEST_SHA384 | DGCG_DIGEST_SHA512)
#define DGCG_DIGESTS_KNOWN	(DGCG_DIGESTS_SHA2 | DGCG_DIGEST_SHA1)

/* The digest set of SecReq-042 with or without SHA-1. */
unsigned dgcg_cms_digests(int allow_sha1);

/* Verifies the signature with the embedded certificate's public key: the
 * signed attributes (messageDigest over the content) when present, else
 * the signature directly over the content. When a signingTime attribute is
 * present it must lie within the signer certificate's validity (the
 * reference's Bouncy Castle behaviour). Does not build a chain.
 * Before OpenSSL sees the signature, the SignedData's digestAlgorithms must
 * be a non-empty set of SHA-1/SHA-256/SHA-384/SHA-512 identifiers (no
 * parameters, or NULL), the SignerInfo's digest must be one of them, and
 * every one of them must be in `digests` (DGCG_DIGEST_* bits).
 * Returns DGCG_OK; DGCG_ERR_POLICY when the only fault is a SHA digest
 * outside `digests` (e.g. SHA-1 without allow_sha1); DGCG_ERR_VERIFY for
 * anything else. *why (may be NULL) gets a static reason.
 * NOTE: OpenSSL 3.0 before 3.0.22 leaks the content BIO in CMS_verify
 * when its digest set-up fails (openssl#30471); the checks above keep
 * such input away from it, and the content is handed over in a way that
 * does not take the leaking branch either. */
enum dgcg_err dgcg_cms_verify(struct dgcg_cms *c, unsigned digests, const char **why);

/* The signer certificate (borrowed; valid until dgcg_cms_free). */
X509 *dgcg_cms_signer(const struct dgcg_cms *c);

/* DER of the signer certificate (borrowed pointer into c). */
const unsigned char *dgcg_cms_signer_der(const struct dgcg_cms *c, size_t *len);

/* The content (borrowed): the embedded payload or the detached bytes. */
const unsigned char *dgcg_cms_content(const struct dgcg_cms *c, size_t *len);

/* The digest algorithm's short name (e.g. "SHA256") of the SignerInfo. */
const char *dgcg_cms_digest_name(const struct dgcg_cms *c);

/* The same SignedData with the eContent removed (detached), DER/BER bytes,
 * malloc'd (caller frees). */
enum dgcg_err dgcg_cms_detach(const struct dgcg_cms *c, unsigned char **der, size_t *len);

/* The same SignedData with the content embedded (attached), DER/BER bytes,
 * malloc'd (caller frees): for a CMS parsed with detached content, what an
 * upload with that content looked like (CMS migration hands DSCs back this
 * way). The SignerInfo is unchanged, so the result verifies. */
enum dgcg_err dgcg_cms_attach(const struct dgcg_cms *c, unsigned char **der, size_t *len);

void dgcg_cms_free(struct dgcg_cms *c);

/* Signs content[0..len) as a detached CMS SignedData with cert/key
 * (SHA-256, signed attributes incl. signingTime, the signer certificate
 * embedded, binary mode). Returns base64 text on one line, malloc'd, or
 * NULL. With attached != 0 the content is embedded (upload bodies). */
char *dgcg_cms_sign(X509 *cert, EVP_PKEY *key, const unsigned char *content, size_t len,
	int attached);

#endif
