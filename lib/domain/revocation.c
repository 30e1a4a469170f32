/* revocation.c: revocation batches: the batch JSON, upload, delete, list
 * and download (reference-gateway.md section 7). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "base/log.h"
#include "base/utf8.h"
#include "base/timefmt.h"
#include "base/uuid.h"
#include "base/xmalloc.h"
#include "domain/revocation.h"
#include "base/json.h"
#include "domain/signed.h"
#include "pki/cms.h"
#include "store/audit_event.h"
#include "store/revocation_batch.h"
#include "worker/gateway.h"

#define CLS "revocation"

#define HASH_PATTERN	"^[A-Za-z0-9+/]{22}==$"
#define UUID_PATTERN	"^[0-9a-f]{8}\\b-[0-9a-f]{4}\\b-[0-9a-f]{4}\\b-[0-9a-f]{4}\\b-[0-9a-f]{12}$"

static const char *const hash_names[DGCG_BATCH_HASH__MAX] = {
	[DGCG_BATCH_HASH_SIGNATURE] = "SIGNATURE",
	[DGCG_BATCH_HASH_UCI] = "UCI",
	[DGCG_BATCH_HASH_COUNTRYCODEUCI] = "COUNTRYCODEUCI",
};

const char *
dgcg_batch_hash_name(enum dgcg_batch_hash t)
{
	if ((unsigned)t >= DGCG_BATCH_HASH__MAX)
		return NULL;
	return hash_names[t];
}

/* --- the batch JSON ------------------------------------------------------- */

/* Appends ", "-separated messages to a bounded buffer; marks a cut with
 * "...". */
struct msgs {
	char	*buf;
	size_t	 sz;
	size_t	 len;
	int	 n;
};

static void
msg_add(struct msgs *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
msg_add(struct msgs *m, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (m->sz == 0)
		return;
	if (m->n > 0 && m->len < m->sz) {
		r = snprintf(m->buf + m->len, m->sz - m->len, ", ");
		m->len += r > 0 ? (size_t)r : 0;
	}
	if (m->len < m->sz) {
		va_start(ap, fmt);
		r = vsnprintf(m->buf + m->len, m->sz - m->len, fmt, ap);
		va_end(ap);
		m->len += r > 0 ? (size_t)r : 0;
	}
	if (m->len >= m->sz) {
		m->len = m->sz - 1;
		if (m->sz > 4)
			memcpy(m->buf + m->sz - 4, "...", 4);
	}
	m->n++;
}

static int
is_null(const struct dgcg_jv *v)
{
	return v == NULL || v->type == DGCG_J_NULL;
}

static int
hash_ok(const struct dgcg_jv *h)
{
	size_t i;
	char c;

	if (h->len != DGCG_BATCH_HASH_LEN || h->s[22] != '=' || h->s[23] != '=')
		return 0;
	for (i = 0; i < 22; i++) {
		c = h->s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '+' || c == '/'))
			return 0;
	}
	return 1;
}

/* A string member or NULL: *bad set when present with another type. */
static const struct dgcg_jv *
str_member(const struct dgcg_jv *o, const char *name, int *bad)
{
	const struct dgcg_jv *v = dgcg_jv_get(o, name);

	if (is_null(v))
		return NULL;
	if (v->type != DGCG_J_STRING) {
		*bad = 1;
		return NULL;
	}
	return v;
}

