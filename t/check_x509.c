/* check_x509.c: thumbprint, kid, subject country and parsing of real certificates. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "base/codec.h"
#include "testutil.h"
#include "pki/x509.h"

Suite *make_x509_suite(void);

static char *
path_of(const char *base, const char *rel)
{
	size_t n = strlen(base) + strlen(rel) + 2;
	char *p = malloc(n);

	ck_assert_ptr_nonnull(p);
	snprintf(p, n, "%s/%s", base, rel);
	return p;
}

static json_object *
load_json(const char *base, const char *rel)
{
	char *p = path_of(base, rel);
	json_object *j = json_object_from_file(p);

	ck_assert_msg(j != NULL, "cannot read %s (set DGCG_SHARED)", p);
	free(p);
	return j;
}

static const char *
jstr(json_object *o, const char *key)
{
	json_object *v;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no key %s", key);
	return json_object_get_string(v);
}

/* DER of the first certificate of a PEM file under the test data folder. */
static unsigned char *
pem_der(const char *rel, size_t *len)
{
	char *p = path_of(test_data(), rel);
	X509 *x = dgcg_x509_load_pem(p);
	unsigned char *der;

	ck_assert_msg(x != NULL, "cannot load %s", p);
	der = dgcg_x509_to_der(x, len);
	ck_assert_ptr_nonnull(der);
	X509_free(x);
	free(p);
	return der;
}

START_TEST(readme_trusted_party_rows)
{
	json_object *j = load_json(test_shared(),
	    "spec/reference/dgc-gateway-readme-trusted-party-examples.json");
	json_object *rows, *row;
	unsigned char *der;
	size_t i, len;
	char tp[DGCG_THUMB_HEX_LEN + 1], kid[DGCG_KID_LEN + 1];
	const char *raw;
	X509 *x;

	ck_assert(json_object_object_get_ex(j, "rows", &rows));
	ck_assert_uint_eq(json_object_array_length(rows), 3);
	for (i = 0; i < 3; i++) {
		row = json_object_array_get_idx(rows, i);
		raw = jstr(row, "raw_data");
		ck_assert_int_eq(dgcg_b64_decode(raw, strlen(raw), &der, &len), DGCG_OK);
		dgcg_x509_thumbprint(der, len, tp);
		dgcg_x509_kid(der, len, kid);
		ck_assert_str_eq(tp, jstr(row, "thumbprint"));
		ck_assert_str_eq(kid, jstr(row, "expected_kid"));
		ck_assert_uint_eq(strlen(kid), DGCG_KID_LEN);
		x = dgcg_x509_from_der(der, len);
		ck_assert_ptr_nonnull(x);
		X509_free(x);
		free(der);
	}
	json_object_put(j);
}
END_TEST

START_TEST(readme_trust_anchor)
{
	json_object *j = load_json(test_shared(),
	    "spec/reference/dgc-gateway-readme-trusted-party-examples.json");
	const char *pem = jstr(j, "trust_anchor_pem");
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	unsigned char *der;
	size_t len;
	char tp[DGCG_THUMB_HEX_LEN + 1], c[DGCG_COUNTRY_MAX + 1];

	ck_assert_ptr_nonnull(x);
	der = dgcg_x509_to_der(x, &len);
	ck_assert_ptr_nonnull(der);
	dgcg_x509_thumbprint(der, len, tp);
	ck_assert_str_eq(tp, jstr(j, "trust_anchor_sha256"));
	ck_assert_int_eq(dgcg_x509_subject_country(x, c), 1);
	ck_assert_str_eq(c, "NL");
	free(der);
	X509_free(x);
	BIO_free(b);
	json_object_put(j);
}
END_TEST

/* Every DSC of the test data: thumbprint, kid, subject country as indexed. */
START_TEST(all_dsc_thumbprint_kid_country)
{
	json_object *j = load_json(test_data(), "dsc/index.json");
	json_object *ents, *e, *cv;
	unsigned char *der;
	size_t i, n, len, none = 0;
	char tp[DGCG_THUMB_HEX_LEN + 1], kid[DGCG_KID_LEN + 1], c[DGCG_COUNTRY_MAX + 1];
	int cnt;
	X509 *x;

	ck_assert(json_object_object_get_ex(j, "entries", &ents));
	n = json_object_array_length(ents);
	ck_assert_uint_ge(n, 900);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(ents, i);
		der = pem_der(jstr(e, "file"), &len);
		dgcg_x509_thumbprint(der, len, tp);
		dgcg_x509_kid(der, len, kid);
		ck_assert_uint_eq(strlen(tp), DGCG_THUMB_HEX_LEN);
		ck_assert_uint_eq(strlen(kid), DGCG_KID_LEN);
		ck_assert_str_eq(tp, jstr(e, "sha256"));
		ck_assert_str_eq(kid, jstr(e, "kid"));
		x = dgcg_x509_from_der(der, len);
		ck_assert_ptr_nonnull(x);
		cnt = dgcg_x509_subject_country(x, c);
		if (!json_object_object_get_ex(e, "subjectC", &cv) || json_object_is_type(cv, json_type_null)) {
			ck_assert_int_eq(cnt, 0);
			ck_assert_str_eq(c, "");
			none++;
		} else {
			ck_assert_int_eq(cnt, 1);
			ck_assert_str_eq(c, json_object_get_string(cv));
		}
		X509_free(x);
		free(der);
	}
	ck_assert_uint_eq(none, 37);
	json_object_put(j);
}
END_TEST

