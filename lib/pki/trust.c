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

#include "base/codec.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "pki/cms.h"
#include "pki/entry.h"
#include "pki/trust.h"
#include "pki/x509.h"

struct ta_cert {
	unsigned char	*der;
	size_t		 len;
	char		 thumb[DGCG_THUMB_HEX_LEN + 1];
};

struct dgcg_ta {
	struct ta_cert	*certs;
	size_t		 n;
	unsigned char	 id[32];	/* SHA-256 over all DERs: part of cache keys */
};

/* Adds every certificate of the PEM file path to ta (at least one). */
static enum dgcg_err
ta_add_file(struct dgcg_ta *ta, const char *path)
{
	enum dgcg_err rc = DGCG_ERR_PARSE;
	BIO *b = NULL;
	X509 *x = NULL;
	unsigned long e;
	unsigned char *der;
	size_t len, before = ta->n;

	if (path == NULL)
		return DGCG_ERR_INVAL;
	if ((b = BIO_new_file(path, "r")) == NULL) {
		rc = DGCG_ERR_IO;
		goto out;
	}
	for (;;) {
		if ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) == NULL) {
			e = ERR_peek_last_error();
			/* The normal end: no further PEM block. */
			if (ERR_GET_LIB(e) == ERR_LIB_PEM &&
			    ERR_GET_REASON(e) == PEM_R_NO_START_LINE && ta->n > before)
				rc = DGCG_OK;
			goto out;
		}
		if ((der = dgcg_x509_to_der(x, &len)) == NULL)
			goto out;
		ta->certs = xrealloc(ta->certs, (ta->n + 1) * sizeof(*ta->certs));
		ta->certs[ta->n].der = der;
		ta->certs[ta->n].len = len;
		dgcg_x509_thumbprint(der, len, ta->certs[ta->n].thumb);
		ta->n++;
		X509_free(x);
		x = NULL;
	}
out:
	ERR_clear_error();
	X509_free(x);
	BIO_free(b);
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

enum dgcg_err
dgcg_ta_load_files(const char *const *paths, size_t npaths, struct dgcg_ta **out)
{
	enum dgcg_err rc = DGCG_ERR_INVAL;
	struct dgcg_ta *ta;
	size_t i;

	*out = NULL;
	ta = xcalloc(1, sizeof(*ta));
	for (i = 0; i < npaths; i++)
		if ((rc = ta_add_file(ta, paths[i])) != DGCG_OK)
			goto out;
	if (ta->n == 0)
		goto out;
	rc = DGCG_ERR_NOMEM;
	if (!ta_id(ta))
		goto out;
	*out = ta;
	ta = NULL;
	rc = DGCG_OK;
out:
	dgcg_ta_free(ta);
	return rc;
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
		dgcg_x509_thumbprint(der[i], len[i], ta->certs[i].thumb);
	}
	ta->n = n;
	if (!ta_id(ta)) {
		dgcg_ta_free(ta);
		return NULL;
	}
	return ta;
}

enum dgcg_err
dgcg_ta_load(const char *pem_path, struct dgcg_ta **out)
{
	return dgcg_ta_load_files(&pem_path, 1, out);
}

int
dgcg_ta_has(const struct dgcg_ta *ta, const char *thumbprint)
{
	size_t i;

	for (i = 0; ta != NULL && thumbprint != NULL && i < ta->n; i++)
		if (strcasecmp(ta->certs[i].thumb, thumbprint) == 0)
			return 1;
	return 0;
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
	enum dgcg_er er;
	unsigned char *der = NULL;
	size_t derlen = 0;
	char signer[DGCG_THUMB_HEX_LEN + 1];
	X509 *x = NULL;

	*stp = DGCG_CMS_OK;
	*exc = NULL;
	if (*raw == '\0' || *sig == '\0') {
		r = DGCG_INTEGRITY_EMPTY;
		goto out;
	}
	/* NOTE: the reference compared in MySQL, whose collation ignores
	 * case; an upper-case column therefore matches (pki/entry.h). */
	er = dgcg_entry_cert(raw, thumb, NULL, &der, &derlen, &x);
	if (er == DGCG_ER_BAD_CERTIFICATE) {
		*exc = "raw_data is not base64 of a DER X.509 certificate";
		r = DGCG_INTEGRITY_BAD_CERT;
		goto out;
	}
	if (er != DGCG_ER_OK) {
		r = DGCG_INTEGRITY_THUMB_MISMATCH;
		goto out;
	}
	if (ta == NULL || ta->n == 0) {
		r = DGCG_INTEGRITY_NO_TA;
		goto out;
	}
	er = dgcg_entry_signature(sig, der, derlen, DGCG_DIGESTS_SHA2, signer, stp, exc);
	if (er == DGCG_ER_BAD_CMS) {
		r = DGCG_INTEGRITY_BAD_SIG;
		goto out;
	}
	if (er != DGCG_ER_OK) {
		r = DGCG_INTEGRITY_SIG_INVALID;
		goto out;
	}
	r = dgcg_ta_has(ta, signer) ? DGCG_INTEGRITY_OK : DGCG_INTEGRITY_NOT_TA;
out:
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
	char signer[DGCG_THUMB_HEX_LEN + 1];
	size_t slen;

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
	dgcg_x509_thumbprint(sder, slen, signer);
	r = dgcg_ta_has(ta, signer) ? DGCG_INTEGRITY_OK : DGCG_INTEGRITY_NOT_TA;
out:
	if (exc != NULL)
		*exc = why;
	dgcg_cms_free(c);
	return r;
}