enum dgcg_batch_check
dgcg_batch_parse(const char *json, size_t len, time_t now, struct dgcg_batch *b, char *details,
    size_t dsz)
{
	struct msgs m = { details, dsz, 0, 0 };
	struct dgcg_jv *doc = NULL;
	const struct dgcg_jv *country, *expires, *kid, *ht, *entries, *e, *h;
	enum dgcg_batch_check res = DGCG_BATCH_JSON;
	char err[160], sqlt[20];
	size_t i;
	int bad = 0, t, have_expires = 0;

	memset(b, 0, sizeof(*b));
	b->hash_type = DGCG_BATCH_HASH__MAX;
	if (dsz > 0)
		details[0] = '\0';
	if (dgcg_json_parse(json, len, DGCG_JSON_DEPTH_MAX, &doc, err, sizeof(err)) != DGCG_OK) {
		msg_add(&m, "JSON could not be parsed: %s", err);
		goto out;
	}
	if (doc->type != DGCG_J_OBJECT) {
		msg_add(&m, "JSON could not be parsed: the batch must be a JSON object");
		goto out;
	}
	/* Shape: every member that is present must have its JSON type. */
	country = str_member(doc, "country", &bad);
	if (bad) {
		msg_add(&m, "country: must be a string");
		goto out;
	}
	expires = str_member(doc, "expires", &bad);
	if (bad) {
		msg_add(&m, "expires: must be a string");
		goto out;
	}
	if (expires != NULL) {
		if (memchr(expires->s, '\0', expires->len) != NULL ||
		    dgcg_time_parse_iso(expires->s, &b->expires, NULL) != DGCG_OK) {
			msg_add(&m, "expires: not an ISO-8601 date-time with offset "
			    "(2022-12-31T00:00:00Z)");
			goto out;
		}
		have_expires = 1;
	}
	kid = str_member(doc, "kid", &bad);
	if (bad) {
		msg_add(&m, "kid: must be a string or null");
		goto out;
	}
	ht = str_member(doc, "hashType", &bad);
	if (bad) {
		msg_add(&m, "hashType: must be a string");
		goto out;
	}
	if (ht != NULL) {
		for (t = 0; t < DGCG_BATCH_HASH__MAX; t++)
			if (strlen(hash_names[t]) == ht->len && memcmp(hash_names[t], ht->s,
			    ht->len) == 0)
				b->hash_type = (enum dgcg_batch_hash)t;
		if (b->hash_type == DGCG_BATCH_HASH__MAX) {
			msg_add(&m, "hashType: not one of the values accepted: SIGNATURE, UCI, "
			    "COUNTRYCODEUCI");
			goto out;
		}
	}
	entries = dgcg_jv_get(doc, "entries");
	if (is_null(entries))
		entries = NULL;
	else if (entries->type != DGCG_J_ARRAY) {
		msg_add(&m, "entries: must be an array");
		goto out;
	}
	for (i = 0; entries != NULL && i < entries->n; i++) {
		e = &entries->v[i];
		if (e->type == DGCG_J_NULL)
			continue;
		if (e->type != DGCG_J_OBJECT) {
			msg_add(&m, "Batch Entry %zu: must be an object", i);
			goto out;
		}
		(void)str_member(e, "hash", &bad);
		if (bad) {
			msg_add(&m, "Batch Entry %zu: hash: must be a string", i);
			goto out;
		}
	}

	/* Dates: the reference checks expiry before the bean validation. */
	if (have_expires && b->expires <= now) {
		msg_add(&m, "Batch expiry date must be in the future");
		res = DGCG_BATCH_DATES;
		goto out;
	}

	/* Values, in field order. */
	if (country == NULL)
		msg_add(&m, "country: must not be null");
	else if (dgcg_utf8_utf16_len(country->s, country->len) != 2 ||
	    memchr(country->s, '\0', country->len) != NULL)
		msg_add(&m, "country: size must be between 2 and 2");
	else
		snprintf(b->country, sizeof(b->country), "%s", country->s);
	if (!have_expires)
		msg_add(&m, "expires: must not be null");
	else if (!dgcg_time_format_sql(b->expires, sqlt))
		msg_add(&m, "expires: must lie before the year 10000");
	if (kid != NULL) {
		if (dgcg_utf8_utf16_len(kid->s, kid->len) < 11 || dgcg_utf8_utf16_len(kid->s, kid->len) > 12)
			msg_add(&m, "kid: size must be between 11 and 12");
		else if (memchr(kid->s, '\0', kid->len) != NULL || kid->len >= sizeof(b->kid))
			msg_add(&m, "kid: must be the base64 KID or UNKNOWN_KID");
		else {
			snprintf(b->kid, sizeof(b->kid), "%s", kid->s);
			b->has_kid = 1;
		}
	}
	if (ht == NULL)
		msg_add(&m, "hashType: must not be null");
	if (entries == NULL)
		msg_add(&m, "entries: must not be null");
	else {
		b->entries = entries->n;
		if (entries->n < 1 || entries->n > DGCG_BATCH_ENTRIES_MAX)
			msg_add(&m, "entries: size must be between 1 and %d",
			    DGCG_BATCH_ENTRIES_MAX);
		for (i = 0; i < entries->n; i++) {
			e = &entries->v[i];
			if (e->type == DGCG_J_NULL) {
				msg_add(&m, "Batch Entry %zu: must not be null", i);
				continue;
			}
			h = str_member(e, "hash", &bad);
			if (h == NULL) {
				msg_add(&m, "Batch Entry %zu: hash: must not be null", i);
				continue;
			}
			if (dgcg_utf8_utf16_len(h->s, h->len) != DGCG_BATCH_HASH_LEN)
				msg_add(&m, "Batch Entry %zu: hash: size must be between %d and %d",
				    i, DGCG_BATCH_HASH_LEN, DGCG_BATCH_HASH_LEN);
			if (!hash_ok(h))
				msg_add(&m, "Batch Entry %zu: hash: must match \"%s\"", i,
				    HASH_PATTERN);
		}
	}
	res = m.n > 0 ? DGCG_BATCH_VALUES : DGCG_BATCH_OK;
out:
	dgcg_jv_free(doc);
	return res;
}

