/* rules.c: validation rule upload, delete and download (section 5), with
 * the rule SQL of the db layer. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "domain/audit.h"
#include "pki/cms.h"
#include "store/db.h"
#include "base/log.h"
#include "domain/rules.h"
#include "domain/ruleschema.h"
#include "base/timefmt.h"
#include "pki/x509.h"
#include "base/xmalloc.h"

static const char SQL_RULE_LATEST[] =
    "SELECT id, version, valid_from FROM validation_rule WHERE rule_id = ?"
    " ORDER BY id DESC LIMIT 1";
static const char SQL_RULE_INSERT[] =
    "INSERT INTO validation_rule (created_at, rule_id, signature, valid_from, valid_to,"
    " version, country, type) VALUES (UTC_TIMESTAMP(), ?, ?, ?, ?, ?, ?, ?)";
/* Exact bytes: the column's collation ignores case and trailing spaces. */
static const char SQL_RULE_DELETE[] =
    "DELETE FROM validation_rule WHERE rule_id = ? AND BINARY rule_id = BINARY ?";
static const char SQL_RULE_COUNTRY[] =
    "SELECT id, rule_id, version, valid_from, valid_to, signature FROM validation_rule"
    " WHERE country = ? ORDER BY rule_id, id";

#define CLS "rules"

void
dgcg_outcome_clear(struct dgcg_outcome *o)
{
	free(o->send_value);
	free(o->details);
	memset(o, 0, sizeof(*o));
}

static void
fail(struct dgcg_outcome *o, int status, const char *code, const char *problem,
    const char *send_value, const char *details)
{
	o->status = status;
	o->code = code;
	o->problem = problem;
	o->send_value = send_value != NULL ? xstrdup(send_value) : NULL;
	o->details = details != NULL ? xstrdup(details) : NULL;
}

/* The answer when a request cannot go on: the reference's 500 0x299, or,
 * when the database is out of reach (stopped, connection lost mid-request),
 * 503 0x503 like every other endpoint, so clients know to retry. Nothing
 * was stored either way (the transaction is rolled back). */
static void
internal_error(struct dgcg_gw *gw, struct dgcg_outcome *o)
{
	if (dgcg_db_unreachable(gw->db))
		fail(o, 503, "0x503", "Service Unavailable", "",
		    "The database is not reachable; nothing was stored.");
	else
		fail(o, 500, "0x299", "Unexpected Error", "", "");
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

/* UTF-16 length of UTF-8 text (4-byte sequences count 2). */
static size_t
utf16_len(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c & 0xc0) != 0x80)
			n += c >= 0xf0 ? 2 : 1;
	}
	return n;
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
	if (nparts != 3 || utf16_len(part[1], plen[1]) != 2 || plen[1] + 1 > ccsz)
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

static void
db_time(time_t t, char out[20])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm) != 19)
		memcpy(out, "1970-01-01 00:00:00", 20);
}

static enum dgcg_err
db_time_parse(const char *s, time_t *t)
{
	char iso[DGCG_TIME_LEN + 1];

	if (s == NULL || strlen(s) != 19)
		return DGCG_ERR_PARSE;
	memcpy(iso, s, 19);
	iso[10] = 'T';
	iso[19] = 'Z';
	iso[20] = '\0';
	return dgcg_time_parse_iso(iso, t, NULL);
}

/* --- upload -------------------------------------------------------------------- */

struct latest {
	int		 found;
	long long	 id;
	char		*version;
	time_t		 valid_from;
	enum dgcg_err	 rc;
};

static enum dgcg_err
latest_row(void *arg, char **cols, const unsigned long *lens, unsigned ncols)
{
	struct latest *l = arg;

	(void)lens;
	if (ncols != 3 || cols[0] == NULL || cols[1] == NULL)
		return DGCG_ERR_DB;
	l->found = 1;
	l->id = strtoll(cols[0], NULL, 10);
	free(l->version);
	l->version = xstrdup(cols[1]);
	if (db_time_parse(cols[2], &l->valid_from) != DGCG_OK)
		l->rc = DGCG_ERR_PARSE;
	return DGCG_OK;
}

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

