/* check_signer.c: DSC upload and delete (domain/signer.h) on the in-memory
 * store (t/fake_store.h), with a PKI made here: a trust anchor, UPLOAD and
 * CSCA certificates onboarded as trusted_party rows with its signatures,
 * DSCs issued by the CSCA. Every answer of the check order is asserted
 * with its problem row and whether it was audited; database failures
 * (fake_store_fail) with what is left in the tables. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "base/codec.h"
#include "domain/problem.h"
#include "domain/reply.h"
#include "domain/signer.h"
#include "fake_store.h"
#include "pki/cms.h"
#include "pki/x509.h"
#include "store/data_version.h"
#include "testpki.h"
#include "worker/gateway.h"

Suite *make_signer_suite(void);

#define UPLOAD_OK	"postVerificationInformation successful executed"
#define UPLOAD_BAD	"postVerificationInformation triggered BAD_REQUEST"
#define DELETE_OK	"revokeVerificationInformation triggered SUCCESS"
#define DELETE_BAD	"revokeVerificationInformation triggered BAD_REQUEST"
#define DELETE_MISSING	"revokeVerificationInformation triggered EXIST_CHECK_FAILED"
#define CALLER		"a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"

/* The PKI, made once by the unchecked fixture (the tests run forked). */
static struct testpki_ta ta;
static struct testpki_party other;	/* a CA that is no trust anchor */
static struct testpki_party up, up_fr, up_weak, up_expired, up_badta, up_stray;
static struct testpki_party csca, csca_fr;
static struct testpki_party dsc, dsc2, dsc_fr, dsc_noc, dsc_twoc, dsc_v1, dsc_weak, dsc_sha1,
    dsc_expired, dsc_self, dsc_by_fr;

/* Per test. */
static struct dgcg_gw gw;
static struct dgcg_identity id;
static struct dgcg_reply r;

/* p: a certificate for key made by the spec's fields */
#define MAKE(p, key, ...) testpki_party(&(p), (key), &(struct testpki_spec){ __VA_ARGS__ })
#define BY_CSCA .issuer = csca.cert, .issuer_key = csca.key

static void
pki_setup(void)
{
	EVP_PKEY *k = testpki_ec("P-256"), *ku = testpki_ec("P-256"), *kd = testpki_ec("P-256");
	EVP_PKEY *k224 = testpki_ec("P-224");

	testpki_ta_new(&ta);
	MAKE(other, k, .c = "EU", .cn = "not the TA", .serial = 2);
	MAKE(up, ku, .c = "DE", .cn = "Upload DE", .serial = 10);
	MAKE(up_fr, k, .c = "FR", .cn = "Upload FR", .serial = 11);
	MAKE(up_weak, k224, .c = "DE", .cn = "Upload DE P-224", .serial = 12);
	MAKE(up_expired, k, .c = "DE", .cn = "Upload DE expired", .serial = 13,
	    .nb_days = -400, .na_days = -1);
	MAKE(up_badta, k, .c = "DE", .cn = "Upload DE bad TA sig", .serial = 14);
	MAKE(up_stray, k, .c = "DE", .cn = "Upload DE not onboarded", .serial = 15);
	MAKE(csca, k, .c = "DE", .cn = "CSCA DE", .serial = 20);
	MAKE(csca_fr, k, .c = "FR", .cn = "CSCA FR", .serial = 21);
	MAKE(dsc, kd, .c = "DE", .cn = "DSC 1", .serial = 30, BY_CSCA);
	MAKE(dsc2, kd, .c = "DE", .cn = "DSC 2", .serial = 31, BY_CSCA);
	MAKE(dsc_fr, kd, .c = "FR", .cn = "DSC FR", .serial = 32, BY_CSCA);
	MAKE(dsc_noc, kd, .cn = "DSC no C", .serial = 33, BY_CSCA);
	MAKE(dsc_twoc, kd, .c = "DE", .c2 = "DE", .cn = "DSC two C", .serial = 34, BY_CSCA);
	MAKE(dsc_v1, kd, .c = "DE", .cn = "DSC v1", .serial = 35, .v1 = 1, BY_CSCA);
	MAKE(dsc_weak, k224, .c = "DE", .cn = "DSC P-224", .serial = 36, BY_CSCA);
	MAKE(dsc_sha1, kd, .c = "DE", .cn = "DSC SHA-1", .serial = 37, .md = EVP_sha1(), BY_CSCA);
	MAKE(dsc_expired, kd, .c = "DE", .cn = "DSC expired", .serial = 38, .nb_days = -400,
	    .na_days = -1, BY_CSCA);
	MAKE(dsc_self, kd, .c = "DE", .cn = "DSC self-signed", .serial = 39);
	MAKE(dsc_by_fr, kd, .c = "DE", .cn = "DSC by CSCA FR", .serial = 40,
	    .issuer = csca_fr.cert, .issuer_key = csca_fr.key);
	EVP_PKEY_free(k);
	EVP_PKEY_free(ku);
	EVP_PKEY_free(kd);
	EVP_PKEY_free(k224);
}

