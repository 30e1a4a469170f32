/* certlist.c: the v2 trust list, GET /trustList/certificate (certlist.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "base/codec.h"
#include "base/json.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "domain/certlist.h"
#include "domain/trustlist.h"
#include "store/signer_information.h"
#include "store/trusted_party.h"
#include "worker/cache.h"
#include "worker/gateway.h"

/* One item: borrowed strings of the rows it came from. */
struct item {
	char			 kid[DGCG_TL_KID_MAX + 1];
	const char		*source;	/* "" when onboarded or uploaded here */
	const char		*uuid;		/* "" when NULL */
	const char		*domain;
	long long		 version;
	const char		*certificate;	/* NULL for a tombstone */
	const char		*signature;	/* NULL for a tombstone */
	enum dgcg_group		 group;
	const char		*country;
	const char		*properties;	/* stored JSON text or NULL */
	int			 src;		/* 0 trusted_party, 1 signer_information */
	long long		 id;
};

static int
item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c = strcmp(x->kid, y->kid);

	if (c != 0)
		return c;
	if (x->src != y->src)
		return x->src - y->src;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int
in_list(const char *v, char *const *list, size_t n)
{
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (strcasecmp(v, list[i]) == 0)
			return 1;
	return 0;
}

/* The groups each table contributes: bit g set for group g. With groups
 * given, each table gives the groups named that belong to it (none: the
 * table gives nothing, as in TNG; unknown names are dropped). Without,
 * every trusted-party group and the signer groups ddcc-gateway-lib knows
 * (DSC, DESC), SIGN, AUTH and CUSTOM only with v2_list_extra_groups. */
static unsigned
wanted_groups(const struct dgcg_gw *gw, const struct dgcg_cl_filter *f)
{
	unsigned m = 0;
	size_t i;
	int g;

	if (f->ng == 0) {
		for (g = 0; g < DGCG_G__MAX; g++)
			if (dgcg_group_is_party((enum dgcg_group)g) || g == DGCG_G_DSC ||
			    g == DGCG_G_DESC || gw->conf.v2_list_extra_groups)
				m |= 1u << g;
		return m;
	}
	for (i = 0; i < f->ng; i++)
		if ((g = (int)dgcg_group_parse(f->groups[i])) < DGCG_G__MAX)
			m |= 1u << g;
	return m;
}

static int
row_wanted(const struct dgcg_cl_filter *f, unsigned groups, enum dgcg_group g,
    const char *country, const char *domain, const char *source)
{
	return g < DGCG_G__MAX && (groups & (1u << g)) != 0 && in_list(country, f->countries, f->nc) &&
	    in_list(domain, f->domains, f->nd) && (f->federation || source[0] == '\0');
}

static struct json_object *
str_or_null(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

/* The item in TNG's field order (tng-gateway.md 3.3, 3.4). */
static struct json_object *
item_json(const struct item *it)
{
	struct json_object *o = json_object_new_object(), *p = NULL;

	if (it->source[0] != '\0')
		json_object_object_add(o, "sourceGateway", json_object_new_string(it->source));
	if (it->uuid[0] != '\0')
		json_object_object_add(o, "uuid", json_object_new_string(it->uuid));
	json_object_object_add(o, "domain", json_object_new_string(it->domain));
	json_object_object_add(o, "version", json_object_new_int64(it->version));
	json_object_object_add(o, "certificate", str_or_null(it->certificate));
	json_object_object_add(o, "signature", str_or_null(it->signature));
	json_object_object_add(o, "kid", json_object_new_string(it->kid));
	json_object_object_add(o, "group", json_object_new_string(dgcg_group_name(it->group)));
	json_object_object_add(o, "country", json_object_new_string(it->country));
	/* A blank or unparseable stored value is null, as in TNG. */
	if (it->properties != NULL && it->certificate != NULL &&
	    (p = json_tokener_parse(it->properties)) != NULL &&
	    !json_object_is_type(p, json_type_object)) {
		json_object_put(p);
		p = NULL;
	}
	json_object_object_add(o, "properties", p);
	return o;
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s + 32);
}