static void
log_upload_failed(const struct dgcg_outcome *o, const char *reason)
{
	dgcg_log(DGCG_LOG_ERROR, CLS, "Rule Upload Failed", NULL,
	    "validationRuleUploadError", o->details, "validationRuleUploadReason", reason, NULL);
}

/* Stores the row and its audit event in one transaction. */
static enum dgcg_err
store_rule(struct dgcg_db *db, const char *ident, const char *body, time_t from, time_t to,
    const char *version, const char *country, enum dgcg_rule_type type,
    const struct dgcg_identity *id, const char *uploader)
{
	char f[20], t[20], desc[160];
	const char *p[7];
	enum dgcg_err rc;
	int tries = 0;

	db_time(from, f);
	db_time(to, t);
	p[0] = ident;
	p[1] = body;
	p[2] = f;
	p[3] = t;
	p[4] = version;
	p[5] = country;
	p[6] = type == DGCG_RULE_ACCEPTANCE ? "ACCEPTANCE" : "INVALIDATION";
	snprintf(desc, sizeof(desc), "Created Validation Rule with ID %s (%s)", ident, version);
	do {
		if ((rc = dgcg_db_begin(db)) != DGCG_OK)
			return rc;
		rc = dgcg_db_run(db, SQL_RULE_INSERT, p, 7, NULL, NULL, NULL, NULL);
		if (rc == DGCG_OK)
			rc = dgcg_audit(db, id->country, uploader, id->thumbprint, "CREATED", desc);
		rc = dgcg_db_end(db, rc);
	} while (rc == DGCG_ERR_DB && dgcg_db_deadlock(db) && ++tries < DGCG_DB_TX_TRIES);
	return rc;
}

