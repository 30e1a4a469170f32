/* check_sync.c: dgcg-sync's pure logic: the verdict and reason of every
 * entry, reason precedence, the guard, the lists (parse, delta merge,
 * stored copy), the renderings (trustlist.json, rejected.json, kids.json,
 * JWKS), and its configuration against dgcg-sync(1). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/codec.h"
#include "base/conf.h"
#include "base/json.h"
#include "base/xmalloc.h"
#include "mankeys.h"
#include "pki/cms.h"
#include "pki/entry.h"
#include "pki/x509.h"
#include "sync/conf.h"
#include "sync/engine.h"
#include "sync/list.h"
#include "sync/render.h"
#include "sync/verify.h"
#include "testutil.h"

/* --- a test PKI, made once ------------------------------------------------------- */

static EVP_PKEY *ta_key, *other_key, *key_de_csca, *key_fr_csca, *key_de_up, *key_fr_up,
    *key_dsc, *key_rsa;
static X509 *ta, *csca_de, *csca_fr, *up_de, *up_fr;
static struct dgcg_ta *tas;
static char ta_path[64];

static X509 *
mk_cert(const char *c, const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey,
    long nb, long na, int v3, const EVP_MD *md, int ca)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	static long serial = 1000;
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	ck_assert_ptr_nonnull(x);
	X509_set_version(x, v3 ? X509_VERSION_3 : X509_VERSION_1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	if (c != NULL)
		X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC, (const unsigned char *)c, -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"check_sync", -1,
	    -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : n);
	X509_gmtime_adj(X509_getm_notBefore(x), nb);
	X509_gmtime_adj(X509_getm_notAfter(x), na);
	X509_set_pubkey(x, key);
	if (v3 && ca) {
		X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
		ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints, "critical,CA:TRUE");
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	ck_assert_int_gt(X509_sign(x, ikey != NULL ? ikey : key, md != NULL ? md : EVP_sha256()), 0);
	X509_NAME_free(n);
	return x;
}

