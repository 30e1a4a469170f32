/* rules.c: validation rule upload, delete and download (section 5), with
 * the rule SQL of the db layer. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "base/json.h"
#include "base/log.h"
#include "base/utf8.h"
#include "base/timefmt.h"
#include "base/xmalloc.h"
#include "domain/rules.h"
#include "domain/ruleschema.h"
#include "domain/signed.h"
#include "pki/cms.h"
#include "store/audit_event.h"
#include "store/db.h"
#include "store/validation_rule.h"
#include "worker/cache.h"
#include "worker/gateway.h"

#define CLS "rules"

/* The design document's rules for signing certificates apply to a rule
 * upload's signer (doc/api.txt); a delete (a withdrawal) is refused only
 * for its digest. */
static const struct dgcg_signed_profile upload_profile = {
	.payload = DGCG_CMS_PAYLOAD_STRING,
	.signature = DGCG_P_CMS_SIGNATURE,
	.signature_details = "Submitted string needs to be signed by a valid upload certificate",
	.uploader = DGCG_P_RULE_UPLOADER,
	.subject_send_value = 1,
	.upload_policy = 1,
	.internal = DGCG_P_RULE_UNEXPECTED,
};

static const struct dgcg_signed_profile delete_profile = {
	.payload = DGCG_CMS_PAYLOAD_STRING,
	.signature = DGCG_P_CMS_SIGNATURE,
	.signature_details = "Submitted string needs to be signed by a valid upload certificate",
	.uploader = DGCG_P_RULE_DELETE_UPLOADER,
	.uploader_details = "You have to use a onboarded upload certificate to sign the string",
	.upload_policy = 0,
	.internal = DGCG_P_RULE_UNEXPECTED,
};

/* The answer when a request cannot go on: the reference's 500 0x299, or,
 * when the database is out of reach (stopped, connection lost mid-request),
 * 503 0x503 like every other endpoint, so clients know to retry. Nothing
 * was stored either way (the transaction is rolled back). */
static void
internal_error(struct dgcg_gw *gw, struct dgcg_reply *r)
{
	dgcg_signed_db_error(gw, DGCG_P_RULE_UNEXPECTED, r);
}

/* --- pure helpers ------------------------------------------------------------ */

/* Splits "N.N.N" into three digit runs without leading zeros. */
static int
semver_split(const char *s, const char *part[3], size_t plen[3])
{
	int i;

	for (i = 0; i < 3; i++) {
		const char *b = s;

		while (*s >= '0' && *s <= '9')
			s++;
		if (s == b)
			return -1;
		while (b + 1 < s && *b == '0')
			b++;
		part[i] = b;
		plen[i] = (size_t)(s - b);
		if (i < 2) {
			if (*s != '.')
				return -1;
			s++;
		}
	}
	return *s == '\0' ? 0 : -1;
}

enum dgcg_err
dgcg_semver_cmp(const char *a, const char *b, int *cmp)
{
	const char *pa[3], *pb[3];
	size_t la[3], lb[3];
	int i, c;

	*cmp = 0;
	if (a == NULL || b == NULL || semver_split(a, pa, la) != 0 || semver_split(b, pb, lb) != 0)
		return DGCG_ERR_PARSE;
	for (i = 0; i < 3; i++) {
		if (la[i] != lb[i]) {
			*cmp = la[i] < lb[i] ? -1 : 1;
			return DGCG_OK;
		}
		if ((c = memcmp(pa[i], pb[i], la[i])) != 0) {
			*cmp = c < 0 ? -1 : 1;
			return DGCG_OK;
		}
	}
	return DGCG_OK;
}

