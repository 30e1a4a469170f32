/* trust.c: trust anchors and the trusted_party integrity check. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "pki/cms.h"
#include "base/codec.h"
#include "base/log.h"
#include "pki/trust.h"
#include "pki/x509.h"
#include "base/xmalloc.h"

struct ta_cert {
	unsigned char	*der;
	size_t		 len;
};

struct dgcg_ta {
	struct ta_cert	*certs;
	size_t		 n;
	unsigned char	 id[32];	/* SHA-256 over all DERs: part of cache keys */
};

enum dgcg_err
dgcg_ta_load(const char *pem_path, struct dgcg_ta **out)
{
	enum dgcg_err rc = DGCG_ERR_PARSE;
	struct dgcg_ta *ta = NULL;
	EVP_MD_CTX *md = NULL;
	BIO *b = NULL;
	X509 *x = NULL;
	unsigned long e;
	unsigned char *der;
	size_t len;

	*out = NULL;
	if (pem_path == NULL) {
		rc = DGCG_ERR_INVAL;
		goto out;
	}
	if ((b = BIO_new_file(pem_path, "r")) == NULL) {
		rc = DGCG_ERR_IO;
		goto out;
	}
	ta = xcalloc(1, sizeof(*ta));
	for (;;) {
		if ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) == NULL) {
			e = ERR_peek_last_error();
			/* The normal end: no further PEM block. */
			if (ERR_GET_LIB(e) == ERR_LIB_PEM &&
			    ERR_GET_REASON(e) == PEM_R_NO_START_LINE && ta->n > 0)
				break;
			goto out;
		}
		if ((der = dgcg_x509_to_der(x, &len)) == NULL)
			goto out;
		ta->certs = xrealloc(ta->certs, (ta->n + 1) * sizeof(*ta->certs));
		ta->certs[ta->n].der = der;
		ta->certs[ta->n].len = len;
		ta->n++;
		X509_free(x);
		x = NULL;
	}
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		rc = DGCG_ERR_NOMEM;
		goto out;
	}
	for (len = 0; len < ta->n; len++)
		if (EVP_DigestUpdate(md, ta->certs[len].der, ta->certs[len].len) != 1) {
			rc = DGCG_ERR_NOMEM;
			goto out;
		}
	if (EVP_DigestFinal_ex(md, ta->id, NULL) != 1) {
		rc = DGCG_ERR_NOMEM;
		goto out;
	}
	*out = ta;
	ta = NULL;
	rc = DGCG_OK;
out:
	ERR_clear_error();
	EVP_MD_CTX_free(md);
	X509_free(x);
	BIO_free(b);
	dgcg_ta_free(ta);
	return rc;
}