static void
pki_setup(void)
{
	FILE *f;
	int fd;

	ta_key = EVP_EC_gen("P-256");
	other_key = EVP_EC_gen("P-256");
	key_de_csca = EVP_EC_gen("P-256");
	key_fr_csca = EVP_EC_gen("P-256");
	key_de_up = EVP_EC_gen("P-256");
	key_fr_up = EVP_EC_gen("P-256");
	key_dsc = EVP_EC_gen("P-256");
	key_rsa = EVP_RSA_gen(2048);
	ck_assert_ptr_nonnull(key_rsa);
	ta = mk_cert("EU", "ta", ta_key, NULL, NULL, -3600, 86400 * 365, 1, NULL, 1);
	csca_de = mk_cert("DE", "csca DE", key_de_csca, NULL, NULL, -3600, 86400 * 365, 1, NULL, 1);
	csca_fr = mk_cert("FR", "csca FR", key_fr_csca, NULL, NULL, -3600, 86400 * 365, 1, NULL, 1);
	up_de = mk_cert("DE", "upload DE", key_de_up, NULL, NULL, -3600, 86400 * 365, 1, NULL, 0);
	up_fr = mk_cert("FR", "upload FR", key_fr_up, NULL, NULL, -3600, 86400 * 365, 1, NULL, 0);
	snprintf(ta_path, sizeof(ta_path), "/tmp/check_sync_ta.XXXXXX");
	fd = mkstemp(ta_path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	PEM_write_X509(f, ta);
	fclose(f);
	ck_assert_int_eq(dgcg_ta_load(ta_path, &tas), DGCG_OK);
}

static void
pki_teardown(void)
{
	unlink(ta_path);
	dgcg_ta_free(tas);
	X509_free(ta);
	X509_free(csca_de);
	X509_free(csca_fr);
	X509_free(up_de);
	X509_free(up_fr);
	EVP_PKEY_free(ta_key);
	EVP_PKEY_free(other_key);
	EVP_PKEY_free(key_de_csca);
	EVP_PKEY_free(key_fr_csca);
	EVP_PKEY_free(key_de_up);
	EVP_PKEY_free(key_fr_up);
	EVP_PKEY_free(key_dsc);
	EVP_PKEY_free(key_rsa);
}

/* --- items ----------------------------------------------------------------------------- */

/* Fills an item for cert x of type in country cc, signed by (signer, skey). */
static void
item(struct sync_item *it, const char *type, const char *cc, X509 *x, X509 *signer,
    EVP_PKEY *skey)
{
	unsigned char *der;
	size_t len;
	char tp[DGCG_THUMB_HEX_LEN + 1], kid[DGCG_KID_LEN + 1];

	memset(it, 0, sizeof(*it));
	der = dgcg_x509_to_der(x, &len);
	dgcg_x509_thumbprint(der, len, tp);
	dgcg_x509_kid(der, len, kid);
	it->kid = xstrdup(kid);
	it->timestamp = xstrdup("2026-01-01T00:00:00Z");
	it->country = xstrdup(cc);
	it->type = xstrdup(type);
	it->thumbprint = xstrdup(tp);
	it->raw = dgcg_b64_encode(der, len);
	it->signature = signer != NULL ? dgcg_cms_sign(signer, skey, der, len, 0) : NULL;
	free(der);
}

static void
set(char **field, const char *v)
{
	free(*field);
	*field = v != NULL ? xstrdup(v) : NULL;
}

static struct sync_item *
add(struct sync_list *l)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

/* The lists of a good set: CSCA DE and FR, UPLOAD DE and FR, one DSC of DE. */
static struct sync_list lists[DGCG_CT__MAX];
static X509 *dsc_de;

static void
good_lists(void)
{
	memset(lists, 0, sizeof(lists));
	item(add(&lists[DGCG_CT_CSCA]), "CSCA", "DE", csca_de, ta, ta_key);
	item(add(&lists[DGCG_CT_CSCA]), "CSCA", "FR", csca_fr, ta, ta_key);
	item(add(&lists[DGCG_CT_UPLOAD]), "UPLOAD", "DE", up_de, ta, ta_key);
	item(add(&lists[DGCG_CT_UPLOAD]), "UPLOAD", "FR", up_fr, ta, ta_key);
	dsc_de = mk_cert("DE", "dsc DE", key_dsc, csca_de, key_de_csca, -3600, 86400 * 30, 1, NULL,
	    0);
	item(add(&lists[DGCG_CT_DSC]), "DSC", "DE", dsc_de, up_de, key_de_up);
}

static void
free_lists(void)
{
	int i;

	for (i = 0; i < DGCG_CT__MAX; i++)
		sync_list_free(&lists[i]);
	X509_free(dsc_de);
	dsc_de = NULL;
}

static struct sync_policy
policy(void)
{
	struct sync_policy p;

	memset(&p, 0, sizeof(p));
	p.cert.require_x509v3 = 1;
	p.cert.min_rsa_bits = 2048;
	p.cert.min_ec_bits = 250;
	p.check_expiry[DGCG_CT_CSCA] = p.check_expiry[DGCG_CT_UPLOAD] =
	    p.check_expiry[DGCG_CT_DSC] = 1;
	p.digests = dgcg_cms_digests(0);
	p.now = time(NULL);
	return p;
}

/* The reason of the last entry of list t after judging with p. */
static enum dgcg_er
reason_of(enum dgcg_cert_type t, const struct sync_policy *p, struct sync_verified *v)
{
	size_t i, last = (size_t)-1;

	sync_verify(lists, tas, p, v);
	for (i = 0; i < v->n; i++)
		if (v->e[i].list == t)
			last = i;
	ck_assert_uint_ne(last, (size_t)-1);
	return v->e[last].reason;
}

/* Judges and checks the reason of the last DSC (or of list t). */
static void
expect(enum dgcg_cert_type t, const struct sync_policy *p, enum dgcg_er want)
{
	struct sync_verified v;
	enum dgcg_er got = reason_of(t, p, &v);

	ck_assert_msg(got == want, "got %s, want %s", dgcg_er_code(got), dgcg_er_code(want));
	sync_verified_free(&v);
}

/* --- the verdicts ------------------------------------------------------------------------ */

START_TEST(test_all_verified)
{
	struct sync_policy p = policy();
	struct sync_verified v;
	size_t ver[DGCG_CT__MAX], rej[DGCG_CT__MAX], by[DGCG_ER__MAX], i;
	int c;

	good_lists();
	sync_verify(lists, tas, &p, &v);
	ck_assert_uint_eq(v.n, 5);
	sync_verified_counts(&v, ver, rej, by);
	ck_assert_uint_eq(ver[DGCG_CT_CSCA], 2);
	ck_assert_uint_eq(ver[DGCG_CT_UPLOAD], 2);
	ck_assert_uint_eq(ver[DGCG_CT_DSC], 1);
	ck_assert_uint_eq(rej[DGCG_CT_CSCA] + rej[DGCG_CT_UPLOAD] + rej[DGCG_CT_DSC], 0);
	for (i = 0; i < v.n; i++)
		for (c = 0; c < SC__MAX; c++)
			ck_assert_msg(v.e[i].step[c].res == SR_PASS || v.e[i].step[c].res == SR_OFF,
			    "entry %zu check %s: %d", i, sync_check_name((enum sync_check)c),
			    v.e[i].step[c].res);
	/* the DSC names its CSCA and UPLOAD */
	ck_assert_ptr_nonnull(strstr(v.e[4].step[SC_ISSUER].detail, "of DE"));
	ck_assert_ptr_nonnull(strstr(v.e[4].step[SC_SIGNER].detail, "UPLOAD kid="));
	sync_verified_free(&v);
	free_lists();
}
END_TEST

/* Each reason, from the one change that causes it. */
START_TEST(test_reasons)
{
	struct sync_policy p = policy();
	struct sync_item *it;
	X509 *x;

	/* MALFORMED, WRONG_TYPE */
	good_lists();
	lists[DGCG_CT_DSC].v[0].malformed = "kid is not a string";
	expect(DGCG_CT_DSC, &p, DGCG_ER_MALFORMED);
	lists[DGCG_CT_DSC].v[0].malformed = NULL;
	set(&lists[DGCG_CT_DSC].v[0].type, "AUTHENTICATION");
	expect(DGCG_CT_DSC, &p, DGCG_ER_WRONG_TYPE);
	set(&lists[DGCG_CT_DSC].v[0].type, "DSC");
	/* BAD_CERTIFICATE, THUMBPRINT_MISMATCH, KID_MISMATCH */
	it = &lists[DGCG_CT_DSC].v[0];
	set(&it->raw, "bm90IGEgY2VydA==");
	expect(DGCG_CT_DSC, &p, DGCG_ER_BAD_CERTIFICATE);
	free_lists();
	good_lists();
	it = &lists[DGCG_CT_DSC].v[0];
	it->thumbprint[0] = it->thumbprint[0] == '0' ? '1' : '0';
	expect(DGCG_CT_DSC, &p, DGCG_ER_THUMBPRINT_MISMATCH);
	it->thumbprint[0] = 'A';	/* upper case is not the thumbprint either */
	expect(DGCG_CT_DSC, &p, DGCG_ER_THUMBPRINT_MISMATCH);
	free_lists();
	good_lists();
	set(&lists[DGCG_CT_DSC].v[0].kid, "AAAAAAAAAAA=");
	expect(DGCG_CT_DSC, &p, DGCG_ER_KID_MISMATCH);
	free_lists();
	/* DUPLICATE: the same DSC twice, the second is rejected */
	good_lists();
	item(add(&lists[DGCG_CT_DSC]), "DSC", "DE", dsc_de, up_de, key_de_up);
	expect(DGCG_CT_DSC, &p, DGCG_ER_DUPLICATE);
	free_lists();
	/* NO_SIGNATURE, BAD_CMS, SIGNATURE_INVALID, CMS_DIGEST */
	good_lists();
	set(&lists[DGCG_CT_DSC].v[0].signature, NULL);
	expect(DGCG_CT_DSC, &p, DGCG_ER_NO_SIGNATURE);
	set(&lists[DGCG_CT_DSC].v[0].signature, "");
	expect(DGCG_CT_DSC, &p, DGCG_ER_NO_SIGNATURE);
	set(&lists[DGCG_CT_DSC].v[0].signature, "MIIBAAAA");
	expect(DGCG_CT_DSC, &p, DGCG_ER_BAD_CMS);
	/* a CMS over another certificate */
	set(&lists[DGCG_CT_DSC].v[0].signature, lists[DGCG_CT_UPLOAD].v[0].signature);
	expect(DGCG_CT_DSC, &p, DGCG_ER_SIGNATURE_INVALID);
	free_lists();
	good_lists();
	p.digests = DGCG_DIGEST_SHA384;	/* the CMS uses SHA-256 */
	expect(DGCG_CT_DSC, &p, DGCG_ER_CMS_DIGEST);
	p = policy();
	free_lists();
	/* NOT_TRUST_ANCHOR: a CSCA signed by a key that is no trust anchor */
	good_lists();
	sync_list_free(&lists[DGCG_CT_CSCA]);
	item(add(&lists[DGCG_CT_CSCA]), "CSCA", "DE", csca_de, up_fr, key_fr_up);
	expect(DGCG_CT_CSCA, &p, DGCG_ER_NOT_TRUST_ANCHOR);
	/* ... and its DSC has no CSCA left: NO_CSCA naming the rejected one */
	expect(DGCG_CT_DSC, &p, DGCG_ER_NO_CSCA);
	free_lists();
	/* SIGNER_NOT_UPLOAD, SIGNER_OTHER_COUNTRY, SIGNER_REJECTED */
	good_lists();
	x = mk_cert("DE", "rogue", other_key, NULL, NULL, -3600, 86400, 1, NULL, 0);
	sync_list_free(&lists[DGCG_CT_DSC]);
	item(add(&lists[DGCG_CT_DSC]), "DSC", "DE", dsc_de, x, other_key);
	expect(DGCG_CT_DSC, &p, DGCG_ER_SIGNER_NOT_UPLOAD);
	X509_free(x);
	sync_list_free(&lists[DGCG_CT_DSC]);
	item(add(&lists[DGCG_CT_DSC]), "DSC", "DE", dsc_de, up_fr, key_fr_up);
	expect(DGCG_CT_DSC, &p, DGCG_ER_SIGNER_OTHER_COUNTRY);
	sync_list_free(&lists[DGCG_CT_DSC]);
	item(add(&lists[DGCG_CT_DSC]), "DSC", "DE", dsc_de, up_de, key_de_up);
	set(&lists[DGCG_CT_UPLOAD].v[0].kid, "AAAAAAAAAAA=");	/* the DE UPLOAD is rejected */
	expect(DGCG_CT_DSC, &p, DGCG_ER_SIGNER_REJECTED);
	free_lists();
	/* COUNTRY_MISMATCH: the FR CSCA listed as DE; a DE DSC listed as FR */
	good_lists();
	set(&lists[DGCG_CT_CSCA].v[1].country, "DE");
	expect(DGCG_CT_CSCA, &p, DGCG_ER_COUNTRY_MISMATCH);
	free_lists();
	good_lists();
	set(&lists[DGCG_CT_DSC].v[0].country, "FR");
	sync_list_free(&lists[DGCG_CT_DSC]);
	item(add(&lists[DGCG_CT_DSC]), "DSC", "FR", dsc_de, up_fr, key_fr_up);
	expect(DGCG_CT_DSC, &p, DGCG_ER_COUNTRY_MISMATCH);
	free_lists();
	/* NO_CSCA, NOT_ISSUED, ISSUER_OTHER_COUNTRY */
	good_lists();
	sync_list_free(&lists[DGCG_CT_CSCA]);
	item(add(&lists[DGCG_CT_CSCA]), "CSCA", "FR", csca_fr, ta, ta_key);
	expect(DGCG_CT_DSC, &p, DGCG_ER_NO_CSCA);
	free_lists();
	good_lists();
	/* issued by a key that is not the DE CSCA's, under its name */
	x = mk_cert("DE", "dsc DE", key_dsc, csca_de, other_key, -3600, 86400, 1, NULL, 0);
	sync_list_free(&lists[DGCG_CT_DSC]);
	item(add(&lists[DGCG_CT_DSC]), "DSC", "DE", x, up_de, key_de_up);
	expect(DGCG_CT_DSC, &p, DGCG_ER_NOT_ISSUED);
	X509_free(x);
	/* no C, issued by the FR CSCA, listed as DE and signed by DE */
	x = mk_cert(NULL, "dsc without C", key_dsc, csca_fr, key_fr_csca, -3600, 86400, 1, NULL, 0);
	sync_list_free(&lists[DGCG_CT_DSC]);
	item(add(&lists[DGCG_CT_DSC]), "DSC", "DE", x, up_de, key_de_up);
	expect(DGCG_CT_DSC, &p, DGCG_ER_ISSUER_OTHER_COUNTRY);
	X509_free(x);
	free_lists();
	/* X509_V1, WEAK_KEY, WEAK_HASH, EXPIRED, NOT_YET_VALID */
	good_lists();
	x = mk_cert("DE", "v1", key_dsc, csca_de, key_de_csca, -3600, 86400, 0, NULL, 0);
	sync_list_free(&lists[DGCG_CT_DSC]);
	item(add(&lists[DGCG_CT_DSC]), "DSC", "DE", x, up_de, key_de_up);
	expect(DGCG_CT_DSC, &p, DGCG_ER_X509_V1);
	p.cert.require_x509v3 = 0;
	expect(DGCG_CT_DSC, &p, DGCG_ER_OK);
	p = policy();
	X509_free(x);
	p.cert.min_ec_bits = 384;
	expect(DGCG_CT_CSCA, &p, DGCG_ER_WEAK_KEY);
	p = policy();
	x = mk_cert("DE", "sha1", key_dsc, csca_de, key_de_csca, -3600, 86400, 1, EVP_sha1(), 0);
	sync_list_free(&lists[DGCG_CT_DSC]);
	item(add(&lists[DGCG_CT_DSC]), "DSC", "DE", x, up_de, key_de_up);
	expect(DGCG_CT_DSC, &p, DGCG_ER_WEAK_HASH);
	p.cert.allow_sha1 = 1;
	expect(DGCG_CT_DSC, &p, DGCG_ER_OK);
	p = policy();
	X509_free(x);
	x = mk_cert("DE", "old", key_dsc, csca_de, key_de_csca, -86400 * 10, -86400, 1, NULL, 0);
	sync_list_free(&lists[DGCG_CT_DSC]);
	item(add(&lists[DGCG_CT_DSC]), "DSC", "DE", x, up_de, key_de_up);
	expect(DGCG_CT_DSC, &p, DGCG_ER_EXPIRED);
	p.check_expiry[DGCG_CT_DSC] = 0;
	expect(DGCG_CT_DSC, &p, DGCG_ER_OK);
	p = policy();
	X509_free(x);
	x = mk_cert("DE", "new", key_dsc, csca_de, key_de_csca, 86400, 86400 * 10, 1, NULL, 0);
	sync_list_free(&lists[DGCG_CT_DSC]);
	item(add(&lists[DGCG_CT_DSC]), "DSC", "DE", x, up_de, key_de_up);
	expect(DGCG_CT_DSC, &p, DGCG_ER_NOT_YET_VALID);
	X509_free(x);
	free_lists();
	/* an UPLOAD expired since it signed (judged two days on) makes its DSC
	 * SIGNER_REJECTED, unless switched off */
	good_lists();
	p.now = time(NULL) + 2 * 86400;
	x = mk_cert("DE", "upload DE", key_de_up, NULL, NULL, -3600, 86400, 1, NULL, 0);
	sync_list_free(&lists[DGCG_CT_UPLOAD]);
	item(add(&lists[DGCG_CT_UPLOAD]), "UPLOAD", "DE", x, ta, ta_key);
	sync_list_free(&lists[DGCG_CT_DSC]);
	item(add(&lists[DGCG_CT_DSC]), "DSC", "DE", dsc_de, x, key_de_up);
	expect(DGCG_CT_UPLOAD, &p, DGCG_ER_EXPIRED);
	expect(DGCG_CT_DSC, &p, DGCG_ER_SIGNER_REJECTED);
	p.check_expiry[DGCG_CT_UPLOAD] = 0;
	expect(DGCG_CT_DSC, &p, DGCG_ER_OK);
	X509_free(x);
	free_lists();
}
END_TEST

/* Every code has a row, and they parse back. */
START_TEST(test_reason_table)
{
	int i, j;

	for (i = 0; i < DGCG_ER__MAX; i++) {
		ck_assert_str_ne(dgcg_er_code((enum dgcg_er)i), "?");
		ck_assert_str_ne(dgcg_er_text((enum dgcg_er)i), "?");
		ck_assert_int_eq(dgcg_er_parse(dgcg_er_code((enum dgcg_er)i)), i);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(dgcg_er_code((enum dgcg_er)i), dgcg_er_code((enum dgcg_er)j));
	}
	ck_assert_int_eq(dgcg_er_parse("NOPE"), DGCG_ER__MAX);
	ck_assert_str_eq(dgcg_er_code(DGCG_ER__MAX), "?");
}
END_TEST

/* The first failed check names the reason, and every check still runs. */
START_TEST(test_precedence)
{
	struct sync_policy p = policy();
	struct sync_verified v;
	const struct sync_entry *e;
	char *t;
	X509 *x;
	int c;

	good_lists();
	/* expired, weak-hash, a wrong kid and a foreign signer at once */
	x = mk_cert("DE", "old", key_dsc, csca_de, key_de_csca, -86400 * 10, -86400, 1, EVP_sha1(),
	    0);
	sync_list_free(&lists[DGCG_CT_DSC]);
	item(add(&lists[DGCG_CT_DSC]), "DSC", "DE", x, up_fr, key_fr_up);
	set(&lists[DGCG_CT_DSC].v[0].kid, "AAAAAAAAAAA=");
	ck_assert_int_eq(reason_of(DGCG_CT_DSC, &p, &v), DGCG_ER_KID_MISMATCH);
	e = &v.e[v.n - 1];
	ck_assert_int_eq(e->step[SC_KID].res, SR_FAIL);
	ck_assert_int_eq(e->step[SC_SIGNER].fail, DGCG_ER_SIGNER_OTHER_COUNTRY);
	ck_assert_int_eq(e->step[SC_HASH].fail, DGCG_ER_WEAK_HASH);
	ck_assert_int_eq(e->step[SC_VALIDITY].fail, DGCG_ER_EXPIRED);
	ck_assert_int_eq(e->step[SC_ISSUER].res, SR_PASS);
	t = sync_explain(e);
	for (c = 0; c < SC__MAX; c++)
		ck_assert_msg(strstr(t, sync_check_name((enum sync_check)c)) != NULL, "%s", t);
	ck_assert_ptr_nonnull(strstr(t, "REJECTED KID_MISMATCH"));
	ck_assert_ptr_nonnull(strstr(t, "FAIL    WEAK_HASH"));
	free(t);
	sync_verified_free(&v);
	/* a bad certificate: nothing after it can run */
	set(&lists[DGCG_CT_DSC].v[0].raw, "AAAA");
	ck_assert_int_eq(reason_of(DGCG_CT_DSC, &p, &v), DGCG_ER_BAD_CERTIFICATE);
	e = &v.e[v.n - 1];
	for (c = SC_THUMB; c < SC__MAX; c++)
		ck_assert_int_eq(e->step[c].res, SR_SKIP);
	sync_verified_free(&v);
	X509_free(x);
	free_lists();
}
END_TEST

/* v2 items have no thumbprint: that check is off, the rest as v1. */
START_TEST(test_v2_items)
{
	const char *body;
	struct sync_list l;
	struct sync_policy p = policy();
	struct sync_verified v;
	char err[128], *json;
	size_t n;

	good_lists();
	json = xmalloc(8192);
	n = (size_t)snprintf(json, 8192, "[{\"uuid\":\"u\",\"domain\":\"DCC\",\"version\":1,"
	    "\"certificate\":\"%s\",\"signature\":\"%s\",\"kid\":\"%s\",\"group\":\"DSC\","
	    "\"country\":\"DE\",\"properties\":{\"a\":[1]}}]",
	    lists[DGCG_CT_DSC].v[0].raw, lists[DGCG_CT_DSC].v[0].signature,
	    lists[DGCG_CT_DSC].v[0].kid);
	ck_assert_uint_lt(n, 8192);
	ck_assert_int_eq(sync_list_parse(json, n, SYNC_FMT_V2, 0, &l, err, sizeof(err)), DGCG_OK);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_ptr_null(l.v[0].malformed);
	ck_assert_ptr_null(l.v[0].thumbprint);
	ck_assert_str_eq(l.v[0].type, "DSC");
	ck_assert_str_eq(l.v[0].uuid, "u");
	sync_list_free(&lists[DGCG_CT_DSC]);
	lists[DGCG_CT_DSC] = l;
	sync_verify(lists, tas, &p, &v);
	ck_assert_int_eq(v.e[v.n - 1].reason, DGCG_ER_OK);
	ck_assert_int_eq(v.e[v.n - 1].step[SC_THUMB].res, SR_OFF);
	sync_verified_free(&v);
	/* an unknown group is that item's WRONG_TYPE, not the whole list's failure */
	body = "[{\"certificate\":\"AAAA\",\"signature\":\"x\",\"kid\":\"k\",\"group\":\"CUSTOM\","
	    "\"country\":\"DE\"}]";
	ck_assert_int_eq(sync_list_parse(body, strlen(body), SYNC_FMT_V2, 0, &l, err,
	    sizeof(err)), DGCG_OK);
	sync_list_free(&lists[DGCG_CT_DSC]);
	lists[DGCG_CT_DSC] = l;
	expect(DGCG_CT_DSC, &p, DGCG_ER_WRONG_TYPE);
	free(json);
	free_lists();
}
END_TEST

/* --- lists -------------------------------------------------------------------------------- */

START_TEST(test_list_parse)
{
	struct sync_list l;
	char err[128];
	const char *full = "[{\"kid\":\"a\",\"timestamp\":\"t\",\"country\":\"DE\","
	    "\"certificateType\":\"DSC\",\"thumbprint\":\"01\",\"signature\":null,\"rawData\":null},"
	    "{\"kid\":5,\"timestamp\":\"t\",\"country\":\"DE\",\"certificateType\":\"DSC\","
	    "\"thumbprint\":\"02\",\"signature\":\"s\",\"rawData\":\"r\"},"
	    "{\"kid\":\"c\",\"timestamp\":\"t\",\"country\":\"deu\",\"certificateType\":\"DSC\","
	    "\"thumbprint\":\"03\",\"signature\":\"s\",\"rawData\":\"r\"},"
	    "[1],"
	    "{\"kid\":\"e\",\"timestamp\":\"t\",\"country\":\"DE\",\"certificateType\":\"DSC\","
	    "\"thumbprint\":\"05\",\"signature\":null,\"rawData\":\"r\"}]";

	ck_assert_int_eq(sync_list_parse(full, strlen(full), SYNC_FMT_V1, 0, &l, err,
	    sizeof(err)), DGCG_OK);
	ck_assert_uint_eq(l.n, 5);
	ck_assert_ptr_nonnull(l.v[0].malformed);	/* a tombstone in a full list */
	ck_assert_int_eq(l.v[0].tomb, 0);
	ck_assert_str_eq(l.v[1].malformed, "kid is not a string");
	ck_assert_str_eq(l.v[2].malformed, "country is not two upper-case letters");
	ck_assert_str_eq(l.v[3].malformed, "the item is not an object");
	ck_assert_ptr_null(l.v[4].malformed);	/* a null signature is NO_SIGNATURE, later */
	sync_list_free(&l);
	ck_assert_int_eq(sync_list_parse(full, strlen(full), SYNC_FMT_V1, 1, &l, err,
	    sizeof(err)), DGCG_OK);
	ck_assert_int_eq(l.v[0].tomb, 1);
	ck_assert_ptr_null(l.v[0].malformed);
	sync_list_free(&l);
	/* not an array, not JSON, truncated, a duplicate member: the whole list fails */
	ck_assert_int_eq(sync_list_parse("{}", 2, SYNC_FMT_V1, 0, &l, err, sizeof(err)),
	    DGCG_ERR_PARSE);
	ck_assert_int_eq(sync_list_parse(full, strlen(full) - 3, SYNC_FMT_V1, 0, &l, err,
	    sizeof(err)), DGCG_ERR_PARSE);
	ck_assert_int_eq(sync_list_parse("[{\"kid\":\"a\",\"kid\":\"b\"}]", 23, SYNC_FMT_V1, 0, &l,
	    err, sizeof(err)), DGCG_ERR_PARSE);
	ck_assert_int_eq(sync_list_parse("", 0, SYNC_FMT_V1, 0, &l, err, sizeof(err)),
	    DGCG_ERR_PARSE);
}
END_TEST

static void
mini(struct sync_item *it, const char *kid, const char *tp, int tomb)
{
	memset(it, 0, sizeof(*it));
	it->kid = xstrdup(kid);
	it->thumbprint = xstrdup(tp);
	it->type = xstrdup("DSC");
	it->country = xstrdup("DE");
	if (!tomb) {
		it->raw = xstrdup(kid);
		it->signature = xstrdup("s");
	}
	it->tomb = tomb;
}

START_TEST(test_list_merge)
{
	struct sync_list base = { NULL, 0 }, d = { NULL, 0 }, back;
	char err[64], *json;
	size_t len;

	mini(add(&base), "a", "01", 0);
	mini(add(&base), "b", "02", 0);
	mini(add(&base), "c", "03", 0);
	mini(add(&d), "b2", "02", 0);	/* replaces b */
	mini(add(&d), "x", "01", 1);	/* removes a */
	mini(add(&d), "d", "04", 0);	/* added */
	mini(add(&d), "z", "99", 1);	/* a tombstone of what is not there */
	sync_list_merge(&base, &d);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(base.n, 3);
	ck_assert_str_eq(base.v[0].kid, "b2");
	ck_assert_str_eq(base.v[1].kid, "c");
	ck_assert_str_eq(base.v[2].kid, "d");
	/* the stored copy reads back the same, a malformed item stays malformed */
	base.v[1].malformed = "kid is not a string";
	json = sync_list_json(&base, &len);
	ck_assert_int_eq(sync_list_parse(json, len, SYNC_FMT_STORED, 0, &back, err, sizeof(err)),
	    DGCG_OK);
	ck_assert_uint_eq(back.n, 3);
	ck_assert_str_eq(back.v[0].kid, "b2");
	ck_assert_str_eq(back.v[0].thumbprint, "02");
	ck_assert_ptr_null(back.v[0].malformed);
	ck_assert_ptr_nonnull(back.v[1].malformed);
	ck_assert_ptr_null(back.v[2].timestamp);
	free(json);
	sync_list_free(&back);
	sync_list_free(&base);
}
END_TEST

/* --- the guard ----------------------------------------------------------------------------- */

START_TEST(test_guard)
{
	struct sync_policy p = policy();
	struct sync_verified v;
	struct sync_list cur = { NULL, 0 };
	char why[256];
	size_t dropped, i;
	int k;

	good_lists();
	sync_verify(lists, tas, &p, &v);
	/* the first list: nothing to drop */
	ck_assert_int_eq(sync_guard(&cur, &v, 20, &dropped, why, sizeof(why)), 0);
	ck_assert_uint_eq(dropped, 0);
	/* current = the 5 verified entries plus k others: dropping k of 5 + k */
	for (i = 0; i < v.n; i++) {
		struct sync_item *it = add(&cur);

		memset(it, 0, sizeof(*it));
		it->type = xstrdup(dgcg_cert_type_name(v.e[i].list));
		it->thumbprint = xstrdup(v.e[i].thumb);
	}
	ck_assert_int_eq(sync_guard(&cur, &v, 20, &dropped, why, sizeof(why)), 0);
	ck_assert_uint_eq(dropped, 0);
	mini(add(&cur), "gone", "ff", 0);	/* 1 of 6 dropped: 16.7 % */
	ck_assert_int_eq(sync_guard(&cur, &v, 20, &dropped, why, sizeof(why)), 0);
	ck_assert_uint_eq(dropped, 1);
	ck_assert_int_eq(sync_guard(&cur, &v, 16, &dropped, why, sizeof(why)), 1);
	ck_assert_ptr_nonnull(strstr(why, "drops 1 of the 6"));
	ck_assert_int_eq(sync_guard(&cur, &v, 17, &dropped, why, sizeof(why)), 0);
	ck_assert_int_eq(sync_guard(&cur, &v, 0, &dropped, why, sizeof(why)), 1);
	ck_assert_int_eq(sync_guard(&cur, &v, 100, &dropped, why, sizeof(why)), 0);
	/* the same certificate under another type counts as dropped */
	set(&cur.v[0].type, "UPLOAD");
	ck_assert_int_eq(sync_guard(&cur, &v, 100, &dropped, why, sizeof(why)), 0);
	ck_assert_uint_eq(dropped, 2);
	sync_verified_free(&v);
	/* no verified DSC (or CSCA, or UPLOAD) is refused, whatever the share */
	for (k = DGCG_CT_UPLOAD; k <= DGCG_CT_DSC; k++) {
		struct sync_list keep = lists[k];

		memset(&lists[k], 0, sizeof(lists[k]));
		sync_verify(lists, tas, &p, &v);
		ck_assert_int_eq(sync_guard(&cur, &v, 100, &dropped, why, sizeof(why)), 1);
		ck_assert_ptr_nonnull(strstr(why, "no verified"));
		sync_verified_free(&v);
		sync_list_free(&lists[k]);
		lists[k] = keep;
	}
	sync_list_free(&cur);
	free_lists();
}
END_TEST

/* --- renderings ------------------------------------------------------------------------------ */

START_TEST(test_render)
{
	struct sync_policy p = policy();
	struct sync_verified v;
	struct dgcg_jv *root;
	const struct dgcg_jv *k, *e;
	char *s, prev[16] = "";
	size_t len, skipped, i, ncc;
	char (*cc)[3];
	X509 *rsa, *de2;

	good_lists();
	/* an RSA DSC of FR and a rejected DSC (a DE one listed as FR) */
	rsa = mk_cert("FR", "dsc FR rsa", key_rsa, csca_fr, key_fr_csca, -3600, 86400, 1, NULL, 0);
	de2 = mk_cert("DE", "dsc DE 2", key_dsc, csca_de, key_de_csca, -3600, 86400, 1, NULL, 0);
	item(add(&lists[DGCG_CT_DSC]), "DSC", "FR", rsa, up_fr, key_fr_up);
	item(add(&lists[DGCG_CT_DSC]), "DSC", "FR", de2, up_fr, key_fr_up);
	sync_verify(lists, tas, &p, &v);

	s = sync_render_trustlist(&v, &len);
	ck_assert_int_eq(dgcg_json_parse(s, len, 8, &root, NULL, 0), DGCG_OK);
	ck_assert_uint_eq(root->n, 6);
	for (i = 0; i < root->n; i++) {
		e = &root->v[i];
		ck_assert_uint_eq(e->n, 7);
		ck_assert_str_eq(e->keys[0], "kid");
		ck_assert_str_eq(e->keys[1], "timestamp");
		ck_assert_str_eq(e->keys[2], "country");
		ck_assert_str_eq(e->keys[3], "certificateType");
		ck_assert_str_eq(e->keys[4], "thumbprint");
		ck_assert_str_eq(e->keys[5], "signature");
		ck_assert_str_eq(e->keys[6], "rawData");
		ck_assert_int_le(strcmp(prev, dgcg_jv_str(e, "kid")), 0);
		snprintf(prev, sizeof(prev), "%s", dgcg_jv_str(e, "kid"));
	}
	dgcg_jv_free(root);
	free(s);

	s = sync_render_rejected(&v, &len);
	ck_assert_int_eq(dgcg_json_parse(s, len, 8, &root, NULL, 0), DGCG_OK);
	ck_assert_uint_eq(root->n, 1);
	ck_assert_uint_eq(root->v[0].n, 5);
	ck_assert_str_eq(dgcg_jv_str(&root->v[0], "reason"), "COUNTRY_MISMATCH");
	ck_assert_str_eq(dgcg_jv_str(&root->v[0], "certificateType"), "DSC");
	ck_assert_str_eq(dgcg_jv_str(&root->v[0], "country"), "FR");
	dgcg_jv_free(root);
	free(s);

	s = sync_render_kids(&v, &len);
	ck_assert_int_eq(dgcg_json_parse(s, len, 8, &root, NULL, 0), DGCG_OK);
	ck_assert_uint_eq(root->n, 2);
	k = dgcg_jv_get(root, lists[DGCG_CT_DSC].v[0].kid);
	ck_assert_ptr_nonnull(k);
	ck_assert_str_eq(dgcg_jv_str(k, "country"), "DE");
	ck_assert_ptr_nonnull(strstr(dgcg_jv_str(k, "publicKey"), "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"));
	ck_assert_uint_eq(strlen(dgcg_jv_str(k, "notAfter")), 20);
	dgcg_jv_free(root);
	free(s);

	s = sync_render_jwks(&v, &len, &skipped);
	ck_assert_uint_eq(skipped, 0);
	ck_assert_int_eq(dgcg_json_parse(s, len, 8, &root, NULL, 0), DGCG_OK);
	k = dgcg_jv_get(root, "keys");
	ck_assert_uint_eq(k->n, 2);
	for (i = 0; i < k->n; i++) {
		e = &k->v[i];
		ck_assert_str_eq(dgcg_jv_str(e, "use"), "sig");
		ck_assert_uint_eq(strlen(dgcg_jv_str(e, "x5t#S256")), 43);
		ck_assert_uint_eq(dgcg_jv_get(e, "x5c")->n, 1);
		if (strcmp(dgcg_jv_str(e, "kty"), "EC") == 0) {
			ck_assert_str_eq(dgcg_jv_str(e, "crv"), "P-256");
			ck_assert_uint_eq(strlen(dgcg_jv_str(e, "x")), 43);	/* 32 bytes */
			ck_assert_uint_eq(strlen(dgcg_jv_str(e, "y")), 43);
			ck_assert_ptr_null(strchr(dgcg_jv_str(e, "x"), '='));
		} else {
			ck_assert_str_eq(dgcg_jv_str(e, "kty"), "RSA");
			ck_assert_str_eq(dgcg_jv_str(e, "e"), "AQAB");
			ck_assert_uint_eq(strlen(dgcg_jv_str(e, "n")), 342);	/* 256 bytes */
		}
	}
	dgcg_jv_free(root);
	free(s);

	cc = sync_render_countries(&v, &ncc);
	ck_assert_uint_eq(ncc, 2);
	ck_assert_str_eq(cc[0], "DE");
	ck_assert_str_eq(cc[1], "FR");
	free(cc);
	s = sync_render_pem(&v, "FR", &len);
	ck_assert_ptr_nonnull(strstr(s, "-----BEGIN CERTIFICATE-----"));
	free(s);

	s = sync_b64url((const unsigned char *)"\xfb\xff", 2);
	ck_assert_str_eq(s, "-_8");
	free(s);
	sync_verified_free(&v);
	X509_free(rsa);
	X509_free(de2);
	free_lists();
}
END_TEST

/* --- configuration ------------------------------------------------------------------------------- */

static enum dgcg_err
sync_key(size_t i, struct dgcg_conf_keyinfo *ki)
{
	return dgcg_conf_tkey(&sync_conf_table, i, ki);
}

START_TEST(test_manual)
{
	check_manual_keys("man/dgcg-sync.1", sync_key);
}
END_TEST

START_TEST(test_conf)
{
	struct sync_conf c;
	char path[64], err[256];
	FILE *f;
	int fd;

	sync_conf_defaults(&c);
	ck_assert_str_eq(c.api, "v1");
	ck_assert_uint_eq(c.max_shrink, 20);
	ck_assert_uint_eq(c.max_list_size, 256u * 1024 * 1024);
	ck_assert_int_eq(c.check_upload_expiry, 1);
	snprintf(path, sizeof(path), "/tmp/check_sync_conf.XXXXXX");
	fd = mkstemp(path);
	f = fdopen(fd, "w");
	fputs("# a comment\nurl = https://gw.example:8443\ntrust_anchor = /a.pem\n"
	    "trust_anchor = /b.pem\nmax_shrink = 5\nallow_sha1 = yes\n", f);
	fclose(f);
	ck_assert_int_eq(dgcg_conf_tload(&sync_conf_table, path, &c, err, sizeof(err)), DGCG_OK);
	ck_assert_str_eq(c.url, "https://gw.example:8443");
	ck_assert_uint_eq(c.trust_anchor.n, 2);
	ck_assert_str_eq(c.trust_anchor.v[1], "/b.pem");
	ck_assert_uint_eq(c.max_shrink, 5);
	ck_assert_int_eq(c.allow_sha1, 1);
	/* the command line: the first -t replaces, the next adds */
	ck_assert_int_eq(dgcg_conf_tset(&sync_conf_table, &c, "command line (trust_anchor)",
	    "trust_anchor", "/c.pem", 0, err, sizeof(err)), DGCG_OK);
	ck_assert_int_eq(dgcg_conf_tset(&sync_conf_table, &c, "command line (trust_anchor)",
	    "trust_anchor", "/d.pem", 1, err, sizeof(err)), DGCG_OK);
	ck_assert_uint_eq(c.trust_anchor.n, 2);
	ck_assert_str_eq(c.trust_anchor.v[0], "/c.pem");
	/* errors name where, key and why */
	ck_assert_int_eq(dgcg_conf_tset(&sync_conf_table, &c, "command line (url)", "url",
	    "http://gw", 0, err, sizeof(err)), DGCG_ERR_CONFIG);
	ck_assert_str_eq(err, "command line (url): url: must start with https://");
	ck_assert_int_eq(dgcg_conf_tset(&sync_conf_table, &c, "--set", "max_shrink", "101", 0, err,
	    sizeof(err)), DGCG_ERR_CONFIG);
	ck_assert_str_eq(err, "--set: max_shrink: value out of range (0..100)");
	ck_assert_int_eq(dgcg_conf_tset(&sync_conf_table, &c, "--set", "api", "v3", 0, err,
	    sizeof(err)), DGCG_ERR_CONFIG);
	ck_assert_int_eq(dgcg_conf_tset(&sync_conf_table, &c, "--set", "url",
	    "https://gw/trustList", 0, err, sizeof(err)), DGCG_ERR_CONFIG);
	f = fopen(path, "w");
	fputs("url = https://gw\nurl = https://gw2\n", f);
	fclose(f);
	ck_assert_int_eq(dgcg_conf_tload(&sync_conf_table, path, &c, err, sizeof(err)),
	    DGCG_ERR_CONFIG);
	ck_assert_ptr_nonnull(strstr(err, ":2: url: duplicate key (first on line 1)"));
	f = fopen(path, "w");
	fputs("nope = 1\n", f);
	fclose(f);
	ck_assert_int_eq(dgcg_conf_tload(&sync_conf_table, path, &c, err, sizeof(err)),
	    DGCG_ERR_CONFIG);
	ck_assert_ptr_nonnull(strstr(err, ":1: nope: unknown key"));
	/* a failed load leaves c as it was */
	ck_assert_str_eq(c.trust_anchor.v[1], "/d.pem");
	unlink(path);
	sync_conf_free(&c);
	ck_assert_uint_eq(c.trust_anchor.n, 0);
}
END_TEST

static Suite *
make_sync_suite(void)
{
	Suite *s = suite_create("sync");
	TCase *tc = tcase_create("verdicts");

	tcase_add_unchecked_fixture(tc, pki_setup, pki_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_all_verified);
	tcase_add_test(tc, test_reasons);
	tcase_add_test(tc, test_reason_table);
	tcase_add_test(tc, test_precedence);
	tcase_add_test(tc, test_v2_items);
	tcase_add_test(tc, test_guard);
	tcase_add_test(tc, test_render);
	suite_add_tcase(s, tc);
	tc = tcase_create("lists");
	tcase_add_test(tc, test_list_parse);
	tcase_add_test(tc, test_list_merge);
	suite_add_tcase(s, tc);
	tc = tcase_create("conf");
	tcase_add_test(tc, test_conf);
	tcase_add_test(tc, test_manual);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_sync_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
