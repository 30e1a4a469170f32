/* certlist.h: GET /trustList/certificate, the v2 trust list
 * (tng-gateway.md 3): trusted parties of every group that pass the
 * integrity check and signer rows that pass the trust list's verification
 * (trustlist.h), filtered by group, country, domain and federation, sorted
 * by kid, as TNG's TrustedCertificateTrustListItem: [sourceGateway], [uuid],
 * domain, version, certificate, signature, kid, group, country, properties.
 *
 * Beyond TNG: signer rows keep their group (SIGN, AUTH and CUSTOM are not
 * turned into DSC); an unfiltered list leaves those three out unless
 * v2_list_extra_groups is set (ddcc-gateway-lib 2.2.1 aborts a refresh on
 * a group outside its 8 values), group=SIGN and the like list them;
 * signer rows are served only verified; federated rows are checked too
 * (trusted parties against their gateway's trust anchors, signer rows
 * against that gateway's UPLOAD certificates); and the list has
 * If-Modified-Since deltas with tombstones (certificate, signature and
 * properties null) and an ETag, as the v1 trust list. */
#ifndef DGCG_CERTLIST_H
#define DGCG_CERTLIST_H

#include <stddef.h>
#include <time.h>

#include "base/dgcg.h"

struct dgcg_gw;

/* The query. Each list holds the values as sent (comma-separated values
 * split, empty ones dropped); n == 0 means no filter. */
struct dgcg_cl_filter {
	char *const	*groups;	/* exact names; unknown ones are dropped */
	size_t		 ng;
	char *const	*countries;	/* compared case-insensitively */
	size_t		 nc;
	char *const	*domains;	/* compared case-insensitively */
	size_t		 nd;
	int		 federation;	/* 1: federated rows too */
};

/* The list for f as a JSON array: since < 0 the whole list, else a delta
 * (trusted parties created, signer rows created or deleted at or after
 * since, deleted ones as tombstones). *json malloc'd; *count items.
 * DGCG_ERR_DB when the database cannot be read. */
enum dgcg_err dgcg_cl_json(struct dgcg_gw *gw, const struct dgcg_cl_filter *f, time_t since,
	char **json, size_t *len, size_t *count);

struct dgcg_cached_list;

/* A whole list, cached per worker by its filters (DGCG_CACHE_CERTLIST;
 * worker/cache.h dgcg_cache_list). */
enum dgcg_err dgcg_cl_get(struct dgcg_gw *gw, const struct dgcg_cl_filter *f,
	const struct dgcg_cached_list **out);

#endif