static void
pki_teardown(void)
{
	struct testpki_party *all[] = { &other, &up, &up_fr, &up_weak, &up_expired, &up_badta,
	    &up_stray, &csca, &csca_fr, &dsc, &dsc2, &dsc_fr, &dsc_noc, &dsc_twoc, &dsc_v1,
	    &dsc_weak, &dsc_sha1, &dsc_expired, &dsc_self, &dsc_by_fr };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		testpki_party_free(all[i]);
	testpki_ta_free(&ta);
}

static void
onboard(const struct testpki_party *p, const char *country, enum dgcg_cert_type type)
{
	testpki_onboard(p->cert, country, type, ta.cert, ta.key, time(NULL) - 3600);
}

/* The trusted parties of every test: DE's UPLOAD certificates (one with a
 * signature that is not the trust anchor's), FR's, and both CSCAs. */
static void
world(void)
{
	fake_store_reset();
	onboard(&up, "DE", DGCG_CT_UPLOAD);
	onboard(&up_fr, "FR", DGCG_CT_UPLOAD);
	onboard(&up_weak, "DE", DGCG_CT_UPLOAD);
	onboard(&up_expired, "DE", DGCG_CT_UPLOAD);
	testpki_onboard(up_badta.cert, "DE", DGCG_CT_UPLOAD, other.cert, other.key,
	    time(NULL) - 3600);
	onboard(&csca, "DE", DGCG_CT_CSCA);
	onboard(&csca_fr, "FR", DGCG_CT_CSCA);
}

static void
setup(void)
{
	world();
	testpki_gw_open(&gw, ta.path);
	memset(&id, 0, sizeof(id));
	snprintf(id.country, sizeof(id.country), "%s", "DE");
	snprintf(id.thumbprint, sizeof(id.thumbprint), "%s", CALLER);
	dgcg_reply_init(&r);
}

static void
teardown(void)
{
	dgcg_reply_clear(&r);
	testpki_gw_close(&gw);
	fake_store_reset();
}

/* --- helpers ------------------------------------------------------------------ */

/* The body of an upload or delete: an attached CMS over the DSC's DER. */
static char *
body(const struct testpki_party *signer, const struct testpki_party *payload)
{
	return testpki_sign_cert(signer->cert, signer->key, payload->cert, 1, NULL);
}

/* One request each, as the worker runs it (the counters read afresh). */
static void
upload_raw(const char *b)
{
	dgcg_reply_clear(&r);
	dgcg_signer_upload(&gw, &id, b, strlen(b), &r);
	dgcg_gw_request_end(&gw);
}

static void
delete_raw(const char *b)
{
	dgcg_reply_clear(&r);
	dgcg_signer_delete(&gw, &id, b, strlen(b), &r);
	dgcg_gw_request_end(&gw);
}

static void
upload(const struct testpki_party *signer, const struct testpki_party *payload)
{
	char *b = body(signer, payload);

	upload_raw(b);
	free(b);
}

static void
delete(const struct testpki_party *signer, const struct testpki_party *payload)
{
	char *b = body(signer, payload);

	delete_raw(b);
	free(b);
}

#define expect(st, p) do {							\
	ck_assert_msg(r.status == (st) && r.prob == (p),			\
	    "status %d prob %s (details: %s), want %d %s", r.status,		\
	    dgcg_prob_info(r.prob)->name, r.details ? r.details : "", (st),	\
	    dgcg_prob_info(p)->name);						\
} while (0)

