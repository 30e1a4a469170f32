/* json.c: the strict JSON reader (RFC 8259, duplicate names refused). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "base/json.h"
#include "base/utf8.h"
#include "base/xmalloc.h"

struct jp {
	const unsigned char	*start, *p, *end;
	unsigned		 depth, max_depth;
	enum dgcg_err		 rc;
	char			*err;
	size_t			 errsz;
};

static void jv_clear(struct dgcg_jv *v);

static int
jp_fail(struct jp *j, enum dgcg_err rc, const char *why)
{
	if (j->rc == DGCG_OK) {
		j->rc = rc;
		if (j->err != NULL && j->errsz > 0)
			snprintf(j->err, j->errsz, "%s at offset %zu", why,
			    (size_t)(j->p - j->start));
	}
	return -1;
}

static void
jp_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

struct buf {
	char	*b;
	size_t	 n, cap;
};

static void
buf_put(struct buf *b, const void *p, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->b = xrealloc(b->b, b->cap);
	}
	memcpy(b->b + b->n, p, n);
	b->n += n;
	b->b[b->n] = '\0';
}

/* Appends code point cp (surrogates too, as generalised UTF-8). */
static void
buf_cp(struct buf *b, unsigned long cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | (cp >> 18));
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_put(b, u, n);
}

static int
hex4(const unsigned char *p, unsigned long *out)
{
	unsigned long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned long)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned long)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned long)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* Reads a string starting at the opening quote. */
static int
jp_string(struct jp *j, char **out, size_t *outlen)
{
	struct buf b = { NULL, 0, 0 };
	const unsigned char *run;
	unsigned long cp, lo;
	size_t n;

	j->p++;	/* the quote */
	buf_put(&b, "", 0);
	for (;;) {
		run = j->p;
		while (j->p < j->end && *j->p != '"' && *j->p != '\\' && *j->p >= 0x20 &&
		    *j->p < 0x80)
			j->p++;
		if (j->p > run)
			buf_put(&b, run, (size_t)(j->p - run));
		if (j->p >= j->end) {
			jp_fail(j, DGCG_ERR_PARSE, "unterminated string");
			goto fail;
		}
		if (*j->p == '"') {
			j->p++;
			break;
		}
		if (*j->p < 0x20) {
			jp_fail(j, DGCG_ERR_PARSE, "control character in string");
			goto fail;
		}
		if (*j->p >= 0x80) {
			if ((n = dgcg_utf8_seq(j->p, (size_t)(j->end - j->p))) == 0) {
				jp_fail(j, DGCG_ERR_PARSE, "invalid UTF-8");
				goto fail;
			}
			buf_put(&b, j->p, n);
			j->p += n;
			continue;
		}
		/* backslash */
		if (j->end - j->p < 2) {
			jp_fail(j, DGCG_ERR_PARSE, "unterminated escape");
			goto fail;
		}
		switch (j->p[1]) {
		case '"': buf_put(&b, "\"", 1); break;
		case '\\': buf_put(&b, "\\", 1); break;
		case '/': buf_put(&b, "/", 1); break;
		case 'b': buf_put(&b, "\b", 1); break;
		case 'f': buf_put(&b, "\f", 1); break;
		case 'n': buf_put(&b, "\n", 1); break;
		case 'r': buf_put(&b, "\r", 1); break;
		case 't': buf_put(&b, "\t", 1); break;
		case 'u':
			if (j->end - j->p < 6 || hex4(j->p + 2, &cp) != 0) {
				jp_fail(j, DGCG_ERR_PARSE, "bad \\u escape");
				goto fail;
			}
			if (cp >= 0xd800 && cp <= 0xdbff && j->end - j->p >= 12 &&
			    j->p[6] == '\\' && j->p[7] == 'u' && hex4(j->p + 8, &lo) == 0 &&
			    lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				j->p += 6;
			}
			buf_cp(&b, cp);
			j->p += 6;
			continue;
		default:
			jp_fail(j, DGCG_ERR_PARSE, "bad escape");
			goto fail;
		}
		j->p += 2;
	}
	*out = b.b;
	*outlen = b.n;
	return 0;
fail:
	free(b.b);
	return -1;
}

static int
jp_digits(struct jp *j)
{
	const unsigned char *s = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s ? 0 : -1;
}

static int
jp_number(struct jp *j, struct dgcg_jv *v)
{
	const unsigned char *s = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (jp_digits(j) != 0)
		return jp_fail(j, DGCG_ERR_PARSE, "bad number");
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (jp_digits(j) != 0)
			return jp_fail(j, DGCG_ERR_PARSE, "bad number");
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (jp_digits(j) != 0)
			return jp_fail(j, DGCG_ERR_PARSE, "bad number");
	}
	v->type = DGCG_J_NUMBER;
	v->len = (size_t)(j->p - s);
	v->s = xstrndup((const char *)s, v->len);
	return 0;
}

static int
jp_literal(struct jp *j, const char *word, enum dgcg_jtype t, struct dgcg_jv *v)
{
	size_t n = strlen(word);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
		return jp_fail(j, DGCG_ERR_PARSE, "unexpected character");
	j->p += n;
	v->type = t;
	return 0;
}

struct keyref {
	const char	*k;
	size_t		 n;
};

static int
keycmp(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	int c;

	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	c = memcmp(x->k, y->k, x->n);
	return c;
}

