/* check_codec.c: base64, hex, URL decoding and SHA-256. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "base/codec.h"

Suite *make_codec_suite(void);

/* Decodes s; returns the result code and, on success, compares with want. */
static enum dgcg_err
dec(const char *s, const char *want, size_t wantlen)
{
	unsigned char *out = (unsigned char *)"sentinel";
	size_t outlen = 99;
	enum dgcg_err rc;

	rc = dgcg_b64_decode(s, strlen(s), &out, &outlen);
	if (rc == DGCG_OK) {
		ck_assert_ptr_nonnull(out);
		ck_assert_uint_eq(outlen, wantlen);
		ck_assert_int_eq(memcmp(out, want, wantlen), 0);
		ck_assert_int_eq(out[outlen], '\0');
		free(out);
	} else {
		ck_assert_ptr_null(out);
		ck_assert_uint_eq(outlen, 0);
	}
	return rc;
}

START_TEST(b64_rfc4648_vectors)
{
	static const struct { const char *plain, *enc; } v[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	size_t i;
	char *e;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		e = dgcg_b64_encode((const unsigned char *)v[i].plain, strlen(v[i].plain));
		ck_assert_str_eq(e, v[i].enc);
		free(e);
		ck_assert_int_eq(dec(v[i].enc, v[i].plain, strlen(v[i].plain)), DGCG_OK);
	}
}
END_TEST

START_TEST(b64_binary_roundtrip)
{
	unsigned char in[256], *out = NULL;
	size_t i, n, outlen;
	char *e;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(255 - i);
	for (n = 0; n <= sizeof(in); n += 17) {
		e = dgcg_b64_encode(in, n);
		ck_assert_uint_eq(strlen(e), (n + 2) / 3 * 4);
		ck_assert_ptr_null(strchr(e, '\n'));
		ck_assert_int_eq(dgcg_b64_decode(e, strlen(e), &out, &outlen), DGCG_OK);
		ck_assert_uint_eq(outlen, n);
		ck_assert_int_eq(memcmp(out, in, n), 0);
		free(out);
		free(e);
	}
	/* '+' and '/' of the standard alphabet */
	ck_assert_int_eq(dec("+/+/", "\xfb\xff\xbf", 3), DGCG_OK);
}
END_TEST

START_TEST(b64_padding_optional)
{
	ck_assert_int_eq(dec("Zg", "f", 1), DGCG_OK);
	ck_assert_int_eq(dec("Zm8", "fo", 2), DGCG_OK);
	ck_assert_int_eq(dec("Zm9vYg", "foob", 4), DGCG_OK);
	ck_assert_int_eq(dec("Zm9vYmE", "fooba", 5), DGCG_OK);
}
END_TEST

START_TEST(b64_bad_padding)
{
	ck_assert_int_eq(dec("Zg=", NULL, 0), DGCG_ERR_PARSE);	/* xx= missing last = */
	ck_assert_int_eq(dec("Zg=x", NULL, 0), DGCG_ERR_PARSE);
	ck_assert_int_eq(dec("Z===", NULL, 0), DGCG_ERR_PARSE);	/* x= dangling */
	ck_assert_int_eq(dec("Z=", NULL, 0), DGCG_ERR_PARSE);
	ck_assert_int_eq(dec("====", NULL, 0), DGCG_ERR_PARSE);
	ck_assert_int_eq(dec("=", NULL, 0), DGCG_ERR_PARSE);
	ck_assert_int_eq(dec("Zm9v=", NULL, 0), DGCG_ERR_PARSE);	/* = at unit start */
	ck_assert_int_eq(dec("Zm8==", NULL, 0), DGCG_ERR_PARSE);	/* extra = */
	ck_assert_int_eq(dec("Zg==Zg==", NULL, 0), DGCG_ERR_PARSE);	/* data after padding */
	ck_assert_int_eq(dec("Zg===", NULL, 0), DGCG_ERR_PARSE);
	ck_assert_int_eq(dec("Z", NULL, 0), DGCG_ERR_PARSE);	/* dangling single char */
	ck_assert_int_eq(dec("Zm9vY", NULL, 0), DGCG_ERR_PARSE);
}
END_TEST