static void
expect_details(const char *want)
{
	ck_assert_ptr_nonnull(r.details);
	ck_assert_msg(strstr(r.details, want) != NULL, "details \"%s\" lack \"%s\"", r.details,
	    want);
}

/* The newest audit event is n-th, with this event, description and signer. */
static void
expect_audit(size_t n, const char *event, const char *desc, const struct testpki_party *signer)
{
	const struct fake_audit *a = fake_store_audit_last();

	ck_assert_uint_eq(fake_store_audit_count(), n);
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->event, event);
	ck_assert_str_eq(a->description, desc);
	ck_assert_str_eq(a->country, "DE");
	ck_assert_str_eq(a->auth, CALLER);
	ck_assert_str_eq(a->uploader, signer->thumb);
}

static size_t
si_count(void)
{
	size_t n;

	(void)fake_store_si_rows(&n);
	return n;
}

static const struct dgcg_si *
si_row(const char *thumb)
{
	const struct dgcg_si *v;
	size_t n, i;

	v = fake_store_si_rows(&n);
	for (i = 0; i < n; i++)
		if (strcmp(v[i].thumbprint, thumb) == 0)
			return &v[i];
	return NULL;
}

/* --- upload ------------------------------------------------------------------- */

START_TEST(upload_stores_detached)
{
	const struct dgcg_si *row;
	struct dgcg_cms *cms = NULL;
	unsigned char *der, *sder;
	size_t dlen, slen;
	long long v0 = fake_store_version(DGCG_T_SIGNER_INFORMATION);
	char *raw;

	upload(&up, &dsc);
	expect(201, DGCG_P_NONE);
	ck_assert_ptr_null(r.details);
	ck_assert_uint_eq(si_count(), 1);
	row = si_row(dsc.thumb);
	ck_assert_ptr_nonnull(row);
	ck_assert_str_eq(row->country, "DE");
	ck_assert_int_eq(row->deleted_at, 0);
	raw = testpki_b64(dsc.cert);
	ck_assert_str_eq(row->raw_data, raw);
	free(raw);
	ck_assert_int_eq(fake_store_version(DGCG_T_SIGNER_INFORMATION), v0 + 1);
	/* The signature is the upload's CMS, detached: it no longer carries
	 * the DSC, verifies over its DER, and was made by the UPLOAD key. */
	ck_assert_ptr_nonnull(row->signature);
	ck_assert_int_eq(dgcg_cms_parse_b64(row->signature, strlen(row->signature), NULL, 0,
	    DGCG_CMS_PAYLOAD_CERT, &cms), DGCG_CMS_DETACHED);
	der = testpki_der(dsc.cert, &dlen);
	ck_assert_int_eq(dgcg_cms_parse_b64(row->signature, strlen(row->signature), der, dlen,
	    DGCG_CMS_PAYLOAD_ANY, &cms), DGCG_CMS_OK);
	ck_assert_int_eq(dgcg_cms_verify(cms, DGCG_DIGESTS_SHA2, NULL), DGCG_OK);
	sder = testpki_der(up.cert, &slen);
	{
		size_t l;
		const unsigned char *p = dgcg_cms_signer_der(cms, &l);

		ck_assert_uint_eq(l, slen);
		ck_assert_mem_eq(p, sder, slen);
	}
	dgcg_cms_free(cms);
	free(der);
	free(sder);
	expect_audit(1, "SUCCESS", UPLOAD_OK, &up);
}
END_TEST

START_TEST(upload_parse_refused)
{
	static const char junk[] = "aGVsbG8gd29ybGQ=";	/* "hello world" */
	char *b;

	upload_raw("%%% not base64 %%%");
	expect(400, DGCG_P_CMS_BASE64);
	ck_assert_str_eq(dgcg_prob_info(r.prob)->code, "0x402");
	upload_raw(junk);
	expect(400, DGCG_P_CMS_PARSE);
	b = testpki_sign(up.cert, up.key, "hello", 5, 1, NULL);
	upload_raw(b);
	expect(400, DGCG_P_CMS_NOT_CERT);
	free(b);
	b = testpki_sign_cert(up.cert, up.key, dsc.cert, 0, NULL);
	upload_raw(b);
	expect(400, DGCG_P_CMS_DETACHED);
	free(b);
	/* a CMS that does not parse is never audited */
	ck_assert_uint_eq(fake_store_audit_count(), 0);
	ck_assert_uint_eq(si_count(), 0);
}
END_TEST

