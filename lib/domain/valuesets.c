/* valuesets.c: value sets: reads for the API, the schema check and storage
 * for dgcg-admin (the SQL is store/valueset.c's). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/valueset.h"
#include "base/json.h"
#include "base/timefmt.h"
#include "domain/valuesets.h"
#include "base/xmalloc.h"

enum dgcg_err
dgcg_valuesets_ids(struct dgcg_db *db, char ***ids, size_t *n)
{
	return dgcg_db_vs_ids(db, ids, n);
}

enum dgcg_err
dgcg_valueset_get(struct dgcg_db *db, const char *id, char **json, size_t *len)
{
	return dgcg_db_vs_get(db, id, json, len);
}

void
dgcg_valueset_info_clear(struct dgcg_valueset_info *vi)
{
	if (vi == NULL)
		return;
	free(vi->id);
	free(vi->date);
	memset(vi, 0, sizeof(*vi));
}

struct why {
	char	*b;
	size_t	 sz, used;
	int	 n;
};

static void why_add(struct why *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
why_add(struct why *w, const char *fmt, ...)
{
	va_list ap;
	int r;

	w->n++;
	if (w->b == NULL || w->sz == 0 || w->used + 1 >= w->sz)
		return;
	if (w->used > 0) {
		r = snprintf(w->b + w->used, w->sz - w->used, "; ");
		if (r < 0 || (size_t)r >= w->sz - w->used) {
			w->used = w->sz - 1;
			return;
		}
		w->used += (size_t)r;
	}
	va_start(ap, fmt);
	r = vsnprintf(w->b + w->used, w->sz - w->used, fmt, ap);
	va_end(ap);
	w->used = (r < 0 || (size_t)r >= w->sz - w->used) ? w->sz - 1 : w->used + (size_t)r;
}

/* A member name for messages: printable ASCII kept, the rest as '?', cut. */
static const char *
shown(const char *s, size_t len, char *buf, size_t bufsz)
{
	size_t i;

	for (i = 0; i < len && i + 3 < bufsz; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (i < len && i + 3 <= bufsz) {
		buf[i++] = '.';
		buf[i++] = '.';
	}
	buf[i] = '\0';
	return buf;
}

/* 1 when the ECMA-262 pattern ^.*$ matches: no line terminator (LF, CR,
 * U+2028, U+2029) anywhere. */
static int
all_dot(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n' || s[i] == '\r')
			return 0;
		if (i + 2 < len && (unsigned char)s[i] == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9))
			return 0;
	}
	return 1;
}

static int
id_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > DGCG_VALUESET_ID_MAX || s[0] == '.')
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

static void
check_entry(struct why *w, const char *key, size_t klen, const struct dgcg_jv *e)
{
	static const char *const strs[] = { "display", "lang", "version", "system" };
	char kb[64], mb[64];
	const struct dgcg_jv *m;
	size_t i, j;
	int known;

	shown(key, klen, kb, sizeof(kb));
	if (e->type != DGCG_J_OBJECT) {
		why_add(w, "valueSetValues/%s: must be an object", kb);
		return;
	}
	for (i = 0; i < 4; i++) {
		if ((m = dgcg_jv_get(e, strs[i])) == NULL)
			why_add(w, "valueSetValues/%s: required key [%s] not found", kb, strs[i]);
		else if (m->type != DGCG_J_STRING)
			why_add(w, "valueSetValues/%s/%s: must be a string", kb, strs[i]);
	}
	if ((m = dgcg_jv_get(e, "active")) == NULL)
		why_add(w, "valueSetValues/%s: required key [active] not found", kb);
	else if (m->type != DGCG_J_TRUE && m->type != DGCG_J_FALSE)
		why_add(w, "valueSetValues/%s/active: must be a boolean", kb);
	if ((m = dgcg_jv_get(e, "validUntil")) != NULL &&
	    (m->type != DGCG_J_STRING || !dgcg_rfc3339_date(m->s, m->len)))
		why_add(w, "valueSetValues/%s/validUntil: must be a date (YYYY-MM-DD)", kb);
	for (i = 0; i < e->n; i++) {
		known = strcmp(e->keys[i], "active") == 0 || strcmp(e->keys[i], "validUntil") == 0;
		for (j = 0; j < 4 && !known; j++)
			known = strcmp(e->keys[i], strs[j]) == 0;
		if (!known || strlen(e->keys[i]) != e->klens[i])
			why_add(w, "valueSetValues/%s: extraneous key [%s] is not permitted", kb,
			    shown(e->keys[i], e->klens[i], mb, sizeof(mb)));
	}
}

