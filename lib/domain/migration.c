/* migration.c: GET and POST /cms-migration. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "base/codec.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "domain/migration.h"
#include "base/json.h"
#include "domain/signed.h"
#include "domain/signer.h"
#include "pki/cms.h"
#include "pki/x509.h"
#include "store/audit_event.h"
#include "store/revocation_batch.h"
#include "store/signer_information.h"
#include "store/validation_rule.h"
#include "worker/gateway.h"

#define CLS "migration"

#define D_BAD_CMS "Submitted package needs to be signed by a valid upload certificate"

enum pkg_type {
	PKG_DSC = 0,
	PKG_REVOCATION_LIST,
	PKG_VALIDATION_RULE,
	PKG__MAX
};

static const char *const pkg_names[PKG__MAX] = {
	[PKG_DSC] = "DSC",
	[PKG_REVOCATION_LIST] = "REVOCATION_LIST",
	[PKG_VALIDATION_RULE] = "VALIDATION_RULE",
};

/* --- GET ---------------------------------------------------------------------- */

/* The signer rows CMS migration handles: the v1 interface's (group DSC,
 * domain DCC, uploaded here). A v2 row of another group or domain is
 * renewed through the v2 interface (delete, upload again). */
static int
v1_dsc(const struct dgcg_si *s)
{
	return s->group == DGCG_G_DSC && strcmp(s->domain, DGCG_DOMAIN_DCC) == 0 &&
	    s->source_gateway[0] == '\0';
}

static void
add_pkg(struct json_object *arr, const char *cms, long long id, enum pkg_type t)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "cms", json_object_new_string(cms));
	json_object_object_add(o, "entityId", json_object_new_int64(id));
	json_object_object_add(o, "type", json_object_new_string(pkg_names[t]));
	json_object_array_add(arr, o);
}

/* The upload CMS of a stored DSC: the detached signature with the DER put
 * back as its content. NULL (logged) when the row does not allow it. */
static char *
attached_dsc(const struct dgcg_si *s)
{
	struct dgcg_cms *c = NULL;
	unsigned char *der = NULL, *att = NULL;
	size_t derlen = 0, attlen = 0;
	char *res = NULL, ids[32];

	if (s->signature == NULL ||
	    dgcg_b64_decode(s->raw_data, strlen(s->raw_data), &der, &derlen) != DGCG_OK ||
	    dgcg_cms_parse_b64(s->signature, strlen(s->signature), der, derlen,
	    DGCG_CMS_PAYLOAD_CERT, &c) != DGCG_CMS_OK ||
	    dgcg_cms_attach(c, &att, &attlen) != DGCG_OK) {
		snprintf(ids, sizeof(ids), "%lld", s->id);
		dgcg_log(DGCG_LOG_ERROR, CLS, "Stored DSC left out of the CMS packages: its "
		    "signature and raw data do not make a CMS", NULL, "entityId", ids,
		    "certVerifyThumbprint", s->thumbprint, NULL);
		goto out;
	}
	res = dgcg_b64_encode(att, attlen);
out:
	free(att);
	free(der);
	dgcg_cms_free(c);
	return res;
}