START_TEST(upload_signature_refused)
{
	unsigned char *der;
	size_t dlen;
	char *b = body(&up, &dsc), *bad;

	der = testpki_der(dsc.cert, &dlen);
	bad = testpki_flip(b, der, dlen);
	upload_raw(bad);
	expect(400, DGCG_P_DSC_SIGNATURE);
	ck_assert_str_eq(dgcg_prob_info(r.prob)->code, "0x009");
	ck_assert_ptr_nonnull(r.send_value);	/* the payload's thumbprint */
	ck_assert_uint_eq(strlen(r.send_value), DGCG_THUMB_HEX_LEN);
	ck_assert_uint_eq(fake_store_audit_count(), 0);
	ck_assert_uint_eq(si_count(), 0);
	free(der);
	free(bad);
	free(b);
}
END_TEST

/* Step 3: the signer must be a verified UPLOAD row of the caller's country. */
START_TEST(upload_signer_not_uploader)
{
	char want[256];

	upload(&up_fr, &dsc);
	expect(400, DGCG_P_UPLOAD_BAD);
	ck_assert_str_eq(dgcg_prob_info(r.prob)->code, "0x004");
	snprintf(want, sizeof(want),
	    "Could not find upload certificate with hash %s and country DE", up_fr.thumb);
	ck_assert_str_eq(r.details, want);
	ck_assert_str_eq(r.send_value, dsc.thumb);
	expect_audit(1, "BAD_REQUEST", UPLOAD_BAD, &up_fr);
	upload(&up_stray, &dsc);
	expect(400, DGCG_P_UPLOAD_BAD);
	expect_audit(2, "BAD_REQUEST", UPLOAD_BAD, &up_stray);
	/* onboarded, but its row's signature is not the trust anchor's */
	upload(&up_badta, &dsc);
	expect(400, DGCG_P_UPLOAD_BAD);
	expect_audit(3, "BAD_REQUEST", UPLOAD_BAD, &up_badta);
	ck_assert_uint_eq(si_count(), 0);
}
END_TEST

/* Step 4, SecReq-042: the CMS digest, the signer's key size and validity. */
START_TEST(upload_signer_policy)
{
	char *b = testpki_sign_cert(up.cert, up.key, dsc.cert, 1, EVP_sha1());

	upload_raw(b);
	expect(400, DGCG_P_UPLOAD_BAD);
	expect_audit(1, "BAD_REQUEST", UPLOAD_BAD, &up);
	upload(&up_weak, &dsc);
	expect(400, DGCG_P_UPLOAD_BAD);
	expect_details("Upload certificate: ");
	expect_audit(2, "BAD_REQUEST", UPLOAD_BAD, &up_weak);
	/* An expired signer: a CMS with signingTime fails the signature
	 * check already (step 2, the reference's Bouncy Castle), one without
	 * signed attributes reaches step 4. */
	upload(&up_expired, &dsc);
	expect(400, DGCG_P_DSC_SIGNATURE);
	ck_assert_uint_eq(fake_store_audit_count(), 2);
	free(b);
	b = testpki_sign_cert_noattr(up_expired.cert, up_expired.key, dsc.cert);
	upload_raw(b);
	expect(400, DGCG_P_UPLOAD_BAD);
	expect_details("Upload certificate (CMS signer) ");
	expect_audit(3, "BAD_REQUEST", UPLOAD_BAD, &up_expired);
	ck_assert_uint_eq(si_count(), 0);
	/* each rule can be relaxed */
	gw.conf.check_upload_expiry = 0;
	upload_raw(b);
	expect(201, DGCG_P_NONE);
	free(b);
	b = testpki_sign_cert(up.cert, up.key, dsc2.cert, 1, EVP_sha1());
	gw.conf.allow_sha1 = 1;
	upload_raw(b);
	expect(201, DGCG_P_NONE);
	ck_assert_uint_eq(si_count(), 2);
	free(b);
}
END_TEST

