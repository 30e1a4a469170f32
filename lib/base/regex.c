/* regex.c: the ECMA-262 pattern subset of the JSON schema, by backtracking. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/regex.h"

/* A continuation: what must match after the current group, p..pe of the
 * pattern, then next. */
struct cont {
	const char		*p, *pe;
	const struct cont	*next;
};

/* End of the group starting at p ('('), or NULL. */
static const char *
group_end(const char *p, const char *pe)
{
	int depth = 0;

	for (; p < pe; p++) {
		if (*p == '\\') {
			p++;
			continue;
		}
		if (*p == '[') {
			while (p < pe && *p != ']')
				p++;
			continue;
		}
		if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p;
	}
	return NULL;
}

/* Parses one atom at p; sets *next past it. Returns 1 when c matches. */
static int
atom_match(const char *p, const char *pe, const char **next, int c, int *ok)
{
	int neg = 0, hit = 0;

	*ok = 1;
	if (*p == '\\') {
		if (p + 1 >= pe)
			return *ok = 0, 0;
		*next = p + 2;
		if (p[1] == 'd')
			return c >= '0' && c <= '9';
		if (strchr(".-\\^$|()[]{}+*?/", p[1]) == NULL)
			return *ok = 0, 0;
		return c == p[1];
	}
	if (*p == '[') {
		p++;
		if (p < pe && *p == '^')
			neg = 1, p++;
		while (p < pe && *p != ']') {
			int lo, hi;

			if (*p == '\\') {
				if (p + 1 < pe && p[1] == 'd') {
					hit |= c >= '0' && c <= '9';
					p += 2;
					continue;
				}
				if (p + 1 >= pe)
					return *ok = 0, 0;
				p++;
			}
			lo = hi = (unsigned char)*p;
			if (p + 2 < pe && p[1] == '-' && p[2] != ']') {
				hi = (unsigned char)p[2];
				p += 2;
			}
			hit |= c >= lo && c <= hi;
			p++;
		}
		if (p >= pe || neg)	/* unterminated, or negated: not supported */
			return *ok = 0, 0;
		*next = p + 1;
		return hit;
	}
	if (*p == '.' || *p == '(' || *p == ')' || *p == '|' || *p == '{' || *p == '}' ||
	    *p == '*' || *p == '+' || *p == '?' || (unsigned char)*p >= 0x80)
		return *ok = 0, 0;
	*next = p + 1;
	return c == *p;
}

/* Parses a quantifier at p: sets min, max (-1 = unbounded) and *next. */
static void
quantifier(const char *p, const char *pe, long *min, long *max, const char **next)
{
	char *e;

	*min = *max = 1;
	*next = p;
	if (p >= pe)
		return;
	if (*p == '+' || *p == '*' || *p == '?') {
		*min = *p == '+' ? 1 : 0;
		*max = *p == '?' ? 1 : -1;
		*next = p + 1;
		return;
	}
	if (*p != '{')
		return;
	*min = strtol(p + 1, &e, 10);
	if (*e == '}') {
		*max = *min;
		*next = e + 1;
	} else if (*e == ',') {
		if (e[1] == '}') {
			*max = -1;
			*next = e + 2;
		} else {
			*max = strtol(e + 1, &e, 10);
			*next = e + 1;
		}
	}
}

static int re_seq(const char *p, const char *pe, const struct cont *k, const char *s0,
	const char *s, const char *se, int *ok);

/* Tries each |-alternative of p..pe followed by k. */
static int
re_alt(const char *p, const char *pe, const struct cont *k, const char *s0, const char *s,
    const char *se, int *ok)
{
	const char *a = p, *q;
	int depth = 0;

	for (q = p; q <= pe; q++) {
		if (q < pe && *q == '\\') {
			q++;
			continue;
		}
		if (q < pe && *q == '[') {
			while (q < pe && *q != ']')
				q++;
			continue;
		}
		if (q < pe && *q == '(')
			depth++;
		else if (q < pe && *q == ')')
			depth--;
		else if (q == pe || (*q == '|' && depth == 0)) {
			if (re_seq(a, q, k, s0, s, se, ok))
				return 1;
			a = q + 1;
		}
	}
	return 0;
}

static int
re_seq(const char *p, const char *pe, const struct cont *k, const char *s0, const char *s,
    const char *se, int *ok)
{
	const char *next, *q, *ge;
	struct cont c;
	long min, max, n;

	if (!*ok)
		return 0;
	if (p >= pe)
		return k == NULL ? 1 : re_seq(k->p, k->pe, k->next, s0, s, se, ok);
	if (*p == '^')
		return s == s0 && re_seq(p + 1, pe, k, s0, s, se, ok);
	if (*p == '$')
		return s == se && re_seq(p + 1, pe, k, s0, s, se, ok);
	if (*p == '(') {
		if ((ge = group_end(p, pe)) == NULL) {
			*ok = 0;
			return 0;
		}
		if (ge + 1 < pe && strchr("{+*?", ge[1]) != NULL) {
			*ok = 0;	/* quantified groups are not supported */
			return 0;
		}
		c.p = ge + 1;
		c.pe = pe;
		c.next = k;
		return re_alt(p + 1, ge, &c, s0, s, se, ok);
	}
	/* an atom and its quantifier: count greedily, then back off */
	(void)atom_match(p, pe, &next, 0, ok);
	if (!*ok)
		return 0;
	quantifier(next, pe, &min, &max, &q);
	for (n = 0; (max < 0 || n < max) && s + n < se; n++)
		if (!atom_match(p, pe, &next, (unsigned char)s[n], ok))
			break;
	for (; n >= min; n--)
		if (re_seq(q, pe, k, s0, s + n, se, ok))
			return 1;
	return 0;
}

int
dgcg_regex_search(const char *pat, const char *s, size_t len)
{
	const char *pe = pat + strlen(pat), *st;
	int ok = 1, m = 0;

	for (st = s; st <= s + len && !m; st++) {
		m = re_alt(pat, pe, NULL, s, st, s + len, &ok);
		if (!ok)
			return -1;
	}
	return m;
}