enum dgcg_err
dgcg_rules_check_times(enum dgcg_rule_type type, time_t from, time_t to, time_t now,
    const time_t *prev_from, char *details, size_t dsz)
{
	char f[DGCG_TIME_LEN + 1], t[DGCG_TIME_LEN + 1], p[DGCG_TIME_LEN + 1];

	dgcg_time_format(from, f);
	dgcg_time_format(to, t);
	if (!(to > from)) {
		snprintf(details, dsz, "ValidFrom (%s) needs to be before ValidTo (%s).", f, t);
		return DGCG_ERR_INVAL;
	}
	if (from > now + DGCG_RULE_MAX_AHEAD) {
		snprintf(details, dsz, "ValidFrom (%s) cannot be more than 2 weeks in future.", f);
		return DGCG_ERR_INVAL;
	}
	if (type == DGCG_RULE_ACCEPTANCE && from < now + DGCG_RULE_ACCEPT_AHEAD) {
		snprintf(details, dsz, "ValidFrom (%s) needs to be at least 48h in future for "
		    "Acceptance Validation Rules", f);
		return DGCG_ERR_INVAL;
	}
	if (type == DGCG_RULE_INVALIDATION && from < now) {
		snprintf(details, dsz, "ValidFrom (%s) needs to be in future for Invalidation Rules",
		    f);
		return DGCG_ERR_INVAL;
	}
	if (from + DGCG_RULE_MIN_VALIDITY > to) {
		snprintf(details, dsz, "Rule Validity must be at least 72h but is %lldh",
		    (long long)((to - from) / 3600));
		return DGCG_ERR_INVAL;
	}
	if (prev_from != NULL && from < *prev_from) {
		dgcg_time_format(*prev_from, p);
		snprintf(details, dsz, "ValidFrom (%s) needs to be after or equal to ValidFrom (%s) "
		    "of previous version of the rule.", f, p);
		return DGCG_ERR_INVAL;
	}
	return DGCG_OK;
}

int
dgcg_rules_id_country(const char *id, size_t len, char *cc, size_t ccsz)
{
	const char *part[3] = { NULL, NULL, NULL };
	size_t plen[3] = { 0, 0, 0 }, nparts = 0, i, start = 0, end = len;

	/* Java's split drops trailing empty strings. */
	while (end > 0 && id[end - 1] == '-')
		end--;
	if (end == 0)
		return 0;
	for (i = 0; i <= end; i++) {
		if (i == end || id[i] == '-') {
			if (nparts >= 3)
				return 0;
			part[nparts] = id + start;
			plen[nparts] = i - start;
			nparts++;
			start = i + 1;
		}
	}
	if (nparts != 3 || dgcg_utf8_utf16_len(part[1], plen[1]) != 2 || plen[1] + 1 > ccsz)
		return 0;
	memcpy(cc, part[1], plen[1]);
	cc[plen[1]] = '\0';
	return 1;
}

size_t
dgcg_rules_window(const struct dgcg_rule_row *rows, size_t n, time_t now, size_t *idx)
{
	size_t i, k = 0, from;

	if (n == 0)
		return 0;
	if (rows[n - 1].valid_from <= now) {
		idx[0] = n - 1;
		return 1;
	}
	/* the newest version already valid */
	for (i = n; i > 0; i--)
		if (rows[i - 1].valid_from <= now)
			break;
	if (i > 0) {
		from = i - 1;
		for (i = n; i > from; i--)
			idx[k++] = i - 1;
		return k;
	}
	for (i = n; i > 0; i--)
		if (rows[i - 1].valid_from >= now)
			idx[k++] = i - 1;
	return k;
}

/* --- upload -------------------------------------------------------------------- */

/* Checks 5 and 6: the prefix against CertificateType and Type. */
static const char *
check_prefix(const char *ident, const char *certtype, enum dgcg_rule_type type)
{
	static const struct {
		const char	*prefix, *certtype, *msg;
	} map[] = {
		{ "TR", "Test", "ID must start with TR for Test Rules" },
		{ "VR", "Vaccination", "ID must start with VR for Vaccination Rules" },
		{ "RR", "Recovery", "ID must start with RR for Recovery Rules" },
		{ "GR", "General", "ID must start with GR for General Rules" },
	};
	size_t i;
	int ir = strncmp(ident, "IR", 2) == 0;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strncmp(ident, map[i].prefix, 2) == 0 && strcmp(certtype, map[i].certtype) != 0)
			return map[i].msg;
	if (ir && type == DGCG_RULE_ACCEPTANCE)
		return "Acceptance Rule Rule-ID requires prefix other than IR.";
	if (!ir && type == DGCG_RULE_INVALIDATION)
		return "Invalidation Rule Rule-ID requires IR prefix.";
	return NULL;
}

/* The failure of an upload: the problem, and the design document's log. */
static void
upload_failed(struct dgcg_reply *r, enum dgcg_prob p, const char *reason, const char *details)
{
	dgcg_reply_fail(r, p, NULL, "%s", details);
	dgcg_log(DGCG_LOG_ERROR, CLS, "Rule Upload Failed", NULL,
	    "validationRuleUploadError", details, "validationRuleUploadReason", reason, NULL);
}

struct store_work {
	const struct dgcg_identity	*id;
	const struct dgcg_signed	*s;
	const char			*ident, *body, *version, *country, *type;
	char				 from[20], to[20];
};

