/* cache.c: the per-worker caches (cache.h). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "base/codec.h"
#include "base/xmalloc.h"
#include "store/data_version.h"
#include "worker/cache.h"
#include "worker/gateway.h"

#define T(x) (1u << (unsigned)(DGCG_T_##x))

/* Each kind: the tables its entries derive from, its size, and its name
 * (the metrics' cache label). */
static const struct {
	unsigned	 deps;
	size_t		 max;
	const char	*name;
} kinds[DGCG_CACHE__MAX] = {
	[DGCG_CACHE_AUTH] = { T(TRUSTED_PARTY), 512, "auth" },
	[DGCG_CACHE_COUNTRYLIST] = { T(TRUSTED_PARTY), 1, "countrylist" },
	[DGCG_CACHE_RULES] = { T(VALIDATION_RULE), 256, "rules" },
	[DGCG_CACHE_TRUSTLIST] = { T(TRUSTED_PARTY) | T(SIGNER_INFORMATION), 256, "trustlist" },
	[DGCG_CACHE_INTEGRITY] = { 0, 4096, "integrity" },
	[DGCG_CACHE_DSC_VERDICT] = { 0, 12288, "dsc_verdict" },
	[DGCG_CACHE_PEER_TA] = { T(TRUSTED_PARTY), 64, "peer_ta" },
	[DGCG_CACHE_CERTLIST] = { T(TRUSTED_PARTY) | T(SIGNER_INFORMATION), 64, "certlist" },
	[DGCG_CACHE_REFLIST] = { T(TRUSTED_PARTY) | T(TRUSTED_REFERENCE), 64, "reflist" },
	[DGCG_CACHE_REF_VERDICT] = { 0, 4096, "ref_verdict" },
};

const char *
dgcg_cache_kind_name(enum dgcg_cache_kind kind)
{
	return (unsigned)kind < DGCG_CACHE__MAX ? kinds[kind].name : NULL;
}

struct entry {
	unsigned char	 key[DGCG_CACHE_KEY_MAX];
	size_t		 klen;
	int		 used;
	struct dgcg_versions ver;	/* the counters at build time (deps only) */
	time_t		 expires;
	void		*value;
	void		(*free_fn)(void *);
};

struct table {
	struct entry	*tab;
	size_t		 cap;		/* power of two, >= 2 * count */
	size_t		 maxcap;	/* power of two, >= 2 * max: cap's bound */
	size_t		 count;
	unsigned long long hits, misses;
};

struct dgcg_cache {
	struct table	 t[DGCG_CACHE__MAX];
};

/* A table starts at TABLE_MIN slots and doubles as it fills, up to its
 * kind's bound: the slots are touched at random, so a table allocated at
 * its bound at once (32,768 verdict slots of ~200 bytes) would make the
 * worker's memory grow with the table's size, not with what it holds. */
#define TABLE_MIN 16

struct dgcg_cache *
dgcg_cache_new(void)
{
	struct dgcg_cache *c = xcalloc(1, sizeof(*c));
	int k;

	for (k = 0; k < DGCG_CACHE__MAX; k++) {
		c->t[k].maxcap = 2;
		while (c->t[k].maxcap < 2 * kinds[k].max)
			c->t[k].maxcap *= 2;
		c->t[k].cap = c->t[k].maxcap < TABLE_MIN ? c->t[k].maxcap : TABLE_MIN;
	}
	return c;
}

static void
table_clear(struct table *t)
{
	size_t i;

	if (t->tab != NULL)
		for (i = 0; i < t->cap; i++)
			if (t->tab[i].used && t->tab[i].free_fn != NULL)
				t->tab[i].free_fn(t->tab[i].value);
	free(t->tab);
	t->tab = NULL;
	t->count = 0;
	t->cap = t->maxcap < TABLE_MIN ? t->maxcap : TABLE_MIN;
}

void
dgcg_cache_free(struct dgcg_cache *c)
{
	int k;

	if (c == NULL)
		return;
	for (k = 0; k < DGCG_CACHE__MAX; k++)
		table_clear(&c->t[k]);
	free(c);
}

/* The slot of tab[cap] holding key, or the empty slot where it belongs
 * (FNV-1a, linear probing). */
static struct entry *
probe(struct entry *tab, size_t cap, const void *key, size_t klen)
{
	const unsigned char *p = key;
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < klen; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	for (i = (size_t)h & (cap - 1);; i = (i + 1) & (cap - 1))
		if (!tab[i].used || (tab[i].klen == klen && memcmp(tab[i].key, key, klen) == 0))
			return &tab[i];
}

static struct entry *
slot(struct table *t, const void *key, size_t klen)
{
	if (t->tab == NULL)
		t->tab = xcalloc(t->cap, sizeof(*t->tab));
	return probe(t->tab, t->cap, key, klen);
}

/* Doubles t's slots (up to maxcap) when one more entry would fill more
 * than half of them. */
static void
grow(struct table *t)
{
	struct entry *n;
	size_t i, cap = t->cap * 2;

	if (t->tab == NULL || 2 * (t->count + 1) <= t->cap || cap > t->maxcap)
		return;
	n = xcalloc(cap, sizeof(*n));
	for (i = 0; i < t->cap; i++)
		if (t->tab[i].used)
			*probe(n, cap, t->tab[i].key, t->tab[i].klen) = t->tab[i];
	free(t->tab);
	t->tab = n;
	t->cap = cap;
}

/* The counters this request sees, when kind depends on any. */
static int
versions(struct dgcg_gw *gw, enum dgcg_cache_kind kind, const struct dgcg_versions **v)
{
	*v = NULL;
	return kinds[kind].deps == 0 || dgcg_gw_versions(gw, v) == DGCG_OK;
}