enum dgcg_batch_check
dgcg_batch_delete_parse(const char *json, size_t len, char batch_id[DGCG_UUID_LEN + 1],
    char *details, size_t dsz)
{
	struct dgcg_jv *doc = NULL;
	const struct dgcg_jv *v;
	enum dgcg_batch_check res = DGCG_BATCH_JSON;
	char err[160];
	int bad = 0;

	batch_id[0] = '\0';
	if (dsz > 0)
		details[0] = '\0';
	if (dgcg_json_parse(json, len, DGCG_JSON_DEPTH_MAX, &doc, err, sizeof(err)) != DGCG_OK) {
		snprintf(details, dsz, "JSON could not be parsed: %s", err);
		goto out;
	}
	if (doc->type != DGCG_J_OBJECT) {
		snprintf(details, dsz, "JSON could not be parsed: the request must be a JSON object");
		goto out;
	}
	v = str_member(doc, "batchId", &bad);
	if (bad) {
		snprintf(details, dsz, "batchId: must be a string");
		goto out;
	}
	res = DGCG_BATCH_VALUES;
	if (v == NULL)
		snprintf(details, dsz, "batchId: must not be null");
	else if (v->len != DGCG_UUID_LEN || !dgcg_uuid_valid(v->s))
		snprintf(details, dsz, "batchId: must match \"%s\"", UUID_PATTERN);
	else {
		memcpy(batch_id, v->s, DGCG_UUID_LEN + 1);
		res = DGCG_BATCH_OK;
	}
out:
	dgcg_jv_free(doc);
	return res;
}

/* --- the signed request ---------------------------------------------------- */

static const struct dgcg_signed_profile upload_profile = {
	.payload = DGCG_CMS_PAYLOAD_STRING,
	.signature = DGCG_P_CMS_SIGNATURE,
	.signature_details = "Submitted string needs to be signed by a valid upload certificate",
	.uploader = DGCG_P_SIGNED_UPLOADER,
	.uploader_details = "Certificate used to sign the batch is not a valid/ allowed upload "
	    "certificate for your country.",
	.subject_send_value = 1,
	.upload_policy = 1,
	.internal = DGCG_P_UNAVAILABLE,
};