/* The row and its CREATED audit event. */
static enum dgcg_err
store_work(struct dgcg_db *db, void *arg)
{
	const struct store_work *w = arg;
	struct dgcg_audit_event ev = { w->id->country, w->s->signer_thumb, w->id->thumbprint,
	    "CREATED", NULL };
	char desc[160];
	enum dgcg_err rc;

	rc = dgcg_db_vr_insert(db, w->ident, w->body, w->from, w->to, w->version, w->country,
	    w->type);
	if (rc != DGCG_OK)
		return rc;
	snprintf(desc, sizeof(desc), "Created Validation Rule with ID %s (%s)", w->ident,
	    w->version);
	ev.description = desc;
	return dgcg_db_audit(db, &ev);
}

void
dgcg_rules_upload(struct dgcg_gw *gw, const char *body, size_t len,
    const struct dgcg_identity *id, struct dgcg_reply *r)
{
	struct dgcg_signed s;
	struct dgcg_jv *doc = NULL;
	struct dgcg_vr_list prev = { NULL, 0 };
	struct store_work w;
	enum dgcg_rule_type type;
	enum dgcg_err rc;
	const char *ident, *country, *version, *certtype, *vf, *vt, *msg;
	char details[2048];
	time_t from, to, prev_from = 0, now = time(NULL);
	int cmp;

	dgcg_log(DGCG_LOG_INFO, CLS, "Rule Upload Request", NULL, NULL);
	if (!dgcg_signed_request(gw, id, body, len, &upload_profile, NULL, &s, r)) {
		if (s.step == DGCG_SIGNED_SIGNATURE)
			dgcg_log(DGCG_LOG_ERROR, CLS, "Rule Upload Failed", s.why,
			    "validationRuleUploadError", r->details,
			    "validationRuleUploadReason", "INVALID_SIGNATURE", NULL);
		else if (r->prob == DGCG_P_RULE_UNEXPECTED || r->prob == DGCG_P_UNAVAILABLE)
			goto logged_internal;
		else
			dgcg_log(DGCG_LOG_ERROR, CLS, "Rule Upload Failed", NULL,
			    "validationRuleUploadError", r->details, "validationRuleUploadReason",
			    s.step == DGCG_SIGNED_PARSE ? "INVALID_CMS" :
			    "UPLOADER_CERT_CHECK_FAILED", NULL);
		goto out;
	}
	if (dgcg_rule_json_check((const char *)s.payload, s.plen, &doc, details,
	    sizeof(details)) != DGCG_OK) {
		upload_failed(r, DGCG_P_RULE_JSON, "INVALID_JSON", details);
		goto out;
	}
	/* The schema guarantees these are strings of the right shape. */
	ident = dgcg_jv_str(doc, "Identifier");
	country = dgcg_jv_str(doc, "Country");
	version = dgcg_jv_str(doc, "Version");
	certtype = dgcg_jv_str(doc, "CertificateType");
	vf = dgcg_jv_str(doc, "ValidFrom");
	vt = dgcg_jv_str(doc, "ValidTo");
	msg = dgcg_jv_str(doc, "Type");
	if (ident == NULL || country == NULL || version == NULL || certtype == NULL ||
	    vf == NULL || vt == NULL || msg == NULL)
		goto internal;
	type = strcmp(msg, "Acceptance") == 0 ? DGCG_RULE_ACCEPTANCE : DGCG_RULE_INVALIDATION;
	/* Check 4 ends with the reference's mapping of the JSON into its DTO
	 * (ZonedDateTime), which refuses date-times RFC 3339 and the schema
	 * allow but java.time does not: an offset beyond +-18:00. */
	if (dgcg_time_parse_iso(vf, &from, NULL) != DGCG_OK ||
	    dgcg_time_parse_iso(vt, &to, NULL) != DGCG_OK) {
		upload_failed(r, DGCG_P_RULE_JSON, "INVALID_JSON", "JSON could not be parsed: "
		    "ValidFrom and ValidTo need a UTC offset within -18:00 and +18:00");
		goto out;
	}

	if ((msg = check_prefix(ident, certtype, type)) != NULL) {
		upload_failed(r, DGCG_P_RULE_ID, "INVALID_RULE_ID", msg);
		goto out;
	}
	if (strcmp(country, id->country) != 0 || strncmp(ident + 3, id->country, 2) != 0 ||
	    strlen(id->country) != 2) {
		upload_failed(r, DGCG_P_RULE_COUNTRY, "INVALID_COUNTRY",
		    strcmp(country, id->country) != 0 ?
		    "Country does not match your authentication." :
		    "Country Code in Identifier does not match country.");
		goto out;
	}

	if (strlen(version) > DGCG_RULE_VERSION_MAX) {
		snprintf(details, sizeof(details), "Version (%.40s...) is longer than %d characters",
		    version, DGCG_RULE_VERSION_MAX);
		upload_failed(r, DGCG_P_RULE_VERSION, "INVALID_VERSION", details);
		goto out;
	}
	if (dgcg_db_vr_latest(gw->db, ident, &prev) != DGCG_OK)
		goto internal;
	if (prev.n > 0) {
		if (dgcg_time_parse_sql(prev.v[0].valid_from, &prev_from) != DGCG_OK)
			goto internal;
		if (dgcg_semver_cmp(version, prev.v[0].version, &cmp) != DGCG_OK) {
			dgcg_log(DGCG_LOG_ERROR, CLS, "Stored rule version is not a SemVer", NULL,
			    "ruleId", ident, "version", prev.v[0].version, NULL);
			goto internal;
		}
		if (cmp <= 0) {
			snprintf(details, sizeof(details), "Version of new rule (%s) needs to be "
			    "greater then old version (%s)", version, prev.v[0].version);
			upload_failed(r, DGCG_P_RULE_VERSION, "INVALID_VERSION", details);
			goto out;
		}
	}

	if (dgcg_rules_check_times(type, from, to, now, prev.n > 0 ? &prev_from : NULL,
	    details, sizeof(details)) != DGCG_OK) {
		upload_failed(r, DGCG_P_RULE_TIMESTAMPS, "INVALID_TIMESTAMP", details);
		goto out;
	}
	/* DATETIME holds years 1000-9999 (UTC); an offset can push the end of
	 * 9999 past it. */
	if (to > (time_t)253402300799LL) {
		snprintf(details, sizeof(details), "ValidTo (%s) is after 9999-12-31T23:59:59Z", vt);
		upload_failed(r, DGCG_P_RULE_TIMESTAMPS, "INVALID_TIMESTAMP", details);
		goto out;
	}

	memset(&w, 0, sizeof(w));
	w.id = id;
	w.s = &s;
	w.ident = ident;
	w.body = body;
	w.version = version;
	w.country = country;
	w.type = type == DGCG_RULE_ACCEPTANCE ? "ACCEPTANCE" : "INVALIDATION";
	(void)dgcg_time_format_sql(from, w.from);
	(void)dgcg_time_format_sql(to, w.to);
	rc = dgcg_db_tx(gw->db, store_work, &w);
	if (rc == DGCG_ERR_CONFLICT) {
		/* a concurrent upload stored this version first */
		snprintf(details, sizeof(details), "Version of new rule (%s) needs to be greater "
		    "then old version (%s)", version, version);
		upload_failed(r, DGCG_P_RULE_VERSION, "INVALID_VERSION", details);
		goto out;
	}
	if (rc != DGCG_OK)
		goto internal;
	dgcg_reply_ok(r, 201);
	dgcg_log(DGCG_LOG_INFO, CLS, "Rule Upload Success", NULL, "ruleId", ident,
	    "ruleVersion", version, "uploadCertThumbprint", s.signer_thumb, NULL);
	goto out;
internal:
	internal_error(gw, r);
logged_internal:
	dgcg_log(DGCG_LOG_ERROR, CLS, "Rule Upload Failed", dgcg_db_error(gw->db),
	    "validationRuleUploadError", "unexpected failure",
	    "validationRuleUploadReason", "UNEXPECTED", NULL);
out:
	dgcg_vr_list_free(&prev);
	dgcg_jv_free(doc);
	dgcg_signed_free(&s);
}

