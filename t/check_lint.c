/* check_lint.c: the onboarding linter (lib/pki/lint.h), one case per rule,
 * on certificates made here with t/testpki. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pki/lint.h"
#include "testpki.h"

Suite *make_lint_suite(void);

static EVP_PKEY *p256, *p224, *rsa1024, *rsa2048, *p256_explicit;

static const struct dgcg_lint_policy policy = {
	.min_rsa_bits = 2048, .min_ec_bits = 250, .allow_sha1 = 0,
	.min_days = DGCG_LINT_MIN_DAYS_DEFAULT, .now = 0
};

/* A P-256 key whose SubjectPublicKeyInfo carries the curve explicitly. */
static EVP_PKEY *
explicit_key(void)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	OSSL_PARAM params[3];
	EVP_PKEY *k = NULL;

	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_gt(EVP_PKEY_keygen_init(ctx), 0);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	    (char *)"P-256", 0);
	params[1] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_EC_ENCODING,
	    (char *)OSSL_PKEY_EC_ENCODING_EXPLICIT, 0);
	params[2] = OSSL_PARAM_construct_end();
	ck_assert_int_gt(EVP_PKEY_CTX_set_params(ctx, params), 0);
	ck_assert_int_gt(EVP_PKEY_generate(ctx, &k), 0);
	EVP_PKEY_CTX_free(ctx);
	return k;
}

static void
keys_setup(void)
{
	p256 = testpki_ec("P-256");
	p224 = testpki_ec("P-224");
	p256_explicit = explicit_key();
	rsa1024 = EVP_RSA_gen(1024);
	rsa2048 = EVP_RSA_gen(2048);
	ck_assert_ptr_nonnull(rsa1024);
	ck_assert_ptr_nonnull(rsa2048);
}

static void
keys_teardown(void)
{
	EVP_PKEY_free(p256);
	EVP_PKEY_free(p224);
	EVP_PKEY_free(p256_explicit);
	EVP_PKEY_free(rsa1024);
	EVP_PKEY_free(rsa2048);
}

/* The good certificate of each type, changed by the caller. */
static struct testpki_spec
good(enum dgcg_cert_type t)
{
	struct testpki_spec s = { .c = "DE", .cn = "lint" };

	switch (t) {
	case DGCG_CT_AUTHENTICATION:
		s.ku = "critical,digitalSignature";
		s.eku = "clientAuth";
		break;
	case DGCG_CT_CSCA:
		s.ku = "critical,keyCertSign,cRLSign";
		s.bc = "critical,CA:TRUE";
		break;
	default:
		s.ku = "critical,digitalSignature";
		break;
	}
	return s;
}

/* Lints the certificate of key/spec as type for DE; returns the count
 * and fills *l. */
static size_t
lint(EVP_PKEY *key, const struct testpki_spec *s, enum dgcg_cert_type t, struct dgcg_lint *l)
{
	struct dgcg_lint_policy p = policy;
	X509 *x = testpki_cert(key, s);
	size_t n;

	p.now = time(NULL);
	n = dgcg_lint_cert(x, t, "DE", &p, l);
	X509_free(x);
	return n;
}

/* Asserts exactly one finding, of rule r, whose text contains needle. */
static void
only(const struct dgcg_lint *l, enum dgcg_lint_rule r, const char *needle)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		fprintf(stderr, "  finding %s: %s\n", dgcg_lint_rule_name(l->v[i].rule),
		    l->v[i].text);
	ck_assert_uint_eq(l->n, 1);
	ck_assert_str_eq(dgcg_lint_rule_name(l->v[0].rule), dgcg_lint_rule_name(r));
	ck_assert_msg(strstr(l->v[0].text, needle) != NULL, "'%s' not in '%s'", needle,
	    l->v[0].text);
}

START_TEST(clean_each_type)
{
	static const enum dgcg_cert_type types[] = { DGCG_CT_AUTHENTICATION, DGCG_CT_UPLOAD,
	    DGCG_CT_CSCA, DGCG_CT_DSC };
	struct dgcg_lint l;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct testpki_spec s = good(types[i]);

		ck_assert_uint_eq(lint(p256, &s, types[i], &l), 0);
		ck_assert_uint_eq(lint(rsa2048, &s, types[i], &l), 0);
	}
}
END_TEST