enum dgcg_err
dgcg_valueset_check(const char *json, size_t len, struct dgcg_valueset_info *vi, char *why,
    size_t whysz)
{
	struct why w = { why, whysz, 0, 0 };
	struct dgcg_jv *doc = NULL;
	const struct dgcg_jv *id, *date, *vals;
	char err[128];
	enum dgcg_err rc;
	size_t i;

	if (vi != NULL)
		memset(vi, 0, sizeof(*vi));
	if (why != NULL && whysz > 0)
		why[0] = '\0';
	if (len > DGCG_VALUESET_MAX) {
		why_add(&w, "larger than %d bytes", DGCG_VALUESET_MAX);
		return DGCG_ERR_INVAL;
	}
	if ((rc = dgcg_json_parse(json, len, DGCG_JSON_DEPTH_MAX, &doc, err, sizeof(err))) !=
	    DGCG_OK) {
		why_add(&w, "not valid JSON: %s", err);
		return DGCG_ERR_PARSE;
	}
	if (doc->type != DGCG_J_OBJECT) {
		why_add(&w, "not a JSON object");
		goto out;
	}
	id = dgcg_jv_get(doc, "valueSetId");
	date = dgcg_jv_get(doc, "valueSetDate");
	vals = dgcg_jv_get(doc, "valueSetValues");
	if (id == NULL)
		why_add(&w, "required key [valueSetId] not found");
	else if (id->type != DGCG_J_STRING)
		why_add(&w, "valueSetId: must be a string");
	else if (!id_ok(id->s, id->len))
		why_add(&w, "valueSetId: must be 1-%d characters of A-Z a-z 0-9 . _ - "
		    "(not starting with '.')", DGCG_VALUESET_ID_MAX);
	if (date == NULL)
		why_add(&w, "required key [valueSetDate] not found");
	else if (date->type != DGCG_J_STRING || !dgcg_rfc3339_date(date->s, date->len))
		why_add(&w, "valueSetDate: must be a date (YYYY-MM-DD)");
	if (vals == NULL)
		why_add(&w, "required key [valueSetValues] not found");
	else if (vals->type != DGCG_J_OBJECT)
		why_add(&w, "valueSetValues: must be an object");
	else
		for (i = 0; i < vals->n; i++)
			if (all_dot(vals->keys[i], vals->klens[i]))
				check_entry(&w, vals->keys[i], vals->klens[i], &vals->v[i]);
	if (dgcg_jv_get(doc, "additionalProperties") != NULL)
		why_add(&w, "additionalProperties: not permitted (the schema's property false)");
	if (w.n == 0 && vi != NULL) {
		vi->id = xstrdup(id->s);
		vi->date = xstrdup(date->s);
		vi->nvalues = vals->n;
	}
out:
	dgcg_jv_free(doc);
	return w.n == 0 ? DGCG_OK : DGCG_ERR_INVAL;
}

enum dgcg_err
dgcg_valueset_store(struct dgcg_db *db, const char *id, const char *json, int *was)
{
	char *old = NULL;
	size_t olen = 0;
	enum dgcg_err rc;

	rc = dgcg_valueset_get(db, id, &old, &olen);
	if (rc != DGCG_OK && rc != DGCG_ERR_NOTFOUND)
		return rc;
	if (was != NULL)
		*was = rc == DGCG_ERR_NOTFOUND ? 0 : (strcmp(old, json) == 0 ? 2 : 1);
	free(old);
	return dgcg_db_vs_put(db, id, json);
}

enum dgcg_err
dgcg_valueset_delete(struct dgcg_db *db, const char *id)
{
	return dgcg_db_vs_delete(db, id);
}
