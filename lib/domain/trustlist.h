/* trustlist.h: the trust list (reference-gateway.md 4.1): trusted parties
 * that pass the trust-anchor integrity check, plus DSCs, sorted by kid.
 *
 * Beyond the reference, a DSC row is served only when it is what an upload
 * stored: its raw data parses, its thumbprint is the SHA-256 of that DER,
 * and its signature is a detached CMS over the DER that verifies and was
 * made by a verified UPLOAD certificate of the row's country (what national
 * backends' connectors check, 4.5). A row failing that is left out and
 * logged; it never breaks the response.
 *
 * Work is not redone: per-row verdicts are remembered by row content, and
 * whole lists (no If-Modified-Since) by the change counters of
 * trusted_party and signer_information, which triggers bump on any change,
 * API or SQL: the next request after a change sees it. */
#ifndef DGCG_TRUSTLIST_H
#define DGCG_TRUSTLIST_H

#include <stddef.h>
#include <time.h>

#include "base/dgcg.h"

struct dgcg_gw;

struct dgcg_tl_item {
	char			 kid[DGCG_KID_LEN + 1];
	time_t			 timestamp;	/* created_at */
	char			 country[3];
	enum dgcg_cert_type	 type;
	char			 thumbprint[DGCG_THUMB_HEX_LEN + 1];
	char			*signature;	/* NULL for a deleted DSC */
	char			*raw_data;	/* NULL for a deleted DSC */
	int			 src;		/* 0 trusted_party, 1 signer_information */
	size_t			 ord;		/* position in its table's order */
};

struct dgcg_tl {
	struct dgcg_tl_item	*v;
	size_t			 n;
};

void dgcg_tl_free(struct dgcg_tl *tl);

/* Builds the list for a type (DGCG_CT__MAX = all types) and country (NULL
 * = all), with since < 0 for the full list or a delta since that time
 * (trusted parties created, DSCs created or deleted at or after since;
 * deleted DSCs as tombstones). DGCG_ERR_DB when the database cannot be
 * read. */
enum dgcg_err dgcg_tl_build(struct dgcg_gw *gw, enum dgcg_cert_type type, const char *country,
	time_t since, struct dgcg_tl *out);

/* JSON array of items [off, off + count) (clipped to the list), fields in
 * the reference's order: kid, timestamp, country, certificateType,
 * thumbprint, signature, rawData. malloc'd; *len gets its length. */
char *dgcg_tl_json(const struct dgcg_tl *tl, size_t off, size_t count, size_t *len);

/* A full (no If-Modified-Since) list, cached per worker. */
struct dgcg_tl_cached {
	const struct dgcg_tl	*list;		/* borrowed from the cache */
	const char		*body;		/* the whole list as JSON */
	size_t			 len;
	const char		*etag;		/* "\"<hex>\"" */
	const char		*file;		/* basename in cache_dir, or NULL */
};

/* Returns the cached list for (type, country), rebuilding it when a change
 * counter moved (every time with trustlist_cache off). The pointers stay
 * valid until the next call.
 * With cache_dir configured (and trustlist_cache on) the body is also
 * written there, once per content, as tl-<hash>.json and tl-<hash>.json.gz
 * (hash: the ETag's 32 hex digits, so workers and hosts agree; written to
 * a temporary name and renamed, the .gz first), for the proxy to send
 * itself. Each time a worker writes a new file it removes the tl-* files
 * untouched for more than 60 s (CACHE_KEEP); a worker serving a file
 * touches it and its .gz at most every 20 s (CACHE_TOUCH) and rewrites it
 * if it vanished. out->file is NULL without a file (no cache_dir, or it
 * could not be written). */
enum dgcg_err dgcg_tl_get(struct dgcg_gw *gw, enum dgcg_cert_type type, const char *country,
	struct dgcg_tl_cached *out);


#endif
