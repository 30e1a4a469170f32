/* codec.c: strict base64, hex, percent-decoding and SHA-256. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "base/codec.h"
#include "base/xmalloc.h"

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Value of a base64 character, -2 for '=', -1 for anything else. */
static int
b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	if (c == '=')
		return -2;
	return -1;
}

/*
 * The state machine of Java's Base64.Decoder.decode0 (non-MIME): units of
 * four characters; '=' may only end a unit of two ("xx==") or three
 * ("xxx=") characters; nothing may follow the padding; a dangling single
 * character is an error; unused low bits of the last unit are ignored.
 */
enum dgcg_err
dgcg_b64_decode(const char *in, size_t len, unsigned char **out, size_t *outlen)
{
	const unsigned char *s = (const unsigned char *)in;
	unsigned char *dst;
	uint32_t bits = 0;
	int shiftto = 18, v;
	size_t sp = 0, dp = 0;

	*out = NULL;
	*outlen = 0;
	if (in == NULL && len != 0)
		return DGCG_ERR_INVAL;
	dst = xmalloc(len / 4 * 3 + 3 + 1);
	while (sp < len) {
		v = b64val(s[sp++]);
		if (v == -2) {
			if ((shiftto == 6 && (sp == len || s[sp++] != '=')) ||
			    shiftto == 18)
				goto bad;
			break;
		}
		if (v < 0)
			goto bad;
		bits |= (uint32_t)v << shiftto;
		shiftto -= 6;
		if (shiftto < 0) {
			dst[dp++] = (unsigned char)(bits >> 16);
			dst[dp++] = (unsigned char)(bits >> 8);
			dst[dp++] = (unsigned char)bits;
			shiftto = 18;
			bits = 0;
		}
	}
	if (shiftto == 6)
		dst[dp++] = (unsigned char)(bits >> 16);
	else if (shiftto == 0) {
		dst[dp++] = (unsigned char)(bits >> 16);
		dst[dp++] = (unsigned char)(bits >> 8);
	} else if (shiftto == 12)
		goto bad;
	if (sp < len)
		goto bad;
	dst[dp] = '\0';
	*out = dst;
	*outlen = dp;
	return DGCG_OK;
bad:
	free(dst);
	return DGCG_ERR_PARSE;
}

char *
dgcg_b64_encode(const unsigned char *in, size_t len)
{
	char *out, *p;
	size_t i;
	uint32_t v;

	out = xmalloc((len + 2) / 3 * 4 + 1);
	p = out;
	for (i = 0; i + 3 <= len; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*p++ = b64chars[v >> 18 & 63];
		*p++ = b64chars[v >> 12 & 63];
		*p++ = b64chars[v >> 6 & 63];
		*p++ = b64chars[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)in[i] << 16;
		*p++ = b64chars[v >> 18 & 63];
		*p++ = b64chars[v >> 12 & 63];
		*p++ = '=';
		*p++ = '=';
	} else if (len - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		*p++ = b64chars[v >> 18 & 63];
		*p++ = b64chars[v >> 12 & 63];
		*p++ = b64chars[v >> 6 & 63];
		*p++ = '=';
	}
	*p = '\0';
	return out;
}

void
dgcg_hex_lower(const unsigned char *in, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * len] = '\0';
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
dgcg_is_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (hexval((unsigned char)s[i]) < 0)
			return 0;
	return 1;
}

enum dgcg_err
dgcg_url_decode(const char *in, size_t len, int plus_is_space, char **out, size_t *outlen)
{
	char *dst;
	size_t i, dp = 0;
	int hi, lo;
	unsigned char c;

	*out = NULL;
	*outlen = 0;
	if (in == NULL && len != 0)
		return DGCG_ERR_INVAL;
	dst = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		c = (unsigned char)in[i];
		if (c == '%') {
			if (len - i < 3)
				goto bad;
			hi = hexval((unsigned char)in[i + 1]);
			lo = hexval((unsigned char)in[i + 2]);
			if (hi < 0 || lo < 0)
				goto bad;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus_is_space)
			c = ' ';
		if (c == '\0')
			goto bad;
		dst[dp++] = (char)c;
	}
	dst[dp] = '\0';
	*out = dst;
	*outlen = dp;
	return DGCG_OK;
bad:
	free(dst);
	return DGCG_ERR_PARSE;
}

void
dgcg_sha256(const unsigned char *in, size_t len, unsigned char out[32])
{
	unsigned int n = 0;

	/* NOTE: EVP_Digest can only fail on allocation or a missing
	 * provider; neither is recoverable, so treat it like OOM. */
	if (EVP_Digest(in, len, out, &n, EVP_sha256(), NULL) != 1 || n != 32)
		abort();
}

void
dgcg_sha256_hex(const unsigned char *in, size_t len, char out[DGCG_THUMB_HEX_LEN + 1])
{
	unsigned char md[32];

	dgcg_sha256(in, len, md);
	dgcg_hex_lower(md, sizeof(md), out);
}