/* A delete (a withdrawal) is never blocked by the signer's key size or
 * validity, only by its digest (doc/api.txt). */
static const struct dgcg_signed_profile delete_profile = {
	.payload = DGCG_CMS_PAYLOAD_STRING,
	.signature = DGCG_P_CMS_SIGNATURE,
	.signature_details = "Submitted string needs to be signed by a valid upload certificate",
	.uploader = DGCG_P_SIGNED_UPLOADER,
	.uploader_details = "Certificate used to sign the batch is not a valid/ allowed upload "
	    "certificate for your country.",
	.subject_send_value = 1,
	.upload_policy = 0,
	.internal = DGCG_P_UNAVAILABLE,
};

static void
log_failed(const char *what, const struct dgcg_reply *r, const struct dgcg_signed *s,
    const struct dgcg_identity *id)
{
	char st[8];

	if (s->step == DGCG_SIGNED_SIGNATURE)
		dgcg_log(DGCG_LOG_ERROR, CLS, "Revocation request with an invalid CMS signature",
		    s->why, NULL);
	else if (s->step == DGCG_SIGNED_UPLOADER || s->step == DGCG_SIGNED_POLICY)
		dgcg_log(DGCG_LOG_ERROR, CLS, "Revocation request not signed by an upload "
		    "certificate of the country", NULL, "uploadCertThumbprint", s->signer_thumb,
		    "country", id->country, "reason", r->details, NULL);
	snprintf(st, sizeof(st), "%d", r->status);
	dgcg_log(DGCG_LOG_ERROR, CLS, what, NULL, "status", st, "problem",
	    dgcg_prob_info(r->prob)->problem, "details", r->details, NULL);
}

struct upload_work {
	const struct dgcg_identity	*id;
	const struct dgcg_batch		*b;
	const struct dgcg_signed	*s;
	const char			*body, *expires;
	char				 uuid[DGCG_UUID_LEN + 1];
};

/* The row and its CREATED audit event. A clash of random UUIDs is next to
 * impossible; a new one is drawn on each run. */
static enum dgcg_err
upload_work(struct dgcg_db *db, void *arg)
{
	struct upload_work *w = arg;
	struct dgcg_audit_event ev = { w->id->country, w->s->signer_thumb, w->id->thumbprint,
	    "CREATED", NULL };
	char desc[80];
	enum dgcg_err rc;
	int tries;

	rc = DGCG_ERR_CONFLICT;
	for (tries = 0; tries < 3 && rc == DGCG_ERR_CONFLICT; tries++) {
		if ((rc = dgcg_uuid_new(w->uuid)) != DGCG_OK)
			return rc;
		rc = dgcg_db_rb_insert(db, w->uuid, w->b->country, w->expires,
		    dgcg_batch_hash_name(w->b->hash_type), w->b->has_kid ? w->b->kid : NULL,
		    w->body, NULL);
	}
	if (rc != DGCG_OK)
		return rc;
	snprintf(desc, sizeof(desc), "Uploaded Revocation Batch (%s)", w->uuid);
	ev.description = desc;
	return dgcg_db_audit(db, &ev);
}