void
dgcg_rules_upload(struct dgcg_gw *gw, const char *body, size_t len,
    const struct dgcg_identity *id, struct dgcg_outcome *o)
{
	struct dgcg_cms *c = NULL;
	struct dgcg_jv *doc = NULL;
	struct latest prev = { 0, 0, NULL, 0, DGCG_OK };
	enum dgcg_cms_state st;
	enum dgcg_rule_type type;
	enum dgcg_err rc;
	const unsigned char *content, *der;
	const char *ident, *country, *version, *certtype, *vf, *vt, *why, *msg, *p[1];
	char thumb[DGCG_THUMB_HEX_LEN + 1], details[2048], *subject = NULL;
	size_t clen, derlen;
	time_t from, to, now = time(NULL);
	int trusted, cmp;

	memset(o, 0, sizeof(*o));
	dgcg_log(DGCG_LOG_INFO, CLS, "Rule Upload Request", NULL, NULL);
	st = dgcg_cms_parse_b64(body, len, NULL, 0, DGCG_CMS_PAYLOAD_STRING, &c);
	if (st != DGCG_CMS_OK) {
		fail(o, 400, "0x402", dgcg_cms_state_text(st, 1), "", "");
		log_upload_failed(o, "INVALID_CMS");
		goto out;
	}
	if (dgcg_cms_verify(c, dgcg_cms_digests(gw->conf.allow_sha1), &why) != DGCG_OK) {
		fail(o, 400, "0x260", "CMS signature is invalid", "",
		    "Submitted string needs to be signed by a valid upload certificate");
		dgcg_log(DGCG_LOG_ERROR, CLS, "Rule Upload Failed", why,
		    "validationRuleUploadError", o->details,
		    "validationRuleUploadReason", "INVALID_SIGNATURE", NULL);
		goto out;
	}
	der = dgcg_cms_signer_der(c, &derlen);
	dgcg_x509_thumbprint(der, derlen, thumb);
	trusted = dgcg_gw_is_trusted(gw, thumb, id->country, DGCG_CT_UPLOAD);
	if (trusted < 0)
		goto internal;
	if (trusted == 0) {
		subject = dgcg_x509_subject_text(dgcg_cms_signer(c));
		snprintf(details, sizeof(details),
		    "Could not find upload certificate with hash %s and country %s", thumb,
		    id->country);
		fail(o, 400, "0x230", "Invalid Upload Cert", subject != NULL ? subject : "",
		    details);
		log_upload_failed(o, "UPLOADER_CERT_CHECK_FAILED");
		goto out;
	}

	content = dgcg_cms_content(c, &clen);
	if (dgcg_rule_json_check((const char *)content, clen, &doc, details, sizeof(details)) !=
	    DGCG_OK) {
		fail(o, 400, "0x200", "Invalid JSON", "", details);
		log_upload_failed(o, "INVALID_JSON");
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
		fail(o, 400, "0x200", "Invalid JSON", "", "JSON could not be parsed: ValidFrom "
		    "and ValidTo need a UTC offset within -18:00 and +18:00");
		log_upload_failed(o, "INVALID_JSON");
		goto out;
	}

	if ((msg = check_prefix(ident, certtype, type)) != NULL) {
		fail(o, 400, "0x250", "Invalid RuleID", "", msg);
		log_upload_failed(o, "INVALID_RULE_ID");
		goto out;
	}
	if (strcmp(country, id->country) != 0 || strncmp(ident + 3, id->country, 2) != 0 ||
	    strlen(id->country) != 2) {
		fail(o, 403, "0x210", "Invalid Country sent", "",
		    strcmp(country, id->country) != 0 ?
		    "Country does not match your authentication." :
		    "Country Code in Identifier does not match country.");
		log_upload_failed(o, "INVALID_COUNTRY");
		goto out;
	}

	if (strlen(version) > DGCG_RULE_VERSION_MAX) {
		snprintf(details, sizeof(details), "Version (%.40s...) is longer than %d characters",
		    version, DGCG_RULE_VERSION_MAX);
		fail(o, 400, "0x220", "Invalid Version", "", details);
		log_upload_failed(o, "INVALID_VERSION");
		goto out;
	}
	p[0] = ident;
	if ((rc = dgcg_db_run(gw->db, SQL_RULE_LATEST, p, 1, latest_row, &prev, NULL, NULL)) !=
	    DGCG_OK || prev.rc != DGCG_OK)
		goto internal;
	if (prev.found) {
		if (dgcg_semver_cmp(version, prev.version, &cmp) != DGCG_OK) {
			dgcg_log(DGCG_LOG_ERROR, CLS, "Stored rule version is not a SemVer", NULL,
			    "ruleId", ident, "version", prev.version, NULL);
			goto internal;
		}
		if (cmp <= 0) {
			snprintf(details, sizeof(details), "Version of new rule (%s) needs to be "
			    "greater then old version (%s)", version, prev.version);
			fail(o, 400, "0x220", "Invalid Version", "", details);
			log_upload_failed(o, "INVALID_VERSION");
			goto out;
		}
	}

	if (dgcg_rules_check_times(type, from, to, now, prev.found ? &prev.valid_from : NULL,
	    details, sizeof(details)) != DGCG_OK) {
		fail(o, 400, "0x240", "Invalid Timestamp(s)", "", details);
		log_upload_failed(o, "INVALID_TIMESTAMP");
		goto out;
	}
	/* DATETIME holds years 1000-9999 (UTC); an offset can push the end of
	 * 9999 past it. */
	if (to > (time_t)253402300799LL) {
		snprintf(details, sizeof(details), "ValidTo (%s) is after 9999-12-31T23:59:59Z", vt);
		fail(o, 400, "0x240", "Invalid Timestamp(s)", "", details);
		log_upload_failed(o, "INVALID_TIMESTAMP");
		goto out;
	}

	rc = store_rule(gw->db, ident, body, from, to, version, country, type, id, thumb);
	if (rc == DGCG_ERR_CONFLICT) {
		/* a concurrent upload stored this version first */
		snprintf(details, sizeof(details), "Version of new rule (%s) needs to be greater "
		    "then old version (%s)", version, version);
		fail(o, 400, "0x220", "Invalid Version", "", details);
		log_upload_failed(o, "INVALID_VERSION");
		goto out;
	}
	if (rc != DGCG_OK)
		goto internal;
	o->status = 201;
	dgcg_log(DGCG_LOG_INFO, CLS, "Rule Upload Success", NULL, "ruleId", ident,
	    "ruleVersion", version, "uploadCertThumbprint", thumb, NULL);
	goto out;
internal:
	dgcg_outcome_clear(o);
	internal_error(gw, o);
	dgcg_log(DGCG_LOG_ERROR, CLS, "Rule Upload Failed", dgcg_db_error(gw->db),
	    "validationRuleUploadError", "unexpected failure",
	    "validationRuleUploadReason", "UNEXPECTED", NULL);
out:
	free(prev.version);
	free(subject);
	dgcg_jv_free(doc);
	dgcg_cms_free(c);
}

