/* codec.h: base64, hex, URL decoding and SHA-256 over (pointer, length). */
#ifndef DGCG_CODEC_H
#define DGCG_CODEC_H

#include <stddef.h>

#include "base/dgcg.h"

/* Strict standard-alphabet base64 decode, like Java's Base64.getDecoder():
 * padding optional, no whitespace or line breaks, no other alphabet.
 * On DGCG_OK *out is a malloc'd buffer (caller frees) of *outlen bytes,
 * NUL-terminated for convenience (not counted). Empty input decodes to an
 * empty buffer. Returns DGCG_ERR_PARSE on any invalid character or length. */
enum dgcg_err dgcg_b64_decode(const char *in, size_t len, unsigned char **out, size_t *outlen);

/* Standard base64 with padding, one line. Returns a malloc'd string. */
char *dgcg_b64_encode(const unsigned char *in, size_t len);

/* Writes 2*len lower-case hex digits and a NUL to out. */
void dgcg_hex_lower(const unsigned char *in, size_t len, char *out);

/* Returns 1 when s[0..len) are all hex digits (either case), else 0. */
int dgcg_is_hex(const char *s, size_t len);

/* Percent-decodes in[0..len). With plus_is_space, '+' becomes ' ' (HTML
 * form decoding, as Java's URLDecoder). A '%' not followed by two hex
 * digits, or a decoded NUL byte, is DGCG_ERR_PARSE. On DGCG_OK *out is a
 * malloc'd NUL-terminated string (caller frees) of *outlen bytes. */
enum dgcg_err dgcg_url_decode(const char *in, size_t len, int plus_is_space, char **out, size_t *outlen);

/* SHA-256 of in[0..len) into out (32 bytes). */
void dgcg_sha256(const unsigned char *in, size_t len, unsigned char out[32]);

/* Lower-case hex SHA-256 of in[0..len) into out (65 bytes with NUL). */
void dgcg_sha256_hex(const unsigned char *in, size_t len, char out[DGCG_THUMB_HEX_LEN + 1]);

#endif