START_TEST(rule_names)
{
	unsigned r;

	for (r = 0; r < DGCG_LINT__MAX; r++)
		ck_assert_ptr_nonnull(dgcg_lint_rule_name((enum dgcg_lint_rule)r));
	ck_assert_ptr_null(dgcg_lint_rule_name(DGCG_LINT__MAX));
	ck_assert_str_eq(dgcg_lint_rule_name(DGCG_LINT_KEY), "key");
	ck_assert_str_eq(dgcg_lint_rule_name(DGCG_LINT_EC_PARAMS), "ec-params");
}
END_TEST

START_TEST(key_rsa_small)
{
	struct testpki_spec s = good(DGCG_CT_UPLOAD);
	struct dgcg_lint l;

	lint(rsa1024, &s, DGCG_CT_UPLOAD, &l);
	only(&l, DGCG_LINT_KEY, "RSA key of 1024 bits, at least 2048");
}
END_TEST

START_TEST(key_ec_small)
{
	struct testpki_spec s = good(DGCG_CT_UPLOAD);
	struct dgcg_lint l;

	lint(p224, &s, DGCG_CT_UPLOAD, &l);
	only(&l, DGCG_LINT_KEY, "EC key of 224 bits, at least 250");
}
END_TEST

START_TEST(key_other_type)
{
	struct testpki_spec s = good(DGCG_CT_UPLOAD);
	EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	struct dgcg_lint l;

	ck_assert_ptr_nonnull(ed);
	s.issuer_key = p256;	/* signed by an allowed key: only the key is wrong */
	lint(ed, &s, DGCG_CT_UPLOAD, &l);
	ck_assert_uint_ge(l.n, 1);
	ck_assert_int_eq(l.v[0].rule, DGCG_LINT_KEY);
	ck_assert_ptr_nonnull(strstr(l.v[0].text, "ED25519"));
	EVP_PKEY_free(ed);
}
END_TEST

START_TEST(ec_explicit_params)
{
	struct testpki_spec s = good(DGCG_CT_UPLOAD);
	struct dgcg_lint l;

	lint(p256_explicit, &s, DGCG_CT_UPLOAD, &l);
	only(&l, DGCG_LINT_EC_PARAMS, "explicit curve parameters");
}
END_TEST

START_TEST(sig_hash_sha1)
{
	struct testpki_spec s = good(DGCG_CT_CSCA);
	struct dgcg_lint_policy p = policy;
	struct dgcg_lint l;
	X509 *x;

	s.md = EVP_sha1();
	lint(p256, &s, DGCG_CT_CSCA, &l);
	only(&l, DGCG_LINT_HASH, "signed with SHA1");
	/* allow_sha1 = yes in the configuration: no finding */
	x = testpki_cert(p256, &s);
	p.allow_sha1 = 1;
	p.now = time(NULL);
	ck_assert_uint_eq(dgcg_lint_cert(x, DGCG_CT_CSCA, "DE", &p, &l), 0);
	X509_free(x);
}
END_TEST

START_TEST(sig_hash_sha512_ok)
{
	struct testpki_spec s = good(DGCG_CT_UPLOAD);
	struct dgcg_lint l;

	s.md = EVP_sha512();
	ck_assert_uint_eq(lint(rsa2048, &s, DGCG_CT_UPLOAD, &l), 0);
	s.md = EVP_sha384();
	ck_assert_uint_eq(lint(p256, &s, DGCG_CT_UPLOAD, &l), 0);
}
END_TEST

START_TEST(v1_certificate)
{
	struct testpki_spec s = good(DGCG_CT_UPLOAD);
	struct dgcg_lint l;

	s.v1 = 1;
	ck_assert_uint_eq(lint(p256, &s, DGCG_CT_UPLOAD, &l), 2);
	ck_assert_int_eq(l.v[0].rule, DGCG_LINT_V3);
	ck_assert_ptr_nonnull(strstr(l.v[0].text, "X.509 version 1, version 3 required"));
	/* no extensions: no KeyUsage either */
	ck_assert_int_eq(l.v[1].rule, DGCG_LINT_USAGE);
	ck_assert_ptr_nonnull(strstr(l.v[1].text, "no KeyUsage"));
}
END_TEST

START_TEST(country_missing)
{
	struct testpki_spec s = good(DGCG_CT_AUTHENTICATION);
	struct dgcg_lint l;

	s.c = NULL;
	lint(p256, &s, DGCG_CT_AUTHENTICATION, &l);
	only(&l, DGCG_LINT_COUNTRY, "no C attribute, exactly one (C=DE) required");
}
END_TEST

