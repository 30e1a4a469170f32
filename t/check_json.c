/* check_json.c: the strict JSON reader: RFC 8259 and nothing more, duplicate
 * member names, UTF-8, escapes, numbers, the nesting limit, and the tree. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "base/json.h"

Suite *make_json_suite(void);

/* dgcg_json_parse of the C string s at the usual depth limit; the tree is
 * freed, *out stays NULL on failure. */
static enum dgcg_err
parse(const char *s)
{
	static struct dgcg_jv sentinel;
	struct dgcg_jv *v = &sentinel;	/* must be reset to NULL on failure */
	enum dgcg_err rc;
	char err[128];

	rc = dgcg_json_parse(s, strlen(s), DGCG_JSON_DEPTH_MAX, &v, err, sizeof(err));
	ck_assert_msg((rc == DGCG_OK) == (v != NULL), "%s: rc %d, tree %p", s, rc, (void *)v);
	if (rc != DGCG_OK)
		ck_assert_msg(strstr(err, " at offset ") != NULL, "%s: err \"%s\"", s, err);
	dgcg_jv_free(v);
	return rc;
}

struct jcase {
	const char	*s;
	enum dgcg_err	 want;
};

static void
run(const struct jcase *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ck_assert_msg(parse(c[i].s) == c[i].want, "case %zu: %s", i, c[i].s);
}

/* Parses s (len bytes), which must succeed; caller dgcg_jv_free. */
static struct dgcg_jv *
tree(const char *s, size_t len)
{
	struct dgcg_jv *v = NULL;
	char err[128];

	ck_assert_msg(dgcg_json_parse(s, len, DGCG_JSON_DEPTH_MAX, &v, err, sizeof(err)) ==
	    DGCG_OK, "%s: %s", s, err);
	return v;
}

/* Whole texts: one value, nothing after it, JSON whitespace only. */
START_TEST(documents)
{
	static const struct jcase c[] = {
		/* two documents, a trailing token, whitespace */
		{ "{\"a\":1}{\"a\":1}", DGCG_ERR_PARSE },
		{ "{\"a\":1}x", DGCG_ERR_PARSE },
		{ " \r\n\t{\"a\":1} \n", DGCG_OK },
		{ "\f{}", DGCG_ERR_PARSE },	/* form feed is no JSON space */
		/* a BOM */
		{ "\xef\xbb\xbf{\"a\":1}", DGCG_ERR_PARSE },
		/* empty and cut-off texts */
		{ "", DGCG_ERR_PARSE },
		{ "   ", DGCG_ERR_PARSE },
		{ "{", DGCG_ERR_PARSE },
		{ "\"x", DGCG_ERR_PARSE },
		{ "[1,", DGCG_ERR_PARSE },
		{ "{\"a\"", DGCG_ERR_PARSE },
		{ "{\"a\":", DGCG_ERR_PARSE },
		{ "tru", DGCG_ERR_PARSE },
		/* any value may be the document */
		{ "1", DGCG_OK },
		{ "\"s\"", DGCG_OK },
		{ "null", DGCG_OK },
		{ "[]", DGCG_OK },
		/* trailing commas, missing commas, bare names */
		{ "[1,]", DGCG_ERR_PARSE },
		{ "{\"a\":1,}", DGCG_ERR_PARSE },
		{ "[1 2]", DGCG_ERR_PARSE },
		{ "{a:1}", DGCG_ERR_PARSE },
	};

	run(c, sizeof(c) / sizeof(c[0]));
}
END_TEST

START_TEST(duplicates)
{
	static const struct jcase c[] = {
		/* a duplicate member, also nested */
		{ "{\"Country\":\"EU\",\"Country\":\"EU\"}", DGCG_ERR_PARSE },
		{ "{\"Logic\":{\"a\":1,\"b\":{\"c\":1,\"c\":1}}}", DGCG_ERR_PARSE },
		/* names compare after unescaping, as bytes, NUL included */
		{ "{\"a\":1,\"\\u0061\":2}", DGCG_ERR_PARSE },
		{ "{\"a\":1,\"a\\u0000\":2}", DGCG_OK },
		{ "{\"a\\u0000\":1,\"a\\u0000\":2}", DGCG_ERR_PARSE },
		{ "{\"a\":1,\"A\":2}", DGCG_OK },
		/* equal names in different objects are fine */
		{ "[{\"a\":1},{\"a\":1}]", DGCG_OK },
		{ "{\"a\":{\"a\":1}}", DGCG_OK },
		{ "{\"b\":1,\"a\":2,\"c\":3,\"d\":4,\"a\":5}", DGCG_ERR_PARSE },
	};

	run(c, sizeof(c) / sizeof(c[0]));
}
END_TEST