/* --- delete -------------------------------------------------------------------- */

struct delete_work {
	const struct dgcg_identity	*id;
	const struct dgcg_signed	*s;
	const char			*rid;
	unsigned long long		 n;
};

/* Every version of the rule, and the DELETED audit event. */
static enum dgcg_err
delete_work(struct dgcg_db *db, void *arg)
{
	struct delete_work *w = arg;
	struct dgcg_audit_event ev = { w->id->country, w->s->signer_thumb, w->id->thumbprint,
	    "DELETED", NULL };
	char desc[256];
	enum dgcg_err rc;

	if ((rc = dgcg_db_vr_delete(db, w->rid, &w->n)) != DGCG_OK)
		return rc;
	if (w->n == 0)
		return DGCG_ERR_NOTFOUND;
	snprintf(desc, sizeof(desc), "Deleted Validation Rule with ID %s", w->rid);
	ev.description = desc;
	return dgcg_db_audit(db, &ev);
}

void
dgcg_rules_delete(struct dgcg_gw *gw, const char *body, size_t len,
    const struct dgcg_identity *id, struct dgcg_reply *r)
{
	struct dgcg_signed s;
	struct delete_work w;
	enum dgcg_err rc;
	char cc[16], *rid = NULL, *sv = NULL, num[32];

	dgcg_log(DGCG_LOG_INFO, CLS, "Rule Delete Request", NULL, NULL);
	if (!dgcg_signed_request(gw, id, body, len, &delete_profile, NULL, &s, r)) {
		if (s.step == DGCG_SIGNED_SIGNATURE)
			dgcg_log(DGCG_LOG_ERROR, CLS, "Rule Delete Failed", s.why, NULL);
		else if (r->prob == DGCG_P_RULE_UNEXPECTED || r->prob == DGCG_P_UNAVAILABLE)
			dgcg_log(DGCG_LOG_ERROR, CLS, "Rule Delete Failed", dgcg_db_error(gw->db),
			    NULL);
		goto out;
	}
	/* The payload is UTF-8 without NUL (the CMS parser checked it). */
	rid = xstrndup((const char *)s.payload, s.plen);
	if (!dgcg_rules_id_country(rid, s.plen, cc, sizeof(cc))) {
		dgcg_reply_fail(r, DGCG_P_RULE_ID_STRING, rid, "%s",
		    "Example valid ID-String: GR-EU-11100");
		goto out;
	}
	if (strcmp(cc, id->country) != 0) {
		sv = xasprintf("Your authenticated country code: %s, Your requested country code: %s",
		    id->country, cc);
		dgcg_reply_fail(r, DGCG_P_RULE_ID_COUNTRY, sv, "%s",
		    "ID-String needs to contain your Country Code.");
		goto out;
	}
	w.id = id;
	w.s = &s;
	w.rid = rid;
	w.n = 0;
	rc = dgcg_db_tx(gw->db, delete_work, &w);
	if (rc == DGCG_ERR_NOTFOUND) {
		sv = xasprintf("Validation-Rule Id: %s", rid);
		dgcg_reply_fail(r, DGCG_P_RULE_NOT_FOUND, sv, "%s",
		    "You can only delete existing validation rules.");
		goto out;
	}
	if (rc != DGCG_OK) {
		internal_error(gw, r);
		dgcg_log(DGCG_LOG_ERROR, CLS, "Rule Delete Failed", dgcg_db_error(gw->db), NULL);
		goto out;
	}
	dgcg_reply_ok(r, 204);
	snprintf(num, sizeof(num), "%llu", w.n);
	dgcg_log(DGCG_LOG_INFO, CLS, "Rule Delete Success", NULL, "validationDeleteAmount", num,
	    "validationDownloadId", rid, NULL);
out:
	free(sv);
	free(rid);
	dgcg_signed_free(&s);
}