/* --- delete -------------------------------------------------------------------- */

void
dgcg_rules_delete(struct dgcg_gw *gw, const char *body, size_t len,
    const struct dgcg_identity *id, struct dgcg_outcome *o)
{
	struct dgcg_cms *c = NULL;
	enum dgcg_cms_state st;
	enum dgcg_err rc;
	const unsigned char *content, *der;
	const char *why, *p[2];
	char thumb[DGCG_THUMB_HEX_LEN + 1], cc[16], *rid = NULL, *sv = NULL, desc[256], num[32];
	size_t clen, derlen;
	unsigned long long n = 0;
	int trusted, tries = 0;

	memset(o, 0, sizeof(*o));
	dgcg_log(DGCG_LOG_INFO, CLS, "Rule Delete Request", NULL, NULL);
	st = dgcg_cms_parse_b64(body, len, NULL, 0, DGCG_CMS_PAYLOAD_STRING, &c);
	if (st != DGCG_CMS_OK) {
		fail(o, 400, "0x402", dgcg_cms_state_text(st, 1), "", "");
		goto out;
	}
	if (dgcg_cms_verify(c, dgcg_cms_digests(gw->conf.allow_sha1), &why) != DGCG_OK) {
		fail(o, 400, "0x260", "CMS signature is invalid", "",
		    "Submitted string needs to be signed by a valid upload certificate");
		dgcg_log(DGCG_LOG_ERROR, CLS, "Rule Delete Failed", why, NULL);
		goto out;
	}
	der = dgcg_cms_signer_der(c, &derlen);
	dgcg_x509_thumbprint(der, derlen, thumb);
	trusted = dgcg_gw_is_trusted(gw, thumb, id->country, DGCG_CT_UPLOAD);
	if (trusted < 0)
		goto internal;
	if (trusted == 0) {
		fail(o, 400, "0x230", "Invalid Upload certificate", "",
		    "You have to use a onboarded upload certificate to sign the string");
		goto out;
	}
	/* The payload is UTF-8 without NUL (the CMS parser checked it). */
	content = dgcg_cms_content(c, &clen);
	rid = xstrndup((const char *)content, clen);
	if (!dgcg_rules_id_country(rid, clen, cc, sizeof(cc))) {
		fail(o, 400, "0x250", "ID-String is invalid", rid,
		    "Example valid ID-String: GR-EU-11100");
		goto out;
	}
	if (strcmp(cc, id->country) != 0) {
		sv = xasprintf("Your authenticated country code: %s, Your requested country code: %s",
		    id->country, cc);
		fail(o, 403, "0x210", "Invalid country in ID-String", sv,
		    "ID-String needs to contain your Country Code.");
		goto out;
	}
	p[0] = rid;
	p[1] = rid;
	snprintf(desc, sizeof(desc), "Deleted Validation Rule with ID %s", rid);
	do {
		if ((rc = dgcg_db_begin(gw->db)) != DGCG_OK)
			goto internal;
		rc = dgcg_db_run(gw->db, SQL_RULE_DELETE, p, 2, NULL, NULL, &n, NULL);
		if (rc == DGCG_OK && n == 0)
			rc = DGCG_ERR_NOTFOUND;
		if (rc == DGCG_OK)
			rc = dgcg_audit(gw->db, id->country, thumb, id->thumbprint, "DELETED", desc);
		rc = dgcg_db_end(gw->db, rc);
	} while (rc == DGCG_ERR_DB && dgcg_db_deadlock(gw->db) && ++tries < DGCG_DB_TX_TRIES);
	if (rc == DGCG_ERR_NOTFOUND) {
		sv = xasprintf("Validation-Rule Id: %s", rid);
		fail(o, 404, "0x270", "Validation Rule does not exist", sv,
		    "You can only delete existing validation rules.");
		goto out;
	}
	if (rc != DGCG_OK)
		goto internal;
	o->status = 204;
	snprintf(num, sizeof(num), "%llu", n);
	dgcg_log(DGCG_LOG_INFO, CLS, "Rule Delete Success", NULL, "validationDeleteAmount", num,
	    "validationDownloadId", rid, NULL);
	goto out;
internal:
	dgcg_outcome_clear(o);
	internal_error(gw, o);
	dgcg_log(DGCG_LOG_ERROR, CLS, "Rule Delete Failed", dgcg_db_error(gw->db), NULL);
out:
	free(sv);
	free(rid);
	dgcg_cms_free(c);
}

