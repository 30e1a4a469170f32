/* check_trustlist.c: the trust list (domain/trustlist.h) on the in-memory
 * store (t/fake_store.h): which rows it serves (trusted parties whose trust
 * anchor signature verifies, DSCs whose detached CMS verifies and was made by
 * a verified UPLOAD certificate of the row's country), full lists and deltas
 * with tombstones, the order (kid, trusted parties first on a tie), and the
 * per-worker cache that the change counters invalidate. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "domain/reply.h"
#include "domain/signer.h"
#include "domain/trustlist.h"
#include "fake_store.h"
#include "pki/x509.h"
#include "store/data_version.h"
#include "testpki.h"
#include "worker/cache.h"
#include "worker/gateway.h"

Suite *make_trustlist_suite(void);

#define T0	((time_t)1700000000)	/* the old rows */
#define T1	(T0 + 86400)		/* the new rows */

static struct testpki_ta ta;
static struct testpki_party other;	/* no trust anchor */
static struct testpki_party auth_de, up_de, csca_de, up_fr, csca_fr, up_badta, up_lower,
    up_stray, odd_type, wrong_thumb;
static struct testpki_party d1, d2, d3, d4, d5, d6, d7, d8, d9, d10, d11, d12, dnew;

static struct dgcg_gw gw;

#define MAKE(p, key, ...) testpki_party(&(p), (key), &(struct testpki_spec){ __VA_ARGS__ })
#define BY_CSCA .issuer = csca_de.cert, .issuer_key = csca_de.key

static void
pki_setup(void)
{
	EVP_PKEY *k = testpki_ec("P-256"), *kd = testpki_ec("P-256");

	testpki_ta_new(&ta);
	MAKE(other, k, .c = "EU", .cn = "not the TA", .serial = 2);
	MAKE(auth_de, k, .c = "DE", .cn = "Auth DE", .serial = 9);
	MAKE(up_de, k, .c = "DE", .cn = "Upload DE", .serial = 10);
	MAKE(csca_de, k, .c = "DE", .cn = "CSCA DE", .serial = 11);
	MAKE(up_fr, k, .c = "FR", .cn = "Upload FR", .serial = 12);
	MAKE(csca_fr, k, .c = "FR", .cn = "CSCA FR", .serial = 13);
	MAKE(up_badta, k, .c = "DE", .cn = "Upload DE, not TA-signed", .serial = 14);
	MAKE(up_lower, k, .c = "DE", .cn = "Upload de", .serial = 15);
	MAKE(up_stray, k, .c = "DE", .cn = "Upload DE, not onboarded", .serial = 16);
	MAKE(odd_type, k, .c = "DE", .cn = "type unknown", .serial = 17);
	MAKE(wrong_thumb, k, .c = "DE", .cn = "thumbprint column wrong", .serial = 18);
	MAKE(d1, kd, .c = "DE", .cn = "DSC 1", .serial = 101, BY_CSCA);
	MAKE(d2, kd, .c = "DE", .cn = "DSC 2", .serial = 102, BY_CSCA);
	MAKE(d3, kd, .c = "FR", .cn = "DSC 3", .serial = 103, BY_CSCA);
	MAKE(d4, kd, .c = "DE", .cn = "DSC 4", .serial = 104, BY_CSCA);
	MAKE(d5, kd, .c = "DE", .cn = "DSC 5", .serial = 105, BY_CSCA);
	MAKE(d6, kd, .c = "DE", .cn = "DSC 6", .serial = 106, BY_CSCA);
	MAKE(d7, kd, .c = "DE", .cn = "DSC 7", .serial = 107, BY_CSCA);
	MAKE(d8, kd, .c = "DE", .cn = "DSC 8", .serial = 108, BY_CSCA);
	MAKE(d9, kd, .c = "DE", .cn = "DSC 9", .serial = 109, BY_CSCA);
	MAKE(d10, kd, .c = "DE", .cn = "DSC 10", .serial = 110, BY_CSCA);
	MAKE(d11, kd, .c = "DE", .cn = "DSC 11", .serial = 111, BY_CSCA);
	MAKE(d12, kd, .c = "DE", .cn = "DSC 12", .serial = 112, BY_CSCA);
	MAKE(dnew, kd, .c = "DE", .cn = "DSC new", .serial = 113, BY_CSCA);
	EVP_PKEY_free(k);
	EVP_PKEY_free(kd);
}