enum dgcg_err
dgcg_cl_json(struct dgcg_gw *gw, const struct dgcg_cl_filter *f, time_t since, char **json,
    size_t *len, size_t *count)
{
	struct dgcg_tp_list tps = { NULL, 0 };
	struct dgcg_si_list sis = { NULL, 0 };
	struct dgcg_tl_uploads up = { { NULL, 0 }, 0 };
	struct item *items = NULL;
	struct json_object *arr;
	unsigned groups = wanted_groups(gw, f);
	enum dgcg_err rc;
	size_t n = 0, i;

	*json = NULL;
	*len = 0;
	*count = 0;
	if ((rc = dgcg_db_tp_select_since(gw->db, DGCG_CT__MAX, NULL, since, &tps)) != DGCG_OK ||
	    (rc = dgcg_db_si_select(gw->db, NULL, since, &sis)) != DGCG_OK ||
	    (sis.n > 0 && (rc = dgcg_tl_uploads_load(gw, f->federation, &up)) != DGCG_OK))
		goto out;
	items = xcalloc(tps.n + sis.n + 1, sizeof(*items));
	for (i = 0; i < tps.n; i++) {
		struct dgcg_tp *t = &tps.v[i];
		struct item *it;

		if (!row_wanted(f, groups, t->group, t->country, t->domain, t->source_gateway) ||
		    dgcg_gw_party_integrity(gw, t) != DGCG_INTEGRITY_OK)
			continue;
		lower(t->thumbprint);
		it = &items[n++];
		dgcg_tl_kid(t->kid, t->thumbprint, it->kid);
		it->source = t->source_gateway;
		it->uuid = t->uuid;
		it->domain = t->domain;
		it->version = t->version;
		it->certificate = t->raw_data;
		it->signature = t->signature;
		it->group = t->group;
		it->country = t->country;
		it->src = 0;
		it->id = t->id;
	}
	for (i = 0; i < sis.n; i++) {
		struct dgcg_si *r = &sis.v[i];
		int tomb = r->deleted_at != 0;
		struct item *it;

		if (!row_wanted(f, groups, r->group, r->country, r->domain, r->source_gateway) ||
		    strlen(r->thumbprint) != DGCG_THUMB_HEX_LEN ||
		    !dgcg_is_hex(r->thumbprint, DGCG_THUMB_HEX_LEN) ||
		    (!tomb && !dgcg_tl_signer_ok(gw, r, &up)))
			continue;
		lower(r->thumbprint);
		it = &items[n++];
		dgcg_tl_kid(r->kid, r->thumbprint, it->kid);
		it->source = r->source_gateway;
		it->uuid = r->uuid;
		it->domain = r->domain;
		it->version = r->version;
		it->certificate = tomb ? NULL : r->raw_data;
		it->signature = tomb ? NULL : r->signature;
		it->group = r->group;
		it->country = r->country;
		it->properties = r->properties;
		it->src = 1;
		it->id = r->id;
	}
	if (n > 1)
		qsort(items, n, sizeof(*items), item_cmp);
	arr = json_object_new_array_ext(n > 0 ? (int)n : 1);
	for (i = 0; i < n; i++)
		json_object_array_add(arr, item_json(&items[i]));
	*json = dgcg_json_text(arr, len);
	*count = n;
out:
	free(items);
	dgcg_tl_uploads_free(&up);
	dgcg_si_list_free(&sis);
	dgcg_tp_list_free(&tps);
	return rc;
}

/* --- whole lists, cached per worker ---------------------------------------- */

/* The whole list for the filters f, as dgcg_cache_list renders it. */
static enum dgcg_err
render_full(struct dgcg_gw *gw, const void *f, char **body, size_t *len, size_t *count)
{
	return dgcg_cl_json(gw, f, -1, body, len, count);
}

enum dgcg_err
dgcg_cl_get(struct dgcg_gw *gw, const struct dgcg_cl_filter *f, const struct dgcg_cached_list **out)
{
	char *const *lists[3] = { f->groups, f->countries, f->domains };
	size_t ns[3] = { f->ng, f->nc, f->nd };
	unsigned char key[32];

	dgcg_cache_filter_key(lists, ns, 3, f->federation, key);
	return dgcg_cache_list(gw, DGCG_CACHE_CERTLIST, key, render_full, f, out);
}
