/* regex.c: the ECMA-262 pattern subset of the JSON schema, by backtracking.
 *
 * The pattern is checked whole first (re_check), so the matcher (re_alt,
 * re_seq) only ever walks a pattern inside the subset; its ok flag is a
 * second line of defence, not the contract. */
#include "config.h"

#include <string.h>

#include "base/regex.h"

#define REPEAT_MAX	65535L	/* the largest count in {n}, {n,} and {n,m} */

/* A continuation: what must match after the current group, p..pe of the
 * pattern, then next. */
struct cont {
	const char		*p, *pe;
	const struct cont	*next;
};

/* The characters that may follow '\' as themselves, in and outside classes. */
static const char syntax_chars[] = ".-\\^$|()[]{}+*?/";

/* The closing ']' of the class starting at p ('['), escapes honoured, or
 * NULL when there is none before pe. */
static const char *
class_end(const char *p, const char *pe)
{
	for (p++; p < pe; p++) {
		if (*p == '\\') {
			if (++p >= pe)
				return NULL;
		} else if (*p == ']')
			return p;
	}
	return NULL;
}

/* Moves past the escape, class or single character at p (p < pe). NULL for a
 * '\' or '[' that the pattern does not finish. */
static const char *
skip_one(const char *p, const char *pe)
{
	if (*p == '\\')
		return p + 1 < pe ? p + 2 : NULL;
	if (*p == '[') {
		p = class_end(p, pe);
		return p != NULL ? p + 1 : NULL;
	}
	return p + 1;
}

/* The ')' that closes the group starting at p ('('), or NULL. */
static const char *
group_end(const char *p, const char *pe)
{
	int depth = 0;

	while (p != NULL && p < pe) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p;
		p = skip_one(p, pe);
	}
	return NULL;
}

/* One character of a class at p, plain or escaped: sets *c and returns the
 * position after it, or NULL when it is outside the subset. */
static const char *
class_char(const char *p, const char *pe, int *c)
{
	if (*p == '\\') {
		if (p + 1 >= pe || strchr(syntax_chars, p[1]) == NULL)
			return NULL;
		p++;
	}
	if ((unsigned char)*p >= 0x80)
		return NULL;
	*c = (unsigned char)*p;
	return p + 1;
}

/* Parses one atom at p; sets *next past it. Returns 1 when c matches; sets
 * *ok to 0 when the atom is outside the subset. */
static int
atom_match(const char *p, const char *pe, const char **next, int c, int *ok)
{
	const char *ce;
	int hit = 0, lo, hi;

	*ok = 1;
	if (*p == '\\') {
		if (p + 1 >= pe)
			return *ok = 0, 0;
		*next = p + 2;
		if (p[1] == 'd')
			return c >= '0' && c <= '9';
		if (strchr(syntax_chars, p[1]) == NULL)
			return *ok = 0, 0;
		return c == p[1];
	}
	if (*p == '[') {
		/* unterminated, or negated: not supported */
		if ((ce = class_end(p, pe)) == NULL || p[1] == '^')
			return *ok = 0, 0;
		for (p++; p < ce;) {
			if (p[0] == '\\' && p[1] == 'd') {
				hit |= c >= '0' && c <= '9';
				p += 2;
				continue;
			}
			if ((p = class_char(p, ce, &lo)) == NULL)
				return *ok = 0, 0;
			hi = lo;
			if (p + 1 < ce && p[0] == '-') {
				/* a range: its end is a plain character not below lo */
				if (p[1] == '\\' || (unsigned char)p[1] >= 0x80 ||
				    (unsigned char)p[1] < lo)
					return *ok = 0, 0;
				hi = (unsigned char)p[1];
				p += 2;
			}
			hit |= c >= lo && c <= hi;
		}
		*next = ce + 1;
		return hit;
	}
	if (*p == '.' || *p == '(' || *p == ')' || *p == '|' || *p == '{' || *p == '}' ||
	    *p == '*' || *p == '+' || *p == '?' || (unsigned char)*p >= 0x80)
		return *ok = 0, 0;
	*next = p + 1;
	return c == *p;
}