static void
pki_teardown(void)
{
	struct testpki_party *all[] = { &other, &auth_de, &up_de, &csca_de, &up_fr, &csca_fr,
	    &up_badta, &up_lower, &up_stray, &odd_type, &wrong_thumb, &d1, &d2, &d3, &d4, &d5,
	    &d6, &d7, &d8, &d9, &d10, &d11, &d12, &dnew };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		testpki_party_free(all[i]);
	testpki_ta_free(&ta);
}

/* A DSC row: x's DER with a detached CMS over der_of's DER by signer. */
static void
dsc_row(const char *country, const struct testpki_party *x, const struct testpki_party *der_of,
    const struct testpki_party *signer, const char *thumb, time_t created, time_t deleted)
{
	char *raw = testpki_b64(x->cert);
	char *sig = deleted != 0 ? NULL :
	    testpki_sign_cert(signer->cert, signer->key, der_of->cert, 0, NULL);

	fake_store_si_add(country, thumb != NULL ? thumb : x->thumb, raw, sig, created, deleted);
	free(raw);
	free(sig);
}

static void
world(void)
{
	char *raw, *sig;

	fake_store_reset();
	/* trusted parties: six that verify ... */
	testpki_onboard(auth_de.cert, "DE", DGCG_CT_AUTHENTICATION, ta.cert, ta.key, T0);
	testpki_onboard(up_de.cert, "DE", DGCG_CT_UPLOAD, ta.cert, ta.key, T0);
	testpki_onboard(csca_de.cert, "DE", DGCG_CT_CSCA, ta.cert, ta.key, T0);
	testpki_onboard(up_lower.cert, "de", DGCG_CT_UPLOAD, ta.cert, ta.key, T0);
	testpki_onboard(up_fr.cert, "FR", DGCG_CT_UPLOAD, ta.cert, ta.key, T1);
	testpki_onboard(csca_fr.cert, "FR", DGCG_CT_CSCA, ta.cert, ta.key, T1);
	/* ... and three that do not: not signed by the trust anchor, a
	 * certificate_type dgcg does not know, a thumbprint that is not the
	 * certificate's */
	testpki_onboard(up_badta.cert, "DE", DGCG_CT_UPLOAD, other.cert, other.key, T0);
	testpki_onboard(odd_type.cert, "DE", DGCG_CT__MAX, ta.cert, ta.key, T1);
	raw = testpki_b64(wrong_thumb.cert);
	sig = testpki_sign_cert(ta.cert, ta.key, wrong_thumb.cert, 0, NULL);
	fake_store_tp_add("DE", other.thumb, raw, sig, DGCG_CT_CSCA, T1);
	free(raw);
	free(sig);
	/* DSCs that verify: d1, d2 (new), d3 (FR), and the CSCA DE
	 * certificate uploaded as a DSC too (its kid ties with the CSCA's) */
	dsc_row("DE", &d1, &d1, &up_de, NULL, T0, 0);
	dsc_row("DE", &d2, &d2, &up_de, NULL, T1, 0);
	dsc_row("FR", &d3, &d3, &up_fr, NULL, T1, 0);
	dsc_row("DE", &csca_de, &csca_de, &up_de, NULL, T0, 0);
	/* DSCs that do not: signed by another country's UPLOAD, by an UPLOAD
	 * not onboarded, by one whose row fails the TA check, over another
	 * DER, a thumbprint column not the certificate's, no signature, a
	 * thumbprint that is not hex */
	dsc_row("DE", &d4, &d4, &up_fr, NULL, T1, 0);
	dsc_row("DE", &d5, &d5, &up_stray, NULL, T0, 0);
	dsc_row("DE", &d6, &d6, &up_badta, NULL, T0, 0);
	dsc_row("DE", &d7, &d1, &up_de, NULL, T0, 0);
	dsc_row("DE", &d8, &d8, &up_de, up_stray.thumb, T0, 0);
	raw = testpki_b64(d9.cert);
	fake_store_si_add("DE", d9.thumb, raw, NULL, T0, 0);
	free(raw);
	{
		char t[DGCG_THUMB_HEX_LEN + 1];

		snprintf(t, sizeof(t), "%s", d12.thumb);
		t[10] = 'x';
		dsc_row("DE", &d12, &d12, &up_de, t, T0, 0);
	}
	/* tombstones: an old DSC deleted at T1 + 100, a new one at T1 + 50 */
	dsc_row("DE", &d10, &d10, &up_de, NULL, T0, T1 + 100);
	dsc_row("DE", &d11, &d11, &up_de, NULL, T1, T1 + 50);
}