/* --- download and its cache --------------------------------------------------- */

#define RULECACHE_MAX 32

struct rc_entry {
	char		 cc[3];
	long long	 version;	/* data_version of validation_rule when built */
	time_t		 expiry;	/* first stored ValidFrom >= build time */
	char		*body;
	size_t		 len;
	size_t		 amount;
	unsigned long long used;
};

/* One cache per worker process (workers are single-threaded). */
static struct rc_entry rcache[RULECACHE_MAX];
static unsigned long long rc_clock, rc_hits, rc_misses;

unsigned long long
dgcg_rules_cache_hits(void)
{
	return rc_hits;
}

unsigned long long
dgcg_rules_cache_misses(void)
{
	return rc_misses;
}

void
dgcg_rules_cache_clear(void)
{
	size_t i;

	for (i = 0; i < RULECACHE_MAX; i++)
		free(rcache[i].body);
	memset(rcache, 0, sizeof(rcache));
}

struct full_row {
	long long	 id;
	char		*rule_id;
	char		*version;
	time_t		 valid_from, valid_to;
	char		*cms;
};

struct row_list {
	struct full_row	*v;
	size_t		 n, cap;
	enum dgcg_err	 rc;
};

static enum dgcg_err
country_row(void *arg, char **cols, const unsigned long *lens, unsigned ncols)
{
	struct row_list *l = arg;
	struct full_row *r;

	(void)lens;
	if (ncols != 6 || cols[0] == NULL || cols[1] == NULL || cols[2] == NULL ||
	    cols[5] == NULL)
		return DGCG_OK;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	r = &l->v[l->n];
	memset(r, 0, sizeof(*r));
	if (db_time_parse(cols[3], &r->valid_from) != DGCG_OK ||
	    db_time_parse(cols[4], &r->valid_to) != DGCG_OK) {
		dgcg_log(DGCG_LOG_ERROR, CLS, "Validation rule row with unreadable dates left out",
		    NULL, "id", cols[0], NULL);
		return DGCG_OK;
	}
	r->id = strtoll(cols[0], NULL, 10);
	r->rule_id = xstrdup(cols[1]);
	r->version = xstrdup(cols[2]);
	r->cms = xstrdup(cols[5]);
	l->n++;
	return DGCG_OK;
}