/* Step 5 of the reference: the DSC's own subject country. */
START_TEST(upload_dsc_country)
{
	upload(&up, &dsc_fr);
	expect(400, DGCG_P_UPLOAD_BAD);
	ck_assert_str_eq(r.details, "Uploaded certificate is not issued for uploader country.");
	ck_assert_str_eq(r.send_value, dsc_fr.thumb);
	expect_audit(1, "BAD_REQUEST", UPLOAD_BAD, &up);
	upload(&up, &dsc_noc);
	expect(400, DGCG_P_UPLOAD_BAD);
	ck_assert_str_eq(r.details, "Uploaded certificate contains no country property.");
	expect_audit(2, "BAD_REQUEST", UPLOAD_BAD, &up);
	upload(&up, &dsc_twoc);
	expect(400, DGCG_P_UPLOAD_BAD);
	ck_assert_str_eq(r.details,
	    "Uploaded certificate contains more than one country property.");
	expect_audit(3, "BAD_REQUEST", UPLOAD_BAD, &up);
	ck_assert_uint_eq(si_count(), 0);
}
END_TEST

/* The design document's DSC rules: v3, key size, signature hash, validity. */
START_TEST(upload_dsc_strict)
{
	const struct testpki_party *bad[] = { &dsc_v1, &dsc_weak, &dsc_sha1, &dsc_expired };
	size_t i;

	for (i = 0; i < 4; i++) {
		upload(&up, bad[i]);
		expect(400, DGCG_P_UPLOAD_BAD);
		expect_details("Uploaded certificate");
		ck_assert_str_eq(r.send_value, bad[i]->thumb);
		expect_audit(i + 1, "BAD_REQUEST", UPLOAD_BAD, &up);
	}
	ck_assert_uint_eq(si_count(), 0);
	gw.conf.require_x509v3 = 0;
	upload(&up, &dsc_v1);
	expect(201, DGCG_P_NONE);
	gw.conf.check_dsc_expiry = 0;
	upload(&up, &dsc_expired);
	expect(201, DGCG_P_NONE);
	gw.conf.allow_sha1 = 1;
	upload(&up, &dsc_sha1);
	expect(201, DGCG_P_NONE);
	gw.conf.min_ec_bits = 224;
	upload(&up, &dsc_weak);
	expect(201, DGCG_P_NONE);
	ck_assert_uint_eq(si_count(), 4);
}
END_TEST

/* The DSC must be issued (name and signature) by a verified CSCA of the
 * country. */
START_TEST(upload_csca)
{
	static const char want[] = "Uploaded certificate is not issued (issuer name and "
	    "signature) by a CSCA of country DE";

	upload(&up, &dsc_self);
	expect(400, DGCG_P_UPLOAD_BAD);
	ck_assert_str_eq(r.details, want);
	expect_audit(1, "BAD_REQUEST", UPLOAD_BAD, &up);
	upload(&up, &dsc_by_fr);
	expect(400, DGCG_P_UPLOAD_BAD);
	ck_assert_str_eq(r.details, want);
	expect_audit(2, "BAD_REQUEST", UPLOAD_BAD, &up);
	ck_assert_uint_eq(si_count(), 0);
}
END_TEST

START_TEST(upload_csca_none_verified)
{
	/* DE's CSCA row carries a signature that is not the trust anchor's */
	fake_store_reset();
	onboard(&up, "DE", DGCG_CT_UPLOAD);
	testpki_onboard(csca.cert, "DE", DGCG_CT_CSCA, other.cert, other.key, 1);
	upload(&up, &dsc);
	expect(400, DGCG_P_UPLOAD_BAD);
	ck_assert_str_eq(r.details, "CSCA list for country DE is empty");
	expect_audit(1, "BAD_REQUEST", UPLOAD_BAD, &up);
}
END_TEST

/* Step 6: a live DSC again is 409 and not audited. */
START_TEST(upload_duplicate)
{
	char want[160];

	upload(&up, &dsc);
	expect(201, DGCG_P_NONE);
	upload(&up, &dsc);
	expect(409, DGCG_P_DSC_EXISTS);
	ck_assert_str_eq(dgcg_prob_info(r.prob)->code, "0x002");
	snprintf(want, sizeof(want), "Certificate with thumbprint %s already exists", dsc.thumb);
	ck_assert_str_eq(r.details, want);
	ck_assert_uint_eq(fake_store_audit_count(), 1);	/* the first upload's */
	ck_assert_uint_eq(si_count(), 1);
}
END_TEST