void
dgcg_rev_upload(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
    size_t len, struct dgcg_reply *r)
{
	static const char what[] = "Upload of Revocation Batch failed";
	struct dgcg_signed s;
	struct dgcg_batch b;
	struct upload_work w;
	enum dgcg_batch_check bc;
	enum dgcg_err rc;
	char expires[20], details[1024];

	if (!dgcg_signed_request(gw, id, body, len, &upload_profile, NULL, &s, r)) {
		log_failed(what, r, &s, id);
		goto out;
	}
	bc = dgcg_batch_parse((const char *)s.payload, s.plen, time(NULL), &b, details,
	    sizeof(details));
	if (bc != DGCG_BATCH_OK) {
		dgcg_reply_fail(r, bc == DGCG_BATCH_JSON ? DGCG_P_SIGNED_JSON :
		    bc == DGCG_BATCH_DATES ? DGCG_P_BATCH_DATES : DGCG_P_BATCH_VALUES, NULL, "%s",
		    details);
		log_failed(what, r, &s, id);
		goto out;
	}
	if (strcmp(b.country, id->country) != 0) {
		dgcg_reply_fail(r, DGCG_P_SIGNED_COUNTRY, NULL, "%s",
		    "Country does not match your authentication.");
		log_failed(what, r, &s, id);
		goto out;
	}
	(void)dgcg_time_format_sql(b.expires, expires);
	memset(&w, 0, sizeof(w));
	w.id = id;
	w.b = &b;
	w.s = &s;
	w.body = body;
	w.expires = expires;
	if ((rc = dgcg_db_tx(gw->db, upload_work, &w)) != DGCG_OK) {
		if (rc == DGCG_ERR_IO)
			dgcg_reply_fail(r, DGCG_P_BATCH_UNEXPECTED, NULL, "%s",
			    "No random batch id could be made.");
		else
			dgcg_reply_db(r, NULL);
		log_failed(what, r, &s, id);
		goto out;
	}
	dgcg_log(DGCG_LOG_INFO, CLS, "Saved new Revocation Batch Entity", NULL, "batchId", w.uuid,
	    "country", b.country, "uploadCertThumbprint", s.signer_thumb,
	    "hashType", dgcg_batch_hash_name(b.hash_type), NULL);
	dgcg_reply_ok(r, 201);
	dgcg_reply_header(r, "ETag", w.uuid);
out:
	dgcg_signed_free(&s);
}

struct delete_work {
	const struct dgcg_identity	*id;
	const struct dgcg_signed	*s;
	const char			*bid;
	enum dgcg_prob			 refused;	/* set when the batch may not be deleted */
};

/* Checks and change under the row lock, with the DELETED audit event. */
static enum dgcg_err
delete_work(struct dgcg_db *db, void *arg)
{
	struct delete_work *w = arg;
	struct dgcg_rb_list rows = { NULL, 0 };
	struct dgcg_audit_event ev = { w->id->country, w->s->signer_thumb, w->id->thumbprint,
	    "DELETED", NULL };
	char desc[80];
	enum dgcg_err rc;

	w->refused = DGCG_P_NONE;
	if ((rc = dgcg_db_rb_find(db, w->bid, 1, &rows)) != DGCG_OK)
		return rc;
	if (rows.n == 0)
		w->refused = DGCG_P_BATCH_DELETE_MISSING;
	else if (strcmp(rows.v[0].country, w->id->country) != 0)
		w->refused = DGCG_P_SIGNED_COUNTRY;
	else if (rows.v[0].deleted)
		w->refused = DGCG_P_BATCH_DELETE_GONE;
	dgcg_rb_list_free(&rows);
	if (w->refused != DGCG_P_NONE)
		return DGCG_ERR_INVAL;
	if ((rc = dgcg_db_rb_mark_deleted(db, w->bid)) != DGCG_OK)
		return rc;
	snprintf(desc, sizeof(desc), "Deleted Revocation Batch (%s)", w->bid);
	ev.description = desc;
	return dgcg_db_audit(db, &ev);
}