enum dgcg_err
dgcg_mig_list(struct dgcg_gw *gw, const struct dgcg_identity *id, char **json, size_t *len,
    size_t *count)
{
	struct dgcg_si_list dsc = { NULL, 0 };
	struct dgcg_rb_list rb = { NULL, 0 };
	struct dgcg_vr_list vr = { NULL, 0 };
	struct json_object *arr = NULL;
	enum dgcg_err rc;
	char *cms, n1[24], n2[24], n3[24];
	size_t i, nd = 0;

	*json = NULL;
	*len = 0;
	*count = 0;
	if ((rc = dgcg_db_si_select(gw->db, id->country, -1, &dsc)) != DGCG_OK ||
	    (rc = dgcg_db_rb_of_country(gw->db, id->country, &rb)) != DGCG_OK ||
	    (rc = dgcg_db_vr_of_country(gw->db, id->country, 0, &vr)) != DGCG_OK)
		goto out;
	arr = json_object_new_array();
	for (i = 0; i < dsc.n; i++) {
		/* dgcg_db_si_select matches the country case-insensitively. */
		if (strcmp(dsc.v[i].country, id->country) != 0 || !v1_dsc(&dsc.v[i]) ||
		    (cms = attached_dsc(&dsc.v[i])) == NULL)
			continue;
		add_pkg(arr, cms, dsc.v[i].id, PKG_DSC);
		free(cms);
		nd++;
	}
	for (i = 0; i < rb.n; i++)
		if (strcmp(rb.v[i].country, id->country) == 0 && rb.v[i].signed_batch != NULL)
			add_pkg(arr, rb.v[i].signed_batch, rb.v[i].id, PKG_REVOCATION_LIST);
	for (i = 0; i < vr.n; i++)
		if (strcmp(vr.v[i].country, id->country) == 0)
			add_pkg(arr, vr.v[i].signature, vr.v[i].id, PKG_VALIDATION_RULE);
	*count = json_object_array_length(arr);
	*json = dgcg_json_text(arr, len);
	arr = NULL;
	snprintf(n1, sizeof(n1), "%zu", nd);
	snprintf(n2, sizeof(n2), "%zu", rb.n);
	snprintf(n3, sizeof(n3), "%zu", vr.n);
	dgcg_log(DGCG_LOG_INFO, CLS, "Getting cms packages", NULL, "country", id->country,
	    "signerInformationEntries", n1, "revocationEntries", n2, "validationRuleEntries", n3,
	    NULL);
out:
	json_object_put(arr);
	dgcg_vr_list_free(&vr);
	dgcg_rb_list_free(&rb);
	dgcg_si_list_free(&dsc);
	return rc;
}

/* --- POST --------------------------------------------------------------------- */

/* The request: a CmsPackage. */
struct pkg_req {
	enum pkg_type	 type;
	long long	 entity;
	char		*cms;		/* malloc'd; NULL when absent */
};

/* entityId as a JSON integer (or a string of digits, which Jackson also
 * maps to a long). Returns 1 and sets *v, else 0. */
static int
entity_id(const struct dgcg_jv *v, long long *out)
{
	char *end;
	long long x;

	if (v == NULL || (v->type != DGCG_J_NUMBER && v->type != DGCG_J_STRING) || v->len == 0 ||
	    v->len > 19 || v->s[0] == '-' || v->s[0] == '+')
		return 0;
	errno = 0;
	x = strtoll(v->s, &end, 10);
	if (errno != 0 || *end != '\0' || end != v->s + v->len || x < 0)
		return 0;
	*out = x;
	return 1;
}

/* Reads the body; 0 with r filled (400 0x001) when it is not a CmsPackage. */
static int
read_pkg(const char *body, size_t len, struct pkg_req *p, struct dgcg_reply *r)
{
	struct dgcg_jv *doc = NULL;
	const struct dgcg_jv *t, *c;
	char err[160];
	int i, ok = 0;

	memset(p, 0, sizeof(*p));
	p->type = PKG__MAX;
	if (dgcg_json_parse(body != NULL ? body : "", len, DGCG_JSON_DEPTH_MAX, &doc, err,
	    sizeof(err)) != DGCG_OK || doc->type != DGCG_J_OBJECT) {
		dgcg_reply_fail(r, DGCG_P_VALIDATION, NULL,
		    "The body must be one CmsPackage JSON object {\"cms\":..,\"entityId\":..,"
		    "\"type\":..}%s%s", doc == NULL ? ": " : "", doc == NULL ? err : "");
		goto out;
	}
	t = dgcg_jv_get(doc, "type");
	if (t == NULL || t->type == DGCG_J_NULL) {
		dgcg_reply_fail(r, DGCG_P_VALIDATION, NULL, "%s",
		    "type: must not be null (DSC, REVOCATION_LIST or VALIDATION_RULE)");
		goto out;
	}
	for (i = 0; i < PKG__MAX && t->type == DGCG_J_STRING; i++)
		if (t->len == strlen(pkg_names[i]) && memcmp(t->s, pkg_names[i], t->len) == 0)
			p->type = (enum pkg_type)i;
	if (p->type == PKG__MAX) {
		dgcg_reply_fail(r, DGCG_P_VALIDATION, NULL, "%s",
		    "type: must be DSC, REVOCATION_LIST or VALIDATION_RULE");
		goto out;
	}
	if (!entity_id(dgcg_jv_get(doc, "entityId"), &p->entity)) {
		dgcg_reply_fail(r, DGCG_P_VALIDATION, NULL, "%s",
		    "entityId: must be the id of a package from GET /cms-migration");
		goto out;
	}
	c = dgcg_jv_get(doc, "cms");
	if (c != NULL && c->type == DGCG_J_STRING && memchr(c->s, '\0', c->len) == NULL)
		p->cms = xstrdup(c->s);
	else if (c != NULL && c->type != DGCG_J_NULL) {
		dgcg_reply_fail(r, DGCG_P_VALIDATION, NULL, "%s",
		    "cms: must be a string (the base64 CMS)");
		goto out;
	}
	ok = 1;
out:
	dgcg_jv_free(doc);
	return ok;
}