START_TEST(b64_noncanonical_bits_accepted)
{
	/* Java's decoder ignores unused low bits of the last unit. */
	ck_assert_int_eq(dec("Zh==", "f", 1), DGCG_OK);
	ck_assert_int_eq(dec("Zm9=", "fo", 2), DGCG_OK);
	ck_assert_int_eq(dec("Zh", "f", 1), DGCG_OK);
}
END_TEST

START_TEST(b64_whitespace_and_illegal)
{
	unsigned char *out = NULL;
	size_t outlen = 0;

	ck_assert_int_eq(dec("Zm9v\nYmFy", NULL, 0), DGCG_ERR_PARSE);
	ck_assert_int_eq(dec("Zm9v\r\n", NULL, 0), DGCG_ERR_PARSE);
	ck_assert_int_eq(dec(" Zm9v", NULL, 0), DGCG_ERR_PARSE);
	ck_assert_int_eq(dec("Zm9v ", NULL, 0), DGCG_ERR_PARSE);
	ck_assert_int_eq(dec("Zm\t9v", NULL, 0), DGCG_ERR_PARSE);
	ck_assert_int_eq(dec("Zm9-", NULL, 0), DGCG_ERR_PARSE);	/* URL alphabet */
	ck_assert_int_eq(dec("Zm9_", NULL, 0), DGCG_ERR_PARSE);
	ck_assert_int_eq(dec("Zm9*", NULL, 0), DGCG_ERR_PARSE);
	ck_assert_int_eq(dec("Zm9\xc3\xa4", NULL, 0), DGCG_ERR_PARSE);
	/* an embedded NUL inside the given length */
	ck_assert_int_eq(dgcg_b64_decode("Zm\0v", 4, &out, &outlen), DGCG_ERR_PARSE);
	ck_assert_ptr_null(out);
	/* only len bytes are read */
	ck_assert_int_eq(dgcg_b64_decode("Zm9v!!!", 4, &out, &outlen), DGCG_OK);
	ck_assert_uint_eq(outlen, 3);
	ck_assert_int_eq(memcmp(out, "foo", 3), 0);
	free(out);
}
END_TEST

START_TEST(b64_empty)
{
	unsigned char *out = NULL;
	size_t outlen = 7;
	char *e;

	ck_assert_int_eq(dgcg_b64_decode("", 0, &out, &outlen), DGCG_OK);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(outlen, 0);
	ck_assert_int_eq(out[0], '\0');
	free(out);
	e = dgcg_b64_encode(NULL, 0);
	ck_assert_str_eq(e, "");
	free(e);
}
END_TEST

/* Decodes s; returns the result code and compares with want on success. */
static enum dgcg_err
udec(const char *s, int plus, const char *want)
{
	char *out = NULL;
	size_t outlen = 5;
	enum dgcg_err rc;

	rc = dgcg_url_decode(s, strlen(s), plus, &out, &outlen);
	if (rc == DGCG_OK) {
		ck_assert_str_eq(out, want);
		ck_assert_uint_eq(outlen, strlen(want));
		free(out);
	} else {
		ck_assert_ptr_null(out);
		ck_assert_uint_eq(outlen, 0);
	}
	return rc;
}

START_TEST(url_decode_ok)
{
	ck_assert_int_eq(udec("", 0, ""), DGCG_OK);
	ck_assert_int_eq(udec("plain", 0, "plain"), DGCG_OK);
	ck_assert_int_eq(udec("C%3DNL%2CCN%3Dtest", 0, "C=NL,CN=test"), DGCG_OK);
	ck_assert_int_eq(udec("%c3%A4", 0, "\xc3\xa4"), DGCG_OK);
	ck_assert_int_eq(udec("a+b", 0, "a+b"), DGCG_OK);
	ck_assert_int_eq(udec("a+b", 1, "a b"), DGCG_OK);
	ck_assert_int_eq(udec("a%2Bb", 1, "a+b"), DGCG_OK);
	ck_assert_int_eq(udec("%25", 0, "%"), DGCG_OK);
	ck_assert_int_eq(udec("%2541", 0, "%41"), DGCG_OK);	/* decoded once only */
}
END_TEST

