/* references.c: trusted references (references.h). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "base/codec.h"
#include "base/json.h"
#include "base/log.h"
#include "base/utf8.h"
#include "base/uuid.h"
#include "base/xmalloc.h"
#include "domain/references.h"
#include "domain/signed.h"
#include "domain/trustlist.h"
#include "pki/cms.h"
#include "pki/x509.h"
#include "store/audit_event.h"
#include "store/trusted_reference.h"
#include "worker/cache.h"
#include "worker/gateway.h"

#define CLS "references"

#define UUID_PATTERN "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

/* --- the JSON ------------------------------------------------------------------ */

enum fkind {
	F_STR = 0,	/* a string of min..max characters (Java's length) */
	F_UUID,		/* a lower-case UUID */
	F_ENUM		/* one of the values of a comma list */
};

/* The members of a TrustedReference, in TNG's order (tng-gateway.md 6.5). */
static const struct field {
	const char	*name;
	size_t		 off;
	enum fkind	 kind;
	size_t		 min, max;	/* F_STR */
	const char	*values;	/* F_ENUM */
	int		 required;
} fields[] = {
#define O(x) offsetof(struct dgcg_ref_in, x)
	{ "sourceGateway", O(source_gateway), F_UUID, 0, 0, NULL, 0 },
	{ "uuid", O(uuid), F_UUID, 0, 0, NULL, 0 },
	{ "domain", O(domain), F_STR, 1, DGCG_DOMAIN_MAX, NULL, 0 },
	{ "url", O(url), F_STR, 1, 100, NULL, 1 },
	{ "country", O(country), F_STR, 2, 2, NULL, 1 },
	{ "type", O(type), F_ENUM, 0, 0, "DCC,FHIR", 1 },
	{ "service", O(service), F_STR, 1, 1024, NULL, 1 },
	{ "thumbprint", O(thumbprint), F_STR, 1, 64, NULL, 1 },
	{ "name", O(name), F_STR, 1, 512, NULL, 1 },
	{ "sslPublicKey", O(ssl_public_key), F_STR, 1, 2048, NULL, 1 },
	{ "contentType", O(content_type), F_STR, 1, 512, NULL, 1 },
	{ "signatureType", O(signature_type), F_ENUM, 0, 0, "CMS,JWS,NONE", 1 },
	{ "referenceVersion", O(reference_version), F_STR, 1, 256, NULL, 1 },
#undef O
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static char **
slot(struct dgcg_ref_in *in, const struct field *f)
{
	return (char **)(void *)((char *)in + f->off);
}

static const char *
slot_c(const struct dgcg_ref_in *in, const struct field *f)
{
	return *(char *const *)(const void *)((const char *)in + f->off);
}

/* 1 when s[0..len) is one of the values of a comma list. */
static int
one_of(const char *list, const char *s, size_t len)
{
	const char *p = list, *e;

	for (;;) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) == len && memcmp(p, s, len) == 0)
			return 1;
		if (*e == '\0')
			return 0;
		p = e + 1;
	}
}

void
dgcg_ref_in_free(struct dgcg_ref_in *in)
{
	size_t i;

	if (in == NULL)
		return;
	for (i = 0; i < NFIELDS; i++)
		free(*slot(in, &fields[i]));
	memset(in, 0, sizeof(*in));
}

