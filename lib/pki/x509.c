/* x509.c: certificate parsing, thumbprint, kid, subject country and text. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "base/codec.h"
#include "pki/x509.h"
#include "base/xmalloc.h"

X509 *
dgcg_x509_from_der(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x = NULL;

	if (der == NULL || len == 0 || len > LONG_MAX)
		goto out;
	x = d2i_X509(NULL, &p, (long)len);
	if (x == NULL)
		goto out;
	if (p != der + len) {
		X509_free(x);
		x = NULL;
	}
out:
	if (x == NULL)
		ERR_clear_error();
	return x;
}

unsigned char *
dgcg_x509_to_der(X509 *x, size_t *len)
{
	unsigned char *buf = NULL, *p;
	int n;

	*len = 0;
	if (x == NULL)
		return NULL;
	n = i2d_X509(x, NULL);
	if (n <= 0) {
		ERR_clear_error();
		return NULL;
	}
	buf = xmalloc((size_t)n);
	p = buf;
	if (i2d_X509(x, &p) != n) {
		ERR_clear_error();
		free(buf);
		return NULL;
	}
	*len = (size_t)n;
	return buf;
}

X509 *
dgcg_x509_load_pem(const char *path)
{
	BIO *b = NULL;
	X509 *x = NULL;

	if (path == NULL)
		goto out;
	if ((b = BIO_new_file(path, "r")) == NULL)
		goto out;
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
out:
	if (x == NULL)
		ERR_clear_error();
	BIO_free(b);
	return x;
}

void
dgcg_x509_thumbprint(const unsigned char *der, size_t len, char out[DGCG_THUMB_HEX_LEN + 1])
{
	dgcg_sha256_hex(der, len, out);
}

void
dgcg_x509_kid(const unsigned char *der, size_t len, char out[DGCG_KID_LEN + 1])
{
	unsigned char md[32];
	char *b;

	dgcg_sha256(der, len, md);
	b = dgcg_b64_encode(md, 8);
	memcpy(out, b, DGCG_KID_LEN);
	out[DGCG_KID_LEN] = '\0';
	free(b);
}

int
dgcg_x509_subject_country(X509 *x, char out[DGCG_COUNTRY_MAX + 1])
{
	const X509_NAME *name;
	const X509_NAME_ENTRY *e;
	const ASN1_STRING *v;
	int i, n, count = 0, last = -1;
	size_t vlen;

	out[0] = '\0';
	if (x == NULL || (name = X509_get_subject_name(x)) == NULL)
		return 0;
	n = X509_NAME_entry_count(name);
	for (i = 0; i < n; i++) {
		e = X509_NAME_get_entry(name, i);
		if (OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)) == NID_countryName) {
			count++;
			last = i;
		}
	}
	if (count != 1)
		return count;
	v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last));
	vlen = (size_t)ASN1_STRING_length(v);
	if (vlen > DGCG_COUNTRY_MAX)
		vlen = DGCG_COUNTRY_MAX;
	memcpy(out, ASN1_STRING_get0_data(v), vlen);
	out[vlen] = '\0';
	return count;
}

/* RFC 2253 text of a name, UTF-8 kept as is (not \XX); malloc'd or NULL. */
static char *
name_text(const X509_NAME *name)
{
	BIO *b = NULL;
	char *res = NULL;
	const char *data;
	long n;

	if (name == NULL)
		goto out;
	if ((b = BIO_new(BIO_s_mem())) == NULL)
		goto out;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
		goto out;
	n = BIO_get_mem_data(b, &data);
	if (n < 0)
		goto out;
	res = xstrndup(n > 0 ? data : "", (size_t)n);
out:
	if (res == NULL)
		ERR_clear_error();
	BIO_free(b);
	return res;
}

char *
dgcg_x509_subject_text(X509 *x)
{
	return x != NULL ? name_text(X509_get_subject_name(x)) : NULL;
}

char *
dgcg_x509_issuer_text(X509 *x)
{
	return x != NULL ? name_text(X509_get_issuer_name(x)) : NULL;
}

