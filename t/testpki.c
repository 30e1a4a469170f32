/* testpki.c: the tests' throw-away PKI and gateway (testpki.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "base/codec.h"
#include "base/conf.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "fake_store.h"
#include "pki/cms.h"
#include "pki/trust.h"
#include "pki/x509.h"
#include "testpki.h"
#include "worker/cache.h"

EVP_PKEY *
testpki_ec(const char *curve)
{
	EVP_PKEY *k = EVP_EC_gen(curve);

	ck_assert_ptr_nonnull(k);
	return k;
}

static void
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	ck_assert_ptr_nonnull(ext);
	ck_assert(X509_add_ext(x, ext, -1));
	X509_EXTENSION_free(ext);
}

X509 *
testpki_cert(EVP_PKEY *key, const struct testpki_spec *s)
{
	X509 *x = X509_new(), *iss = s->issuer;
	EVP_PKEY *ikey = s->issuer_key != NULL ? s->issuer_key : key;
	X509_NAME *n = X509_NAME_new();

	ck_assert_ptr_nonnull(x);
	ck_assert(X509_set_version(x, s->v1 ? 0 : 2));
	ck_assert(ASN1_INTEGER_set(X509_get_serialNumber(x), s->serial != 0 ? s->serial : 1));
	if (s->c != NULL)
		ck_assert(X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC,
		    (const unsigned char *)s->c, -1, -1, 0));
	if (s->c2 != NULL)
		ck_assert(X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC,
		    (const unsigned char *)s->c2, -1, -1, 0));
	ck_assert(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)(s->cn != NULL ? s->cn : "test"), -1, -1, 0));
	ck_assert(X509_set_subject_name(x, n));
	ck_assert(X509_set_issuer_name(x, iss != NULL ? X509_get_subject_name(iss) : n));
	ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notBefore(x),
	    (s->nb_days != 0 ? s->nb_days : -1) * 86400L));
	ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notAfter(x),
	    (s->na_days != 0 ? s->na_days : 365) * 86400L));
	ck_assert(X509_set_pubkey(x, key));
	if (!s->v1) {
		add_ext(x, iss != NULL ? iss : x, NID_subject_key_identifier, "hash");
		if (iss != NULL)
			add_ext(x, iss, NID_authority_key_identifier, "keyid:always");
		if (s->ku != NULL)
			add_ext(x, iss != NULL ? iss : x, NID_key_usage, s->ku);
		if (s->eku != NULL)
			add_ext(x, iss != NULL ? iss : x, NID_ext_key_usage, s->eku);
		if (s->bc != NULL)
			add_ext(x, iss != NULL ? iss : x, NID_basic_constraints, s->bc);
	}
	ck_assert(X509_sign(x, ikey, s->md != NULL ? s->md : EVP_sha256()) > 0);
	X509_NAME_free(n);
	return x;
}

void
testpki_party(struct testpki_party *p, EVP_PKEY *key, const struct testpki_spec *s)
{
	ck_assert(EVP_PKEY_up_ref(key));
	p->key = key;
	p->cert = testpki_cert(key, s);
	testpki_thumb(p->cert, p->thumb);
}

void
testpki_party_free(struct testpki_party *p)
{
	X509_free(p->cert);
	EVP_PKEY_free(p->key);
	memset(p, 0, sizeof(*p));
}

unsigned char *
testpki_der(X509 *x, size_t *len)
{
	unsigned char *d = dgcg_x509_to_der(x, len);

	ck_assert_ptr_nonnull(d);
	return d;
}

char *
testpki_b64(X509 *x)
{
	size_t len;
	unsigned char *d = testpki_der(x, &len);
	char *s = dgcg_b64_encode(d, len);

	free(d);
	return s;
}

void
testpki_thumb(X509 *x, char out[DGCG_THUMB_HEX_LEN + 1])
{
	size_t len;
	unsigned char *d = testpki_der(x, &len);

	dgcg_x509_thumbprint(d, len, out);
	free(d);
}

/* The OpenSSL API's CMS_sign with flags. */
static char *
sign_api(X509 *cert, EVP_PKEY *key, const void *content, size_t len, const EVP_MD *md,
    unsigned int flags)
{
	CMS_ContentInfo *ci;
	unsigned char *der, *p;
	BIO *in;
	char *s;
	int n;

	flags |= CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
	ci = CMS_sign(NULL, NULL, NULL, NULL, flags);
	ck_assert_ptr_nonnull(ci);
	ck_assert_ptr_nonnull(CMS_add1_signer(ci, cert, key, md, flags));
	in = BIO_new_mem_buf(content, (int)len);
	ck_assert(CMS_final(ci, in, NULL, flags));
	n = i2d_CMS_ContentInfo(ci, NULL);
	ck_assert_int_gt(n, 0);
	der = xmalloc((size_t)n);
	p = der;
	ck_assert_int_eq(i2d_CMS_ContentInfo(ci, &p), n);
	s = dgcg_b64_encode(der, (size_t)n);
	free(der);
	BIO_free(in);
	CMS_ContentInfo_free(ci);
	return s;
}

