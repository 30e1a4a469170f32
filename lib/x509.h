/* x509.h: certificate facts: thumbprint, kid, subject country, key policy.
 * The only module besides cms.c that parses certificates. */
#ifndef DGCG_X509_H
#define DGCG_X509_H

#include <stddef.h>

#include <openssl/x509.h>

#include "dgcg.h"

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

#endif