/* The set's id: SHA-256 over every DER in order. */
static int
ta_id(struct dgcg_ta *ta)
{
	EVP_MD_CTX *md;
	size_t i;
	int ok = 0;

	if ((md = EVP_MD_CTX_new()) == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		goto out;
	for (i = 0; i < ta->n; i++)
		if (EVP_DigestUpdate(md, ta->certs[i].der, ta->certs[i].len) != 1)
			goto out;
	ok = EVP_DigestFinal_ex(md, ta->id, NULL) == 1;
out:
	EVP_MD_CTX_free(md);
	return ok;
}

struct dgcg_ta *
dgcg_ta_from_der(const unsigned char *const *der, const size_t *len, size_t n)
{
	struct dgcg_ta *ta = xcalloc(1, sizeof(*ta));
	size_t i;

	ta->certs = xcalloc(n > 0 ? n : 1, sizeof(*ta->certs));
	for (i = 0; i < n; i++) {
		ta->certs[i].der = xmalloc(len[i] > 0 ? len[i] : 1);
		memcpy(ta->certs[i].der, der[i], len[i]);
		ta->certs[i].len = len[i];
	}
	ta->n = n;
	if (!ta_id(ta)) {
		dgcg_ta_free(ta);
		return NULL;
	}
	return ta;
}

size_t
dgcg_ta_count(const struct dgcg_ta *ta)
{
	return ta != NULL ? ta->n : 0;
}

void
dgcg_ta_free(struct dgcg_ta *ta)
{
	size_t i;

	if (ta == NULL)
		return;
	for (i = 0; i < ta->n; i++)
		free(ta->certs[i].der);
	free(ta->certs);
	free(ta);
}

static const char *const integrity_text[DGCG_INTEGRITY__MAX] = {
	[DGCG_INTEGRITY_OK] = "Certificate integrity check passed.",
	[DGCG_INTEGRITY_EMPTY] = "Certificate entity does not contain raw certificate or certificate signature.",
	[DGCG_INTEGRITY_BAD_CERT] = "Raw certificate data does not contain a valid x509Certificate.",
	[DGCG_INTEGRITY_THUMB_MISMATCH] = "Thumbprint in database does not match thumbprint of stored certificate.",
	[DGCG_INTEGRITY_NO_TA] = "Could not load DGCG-TrustAnchor from KeyStore.",
	[DGCG_INTEGRITY_BAD_SIG] = "TrustAnchor Verification failed.",
	[DGCG_INTEGRITY_SIG_INVALID] = "TrustAnchor Verification failed: Signature is not matching signed certificate",
	[DGCG_INTEGRITY_NOT_TA] = "TrustAnchor Verification failed: Certificate was not signed by known TrustAnchor",
};

const char *
dgcg_integrity_text(enum dgcg_integrity r)
{
	if ((unsigned)r >= DGCG_INTEGRITY__MAX)
		return "Certificate integrity check failed.";
	return integrity_text[r];
}

void
dgcg_integrity_key(const struct dgcg_ta *ta, const char *thumb, const char *raw,
    const char *sig, unsigned char key[32])
{
	static const unsigned char zero[32];
	EVP_MD_CTX *md;

	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(md, ta != NULL ? ta->id : zero, 32) != 1 ||
	    EVP_DigestUpdate(md, thumb, strlen(thumb) + 1) != 1 ||
	    EVP_DigestUpdate(md, raw, strlen(raw) + 1) != 1 ||
	    EVP_DigestUpdate(md, sig, strlen(sig)) != 1 ||
	    EVP_DigestFinal_ex(md, key, NULL) != 1)
		abort();	/* allocation failure, as xmalloc */
	EVP_MD_CTX_free(md);
}

/* --- the check ------------------------------------------------------------ */


static enum dgcg_integrity
check(const struct dgcg_ta *ta, const char *thumb, const char *raw, const char *sig,
    enum dgcg_cms_state *stp, const char **exc)
{
	enum dgcg_integrity r;
	enum dgcg_cms_state st;
	struct dgcg_cms *c = NULL;
	unsigned char *der = NULL;
	const unsigned char *sder;
	size_t derlen = 0, slen, i;
	char tp[DGCG_THUMB_HEX_LEN + 1];
	X509 *x = NULL;

