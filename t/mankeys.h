/* mankeys.h: holds a manual page to a configuration key table (t/check_conf
 * for dgcg.conf(5), t/check_sync for dgcg-sync(1)). */
#ifndef DGCG_MANKEYS_H
#define DGCG_MANKEYS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "base/conf.h"
#include "testutil.h"

/* A file of the build tree ($DGCG_BUILDDIR, else .) or source tree
 * ($DGCG_SRCDIR, else .), read whole; fails the test when unreadable. */
static inline char *
slurp_tree(const char *env, const char *rel)
{
	const char *dir = getenv(env);
	char path[4096], *buf;

	snprintf(path, sizeof(path), "%s/%s", dir != NULL && *dir != '\0' ? dir : ".", rel);
	buf = test_slurp(path, NULL);
	ck_assert_msg(buf != NULL, "cannot read %s (%s); run through make check", path,
	    strerror(errno));
	return buf;
}

/* 1 when s[0..n) is a word of text: neither neighbour is [A-Za-z0-9_]. */
static inline int
has_word(const char *text, const char *s)
{
	size_t n = strlen(s);
	const char *p;

#define WORDCH(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') || \
	((c) >= '0' && (c) <= '9') || (c) == '_')
	for (p = text; (p = strstr(p, s)) != NULL; p++)
		if ((p == text || !WORDCH(p[-1])) && !WORDCH(p[n]))
			return 1;
#undef WORDCH
	return 0;
}

/* mdoc macros the manual uses inside text; dropped when flattening. */
static inline int
is_macro(const char *t, size_t n)
{
	static const char *const m[] = { "Ar", "Cm", "Dq", "Dv", "Ev", "Fl", "Ic", "Ns", "No",
		"Pa", "Pc", "Po", "Pq", "Ql", "Sq", "Va", "Xr", "Op", "Em" };
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (n == 2 && memcmp(t, m[i], 2) == 0)
			return 1;
	return 0;
}

/* Appends the text of mdoc line [l, e) to out without macro names and the
 * leading '.', words separated by one space. */
static inline void
flatten(const char *l, const char *e, char *out, size_t outsz)
{
	size_t o = strlen(out), n;
	const char *t;

	if (l < e && *l == '.')
		l++;
	while (l < e) {
		while (l < e && (*l == ' ' || *l == '\t'))
			l++;
		for (t = l; l < e && *l != ' ' && *l != '\t'; l++)
			;
		n = (size_t)(l - t);
		if (n == 0 || is_macro(t, n))
			continue;
		ck_assert_uint_lt(o + n + 2, outsz);
		if (o > 0)
			out[o++] = ' ';
		memcpy(out + o, t, n);
		o += n;
		out[o] = '\0';
	}
}

/* "min to max" with no digit around it. */
static inline int
has_range(const char *text, unsigned long long min, unsigned long long max)
{
	char r[64];
	const char *p;
	size_t n;

	n = (size_t)snprintf(r, sizeof(r), "%llu to %llu", min, max);
	for (p = text; (p = strstr(p, r)) != NULL; p++)
		if ((p == text || p[-1] < '0' || p[-1] > '9') && (p[n] < '0' || p[n] > '9'))
			return 1;
	return 0;
}

/* The first word after "Default:", without trailing ".,;:" ("" if none). */
static inline void
default_word(const char *text, char *out, size_t outsz)
{
	const char *p = strstr(text, "Default:");
	size_t n;

	out[0] = '\0';
	if (p == NULL)
		return;
	for (p += 8; *p == ' '; p++)
		;
	for (n = 0; p[n] != '\0' && p[n] != ' '; n++)
		;
	while (n > 1 && strchr(".,;:", p[n - 1]) != NULL)
		n--;
	snprintf(out, outsz, "%.*s", (int)n, p);
}