START_TEST(leading_zero_thumbprint)
{
	unsigned char *der;
	size_t len;
	char tp[DGCG_THUMB_HEX_LEN + 1], kid[DGCG_KID_LEN + 1];

	/* PL: the 2021-07-06 trust list carried this thumbprint with the
	 * leading 00 dropped (62 characters). */
	der = pem_der("dsc/PL/prod_AN1EeLIMAmo.pem", &len);
	dgcg_x509_thumbprint(der, len, tp);
	dgcg_x509_kid(der, len, kid);
	ck_assert_str_eq(tp, "00dd4478b20c026a8351949dfe210ce255a51e613f7c8327e4709c1cb865adb5");
	ck_assert_str_eq(tp + 2, "dd4478b20c026a8351949dfe210ce255a51e613f7c8327e4709c1cb865adb5");
	ck_assert_str_eq(kid, "AN1EeLIMAmo=");
	free(der);

	der = pem_der("dsc/IT/prod_AAVQPX3O1fo.pem", &len);
	dgcg_x509_thumbprint(der, len, tp);
	dgcg_x509_kid(der, len, kid);
	ck_assert_str_eq(tp, "0005503d7dced5fafe53197b8eea9d19a46a43e4e5ff1c54249c0eeb8cd9b388");
	ck_assert_str_eq(kid, "AAVQPX3O1fo=");
	free(der);
}
END_TEST

START_TEST(subject_country_cases)
{
	char *p;
	X509 *x;
	char c[DGCG_COUNTRY_MAX + 1];

	p = path_of(test_data(), "dsc/common/testdata_EC-Me_f4a4929a81.pem");
	x = dgcg_x509_load_pem(p);
	ck_assert_ptr_nonnull(x);
	memcpy(c, "XX", 3);
	ck_assert_int_eq(dgcg_x509_subject_country(x, c), 0);
	ck_assert_str_eq(c, "");
	X509_free(x);
	free(p);

	p = path_of(test_data(), "dsc/ES/testdata_My-Certificate_c927ce5240.pem");
	x = dgcg_x509_load_pem(p);
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(dgcg_x509_subject_country(x, c), 1);
	ck_assert_str_eq(c, "US");
	X509_free(x);
	free(p);
}
END_TEST

/* A generated certificate whose subject has two C attributes, and one with
 * a C value longer than DGCG_COUNTRY_MAX. */
START_TEST(subject_country_generated)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	char c[DGCG_COUNTRY_MAX + 1];
	static const char longc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

	ck_assert_ptr_nonnull(x);
	ck_assert(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)"two", -1, -1, 0));
	ck_assert(X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC,
	    (const unsigned char *)"DE", -1, -1, 0));
	ck_assert(X509_set_subject_name(x, n));
	ck_assert_int_eq(dgcg_x509_subject_country(x, c), 1);
	ck_assert_str_eq(c, "DE");
	ck_assert(X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC,
	    (const unsigned char *)"FR", -1, -1, 0));
	ck_assert(X509_set_subject_name(x, n));
	ck_assert_int_eq(dgcg_x509_subject_country(x, c), 2);
	ck_assert_str_eq(c, "");
	X509_NAME_free(n);

	/* Country is not validated; it is truncated to DGCG_COUNTRY_MAX. */
	n = X509_NAME_new();
	ck_assert(X509_NAME_add_entry_by_NID(n, NID_countryName, V_ASN1_UTF8STRING,
	    (const unsigned char *)longc, -1, -1, 0));
	ck_assert(X509_set_subject_name(x, n));
	ck_assert_int_eq(dgcg_x509_subject_country(x, c), 1);
	ck_assert_uint_eq(strlen(c), DGCG_COUNTRY_MAX);
	ck_assert_int_eq(memcmp(c, longc, DGCG_COUNTRY_MAX), 0);
	X509_NAME_free(n);
	X509_free(x);
}
END_TEST

