/* utf8.c: strict UTF-8 (RFC 3629) decoding, validation and length counts. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "base/utf8.h"

size_t
dgcg_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t v;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		len = 1;
		v = s[0];
	} else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		v = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		v = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		v = s[0] & 0x07;
	} else
		return 0;	/* continuation byte, C0/C1 (overlong), F5..FF */
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) || v > 0x10ffff ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	if (cp != NULL)
		*cp = v;
	return len;
}

size_t
dgcg_utf8_seq(const unsigned char *s, size_t n)
{
	return dgcg_utf8_decode(s, n, NULL);
}

int
dgcg_utf8_valid(const unsigned char *s, size_t n, int allow_nul)
{
	size_t i = 0, u;

	while (i < n) {
		if (s[i] == 0 && !allow_nul)
			return 0;
		if ((u = dgcg_utf8_decode(s + i, n - i, NULL)) == 0)
			return 0;
		i += u;
	}
	return 1;
}

size_t
dgcg_utf8_codepoints(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

size_t
dgcg_utf8_utf16_len(const char *s, size_t len)
{
	size_t i, n = 0;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if ((c & 0xc0) != 0x80)
			n += c >= 0xf0 ? 2 : 1;
	}
	return n;
}
