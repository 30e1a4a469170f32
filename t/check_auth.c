/* check_auth.c: thumbprint and DN normalisation, the reference's
 * CertAuthFilterTest scenarios (reference-gateway.md 11.1, 2.2-2.3). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "domain/auth.h"
#include "base/codec.h"
#include "worker/gateway.h"
#include "base/log.h"

#define HASH "397da9eb17467a2b3b83704ab6490a540bef43e84f06a12f8d2a51c0a0a9a401"

START_TEST(thumb_hex_lowercased)
{
	char out[65];

	ck_assert_int_eq(dgcg_auth_thumbprint(HASH, out), DGCG_OK);
	ck_assert_str_eq(out, HASH);
	ck_assert_int_eq(dgcg_auth_thumbprint(
	    "397DA9EB17467A2B3B83704AB6490A540BEF43E84F06A12F8D2A51C0A0A9A401", out), DGCG_OK);
	ck_assert_str_eq(out, HASH);
}
END_TEST

/* base64 of the raw 32 bytes (SecReq-011), plain and URL-encoded. */
START_TEST(thumb_base64_and_urlencoded)
{
	unsigned char raw[32];
	char out[65], *b64, enc[256];
	size_t i, o = 0;

	for (i = 0; i < 32; i++) {
		unsigned v;
		sscanf(HASH + 2 * i, "%2x", &v);
		raw[i] = (unsigned char)v;
	}
	b64 = dgcg_b64_encode(raw, 32);
	ck_assert_int_eq(dgcg_auth_thumbprint(b64, out), DGCG_OK);
	ck_assert_str_eq(out, HASH);
	/* URL-encode every non-alphanumeric byte. */
	for (i = 0; b64[i] != '\0'; i++) {
		if ((b64[i] >= 'A' && b64[i] <= 'Z') || (b64[i] >= 'a' && b64[i] <= 'z') ||
		    (b64[i] >= '0' && b64[i] <= '9'))
			enc[o++] = b64[i];
		else
			o += (size_t)snprintf(enc + o, sizeof(enc) - o, "%%%02X", (unsigned char)b64[i]);
	}
	enc[o] = '\0';
	ck_assert_ptr_nonnull(strchr(enc, '%'));
	ck_assert_int_eq(dgcg_auth_thumbprint(enc, out), DGCG_OK);
	ck_assert_str_eq(out, HASH);
	free(b64);
}
END_TEST

START_TEST(thumb_bad)
{
	char out[65];

	ck_assert_int_ne(dgcg_auth_thumbprint(NULL, out), DGCG_OK);
	ck_assert_int_ne(dgcg_auth_thumbprint("", out), DGCG_OK);
	/* "randomString" is valid base64 but not 32 bytes. */
	ck_assert_int_ne(dgcg_auth_thumbprint("randomString", out), DGCG_OK);
	ck_assert_int_ne(dgcg_auth_thumbprint("not base64 !!", out), DGCG_OK);
	ck_assert_int_ne(dgcg_auth_thumbprint("%zz", out), DGCG_OK);
	ck_assert_int_ne(dgcg_auth_thumbprint("abc%", out), DGCG_OK);
	/* 64 characters, not all hex: goes the base64 way and fails. */
	ck_assert_int_ne(dgcg_auth_thumbprint(
	    "g97da9eb17467a2b3b83704ab6490a540bef43e84f06a12f8d2a51c0a0a9a40!", out), DGCG_OK);
	ck_assert_str_eq(out, "");
}
END_TEST

static void
dn_is(const char *dn, enum dgcg_err want, const char *country)
{
	char cc[DGCG_COUNTRY_MAX + 1], *dec = NULL;
	enum dgcg_err rc;

	rc = dgcg_auth_dn(dn, &dec, cc);
	ck_assert_msg(rc == want, "DN '%s': got %d want %d", dn, rc, want);
	if (want == DGCG_OK)
		ck_assert_str_eq(cc, country);
	free(dec);
}