/* The three payload kinds differ only in what the CMS carries. */
#define MIG_PROFILE(kind) {				\
		.payload = (kind),				\
		.parse = DGCG_P_CMS_SIGNATURE,			\
		.parse_details = D_BAD_CMS,			\
		.signature = DGCG_P_CMS_SIGNATURE,		\
		.signature_details = D_BAD_CMS,			\
		.signature_why = 1,				\
		.uploader = DGCG_P_UPLOAD_BAD,			\
		.upload_policy = 1,				\
		.internal = DGCG_P_UNAVAILABLE,			\
	}
static const struct dgcg_signed_profile mig_profile[PKG__MAX] = {
	[PKG_DSC] = MIG_PROFILE(DGCG_CMS_PAYLOAD_CERT),
	[PKG_REVOCATION_LIST] = MIG_PROFILE(DGCG_CMS_PAYLOAD_STRING),
	[PKG_VALIDATION_RULE] = MIG_PROFILE(DGCG_CMS_PAYLOAD_STRING),
};
#undef MIG_PROFILE

/* DSC checks beyond the uploader: the row is the caller's, the CMS carries
 * its very certificate, whose subject has the caller's C, issued by a
 * verified CSCA of the caller's country. 1, 0 (r filled) or -1. */
static int
check_dsc(struct dgcg_gw *gw, const struct dgcg_identity *id, const struct dgcg_si *row,
    const struct dgcg_signed *s, const char *sv, struct dgcg_reply *r)
{
	char thumb[DGCG_THUMB_HEX_LEN + 1], csca[DGCG_THUMB_HEX_LEN + 1], why[256];
	const char *cwhy;
	unsigned char *der;
	size_t dlen;
	X509 *dsc = NULL;
	int same = 0, res = 0;

	if (strcmp(row->country, id->country) != 0) {
		dgcg_reply_fail(r, DGCG_P_UPLOAD_BAD, sv,
		    "Signer certificate %lld belongs to another country and cannot be migrated "
		    "by %s", row->id, id->country);
		return 0;
	}
	dgcg_x509_thumbprint(s->payload, s->plen, thumb);
	if (dgcg_b64_decode(row->raw_data, strlen(row->raw_data), &der, &dlen) == DGCG_OK) {
		same = dlen == s->plen && memcmp(der, s->payload, dlen) == 0;
		free(der);
	}
	if (!same) {
		dgcg_reply_fail(r, DGCG_P_UPLOAD_BAD, sv,
		    "The CMS carries certificate %s, not the certificate %s of entity %lld: a "
		    "migration re-signs, it cannot replace a certificate", thumb, row->thumbprint,
		    row->id);
		return 0;
	}
	dsc = dgcg_x509_from_der(s->payload, s->plen);
	if (!dgcg_signer_subject_country(dsc, id->country, &cwhy)) {
		dgcg_reply_fail(r, DGCG_P_UPLOAD_BAD, sv, "%s", cwhy);
		goto out;
	}
	if ((res = dgcg_signer_csca(gw, id->country, DGCG_G_CSCA, DGCG_DOMAIN_DCC, dsc, csca, why,
	    sizeof(why))) == 0)
		dgcg_reply_fail(r, DGCG_P_UPLOAD_BAD, sv, "%s", why);
out:
	X509_free(dsc);
	return res;
}

/* 1 when the stored string CMS carries exactly payload[0..plen). */
static int
same_payload(const char *stored, const unsigned char *payload, size_t plen)
{
	struct dgcg_cms *old = NULL;
	const unsigned char *op;
	size_t olen;
	int same;

	if (stored == NULL || dgcg_cms_parse_b64(stored, strlen(stored), NULL, 0,
	    DGCG_CMS_PAYLOAD_ANY, &old) != DGCG_CMS_OK)
		return 0;
	op = dgcg_cms_content(old, &olen);
	same = olen == plen && (plen == 0 || memcmp(op, payload, plen) == 0);
	dgcg_cms_free(old);
	return same;
}