static void
setup(void)
{
	world();
	testpki_gw_open(&gw, ta.path);
}

static void
teardown(void)
{
	testpki_gw_close(&gw);
	fake_store_reset();
}

/* --- helpers ------------------------------------------------------------------ */

/* The item for thumbprint and source (0 trusted party, 1 DSC), or NULL. */
static const struct dgcg_tl_item *
find(const struct dgcg_tl *tl, const struct testpki_party *p, int src)
{
	size_t i;

	for (i = 0; i < tl->n; i++)
		if (strcmp(tl->v[i].thumbprint, p->thumb) == 0 && tl->v[i].src == src)
			return &tl->v[i];
	return NULL;
}

static void
expect_in(const struct dgcg_tl *tl, const struct testpki_party *p, int src,
    enum dgcg_cert_type type, const char *country)
{
	const struct dgcg_tl_item *it = find(tl, p, src);
	unsigned char *der;
	size_t len;
	char kid[DGCG_KID_LEN + 1];

	ck_assert_msg(it != NULL, "%s (src %d) missing", p->thumb, src);
	ck_assert_int_eq(it->type, type);
	ck_assert_str_eq(it->country, country);
	der = testpki_der(p->cert, &len);
	dgcg_x509_kid(der, len, kid);
	free(der);
	ck_assert_str_eq(it->kid, kid);
}

static void
expect_out(const struct dgcg_tl *tl, const struct testpki_party *p)
{
	ck_assert_msg(find(tl, p, 0) == NULL && find(tl, p, 1) == NULL, "%s listed", p->thumb);
}

/* Sorted by kid; on a tie trusted parties first, then by table order. */
static void
expect_sorted(const struct dgcg_tl *tl)
{
	size_t i;

	for (i = 1; i < tl->n; i++) {
		int c = strcmp(tl->v[i - 1].kid, tl->v[i].kid);

		ck_assert_int_le(c, 0);
		if (c == 0)
			ck_assert_int_le(tl->v[i - 1].src, tl->v[i].src);
	}
}

static void
build(enum dgcg_cert_type type, const char *country, time_t since, struct dgcg_tl *tl)
{
	ck_assert_int_eq(dgcg_tl_build(&gw, type, country, since, tl), DGCG_OK);
	dgcg_gw_request_end(&gw);
	expect_sorted(tl);
}

/* --- which rows ------------------------------------------------------------------ */