START_TEST(dn_reference_cases)
{
	dn_is("C=EU", DGCG_OK, "EU");
	/* URL-encoded DN from CertAuthFilterTest. */
	dn_is("ST%3dSome-State%2c%20C%3dEU%2c%20O%3dInternet%20Widgits%20Pty%20Ltd%2c%20CN%3dTest",
	    DGCG_OK, "EU");
	/* Malformed parts are skipped. */
	dn_is("O=Test Firma GmbH,C=EU,U=,TR,TT=43", DGCG_OK, "EU");
	/* Duplicate keys: the first wins. */
	dn_is("O=Test Firma GmbH,O=XXX,C=EU,U=Abteilung XYZ,TR=test", DGCG_OK, "EU");
	dn_is("C=DE,C=FR", DGCG_OK, "DE");
	/* No C. */
	dn_is("O=Test Firma GmbH,U=Abteilung XYZ,TR=test", DGCG_ERR_NOTFOUND, NULL);
	/* Key upper-cased and trimmed, value trimmed, not upper-cased. */
	dn_is("CN=x, c = de ", DGCG_OK, "de");
	/* nginx's RFC 2253 form. */
	dn_is("CN=DE auth,O=dgcg demo,C=DE", DGCG_OK, "DE");
	/* '+' is a space in form decoding. */
	dn_is("O=a+b,C=NL", DGCG_OK, "NL");
	/* A part with two '=' does not count. */
	dn_is("C=DE=X,C=FR", DGCG_OK, "FR");
	/* '/' and ';' separators are not understood. */
	dn_is("/C=DE/O=x", DGCG_ERR_NOTFOUND, NULL);
}
END_TEST

START_TEST(dn_malformed)
{
	char big[DGCG_DN_MAX + 16];

	dn_is("C=DE%", DGCG_ERR_PARSE, NULL);
	dn_is("C=DE%4", DGCG_ERR_PARSE, NULL);
	dn_is("C=%zzDE", DGCG_ERR_PARSE, NULL);
	dn_is("C=D%00E", DGCG_ERR_PARSE, NULL);
	dn_is("", DGCG_ERR_PARSE, NULL);
	dn_is(NULL, DGCG_ERR_PARSE, NULL);
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	dn_is(big, DGCG_ERR_LIMIT, NULL);
	dn_is("C=ABCDEFGHIJKLMNOPQRSTUVWXYZ", DGCG_ERR_LIMIT, NULL);
}
END_TEST

/* dgcg_auth's answers that come before any database lookup. */
START_TEST(auth_problems_before_db)
{
	struct dgcg_gw gw;
	struct dgcg_identity id;
	char *send = NULL;

	memset(&gw, 0, sizeof(gw));
	ck_assert_int_eq(dgcg_auth(&gw, NULL, "C=EU", &id, &send), DGCG_P_AUTH_MISSING);
	ck_assert_int_eq(dgcg_auth(&gw, HASH, NULL, &id, &send), DGCG_P_AUTH_MISSING);
	ck_assert_int_eq(dgcg_auth(&gw, NULL, NULL, &id, &send), DGCG_P_AUTH_MISSING);
	ck_assert_int_eq(dgcg_auth(&gw, "", "", &id, &send), DGCG_P_AUTH_MISSING);
	ck_assert_int_eq(dgcg_auth(&gw, "randomString", "C=EU", &id, &send), DGCG_P_AUTH_MISSING);
	ck_assert_int_eq(dgcg_auth(&gw, HASH, "O=Test Firma GmbH,U=Abteilung XYZ,TR=test", &id,
	    &send), DGCG_P_AUTH_NO_COUNTRY);
	ck_assert_ptr_nonnull(send);
	ck_assert_str_eq(send, "O=Test Firma GmbH,U=Abteilung XYZ,TR=test");
	free(send);
	send = NULL;
	ck_assert_int_eq(dgcg_auth(&gw, HASH, "C=E%U", &id, &send), DGCG_P_VALIDATION);
	ck_assert_int_eq(dgcg_prob_info(DGCG_P_VALIDATION)->status, 400);
	free(send);
}
END_TEST

static Suite *
make_auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, thumb_hex_lowercased);
	tcase_add_test(tc, thumb_base64_and_urlencoded);
	tcase_add_test(tc, thumb_bad);
	tcase_add_test(tc, dn_reference_cases);
	tcase_add_test(tc, dn_malformed);
	tcase_add_test(tc, auth_problems_before_db);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_auth_suite());
	int failed;

	dgcg_log_open("/dev/null", DGCG_LOG_ERROR);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
