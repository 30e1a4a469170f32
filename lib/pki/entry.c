/* entry.c: the checks of one trust-list entry and their reasons. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>

#include "base/codec.h"
#include "pki/entry.h"
#include "pki/x509.h"

static const struct {
	const char	*code;
	const char	*text;
} reasons[DGCG_ER__MAX] = {
	[DGCG_ER_OK] = { "OK", "all checks passed" },
	[DGCG_ER_MALFORMED] = { "MALFORMED", "the item lacks a field or has one of the wrong type" },
	[DGCG_ER_WRONG_TYPE] = { "WRONG_TYPE", "certificateType is not that of the list" },
	[DGCG_ER_BAD_CERTIFICATE] = { "BAD_CERTIFICATE",
	    "rawData is not base64 of one DER X.509 certificate" },
	[DGCG_ER_THUMBPRINT_MISMATCH] = { "THUMBPRINT_MISMATCH",
	    "thumbprint is not the SHA-256 of the certificate" },
	[DGCG_ER_KID_MISMATCH] = { "KID_MISMATCH",
	    "kid is not base64 of the first 8 bytes of the certificate's SHA-256" },
	[DGCG_ER_DUPLICATE] = { "DUPLICATE", "the same certificate is listed before" },
	[DGCG_ER_NO_SIGNATURE] = { "NO_SIGNATURE", "signature is missing" },
	[DGCG_ER_BAD_CMS] = { "BAD_CMS",
	    "signature is not a CMS SignedData over the certificate" },
	[DGCG_ER_CMS_DIGEST] = { "CMS_DIGEST",
	    "the signature's digest is outside SecReq-042" },
	[DGCG_ER_SIGNATURE_INVALID] = { "SIGNATURE_INVALID", "signature does not verify" },
	[DGCG_ER_NOT_TRUST_ANCHOR] = { "NOT_TRUST_ANCHOR",
	    "signature is not by a configured trust anchor" },
	[DGCG_ER_SIGNER_NOT_UPLOAD] = { "SIGNER_NOT_UPLOAD",
	    "signature is not by a listed UPLOAD certificate" },
	[DGCG_ER_SIGNER_REJECTED] = { "SIGNER_REJECTED",
	    "signature is by a listed UPLOAD certificate that was rejected" },
	[DGCG_ER_SIGNER_OTHER_COUNTRY] = { "SIGNER_OTHER_COUNTRY",
	    "signature is by an UPLOAD certificate of another country" },
	[DGCG_ER_COUNTRY_MISMATCH] = { "COUNTRY_MISMATCH",
	    "the certificate's subject country is not the entry's country" },
	[DGCG_ER_NO_CSCA] = { "NO_CSCA", "the country has no verified CSCA that issued it" },
	[DGCG_ER_NOT_ISSUED] = { "NOT_ISSUED",
	    "not issued (name and signature) by a verified CSCA of the country" },
	[DGCG_ER_ISSUER_OTHER_COUNTRY] = { "ISSUER_OTHER_COUNTRY",
	    "issued by a verified CSCA of another country" },
	[DGCG_ER_X509_V1] = { "X509_V1", "not an X.509 version 3 certificate (SecReq-033)" },
	[DGCG_ER_WEAK_KEY] = { "WEAK_KEY", "key type or size outside SecReq-042" },
	[DGCG_ER_WEAK_HASH] = { "WEAK_HASH", "signed with a hash outside SecReq-042" },
	[DGCG_ER_EXPIRED] = { "EXPIRED", "the certificate has expired" },
	[DGCG_ER_NOT_YET_VALID] = { "NOT_YET_VALID", "the certificate is not valid yet" },
};

const char *
dgcg_er_code(enum dgcg_er r)
{
	return (unsigned)r < DGCG_ER__MAX ? reasons[r].code : "?";
}

const char *
dgcg_er_text(enum dgcg_er r)
{
	return (unsigned)r < DGCG_ER__MAX ? reasons[r].text : "?";
}

enum dgcg_er
dgcg_er_parse(const char *code)
{
	unsigned i;

	for (i = 0; code != NULL && i < DGCG_ER__MAX; i++)
		if (strcmp(code, reasons[i].code) == 0)
			return (enum dgcg_er)i;
	return DGCG_ER__MAX;
}

enum dgcg_er
dgcg_entry_cert(const char *raw_b64, const char *thumb, const char *kid, unsigned char **der,
    size_t *dlen, X509 **x)
{
	char tp[DGCG_THUMB_HEX_LEN + 1], k[DGCG_KID_LEN + 1];
	enum dgcg_er r = DGCG_ER_OK;

	*der = NULL;
	*dlen = 0;
	*x = NULL;
	if (raw_b64 == NULL || *raw_b64 == '\0' ||
	    dgcg_b64_decode(raw_b64, strlen(raw_b64), der, dlen) != DGCG_OK ||
	    (*x = dgcg_x509_from_der(*der, *dlen)) == NULL) {
		ERR_clear_error();
		r = DGCG_ER_BAD_CERTIFICATE;
		goto out;
	}
	dgcg_x509_thumbprint(*der, *dlen, tp);
	if (thumb != NULL && (strlen(thumb) != DGCG_THUMB_HEX_LEN || strcasecmp(thumb, tp) != 0)) {
		r = DGCG_ER_THUMBPRINT_MISMATCH;
		goto out;
	}
	dgcg_x509_kid(*der, *dlen, k);
	if (kid != NULL && strcmp(kid, k) != 0)
		r = DGCG_ER_KID_MISMATCH;
out:
	if (r != DGCG_ER_OK) {
		X509_free(*x);
		free(*der);
		*x = NULL;
		*der = NULL;
		*dlen = 0;
	}
	return r;
}

enum dgcg_er
dgcg_entry_signature(const char *sig_b64, const unsigned char *der, size_t dlen, unsigned digests,
    char signer[DGCG_THUMB_HEX_LEN + 1], enum dgcg_cms_state *state, const char **detail)
{
	struct dgcg_cms *c = NULL;
	enum dgcg_cms_state st = DGCG_CMS_OK;
	const unsigned char *sder;
	const char *why = NULL;
	enum dgcg_er r;
	enum dgcg_err e;
	size_t slen;

	if (sig_b64 == NULL || *sig_b64 == '\0') {
		r = DGCG_ER_NO_SIGNATURE;
		goto out;
	}
	/* A non-NULL pointer keeps even empty content detached content. */
	st = dgcg_cms_parse_b64(sig_b64, strlen(sig_b64), der != NULL ? der :
	    (const unsigned char *)"", dlen, DGCG_CMS_PAYLOAD_ANY, &c);
	if (st != DGCG_CMS_OK) {
		r = DGCG_ER_BAD_CMS;
		goto out;
	}
	e = dgcg_cms_verify(c, digests, &why);
	if (e == DGCG_ERR_POLICY) {
		r = DGCG_ER_CMS_DIGEST;
		goto out;
	}
	if (e != DGCG_OK) {
		r = DGCG_ER_SIGNATURE_INVALID;
		goto out;
	}
	if (signer != NULL) {
		sder = dgcg_cms_signer_der(c, &slen);
		dgcg_x509_thumbprint(sder, slen, signer);
	}
	r = DGCG_ER_OK;
