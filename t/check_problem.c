/* check_problem.c: the problem table and the ProblemReport body. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <json-c/json.h>

#include "domain/problem.h"
#include "testutil.h"

/* Parses s strictly, rejecting invalid UTF-8; NULL when not valid JSON. */
static struct json_object *
parse_strict(const char *s, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;

	ck_assert_ptr_nonnull(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, s, (int)len);
	if (o != NULL && (json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len)) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* Returns the string field key of o, asserting it is there. */
static const char *
field(struct json_object *o, const char *key)
{
	struct json_object *v;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no %s", key);
	ck_assert(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

START_TEST(test_order)
{
	static const char *const order[] = { "code", "problem", "sendValue", "details" };
	struct json_object *o;
	size_t len, i = 0;
	char *s;

	s = dgcg_problem_json("0x001", "Validation Error", "sv", "details here", &len);
	ck_assert_str_eq(s, "{\"code\":\"0x001\",\"problem\":\"Validation Error\","
	    "\"sendValue\":\"sv\",\"details\":\"details here\"}");
	ck_assert_uint_eq(len, strlen(s));
	o = parse_strict(s, len);
	ck_assert_ptr_nonnull(o);
	json_object_object_foreach(o, k, v) {
		(void)v;
		ck_assert_uint_lt(i, 4);
		ck_assert_str_eq(k, order[i]);
		i++;
	}
	ck_assert_uint_eq(i, 4);
	json_object_put(o);
	free(s);

	s = dgcg_problem_json(NULL, NULL, NULL, NULL, NULL);
	ck_assert_str_eq(s, "{\"code\":\"\",\"problem\":\"\",\"sendValue\":\"\",\"details\":\"\"}");
	free(s);
}
END_TEST

START_TEST(test_escaping)
{
	char *s;

	s = dgcg_problem_json("0x008", "a\"b\\c/d", "\n\r\t\b\f\x01\x1f\x7f", "</script>", NULL);
	ck_assert_str_eq(s, "{\"code\":\"0x008\",\"problem\":\"a\\\"b\\\\c/d\","
	    "\"sendValue\":\"\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f\","
	    "\"details\":\"</script>\"}");
	free(s);
}
END_TEST

START_TEST(test_utf8)
{
	struct json_object *o;
	size_t len;
	char *s;

	/* valid sequences pass unchanged */
	s = dgcg_problem_json("", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc2\x80", "", "", &len);
	o = parse_strict(s, len);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(field(o, "problem"), "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc2\x80");
	json_object_put(o);
	free(s);

	/* each invalid byte becomes U+FFFD */
	s = dgcg_problem_json("", "a\xff" "b\xc3" "c\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xe2\x82",
	    "\x80", "O=\xe9t\xe9", &len);
	o = parse_strict(s, len);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(field(o, "problem"), "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c"
	    "\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(field(o, "sendValue"), "\xef\xbf\xbd");
	ck_assert_str_eq(field(o, "details"), "O=\xef\xbf\xbdt\xef\xbf\xbd");
	json_object_put(o);
	free(s);
}
END_TEST

/* Every byte string, valid or not, gives valid JSON that round-trips. */
START_TEST(test_any_bytes)
{
	unsigned char in[64];
	struct json_object *o;
	unsigned int seed = 12345;
	size_t len, n, i, round;
	char *s;

	for (round = 0; round < 20000; round++) {
		if (round < 255) {
			in[0] = (unsigned char)(round + 1);
			n = 1;
		} else {
			n = (size_t)(rand_r(&seed) % (int)(sizeof(in) - 1));
			for (i = 0; i < n; i++) {
				in[i] = (unsigned char)(rand_r(&seed) % 255 + 1);
				if (rand_r(&seed) % 2)
					in[i] |= 0x80;
			}
		}
		in[n] = '\0';
		s = dgcg_problem_json((const char *)in, "p", (const char *)in, "", &len);
		o = parse_strict(s, len);
		ck_assert_msg(o != NULL, "invalid JSON: %s", s);
		ck_assert_str_eq(field(o, "code"), field(o, "sendValue"));
		json_object_put(o);
		free(s);
	}
}
END_TEST

START_TEST(test_table)
{
	const struct dgcg_prob_info *p, *q;
	int i, j;

	p = dgcg_prob_info(DGCG_P_NONE);
	ck_assert_int_eq(p->status, 200);
	ck_assert_str_eq(p->code, "");
	p = dgcg_prob_info(DGCG_P_VALIDATION);
	ck_assert_int_eq(p->status, 400);
	ck_assert_str_eq(p->code, "0x001");
	ck_assert_str_eq(p->problem, "Validation Error");
	p = dgcg_prob_info(DGCG_P_INTERNAL);
	ck_assert_int_eq(p->status, 500);
	ck_assert_str_eq(p->code, "0x008");
	ck_assert_str_eq(p->problem, "Internal Server Error");
	p = dgcg_prob_info(DGCG_P_AUTH_MISSING);
	ck_assert_int_eq(p->status, 401);
	ck_assert_str_eq(p->code, "0x400");
	ck_assert_str_eq(p->problem, "No thumbprint or distinguish name");
	p = dgcg_prob_info(DGCG_P_AUTH_NO_COUNTRY);
	ck_assert_int_eq(p->status, 400);
	ck_assert_str_eq(p->code, "0x401");
	ck_assert_str_eq(p->problem, "Client Certificate must contain country property");
	p = dgcg_prob_info(DGCG_P_AUTH_UNKNOWN);
	ck_assert_int_eq(p->status, 401);
	ck_assert_str_eq(p->code, "0x402");
	ck_assert_str_eq(p->problem, "Client is not authorized to access the service");
	p = dgcg_prob_info(DGCG_P_FORBIDDEN);
	ck_assert_int_eq(p->status, 403);
	ck_assert_str_eq(p->code, "0x403");
	ck_assert_str_eq(p->problem, "Client is not authorized to access the endpoint");
	ck_assert_int_eq(dgcg_prob_info(DGCG_P_NOT_FOUND)->status, 404);
	ck_assert_int_eq(dgcg_prob_info(DGCG_P_METHOD)->status, 405);
	ck_assert_int_eq(dgcg_prob_info(DGCG_P_NOT_ACCEPTABLE)->status, 406);
	ck_assert_int_eq(dgcg_prob_info(DGCG_P_TOO_LARGE)->status, 413);
	ck_assert_str_eq(dgcg_prob_info(DGCG_P_MEDIA_TYPE)->code, "0x415");
	p = dgcg_prob_info(DGCG_P_UNAVAILABLE);
	ck_assert_int_eq(p->status, 503);
	ck_assert_str_eq(p->code, "0x503");
	ck_assert_str_eq(p->problem, "Service Unavailable");

	/* Every row: a name, a 4xx/5xx status, a code "0x" + 3 hex digits (or
	 * the reference's empty code of IMS_FUTURE, or TNG's "n/a" of the v2
	 * certificate rows), a text; no two rows alike in (status, code,
	 * text), no two names alike. */
	for (i = 1; i < DGCG_P__MAX; i++) {
		p = dgcg_prob_info((enum dgcg_prob)i);
		ck_assert_ptr_nonnull(p);
		ck_assert_ptr_nonnull(p->name);
		ck_assert_ptr_nonnull(p->code);
		ck_assert_ptr_nonnull(p->problem);
		ck_assert_msg((strlen(p->code) == 5 && strncmp(p->code, "0x", 2) == 0 &&
		    strspn(p->code + 2, "0123456789abcdef") == 3) ||
		    (i == DGCG_P_IMS_FUTURE && p->code[0] == '\0') ||
		    (strncmp(p->name, "V2_", 3) == 0 && strcmp(p->code, "n/a") == 0),
		    "row %s: code \"%s\"", p->name, p->code);
		ck_assert_uint_gt(strlen(p->problem), 0);
		ck_assert_int_ge(p->status, 400);
		ck_assert_int_le(p->status, 599);
		for (j = 1; j < i; j++) {
			q = dgcg_prob_info((enum dgcg_prob)j);
			ck_assert_msg(p->status != q->status || strcmp(p->code, q->code) != 0 ||
			    strcmp(p->problem, q->problem) != 0, "rows %s and %s are alike",
			    q->name, p->name);
			ck_assert_str_ne(p->name, q->name);
		}
	}
	ck_assert_str_eq(dgcg_prob_info(DGCG_P_NONE)->name, "NONE");
	ck_assert_str_eq(dgcg_prob_info(DGCG_P_DSC_EXISTS)->name, "DSC_EXISTS");
	/* the v2 rows: TNG's codes and texts */
	p = dgcg_prob_info(DGCG_P_V2_CMS);
	ck_assert_int_eq(p->status, 400);
	ck_assert_str_eq(p->code, "n/a");
	ck_assert_str_eq(p->problem, "Invalid CMS");
	ck_assert_str_eq(dgcg_prob_info(DGCG_P_V2_CMS_SIGNATURE)->problem, "Invalid CMS Signature");
	ck_assert_str_eq(dgcg_prob_info(DGCG_P_V2_UPLOAD_FAILED)->problem,
	    "Upload of Signer Certificate failed");
	p = dgcg_prob_info(DGCG_P_REF_MISSING);
	ck_assert_int_eq(p->status, 404);
	ck_assert_str_eq(p->code, "0x000");
	ck_assert_str_eq(p->problem, "Trusted Reference does not exists.");
	p = dgcg_prob_info(DGCG_P_REF_NOT_FOUND);
	ck_assert_int_eq(p->status, 400);
	ck_assert_str_eq(p->problem, "Requested Entity could not be found");
	/* out of range never answers NULL */
	ck_assert_ptr_nonnull(dgcg_prob_info(DGCG_P__MAX));
	ck_assert_int_ge(dgcg_prob_info(DGCG_P__MAX)->status, 500);
}
END_TEST

Suite *make_problem_suite(void);

Suite *
make_problem_suite(void)
{
	Suite *s = suite_create("problem");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_order);
	tcase_add_test(tc, test_escaping);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_any_bytes);
	tcase_add_test(tc, test_table);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_problem_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