START_TEST(der_trailing_and_truncated)
{
	unsigned char *der, *buf;
	size_t len, len2;
	X509 *x;

	der = pem_der("dsc/NL/prod_-7gPaASOAJY.pem", &len);
	x = dgcg_x509_from_der(der, len);
	ck_assert_ptr_nonnull(x);
	buf = dgcg_x509_to_der(x, &len2);
	ck_assert_uint_eq(len2, len);
	ck_assert_int_eq(memcmp(buf, der, len), 0);
	free(buf);
	X509_free(x);

	buf = malloc(len + 2);
	memcpy(buf, der, len);
	buf[len] = 0x00;
	buf[len + 1] = 0x00;
	ck_assert_ptr_null(dgcg_x509_from_der(buf, len + 1));
	ck_assert_ptr_null(dgcg_x509_from_der(buf, len + 2));
	ck_assert_ptr_null(dgcg_x509_from_der(buf, len - 1));
	ck_assert_ptr_null(dgcg_x509_from_der(buf, 0));
	ck_assert_ptr_null(dgcg_x509_from_der(NULL, 10));
	ck_assert_ptr_null(dgcg_x509_from_der((const unsigned char *)"hello", 5));
	free(buf);
	free(der);
}
END_TEST

START_TEST(der_non_strict_accepted)
{
	unsigned char *der;
	size_t len;
	X509 *x;

	/* FI: BasicConstraints cA=FALSE encoded explicitly (not DER); the
	 * DCCG accepted it, and so must we. The encoding is kept as is. */
	static const char *const files[] = {
		"dsc/FI/prod_2SBPFvnLaD4.pem",
		"dsc/ES/prod_ROHJQ9RSS_o.pem",	/* pathLen with cA=FALSE */
	};
	unsigned char *again;
	size_t i, len2;

	for (i = 0; i < 2; i++) {
		der = pem_der(files[i], &len);
		x = dgcg_x509_from_der(der, len);
		ck_assert_ptr_nonnull(x);
		again = dgcg_x509_to_der(x, &len2);
		ck_assert_uint_eq(len2, len);
		ck_assert_int_eq(memcmp(again, der, len), 0);
		free(again);
		X509_free(x);
		free(der);
	}
}
END_TEST

START_TEST(load_pem_errors)
{
	char *p;

	ck_assert_ptr_null(dgcg_x509_load_pem("/nonexistent/cert.pem"));
	ck_assert_ptr_null(dgcg_x509_load_pem(NULL));
	p = path_of(test_data(), "dsc/index.json");
	ck_assert_ptr_null(dgcg_x509_load_pem(p));
	free(p);
}
END_TEST

START_TEST(subject_text_rfc2253)
{
	char *p, *s;
	X509 *x;

	p = path_of(test_data(), "dsc/PL/prod_AN1EeLIMAmo.pem");
	x = dgcg_x509_load_pem(p);
	ck_assert_ptr_nonnull(x);
	s = dgcg_x509_subject_text(x);
	ck_assert_str_eq(s, "C=PL,O=Ministry of Health,OU=eHealth Centre,CN=Poland Test DGC Service 1");
	free(s);
	X509_free(x);
	free(p);

	p = path_of(test_data(), "dsc/common/testdata_EC-Me_f4a4929a81.pem");
	x = dgcg_x509_load_pem(p);
	ck_assert_ptr_nonnull(x);
	s = dgcg_x509_subject_text(x);
	ck_assert_str_eq(s, "CN=EC-Me");
	free(s);
	X509_free(x);
	free(p);
	ck_assert_ptr_null(dgcg_x509_subject_text(NULL));
}
END_TEST

Suite *
make_x509_suite(void)
{
	Suite *s = suite_create("x509");
	TCase *tc;

	tc = tcase_create("reference");
	tcase_add_test(tc, readme_trusted_party_rows);
	tcase_add_test(tc, readme_trust_anchor);
	suite_add_tcase(s, tc);

	tc = tcase_create("real");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, all_dsc_thumbprint_kid_country);
	tcase_add_test(tc, leading_zero_thumbprint);
	tcase_add_test(tc, subject_country_cases);
	tcase_add_test(tc, der_non_strict_accepted);
	tcase_add_test(tc, subject_text_rfc2253);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_test(tc, subject_country_generated);
	tcase_add_test(tc, der_trailing_and_truncated);
	tcase_add_test(tc, load_pem_errors);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_x509_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
