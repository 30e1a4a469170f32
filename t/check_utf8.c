/* check_utf8.c: the strict UTF-8 validator (RFC 3629) over every code point,
 * every overlong form, surrogates and the end of Unicode, plus the edge cases
 * its callers (log.c, problem.c, cms.c, json.c) depend on. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "base/utf8.h"

Suite *make_utf8_suite(void);

/* Encodes cp in exactly len bytes (1-4), overlong or not; the test's own
 * encoder, so that the decoder is not checked against itself. */
static void
encode(uint32_t cp, size_t len, unsigned char *u)
{
	static const unsigned char lead[5] = { 0, 0x00, 0xc0, 0xe0, 0xf0 };
	size_t i;

	for (i = len - 1; i > 0; i--) {
		u[i] = (unsigned char)(0x80 | (cp & 0x3f));
		cp >>= 6;
	}
	u[0] = (unsigned char)(lead[len] | cp);
}

static size_t
shortest(uint32_t cp)
{
	return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* The loops below count their failures and assert once: a ck_assert per
 * code point would cost a message to the Check parent each. */
START_TEST(every_code_point)
{
	unsigned char u[4];
	uint32_t cp, got, first = 0;
	size_t len, bad = 0;
	int ok;

	for (cp = 0; cp <= 0x10ffff; cp++) {
		len = shortest(cp);
		encode(cp, len, u);
		got = 0xffffffffu;
		if (cp >= 0xd800 && cp <= 0xdfff)	/* encoded surrogates (ED A0..BF xx) */
			ok = dgcg_utf8_decode(u, len, &got) == 0 && got == 0xffffffffu;
		else
			ok = dgcg_utf8_decode(u, len, &got) == len && got == cp &&
			    dgcg_utf8_seq(u, len) == len &&
			    dgcg_utf8_seq(u, len - 1) == 0;	/* cut short: never shorter */
		if (!ok && bad++ == 0)
			first = cp;
	}
	ck_assert_msg(bad == 0, "%zu code points wrong, the first U+%04X", bad, (unsigned)first);
}
END_TEST

START_TEST(overlong_and_out_of_range)
{
	unsigned char u[4];
	uint32_t cp, first = 0;
	size_t len, bad = 0;

	/* every code point in every longer form than its shortest */
	for (cp = 0; cp < 0x10000; cp++)
		for (len = shortest(cp) + 1; len <= 4; len++)
			if (len > 1) {
				encode(cp, len, u);
				if (dgcg_utf8_seq(u, len) != 0 && bad++ == 0)
					first = cp;
			}
	ck_assert_msg(bad == 0, "%zu overlong forms accepted, the first U+%04X", bad,
	    (unsigned)first);
	/* what a 4-byte form can hold above U+10FFFF (F4 90.. to F7 BF..) */
	for (cp = 0x110000; cp <= 0x1fffff; cp++) {
		encode(cp, 4, u);
		if (dgcg_utf8_seq(u, 4) != 0 && bad++ == 0)
			first = cp;
	}
	ck_assert_msg(bad == 0, "%zu values above U+10FFFF accepted, the first %X", bad,
	    (unsigned)first);
}
END_TEST

START_TEST(single_bytes)
{
	unsigned char b;
	unsigned i;

	for (i = 0; i < 256; i++) {
		b = (unsigned char)i;
		/* ASCII, NUL included, is a sequence of one; no other byte is */
		ck_assert_uint_eq(dgcg_utf8_seq(&b, 1), i < 0x80 ? 1 : 0);
		ck_assert_uint_eq(dgcg_utf8_seq(&b, 0), 0);
	}
}
END_TEST

START_TEST(bad_continuations)
{
	static const unsigned char repl[] = { 0x00, 0x41, 0x7f, 0xc0, 0xc3, 0xe2, 0xf0, 0xff };
	static const char *const good[] = { "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
		"\xf4\x8f\xbf\xbf", "\xef\xbf\xbf", "\xed\x9f\xbf", "\xee\x80\x80" };
	unsigned char u[4];
	size_t g, k, r, len;

	for (g = 0; g < sizeof(good) / sizeof(good[0]); g++) {
		len = strlen(good[g]);
		for (k = 1; k < len; k++)
			for (r = 0; r < sizeof(repl); r++) {
				memcpy(u, good[g], len);
				u[k] = repl[r];
				ck_assert_uint_eq(dgcg_utf8_seq(u, len), 0);
			}
	}
}
END_TEST

/* The boundaries, byte by byte (RFC 3629 section 4, Markus Kuhn's test). */
START_TEST(boundaries)
{
	static const struct {
		const char	*s;
		size_t		 n, want;
		uint32_t	 cp;
	} c[] = {
		{ "\xc2\x80", 2, 2, 0x80 },
		{ "\xdf\xbf", 2, 2, 0x7ff },
		{ "\xe0\xa0\x80", 3, 3, 0x800 },
		{ "\xed\x9f\xbf", 3, 3, 0xd7ff },
		{ "\xee\x80\x80", 3, 3, 0xe000 },
		{ "\xef\xbf\xbd", 3, 3, 0xfffd },
		{ "\xef\xbf\xbf", 3, 3, 0xffff },
		{ "\xf0\x90\x80\x80", 4, 4, 0x10000 },
		{ "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff },
		{ "\xc0\x80", 2, 0, 0 },		/* overlong NUL (modified UTF-8) */
		{ "\xc0\xaf", 2, 0, 0 },		/* overlong '/' */
		{ "\xc1\xbf", 2, 0, 0 },
		{ "\xe0\x80\xaf", 3, 0, 0 },
		{ "\xe0\x9f\xbf", 3, 0, 0 },
		{ "\xed\xa0\x80", 3, 0, 0 },		/* U+D800 */
		{ "\xed\xbf\xbf", 3, 0, 0 },		/* U+DFFF */
		{ "\xf0\x8f\xbf\xbf", 4, 0, 0 },
		{ "\xf4\x90\x80\x80", 4, 0, 0 },	/* U+110000 */
		{ "\xf5\x80\x80\x80", 4, 0, 0 },
		{ "\xf8\x88\x80\x80\x80", 5, 0, 0 },	/* 5-byte form */
		{ "\xfe", 1, 0, 0 },
		{ "\xff", 1, 0, 0 },
		{ "\x80", 1, 0, 0 },			/* lone continuation */
		{ "\xbf", 1, 0, 0 },
		{ "\xc3", 1, 0, 0 },			/* truncated */
		{ "\xe2\x82", 2, 0, 0 },
		{ "\xf0\x9f\x98", 3, 0, 0 },
		/* a valid sequence followed by more bytes is still that sequence */
		{ "\xc3\xa9\xc3\xa9", 4, 2, 0xe9 },
		{ "a\xff", 2, 1, 'a' },
	};
	size_t i;
	uint32_t cp;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cp = 0xffffffffu;
		ck_assert_msg(dgcg_utf8_decode((const unsigned char *)c[i].s, c[i].n, &cp) ==
		    c[i].want, "case %zu", i);
		ck_assert_uint_eq(cp, c[i].want ? c[i].cp : 0xffffffffu);
	}
}
END_TEST

/* log.c escapes C1 controls: it needs the code point, which decode gives. */
START_TEST(c1_controls_decode)
{
	static const struct {
		const char	*s;
		uint32_t	 cp;
	} c[] = {
		{ "\xc2\x80", 0x80 }, { "\xc2\x9b", 0x9b }, { "\xc2\x9f", 0x9f }, { "\xc2\xa0", 0xa0 },
	};
	uint32_t cp;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cp = 0;
		ck_assert_uint_eq(dgcg_utf8_decode((const unsigned char *)c[i].s, 2, &cp), 2);
		ck_assert_uint_eq(cp, c[i].cp);
	}
	/* NULL for the code point is allowed */
	ck_assert_uint_eq(dgcg_utf8_decode((const unsigned char *)"\xc2\xa0", 2, NULL), 2);
}
END_TEST

