/* trustlist.h: the trust list (reference-gateway.md 4.1): trusted parties
 * that pass the trust-anchor integrity check, plus DSCs, sorted by kid.
 *
 * Beyond the reference, a DSC row is served only when it is what an upload
 * stored: its raw data parses, its thumbprint is the SHA-256 of that DER,
 * and its signature is a CMS over the DER (detached, or attached as a v2
 * upload stores it) that verifies and was made by a verified UPLOAD
 * certificate of the row's country, domain and source (what national
 * backends' connectors check, 4.5). A row failing that is left out and
 * logged; it never breaks the response. The v2 list (certlist.h) checks
 * its signer rows with the same functions.
 *
 * The v1 lists hold only what they held before v2: trusted parties of the
 * three v1 types and DSC rows, of the DCC domain, onboarded or uploaded
 * here (tng-gateway.md 8); a kid column (a v2 upload's custom kid) is
 * listed as the kid, as TNG lists it.
 *
 * Work is not redone: per-row verdicts are remembered by row content, and
 * whole lists (no If-Modified-Since) by the change counters of
 * trusted_party and signer_information, which triggers bump on any change,
 * API or SQL: the next request after a change sees it. */
#ifndef DGCG_TRUSTLIST_H
#define DGCG_TRUSTLIST_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>

#include "base/dgcg.h"
#include "store/signer_information.h"
#include "store/trusted_party.h"

struct dgcg_gw;

/* A listed kid: the derived one (DGCG_KID_LEN) or a kid column. */
#define DGCG_TL_KID_MAX	DGCG_CUSTOM_KID_MAX

struct dgcg_tl_item {
	char			 kid[DGCG_TL_KID_MAX + 1];
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

/* The verified UPLOAD certificates that vouch for signer rows. */
struct dgcg_tl_uploads {
	struct dgcg_tp_list	 l;
	unsigned		 digests;	/* SecReq-042 digest set (cms.h) */
};

/* Loads the UPLOAD rows that pass the integrity check: those onboarded
 * here, and with federated != 0 also federated ones (checked against
 * their gateway's trust anchors). DGCG_ERR_DB when the database cannot be
 * read. Free with dgcg_tl_uploads_free. */
enum dgcg_err dgcg_tl_uploads_load(struct dgcg_gw *gw, int federated, struct dgcg_tl_uploads *u);
void dgcg_tl_uploads_free(struct dgcg_tl_uploads *u);

/* 1 when thumb is one of u's certificates of that country, domain (NULL:
 * any) and source ("" for rows onboarded here). */
int dgcg_tl_is_upload(const struct dgcg_tl_uploads *u, const char *country, const char *domain,
	const char *source, const char *thumb);

/* Feeds the thumbprints of those certificates into md (a verdict's key:
 * a changed UPLOAD set is a new key). */
void dgcg_tl_uploads_hash(EVP_MD_CTX *md, const struct dgcg_tl_uploads *u, const char *country,
	const char *domain, const char *source);

/* 1 when a live signer row is what an upload stored (above), judged by u;
 * the verdict is remembered by the row's content and u's matching
 * certificates; a failing row is logged. */
int dgcg_tl_signer_ok(struct dgcg_gw *gw, const struct dgcg_si *r, const struct dgcg_tl_uploads *u);

/* The kid a row is listed under: its kid column when set, else the
 * derived kid of the (lower-case hex) thumbprint. */
void dgcg_tl_kid(const char *kid, const char *thumb, char out[DGCG_TL_KID_MAX + 1]);

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
