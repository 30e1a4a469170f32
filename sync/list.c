/* list.c: parsing, merging and storing trust-list items. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "base/json.h"
#include "base/xmalloc.h"
#include "list.h"

#define DEPTH_MAX	16	/* items hold objects only as v2 properties */

/* The string member name of o: 1 with *out set (malloc'd), 0 null, -1
 * absent, -2 of another type (or holding NUL). */
static int
member(const struct dgcg_jv *o, const char *name, char **out)
{
	const struct dgcg_jv *v = dgcg_jv_get(o, name);

	*out = NULL;
	if (v == NULL)
		return -1;
	if (v->type == DGCG_J_NULL)
		return 0;
	if (v->type != DGCG_J_STRING || memchr(v->s, '\0', v->len) != NULL)
		return -2;
	*out = xstrdup(v->s);
	return 1;
}

/* Reads a required string member; sets why on the first problem. */
static void
need(const struct dgcg_jv *o, const char *name, char **out, const char **why, const char *bad)
{
	if (member(o, name, out) != 1 && *why == NULL)
		*why = bad;
}

static int
country_ok(const char *c)
{
	return c != NULL && strlen(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' &&
	    c[1] <= 'Z';
}

static void
item_parse(const struct dgcg_jv *o, enum sync_fmt fmt, int delta, struct sync_item *it)
{
	const char *why = NULL;
	const char *rawname = fmt == SYNC_FMT_V2 ? "certificate" : "rawData";
	const char *typename = fmt == SYNC_FMT_V2 ? "group" : "certificateType";
	char *m = NULL;
	int rs, rr, rt;

	memset(it, 0, sizeof(*it));
	if (o->type != DGCG_J_OBJECT) {
		it->malformed = "the item is not an object";
		return;
	}
	need(o, "kid", &it->kid, &why, "kid is not a string");
	need(o, "country", &it->country, &why, "country is not a string");
	need(o, typename, &it->type, &why, fmt == SYNC_FMT_V2 ? "group is not a string" :
	    "certificateType is not a string");
	rs = member(o, "signature", &it->signature);
	rr = member(o, rawname, &it->raw);
	switch (fmt) {
	case SYNC_FMT_V1:
		need(o, "timestamp", &it->timestamp, &why, "timestamp is not a string");
		need(o, "thumbprint", &it->thumbprint, &why, "thumbprint is not a string");
		break;
	case SYNC_FMT_STORED:
		/* nullable here: v2 lists have neither */
		rt = member(o, "timestamp", &it->timestamp);
		if (rt < 0 && why == NULL)
			why = "timestamp is not a string";
		rt = member(o, "thumbprint", &it->thumbprint);
		if (rt < 0 && why == NULL)
			why = "thumbprint is not a string";
		if (member(o, "malformed", &m) == 1 && why == NULL)
			why = "malformed when it was downloaded";
		free(m);
		/* FALLTHROUGH */
	case SYNC_FMT_V2:
		(void)member(o, "uuid", &it->uuid);
		(void)member(o, "domain", &it->domain);
		(void)member(o, "sourceGateway", &it->source);
		break;
	}
	if (rs == 0 && rr == 0 && delta && fmt == SYNC_FMT_V1)
		it->tomb = 1;
	else {
		if (rr != 1 && why == NULL)
			why = fmt == SYNC_FMT_V2 ? "certificate is not a string" :
			    "rawData is not a string";
		/* a null or absent signature is judged by the checks
		 * (NO_SIGNATURE); another type is a malformed item */
		if (rs == -2 && why == NULL)
			why = "signature is not a string";
	}
	if (why == NULL && !country_ok(it->country))
		why = "country is not two upper-case letters";
	it->malformed = why;
}

void
sync_list_from_jv(const struct dgcg_jv *arr, enum sync_fmt fmt, int delta, struct sync_list *out)
{
	size_t i;

	out->v = xcalloc(arr->n ? arr->n : 1, sizeof(*out->v));
	for (i = 0; i < arr->n; i++)
		item_parse(&arr->v[i], fmt, delta, &out->v[i]);
	out->n = arr->n;
}

enum dgcg_err
sync_list_parse(const char *body, size_t len, enum sync_fmt fmt, int delta,
    struct sync_list *out, char *err, size_t errsz)
{
	struct dgcg_jv *root = NULL;
	char jerr[128];

	out->v = NULL;
	out->n = 0;
	if (dgcg_json_parse(body, len, DEPTH_MAX, &root, jerr, sizeof(jerr)) != DGCG_OK) {
		snprintf(err, errsz, "not JSON: %s", jerr);
		return DGCG_ERR_PARSE;
	}
	if (root->type != DGCG_J_ARRAY) {
		snprintf(err, errsz, "not a JSON array");
		dgcg_jv_free(root);
		return DGCG_ERR_PARSE;
	}
	sync_list_from_jv(root, fmt, delta, out);
	dgcg_jv_free(root);
	return DGCG_OK;
}

static void
item_free(struct sync_item *it)
{
	free(it->kid);
	free(it->timestamp);
	free(it->country);
	free(it->type);
	free(it->thumbprint);
	free(it->signature);
	free(it->raw);
	free(it->uuid);
	free(it->domain);
	free(it->source);
	memset(it, 0, sizeof(*it));
}

void
sync_list_free(struct sync_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		item_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
sync_list_has_malformed(const struct sync_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].malformed != NULL)
			return 1;
	return 0;
}

