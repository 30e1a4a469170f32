/* x509.h: certificate facts: thumbprint, kid, subject country, key policy.
 * The only module besides cms.c that parses certificates. */
#ifndef DGCG_X509_H
#define DGCG_X509_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "base/dgcg.h"

/* Parses DER bytes; returns a new X509 (caller X509_free) or NULL. Trailing
 * bytes after the certificate are rejected. */
X509 *dgcg_x509_from_der(const unsigned char *der, size_t len);

/* DER encoding of x; malloc'd (caller frees) with its length, or NULL. */
unsigned char *dgcg_x509_to_der(X509 *x, size_t *len);

/* Reads the first certificate of a PEM file; NULL on error. */
X509 *dgcg_x509_load_pem(const char *path);

/* Lower-case hex SHA-256 of the DER: always 64 characters (leading zero
 * bytes kept; see the reference's 62-character thumbprint bug). */
void dgcg_x509_thumbprint(const unsigned char *der, size_t len, char out[DGCG_THUMB_HEX_LEN + 1]);

/* kid = standard base64 (with '=') of the first 8 bytes of SHA-256(DER):
 * 12 characters. */
void dgcg_x509_kid(const unsigned char *der, size_t len, char out[DGCG_KID_LEN + 1]);

/* Counts the C attributes of the subject. When exactly one exists, its
 * value (as bytes, at most DGCG_COUNTRY_MAX) is copied into out; otherwise
 * out is "". Returns the count. */
int dgcg_x509_subject_country(X509 *x, char out[DGCG_COUNTRY_MAX + 1]);

/* Subject as RFC 2253 text, malloc'd (caller frees). */
char *dgcg_x509_subject_text(X509 *x);

/* Issuer as RFC 2253 text, malloc'd (caller frees). */
char *dgcg_x509_issuer_text(X509 *x);

/* SecReq-042 key policy: RSA (PKCS#1 or PSS keys) of at least min_rsa
 * bits, or EC of at least min_ec bits; other key types are refused.
 * Returns DGCG_OK or DGCG_ERR_VERIFY with the reason in why. */
enum dgcg_err dgcg_x509_check_key(X509 *x, unsigned min_rsa, unsigned min_ec, char *why,
	size_t whysz);

/* SecReq-042 hash policy on the certificate's own signature: SHA-256,
 * SHA-384 or SHA-512 (also as RSA-PSS parameters); SHA-1 only when
 * allow_sha1. */
enum dgcg_err dgcg_x509_check_sig_hash(X509 *x, int allow_sha1, char *why, size_t whysz);

/* 1 when a digest name (OpenSSL short name, e.g. "SHA256") is allowed. */
int dgcg_x509_hash_allowed(const char *name, int allow_sha1);

/* Validity at now: DGCG_ERR_VERIFY when expired or not yet valid (why says
 * which, with the date). */
enum dgcg_err dgcg_x509_check_validity(X509 *x, time_t now, char *why, size_t whysz);

/* notAfter as Unix seconds into *out; DGCG_ERR_VERIFY when it cannot be
 * read. */
enum dgcg_err dgcg_x509_not_after(X509 *x, time_t *out);

/* SecReq-033: DGCG_ERR_VERIFY unless the certificate is X.509 v3. */
enum dgcg_err dgcg_x509_check_v3(X509 *x, char *why, size_t whysz);

/* 1 when issuer's subject equals x's issuer name and issuer's public key
 * verifies x's signature (RSA PKCS#1, RSA-PSS, ECDSA); else 0. No time,
 * key-usage or constraint checks: the gateway's CSCA check. */
int dgcg_x509_issued_by(X509 *x, X509 *issuer);

#endif