/* problem.c replaces each byte where the sequence length is 0: a truncated
 * sequence gives one U+FFFD per byte, and the next valid sequence survives. */
START_TEST(resync_per_byte)
{
	const unsigned char *s = (const unsigned char *)"\xe2\x82" "c\xf0\x9f\x98\xc3\xa9";
	size_t n = 8;

	ck_assert_uint_eq(dgcg_utf8_seq(s, n), 0);		/* E2 82 'c' */
	ck_assert_uint_eq(dgcg_utf8_seq(s + 1, n - 1), 0);
	ck_assert_uint_eq(dgcg_utf8_seq(s + 2, n - 2), 1);
	ck_assert_uint_eq(dgcg_utf8_seq(s + 3, n - 3), 0);	/* F0 9F 98 C3 */
	ck_assert_uint_eq(dgcg_utf8_seq(s + 4, n - 4), 0);
	ck_assert_uint_eq(dgcg_utf8_seq(s + 5, n - 5), 0);
	ck_assert_uint_eq(dgcg_utf8_seq(s + 6, n - 6), 2);	/* C3 A9 survives */
}
END_TEST

/* cms.c's string payload: valid throughout and no NUL. */
START_TEST(whole_strings)
{
	static const struct {
		const char	*s;
		size_t		 n;
		int		 ok, ok_nul;
	} c[] = {
		{ "", 0, 1, 1 },
		{ "plain ASCII ~\x7f\x01", 15, 1, 1 },
		{ "gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x98\x80", 15, 1, 1 },
		{ "a\0b", 3, 0, 1 },
		{ "\0", 1, 0, 1 },
		{ "ok\xc3", 3, 0, 0 },			/* truncated at the end */
		{ "\xff", 1, 0, 0 },
		{ "\xc0\xaf", 2, 0, 0 },
		{ "\xe0\x80\xaf", 3, 0, 0 },
		{ "\xed\xa0\x80", 3, 0, 0 },
		{ "\xf4\x90\x80\x80", 4, 0, 0 },
		{ "\x80", 1, 0, 0 },
		{ "\xc0\x80", 2, 0, 0 },		/* overlong NUL is no way around */
		{ "\xc2\x80\xc2\x9f", 4, 1, 1 },	/* C1 controls are valid UTF-8 */
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		ck_assert_msg(dgcg_utf8_valid((const unsigned char *)c[i].s, c[i].n, 0) == c[i].ok,
		    "case %zu", i);
		ck_assert_msg(dgcg_utf8_valid((const unsigned char *)c[i].s, c[i].n, 1) ==
		    c[i].ok_nul, "case %zu with NUL", i);
	}
	/* n bounds the read: the byte after it is never looked at */
	ck_assert_int_eq(dgcg_utf8_valid((const unsigned char *)"ab\xff", 2, 0), 1);
	ck_assert_int_eq(dgcg_utf8_valid((const unsigned char *)"\xc3\xa9", 1, 0), 0);
}
END_TEST