enum dgcg_ref_check
dgcg_ref_parse(const char *json, size_t len, struct dgcg_ref_in *in, char *details, size_t dsz)
{
	struct dgcg_jv *doc = NULL;
	const struct dgcg_jv *v;
	enum dgcg_ref_check res = DGCG_REF_JSON;
	char err[160];
	size_t i;

	memset(in, 0, sizeof(*in));
	if (dsz > 0)
		details[0] = '\0';
	if (dgcg_json_parse(json != NULL ? json : "", len, DGCG_JSON_DEPTH_MAX, &doc, err,
	    sizeof(err)) != DGCG_OK) {
		snprintf(details, dsz, "JSON could not be parsed: %s", err);
		goto out;
	}
	if (doc->type != DGCG_J_OBJECT) {
		snprintf(details, dsz, "%s", "JSON could not be parsed: a trusted reference is a "
		    "JSON object");
		goto out;
	}
	v = dgcg_jv_get(doc, "version");
	if (v != NULL && v->type != DGCG_J_NULL && v->type != DGCG_J_NUMBER) {
		snprintf(details, dsz, "%s", "JSON could not be parsed: version: must be a number");
		goto out;
	}
	for (i = 0; i < NFIELDS; i++) {
		const struct field *f = &fields[i];

		v = dgcg_jv_get(doc, f->name);
		if (v == NULL || v->type == DGCG_J_NULL)
			continue;
		if (v->type != DGCG_J_STRING || memchr(v->s, '\0', v->len) != NULL) {
			snprintf(details, dsz, "JSON could not be parsed: %s: must be a string",
			    f->name);
			goto out;
		}
		if (f->kind == F_ENUM && !one_of(f->values, v->s, v->len)) {
			snprintf(details, dsz, "JSON could not be parsed: %s: not one of the values "
			    "accepted: %s", f->name, f->values);
			goto out;
		}
		*slot(in, f) = xstrndup(v->s, v->len);
	}
	res = DGCG_REF_OK;
out:
	if (res != DGCG_REF_OK)
		dgcg_ref_in_free(in);
	dgcg_jv_free(doc);
	return res;
}