struct mig_work {
	struct dgcg_gw			*gw;
	const struct dgcg_identity	*id;
	const struct pkg_req		*p;
	struct dgcg_signed		*s;
	const char			*sv;
	struct dgcg_reply		*r;
};

/* The uploader check of the package, in its place (after the row check). */
static enum dgcg_err
uploader(struct mig_work *w)
{
	/* NOTE: the transaction may run again: back to the uploader step. */
	w->s->step = DGCG_SIGNED_UPLOADER;
	if (dgcg_signed_finish(w->gw, w->id, &mig_profile[w->p->type], w->sv, w->s, w->r))
		return DGCG_OK;
	return w->r->prob == DGCG_P_UNAVAILABLE ? DGCG_ERR_DB : DGCG_ERR_INVAL;
}

/* The checks and the update of one package, with its UPDATED audit event,
 * under the row's lock. DGCG_OK when written; otherwise w->r holds the
 * problem, or the result is a database error. */
static enum dgcg_err
mig_work(struct dgcg_db *db, void *arg)
{
	struct mig_work *w = arg;
	const struct pkg_req *p = w->p;
	const struct dgcg_identity *id = w->id;
	struct dgcg_si_list si = { NULL, 0 };
	struct dgcg_rb_list rb = { NULL, 0 };
	struct dgcg_vr_list vr = { NULL, 0 };
	struct dgcg_audit_event ev = { id->country, w->s->signer_thumb, id->thumbprint,
	    "UPDATED", NULL };
	char desc[96], *det64 = NULL;
	unsigned char *det = NULL;
	size_t detlen = 0;
	enum dgcg_err rc;
	int k;

	switch (p->type) {
	case PKG_DSC:
		if ((rc = dgcg_db_si_locked(db, p->entity, &si)) != DGCG_OK)
			break;
		if (si.n == 0 || si.v[0].signature == NULL || si.v[0].deleted_at != 0 ||
		    !v1_dsc(&si.v[0])) {
			dgcg_reply_fail(w->r, DGCG_P_MIG_DSC_MISSING, w->sv,
			    "No live signer certificate with id %lld", p->entity);
			rc = DGCG_ERR_NOTFOUND;
			break;
		}
		if ((rc = uploader(w)) != DGCG_OK)
			break;
		if ((k = check_dsc(w->gw, id, &si.v[0], w->s, w->sv, w->r)) <= 0) {
			rc = k < 0 ? DGCG_ERR_DB : DGCG_ERR_INVAL;
			break;
		}
		if (dgcg_cms_detach(w->s->cms, &det, &detlen) != DGCG_OK) {
			dgcg_reply_fail(w->r, DGCG_P_MIG_DSC_FAILED, w->sv, "%s",
			    "The CMS could not be re-encoded detached.");
			rc = DGCG_ERR_PARSE;
			break;
		}
		det64 = dgcg_b64_encode(det, detlen);
		if ((rc = dgcg_db_si_set_signature(db, p->entity, det64)) != DGCG_OK)
			break;
		snprintf(desc, sizeof(desc), "Updated Signer Certificate (%lld)", p->entity);
		ev.description = desc;
		rc = dgcg_db_audit(db, &ev);
		break;
	case PKG_REVOCATION_LIST:
		if ((rc = dgcg_db_rb_find_id_locked(db, p->entity, &rb)) != DGCG_OK)
			break;
		if (rb.n == 0 || rb.v[0].deleted || rb.v[0].signed_batch == NULL) {
			dgcg_reply_fail(w->r, DGCG_P_MIG_BATCH_MISSING, w->sv, "%s",
			    "RevocationBatch not present.");
			rc = DGCG_ERR_NOTFOUND;
			break;
		}
		if ((rc = uploader(w)) != DGCG_OK)
			break;
		if (strcmp(rb.v[0].country, id->country) != 0) {
			dgcg_reply_fail(w->r, DGCG_P_MIG_BATCH_COUNTRY, w->sv, "%s",
			    "Country does not match your authentication.");
			rc = DGCG_ERR_INVAL;
			break;
		}
		if (!same_payload(rb.v[0].signed_batch, w->s->payload, w->s->plen)) {
			dgcg_reply_fail(w->r, DGCG_P_MIG_BATCH_PAYLOAD, w->sv, "%s",
			    "New cms payload does not match present payload.");
			rc = DGCG_ERR_INVAL;
			break;
		}
		if ((rc = dgcg_db_rb_set_cms(db, p->entity, p->cms)) != DGCG_OK)
			break;
		snprintf(desc, sizeof(desc), "Updated Revocation Batch (%s)", rb.v[0].batch_id);
		ev.description = desc;
		rc = dgcg_db_audit(db, &ev);
		break;
	case PKG_VALIDATION_RULE:
	default:
		if ((rc = dgcg_db_vr_locked(db, p->entity, &vr)) != DGCG_OK)
			break;
		if (vr.n == 0) {
			dgcg_reply_fail(w->r, DGCG_P_MIG_RULE_MISSING, w->sv, "%s",
			    "ValidationRule not present.");
			rc = DGCG_ERR_NOTFOUND;
			break;
		}
		if ((rc = uploader(w)) != DGCG_OK)
			break;
		if (strcmp(vr.v[0].country, id->country) != 0) {
			dgcg_reply_fail(w->r, DGCG_P_MIG_RULE_COUNTRY, w->sv, "%s",
			    "Country does not match your authentication.");
			rc = DGCG_ERR_INVAL;
			break;
		}
		if (!same_payload(vr.v[0].signature, w->s->payload, w->s->plen)) {
			dgcg_reply_fail(w->r, DGCG_P_MIG_RULE_PAYLOAD, w->sv, "%s",
			    "New cms payload does not match present payload.");
			rc = DGCG_ERR_INVAL;
			break;
		}
		if ((rc = dgcg_db_vr_set_cms(db, p->entity, p->cms)) != DGCG_OK)
			break;
		snprintf(desc, sizeof(desc), "Updated Validation Rule (%lld)", p->entity);
		ev.description = desc;
		rc = dgcg_db_audit(db, &ev);
		break;
	}
	free(det64);
	free(det);
	dgcg_vr_list_free(&vr);
	dgcg_rb_list_free(&rb);
	dgcg_si_list_free(&si);
	return rc;
}

