/* list.h: trust-list items as a gateway serves them, parsed without
 * judging them (verify.h judges), and the stored copy of the lists that
 * If-None-Match and If-Modified-Since deltas build on.
 *
 * v1 items are TrustListItems {kid, timestamp, country, certificateType,
 * thumbprint, signature, rawData} (doc/api.txt); v2 items (TNG's
 * /trustList/certificate, spec/tng-gateway.md 3.3) {uuid, domain, version,
 * certificate, signature, kid, group, country, properties[,
 * sourceGateway]} map onto the same fields: group -> certificateType,
 * certificate -> rawData; they have no thumbprint and no timestamp (NULL
 * here), and the other fields are kept only as far as federation will
 * need them (uuid, domain, sourceGateway). */
#ifndef SYNC_LIST_H
#define SYNC_LIST_H

#include <stddef.h>

#include "base/dgcg.h"

enum sync_fmt {
	SYNC_FMT_V1 = 0,	/* a v1 response */
	SYNC_FMT_V2,		/* a v2 response */
	SYNC_FMT_STORED		/* our stored copy (sync_list_json) */
};

/* One item. Every string is malloc'd, NULL when the member was absent,
 * null or not a string; malformed then says why the item cannot be used
 * (static text), else NULL. */
struct sync_item {
	char		*kid;
	char		*timestamp;
	char		*country;
	char		*type;		/* certificateType / group */
	char		*thumbprint;
	char		*signature;
	char		*raw;		/* rawData / certificate */
	char		*uuid;		/* v2 */
	char		*domain;	/* v2 */
	char		*source;	/* v2 sourceGateway */
	int		 tomb;		/* a delta's tombstone (signature and rawData null) */
	const char	*malformed;
};

struct sync_list {
	struct sync_item	*v;
	size_t			 n;
};

/* Parses a response body or a stored copy: a JSON array of items. Items
 * of a wrong shape are kept, with malformed set. With delta != 0 (v1
 * If-Modified-Since answers) an item whose signature and rawData are both
 * null is a tombstone; elsewhere it is malformed. Returns DGCG_ERR_PARSE
 * (err says why) when the text is not a JSON array. */
enum dgcg_err sync_list_parse(const char *body, size_t len, enum sync_fmt fmt, int delta,
	struct sync_list *out, char *err, size_t errsz);

/* The same from an already parsed JSON array (a member of state.json). */
struct dgcg_jv;
void sync_list_from_jv(const struct dgcg_jv *arr, enum sync_fmt fmt, int delta,
	struct sync_list *out);

void sync_list_free(struct sync_list *l);

/* Applies a delta to base and empties delta: an item replaces the item of
 * base with the same thumbprint or is appended; a tombstone removes the
 * item with its thumbprint (one that is not there is ignored). The
 * order of base is kept. */
void sync_list_merge(struct sync_list *base, struct sync_list *delta);

/* 1 when some item of l is malformed. */
int sync_list_has_malformed(const struct sync_list *l);

/* The stored copy of l (SYNC_FMT_STORED, a JSON array): the v1 members,
 * nulls for what is missing, plus "malformed" for malformed items and the
 * v2 members that were present. malloc'd; *len its length. */
char *sync_list_json(const struct sync_list *l, size_t *len);

#endif