/* Step 7: another certificate with the same kid (first 8 bytes of the
 * thumbprint), a tombstone too. */
START_TEST(upload_kid_collision)
{
	char t[DGCG_THUMB_HEX_LEN + 1];

	snprintf(t, sizeof(t), "%.16s%048d", dsc.thumb, 0);
	fake_store_si_add("FR", t, "AAAA", "AAAA", 1, 0);
	upload(&up, &dsc);
	expect(400, DGCG_P_UPLOAD_BAD);
	ck_assert_str_eq(r.details, "A certificate with KID of uploaded certificate already exists");
	expect_audit(1, "BAD_REQUEST", UPLOAD_BAD, &up);
	snprintf(t, sizeof(t), "%.16s%048d", dsc2.thumb, 1);
	fake_store_si_add("DE", t, "AAAA", NULL, 1, 2);
	upload(&up, &dsc2);
	expect(400, DGCG_P_UPLOAD_BAD);
	expect_audit(2, "BAD_REQUEST", UPLOAD_BAD, &up);
	ck_assert_uint_eq(si_count(), 2);	/* the two seeded rows */
}
END_TEST

/* A deleted DSC may come back: its tombstone goes in the same transaction. */
START_TEST(reupload_after_delete)
{
	const struct dgcg_si *row;
	long long first;

	upload(&up, &dsc);
	expect(201, DGCG_P_NONE);
	first = si_row(dsc.thumb)->id;
	delete(&up, &dsc);
	expect(204, DGCG_P_NONE);
	upload(&up, &dsc);
	expect(201, DGCG_P_NONE);
	ck_assert_uint_eq(si_count(), 1);
	row = si_row(dsc.thumb);
	ck_assert_int_ne(row->id, first);
	ck_assert_int_eq(row->deleted_at, 0);
	ck_assert_ptr_nonnull(row->signature);
	expect_audit(3, "SUCCESS", UPLOAD_OK, &up);
}
END_TEST

/* A database failure inside the transaction leaves nothing: no row, no
 * event, the counter where it was; the client gets 503. */
START_TEST(upload_db_failure_rolls_back)
{
	static const struct {
		const char	*fn;
		int		 lost;
	} at[] = {
		{ "dgcg_db_si_insert_row", 0 },
		{ "dgcg_db_audit", 0 },		/* after the insert */
		{ "dgcg_db_audit", 1 },
		{ "COMMIT", 1 },
		{ "dgcg_db_tx", 1 },
	};
	long long v0 = fake_store_version(DGCG_T_SIGNER_INFORMATION);
	size_t i;

	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		fake_store_fail(at[i].fn, 0, 1, at[i].lost);
		upload(&up, &dsc);
		expect(503, DGCG_P_UNAVAILABLE);
		ck_assert_uint_eq(fake_store_failures(), i + 1);
		ck_assert_uint_eq(si_count(), 0);
		ck_assert_uint_eq(fake_store_audit_count(), 0);
		ck_assert_int_eq(fake_store_version(DGCG_T_SIGNER_INFORMATION), v0);
	}
	/* and then it works */
	upload(&up, &dsc);
	expect(201, DGCG_P_NONE);
	expect_audit(1, "SUCCESS", UPLOAD_OK, &up);
}
END_TEST

/* A re-upload whose transaction fails after removing the tombstone: the
 * tombstone is back as it was. */
START_TEST(reupload_failure_keeps_tombstone)
{
	struct dgcg_si before;
	const struct dgcg_si *row;

	upload(&up, &dsc);
	delete(&up, &dsc);
	expect(204, DGCG_P_NONE);
	before = *si_row(dsc.thumb);
	fake_store_fail("dgcg_db_audit", 0, 1, 0);
	upload(&up, &dsc);
	expect(503, DGCG_P_UNAVAILABLE);
	ck_assert_uint_eq(si_count(), 1);
	row = si_row(dsc.thumb);
	ck_assert_int_eq(row->id, before.id);
	ck_assert_int_eq(row->deleted_at, before.deleted_at);
	ck_assert_ptr_null(row->signature);
	ck_assert_uint_eq(fake_store_audit_count(), 2);
}
END_TEST

