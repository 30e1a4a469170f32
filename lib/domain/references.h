/* references.h: trusted references (tng-gateway.md 6): upload (create or
 * update), delete, download of one, and the list GET /trustList/references.
 *
 * TNG's checks, codes and JSON, and beyond TNG (doc/api.txt, v2):
 *  - only the owner country updates or deletes a reference, and never a
 *    federated one (TNG lets any country overwrite another's by uuid);
 *  - the upload CMS is stored and served as "signature", after
 *    referenceVersion, so a consumer can check who vouched for it (TNG
 *    keeps nothing); a row is served only when that CMS verifies, was made
 *    by a verified UPLOAD certificate of the row's country and source, and
 *    its JSON payload says what the row says (a changed column, or a row
 *    inserted with SQL, is left out and logged);
 *  - an update bumps version (TNG never does); a delete keeps a tombstone
 *    for the If-Modified-Since deltas of the list (url and signature null);
 *  - the list has an ETag; a filter naming only unknown reference or
 *    signature types matches nothing (TNG ignores it and lists all);
 *  - every change is one transaction with its audit event (TNG audits
 *    nothing here). */
#ifndef DGCG_REFERENCES_H
#define DGCG_REFERENCES_H

#include <stddef.h>
#include <time.h>

#include "base/dgcg.h"
#include "domain/auth.h"
#include "domain/reply.h"

struct dgcg_gw;

/* The default domain of a reference upload, TNG's hard-coded one. */
#define DGCG_REF_DEFAULT_DOMAIN	"DDCC"

/* A TrustedReference JSON as received (every string malloc'd, NULL when
 * absent or null). */
struct dgcg_ref_in {
	char	*source_gateway;
	char	*uuid;
	char	*domain;
	char	*url;
	char	*country;
	char	*type;
	char	*service;
	char	*thumbprint;
	char	*name;
	char	*ssl_public_key;
	char	*content_type;
	char	*signature_type;
	char	*reference_version;
};

enum dgcg_ref_check {
	DGCG_REF_OK = 0,
	DGCG_REF_JSON,		/* 400 0x000 JSON Could not be parsed */
	DGCG_REF_VALUES		/* 400 0x000 Uploaded data has invalid values. */
};

/* Step 4 of the upload (Jackson): one JSON object, nothing after it, no
 * duplicate names; the known members strings or null (version a number or
 * null, and ignored), type DCC|FHIR, signatureType CMS|JWS|NONE; unknown
 * members ignored. DGCG_REF_OK or DGCG_REF_JSON (details say why); free in
 * with dgcg_ref_in_free either way. */
enum dgcg_ref_check dgcg_ref_parse(const char *json, size_t len, struct dgcg_ref_in *in,
	char *details, size_t dsz);

/* Step 6 (bean validation): the required members present, the sizes of
 * tng-gateway.md 6.5 (and, beyond TNG, referenceVersion 1-256 and domain
 * 1-32: the columns), uuid and sourceGateway lower-case UUIDs.
 * DGCG_REF_OK or DGCG_REF_VALUES with "field: message, ..." in details. */
enum dgcg_ref_check dgcg_ref_validate(const struct dgcg_ref_in *in, char *details, size_t dsz);

void dgcg_ref_in_free(struct dgcg_ref_in *in);

/* POST /trust/reference: base64 CMS (string payload) of the JSON. 201, or
 * the problem of the first failing check (tng-gateway.md 6.1). */
void dgcg_ref_upload(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
	size_t len, struct dgcg_reply *r);

/* DELETE /trust/reference: payload {"uuid":"..."}. 204 (a tombstone), or
 * the problem (tng-gateway.md 6.2). */
void dgcg_ref_delete(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
	size_t len, struct dgcg_reply *r);

/* GET /trust/reference/{uuid}: 200 the reference, 400 0x001 for a uuid
 * that is not lower-case, 400 0x000 when there is no such (served)
 * reference. */
void dgcg_ref_get(struct dgcg_gw *gw, const char *uuid, struct dgcg_reply *r);

/* The filters of GET /trustList/references (values as sent, empty ones
 * dropped; n == 0: no filter). Countries and domains compare
 * case-insensitively, types exactly; unknown types are dropped, and a type
 * filter left with none matches nothing. */
struct dgcg_ref_filter {
	char *const	*countries;
	size_t		 nc;
	char *const	*domains;
	size_t		 nd;
	char *const	*ref_types;
	size_t		 nr;
	char *const	*sig_types;
	size_t		 ns;
	int		 federation;
};

/* The list as a JSON array of TrustedReference objects in the table's
 * order: since < 0 the live rows, else every row created, updated or
 * deleted at or after since (tombstones: url, service, name, thumbprint,
 * sslPublicKey, contentType, referenceVersion and signature null). */
enum dgcg_err dgcg_ref_list_json(struct dgcg_gw *gw, const struct dgcg_ref_filter *f,
	time_t since, char **json, size_t *len, size_t *count);

struct dgcg_cached_list;

/* A whole list, cached per worker by its filters (DGCG_CACHE_REFLIST;
 * worker/cache.h dgcg_cache_list). */
enum dgcg_err dgcg_ref_list_get(struct dgcg_gw *gw, const struct dgcg_ref_filter *f,
	const struct dgcg_cached_list **out);

#endif
