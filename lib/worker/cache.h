/* cache.h: every per-worker cache, in one place, under one rule.
 *
 * The rule: an entry records the change counters (store/data_version.h) of
 * the tables it was derived from, as they were when it was built, and may
 * carry an expiry time. It is served only while every one of those
 * counters is unchanged and the expiry has not come. The counters move on
 * every row change, through the API or by SQL, and are read once per
 * request, so the next request after a change sees it. An entry derived
 * from no table (a verdict keyed by the very content it judges) never goes
 * stale. Each kind holds at most its number of entries; a full kind is
 * emptied. Workers are single-threaded: no locking.
 *
 * What each kind holds, and on which tables it depends, is the table in
 * cache.c. */
#ifndef DGCG_CACHE_H
#define DGCG_CACHE_H

#include <stddef.h>
#include <time.h>

#include "base/dgcg.h"

struct dgcg_gw;

enum dgcg_cache_kind {
	DGCG_CACHE_AUTH = 0,	/* (thumbprint, country) -> AUTHENTICATION row id */
	DGCG_CACHE_COUNTRYLIST,	/* "" -> the rendered GET /countrylist */
	DGCG_CACHE_RULES,	/* country -> the rendered GET /rules/{country} */
	DGCG_CACHE_TRUSTLIST,	/* (type, country) -> a rendered full trust list */
	DGCG_CACHE_INTEGRITY,	/* SHA-256 of a trusted_party row -> its verdict */
	DGCG_CACHE_DSC_VERDICT,	/* SHA-256 of a DSC row and the UPLOAD set -> its verdict */
	DGCG_CACHE_PEER_TA,	/* peer gateway id -> its trust anchors (TRUSTANCHOR rows) */
	DGCG_CACHE_CERTLIST,	/* SHA-256 of the filters -> a rendered GET /trustList/certificate */
	DGCG_CACHE_REFLIST,	/* SHA-256 of the filters -> a rendered GET /trustList/references */
	DGCG_CACHE_REF_VERDICT,	/* SHA-256 of a reference row and the UPLOAD set -> its verdict */
	DGCG_CACHE__MAX
};

/* The kind's name ("auth", "trustlist", ...), or NULL out of range. */
const char *dgcg_cache_kind_name(enum dgcg_cache_kind kind);

#define DGCG_CACHE_KEY_MAX 96

struct dgcg_cache;

struct dgcg_cache *dgcg_cache_new(void);
/* Frees every entry (their values with their free functions). */
void dgcg_cache_free(struct dgcg_cache *c);

/* The value stored under key[0..klen) (klen <= DGCG_CACHE_KEY_MAX) if it is
 * still valid by the rule above, else NULL (a miss). Borrowed: valid until
 * the next put into the same kind or its clear. For a kind that depends on
 * tables, the counters are read for this request (one query, shared with
 * every other cache lookup of the request); when they cannot be read the
 * answer is a miss. A value found stale because a table it derives from
 * changed is freed at once (its slot waits for the put that replaces it),
 * so a rebuild never holds the old value beside the new one. */
void *dgcg_cache_get(struct dgcg_gw *gw, enum dgcg_cache_kind kind, const void *key,
	size_t klen);

/* Stores value (taken over; freed later with free_fn, which may be NULL)
 * under key, valid by the rule above until expires ((time_t)-1: no
 * expiry). Replaces what was there. Returns value, or NULL when it could not
 * be stored (the counters could not be read: value was freed then). */
void *dgcg_cache_put(struct dgcg_gw *gw, enum dgcg_cache_kind kind, const void *key,
	size_t klen, time_t expires, void *value, void (*free_fn)(void *));

/* Drops every entry of a kind. */
void dgcg_cache_clear(struct dgcg_gw *gw, enum dgcg_cache_kind kind);

/* Counters of a kind, for tests, benchmarks and the log. */
struct dgcg_cache_stats {
	unsigned long long	 hits, misses;
	size_t			 entries;
};
void dgcg_cache_stats(const struct dgcg_gw *gw, enum dgcg_cache_kind kind,
	struct dgcg_cache_stats *st);

/* --- rendered lists ---------------------------------------------------------- */

/* A whole JSON list as a GET serves it. */
struct dgcg_cached_list {
	char	*body;
	size_t	 len;
	size_t	 count;		/* items */
	char	 etag[40];	/* "\"<32 hex>\"" */
};

/* Renders a whole list for arg (the caller's filters): *body malloc'd,
 * *count items; DGCG_ERR_DB when the database cannot be read. */
typedef enum dgcg_err (*dgcg_list_render)(struct dgcg_gw *gw, const void *arg, char **body,
	size_t *len, size_t *count);

/* The key of a list filtered by nlists lists of strings (lists[i] holds
 * ns[i]) and one flag: SHA-256 over each list with its length. */
void dgcg_cache_filter_key(char *const *const *lists, const size_t *ns, size_t nlists, int flag,
	unsigned char key[32]);

/* The list of kind under key: cached, or rendered now (and its ETag made)
 * and cached. With trustlist_cache = no the kind is emptied and the list
 * rendered every time. *out is borrowed as dgcg_cache_get's values. */
enum dgcg_err dgcg_cache_list(struct dgcg_gw *gw, enum dgcg_cache_kind kind,
	const unsigned char key[32], dgcg_list_render render, const void *arg,
	const struct dgcg_cached_list **out);

#endif