/* Reads that fail answer 503 before anything is written; a refusal whose
 * audit event cannot be written still answers the refusal. */
START_TEST(upload_db_failure_reads)
{
	static const struct {
		const char	*fn;
		unsigned	 skip;
	} at[] = {
		{ "dgcg_db_tp_select", 0 },	/* the uploader (step 3) */
		{ "dgcg_db_tp_select", 1 },	/* the CSCAs */
		{ "dgcg_db_si_find", 0 },
		{ "dgcg_db_si_prefix_count", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		fake_store_fail(at[i].fn, at[i].skip, 1, 0);
		upload(&up, &dsc);
		expect(503, DGCG_P_UNAVAILABLE);
		ck_assert_uint_eq(fake_store_failures(), i + 1);
	}
	ck_assert_uint_eq(si_count(), 0);
	ck_assert_uint_eq(fake_store_audit_count(), 0);
	/* the server is gone: 503, and no audit event is even tried */
	fake_store_set_down(1);
	upload(&up, &dsc);
	expect(503, DGCG_P_UNAVAILABLE);
	ck_assert_uint_eq(fake_store_calls("dgcg_db_audit"), 0);
	fake_store_set_down(0);
	fake_store_fail("dgcg_db_audit", 0, 1, 0);
	upload(&up_fr, &dsc);
	expect(400, DGCG_P_UPLOAD_BAD);
	ck_assert_uint_eq(fake_store_audit_count(), 0);
}
END_TEST

/* --- delete ------------------------------------------------------------------- */

START_TEST(delete_tombstone)
{
	const struct dgcg_si *row;
	long long v0;
	char *raw;

	upload(&up, &dsc);
	expect(201, DGCG_P_NONE);
	v0 = fake_store_version(DGCG_T_SIGNER_INFORMATION);
	delete(&up, &dsc);
	expect(204, DGCG_P_NONE);
	ck_assert_uint_eq(si_count(), 1);
	row = si_row(dsc.thumb);
	ck_assert_int_ne(row->deleted_at, 0);
	ck_assert_ptr_null(row->signature);
	raw = testpki_b64(dsc.cert);
	ck_assert_str_eq(row->raw_data, raw);	/* the tombstone keeps the certificate */
	free(raw);
	ck_assert_int_eq(fake_store_version(DGCG_T_SIGNER_INFORMATION), v0 + 1);
	expect_audit(2, "SUCCESS", DELETE_OK, &up);
}
END_TEST

START_TEST(delete_missing)
{
	delete(&up, &dsc);
	expect(404, DGCG_P_DSC_NOT_FOUND);
	ck_assert_str_eq(dgcg_prob_info(r.prob)->code, "0x005");
	ck_assert_str_eq(r.send_value, dsc.thumb);
	expect_audit(1, "EXIST_CHECK_FAILED", DELETE_MISSING, &up);
	ck_assert_uint_eq(si_count(), 0);
}
END_TEST

START_TEST(delete_other_country)
{
	const struct dgcg_si *row;
	char *raw = testpki_b64(dsc.cert);

	fake_store_si_add("FR", dsc.thumb, raw, "AAAA", 1, 0);
	free(raw);
	delete(&up, &dsc);
	expect(400, DGCG_P_DSC_DELETE_BAD);
	ck_assert_str_eq(dgcg_prob_info(r.prob)->code, "0x007");
	ck_assert_str_eq(r.details,
	    "The certificate belongs to another country and cannot be deleted by DE");
	expect_audit(1, "BAD_REQUEST", DELETE_BAD, &up);
	row = si_row(dsc.thumb);
	ck_assert_int_eq(row->deleted_at, 0);
	ck_assert_str_eq(row->signature, "AAAA");
}
END_TEST

START_TEST(delete_refusals)
{
	unsigned char *der;
	size_t dlen;
	char *b, *bad;

	upload(&up, &dsc);
	expect(201, DGCG_P_NONE);
	delete_raw("not base64!");
	expect(400, DGCG_P_CMS_BASE64);
	b = body(&up, &dsc);
	der = testpki_der(dsc.cert, &dlen);
	bad = testpki_flip(b, der, dlen);
	delete_raw(bad);
	expect(400, DGCG_P_DSC_SIGNATURE);
	free(der);
	free(bad);
	free(b);
	ck_assert_uint_eq(fake_store_audit_count(), 1);	/* the upload's */
	delete(&up_fr, &dsc);
	expect(400, DGCG_P_DSC_DELETE_BAD);
	expect_audit(2, "BAD_REQUEST", DELETE_BAD, &up_fr);
	delete(&up, &dsc_fr);
	expect(400, DGCG_P_DSC_DELETE_BAD);
	ck_assert_str_eq(r.details, "Uploaded certificate is not issued for uploader country.");
	expect_audit(3, "BAD_REQUEST", DELETE_BAD, &up);
	/* a digest outside SecReq-042 is refused for deletes too ... */
	b = testpki_sign_cert(up.cert, up.key, dsc.cert, 1, EVP_sha1());
	delete_raw(b);
	free(b);
	expect(400, DGCG_P_DSC_DELETE_BAD);
	expect_audit(4, "BAD_REQUEST", DELETE_BAD, &up);
	ck_assert_int_eq(si_row(dsc.thumb)->deleted_at, 0);
	/* ... but a withdrawal is not blocked by the signer's key size or
	 * validity (a CMS without signingTime: see upload_signer_policy) */
	delete(&up_weak, &dsc);
	expect(204, DGCG_P_NONE);
	expect_audit(5, "SUCCESS", DELETE_OK, &up_weak);
	upload(&up, &dsc);
	expect(201, DGCG_P_NONE);
	b = testpki_sign_cert_noattr(up_expired.cert, up_expired.key, dsc.cert);
	delete_raw(b);
	free(b);
	expect(204, DGCG_P_NONE);
	expect_audit(7, "SUCCESS", DELETE_OK, &up_expired);
}
END_TEST

START_TEST(delete_db_failure_rolls_back)
{
	const struct dgcg_si *row;

	upload(&up, &dsc);
	expect(201, DGCG_P_NONE);
	fake_store_fail("dgcg_db_audit", 0, 1, 0);
	delete(&up, &dsc);
	expect(503, DGCG_P_UNAVAILABLE);
	row = si_row(dsc.thumb);
	ck_assert_int_eq(row->deleted_at, 0);
	ck_assert_ptr_nonnull(row->signature);
	ck_assert_uint_eq(fake_store_audit_count(), 1);
	fake_store_fail("dgcg_db_si_find", 0, 1, 1);
	delete(&up, &dsc);
	expect(503, DGCG_P_UNAVAILABLE);
	ck_assert_uint_eq(fake_store_audit_count(), 1);
	delete(&up, &dsc);
	expect(204, DGCG_P_NONE);
}
END_TEST

Suite *
make_signer_suite(void)
{
	Suite *s = suite_create("signer");
	TCase *tu = tcase_create("upload"), *td = tcase_create("delete");

	tcase_add_unchecked_fixture(tu, pki_setup, pki_teardown);
	tcase_add_checked_fixture(tu, setup, teardown);
	tcase_add_test(tu, upload_stores_detached);
	tcase_add_test(tu, upload_parse_refused);
	tcase_add_test(tu, upload_signature_refused);
	tcase_add_test(tu, upload_signer_not_uploader);
	tcase_add_test(tu, upload_signer_policy);
	tcase_add_test(tu, upload_dsc_country);
	tcase_add_test(tu, upload_dsc_strict);
	tcase_add_test(tu, upload_csca);
	tcase_add_test(tu, upload_csca_none_verified);
	tcase_add_test(tu, upload_duplicate);
	tcase_add_test(tu, upload_kid_collision);
	tcase_add_test(tu, reupload_after_delete);
	tcase_add_test(tu, upload_db_failure_rolls_back);
	tcase_add_test(tu, reupload_failure_keeps_tombstone);
	tcase_add_test(tu, upload_db_failure_reads);
	suite_add_tcase(s, tu);
	tcase_add_unchecked_fixture(td, pki_setup, pki_teardown);
	tcase_add_checked_fixture(td, setup, teardown);
	tcase_add_test(td, delete_tombstone);
	tcase_add_test(td, delete_missing);
	tcase_add_test(td, delete_other_country);
	tcase_add_test(td, delete_refusals);
	tcase_add_test(td, delete_db_failure_rolls_back);
	suite_add_tcase(s, td);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_signer_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
