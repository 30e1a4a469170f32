/* problem.c: the problem table and the ProblemReport JSON body. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "domain/problem.h"
#include "base/utf8.h"
#include "base/xmalloc.h"

/* The single source of every fixed problem's status, code and text. */
static const struct dgcg_prob_info probs[DGCG_P__MAX] = {
	[DGCG_P_NONE] =		  { 200, "", "" },
	[DGCG_P_VALIDATION] =	  { 400, "0x001", "Validation Error" },
	[DGCG_P_INTERNAL] =	  { 500, "0x008", "Internal Server Error" },
	[DGCG_P_AUTH_MISSING] =	  { 401, "0x400", "No thumbprint or distinguish name" },
	[DGCG_P_AUTH_NO_COUNTRY] = { 400, "0x401",
	    "Client Certificate must contain country property" },
	[DGCG_P_AUTH_UNKNOWN] =	  { 401, "0x402",
	    "Client is not authorized to access the service" },
	[DGCG_P_FORBIDDEN] =	  { 403, "0x403",
	    "Client is not authorized to access the endpoint" },
	[DGCG_P_NOT_FOUND] =	  { 404, "0x404", "Not Found" },
	[DGCG_P_METHOD] =	  { 405, "0x405", "Method Not Allowed" },
	[DGCG_P_NOT_ACCEPTABLE] = { 406, "0x406", "Not Acceptable" },
	[DGCG_P_TOO_LARGE] =	  { 413, "0x413", "Payload Too Large" },
	[DGCG_P_MEDIA_TYPE] =	  { 415, "0x415", "Unsupported Media Type" },
	[DGCG_P_UNAVAILABLE] =	  { 503, "0x503", "Service Unavailable" },
};

/* NOTE: an out-of-range p answers with the INTERNAL entry, never NULL. */
const struct dgcg_prob_info *
dgcg_prob_info(enum dgcg_prob p)
{
	if ((unsigned)p >= DGCG_P__MAX)
		return &probs[DGCG_P_INTERNAL];
	return &probs[p];
}

/*
 * Appends "key":"value" to out at *o. Each input byte becomes at most six
 * output bytes (\u00XX); an invalid UTF-8 byte becomes U+FFFD (3 bytes).
 */
static void
put_string(char *out, size_t *o, const char *key, const char *v, int first)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)(v != NULL ? v : "");
	size_t n = strlen((const char *)s), i, u, kl = strlen(key);
	char *p = out + *o;

	if (!first)
		*p++ = ',';
	*p++ = '"';
	memcpy(p, key, kl);
	p += kl;
	*p++ = '"';
	*p++ = ':';
	*p++ = '"';
	for (i = 0; i < n; i += u) {
		u = 1;
		switch (s[i]) {
		case '"':
		case '\\':
			*p++ = '\\';
			*p++ = (char)s[i];
			continue;
		case '\b':
			*p++ = '\\';
			*p++ = 'b';
			continue;
		case '\f':
			*p++ = '\\';
			*p++ = 'f';
			continue;
		case '\n':
			*p++ = '\\';
			*p++ = 'n';
			continue;
		case '\r':
			*p++ = '\\';
			*p++ = 'r';
			continue;
		case '\t':
			*p++ = '\\';
			*p++ = 't';
			continue;
		default:
			break;
		}
		if (s[i] < 0x20 || s[i] == 0x7f) {
			memcpy(p, "\\u00", 4);
			p[4] = hex[s[i] >> 4];
			p[5] = hex[s[i] & 0x0f];
			p += 6;
		} else if (s[i] < 0x80)
			*p++ = (char)s[i];
		else if ((u = dgcg_utf8_seq(s + i, n - i)) != 0) {
			memcpy(p, s + i, u);
			p += u;
		} else {
			u = 1;
			memcpy(p, "\xef\xbf\xbd", 3);
			p += 3;
		}
	}
	*p++ = '"';
	*o = (size_t)(p - out);
}

/*
 * NOTE: the fields are written in the reference's order: code, problem,
 * sendValue, details. The output is plain JSON on one line; '/' is not
 * escaped. The caller frees the result. NULL is returned only when the
 * lengths would overflow size_t, which no real string can reach.
 */
char *
dgcg_problem_json(const char *code, const char *problem, const char *send_value,
    const char *details, size_t *len)
{
	const char *v[4] = { code, problem, send_value, details };
	static const char *const k[4] = { "code", "problem", "sendValue", "details" };
	size_t cap = 3, o = 0, n, i;
	char *out;

	/* worst case: 6 output bytes per input byte, plus keys and punctuation */
	for (i = 0; i < 4; i++) {
		n = v[i] != NULL ? strlen(v[i]) : 0;
		if (n > (SIZE_MAX - cap) / 6 - 32)
			return NULL;
		cap += 6 * n + strlen(k[i]) + 8;
	}
	out = xmalloc(cap);
	out[o++] = '{';
	for (i = 0; i < 4; i++)
		put_string(out, &o, k[i], v[i], i == 0);
	out[o++] = '}';
	out[o] = '\0';
	if (len != NULL)
		*len = o;
	return out;
}
