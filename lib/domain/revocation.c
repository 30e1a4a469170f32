/* revocation.c: revocation batches: the batch JSON, upload, delete, list
 * and download (reference-gateway.md section 7). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/rand.h>

#include "domain/audit.h"
#include "pki/cms.h"
#include "store/db_revocation.h"
#include "worker/gateway.h"
#include "base/log.h"
#include "domain/revocation.h"
#include "base/json.h"
#include "base/timefmt.h"
#include "pki/x509.h"
#include "base/xmalloc.h"

#define CLS "revocation"

#define HASH_PATTERN	"^[A-Za-z0-9+/]{22}==$"
#define UUID_PATTERN	"^[0-9a-f]{8}\\b-[0-9a-f]{4}\\b-[0-9a-f]{4}\\b-[0-9a-f]{4}\\b-[0-9a-f]{12}$"

static const char *const hash_names[DGCG_HASH__MAX] = {
	[DGCG_HASH_SIGNATURE] = "SIGNATURE",
	[DGCG_HASH_UCI] = "UCI",
	[DGCG_HASH_COUNTRYCODEUCI] = "COUNTRYCODEUCI",
};

const char *
dgcg_hash_type_name(enum dgcg_hash_type t)
{
	if ((unsigned)t >= DGCG_HASH__MAX)
		return NULL;
	return hash_names[t];
}

int
dgcg_sql_datetime(time_t t, char out[20])
{
	struct tm tm;

	/* gmtime_r keeps every field in range, but only checking each one lets
	 * the compiler prove the 19 characters fit (-Wformat-truncation). */
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < 1 - 1900 || tm.tm_year > 9999 - 1900 ||
	    tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 ||
	    tm.tm_sec < 0 || tm.tm_sec > 60) {
		out[0] = '\0';
		return 0;
	}
	snprintf(out, 20, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return 1;
}