void
dgcg_rev_delete(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
    size_t len, struct dgcg_reply *r)
{
	static const char what[] = "Delete of Revocation Batch failed";
	struct dgcg_signed s;
	struct delete_work w;
	enum dgcg_batch_check bc;
	enum dgcg_err rc;
	char bid[DGCG_UUID_LEN + 1], details[512];

	if (!dgcg_signed_request(gw, id, body, len, &delete_profile, NULL, &s, r)) {
		log_failed(what, r, &s, id);
		goto out;
	}
	bc = dgcg_batch_delete_parse((const char *)s.payload, s.plen, bid, details,
	    sizeof(details));
	if (bc != DGCG_BATCH_OK) {
		dgcg_reply_fail(r, bc == DGCG_BATCH_JSON ? DGCG_P_SIGNED_JSON :
		    DGCG_P_BATCH_DELETE_VALUES, NULL, "%s", details);
		log_failed(what, r, &s, id);
		goto out;
	}
	w.id = id;
	w.s = &s;
	w.bid = bid;
	w.refused = DGCG_P_NONE;
	rc = dgcg_db_tx(gw->db, delete_work, &w);
	if (w.refused != DGCG_P_NONE) {
		dgcg_reply_fail(r, w.refused, NULL, "%s",
		    w.refused == DGCG_P_BATCH_DELETE_MISSING ? "Revocation Batch does not exists" :
		    w.refused == DGCG_P_SIGNED_COUNTRY ?
		    "Revocation Batch does not belong to your country" :
		    "Revocation Batch is already deleted.");
		log_failed(what, r, &s, id);
		goto out;
	}
	if (rc != DGCG_OK) {
		dgcg_reply_db(r, NULL);
		log_failed(what, r, &s, id);
		goto out;
	}
	dgcg_log(DGCG_LOG_INFO, CLS, "Deleted Revocation Batch", NULL, "batchId", bid,
	    "country", id->country, NULL);
	dgcg_reply_ok(r, 204);
out:
	dgcg_signed_free(&s);
}

/* "YYYY-MM-DDTHH:MM:SSZ" (a listed date) as a DATETIME literal. */
static void
listed_to_sql(const char *d, char out[20])
{
	snprintf(out, 20, "%.10s %.8s", d, d + 11);
}

struct page_work {
	const char		*since;
	struct dgcg_rb_list	 rows;
	int			 more;
};

/*
 * One page of the list (see dgcg_rev_list in revocation.h): rows after
 * since, the first DGCG_BATCH_LIST_MAX of them and every further row of the
 * last one's listed second. more: rows after that second exist. One
 * transaction: the horizon's lock orders it after every writer in flight
 * (dgcg_db_rb_horizon).
 */
static enum dgcg_err
page_work(struct dgcg_db *db, void *arg)
{
	struct page_work *w = arg;
	struct dgcg_rb_list tail = { NULL, 0 }, *rows = &w->rows;
	const char *since = w->since;
	int *more = &w->more;
	char horizon[20], second[20];
	const char *upto;
	enum dgcg_err rc;
	size_t k, i;

	dgcg_rb_list_free(rows);
	*more = 0;
	if ((rc = dgcg_db_rb_horizon(db, horizon)) != DGCG_OK ||
	    (rc = dgcg_db_rb_since(db, horizon, since, rows)) != DGCG_OK)
		return rc;
	if (rows->n <= DGCG_BATCH_LIST_MAX)
		return DGCG_OK;
	k = DGCG_BATCH_LIST_MAX;
	if (strcmp(rows->v[k].changed, rows->v[k - 1].changed) != 0) {
		rows->n = k;	/* the extra row is dropped (no CMS read) */
		*more = 1;
		return DGCG_OK;
	}
	/* The boundary falls inside a second: the page ends with all of it. */
	listed_to_sql(rows->v[k - 1].changed, second);
	while (k > 0 && strcmp(rows->v[k - 1].changed, rows->v[DGCG_BATCH_LIST_MAX].changed) == 0)
		k--;
	upto = strcmp(second, horizon) == 0 ? "9999-12-31 23:59:59" : second;
	if ((rc = dgcg_db_rb_between(db, horizon, since, second, upto, &tail)) != DGCG_OK)
		return rc;
	for (i = k; i < rows->n; i++)
		free(rows->v[i].signed_batch);
	rows->n = k;
	rows->v = xrealloc(rows->v, (k + tail.n + 1) * sizeof(*rows->v));
	memcpy(rows->v + k, tail.v, tail.n * sizeof(*tail.v));
	rows->n = k + tail.n;
	free(tail.v);
	if (strcmp(second, horizon) != 0)
		rc = dgcg_db_rb_any_after(db, horizon, second, more);
	return rc;
}