/* --- download and its cache --------------------------------------------------- */

/* A rendered list, remembered per country (worker/cache.h: it depends on
 * validation_rule and expires when a stored ValidFrom is reached). */
struct rendered {
	char	*body;
	size_t	 len;
	size_t	 amount;
};

static void
rendered_free(void *p)
{
	struct rendered *r = p;

	free(r->body);
	free(r);
}

/* A stored version with its dates read. */
struct full_row {
	const struct dgcg_vr	*vr;
	time_t			 valid_from, valid_to;
};

struct row_list {
	struct full_row	*v;
	size_t		 n;
};

/* The versions of vl whose dates read (others are left out and logged). */
static void
rows_of(const struct dgcg_vr_list *vl, struct row_list *l)
{
	size_t i;
	char ids[32];

	l->v = xcalloc(vl->n + 1, sizeof(*l->v));
	l->n = 0;
	for (i = 0; i < vl->n; i++) {
		struct full_row *r = &l->v[l->n];

		if (dgcg_time_parse_sql(vl->v[i].valid_from, &r->valid_from) != DGCG_OK ||
		    dgcg_time_parse_sql(vl->v[i].valid_to, &r->valid_to) != DGCG_OK) {
			snprintf(ids, sizeof(ids), "%lld", vl->v[i].id);
			dgcg_log(DGCG_LOG_ERROR, CLS, "Validation rule row with unreadable dates "
			    "left out", NULL, "id", ids, NULL);
			continue;
		}
		r->vr = &vl->v[i];
		l->n++;
	}
}