/* Not JSON: NaN, leading zero, single quotes, comment, raw control. */
START_TEST(not_json)
{
	static const struct jcase c[] = {
		{ "[NaN]", DGCG_ERR_PARSE },
		{ "[Infinity]", DGCG_ERR_PARSE },
		{ "[01]", DGCG_ERR_PARSE },
		{ "[1.]", DGCG_ERR_PARSE },
		{ "[.5]", DGCG_ERR_PARSE },
		{ "[+1]", DGCG_ERR_PARSE },
		{ "[-]", DGCG_ERR_PARSE },
		{ "[1e]", DGCG_ERR_PARSE },
		{ "[1e+]", DGCG_ERR_PARSE },
		{ "[0x10]", DGCG_ERR_PARSE },
		{ "[-0.5e+3]", DGCG_OK },
		{ "[0, -0, 10, 1E9, 2e-1, 0.0]", DGCG_OK },
		{ "['a']", DGCG_ERR_PARSE },
		{ "[/*x*/1]", DGCG_ERR_PARSE },
		{ "[1]//x", DGCG_ERR_PARSE },
		{ "[True]", DGCG_ERR_PARSE },
		{ "[nul]", DGCG_ERR_PARSE },
		/* raw control in a string, a bad escape */
		{ "\"CERT\tLOGIC\"", DGCG_ERR_PARSE },
		{ "\"CERT\nLOGIC\"", DGCG_ERR_PARSE },
		{ "\"CERT\\x\"", DGCG_ERR_PARSE },
		{ "\"CERT\\'\"", DGCG_ERR_PARSE },
		{ "\"\\u12\"", DGCG_ERR_PARSE },
		{ "\"\\u12g4\"", DGCG_ERR_PARSE },
		{ "\"\\", DGCG_ERR_PARSE },
		/* DEL is no control character in JSON */
		{ "\"\x7f\"", DGCG_OK },
	};

	run(c, sizeof(c) / sizeof(c[0]));
}
END_TEST

START_TEST(utf8)
{
	static const struct jcase c[] = {
		/* invalid, overlong, encoded surrogate, above U+10FFFF */
		{ "\"\xe9\"", DGCG_ERR_PARSE },
		{ "\"\xc0\xaf\"", DGCG_ERR_PARSE },
		{ "\"\xed\xa0\x80\"", DGCG_ERR_PARSE },
		{ "\"\xf4\x90\x80\x80\"", DGCG_ERR_PARSE },
		{ "\"\xe2\x82\"", DGCG_ERR_PARSE },	/* cut by the quote */
		/* an escaped lone surrogate is fine; so is real UTF-8 */
		{ "\"\\ud800\"", DGCG_OK },
		{ "\"\xf0\x9f\x98\x80\"", DGCG_OK },
		{ "\"gr\xc3\xbc\xc3\x9f \xe2\x82\xac\"", DGCG_OK },
		/* outside strings only ASCII tokens */
		{ "[1]\xc2\xa0", DGCG_ERR_PARSE },
	};

	run(c, sizeof(c) / sizeof(c[0]));
}
END_TEST