START_TEST(full_list_verified_rows_only)
{
	struct dgcg_tl tl;
	const struct dgcg_tl_item *it;
	char *raw;

	build(DGCG_CT__MAX, NULL, -1, &tl);
	ck_assert_uint_eq(tl.n, 10);
	expect_in(&tl, &auth_de, 0, DGCG_CT_AUTHENTICATION, "DE");
	expect_in(&tl, &up_de, 0, DGCG_CT_UPLOAD, "DE");
	expect_in(&tl, &csca_de, 0, DGCG_CT_CSCA, "DE");
	expect_in(&tl, &up_lower, 0, DGCG_CT_UPLOAD, "de");
	expect_in(&tl, &up_fr, 0, DGCG_CT_UPLOAD, "FR");
	expect_in(&tl, &csca_fr, 0, DGCG_CT_CSCA, "FR");
	expect_in(&tl, &d1, 1, DGCG_CT_DSC, "DE");
	expect_in(&tl, &d2, 1, DGCG_CT_DSC, "DE");
	expect_in(&tl, &d3, 1, DGCG_CT_DSC, "FR");
	expect_in(&tl, &csca_de, 1, DGCG_CT_DSC, "DE");
	expect_out(&tl, &up_badta);
	expect_out(&tl, &odd_type);
	expect_out(&tl, &wrong_thumb);
	expect_out(&tl, &other);
	expect_out(&tl, &d4);
	expect_out(&tl, &d5);
	expect_out(&tl, &d6);
	expect_out(&tl, &d7);
	expect_out(&tl, &d8);
	expect_out(&tl, &d9);
	expect_out(&tl, &d12);
	expect_out(&tl, &d10);	/* tombstones: deltas only */
	expect_out(&tl, &d11);
	/* every item carries its certificate and signature */
	it = find(&tl, &d1, 1);
	raw = testpki_b64(d1.cert);
	ck_assert_str_eq(it->raw_data, raw);
	free(raw);
	ck_assert_ptr_nonnull(it->signature);
	ck_assert_int_eq(it->timestamp, T0);
	dgcg_tl_free(&tl);
}
END_TEST

/* The CSCA DE certificate is also a DSC row: same kid, the trusted party
 * comes first. */
START_TEST(kid_tie_trusted_party_first)
{
	struct dgcg_tl tl;
	size_t i;

	build(DGCG_CT__MAX, NULL, -1, &tl);
	for (i = 0; i < tl.n && strcmp(tl.v[i].thumbprint, csca_de.thumb) != 0; i++)
		;
	ck_assert_uint_lt(i + 1, tl.n);
	ck_assert_int_eq(tl.v[i].src, 0);
	ck_assert_int_eq(tl.v[i].type, DGCG_CT_CSCA);
	ck_assert_str_eq(tl.v[i + 1].thumbprint, csca_de.thumb);
	ck_assert_int_eq(tl.v[i + 1].src, 1);
	ck_assert_int_eq(tl.v[i + 1].type, DGCG_CT_DSC);
	ck_assert_str_eq(tl.v[i].kid, tl.v[i + 1].kid);
	dgcg_tl_free(&tl);
}
END_TEST

START_TEST(by_type_and_country)
{
	struct dgcg_tl tl;

	/* the country matches exactly (the column's collation would not) */
	build(DGCG_CT_UPLOAD, "DE", -1, &tl);
	ck_assert_uint_eq(tl.n, 1);
	expect_in(&tl, &up_de, 0, DGCG_CT_UPLOAD, "DE");
	dgcg_tl_free(&tl);
	build(DGCG_CT_DSC, "DE", -1, &tl);
	ck_assert_uint_eq(tl.n, 3);
	expect_in(&tl, &d1, 1, DGCG_CT_DSC, "DE");
	expect_in(&tl, &d2, 1, DGCG_CT_DSC, "DE");
	expect_in(&tl, &csca_de, 1, DGCG_CT_DSC, "DE");
	dgcg_tl_free(&tl);
	build(DGCG_CT_CSCA, NULL, -1, &tl);
	ck_assert_uint_eq(tl.n, 2);
	expect_in(&tl, &csca_de, 0, DGCG_CT_CSCA, "DE");
	expect_in(&tl, &csca_fr, 0, DGCG_CT_CSCA, "FR");
	dgcg_tl_free(&tl);
	build(DGCG_CT_DSC, "FR", -1, &tl);
	ck_assert_uint_eq(tl.n, 1);
	expect_in(&tl, &d3, 1, DGCG_CT_DSC, "FR");
	dgcg_tl_free(&tl);
	build(DGCG_CT_AUTHENTICATION, "FR", -1, &tl);
	ck_assert_uint_eq(tl.n, 0);
	dgcg_tl_free(&tl);
}
END_TEST

