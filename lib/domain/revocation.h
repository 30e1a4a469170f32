/* revocation.h: revocation batches (reference-gateway.md section 7): the
 * batch JSON and its checks, upload, delete, the list since a date, the
 * download of one batch, and the housekeeping of expired batches.
 *
 * Problem codes and texts are the reference's (domain/problem.c), its 0x000 included: national
 * backends key on the status and may log the text. Where the reference
 * crashes (a missing hashType, entries or expires) the answer is a 400. */
#ifndef DGCG_REVOCATION_H
#define DGCG_REVOCATION_H

#include <stddef.h>
#include <time.h>

#include "domain/auth.h"
#include "base/dgcg.h"
#include "base/uuid.h"
#include "domain/reply.h"

struct dgcg_gw;

#define DGCG_BATCH_ENTRIES_MAX	1000	/* entries of one batch */
#define DGCG_BATCH_LIST_MAX	1000	/* batches of one list answer */
#define DGCG_BATCH_HASH_LEN	24	/* base64 of 16 bytes */

enum dgcg_batch_hash {
	DGCG_BATCH_HASH_SIGNATURE = 0,
	DGCG_BATCH_HASH_UCI,
	DGCG_BATCH_HASH_COUNTRYCODEUCI,
	DGCG_BATCH_HASH__MAX
};

/* "SIGNATURE", "UCI", "COUNTRYCODEUCI", or NULL. */
const char *dgcg_batch_hash_name(enum dgcg_batch_hash t);

/* A parsed batch: what revocation_batch stores besides the CMS. */
struct dgcg_batch {
	char			 country[8];	/* as sent (checked: 2 characters) */
	time_t			 expires;	/* UTC, fraction dropped */
	char			 kid[16];	/* "" when absent or null */
	int			 has_kid;
	enum dgcg_batch_hash	 hash_type;
	size_t			 entries;
};

/* Outcome classes of dgcg_batch_parse, in the reference's check order. */
enum dgcg_batch_check {
	DGCG_BATCH_OK = 0,
	DGCG_BATCH_JSON,	/* 400 "JSON Could not be parsed" */
	DGCG_BATCH_DATES,	/* 400 "Invalid Dates" (expires not after now) */
	DGCG_BATCH_VALUES	/* 400 "Batch has invalid values." */
};

/*
 * Reads a batch (the CMS payload) the way the reference's Jackson mapping
 * and bean validation do, stricter where the reference crashes or coerces:
 *   - one JSON object, nothing after it, no duplicate member names; other
 *     members are ignored (Jackson's default);
 *   - a member of the wrong JSON type, a hashType outside the enum, an
 *     expires that is not an ISO-8601 date-time with offset, or an entry
 *     that is not an object: DGCG_BATCH_JSON;
 *   - expires not strictly after now: DGCG_BATCH_DATES;
 *   - country missing or not 2 characters, expires missing or after year
 *     9999, kid not 11-12 characters, hashType or entries missing, entries
 *     not 1-1000, an entry null or its hash missing or not 24 characters
 *     matching ^[A-Za-z0-9+/]{22}==$: DGCG_BATCH_VALUES.
 * details gets the reason (bean-validation style for VALUES: "kid: size
 * must be between 11 and 12, Batch Entry 0: hash: must match ...").
 */
enum dgcg_batch_check dgcg_batch_parse(const char *json, size_t len, time_t now,
	struct dgcg_batch *b, char *details, size_t dsz);

/* The delete request {"batchId":"<uuid>"}: DGCG_BATCH_JSON when it is not
 * such an object, DGCG_BATCH_VALUES when batchId is missing or not a
 * lower-case UUID (details say which); batch_id gets the id on OK. */
enum dgcg_batch_check dgcg_batch_delete_parse(const char *json, size_t len,
	char batch_id[DGCG_UUID_LEN + 1], char *details, size_t dsz);

/* POST /revocation-list (role REVOCATION_UPLOADER checked by the
 * dispatcher): body is the base64 CMS as received, stored unchanged.
 * 201 with r->etag = the new batch id, or the problem of the first failing
 * check. The row and its CREATED audit event are written together. */
void dgcg_rev_upload(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
	size_t len, struct dgcg_reply *r);

/* DELETE /revocation-list and POST /revocation-list/delete: marks the
 * caller's own batch deleted (signed_batch NULL, changed = now) with its
 * DELETED audit event: 204, or 400/403/404/410 as the reference. */
void dgcg_rev_delete(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
	size_t len, struct dgcg_reply *r);

/* GET /revocation-list: batches of every country changed strictly after
 * since, ascending by change (then id). *json (malloc'd, caller frees) is
 * {"more":..,"batches":[..]}, *count the number of batches in it (0: the
 * caller answers 204).
 * NOTE: no batch is skipped by a client that resends the last date while
 * "more" is true, and again later:
 *  - a page holds DGCG_BATCH_LIST_MAX batches and then every other batch
 *    of the last one's second ("take them all"), so a page boundary never
 *    falls inside a second, however many batches share it;
 *  - no batch is stamped before a page is read and committed after it: the
 *    writers and the page take the table's counter lock, exclusive and
 *    shared (store/revocation_batch.h, dgcg_db_rb_horizon);
 *  - a batch changed within the current second is listed with the second
 *    before (store/revocation_batch.h), so a batch stored later in that second is
 *    still strictly newer than the date the client sends back. Those
 *    batches, and only they, may come twice;
 *  - an answer that would hold only such batches, all listed with the date
 *    the client sent, is empty (204) until that second is over. */
enum dgcg_err dgcg_rev_list(struct dgcg_gw *gw, time_t since, char **json, size_t *len,
	size_t *count);

/* GET /revocation-list/{batchId}: 200 with the stored base64 CMS as the
 * body (content_type: the one Accept chose) and the batch id as ETag, or
 * 400 0x001 (not a UUID), 404 or 410. */
void dgcg_rev_get(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *batch_id,
	const char *content_type, struct dgcg_reply *r);

#endif