/* What the tree holds for strings and escapes. */
START_TEST(string_values)
{
	struct dgcg_jv *v;
	const char *s;

	v = tree("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", 18);
	ck_assert_int_eq(v->type, DGCG_J_STRING);
	ck_assert_uint_eq(v->len, 8);
	ck_assert_str_eq(v->s, "\"\\/\b\f\n\r\t");
	dgcg_jv_free(v);
	/* \u escapes: ASCII, 2 and 3 bytes, a pair to 4 bytes, NUL kept */
	s = "\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\\u0000x\"";
	v = tree(s, strlen(s));
	ck_assert_uint_eq(v->len, 1 + 2 + 3 + 4 + 1 + 1);
	ck_assert_int_eq(memcmp(v->s, "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\0x", v->len), 0);
	ck_assert_int_eq(v->s[v->len], '\0');
	dgcg_jv_free(v);
	/* lone surrogates stay 3-byte generalised UTF-8, one code point each:
	 * a high one not followed by a low one, a low one alone */
	s = "\"\\ud800\\u0041\\udc00\"";
	v = tree(s, strlen(s));
	ck_assert_uint_eq(v->len, 7);
	ck_assert_int_eq(memcmp(v->s, "\xed\xa0\x80" "A\xed\xb0\x80", 7), 0);
	dgcg_jv_free(v);
	v = tree("\"\\ud800\"", 8);
	ck_assert_uint_eq(v->len, 3);
	dgcg_jv_free(v);
	/* s need not be NUL-terminated; len bounds it */
	v = tree("\"ab\"garbage", 4);
	ck_assert_str_eq(v->s, "ab");
	dgcg_jv_free(v);
}
END_TEST

START_TEST(tree_shape)
{
	const char *s = "{\"b\":[1,-2.5e3,true,false,null],\"a\":{\"k\":\"v\"},\"n\\u0000\":\"x\","
	    "\"z\":\"a\\u0000b\"}";
	const struct dgcg_jv *b, *a;
	struct dgcg_jv *v = tree(s, strlen(s));

	ck_assert_int_eq(v->type, DGCG_J_OBJECT);
	ck_assert_uint_eq(v->n, 4);
	/* members in text order, names NUL-terminated with their length */
	ck_assert_str_eq(v->keys[0], "b");
	ck_assert_str_eq(v->keys[1], "a");
	ck_assert_uint_eq(v->klens[2], 2);
	ck_assert_int_eq(memcmp(v->keys[2], "n\0", 3), 0);
	b = dgcg_jv_get(v, "b");
	ck_assert_ptr_eq(b, &v->v[0]);
	ck_assert_int_eq(b->type, DGCG_J_ARRAY);
	ck_assert_uint_eq(b->n, 5);
	/* a number keeps its literal */
	ck_assert_int_eq(b->v[1].type, DGCG_J_NUMBER);
	ck_assert_str_eq(b->v[1].s, "-2.5e3");
	ck_assert_uint_eq(b->v[1].len, 6);
	ck_assert_int_eq(b->v[2].type, DGCG_J_TRUE);
	ck_assert_int_eq(b->v[3].type, DGCG_J_FALSE);
	ck_assert_int_eq(b->v[4].type, DGCG_J_NULL);
	a = dgcg_jv_get(v, "a");
	ck_assert_str_eq(dgcg_jv_str(a, "k"), "v");
	/* dgcg_jv_str: strings only, and none with NUL */
	ck_assert_ptr_null(dgcg_jv_str(v, "b"));
	ck_assert_ptr_null(dgcg_jv_str(v, "a"));
	ck_assert_ptr_null(dgcg_jv_str(v, "z"));
	/* a C-string name never finds a member whose name holds NUL */
	ck_assert_ptr_null(dgcg_jv_get(v, "n"));
	/* not an object, NULL */
	ck_assert_ptr_null(dgcg_jv_get(b, "b"));
	ck_assert_ptr_null(dgcg_jv_get(NULL, "b"));
	ck_assert_ptr_null(dgcg_jv_str(NULL, "b"));
	ck_assert_ptr_null(dgcg_jv_get(v, "nope"));
	dgcg_jv_free(v);
	dgcg_jv_free(NULL);
}
END_TEST