/* A delta: trusted parties created, DSCs created or deleted at or after
 * since, deleted ones as tombstones (no certificate, no signature). */
START_TEST(delta_with_tombstones)
{
	struct dgcg_tl tl;
	const struct dgcg_tl_item *it;
	size_t len;
	char *json;

	build(DGCG_CT__MAX, NULL, T1, &tl);
	ck_assert_uint_eq(tl.n, 6);
	expect_in(&tl, &up_fr, 0, DGCG_CT_UPLOAD, "FR");
	expect_in(&tl, &csca_fr, 0, DGCG_CT_CSCA, "FR");
	expect_in(&tl, &d2, 1, DGCG_CT_DSC, "DE");
	expect_in(&tl, &d3, 1, DGCG_CT_DSC, "FR");
	expect_in(&tl, &d10, 1, DGCG_CT_DSC, "DE");
	expect_in(&tl, &d11, 1, DGCG_CT_DSC, "DE");
	expect_out(&tl, &d1);
	expect_out(&tl, &d4);
	expect_out(&tl, &odd_type);
	it = find(&tl, &d10, 1);
	ck_assert_ptr_null(it->raw_data);
	ck_assert_ptr_null(it->signature);
	ck_assert_int_eq(it->timestamp, T0);	/* created_at, not the deletion */
	ck_assert_ptr_null(find(&tl, &d11, 1)->signature);
	json = dgcg_tl_json(&tl, 0, tl.n, &len);
	ck_assert_ptr_nonnull(strstr(json, "\"signature\":null,\"rawData\":null"));
	free(json);
	dgcg_tl_free(&tl);
	/* later than the newest change: an empty delta */
	build(DGCG_CT__MAX, NULL, T1 + 51, &tl);
	ck_assert_uint_eq(tl.n, 1);
	expect_in(&tl, &d10, 1, DGCG_CT_DSC, "DE");
	dgcg_tl_free(&tl);
	build(DGCG_CT__MAX, NULL, T1 + 101, &tl);
	ck_assert_uint_eq(tl.n, 0);
	dgcg_tl_free(&tl);
	/* the delta of DE's DSCs */
	build(DGCG_CT_DSC, "DE", T1, &tl);
	ck_assert_uint_eq(tl.n, 3);
	dgcg_tl_free(&tl);
}
END_TEST

START_TEST(db_failure)
{
	struct dgcg_tl tl;
	struct dgcg_tl_cached c;

	fake_store_fail("dgcg_db_si_select", 0, 1, 0);
	ck_assert_int_eq(dgcg_tl_build(&gw, DGCG_CT__MAX, NULL, -1, &tl), DGCG_ERR_DB);
	ck_assert_uint_eq(tl.n, 0);
	ck_assert_ptr_null(tl.v);
	dgcg_gw_request_end(&gw);
	fake_store_fail("dgcg_db_tp_select", 0, 1, 1);	/* the UPLOAD certificates */
	ck_assert_int_eq(dgcg_tl_build(&gw, DGCG_CT_DSC, NULL, -1, &tl), DGCG_ERR_DB);
	ck_assert_uint_eq(tl.n, 0);
	dgcg_gw_request_end(&gw);
	/* the counters cannot be read: nothing is cached, the list fails */
	fake_store_fail("dgcg_db_versions", 0, 1, 1);
	ck_assert_int_eq(dgcg_tl_get(&gw, DGCG_CT__MAX, NULL, &c), DGCG_ERR_DB);
	dgcg_gw_request_end(&gw);
	ck_assert_int_eq(dgcg_tl_get(&gw, DGCG_CT__MAX, NULL, &c), DGCG_OK);
	ck_assert_uint_eq(c.list->n, 10);
}
END_TEST