int
dgcg_uuid_valid(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != DGCG_UUID_LEN)
		return 0;
	for (i = 0; i < DGCG_UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

enum dgcg_err
dgcg_uuid_new(char out[DGCG_UUID_LEN + 1])
{
	unsigned char b[16];

	if (RAND_bytes(b, sizeof(b)) != 1) {
		out[0] = '\0';
		return DGCG_ERR_IO;
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	snprintf(out, DGCG_UUID_LEN + 1,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
	    b[13], b[14], b[15]);
	return DGCG_OK;
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

/* Length in UTF-16 code units of valid UTF-8 (what Java's @Size counts). */
static size_t
utf16_len(const char *s, size_t len)
{
	size_t i, n = 0;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if ((c & 0xc0) == 0x80)
			continue;
		n += c >= 0xf0 ? 2 : 1;
	}
	return n;
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
	b->hash_type = DGCG_HASH__MAX;
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
		for (t = 0; t < DGCG_HASH__MAX; t++)
			if (strlen(hash_names[t]) == ht->len && memcmp(hash_names[t], ht->s,
			    ht->len) == 0)
				b->hash_type = (enum dgcg_hash_type)t;
		if (b->hash_type == DGCG_HASH__MAX) {
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
	else if (utf16_len(country->s, country->len) != 2 ||
	    memchr(country->s, '\0', country->len) != NULL)
		msg_add(&m, "country: size must be between 2 and 2");
	else
		snprintf(b->country, sizeof(b->country), "%s", country->s);
	if (!have_expires)
		msg_add(&m, "expires: must not be null");
	else if (!dgcg_sql_datetime(b->expires, sqlt))
		msg_add(&m, "expires: must lie before the year 10000");
	if (kid != NULL) {
		if (utf16_len(kid->s, kid->len) < 11 || utf16_len(kid->s, kid->len) > 12)
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
			if (utf16_len(h->s, h->len) != DGCG_BATCH_HASH_LEN)
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

int
dgcg_upload_policy_ok(const struct dgcg_conf *cf, struct dgcg_cms *cms, char *why,
    size_t whysz)
{
	X509 *up = dgcg_cms_signer(cms);
	char r[256];

	if (dgcg_x509_check_key(up, cf->min_rsa_bits, cf->min_ec_bits, r, sizeof(r)) !=
	    DGCG_OK) {
		snprintf(why, whysz, "Upload certificate: %s", r);
		return 0;
	}
	if (cf->check_upload_expiry &&
	    dgcg_x509_check_validity(up, time(NULL), r, sizeof(r)) != DGCG_OK) {
		snprintf(why, whysz, "Upload certificate (CMS signer) %s", r);
		return 0;
	}
	return 1;
}

/* Steps 1 and 2 of upload and delete: a CMS with a string payload whose
 * signature verifies, signed by a verified UPLOAD certificate of the
 * caller's country. Returns the parsed CMS, or NULL with r filled. */
static struct dgcg_cms *
signed_request(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
    size_t len, char up_thumb[DGCG_THUMB_HEX_LEN + 1], struct dgcg_reply *r)
{
	struct dgcg_cms *c = NULL;
	enum dgcg_cms_state st;
	const unsigned char *der;
	const char *why = NULL;
	char *subject = NULL, reason[512];
	enum dgcg_err vr;
	size_t dlen;
	int trusted;

	st = dgcg_cms_parse_b64(body != NULL ? body : "", len, NULL, 0, DGCG_CMS_PAYLOAD_STRING,
	    &c);
	if (st != DGCG_CMS_OK) {
		dgcg_reply_fail(r, 400, "0x402", dgcg_cms_state_text(st, 1), NULL, "%s", "");
		return NULL;
	}
	vr = dgcg_cms_verify(c, dgcg_cms_digests(gw->conf.allow_sha1), &why);
	if (vr == DGCG_ERR_POLICY) {
		/* SecReq-042: the signer's CMS does not meet the upload policy. */
		dgcg_reply_fail(r, 403, "0x000", "Invalid Upload Certificate", NULL, "%s", why);
		goto fail;
	}
	if (vr != DGCG_OK) {
		dgcg_reply_fail(r, 400, "0x260", "CMS signature is invalid", NULL, "%s",
		    "Submitted string needs to be signed by a valid upload certificate");
		dgcg_log(DGCG_LOG_ERROR, CLS, "Revocation request with an invalid CMS signature",
		    why, NULL);
		goto fail;
	}
	der = dgcg_cms_signer_der(c, &dlen);
	dgcg_x509_thumbprint(der, dlen, up_thumb);
	trusted = dgcg_gw_is_trusted(gw, up_thumb, id->country, DGCG_CT_UPLOAD);
	if (trusted < 0) {
		dgcg_reply_db(r);
		goto fail;
	}
	reason[0] = '\0';
	if (trusted == 0)
		snprintf(reason, sizeof(reason), "Certificate used to sign the batch is not a valid/ "
		    "allowed upload certificate for your country.");
	else if (!dgcg_upload_policy_ok(&gw->conf, c, reason, sizeof(reason)))
		trusted = 0;
	if (trusted == 0) {
		subject = dgcg_x509_subject_text(dgcg_cms_signer(c));
		dgcg_reply_fail(r, 403, "0x000", "Invalid Upload Certificate", subject, "%s",
		    reason);
		dgcg_log(DGCG_LOG_ERROR, CLS, "Revocation request not signed by an upload "
		    "certificate of the country", NULL, "uploadCertThumbprint", up_thumb,
		    "country", id->country, "reason", reason, NULL);
		free(subject);
		goto fail;
	}
	return c;
fail:
	dgcg_cms_free(c);
	return NULL;
}

static void
log_failed(const char *what, const struct dgcg_reply *r)
{
	char st[8];

	snprintf(st, sizeof(st), "%d", r->status);
	dgcg_log(DGCG_LOG_ERROR, CLS, what, NULL, "status", st, "problem", r->problem,
	    "details", r->details, NULL);
}

void
dgcg_rev_upload(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
    size_t len, struct dgcg_reply *r)
{
	static const char what[] = "Upload of Revocation Batch failed";
	struct dgcg_batch b;
	struct dgcg_cms *c;
	enum dgcg_batch_check bc;
	enum dgcg_err rc = DGCG_ERR_CONFLICT;
	const unsigned char *content;
	char up[DGCG_THUMB_HEX_LEN + 1], uuid[DGCG_UUID_LEN + 1], expires[20], desc[80];
	size_t clen;
	long long newid = 0;
	int tries;

	dgcg_reply_init(r);
	if ((c = signed_request(gw, id, body, len, up, r)) == NULL) {
		log_failed(what, r);
		return;
	}
	content = dgcg_cms_content(c, &clen);
	bc = dgcg_batch_parse((const char *)content, clen, time(NULL), &b, r->details,
	    sizeof(r->details));
	switch (bc) {
	case DGCG_BATCH_JSON:
		r->status = 400, r->code = "0x000", r->problem = "JSON Could not be parsed";
		goto fail;
	case DGCG_BATCH_DATES:
		r->status = 400, r->code = "0x000", r->problem = "Invalid Dates";
		goto fail;
	case DGCG_BATCH_VALUES:
		r->status = 400, r->code = "0x000", r->problem = "Batch has invalid values.";
		goto fail;
	case DGCG_BATCH_OK:
		break;
	}
	if (strcmp(b.country, id->country) != 0) {
		dgcg_reply_fail(r, 403, "0x000", "Invalid Country sent", NULL, "%s",
		    "Country does not match your authentication.");
		goto fail;
	}
	(void)dgcg_sql_datetime(b.expires, expires);
	/* A clash of random UUIDs is next to impossible; a retry covers it. */
	for (tries = 0; tries < 3 && rc == DGCG_ERR_CONFLICT; tries++) {
		if ((rc = dgcg_uuid_new(uuid)) != DGCG_OK)
			break;
		snprintf(desc, sizeof(desc), "Uploaded Revocation Batch (%s)", uuid);
		if ((rc = dgcg_db_begin(gw->db)) != DGCG_OK)
			break;
		rc = dgcg_db_rb_insert(gw->db, uuid, b.country, expires,
		    dgcg_hash_type_name(b.hash_type), b.has_kid ? b.kid : NULL, body, &newid);
		if (rc == DGCG_OK)
			rc = dgcg_audit(gw->db, id->country, up, id->thumbprint, "CREATED", desc);
		rc = dgcg_db_end(gw->db, rc);
	}
	if (rc != DGCG_OK) {
		if (rc == DGCG_ERR_IO)
			dgcg_reply_fail(r, 500, "0x000", "Unexpected Error", NULL, "%s",
			    "No random batch id could be made.");
		else
			dgcg_reply_db(r);
		goto fail;
	}
	dgcg_log(DGCG_LOG_INFO, CLS, "Saved new Revocation Batch Entity", NULL, "batchId", uuid,
	    "country", b.country, "uploadCertThumbprint", up,
	    "hashType", dgcg_hash_type_name(b.hash_type), NULL);
	dgcg_reply_ok(r, 201);
	snprintf(r->etag, sizeof(r->etag), "%s", uuid);
	dgcg_cms_free(c);
	return;
fail:
	log_failed(what, r);
	dgcg_cms_free(c);
}

void
dgcg_rev_delete(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
    size_t len, struct dgcg_reply *r)
{
	static const char what[] = "Delete of Revocation Batch failed";
	struct dgcg_rb_list rows = { NULL, 0 };
	struct dgcg_cms *c;
	enum dgcg_batch_check bc;
	enum dgcg_err rc;
	const unsigned char *content;
	char up[DGCG_THUMB_HEX_LEN + 1], bid[DGCG_UUID_LEN + 1], desc[80];
	size_t clen;

	dgcg_reply_init(r);
	if ((c = signed_request(gw, id, body, len, up, r)) == NULL) {
		log_failed(what, r);
		return;
	}
	content = dgcg_cms_content(c, &clen);
	bc = dgcg_batch_delete_parse((const char *)content, clen, bid, r->details,
	    sizeof(r->details));
	if (bc == DGCG_BATCH_JSON) {
		r->status = 400, r->code = "0x000", r->problem = "JSON Could not be parsed";
		goto fail;
	}
	if (bc != DGCG_BATCH_OK) {
		r->status = 400, r->code = "0x000", r->problem = "Delete Request has invalid values.";
		goto fail;
	}
	/* Checks and change under the row lock, with the audit event. */
	if ((rc = dgcg_db_begin(gw->db)) != DGCG_OK) {
		dgcg_reply_db(r);
		goto fail;
	}
	rc = dgcg_db_rb_find(gw->db, bid, 1, &rows);
	if (rc == DGCG_OK && rows.n == 0) {
		dgcg_reply_fail(r, 404, "0x000", "Batch does not exists.", NULL, "%s",
		    "Revocation Batch does not exists");
		rc = DGCG_ERR_NOTFOUND;
	} else if (rc == DGCG_OK && strcmp(rows.v[0].country, id->country) != 0) {
		dgcg_reply_fail(r, 403, "0x000", "Invalid Country sent", NULL, "%s",
		    "Revocation Batch does not belong to your country");
		rc = DGCG_ERR_INVAL;
	} else if (rc == DGCG_OK && rows.v[0].deleted) {
		dgcg_reply_fail(r, 410, "0x000", "Batch is already deleted.", NULL, "%s",
		    "Revocation Batch is already deleted.");
		rc = DGCG_ERR_INVAL;
	}
	if (rc == DGCG_OK)
		rc = dgcg_db_rb_mark_deleted(gw->db, bid);
	if (rc == DGCG_OK) {
		snprintf(desc, sizeof(desc), "Deleted Revocation Batch (%s)", bid);
		rc = dgcg_audit(gw->db, id->country, up, id->thumbprint, "DELETED", desc);
	}
	rc = dgcg_db_end(gw->db, rc);
	if (r->code != NULL)
		goto fail;
	if (rc != DGCG_OK) {
		dgcg_reply_db(r);
		goto fail;
	}
	dgcg_log(DGCG_LOG_INFO, CLS, "Deleted Revocation Batch", NULL, "batchId", bid,
	    "country", id->country, NULL);
	dgcg_reply_ok(r, 204);
	dgcg_rb_list_free(&rows);
	dgcg_cms_free(c);
	return;
fail:
	log_failed(what, r);
	dgcg_rb_list_free(&rows);
	dgcg_cms_free(c);
}

/* "YYYY-MM-DDTHH:MM:SSZ" (a listed date) as a DATETIME literal. */
static void
listed_to_sql(const char *d, char out[20])
{
	snprintf(out, 20, "%.10s %.8s", d, d + 11);
}

/*
 * One page of the list (see dgcg_rev_list in revocation.h): rows after
 * since, the first DGCG_BATCH_LIST_MAX of them and every further row of the
 * last one's listed second. *more: rows after that second exist.
 */
static enum dgcg_err
list_page(struct dgcg_db *db, const char *since, struct dgcg_rb_list *rows, int *more)
{
	struct dgcg_rb_list tail = { NULL, 0 };
	char horizon[20], second[20];
	const char *upto;
	enum dgcg_err rc;
	size_t k, i;

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
	struct json_object *top, *arr, *o;
	const char *text;
	char ts[20], listed[DGCG_TIME_LEN + 1];
	enum dgcg_err rc;
	size_t i, n;
	int more;

	*json = NULL;
	*len = 0;
	*count = 0;
	/* Before year 1 nothing exists; after 9999 is in the future (refused
	 * by the caller). */
	if (!dgcg_sql_datetime(since, ts))
		snprintf(ts, sizeof(ts), "%s", "0001-01-01 00:00:00");
	if ((rc = list_page(gw->db, ts, &rows, &more)) != DGCG_OK) {
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
	text = json_object_to_json_string_length(top, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, len);
	*json = xstrndup(text, *len);
	*count = n;
	json_object_put(top);
	dgcg_rb_list_free(&rows);
	return DGCG_OK;
}

void
dgcg_rev_get(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *batch_id,
    char **cms, size_t *len, struct dgcg_reply *r)
{
	struct dgcg_rb_list rows = { NULL, 0 };

	dgcg_reply_init(r);
	*cms = NULL;
	*len = 0;
	if (!dgcg_uuid_valid(batch_id)) {
		dgcg_reply_fail(r, 400, "0x001", "Validation Error", batch_id,
		    "downloadBatch.batchId: must match \"%s\"", UUID_PATTERN);
		return;
	}
	if (dgcg_db_rb_find(gw->db, batch_id, 0, &rows) != DGCG_OK) {
		dgcg_reply_db(r);
		return;
	}
	if (rows.n == 0)
		dgcg_reply_fail(r, 404, "0x000", "Batch does not exist.", NULL, "%s",
		    "Batch not found");
	else if (rows.v[0].deleted || rows.v[0].signed_batch == NULL)
		dgcg_reply_fail(r, 410, "0x000", "Batch already deleted.", NULL, "%s",
		    "Batch already deleted.");
	else {
		dgcg_log(DGCG_LOG_INFO, CLS, "Revocation Batch downloaded.", NULL,
		    "downloadedCountry", rows.v[0].country, "downloaderCountry", id->country,
		    "downloadedBatchId", batch_id, NULL);
		*cms = rows.v[0].signed_batch;
		*len = strlen(*cms);
		rows.v[0].signed_batch = NULL;
		dgcg_reply_ok(r, 200);
		snprintf(r->etag, sizeof(r->etag), "%s", batch_id);
	}
	dgcg_rb_list_free(&rows);
}