/* Appends "field: message" to details, ", "-separated, "..." when cut. */
static void
violation(char *details, size_t dsz, size_t *o, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
violation(char *details, size_t dsz, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (dsz == 0 || *o >= dsz - 1)
		return;
	if (*o > 0) {
		r = snprintf(details + *o, dsz - *o, ", ");
		*o += r > 0 ? (size_t)r : 0;
	}
	if (*o < dsz - 1) {
		va_start(ap, fmt);
		r = vsnprintf(details + *o, dsz - *o, fmt, ap);
		va_end(ap);
		*o += r > 0 ? (size_t)r : 0;
	}
	if (*o >= dsz - 1) {
		*o = dsz - 1;
		if (dsz > 4)
			memcpy(details + dsz - 4, "...", 4);
	}
}

enum dgcg_ref_check
dgcg_ref_validate(const struct dgcg_ref_in *in, char *details, size_t dsz)
{
	size_t i, o = 0, n;
	const char *v;

	if (dsz > 0)
		details[0] = '\0';
	for (i = 0; i < NFIELDS; i++) {
		const struct field *f = &fields[i];

		v = slot_c(in, f);
		if (v == NULL) {
			if (f->required)
				violation(details, dsz, &o, "%s: must not be null", f->name);
			continue;
		}
		switch (f->kind) {
		case F_STR:
			n = dgcg_utf8_utf16_len(v, strlen(v));
			if (n < f->min || n > f->max)
				violation(details, dsz, &o, "%s: size must be between %zu and %zu",
				    f->name, f->min, f->max);
			break;
		case F_UUID:
			if (!dgcg_uuid_valid(v))
				violation(details, dsz, &o, "%s: must match \"%s\"", f->name,
				    UUID_PATTERN);
			break;
		case F_ENUM:
			break;
		}
	}
	return o > 0 ? DGCG_REF_VALUES : DGCG_REF_OK;
}

/* --- rows ---------------------------------------------------------------------- */

/* The row's fields from the upload (strings borrowed from in). */
static void
row_from(struct dgcg_ref *row, const struct dgcg_ref_in *in)
{
	memset(row, 0, sizeof(*row));
	snprintf(row->domain, sizeof(row->domain), "%s",
	    in->domain != NULL ? in->domain : DGCG_REF_DEFAULT_DOMAIN);
	snprintf(row->country, sizeof(row->country), "%s", in->country);
	row->url = in->url;
	row->service = in->service;
	row->name = in->name;
	row->thumbprint = in->thumbprint;
	row->ssl_public_key = in->ssl_public_key;
	row->content_type = in->content_type;
	row->reference_version = in->reference_version;
	snprintf(row->reference_type, sizeof(row->reference_type), "%s", in->type);
	snprintf(row->signature_type, sizeof(row->signature_type), "%s", in->signature_type);
}

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* 1 when the stored row says what its upload's JSON says. */
static int
row_matches(const struct dgcg_ref *r, const struct dgcg_ref_in *in)
{
	return same(r->url, in->url) && same(r->country, in->country) &&
	    same(r->reference_type, in->type) && same(r->service, in->service) &&
	    same(r->thumbprint, in->thumbprint) && same(r->name, in->name) &&
	    same(r->ssl_public_key, in->ssl_public_key) &&
	    same(r->content_type, in->content_type) &&
	    same(r->signature_type, in->signature_type) &&
	    same(r->reference_version, in->reference_version) &&
	    strcmp(r->domain, in->domain != NULL ? in->domain : DGCG_REF_DEFAULT_DOMAIN) == 0 &&
	    (in->uuid == NULL || strcmp(r->uuid, in->uuid) == 0);
}

/* Checks a live row; NULL when it may be served, else the reason. */
static const char *
ref_check(const struct dgcg_ref *r, const struct dgcg_tl_uploads *u)
{
	struct dgcg_ref_in in;
	struct dgcg_cms *cms = NULL;
	char thumb[DGCG_THUMB_HEX_LEN + 1], details[256];
	const unsigned char *sder, *payload;
	const char *why = NULL;
	size_t slen, plen;

	memset(&in, 0, sizeof(in));
	if (r->signature == NULL || r->signature[0] == '\0') {
		why = "no upload CMS stored (inserted with SQL, or federated)";
		goto out;
	}
	if (dgcg_cms_parse_b64(r->signature, strlen(r->signature), NULL, 0,
	    DGCG_CMS_PAYLOAD_STRING, &cms) != DGCG_CMS_OK) {
		why = "the stored upload CMS does not parse";
		goto out;
	}
	if (dgcg_cms_verify(cms, u->digests, NULL) != DGCG_OK) {
		why = "the stored upload CMS does not verify";
		goto out;
	}
	sder = dgcg_cms_signer_der(cms, &slen);
	dgcg_x509_thumbprint(sder, slen, thumb);
	if (!dgcg_tl_is_upload(u, r->country, NULL, r->source_gateway, thumb)) {
		why = "the upload CMS is not by a verified UPLOAD certificate of the country";
		goto out;
	}
	payload = dgcg_cms_content(cms, &plen);
	if (dgcg_ref_parse((const char *)payload, plen, &in, details, sizeof(details)) !=
	    DGCG_REF_OK || !row_matches(r, &in))
		why = "the row differs from what its upload CMS says";
out:
	dgcg_ref_in_free(&in);
	dgcg_cms_free(cms);
	return why;
}

/* Verdicts are remembered by row content and the UPLOAD set (cache.h):
 * non-NULL markers for the two answers. */
static const int VERDICT_OK = 1, VERDICT_BAD = 0;

static void
hash_str(EVP_MD_CTX *md, const char *s)
{
	if (s != NULL)
		EVP_DigestUpdate(md, s, strlen(s) + 1);
	else
		EVP_DigestUpdate(md, "", 0);
	EVP_DigestUpdate(md, "|", 1);
}

static int
ref_ok(struct dgcg_gw *gw, const struct dgcg_ref *r, const struct dgcg_tl_uploads *u)
{
	const char *const s[] = { r->uuid, r->domain, r->country, r->url, r->service, r->name,
		r->thumbprint, r->ssl_public_key, r->content_type, r->reference_version,
		r->reference_type, r->signature_type, r->source_gateway, r->signature };
	unsigned char key[32];
	const char *why;
	const int *v;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t i;

	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		return 0;
	}
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		hash_str(md, s[i]);
	dgcg_tl_uploads_hash(md, u, r->country, NULL, r->source_gateway);
	EVP_DigestFinal_ex(md, key, NULL);
	EVP_MD_CTX_free(md);
	if ((v = dgcg_cache_get(gw, DGCG_CACHE_REF_VERDICT, key, sizeof(key))) != NULL)
		return *v;
	why = ref_check(r, u);
	if (why != NULL)
		dgcg_log(DGCG_LOG_ERROR, CLS, "Trusted reference left out", NULL, "reason", why,
		    "trustedReferenceUuid", r->uuid, "country", r->country, NULL);
	(void)dgcg_cache_put(gw, DGCG_CACHE_REF_VERDICT, key, sizeof(key), (time_t)-1,
	    (void *)(uintptr_t)(why == NULL ? &VERDICT_OK : &VERDICT_BAD), NULL);
	return why == NULL;
}