void
dgcg_mig_update(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
    size_t len, struct dgcg_reply *r)
{
	struct dgcg_signed s;
	struct pkg_req p;
	struct mig_work w;
	enum dgcg_err rc;
	char ids[24], st[8], sv[160];

	memset(&s, 0, sizeof(s));
	if (!read_pkg(body, len, &p, r))
		goto fail;
	snprintf(sv, sizeof(sv), "entityId=%lld type=%s country=%s", p.entity, pkg_names[p.type],
	    id->country);
	if (p.cms == NULL) {
		dgcg_reply_fail(r, DGCG_P_CMS_SIGNATURE, sv, "%s (cms: must not be null)",
		    D_BAD_CMS);
		goto fail;
	}
	if (!dgcg_signed_parse(gw, p.cms, strlen(p.cms), &mig_profile[p.type], sv, &s, r))
		goto fail;
	w.gw = gw;
	w.id = id;
	w.p = &p;
	w.s = &s;
	w.sv = sv;
	w.r = r;
	rc = dgcg_db_tx(gw->db, mig_work, &w);
	if (rc != DGCG_OK && dgcg_reply_failed(r) && r->prob != DGCG_P_UNAVAILABLE)
		goto fail;
	if (rc != DGCG_OK) {
		dgcg_reply_db(r, sv);
		goto fail;
	}
	snprintf(ids, sizeof(ids), "%lld", p.entity);
	dgcg_log(DGCG_LOG_INFO, CLS, "CMS package migrated", NULL, "entityId", ids,
	    "type", pkg_names[p.type], "country", id->country, NULL);
	dgcg_reply_ok(r, 204);
	goto out;
fail:
	snprintf(st, sizeof(st), "%d", r->status);
	dgcg_log(DGCG_LOG_ERROR, CLS, "CMS migration failed", NULL, "status", st,
	    "verificationFailureReason", dgcg_prob_info(r->prob)->code,
	    "verificationFailureMessage", r->details, NULL);
out:
	dgcg_signed_free(&s);
	free(p.cms);
}
