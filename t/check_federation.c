/* check_federation.c: a peer gateway record's rules (domain/federation.h):
 * TNG's signed string with its NULLs, the trust anchor's signature over it,
 * the downloaders, when a peer is due, the kid as a file name. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "domain/federation.h"
#include "testpki.h"

Suite *make_federation_suite(void);

#define S(x)	((char *)(uintptr_t)(x))

static void
record(struct dgcg_fg *g)
{
	memset(g, 0, sizeof(*g));
	g->gateway_id = S("gw-b");
	g->endpoint = S("https://gw-b.example:8443");
	g->kid = S("fedkid");
	g->public_key = NULL;
	g->downloader = S(DGCG_FED_DL_V1);
	g->target = S(DGCG_FED_TARGET);
	g->mode = S(DGCG_FED_MODE);
}

START_TEST(signed_string)
{
	struct dgcg_fg g;
	char *s;

	record(&g);
	s = dgcg_fed_signed_string(&g);
	/* tng-gateway.md 10.1: Java's concatenation writes NULL as "null" */
	ck_assert_str_eq(s, "gw-b;https://gw-b.example:8443;fedkid;null;legacyDgcgDownloader_V1;"
	    "FEDERATION;APPEND");
	free(s);
	g.public_key = S("MFkw");
	g.downloader = NULL;
	s = dgcg_fed_signed_string(&g);
	ck_assert_str_eq(s, "gw-b;https://gw-b.example:8443;fedkid;MFkw;null;FEDERATION;APPEND");
	free(s);
	memset(&g, 0, sizeof(g));
	s = dgcg_fed_signed_string(&g);
	ck_assert_str_eq(s, "null;null;null;null;null;null;null");
	free(s);
}
END_TEST

START_TEST(signature)
{
	struct testpki_ta ta, other;
	struct dgcg_ta *t = NULL;
	struct dgcg_fg g;
	const char *exc;
	char *s, *sig, *osig;
	int attached;

	testpki_ta_new(&ta);
	testpki_ta_new(&other);
	ck_assert_int_eq(dgcg_ta_load(ta.path, &t), DGCG_OK);
	record(&g);
	for (attached = 0; attached <= 1; attached++) {
		s = dgcg_fed_signed_string(&g);
		sig = testpki_sign(ta.cert, ta.key, s, strlen(s), attached, NULL);
		osig = testpki_sign(other.cert, other.key, s, strlen(s), attached, NULL);
		free(s);
		g.signature = sig;
		ck_assert_int_eq(dgcg_fed_verify(t, &g, &exc), DGCG_INTEGRITY_OK);
		/* every signed column counts, a NULL one too */
		g.public_key = S("MFkw");
		ck_assert_int_ne(dgcg_fed_verify(t, &g, NULL), DGCG_INTEGRITY_OK);
		g.public_key = NULL;
		g.endpoint = S("https://evil.example");
		ck_assert_int_ne(dgcg_fed_verify(t, &g, NULL), DGCG_INTEGRITY_OK);
		g.endpoint = S("https://gw-b.example:8443");
		g.mode = S("FULL");
		ck_assert_int_ne(dgcg_fed_verify(t, &g, NULL), DGCG_INTEGRITY_OK);
		g.mode = S(DGCG_FED_MODE);
		/* the unsigned columns do not */
		g.has_interval = 1;
		g.interval = 60;
		g.retry_count = 7;
		ck_assert_int_eq(dgcg_fed_verify(t, &g, NULL), DGCG_INTEGRITY_OK);
		/* another key over the same string */
		g.signature = osig;
		ck_assert_int_eq(dgcg_fed_verify(t, &g, NULL), DGCG_INTEGRITY_NOT_TA);
		g.signature = NULL;
		ck_assert_int_eq(dgcg_fed_verify(t, &g, NULL), DGCG_INTEGRITY_EMPTY);
		free(sig);
		free(osig);
	}
	dgcg_ta_free(t);
	testpki_ta_free(&ta);
	testpki_ta_free(&other);
}
END_TEST

START_TEST(downloaders)
{
	ck_assert_int_eq(dgcg_fed_api(DGCG_FED_DL_V1), 1);
	ck_assert_int_eq(dgcg_fed_api(DGCG_FED_DL_V2), 2);
	ck_assert_int_eq(dgcg_fed_api(DGCG_FED_DL_DUMMY), 0);
	ck_assert_int_eq(dgcg_fed_api("legacydgcgdownloader_v1"), -1);
	ck_assert_int_eq(dgcg_fed_api(""), -1);
	ck_assert_int_eq(dgcg_fed_api(NULL), -1);
}
END_TEST

START_TEST(due)
{
	struct dgcg_fg g;

	record(&g);
	ck_assert_int_eq(dgcg_fed_due(&g, 1000), 0);	/* no interval: not scheduled (TNG) */
	g.has_interval = 1;
	g.interval = 300;
	ck_assert_int_eq(dgcg_fed_due(&g, 1000), 1);	/* never downloaded */
	g.last_download = 800;
	ck_assert_int_eq(dgcg_fed_due(&g, 1000), 0);
	ck_assert_int_eq(dgcg_fed_due(&g, 1099), 0);
	ck_assert_int_eq(dgcg_fed_due(&g, 1100), 1);
	g.interval = -1;
	ck_assert_int_eq(dgcg_fed_due(&g, 5000), 0);
}
END_TEST

START_TEST(kid_names_a_file)
{
	ck_assert_int_eq(dgcg_fed_kid_ok("fedkid"), 1);
	ck_assert_int_eq(dgcg_fed_kid_ok("a.b_c-d+e="), 1);
	ck_assert_int_eq(dgcg_fed_kid_ok("01234567890123456789012345678901234567890123456789"), 1);
	ck_assert_int_eq(dgcg_fed_kid_ok("012345678901234567890123456789012345678901234567890"), 0);
	ck_assert_int_eq(dgcg_fed_kid_ok(""), 0);
	ck_assert_int_eq(dgcg_fed_kid_ok(NULL), 0);
	ck_assert_int_eq(dgcg_fed_kid_ok(".."), 0);
	ck_assert_int_eq(dgcg_fed_kid_ok(".hidden"), 0);
	ck_assert_int_eq(dgcg_fed_kid_ok("a/b"), 0);
	ck_assert_int_eq(dgcg_fed_kid_ok("a b"), 0);
}
END_TEST

Suite *
make_federation_suite(void)
{
	Suite *s = suite_create("federation");
	TCase *tc = tcase_create("record");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, signed_string);
	tcase_add_test(tc, signature);
	tcase_add_test(tc, downloaders);
	tcase_add_test(tc, due);
	tcase_add_test(tc, kid_names_a_file);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_federation_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