START_TEST(counts)
{
	/* a, e-acute, euro, grinning face, and an escaped lone surrogate as
	 * json.c keeps it (ED A0 80: one code point, one UTF-16 unit) */
	const char *s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xed\xa0\x80";

	ck_assert_uint_eq(dgcg_utf8_codepoints(s, strlen(s)), 5);
	ck_assert_uint_eq(dgcg_utf8_utf16_len(s, strlen(s)), 6);
	ck_assert_uint_eq(dgcg_utf8_codepoints("", 0), 0);
	ck_assert_uint_eq(dgcg_utf8_utf16_len("", 0), 0);
	ck_assert_uint_eq(dgcg_utf8_codepoints("a\0b", 3), 3);
	ck_assert_uint_eq(dgcg_utf8_utf16_len("DE", 2), 2);
	ck_assert_uint_eq(dgcg_utf8_utf16_len("\xf0\x9f\x98\x80" "E", 5), 3);
}
END_TEST

Suite *
make_utf8_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc;

	tc = tcase_create("sequences");
	tcase_add_test(tc, every_code_point);
	tcase_add_test(tc, overlong_and_out_of_range);
	tcase_add_test(tc, single_bytes);
	tcase_add_test(tc, bad_continuations);
	tcase_add_test(tc, boundaries);
	suite_add_tcase(s, tc);

	tc = tcase_create("callers");
	tcase_add_test(tc, c1_controls_decode);
	tcase_add_test(tc, resync_per_byte);
	tcase_add_test(tc, whole_strings);
	tcase_add_test(tc, counts);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_utf8_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