START_TEST(country_two)
{
	struct testpki_spec s = good(DGCG_CT_AUTHENTICATION);
	struct dgcg_lint l;

	s.c2 = "DE";
	lint(p256, &s, DGCG_CT_AUTHENTICATION, &l);
	only(&l, DGCG_LINT_COUNTRY, "2 C attributes");
}
END_TEST

START_TEST(country_other)
{
	struct testpki_spec s = good(DGCG_CT_AUTHENTICATION);
	struct dgcg_lint l;

	s.c = "FR";
	lint(p256, &s, DGCG_CT_AUTHENTICATION, &l);
	only(&l, DGCG_LINT_COUNTRY, "C=FR, C=DE required");
	/* case matters: the gateway compares the bytes */
	s.c = "de";
	lint(p256, &s, DGCG_CT_AUTHENTICATION, &l);
	only(&l, DGCG_LINT_COUNTRY, "C=de, C=DE required");
}
END_TEST

START_TEST(expired)
{
	struct testpki_spec s = good(DGCG_CT_UPLOAD);
	struct dgcg_lint l;

	s.nb_days = -400;
	s.na_days = -2;
	lint(p256, &s, DGCG_CT_UPLOAD, &l);
	only(&l, DGCG_LINT_VALIDITY, "expired on ");
}
END_TEST

START_TEST(not_yet_valid)
{
	struct testpki_spec s = good(DGCG_CT_UPLOAD);
	struct dgcg_lint l;

	s.nb_days = 3;
	lint(p256, &s, DGCG_CT_UPLOAD, &l);
	only(&l, DGCG_LINT_VALIDITY, "not valid before ");
}
END_TEST

START_TEST(min_days)
{
	struct testpki_spec s = good(DGCG_CT_CSCA);
	struct dgcg_lint_policy p = policy;
	struct dgcg_lint l;
	X509 *x;

	s.na_days = 29;
	lint(p256, &s, DGCG_CT_CSCA, &l);
	only(&l, DGCG_LINT_MIN_DAYS, "days left, at least 30 required");
	s.na_days = 31;
	ck_assert_uint_eq(lint(p256, &s, DGCG_CT_CSCA, &l), 0);
	/* configurable: 60 days wanted */
	x = testpki_cert(p256, &s);
	p.now = time(NULL);
	p.min_days = 60;
	dgcg_lint_cert(x, DGCG_CT_CSCA, "DE", &p, &l);
	only(&l, DGCG_LINT_MIN_DAYS, "at least 60 required");
	p.min_days = 0;
	ck_assert_uint_eq(dgcg_lint_cert(x, DGCG_CT_CSCA, "DE", &p, &l), 0);
	X509_free(x);
}
END_TEST

START_TEST(usage_authentication)
{
	struct testpki_spec s = good(DGCG_CT_AUTHENTICATION);
	struct dgcg_lint l;

	s.eku = NULL;
	lint(p256, &s, DGCG_CT_AUTHENTICATION, &l);
	only(&l, DGCG_LINT_USAGE, "no ExtendedKeyUsage: TLS client authentication");
	s.eku = "serverAuth";
	lint(p256, &s, DGCG_CT_AUTHENTICATION, &l);
	only(&l, DGCG_LINT_USAGE, "ExtendedKeyUsage lacks TLS client authentication");
	s.eku = "serverAuth,clientAuth";
	ck_assert_uint_eq(lint(p256, &s, DGCG_CT_AUTHENTICATION, &l), 0);
	s.ku = "critical,keyEncipherment";
	lint(p256, &s, DGCG_CT_AUTHENTICATION, &l);
	only(&l, DGCG_LINT_USAGE, "KeyUsage lacks digitalSignature");
	/* an UPLOAD certificate is not a TLS client */
	s = good(DGCG_CT_UPLOAD);
	lint(p256, &s, DGCG_CT_AUTHENTICATION, &l);
	only(&l, DGCG_LINT_USAGE, "no ExtendedKeyUsage");
}
END_TEST