START_TEST(url_decode_bad)
{
	char *out = NULL;
	size_t outlen = 0;

	ck_assert_int_eq(udec("%", 0, NULL), DGCG_ERR_PARSE);
	ck_assert_int_eq(udec("abc%", 0, NULL), DGCG_ERR_PARSE);
	ck_assert_int_eq(udec("abc%4", 0, NULL), DGCG_ERR_PARSE);
	ck_assert_int_eq(udec("%zz", 0, NULL), DGCG_ERR_PARSE);
	ck_assert_int_eq(udec("%4g", 0, NULL), DGCG_ERR_PARSE);
	ck_assert_int_eq(udec("%g4", 1, NULL), DGCG_ERR_PARSE);
	ck_assert_int_eq(udec("%%41", 0, NULL), DGCG_ERR_PARSE);
	ck_assert_int_eq(udec("a%00b", 0, NULL), DGCG_ERR_PARSE);
	/* raw NUL inside the given length */
	ck_assert_int_eq(dgcg_url_decode("a\0b", 3, 0, &out, &outlen), DGCG_ERR_PARSE);
	ck_assert_ptr_null(out);
	/* '%' whose hex digits lie beyond len */
	ck_assert_int_eq(dgcg_url_decode("ab%41", 4, 0, &out, &outlen), DGCG_ERR_PARSE);
}
END_TEST

START_TEST(hex_encode)
{
	static const unsigned char in[] = { 0x00, 0x01, 0xab, 0xcd, 0xef, 0xff };
	char out[2 * sizeof(in) + 1];

	dgcg_hex_lower(in, sizeof(in), out);
	ck_assert_str_eq(out, "0001abcdefff");
	dgcg_hex_lower(in, 0, out);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(dgcg_is_hex("0123456789abcdefABCDEF", 22), 1);
	ck_assert_int_eq(dgcg_is_hex("", 0), 1);
	ck_assert_int_eq(dgcg_is_hex("12g4", 4), 0);
	ck_assert_int_eq(dgcg_is_hex("12 4", 4), 0);
	ck_assert_int_eq(dgcg_is_hex("12\0" "4", 4), 0);
	ck_assert_int_eq(dgcg_is_hex("12zz", 2), 1);
}
END_TEST

START_TEST(sha256_vectors)
{
	unsigned char md[32];
	char hex[DGCG_THUMB_HEX_LEN + 1];

	dgcg_sha256_hex((const unsigned char *)"abc", 3, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	dgcg_sha256_hex((const unsigned char *)"", 0, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	dgcg_sha256((const unsigned char *)"abc", 3, md);
	ck_assert_uint_eq(md[0], 0xba);
	ck_assert_uint_eq(md[31], 0xad);
	dgcg_sha256_hex((const unsigned char *)
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

Suite *
make_codec_suite(void)
{
	Suite *s = suite_create("codec");
	TCase *tc;

	tc = tcase_create("base64");
	tcase_add_test(tc, b64_rfc4648_vectors);
	tcase_add_test(tc, b64_binary_roundtrip);
	tcase_add_test(tc, b64_padding_optional);
	tcase_add_test(tc, b64_bad_padding);
	tcase_add_test(tc, b64_noncanonical_bits_accepted);
	tcase_add_test(tc, b64_whitespace_and_illegal);
	tcase_add_test(tc, b64_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("url");
	tcase_add_test(tc, url_decode_ok);
	tcase_add_test(tc, url_decode_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("hex_sha256");
	tcase_add_test(tc, hex_encode);
	tcase_add_test(tc, sha256_vectors);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_codec_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
