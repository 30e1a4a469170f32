/* testpki.h: a throw-away PKI made with the OpenSSL API at test time, and a
 * gateway around it on the in-memory store (t/fake_store.h), for the Check
 * programs that run domain code without MariaDB (check_signer,
 * check_trustlist, check_rules_store). Failures are Check assertions. */
#ifndef DGCG_TESTPKI_H
#define DGCG_TESTPKI_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "base/dgcg.h"
#include "worker/gateway.h"

/* A certificate to make. Unset fields: no C, self-signed, v3, valid from
 * a day ago for a year, SHA-256. */
struct testpki_spec {
	const char	*c;		/* subject C, or NULL */
	const char	*c2;		/* a second subject C, or NULL */
	const char	*cn;		/* subject CN */
	X509		*issuer;	/* NULL: self-signed */
	EVP_PKEY	*issuer_key;
	long		 serial;	/* 0: 1 */
	long		 nb_days;	/* notBefore, days from now (0: -1) */
	long		 na_days;	/* notAfter, days from now (0: 365) */
	int		 v1;		/* an X.509 v1 certificate (no extensions) */
	const EVP_MD	*md;		/* NULL: SHA-256 */
	/* extensions in openssl.cnf syntax, e.g. "critical,digitalSignature";
	 * NULL: none (v3 certificates always get a subject key identifier) */
	const char	*ku;		/* keyUsage */
	const char	*eku;		/* extendedKeyUsage */
	const char	*bc;		/* basicConstraints */
};

/* An EC key on a curve ("P-256", "P-224", ...). */
EVP_PKEY *testpki_ec(const char *curve);
X509 *testpki_cert(EVP_PKEY *key, const struct testpki_spec *s);

/* A key with its certificate and thumbprint. */
struct testpki_party {
	EVP_PKEY	*key;
	X509		*cert;
	char		 thumb[DGCG_THUMB_HEX_LEN + 1];
};

/* Makes p's certificate for key (p takes a reference of its own). */
void testpki_party(struct testpki_party *p, EVP_PKEY *key, const struct testpki_spec *s);
void testpki_party_free(struct testpki_party *p);

/* DER of x (malloc'd), base64 of it (malloc'd), its thumbprint. */
unsigned char *testpki_der(X509 *x, size_t *len);
char *testpki_b64(X509 *x);
void testpki_thumb(X509 *x, char out[DGCG_THUMB_HEX_LEN + 1]);

/* A base64 CMS SignedData by cert/key over content: attached or detached,
 * SHA-256 by dgcg_cms_sign (signed attributes with signingTime), or, when
 * md is not NULL, with digest md (e.g. EVP_sha1()) by the OpenSSL API.
 * malloc'd. */
char *testpki_sign(X509 *cert, EVP_PKEY *key, const void *content, size_t len, int attached,
	const EVP_MD *md);
/* The same over the DER of x. */
char *testpki_sign_cert(X509 *cert, EVP_PKEY *key, X509 *x, int attached, const EVP_MD *md);
/* An attached CMS over the DER of x without signed attributes (so without
 * signingTime, which must lie within the signer's validity), SHA-256. */
char *testpki_sign_cert_noattr(X509 *cert, EVP_PKEY *key, X509 *x);

/* body with the last byte of needle (found in the decoded CMS) flipped,
 * re-encoded: a CMS that still parses but no longer verifies when needle
 * is signed content. malloc'd. */
char *testpki_flip(const char *b64, const unsigned char *needle, size_t nlen);

/* The trust anchor: its key and certificate, written as PEM to a temporary
 * file (path) that testpki_ta_free removes. */
struct testpki_ta {
	EVP_PKEY	*key;
	X509		*cert;
	char		 dir[64];
	char		 path[128];
};

void testpki_ta_new(struct testpki_ta *ta);
void testpki_ta_free(struct testpki_ta *ta);

/* Onboards x as a trusted_party row of the fake store, its signature by
 * signer/signer_key (the trust anchor's, or another key for a row that must
 * fail the integrity check). Returns the id. */
long long testpki_onboard(X509 *x, const char *country, enum dgcg_cert_type type, X509 *signer,
	EVP_PKEY *signer_key, time_t created_at);

/* A gateway as dgcg_gw_init makes one (configuration defaults, the trust
 * anchor at ta_path, the caches, a database handle: the fake's), without a
 * configuration file and with the log sent to /dev/null. */
void testpki_gw_open(struct dgcg_gw *gw, const char *ta_path);
void testpki_gw_close(struct dgcg_gw *gw);

#endif