/* --- the cache -------------------------------------------------------------------- */

static struct dgcg_tl_cached
get(enum dgcg_cert_type type, const char *country)
{
	struct dgcg_tl_cached c;

	ck_assert_int_eq(dgcg_tl_get(&gw, type, country, &c), DGCG_OK);
	dgcg_gw_request_end(&gw);
	return c;
}

START_TEST(cache_served_until_a_write)
{
	struct dgcg_tl_cached a, b;
	struct dgcg_cache_stats st;
	char etag[40];
	unsigned reads;

	a = get(DGCG_CT__MAX, NULL);
	ck_assert_uint_eq(a.list->n, 10);
	ck_assert_ptr_null(a.file);	/* no cache_dir */
	ck_assert_uint_eq(strlen(a.etag), 34);
	snprintf(etag, sizeof(etag), "%s", a.etag);
	reads = fake_store_calls("dgcg_db_si_select");
	/* the next request: the same list, no table read, one counter read */
	b = get(DGCG_CT__MAX, NULL);
	ck_assert_ptr_eq(b.list, a.list);
	ck_assert_ptr_eq(b.body, a.body);
	ck_assert_str_eq(b.etag, etag);
	ck_assert_uint_eq(fake_store_calls("dgcg_db_si_select"), reads);
	dgcg_cache_stats(&gw, DGCG_CACHE_TRUSTLIST, &st);
	ck_assert_uint_eq(st.hits, 1);
	/* a change to a table the list does not derive from */
	fake_store_bump(DGCG_T_VALIDATION_RULE);
	b = get(DGCG_CT__MAX, NULL);
	ck_assert_ptr_eq(b.body, a.body);
	ck_assert_uint_eq(fake_store_calls("dgcg_db_si_select"), reads);
	/* a new DSC (the counter moves): rebuilt with it */
	dsc_row("DE", &dnew, &dnew, &up_de, NULL, T1, 0);
	b = get(DGCG_CT__MAX, NULL);
	ck_assert_uint_eq(fake_store_calls("dgcg_db_si_select"), reads + 1);
	ck_assert_uint_eq(b.list->n, 11);
	ck_assert_str_ne(b.etag, etag);
	snprintf(etag, sizeof(etag), "%s", b.etag);
	/* a counter moved without a visible change: rebuilt, same content */
	fake_store_bump(DGCG_T_TRUSTED_PARTY);
	b = get(DGCG_CT__MAX, NULL);
	ck_assert_uint_eq(fake_store_calls("dgcg_db_si_select"), reads + 2);
	ck_assert_str_eq(b.etag, etag);
	/* the DSC verdicts were remembered by content */
	dgcg_cache_stats(&gw, DGCG_CACHE_DSC_VERDICT, &st);
	ck_assert_uint_ge(st.hits, 11);
}
END_TEST

/* The counters are read once per request: within one request a write is
 * not seen yet (the next request sees it). */
START_TEST(cache_counters_per_request)
{
	struct dgcg_tl_cached a, b;
	unsigned reads;

	ck_assert_int_eq(dgcg_tl_get(&gw, DGCG_CT__MAX, NULL, &a), DGCG_OK);
	reads = fake_store_calls("dgcg_db_si_select");
	dsc_row("DE", &dnew, &dnew, &up_de, NULL, T1, 0);
	ck_assert_int_eq(dgcg_tl_get(&gw, DGCG_CT__MAX, NULL, &b), DGCG_OK);
	ck_assert_ptr_eq(b.list, a.list);
	ck_assert_uint_eq(fake_store_calls("dgcg_db_si_select"), reads);
	dgcg_gw_request_end(&gw);
	b = get(DGCG_CT__MAX, NULL);
	ck_assert_uint_eq(b.list->n, 11);
}
END_TEST