	*stp = DGCG_CMS_OK;
	*exc = NULL;
	if (*raw == '\0' || *sig == '\0') {
		r = DGCG_INTEGRITY_EMPTY;
		goto out;
	}
	if (dgcg_b64_decode(raw, strlen(raw), &der, &derlen) != DGCG_OK) {
		*exc = "raw_data is not valid base64";
		r = DGCG_INTEGRITY_BAD_CERT;
		goto out;
	}
	if ((x = dgcg_x509_from_der(der, derlen)) == NULL) {
		*exc = "raw_data is not a DER X.509 certificate";
		r = DGCG_INTEGRITY_BAD_CERT;
		goto out;
	}
	/* NOTE: the reference compared in MySQL, whose collation ignores
	 * case; an upper-case column therefore matches. */
	dgcg_x509_thumbprint(der, derlen, tp);
	if (strlen(thumb) != DGCG_THUMB_HEX_LEN || strcasecmp(thumb, tp) != 0) {
		r = DGCG_INTEGRITY_THUMB_MISMATCH;
		goto out;
	}
	if (ta == NULL || ta->n == 0) {
		r = DGCG_INTEGRITY_NO_TA;
		goto out;
	}
	st = dgcg_cms_parse_b64(sig, strlen(sig), der, derlen, DGCG_CMS_PAYLOAD_ANY, &c);
	if (st != DGCG_CMS_OK) {
		*stp = st;
		r = DGCG_INTEGRITY_BAD_SIG;
		goto out;
	}
	if (dgcg_cms_verify(c, DGCG_DIGESTS_SHA2, exc) != DGCG_OK) {
		r = DGCG_INTEGRITY_SIG_INVALID;
		goto out;
	}
	sder = dgcg_cms_signer_der(c, &slen);
	r = DGCG_INTEGRITY_NOT_TA;
	for (i = 0; i < ta->n; i++)
		if (ta->certs[i].len == slen && memcmp(ta->certs[i].der, sder, slen) == 0) {
			r = DGCG_INTEGRITY_OK;
			break;
		}
out:
	dgcg_cms_free(c);
	X509_free(x);
	free(der);
	return r;
}

enum dgcg_integrity
dgcg_integrity_check(const struct dgcg_ta *ta, const char *thumbprint, const char *raw_b64,
    const char *sig_b64, enum dgcg_cms_state *state, const char **exc)
{
	return check(ta, thumbprint != NULL ? thumbprint : "", raw_b64 != NULL ? raw_b64 : "",
	    sig_b64 != NULL ? sig_b64 : "", state, exc);
}

void
dgcg_integrity_log(enum dgcg_integrity r, enum dgcg_cms_state state, const char *exc,
    const char *thumbprint)
{
	if (r == DGCG_INTEGRITY_BAD_SIG)
		dgcg_log(DGCG_LOG_ERROR, "trusted", dgcg_integrity_text(r), exc,
		    "parserState", dgcg_cms_state_name(state),
		    "certVerifyThumbprint", thumbprint, NULL);
	else if (r != DGCG_INTEGRITY_OK)
		dgcg_log(DGCG_LOG_ERROR, "trusted", dgcg_integrity_text(r), exc,
		    "certVerifyThumbprint", thumbprint, NULL);
}

enum dgcg_integrity
dgcg_ta_verify_content(const struct dgcg_ta *ta, const unsigned char *content, size_t len,
    const char *sig_b64, const char **exc)
{
	enum dgcg_integrity r;
	struct dgcg_cms *c = NULL;
	const unsigned char *sder;
	const char *why = NULL;
	size_t slen, i;

	if (exc != NULL)
		*exc = NULL;
	if (sig_b64 == NULL || *sig_b64 == '\0')
		return DGCG_INTEGRITY_EMPTY;
	if (ta == NULL || ta->n == 0)
		return DGCG_INTEGRITY_NO_TA;
	/* The content may be empty: parse with a non-NULL pointer so that it
	 * still counts as detached content. */
	if (dgcg_cms_parse_b64(sig_b64, strlen(sig_b64), content != NULL ? content :
	    (const unsigned char *)"", len, DGCG_CMS_PAYLOAD_ANY, &c) != DGCG_CMS_OK) {
		r = DGCG_INTEGRITY_BAD_SIG;
		goto out;
	}
	if (dgcg_cms_verify(c, DGCG_DIGESTS_SHA2, &why) != DGCG_OK) {
		r = DGCG_INTEGRITY_SIG_INVALID;
		goto out;
	}
	sder = dgcg_cms_signer_der(c, &slen);
	r = DGCG_INTEGRITY_NOT_TA;
	for (i = 0; i < ta->n; i++)
		if (ta->certs[i].len == slen && memcmp(ta->certs[i].der, sder, slen) == 0) {
			r = DGCG_INTEGRITY_OK;
			break;
		}
out:
	if (exc != NULL)
		*exc = why;
	dgcg_cms_free(c);
	return r;
}