char *
testpki_sign(X509 *cert, EVP_PKEY *key, const void *content, size_t len, int attached,
    const EVP_MD *md)
{
	char *s;

	if (md != NULL)
		return sign_api(cert, key, content, len, md, attached ? 0 : CMS_DETACHED);
	s = dgcg_cms_sign(cert, key, content, len, attached);
	ck_assert_ptr_nonnull(s);
	return s;
}

char *
testpki_sign_cert_noattr(X509 *cert, EVP_PKEY *key, X509 *x)
{
	size_t len;
	unsigned char *d = testpki_der(x, &len);
	char *s = sign_api(cert, key, d, len, EVP_sha256(), CMS_NOATTR);

	free(d);
	return s;
}

char *
testpki_sign_cert(X509 *cert, EVP_PKEY *key, X509 *x, int attached, const EVP_MD *md)
{
	size_t len;
	unsigned char *d = testpki_der(x, &len);
	char *s = testpki_sign(cert, key, d, len, attached, md);

	free(d);
	return s;
}

char *
testpki_flip(const char *b64, const unsigned char *needle, size_t nlen)
{
	unsigned char *der = NULL;
	size_t len = 0, i;
	char *s;

	ck_assert_int_eq(dgcg_b64_decode(b64, strlen(b64), &der, &len), DGCG_OK);
	for (i = 0; i + nlen <= len; i++)
		if (memcmp(der + i, needle, nlen) == 0)
			break;
	ck_assert_msg(i + nlen <= len, "content not found in the CMS");
	der[i + nlen - 1] ^= 0x01;
	s = dgcg_b64_encode(der, len);
	free(der);
	return s;
}

void
testpki_ta_new(struct testpki_ta *ta)
{
	struct testpki_spec s = { .c = "EU", .cn = "dgcg test trust anchor", .serial = 1000 };
	FILE *f;

	ta->key = testpki_ec("P-256");
	ta->cert = testpki_cert(ta->key, &s);
	snprintf(ta->dir, sizeof(ta->dir), "%s", "/tmp/dgcg_testpki.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(ta->dir));
	snprintf(ta->path, sizeof(ta->path), "%s/ta.pem", ta->dir);
	f = fopen(ta->path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert(PEM_write_X509(f, ta->cert));
	ck_assert_int_eq(fclose(f), 0);
}

void
testpki_ta_free(struct testpki_ta *ta)
{
	unlink(ta->path);
	rmdir(ta->dir);
	X509_free(ta->cert);
	EVP_PKEY_free(ta->key);
	memset(ta, 0, sizeof(*ta));
}

long long
testpki_onboard(X509 *x, const char *country, enum dgcg_cert_type type, X509 *signer,
    EVP_PKEY *signer_key, time_t created_at)
{
	char thumb[DGCG_THUMB_HEX_LEN + 1], *raw = testpki_b64(x);
	char *sig = testpki_sign_cert(signer, signer_key, x, 0, NULL);
	long long id;

	testpki_thumb(x, thumb);
	id = fake_store_tp_add(country, thumb, raw, sig, type, created_at);
	free(raw);
	free(sig);
	return id;
}

void
testpki_gw_open(struct dgcg_gw *gw, const char *ta_path)
{
	memset(gw, 0, sizeof(*gw));
	dgcg_conf_defaults(&gw->conf);
	gw->conf.trust_anchor = xstrdup(ta_path);
	ck_assert_int_eq(dgcg_log_open("/dev/null", DGCG_LOG_DEBUG), DGCG_OK);
	ck_assert_int_eq(dgcg_ta_load(gw->conf.trust_anchor, &gw->ta), DGCG_OK);
	gw->cache = dgcg_cache_new();
	ck_assert_int_eq(dgcg_db_new(&gw->conf, 0, &gw->db), DGCG_OK);
}

void
testpki_gw_close(struct dgcg_gw *gw)
{
	dgcg_gw_free(gw);
}