/* 1 when two members share a name (sorted copy, O(n log n)). */
static int
has_duplicates(const struct dgcg_jv *o)
{
	struct keyref *r;
	size_t i;
	int dup = 0;

	if (o->n < 2)
		return 0;
	r = xcalloc(o->n, sizeof(*r));
	for (i = 0; i < o->n; i++) {
		r[i].k = o->keys[i];
		r[i].n = o->klens[i];
	}
	qsort(r, o->n, sizeof(*r), keycmp);
	for (i = 1; i < o->n && !dup; i++)
		dup = keycmp(&r[i - 1], &r[i]) == 0;
	free(r);
	return dup;
}

static int jp_value(struct jp *j, struct dgcg_jv *v);

/* Grows the element arrays of a container to hold index i. */
static void
jv_grow(struct dgcg_jv *v, size_t *cap, int object)
{
	if (v->n < *cap)
		return;
	*cap = *cap ? *cap * 2 : 4;
	v->v = xrealloc(v->v, *cap * sizeof(*v->v));
	if (object) {
		v->keys = xrealloc(v->keys, *cap * sizeof(*v->keys));
		v->klens = xrealloc(v->klens, *cap * sizeof(*v->klens));
	}
}

static int
jp_container(struct jp *j, struct dgcg_jv *v, int object)
{
	size_t cap = 0;
	char *key;
	size_t klen;

	if (++j->depth > j->max_depth)
		return jp_fail(j, DGCG_ERR_LIMIT, "nested too deeply");
	v->type = object ? DGCG_J_OBJECT : DGCG_J_ARRAY;
	j->p++;
	jp_ws(j);
	if (j->p < j->end && *j->p == (object ? '}' : ']')) {
		j->p++;
		j->depth--;
		return 0;
	}
	for (;;) {
		jv_grow(v, &cap, object);
		memset(&v->v[v->n], 0, sizeof(v->v[v->n]));
		if (object) {
			if (j->p >= j->end || *j->p != '"')
				return jp_fail(j, DGCG_ERR_PARSE, "member name expected");
			if (jp_string(j, &key, &klen) != 0)
				return -1;
			v->keys[v->n] = key;
			v->klens[v->n] = klen;
			jp_ws(j);
			if (j->p >= j->end || *j->p != ':') {
				v->n++;
				return jp_fail(j, DGCG_ERR_PARSE, "':' expected");
			}
			j->p++;
			jp_ws(j);
		}
		v->n++;
		if (jp_value(j, &v->v[v->n - 1]) != 0)
			return -1;
		jp_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			jp_ws(j);
			continue;
		}
		if (j->p < j->end && *j->p == (object ? '}' : ']')) {
			j->p++;
			break;
		}
		return jp_fail(j, DGCG_ERR_PARSE, object ? "',' or '}' expected" :
		    "',' or ']' expected");
	}
	if (object && has_duplicates(v))
		return jp_fail(j, DGCG_ERR_PARSE, "duplicate member name");
	j->depth--;
	return 0;
}

static int
jp_value(struct jp *j, struct dgcg_jv *v)
{
	if (j->p >= j->end)
		return jp_fail(j, DGCG_ERR_PARSE, "value expected");
	switch (*j->p) {
	case '{':
		return jp_container(j, v, 1);
	case '[':
		return jp_container(j, v, 0);
	case '"':
		v->type = DGCG_J_STRING;
		return jp_string(j, &v->s, &v->len);
	case 't':
		return jp_literal(j, "true", DGCG_J_TRUE, v);
	case 'f':
		return jp_literal(j, "false", DGCG_J_FALSE, v);
	case 'n':
		return jp_literal(j, "null", DGCG_J_NULL, v);
	default:
		if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
			return jp_number(j, v);
		return jp_fail(j, DGCG_ERR_PARSE, "unexpected character");
	}
}

enum dgcg_err
dgcg_json_parse(const char *s, size_t len, unsigned max_depth, struct dgcg_jv **out,
    char *err, size_t errsz)
{
	struct jp j;
	struct dgcg_jv *v = xcalloc(1, sizeof(*v));

	*out = NULL;
	if (err != NULL && errsz > 0)
		err[0] = '\0';
	memset(&j, 0, sizeof(j));
	j.start = j.p = (const unsigned char *)s;
	j.end = j.p + len;
	j.max_depth = max_depth;
	j.err = err;
	j.errsz = errsz;
	jp_ws(&j);
	if (jp_value(&j, v) == 0) {
		jp_ws(&j);
		if (j.p != j.end)
			jp_fail(&j, DGCG_ERR_PARSE, "trailing characters");
	}
	if (j.rc != DGCG_OK) {
		dgcg_jv_free(v);
		return j.rc;
	}
	*out = v;
	return DGCG_OK;
}

static void
jv_clear(struct dgcg_jv *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		jv_clear(&v->v[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->s);
	free(v->v);
	free(v->keys);
	free(v->klens);
}

void
dgcg_jv_free(struct dgcg_jv *v)
{
	if (v == NULL)
		return;
	jv_clear(v);
	free(v);
}

const struct dgcg_jv *
dgcg_jv_get(const struct dgcg_jv *o, const char *name)
{
	size_t i, n = strlen(name);

	if (o == NULL || o->type != DGCG_J_OBJECT)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (o->klens[i] == n && memcmp(o->keys[i], name, n) == 0)
			return &o->v[i];
	return NULL;
}

const char *
dgcg_jv_str(const struct dgcg_jv *o, const char *name)
{
	const struct dgcg_jv *v = dgcg_jv_get(o, name);

	if (v == NULL || v->type != DGCG_J_STRING || memchr(v->s, '\0', v->len) != NULL)
		return NULL;
	return v->s;
}

char *
dgcg_json_text(struct json_object *o, size_t *len)
{
	const char *text;
	size_t n;
	char *res;

	text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	res = xstrndup(text, n);
	json_object_put(o);
	if (len != NULL)
		*len = n;
	return res;
}