START_TEST(usage_upload_and_dsc)
{
	struct testpki_spec s = good(DGCG_CT_UPLOAD);
	struct dgcg_lint l;

	s.ku = NULL;
	lint(p256, &s, DGCG_CT_UPLOAD, &l);
	only(&l, DGCG_LINT_USAGE, "no KeyUsage: digitalSignature required for UPLOAD");
	s.ku = "critical,keyCertSign";
	lint(p256, &s, DGCG_CT_UPLOAD, &l);
	only(&l, DGCG_LINT_USAGE, "KeyUsage lacks digitalSignature, required for UPLOAD");
	lint(p256, &s, DGCG_CT_DSC, &l);
	only(&l, DGCG_LINT_USAGE, "required for DSC");
	s.ku = "nonRepudiation,digitalSignature";
	ck_assert_uint_eq(lint(p256, &s, DGCG_CT_DSC, &l), 0);
}
END_TEST

START_TEST(usage_csca)
{
	struct testpki_spec s = good(DGCG_CT_CSCA);
	struct dgcg_lint l;

	s.bc = NULL;
	lint(p256, &s, DGCG_CT_CSCA, &l);
	only(&l, DGCG_LINT_USAGE, "CA:TRUE required for CSCA (no BasicConstraints)");
	s.bc = "critical,CA:FALSE";
	lint(p256, &s, DGCG_CT_CSCA, &l);
	only(&l, DGCG_LINT_USAGE, "CA:TRUE required for CSCA (CA:FALSE)");
	s = good(DGCG_CT_CSCA);
	s.ku = "critical,cRLSign";
	lint(p256, &s, DGCG_CT_CSCA, &l);
	only(&l, DGCG_LINT_USAGE, "KeyUsage lacks keyCertSign");
	s.ku = NULL;
	lint(p256, &s, DGCG_CT_CSCA, &l);
	only(&l, DGCG_LINT_USAGE, "no KeyUsage: keyCertSign required");
	/* an UPLOAD certificate as CSCA: both */
	s = good(DGCG_CT_UPLOAD);
	ck_assert_uint_eq(lint(p256, &s, DGCG_CT_CSCA, &l), 2);
}
END_TEST

START_TEST(every_finding_at_once)
{
	struct testpki_spec s = { .c = "FR", .c2 = "DE", .md = EVP_sha1(), .v1 = 1,
	    .nb_days = -400, .na_days = -1 };
	struct dgcg_lint l;
	size_t i;

	ck_assert_uint_eq(lint(rsa1024, &s, DGCG_CT_CSCA, &l), 7);
	/* in rule order: key, sig-hash, x509-v3, country, validity, usage x2 */
	ck_assert_int_eq(l.v[0].rule, DGCG_LINT_KEY);
	ck_assert_int_eq(l.v[1].rule, DGCG_LINT_HASH);
	ck_assert_int_eq(l.v[2].rule, DGCG_LINT_V3);
	ck_assert_int_eq(l.v[3].rule, DGCG_LINT_COUNTRY);
	ck_assert_int_eq(l.v[4].rule, DGCG_LINT_VALIDITY);
	ck_assert_int_eq(l.v[5].rule, DGCG_LINT_USAGE);
	ck_assert_int_eq(l.v[6].rule, DGCG_LINT_USAGE);
	for (i = 0; i < l.n; i++)
		ck_assert_uint_gt(strlen(l.v[i].text), 10);
}
END_TEST

Suite *
make_lint_suite(void)
{
	Suite *s = suite_create("lint");
	TCase *tc = tcase_create("rules");

	tcase_add_unchecked_fixture(tc, keys_setup, keys_teardown);
	tcase_add_test(tc, clean_each_type);
	tcase_add_test(tc, rule_names);
	tcase_add_test(tc, key_rsa_small);
	tcase_add_test(tc, key_ec_small);
	tcase_add_test(tc, key_other_type);
	tcase_add_test(tc, ec_explicit_params);
	tcase_add_test(tc, sig_hash_sha1);
	tcase_add_test(tc, sig_hash_sha512_ok);
	tcase_add_test(tc, v1_certificate);
	tcase_add_test(tc, country_missing);
	tcase_add_test(tc, country_two);
	tcase_add_test(tc, country_other);
	tcase_add_test(tc, expired);
	tcase_add_test(tc, not_yet_valid);
	tcase_add_test(tc, min_days);
	tcase_add_test(tc, usage_authentication);
	tcase_add_test(tc, usage_upload_and_dsc);
	tcase_add_test(tc, usage_csca);
	tcase_add_test(tc, every_finding_at_once);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_lint_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