START_TEST(cache_per_type_and_country)
{
	struct dgcg_tl_cached all, de, de2;
	unsigned reads, counters;

	all = get(DGCG_CT__MAX, NULL);
	de = get(DGCG_CT_DSC, "DE");
	ck_assert_uint_eq(all.list->n, 10);
	ck_assert_uint_eq(de.list->n, 3);
	reads = fake_store_calls(NULL);
	counters = fake_store_calls("dgcg_db_versions");
	de2 = get(DGCG_CT_DSC, "DE");
	ck_assert_ptr_eq(de2.list, de.list);
	all = get(DGCG_CT__MAX, NULL);
	ck_assert_uint_eq(all.list->n, 10);
	/* two requests, each one counter read and nothing else */
	ck_assert_uint_eq(fake_store_calls(NULL), reads + 2);
	ck_assert_uint_eq(fake_store_calls("dgcg_db_versions"), counters + 2);
}
END_TEST

/* trustlist_cache off: every request builds and verifies again. */
START_TEST(cache_off)
{
	unsigned reads;

	gw.conf.trustlist_cache = 0;
	(void)get(DGCG_CT__MAX, NULL);
	reads = fake_store_calls("dgcg_db_si_select");
	(void)get(DGCG_CT__MAX, NULL);
	(void)get(DGCG_CT__MAX, NULL);
	ck_assert_uint_eq(fake_store_calls("dgcg_db_si_select"), reads + 2);
}
END_TEST

/* A DSC uploaded through dgcg_signer_upload is what the trust list serves. */
START_TEST(upload_then_list)
{
	struct dgcg_identity id;
	struct dgcg_reply r;
	struct dgcg_tl_cached c;
	const struct dgcg_si *rows;
	size_t n, i;
	char *b = testpki_sign_cert(up_de.cert, up_de.key, dnew.cert, 1, NULL);

	c = get(DGCG_CT_DSC, "DE");
	ck_assert_uint_eq(c.list->n, 3);
	memset(&id, 0, sizeof(id));
	snprintf(id.country, sizeof(id.country), "%s", "DE");
	snprintf(id.thumbprint, sizeof(id.thumbprint), "%s", auth_de.thumb);
	dgcg_reply_init(&r);
	dgcg_signer_upload(&gw, &id, b, strlen(b), &r);
	dgcg_gw_request_end(&gw);
	ck_assert_int_eq(r.status, 201);
	dgcg_reply_clear(&r);
	free(b);
	c = get(DGCG_CT_DSC, "DE");
	ck_assert_uint_eq(c.list->n, 4);
	expect_in(c.list, &dnew, 1, DGCG_CT_DSC, "DE");
	rows = fake_store_si_rows(&n);
	for (i = 0; i < n && strcmp(rows[i].thumbprint, dnew.thumb) != 0; i++)
		;
	ck_assert_uint_lt(i, n);
	ck_assert_int_eq(find(c.list, &dnew, 1)->timestamp, rows[i].created_at);
	ck_assert_str_eq(find(c.list, &dnew, 1)->signature, rows[i].signature);
}
END_TEST

Suite *
make_trustlist_suite(void)
{
	Suite *s = suite_create("trustlist");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, pki_setup, pki_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, full_list_verified_rows_only);
	tcase_add_test(tc, kid_tie_trusted_party_first);
	tcase_add_test(tc, by_type_and_country);
	tcase_add_test(tc, delta_with_tombstones);
	tcase_add_test(tc, db_failure);
	tcase_add_test(tc, cache_served_until_a_write);
	tcase_add_test(tc, cache_counters_per_request);
	tcase_add_test(tc, cache_per_type_and_country);
	tcase_add_test(tc, cache_off);
	tcase_add_test(tc, upload_then_list);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_trustlist_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