/* Builds the response of rows (ordered by rule_id, id) at now. */
static char *
render(const struct row_list *l, time_t now, size_t *len, size_t *amount, time_t *expiry)
{
	struct json_object *root = json_object_new_object(), *arr, *item;
	struct dgcg_rule_row *w = xcalloc(l->n + 1, sizeof(*w));
	size_t *idx = xcalloc(l->n + 1, sizeof(*idx));
	size_t i, j, b, k, total = 0;
	char t[DGCG_TIME_LEN + 1];
	char *out;

	*expiry = (time_t)-1;
	for (b = 0; b < l->n; b = i) {
		for (i = b; i < l->n && strcmp(l->v[i].vr->rule_id, l->v[b].vr->rule_id) == 0; i++) {
			w[i - b].id = l->v[i].vr->id;
			w[i - b].valid_from = l->v[i].valid_from;
			if (l->v[i].valid_from >= now &&
			    (*expiry == (time_t)-1 || l->v[i].valid_from < *expiry))
				*expiry = l->v[i].valid_from;
		}
		k = dgcg_rules_window(w, i - b, now, idx);
		if (k == 0)
			continue;
		arr = json_object_new_array_ext((int)k);
		for (j = 0; j < k; j++) {
			const struct full_row *r = &l->v[b + idx[j]];

			item = json_object_new_object();
			json_object_object_add(item, "version", json_object_new_string(r->vr->version));
			dgcg_time_format(r->valid_from, t);
			json_object_object_add(item, "validFrom", json_object_new_string(t));
			dgcg_time_format(r->valid_to, t);
			json_object_object_add(item, "validTo", json_object_new_string(t));
			json_object_object_add(item, "cms", json_object_new_string(r->vr->signature));
			json_object_array_add(arr, item);
		}
		total += k;
		json_object_object_add(root, l->v[b].vr->rule_id, arr);
	}
	out = dgcg_json_text(root, len);
	free(w);
	free(idx);
	*amount = total;
	return out;
}

enum dgcg_err
dgcg_rules_download(struct dgcg_gw *gw, const char *country, const struct dgcg_identity *id,
    char **json, size_t *len)
{
	struct dgcg_vr_list vl = { NULL, 0 };
	struct row_list l = { NULL, 0 };
	struct rendered *e;
	char cc[3], num[32];
	time_t now = time(NULL), expiry;
	enum dgcg_err rc;
	size_t amount = 0;

	*json = NULL;
	*len = 0;
	dgcg_log(DGCG_LOG_INFO, CLS, "Rule Download Request", NULL, NULL);
	if (country == NULL || strlen(country) != 2 ||
	    !((country[0] | 0x20) >= 'a' && (country[0] | 0x20) <= 'z') ||
	    !((country[1] | 0x20) >= 'a' && (country[1] | 0x20) <= 'z')) {
		*json = xstrdup("{}");
		*len = 2;
		goto done;
	}
	cc[0] = (char)(country[0] & ~0x20);
	cc[1] = (char)(country[1] & ~0x20);
	cc[2] = '\0';
	if ((e = dgcg_cache_get(gw, DGCG_CACHE_RULES, cc, 2)) == NULL) {
		if ((rc = dgcg_db_vr_of_country(gw->db, cc, 1, &vl)) != DGCG_OK)
			return rc;
		rows_of(&vl, &l);
		e = xcalloc(1, sizeof(*e));
		e->body = render(&l, now, &e->len, &e->amount, &expiry);
		free(l.v);
		dgcg_vr_list_free(&vl);
		if (dgcg_cache_put(gw, DGCG_CACHE_RULES, cc, 2, expiry, e, rendered_free) == NULL)
			return DGCG_ERR_DB;	/* the change counters could not be read */
	} else
		dgcg_log(DGCG_LOG_DEBUG, CLS, "Rule list served from cache", NULL, "country", cc,
		    NULL);
	*json = xmalloc(e->len + 1);
	memcpy(*json, e->body, e->len + 1);
	*len = e->len;
	amount = e->amount;
done:
	snprintf(num, sizeof(num), "%zu", amount);
	dgcg_log(DGCG_LOG_INFO, CLS, "Rule Download Success", NULL,
	    "validationDownloadAmount", num,
	    "validationDownloadRequester", id != NULL ? id->country : "",
	    "validationDownloadRequested", country != NULL ? country : "", NULL);
	return DGCG_OK;
}