/* Reads 1-5 decimal digits at *p (up to pe) as a count <= REPEAT_MAX. */
static int
count(const char **p, const char *pe, long *v)
{
	const char *s = *p;

	*v = 0;
	while (*p < pe && **p >= '0' && **p <= '9' && *p - s < 6)
		*v = *v * 10 + (*(*p)++ - '0');
	return *p > s && *v <= REPEAT_MAX;
}

/* Parses the quantifier at p, if any: sets min, max (-1 = unbounded) and
 * *next (p itself when there is none). Returns 0 for a '{' that is not
 * {n}, {n,} or {n,m} with n <= m. */
static int
quantifier(const char *p, const char *pe, long *min, long *max, const char **next)
{
	*min = *max = 1;
	*next = p;
	if (p >= pe)
		return 1;
	if (*p == '+' || *p == '*' || *p == '?') {
		*min = *p == '+' ? 1 : 0;
		*max = *p == '?' ? 1 : -1;
		*next = p + 1;
		return 1;
	}
	if (*p != '{')
		return 1;
	p++;
	if (!count(&p, pe, min) || p >= pe)
		return 0;
	if (*p == '}') {
		*max = *min;
	} else if (*p == ',' && p + 1 < pe && p[1] == '}') {
		*max = -1;
		p++;
	} else if (*p == ',') {
		p++;
		if (!count(&p, pe, max) || p >= pe || *p != '}' || *max < *min)
			return 0;
	} else
		return 0;
	*next = p + 1;
	return 1;
}

/* 1 when p..pe is inside the subset: every atom, quantifier and group. */
static int
re_check(const char *p, const char *pe)
{
	const char *next, *ge;
	long min, max;
	int ok;

	while (p < pe) {
		if (*p == '^' || *p == '$' || *p == '|') {
			p++;
			continue;
		}
		if (*p == '(') {
			if ((ge = group_end(p, pe)) == NULL || !re_check(p + 1, ge))
				return 0;
			p = ge + 1;
			if (p < pe && strchr("{+*?", *p) != NULL)
				return 0;	/* quantified groups are not supported */
			continue;
		}
		(void)atom_match(p, pe, &next, 0, &ok);
		if (!ok || !quantifier(next, pe, &min, &max, &p))
			return 0;
	}
	return 1;
}

static int re_seq(const char *p, const char *pe, const struct cont *k, const char *s0,
	const char *s, const char *se, int *ok);

/* Tries each |-alternative of p..pe (at this group's level) followed by k. */
static int
re_alt(const char *p, const char *pe, const struct cont *k, const char *s0, const char *s,
    const char *se, int *ok)
{
	const char *a = p, *q = p;
	int depth = 0;

	for (;;) {
		if (q >= pe || (*q == '|' && depth == 0)) {
			if (re_seq(a, q, k, s0, s, se, ok))
				return 1;
			if (q >= pe)
				return 0;
			a = ++q;
			continue;
		}
		if (*q == '(')
			depth++;
		else if (*q == ')')
			depth--;
		if ((q = skip_one(q, pe)) == NULL) {
			*ok = 0;
			return 0;
		}
	}
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
		if ((ge = group_end(p, pe)) == NULL ||
		    (ge + 1 < pe && strchr("{+*?", ge[1]) != NULL)) {
			*ok = 0;
			return 0;
		}
		c.p = ge + 1;
		c.pe = pe;
		c.next = k;
		return re_alt(p + 1, ge, &c, s0, s, se, ok);
	}
	/* an atom and its quantifier: count greedily, then back off */
	(void)atom_match(p, pe, &next, 0, ok);
	if (!*ok || !quantifier(next, pe, &min, &max, &q)) {
		*ok = 0;
		return 0;
	}
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
	const char *pe = pat + strlen(pat);
	size_t st;
	int ok = 1, m = 0;

	if (!re_check(pat, pe))
		return -1;
	for (st = 0; st <= len && !m; st++) {
		m = re_alt(pat, pe, NULL, s, s + st, s + len, &ok);
		if (!ok)
			return -1;
	}
	return m;
}