enum dgcg_err
dgcg_x509_check_key(X509 *x, unsigned min_rsa, unsigned min_ec, char *why, size_t whysz)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	int bits, id;

	if (pk == NULL) {
		snprintf(why, whysz, "the public key cannot be read");
		ERR_clear_error();
		return DGCG_ERR_VERIFY;
	}
	bits = EVP_PKEY_get_bits(pk);
	id = EVP_PKEY_get_base_id(pk);
	if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) {
		if (bits < 0 || (unsigned)bits < min_rsa) {
			snprintf(why, whysz, "RSA key of %d bits, at least %u required (SecReq-042)",
			    bits, min_rsa);
			return DGCG_ERR_VERIFY;
		}
		return DGCG_OK;
	}
	if (id == EVP_PKEY_EC) {
		if (bits < 0 || (unsigned)bits < min_ec) {
			snprintf(why, whysz, "EC key of %d bits, at least %u required (SecReq-042)",
			    bits, min_ec);
			return DGCG_ERR_VERIFY;
		}
		return DGCG_OK;
	}
	snprintf(why, whysz, "key type %s is not allowed, RSA or ECDSA required (SecReq-042)",
	    OBJ_nid2sn(id));
	return DGCG_ERR_VERIFY;
}

int
dgcg_x509_hash_allowed(const char *name, int allow_sha1)
{
	if (name == NULL)
		return 0;
	if (strcasecmp(name, "SHA256") == 0 || strcasecmp(name, "SHA384") == 0 ||
	    strcasecmp(name, "SHA512") == 0)
		return 1;
	return allow_sha1 && strcasecmp(name, "SHA1") == 0;
}

enum dgcg_err
dgcg_x509_check_sig_hash(X509 *x, int allow_sha1, char *why, size_t whysz)
{
	int mdnid = NID_undef, pknid = NID_undef, secbits = 0;
	uint32_t flags = 0;

	if (!X509_get_signature_info(x, &mdnid, &pknid, &secbits, &flags)) {
		ERR_clear_error();
		snprintf(why, whysz, "the signature algorithm is not understood");
		return DGCG_ERR_VERIFY;
	}
	if (!dgcg_x509_hash_allowed(OBJ_nid2sn(mdnid), allow_sha1)) {
		snprintf(why, whysz, "signed with %s, SHA-256, SHA-384 or SHA-512 required "
		    "(SecReq-042)", mdnid == NID_undef ? "an unknown hash" : OBJ_nid2sn(mdnid));
		return DGCG_ERR_VERIFY;
	}
	return DGCG_OK;
}

static void
asn1_time_text(const ASN1_TIME *t, char *buf, size_t bufsz)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(buf, bufsz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, bufsz, "(unreadable)");
}

enum dgcg_err
dgcg_x509_check_validity(X509 *x, time_t now, char *why, size_t whysz)
{
	const ASN1_TIME *nb = X509_get0_notBefore(x), *na = X509_get0_notAfter(x);
	char when[32];

	if (na == NULL || X509_cmp_time(na, &now) < 0) {
		asn1_time_text(na, when, sizeof(when));
		snprintf(why, whysz, "expired on %s", when);
		return DGCG_ERR_VERIFY;
	}
	if (nb == NULL || X509_cmp_time(nb, &now) > 0) {
		asn1_time_text(nb, when, sizeof(when));
		snprintf(why, whysz, "not valid before %s", when);
		return DGCG_ERR_VERIFY;
	}
	return DGCG_OK;
}

enum dgcg_err
dgcg_x509_not_after(X509 *x, time_t *out)
{
	const ASN1_TIME *na = X509_get0_notAfter(x);
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (na == NULL || ASN1_TIME_to_tm(na, &tm) != 1) {
		ERR_clear_error();
		return DGCG_ERR_VERIFY;
	}
	*out = timegm(&tm);
	return DGCG_OK;
}

enum dgcg_err
dgcg_x509_check_v3(X509 *x, char *why, size_t whysz)
{
	if (X509_get_version(x) != X509_VERSION_3) {
		snprintf(why, whysz, "X.509 version %ld, version 3 required (SecReq-033)",
		    X509_get_version(x) + 1);
		return DGCG_ERR_VERIFY;
	}
	return DGCG_OK;
}

int
dgcg_x509_issued_by(X509 *x, X509 *issuer)
{
	EVP_PKEY *pk;
	int ok;

	if (x == NULL || issuer == NULL)
		return 0;
	if (X509_NAME_cmp(X509_get_issuer_name(x), X509_get_subject_name(issuer)) != 0)
		return 0;
	if ((pk = X509_get0_pubkey(issuer)) == NULL) {
		ERR_clear_error();
		return 0;
	}
	ok = X509_verify(x, pk) == 1;
	ERR_clear_error();
	return ok;
}