/*
 * The manual page (as built, with the configured paths) documents every key
 * of a table and no other, each once as ".It Ic key Ar arg": arg is
 * "boolean" exactly for the booleans and "size" exactly for the sizes; a
 * number's or size's entry states its range as "min to max"; the first word
 * after "Default:" is the default ("none" when there is none). README names
 * every key too. keyfn is dgcg_conf_key or a program's table's.
 */
static inline void
check_manual_keys(const char *page, enum dgcg_err (*keyfn)(size_t, struct dgcg_conf_keyinfo *))
{
	struct dgcg_conf_keyinfo ki;
	char *man = slurp_tree("DGCG_BUILDDIR", page);
	char *readme = slurp_tree("DGCG_SRCDIR", "README");
	static char body[8192];
	char key[64], arg[64], def[256];
	const char *l, *e, *b;
	size_t i, seen[96], nkeys;
	int found;

	for (nkeys = 0; keyfn(nkeys, &ki) == DGCG_OK; nkeys++)
		;
	ck_assert_uint_gt(nkeys, 0);
	ck_assert_uint_le(nkeys, sizeof(seen) / sizeof(seen[0]));
	memset(seen, 0, sizeof(seen));
	for (l = man; *l != '\0'; l = *e != '\0' ? e + 1 : e) {
		e = strchr(l, '\n');
		if (e == NULL)
			e = l + strlen(l);
		if (strncmp(l, ".It Ic ", 7) != 0)
			continue;
		key[0] = arg[0] = '\0';
		ck_assert_msg(sscanf(l, ".It Ic %63s Ar %63s", key, arg) == 2,
		    "%s: \"%.*s\": not \".It Ic key Ar arg\"", page, (int)(e - l), l);
		for (i = 0; keyfn(i, &ki) == DGCG_OK; i++)
			if (strcmp(ki.key, key) == 0)
				break;
		ck_assert_msg(i < nkeys, "%s documents %s, which the key table does not "
		    "know", page, key);
		ck_assert_msg(seen[i] == 0, "%s documents %s twice", page, key);
		seen[i] = 1;
		/* The entry's text: up to the next .It or .El. */
		body[0] = '\0';
		for (b = *e != '\0' ? e + 1 : e; *b != '\0' && strncmp(b, ".It", 3) != 0 &&
		    strncmp(b, ".El", 3) != 0; b = *e != '\0' ? e + 1 : e) {
			e = strchr(b, '\n');
			if (e == NULL)
				e = b + strlen(b);
			flatten(b, e, body, sizeof(body));
		}
		e = b > man ? b - 1 : b;	/* the outer loop goes on at b */
		ck_assert_msg((strcmp(arg, "boolean") == 0) == (strcmp(ki.kind, "boolean") == 0),
		    "%s: %s is a %s, documented as \"%s\"", page, key, ki.kind, arg);
		ck_assert_msg((strcmp(arg, "size") == 0) == (strcmp(ki.kind, "size") == 0),
		    "%s: %s is a %s, documented as \"%s\"", page, key, ki.kind, arg);
		if (strcmp(ki.kind, "number") == 0 || strcmp(ki.kind, "size") == 0)
			ck_assert_msg(has_range(body, ki.min, ki.max),
			    "%s: %s does not say \"%llu to %llu\": %s", page, key, ki.min,
			    ki.max, body);
		default_word(body, def, sizeof(def));
		ck_assert_msg(strcmp(def, ki.def != NULL ? ki.def : "none") == 0,
		    "%s: %s: default is \"%s\", the manual says \"%s\"", page, key,
		    ki.def != NULL ? ki.def : "none", def);
	}
	for (i = 0; i < nkeys; i++) {
		ck_assert_int_eq(keyfn(i, &ki), DGCG_OK);
		ck_assert_msg(seen[i], "%s does not document %s (.It Ic %s Ar ...)",
		    page, ki.key, ki.key);
		found = has_word(readme, ki.key);
		ck_assert_msg(found, "README does not name the configuration key %s", ki.key);
	}
	ck_assert_int_eq(keyfn(nkeys, &ki), DGCG_ERR_NOTFOUND);
	free(readme);
	free(man);
}


#endif