START_TEST(errors)
{
	struct dgcg_jv *v = NULL;
	char err[64];

	ck_assert_int_eq(dgcg_json_parse("[1,]", 4, DGCG_JSON_DEPTH_MAX, &v, err, sizeof(err)),
	    DGCG_ERR_PARSE);
	ck_assert_str_eq(err, "unexpected character at offset 3");
	ck_assert_int_eq(dgcg_json_parse("{\"a\":1,\"a\":2}", 13, DGCG_JSON_DEPTH_MAX, &v, err,
	    sizeof(err)), DGCG_ERR_PARSE);
	ck_assert_str_eq(err, "duplicate member name at offset 13");
	ck_assert_int_eq(dgcg_json_parse("[[1]]", 5, 1, &v, err, sizeof(err)), DGCG_ERR_LIMIT);
	ck_assert_str_eq(err, "nested too deeply at offset 1");
	/* err may be NULL; a short err is cut, not overrun */
	ck_assert_int_eq(dgcg_json_parse("x", 1, DGCG_JSON_DEPTH_MAX, &v, NULL, 0),
	    DGCG_ERR_PARSE);
	ck_assert_int_eq(dgcg_json_parse("x", 1, DGCG_JSON_DEPTH_MAX, &v, err, 5),
	    DGCG_ERR_PARSE);
	ck_assert_str_eq(err, "unex");
	ck_assert_ptr_null(v);
	/* success clears err */
	ck_assert_int_eq(dgcg_json_parse("1", 1, DGCG_JSON_DEPTH_MAX, &v, err, sizeof(err)),
	    DGCG_OK);
	ck_assert_str_eq(err, "");
	dgcg_jv_free(v);
}
END_TEST

START_TEST(nesting_limit)
{
	struct dgcg_jv *v = NULL;
	char err[128], *buf;
	size_t n, i, len;

	for (n = DGCG_JSON_DEPTH_MAX - 1; n <= DGCG_JSON_DEPTH_MAX + 1; n++) {
		len = 2 * n;
		buf = malloc(len + 1);
		for (i = 0; i < n; i++) {
			buf[i] = '[';
			buf[len - 1 - i] = ']';
		}
		buf[len] = '\0';
		ck_assert_int_eq(dgcg_json_parse(buf, len, DGCG_JSON_DEPTH_MAX, &v, err, sizeof(err)),
		    n <= DGCG_JSON_DEPTH_MAX ? DGCG_OK : DGCG_ERR_LIMIT);
		dgcg_jv_free(v);
		v = NULL;
		free(buf);
	}
	/* very deep input ends at the limit, not in a stack overflow */
	len = 1000000;
	buf = malloc(len + 1);
	memset(buf, '[', len);
	buf[len] = '\0';
	ck_assert_int_eq(dgcg_json_parse(buf, len, DGCG_JSON_DEPTH_MAX, &v, err, sizeof(err)),
	    DGCG_ERR_LIMIT);
	ck_assert_ptr_null(v);
	free(buf);
	/* objects count like arrays; scalars do not count; depth 0 allows no
	 * container at all */
	ck_assert_int_eq(dgcg_json_parse("{\"a\":[{}]}", 10, 3, &v, err, sizeof(err)), DGCG_OK);
	dgcg_jv_free(v);
	ck_assert_int_eq(dgcg_json_parse("{\"a\":[{}]}", 10, 2, &v, err, sizeof(err)),
	    DGCG_ERR_LIMIT);
	ck_assert_int_eq(dgcg_json_parse("[]", 2, 0, &v, err, sizeof(err)), DGCG_ERR_LIMIT);
	ck_assert_int_eq(dgcg_json_parse("\"s\"", 3, 0, &v, err, sizeof(err)), DGCG_OK);
	dgcg_jv_free(v);
	/* siblings do not add up */
	ck_assert_int_eq(dgcg_json_parse("[[],[],[[]]]", 12, 3, &v, err, sizeof(err)), DGCG_OK);
	dgcg_jv_free(v);
}
END_TEST

Suite *
make_json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc;

	tc = tcase_create("strict");
	tcase_add_test(tc, documents);
	tcase_add_test(tc, duplicates);
	tcase_add_test(tc, not_json);
	tcase_add_test(tc, utf8);
	suite_add_tcase(s, tc);

	tc = tcase_create("tree");
	tcase_add_test(tc, string_values);
	tcase_add_test(tc, tree_shape);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, nesting_limit);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_json_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