static int
same_cert(const struct sync_item *a, const struct sync_item *b)
{
	return a->thumbprint != NULL && b->thumbprint != NULL &&
	    strcmp(a->thumbprint, b->thumbprint) == 0;
}

void
sync_list_merge(struct sync_list *base, struct sync_list *delta)
{
	size_t i, j, k;

	for (i = 0; i < delta->n; i++) {
		struct sync_item *d = &delta->v[i];

		for (j = 0; j < base->n; j++)
			if (same_cert(&base->v[j], d))
				break;
		if (d->tomb) {
			if (j < base->n) {
				item_free(&base->v[j]);
				for (k = j; k + 1 < base->n; k++)
					base->v[k] = base->v[k + 1];
				base->n--;
			}
			item_free(d);
			continue;
		}
		if (j < base->n) {
			item_free(&base->v[j]);
			base->v[j] = *d;
		} else {
			base->v = xrealloc(base->v, (base->n + 1) * sizeof(*base->v));
			base->v[base->n++] = *d;
		}
		memset(d, 0, sizeof(*d));
	}
	free(delta->v);
	delta->v = NULL;
	delta->n = 0;
}

static struct json_object *
str_or_null(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

char *
sync_list_json(const struct sync_list *l, size_t *len)
{
	struct json_object *arr = json_object_new_array_ext(l->n ? (int)l->n : 1), *o;
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct sync_item *it = &l->v[i];

		o = json_object_new_object();
		json_object_object_add(o, "kid", str_or_null(it->kid));
		json_object_object_add(o, "timestamp", str_or_null(it->timestamp));
		json_object_object_add(o, "country", str_or_null(it->country));
		json_object_object_add(o, "certificateType", str_or_null(it->type));
		json_object_object_add(o, "thumbprint", str_or_null(it->thumbprint));
		json_object_object_add(o, "signature", str_or_null(it->signature));
		json_object_object_add(o, "rawData", str_or_null(it->raw));
		if (it->uuid != NULL)
			json_object_object_add(o, "uuid", str_or_null(it->uuid));
		if (it->domain != NULL)
			json_object_object_add(o, "domain", str_or_null(it->domain));
		if (it->source != NULL)
			json_object_object_add(o, "sourceGateway", str_or_null(it->source));
		if (it->malformed != NULL)
			json_object_object_add(o, "malformed", str_or_null(it->malformed));
		json_object_array_add(arr, o);
	}
	return dgcg_json_text(arr, len);
}