enum dgcg_err
dgcg_rev_list(struct dgcg_gw *gw, time_t since, char **json, size_t *len, size_t *count)
{
	struct dgcg_rb_list rows = { NULL, 0 };
	struct page_work pw;
	struct json_object *top, *arr, *o;
	char ts[20], listed[DGCG_TIME_LEN + 1];
	enum dgcg_err rc;
	size_t i, n;
	int more;

	*json = NULL;
	*len = 0;
	*count = 0;
	/* Before year 1 nothing exists; after 9999 is in the future (refused
	 * by the caller). */
	if (!dgcg_time_format_sql(since, ts))
		snprintf(ts, sizeof(ts), "%s", "0001-01-01 00:00:00");
	memset(&pw, 0, sizeof(pw));
	pw.since = ts;
	rc = dgcg_db_tx(gw->db, page_work, &pw);
	rows = pw.rows;
	more = pw.more;
	if (rc != DGCG_OK) {
		dgcg_rb_list_free(&rows);
		return rc;
	}
	/* Only batches of the current second, listed with the date the client
	 * sent: nothing it can move on from yet (it would ask again at once,
	 * as dgc-lib does on every 200); they come once the second is over. */
	dgcg_time_format(since, listed);
	if (rows.n > 0 && strcmp(rows.v[rows.n - 1].changed, listed) <= 0) {
		dgcg_rb_list_free(&rows);
		more = 0;
	}
	n = rows.n;
	top = json_object_new_object();
	json_object_object_add(top, "more", json_object_new_boolean(more));
	arr = json_object_new_array_ext((int)n);
	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "batchId", json_object_new_string(rows.v[i].batch_id));
		json_object_object_add(o, "country", json_object_new_string(rows.v[i].country));
		json_object_object_add(o, "date", json_object_new_string(rows.v[i].changed));
		json_object_object_add(o, "deleted", json_object_new_boolean(rows.v[i].deleted));
		json_object_array_add(arr, o);
	}
	json_object_object_add(top, "batches", arr);
	*json = dgcg_json_text(top, len);
	*count = n;
	dgcg_rb_list_free(&rows);
	return DGCG_OK;
}

void
dgcg_rev_get(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *batch_id,
    const char *content_type, struct dgcg_reply *r)
{
	struct dgcg_rb_list rows = { NULL, 0 };
	char *cms;

	if (!dgcg_uuid_valid(batch_id)) {
		dgcg_reply_fail(r, DGCG_P_VALIDATION, batch_id,
		    "downloadBatch.batchId: must match \"%s\"", UUID_PATTERN);
		return;
	}
	if (dgcg_db_rb_find(gw->db, batch_id, 0, &rows) != DGCG_OK) {
		dgcg_reply_db_read(r);
		return;
	}
	if (rows.n == 0)
		dgcg_reply_fail(r, DGCG_P_BATCH_MISSING, NULL, "%s", "Batch not found");
	else if (rows.v[0].deleted || rows.v[0].signed_batch == NULL)
		dgcg_reply_fail(r, DGCG_P_BATCH_GONE, NULL, "%s", "Batch already deleted.");
	else {
		dgcg_log(DGCG_LOG_INFO, CLS, "Revocation Batch downloaded.", NULL,
		    "downloadedCountry", rows.v[0].country, "downloaderCountry", id->country,
		    "downloadedBatchId", batch_id, NULL);
		cms = rows.v[0].signed_batch;
		rows.v[0].signed_batch = NULL;
		dgcg_reply_body(r, 200, content_type, cms, strlen(cms));
		dgcg_reply_header(r, "ETag", batch_id);
	}
	dgcg_rb_list_free(&rows);
}