void *
dgcg_cache_get(struct dgcg_gw *gw, enum dgcg_cache_kind kind, const void *key, size_t klen)
{
	struct table *t;
	const struct dgcg_versions *v;
	struct entry *e;
	int tb;

	if (gw->cache == NULL || (unsigned)kind >= DGCG_CACHE__MAX || klen > DGCG_CACHE_KEY_MAX)
		return NULL;
	t = &gw->cache->t[kind];
	e = slot(t, key, klen);
	if (!e->used || !versions(gw, kind, &v))
		goto miss;
	if (e->value == NULL)
		goto miss;
	for (tb = 0; tb < DGCG_T__MAX; tb++)
		if ((kinds[kind].deps & (1u << tb)) && e->ver.v[tb] != v->v[tb])
			goto stale;
	if (e->expires != (time_t)-1 && time(NULL) >= e->expires)
		goto miss;
	t->hits++;
	return e->value;
stale:
	/* A table it derives from changed: the value can never be served
	 * again, so it goes now, not when its replacement is stored (a whole
	 * trust list would otherwise be held twice while the new one is
	 * built). The slot and its key stay. */
	if (e->free_fn != NULL)
		e->free_fn(e->value);
	e->value = NULL;
	e->free_fn = NULL;
miss:
	t->misses++;
	return NULL;
}

void *
dgcg_cache_put(struct dgcg_gw *gw, enum dgcg_cache_kind kind, const void *key, size_t klen,
    time_t expires, void *value, void (*free_fn)(void *))
{
	struct table *t;
	const struct dgcg_versions *v;
	struct entry *e;

	if (gw->cache == NULL || (unsigned)kind >= DGCG_CACHE__MAX ||
	    klen > DGCG_CACHE_KEY_MAX || !versions(gw, kind, &v)) {
		if (free_fn != NULL)
			free_fn(value);
		return NULL;
	}
	t = &gw->cache->t[kind];
	e = slot(t, key, klen);
	if (!e->used && t->count >= kinds[kind].max) {
		table_clear(t);
		e = slot(t, key, klen);
	} else if (!e->used && 2 * (t->count + 1) > t->cap) {
		grow(t);
		e = slot(t, key, klen);
	}
	if (e->used) {
		if (e->free_fn != NULL && e->value != value)
			e->free_fn(e->value);
	} else {
		e->used = 1;
		memcpy(e->key, key, klen);
		e->klen = klen;
		t->count++;
	}
	memset(&e->ver, 0, sizeof(e->ver));
	if (v != NULL)
		e->ver = *v;
	e->expires = expires;
	e->value = value;
	e->free_fn = free_fn;
	return value;
}

void
dgcg_cache_clear(struct dgcg_gw *gw, enum dgcg_cache_kind kind)
{
	if (gw->cache != NULL && (unsigned)kind < DGCG_CACHE__MAX)
		table_clear(&gw->cache->t[kind]);
}

void
dgcg_cache_stats(const struct dgcg_gw *gw, enum dgcg_cache_kind kind,
    struct dgcg_cache_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (gw->cache == NULL || (unsigned)kind >= DGCG_CACHE__MAX)
		return;
	st->hits = gw->cache->t[kind].hits;
	st->misses = gw->cache->t[kind].misses;
	st->entries = gw->cache->t[kind].count;
}

/* --- rendered lists ---------------------------------------------------------- */

void
dgcg_cache_filter_key(char *const *const *lists, const size_t *ns, size_t nlists, int flag,
    unsigned char key[32])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	char num[32];
	size_t i, j;

	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		abort();	/* allocation failure, as xmalloc */
	for (i = 0; i < nlists; i++) {
		snprintf(num, sizeof(num), "%zu|", ns[i]);
		EVP_DigestUpdate(md, num, strlen(num));
		for (j = 0; j < ns[i]; j++)
			EVP_DigestUpdate(md, lists[i][j], strlen(lists[i][j]) + 1);
	}
	EVP_DigestUpdate(md, flag ? "F" : "L", 1);
	EVP_DigestFinal_ex(md, key, NULL);
	EVP_MD_CTX_free(md);
}

static void
list_free(void *p)
{
	struct dgcg_cached_list *l = p;

	free(l->body);
	free(l);
}

enum dgcg_err
dgcg_cache_list(struct dgcg_gw *gw, enum dgcg_cache_kind kind, const unsigned char key[32],
    dgcg_list_render render, const void *arg, const struct dgcg_cached_list **out)
{
	struct dgcg_cached_list *l;
	unsigned char h[32];
	char hex[65];
	enum dgcg_err rc;

	if (!gw->conf.trustlist_cache)
		dgcg_cache_clear(gw, kind);
	else if ((l = dgcg_cache_get(gw, kind, key, 32)) != NULL) {
		*out = l;
		return DGCG_OK;
	}
	l = xcalloc(1, sizeof(*l));
	if ((rc = render(gw, arg, &l->body, &l->len, &l->count)) != DGCG_OK) {
		list_free(l);
		return rc;
	}
	dgcg_sha256((const unsigned char *)l->body, l->len, h);
	dgcg_hex_lower(h, 16, hex);
	snprintf(l->etag, sizeof(l->etag), "\"%.32s\"", hex);
	if (dgcg_cache_put(gw, kind, key, 32, (time_t)-1, l, list_free) == NULL)
		return DGCG_ERR_DB;	/* the change counters could not be read */
	*out = l;
	return DGCG_OK;
}