static struct json_object *
str_or_null(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

/* TNG's TrustedReference (tng-gateway.md 6.5), then dgcg's signature; a
 * tombstone has null where the live row has its data. */
static struct json_object *
ref_json(const struct dgcg_ref *r)
{
	struct json_object *o = json_object_new_object();
	int tomb = r->deleted_at != 0;

	if (r->source_gateway[0] != '\0')
		json_object_object_add(o, "sourceGateway", json_object_new_string(r->source_gateway));
	if (r->uuid[0] != '\0')
		json_object_object_add(o, "uuid", json_object_new_string(r->uuid));
	json_object_object_add(o, "domain", json_object_new_string(r->domain));
	json_object_object_add(o, "version", json_object_new_int64(r->version));
	json_object_object_add(o, "url", str_or_null(tomb ? NULL : r->url));
	json_object_object_add(o, "country", json_object_new_string(r->country));
	json_object_object_add(o, "type", json_object_new_string(r->reference_type));
	json_object_object_add(o, "service", str_or_null(tomb ? NULL : r->service));
	json_object_object_add(o, "thumbprint", str_or_null(tomb ? NULL : r->thumbprint));
	json_object_object_add(o, "name", str_or_null(tomb ? NULL : r->name));
	json_object_object_add(o, "sslPublicKey", str_or_null(tomb ? NULL : r->ssl_public_key));
	json_object_object_add(o, "contentType", str_or_null(tomb ? NULL : r->content_type));
	json_object_object_add(o, "signatureType", json_object_new_string(r->signature_type));
	json_object_object_add(o, "referenceVersion",
	    str_or_null(tomb ? NULL : r->reference_version));
	json_object_object_add(o, "signature", str_or_null(tomb ? NULL : r->signature));
	return o;
}

/* --- the list -------------------------------------------------------------------- */

static int
in_list(const char *v, char *const *list, size_t n, int ci)
{
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (ci ? strcasecmp(v, list[i]) == 0 : strcmp(v, list[i]) == 0)
			return 1;
	return 0;
}

static int
wanted(const struct dgcg_ref *r, const struct dgcg_ref_filter *f)
{
	return in_list(r->country, f->countries, f->nc, 1) &&
	    in_list(r->domain, f->domains, f->nd, 1) &&
	    in_list(r->reference_type, f->ref_types, f->nr, 0) &&
	    in_list(r->signature_type, f->sig_types, f->ns, 0) &&
	    (f->federation || r->source_gateway[0] == '\0');
}

enum dgcg_err
dgcg_ref_list_json(struct dgcg_gw *gw, const struct dgcg_ref_filter *f, time_t since,
    char **json, size_t *len, size_t *count)
{
	struct dgcg_ref_list l = { NULL, 0 };
	struct dgcg_tl_uploads up = { { NULL, 0 }, 0 };
	struct json_object *arr;
	enum dgcg_err rc;
	size_t i;

	*json = NULL;
	*len = 0;
	*count = 0;
	if ((rc = dgcg_db_ref_select(gw->db, since, &l)) != DGCG_OK ||
	    (l.n > 0 && (rc = dgcg_tl_uploads_load(gw, f->federation, &up)) != DGCG_OK))
		goto out;
	arr = json_object_new_array();
	for (i = 0; i < l.n; i++) {
		const struct dgcg_ref *r = &l.v[i];

		if (!wanted(r, f) || (r->deleted_at == 0 && !ref_ok(gw, r, &up)))
			continue;
		json_object_array_add(arr, ref_json(r));
		(*count)++;
	}
	*json = dgcg_json_text(arr, len);
out:
	dgcg_tl_uploads_free(&up);
	dgcg_ref_list_free(&l);
	return rc;
}

/* The whole list for the filters f, as dgcg_cache_list renders it. */
static enum dgcg_err
render_full(struct dgcg_gw *gw, const void *f, char **body, size_t *len, size_t *count)
{
	return dgcg_ref_list_json(gw, f, -1, body, len, count);
}

enum dgcg_err
dgcg_ref_list_get(struct dgcg_gw *gw, const struct dgcg_ref_filter *f, const struct dgcg_cached_list **out)
{
	char *const *lists[4] = { f->countries, f->domains, f->ref_types, f->sig_types };
	size_t ns[4] = { f->nc, f->nd, f->nr, f->ns };
	unsigned char key[32];

	dgcg_cache_filter_key(lists, ns, 4, f->federation, key);
	return dgcg_cache_list(gw, DGCG_CACHE_REFLIST, key, render_full, f, out);
}

void
dgcg_ref_get(struct dgcg_gw *gw, const char *uuid, struct dgcg_reply *r)
{
	struct dgcg_ref_list l = { NULL, 0 };
	struct dgcg_tl_uploads up = { { NULL, 0 }, 0 };
	struct json_object *o;
	size_t len;
	char *body;

	if (!dgcg_uuid_valid(uuid)) {
		dgcg_reply_fail(r, DGCG_P_VALIDATION, uuid,
		    "getTrustedReference.uuid: must match \"%s\"", UUID_PATTERN);
		return;
	}
	if (dgcg_db_ref_find(gw->db, uuid, 0, &l) != DGCG_OK ||
	    (l.n > 0 && dgcg_tl_uploads_load(gw, 1, &up) != DGCG_OK)) {
		dgcg_reply_db_read(r);
		goto out;
	}
	if (l.n == 0 || l.v[0].deleted_at != 0 || !ref_ok(gw, &l.v[0], &up)) {
		dgcg_reply_fail(r, DGCG_P_REF_NOT_FOUND, NULL, "%s",
		    "Requested TrustedReference not available.");
		goto out;
	}
	o = ref_json(&l.v[0]);
	body = dgcg_json_text(o, &len);
	dgcg_reply_json(r, 200, body, len);
out:
	dgcg_tl_uploads_free(&up);
	dgcg_ref_list_free(&l);
}

/* --- upload and delete ----------------------------------------------------------- */

/* Trusted references are no certificates: any domain's UPLOAD certificate
 * of the caller's country (onboarded here) vouches for them. */
static const struct dgcg_signed_profile upload_profile = {
	.payload = DGCG_CMS_PAYLOAD_STRING,
	.signature = DGCG_P_CMS_SIGNATURE,
	.signature_details = "Submitted string needs to be signed by a valid upload certificate",
	.uploader = DGCG_P_SIGNED_UPLOADER,
	.uploader_details = "Certificate used to sign the Trusted Reference is not a valid/ "
	    "allowed upload certificate for your country.",
	.subject_send_value = 1,
	.upload_policy = 1,
	.any_domain = 1,
	.internal = DGCG_P_UNAVAILABLE,
};

/* A delete (a withdrawal) is never blocked by the signer's key size or
 * validity, only by its digest (doc/api.txt). */
static const struct dgcg_signed_profile delete_profile = {
	.payload = DGCG_CMS_PAYLOAD_STRING,
	.signature = DGCG_P_CMS_SIGNATURE,
	.signature_details = "Submitted string needs to be signed by a valid upload certificate",
	.uploader = DGCG_P_SIGNED_UPLOADER,
	.uploader_details = "Certificate used to sign the Trusted Reference is not a valid/ "
	    "allowed upload certificate for your country.",
	.subject_send_value = 1,
	.upload_policy = 0,
	.any_domain = 1,
	.internal = DGCG_P_UNAVAILABLE,
};

static void
log_failed(const char *what, const struct dgcg_reply *r, const struct dgcg_identity *id)
{
	char st[8];

	snprintf(st, sizeof(st), "%d", r->status);
	dgcg_log(DGCG_LOG_ERROR, CLS, what, NULL, "status", st, "problem",
	    dgcg_prob_info(r->prob)->problem, "details", r->details, "country", id->country, NULL);
}

struct ref_work {
	const struct dgcg_identity	*id;
	const struct dgcg_signed	*s;
	const struct dgcg_ref_in	*in;	/* upload; NULL for a delete */
	const char			*uuid;	/* update or delete; NULL: create */
	const char			*body;	/* the upload CMS as received */
	enum dgcg_prob			 refused;
	const char			*why;
	char				 made[DGCG_UUID_LEN + 1];	/* the uuid written */
};

/* A create, an update or a delete, with its audit event, under the row's
 * lock: the owner checks inside the transaction. */
static enum dgcg_err
ref_work(struct dgcg_db *db, void *arg)
{
	struct ref_work *w = arg;
	struct dgcg_ref_list l = { NULL, 0 };
	struct dgcg_audit_event ev = { w->id->country, w->s->signer_thumb, w->id->thumbprint,
	    NULL, NULL };
	struct dgcg_ref row;
	char desc[80];
	enum dgcg_err rc;
	int tries;

	w->refused = DGCG_P_NONE;
	w->why = NULL;
	w->made[0] = '\0';
	if (w->in != NULL)
		row_from(&row, w->in);
	if (w->uuid == NULL) {
		/* create: a random uuid; a clash is next to impossible */
		row.signature = (char *)(uintptr_t)w->body;
		rc = DGCG_ERR_CONFLICT;
		for (tries = 0; tries < 3 && rc == DGCG_ERR_CONFLICT; tries++) {
			if ((rc = dgcg_uuid_new(row.uuid)) != DGCG_OK)
				return rc;
			rc = dgcg_db_ref_insert(db, &row, NULL);
		}
		if (rc != DGCG_OK)
			return rc;
		memcpy(w->made, row.uuid, sizeof(w->made));
		ev.event = "CREATED";
		snprintf(desc, sizeof(desc), "Created trusted reference %s", w->made);
		ev.description = desc;
		return dgcg_db_audit(db, &ev);
	}
	if ((rc = dgcg_db_ref_find(db, w->uuid, 1, &l)) != DGCG_OK)
		return rc;
	if (l.n == 0 || l.v[0].deleted_at != 0) {
		w->refused = DGCG_P_REF_MISSING;
		w->why = w->in != NULL ? "Trusted Reference to be updated not found." :
		    "Trusted Reference does not exist.";
	} else if (strcmp(l.v[0].country, w->id->country) != 0) {
		w->refused = DGCG_P_SIGNED_COUNTRY;
		w->why = w->in != NULL ?
		    "It is not allowed to update trusted references of other countries." :
		    "It is not allowed to delete trusted references of other countries.";
	} else if (l.v[0].source_gateway[0] != '\0') {
		w->refused = DGCG_P_SIGNED_COUNTRY;
		w->why = "The trusted reference was federated from another gateway: it is "
		    "changed there, not here.";
	}
	if (w->refused != DGCG_P_NONE) {
		dgcg_ref_list_free(&l);
		return DGCG_ERR_INVAL;
	}
	memcpy(w->made, l.v[0].uuid, sizeof(w->made));
	if (w->in != NULL) {
		row.signature = (char *)(uintptr_t)w->body;
		rc = dgcg_db_ref_update(db, l.v[0].id, &row);
		ev.event = "UPDATED";
		snprintf(desc, sizeof(desc), "Updated trusted reference %s", w->made);
	} else {
		rc = dgcg_db_ref_mark_deleted(db, l.v[0].id);
		ev.event = "DELETED";
		snprintf(desc, sizeof(desc), "Deleted trusted reference %s", w->made);
	}
	dgcg_ref_list_free(&l);
	if (rc != DGCG_OK)
		return rc;
	ev.description = desc;
	return dgcg_db_audit(db, &ev);
}

/* Runs the unit; 1 when it was written, else 0 with r filled. */
static int
run(struct dgcg_gw *gw, struct ref_work *w, struct dgcg_reply *r)
{
	enum dgcg_err rc = dgcg_db_tx(gw->db, ref_work, w);

	if (w->refused != DGCG_P_NONE) {
		dgcg_reply_fail(r, w->refused, NULL, "%s", w->why);
		return 0;
	}
	if (rc == DGCG_ERR_IO) {
		dgcg_reply_fail(r, DGCG_P_INTERNAL, NULL, "%s", "No random uuid could be made.");
		return 0;
	}
	if (rc != DGCG_OK) {
		dgcg_reply_db(r, NULL);
		return 0;
	}
	return 1;
}

void
dgcg_ref_upload(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
    size_t len, struct dgcg_reply *r)
{
	static const char what[] = "Upload of Trusted Reference failed";
	struct dgcg_signed s;
	struct dgcg_ref_in in;
	struct ref_work w;
	char details[2048];

	memset(&in, 0, sizeof(in));
	/* 1-3: CMS, signature, UPLOAD certificate of the caller's country. */
	if (!dgcg_signed_request(gw, id, body, len, &upload_profile, NULL, &s, r))
		goto fail;
	/* 4: the JSON. */
	if (dgcg_ref_parse((const char *)s.payload, s.plen, &in, details, sizeof(details)) !=
	    DGCG_REF_OK) {
		dgcg_reply_fail(r, DGCG_P_SIGNED_JSON, NULL, "%s", details);
		goto fail;
	}
	/* 5: the caller's country (a missing one is step 6's; TNG: 500). */
	if (in.country != NULL && strcmp(in.country, id->country) != 0) {
		dgcg_reply_fail(r, DGCG_P_SIGNED_COUNTRY, NULL, "%s",
		    "Country does not match your authentication.");
		goto fail;
	}
	/* 6: the values. */
	if (dgcg_ref_validate(&in, details, sizeof(details)) != DGCG_REF_OK) {
		dgcg_reply_fail(r, DGCG_P_REF_VALUES, NULL, "%s", details);
		goto fail;
	}
	/* 7, 8: update (owner only) or create, with the audit event. */
	memset(&w, 0, sizeof(w));
	w.id = id;
	w.s = &s;
	w.in = &in;
	w.uuid = in.uuid;
	w.body = body;
	if (!run(gw, &w, r))
		goto fail;
	dgcg_log(DGCG_LOG_INFO, CLS, in.uuid != NULL ? "Updated Trusted Reference" :
	    "Saved new Trusted Reference", NULL, "trustedReferenceUuid", w.made, "country",
	    id->country, "uploadCertThumbprint", s.signer_thumb, NULL);
	dgcg_reply_ok(r, 201);
	goto out;
fail:
	log_failed(what, r, id);
out:
	dgcg_ref_in_free(&in);
	dgcg_signed_free(&s);
}

void
dgcg_ref_delete(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
    size_t len, struct dgcg_reply *r)
{
	static const char what[] = "Delete of Trusted Reference failed";
	struct dgcg_signed s;
	struct dgcg_jv *doc = NULL;
	const struct dgcg_jv *u;
	struct ref_work w;
	char err[160];

	if (!dgcg_signed_request(gw, id, body, len, &delete_profile, NULL, &s, r))
		goto fail;
	if (dgcg_json_parse((const char *)s.payload, s.plen, DGCG_JSON_DEPTH_MAX, &doc, err,
	    sizeof(err)) != DGCG_OK || doc->type != DGCG_J_OBJECT ||
	    ((u = dgcg_jv_get(doc, "uuid")) != NULL && u->type != DGCG_J_NULL &&
	    u->type != DGCG_J_STRING)) {
		dgcg_reply_fail(r, DGCG_P_SIGNED_JSON, NULL, "JSON could not be parsed%s%s",
		    doc == NULL ? ": " : "", doc == NULL ? err : ": expected {\"uuid\":\"...\"}");
		goto fail;
	}
	/* TNG does not check the uuid: one that names no row is a 404. */
	u = dgcg_jv_get(doc, "uuid");
	if (u == NULL || u->type != DGCG_J_STRING || !dgcg_uuid_valid(u->s) ||
	    u->len != DGCG_UUID_LEN) {
		dgcg_reply_fail(r, DGCG_P_REF_MISSING, NULL, "%s", "Trusted Reference does not exist.");
		goto fail;
	}
	memset(&w, 0, sizeof(w));
	w.id = id;
	w.s = &s;
	w.uuid = u->s;
	if (!run(gw, &w, r))
		goto fail;
	dgcg_log(DGCG_LOG_INFO, CLS, "Deleted Trusted Reference", NULL, "trustedReferenceUuid",
	    w.made, "country", id->country, NULL);
	dgcg_reply_ok(r, 204);
	goto out;
fail:
	log_failed(what, r, id);
out:
	dgcg_jv_free(doc);
	dgcg_signed_free(&s);
}
