/* utf8.h: the one strict UTF-8 validator (RFC 3629) and length counts.
 *
 * Strict means RFC 3629 section 3 and 4 exactly: no overlong forms (C0, C1,
 * E0 80..9F, F0 80..8F), no encoded surrogates (ED A0..BF, U+D800..U+DFFF),
 * nothing above U+10FFFF (F4 90.., F5..FF), no lone or missing continuation
 * bytes. Every function works over (pointer, length) and never reads past
 * it; NUL is an ordinary byte unless a function says otherwise.
 *
 * What the callers add on top, kept in the caller:
 *   log.c       escapes C1 controls (U+0080..U+009F) too (dgcg_utf8_decode)
 *   problem.c   replaces each byte where dgcg_utf8_seq is 0 with U+FFFD
 *   cms.c       a string payload: dgcg_utf8_valid(.., allow_nul = 0)
 *   json.c      checks raw bytes >= 0x80 in strings with dgcg_utf8_seq */
#ifndef DGCG_UTF8_H
#define DGCG_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the sequence at s[0..n): returns its length (1-4) and sets *cp
 * (may be NULL) to the code point, or returns 0 (*cp untouched) when the
 * bytes there are not one valid sequence, also when n is 0 or the sequence
 * is cut short by n.
 * NOTE: every byte below 0x80 is a sequence of 1, NUL included; a caller
 * that refuses NUL or controls checks them itself. */
size_t dgcg_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* dgcg_utf8_decode without the code point: the length of the valid
 * sequence at s (at most n bytes), or 0. A caller repairing text skips one
 * byte where this is 0 and tries again at the next one. */
size_t dgcg_utf8_seq(const unsigned char *s, size_t n);

/* 1 when s[0..n) is valid UTF-8 throughout, else 0. With allow_nul 0 a NUL
 * byte anywhere makes it invalid (text that is later used as a C string);
 * with allow_nul 1 NUL is U+0000 like any other code point. The empty
 * string is valid. */
int dgcg_utf8_valid(const unsigned char *s, size_t n, int allow_nul);

/* The number of code points of s[0..len): bytes that are not continuation
 * bytes (10xxxxxx). Exact for valid UTF-8, and for the generalised UTF-8 in
 * which json.c keeps escaped lone surrogates (3 bytes, one code point); what
 * JSON Schema's minLength counts. Invalid input is not detected. */
size_t dgcg_utf8_codepoints(const char *s, size_t len);

/* The length of s[0..len) in UTF-16 code units (what Java's String.length()
 * and @Size count): one per code point, two for a 4-byte sequence. Same
 * counting rule as dgcg_utf8_codepoints; meant for text already checked. */
size_t dgcg_utf8_utf16_len(const char *s, size_t len);

#endif