static void
row_list_free(struct row_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].rule_id);
		free(l->v[i].version);
		free(l->v[i].cms);
	}
	free(l->v);
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
	const char *text;
	char *out;

	*expiry = (time_t)-1;
	for (b = 0; b < l->n; b = i) {
		for (i = b; i < l->n && strcmp(l->v[i].rule_id, l->v[b].rule_id) == 0; i++) {
			w[i - b].id = l->v[i].id;
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
			json_object_object_add(item, "version", json_object_new_string(r->version));
			dgcg_time_format(r->valid_from, t);
			json_object_object_add(item, "validFrom", json_object_new_string(t));
			dgcg_time_format(r->valid_to, t);
			json_object_object_add(item, "validTo", json_object_new_string(t));
			json_object_object_add(item, "cms", json_object_new_string(r->cms));
			json_object_array_add(arr, item);
		}
		total += k;
		json_object_object_add(root, l->v[b].rule_id, arr);
	}
	text = json_object_to_json_string_length(root, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, len);
	out = xstrndup(text, *len);
	json_object_put(root);
	free(w);
	free(idx);
	*amount = total;
	return out;
}

enum dgcg_err
dgcg_rules_download(struct dgcg_gw *gw, const char *country, const struct dgcg_identity *id,
    char **json, size_t *len)
{
	const struct dgcg_versions *ver;
	struct row_list l = { NULL, 0, 0, DGCG_OK };
	struct rc_entry *e = NULL, *victim;
	const char *p[1];
	char cc[3], num[32];
	time_t now = time(NULL), expiry;
	enum dgcg_err rc;
	size_t i, amount = 0;

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
	if ((rc = dgcg_gw_versions(gw, &ver)) != DGCG_OK)
		return rc;
	for (i = 0; i < RULECACHE_MAX; i++)
		if (rcache[i].body != NULL && strcmp(rcache[i].cc, cc) == 0)
			e = &rcache[i];
	if (e != NULL && e->version == ver->validation_rule &&
	    (e->expiry == (time_t)-1 || now < e->expiry)) {
		rc_hits++;
		e->used = ++rc_clock;
		*json = xmalloc(e->len + 1);
		memcpy(*json, e->body, e->len + 1);
		*len = e->len;
		amount = e->amount;
		dgcg_log(DGCG_LOG_DEBUG, CLS, "Rule list served from cache", NULL, "country", cc,
		    NULL);
		goto done;
	}
	rc_misses++;
	p[0] = cc;
	if ((rc = dgcg_db_run(gw->db, SQL_RULE_COUNTRY, p, 1, country_row, &l, NULL, NULL)) !=
	    DGCG_OK) {
		row_list_free(&l);
		return rc;
	}
	*json = render(&l, now, len, &amount, &expiry);
	row_list_free(&l);
	if (e == NULL) {
		victim = &rcache[0];
		for (i = 0; i < RULECACHE_MAX; i++) {
			if (rcache[i].body == NULL) {
				victim = &rcache[i];
				break;
			}
			if (rcache[i].used < victim->used)
				victim = &rcache[i];
		}
		e = victim;
	}
	free(e->body);
	memcpy(e->cc, cc, 3);
	e->version = ver->validation_rule;
	e->expiry = expiry;
	e->body = xmalloc(*len + 1);
	memcpy(e->body, *json, *len + 1);
	e->len = *len;
	e->amount = amount;
	e->used = ++rc_clock;
done:
	snprintf(num, sizeof(num), "%zu", amount);
	dgcg_log(DGCG_LOG_INFO, CLS, "Rule Download Success", NULL,
	    "validationDownloadAmount", num,
	    "validationDownloadRequester", id != NULL ? id->country : "",
	    "validationDownloadRequested", country != NULL ? country : "", NULL);
	return DGCG_OK;
}