out:
	if (state != NULL)
		*state = st;
	if (detail != NULL)
		*detail = why;
	dgcg_cms_free(c);
	ERR_clear_error();
	return r;
}

/* One rule of the policy: DGCG_ER_OK or its failure, the detail in why. */
static enum dgcg_er
rule(X509 *x, const struct dgcg_cert_policy *p, enum dgcg_er which, time_t now, char *why,
    size_t whysz)
{
	const ASN1_TIME *na;

	why[0] = '\0';
	switch (which) {
	case DGCG_ER_X509_V1:
		return dgcg_x509_check_v3(x, why, whysz) == DGCG_OK ? DGCG_ER_OK : which;
	case DGCG_ER_WEAK_KEY:
		return dgcg_x509_check_key(x, p->min_rsa_bits, p->min_ec_bits, why, whysz) ==
		    DGCG_OK ? DGCG_ER_OK : which;
	case DGCG_ER_WEAK_HASH:
		return dgcg_x509_check_sig_hash(x, p->allow_sha1, why, whysz) == DGCG_OK ?
		    DGCG_ER_OK : which;
	default:
		if (dgcg_x509_check_validity(x, now, why, whysz) == DGCG_OK)
			return DGCG_ER_OK;
		na = X509_get0_notAfter(x);
		return na == NULL || X509_cmp_time(na, &now) < 0 ? DGCG_ER_EXPIRED :
		    DGCG_ER_NOT_YET_VALID;
	}
}

enum dgcg_er
dgcg_entry_policy_each(X509 *x, const struct dgcg_cert_policy *p, int check_expiry, time_t now,
    dgcg_entry_rule_cb *cb, void *arg)
{
	static const enum dgcg_er rules[] = { DGCG_ER_X509_V1, DGCG_ER_WEAK_KEY,
		DGCG_ER_WEAK_HASH, DGCG_ER_EXPIRED };
	enum dgcg_er first = DGCG_ER_OK, r;
	char why[256];
	size_t i;
	int on;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		on = rules[i] == DGCG_ER_X509_V1 ? p->require_x509v3 :
		    rules[i] == DGCG_ER_EXPIRED ? check_expiry : 1;
		r = on ? rule(x, p, rules[i], now, why, sizeof(why)) : DGCG_ER_OK;
		if (!on)
			why[0] = '\0';
		if (cb != NULL)
			cb(arg, rules[i], on, r, why);
		if (first == DGCG_ER_OK)
			first = r;
	}
	return first;
}

enum dgcg_er
dgcg_entry_policy(X509 *x, const struct dgcg_cert_policy *p, int check_expiry, time_t now,
    char *why, size_t whysz)
{
	static const enum dgcg_er rules[] = { DGCG_ER_X509_V1, DGCG_ER_WEAK_KEY,
		DGCG_ER_WEAK_HASH, DGCG_ER_EXPIRED };
	enum dgcg_er r;
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if ((rules[i] == DGCG_ER_X509_V1 && !p->require_x509v3) ||
		    (rules[i] == DGCG_ER_EXPIRED && !check_expiry))
			continue;
		if ((r = rule(x, p, rules[i], now, why, whysz)) != DGCG_ER_OK)
			return r;
	}
	return DGCG_ER_OK;
}

enum dgcg_er
dgcg_entry_country(X509 *x, const char *country, int absent_ok, const char **why)
{
	char cc[DGCG_COUNTRY_MAX + 1];
	const char *w = NULL;
	int n = dgcg_x509_subject_country(x, cc);

	if (n > 1)
		w = "the subject has more than one C";
	else if (n == 0 && !absent_ok)
		w = "the subject has no C";
	else if (n == 1 && strcmp(cc, country) != 0)
		w = "the subject's C is another country";
	if (why != NULL)
		*why = w;
	return w == NULL ? DGCG_ER_OK : DGCG_ER_COUNTRY_MISMATCH;
}

long
dgcg_entry_issuer(X509 *x, X509 *const *cas, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cas[i] != NULL && dgcg_x509_issued_by(x, cas[i]))
			return (long)i;
	return -1;
}
