/* rules.h: validation rules (reference-gateway.md section 5): upload with
 * the reference's checks in order, delete of every version, and the
 * version-window download, served from a per-worker cache that the
 * validation_rule change counter invalidates. */
#ifndef DGCG_RULES_H
#define DGCG_RULES_H

#include <stddef.h>
#include <time.h>

#include "domain/auth.h"
#include "base/dgcg.h"
#include "domain/reply.h"
#include "worker/gateway.h"

/* Time limits of the upload checks (ValidationRuleService). */
#define DGCG_RULE_MAX_AHEAD	(14L * 24 * 3600)	/* ValidFrom at most 2 weeks ahead */
#define DGCG_RULE_ACCEPT_AHEAD	(48L * 3600)		/* Acceptance: ValidFrom >= now + 48 h */
#define DGCG_RULE_MIN_VALIDITY	(72L * 3600)		/* ValidTo >= ValidFrom + 72 h */
#define DGCG_RULE_VERSION_MAX	30			/* validation_rule.version VARCHAR(30) */

enum dgcg_rule_type {
	DGCG_RULE_ACCEPTANCE = 0,
	DGCG_RULE_INVALIDATION
};

/* Compares two "N.N.N" versions numerically, each number of any length
 * (leading zeros ignored): *cmp < 0, 0, > 0. DGCG_ERR_PARSE when either is
 * not three dot-separated runs of ASCII digits. */
enum dgcg_err dgcg_semver_cmp(const char *a, const char *b, int *cmp);

/* Checks 9a-9f of section 5.2 with the reference's durations, on instants:
 * ValidTo after ValidFrom; ValidFrom at most 14 days ahead; Acceptance at
 * least 48 h ahead, Invalidation not in the past; at least 72 h of
 * validity; not before the previous version's ValidFrom (prev_from may be
 * NULL). DGCG_OK, or DGCG_ERR_INVAL with the reference's message in
 * details. */
enum dgcg_err dgcg_rules_check_times(enum dgcg_rule_type type, time_t from, time_t to, time_t now,
	const time_t *prev_from, char *details, size_t dsz);

/* The country part of a rule-id string as the reference's delete reads it:
 * split on '-' (Java String.split: trailing empty parts dropped), exactly 3
 * parts, the middle one 2 UTF-16 units long. Returns 1 and copies the part
 * into cc, or 0 when the id is invalid. */
int dgcg_rules_id_country(const char *id, size_t len, char *cc, size_t ccsz);

/* One stored version, as the download sees it. */
struct dgcg_rule_row {
	long long	 id;
	time_t		 valid_from;
};

/* Section 5.3 for the versions of one rule id, rows[0..n) ordered by id
 * ascending: writes the indexes to return, newest first, into idx (room
 * for n) and returns their count. Latest ValidFrom <= now: only it;
 * otherwise from the newest version already valid up to the latest, or,
 * when none is valid yet, every version with ValidFrom >= now. */
size_t dgcg_rules_window(const struct dgcg_rule_row *rows, size_t n, time_t now, size_t *idx);

/* POST /rules: body is the base64 CMS as received (stored unchanged).
 * r: 201, or the problem of the first failing check. Logs the
 * design document's Rule Upload messages; writes the CREATED audit event
 * in the insert's transaction. */
void dgcg_rules_upload(struct dgcg_gw *gw, const char *body, size_t len,
	const struct dgcg_identity *id, struct dgcg_reply *r);

/* DELETE /rules and POST /rules/delete: the payload is the bare rule id.
 * r: 204 (every version removed, audit DELETED), or the problem. */
void dgcg_rules_delete(struct dgcg_gw *gw, const char *body, size_t len,
	const struct dgcg_identity *id, struct dgcg_reply *r);

/* GET /rules/{country}: the JSON object {ruleId: [{version, validFrom,
 * validTo, cms}, ...]} (ids sorted, versions newest first), malloc'd into
 * *json (caller frees). A country that is not two ASCII letters has no
 * rules ({}); letters are compared case-insensitively, as the reference's
 * database does. Served from the cache while the validation_rule counter
 * is unchanged and no stored ValidFrom has been reached since it was
 * built. DGCG_ERR_DB when the database cannot be read. */
enum dgcg_err dgcg_rules_download(struct dgcg_gw *gw, const char *country,
	const struct dgcg_identity *id, char **json, size_t *len);

#endif
