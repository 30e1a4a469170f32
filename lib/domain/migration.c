/* migration.c: GET and POST /cms-migration. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "domain/audit.h"
#include "pki/cms.h"
#include "base/codec.h"
#include "store/db_revocation.h"
#include "store/db_trust.h"
#include "worker/gateway.h"
#include "base/log.h"
#include "domain/migration.h"
#include "domain/revocation.h"
#include "base/json.h"
#include "pki/x509.h"
#include "base/xmalloc.h"

#define CLS "migration"

#define P_BAD_UPLOAD "Possible reasons: Wrong Format, no CMS, not the correct signing alg " \
	"missing attributes, invalid signature, certificate not signed by known CA"
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
	struct dgcg_pkg_list vr = { NULL, 0 };
	struct json_object *arr = NULL;
	enum dgcg_err rc;
	const char *text;
	char *cms, n1[24], n2[24], n3[24];
	size_t i, nd = 0;

	*json = NULL;
	*len = 0;
	*count = 0;
	if ((rc = dgcg_db_si_select(gw->db, id->country, -1, &dsc)) != DGCG_OK ||
	    (rc = dgcg_db_rb_of_country(gw->db, id->country, &rb)) != DGCG_OK ||
	    (rc = dgcg_db_vr_of_country(gw->db, id->country, &vr)) != DGCG_OK)
		goto out;
	arr = json_object_new_array();
	for (i = 0; i < dsc.n; i++) {
		/* dgcg_db_si_select matches the country case-insensitively. */
		if (strcmp(dsc.v[i].country, id->country) != 0 ||
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
			add_pkg(arr, vr.v[i].cms, vr.v[i].id, PKG_VALIDATION_RULE);
	text = json_object_to_json_string_length(arr, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, len);
	*json = xstrndup(text, *len);
	*count = json_object_array_length(arr);
	snprintf(n1, sizeof(n1), "%zu", nd);
	snprintf(n2, sizeof(n2), "%zu", rb.n);
	snprintf(n3, sizeof(n3), "%zu", vr.n);
	dgcg_log(DGCG_LOG_INFO, CLS, "Getting cms packages", NULL, "country", id->country,
	    "signerInformationEntries", n1, "revocationEntries", n2, "validationRuleEntries", n3,
	    NULL);
out:
	json_object_put(arr);
	dgcg_pkg_list_free(&vr);
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
		dgcg_reply_fail(r, 400, "0x001", "Validation Error", NULL,
		    "The body must be one CmsPackage JSON object {\"cms\":..,\"entityId\":..,"
		    "\"type\":..}%s%s", doc == NULL ? ": " : "", doc == NULL ? err : "");
		goto out;
	}
	t = dgcg_jv_get(doc, "type");
	if (t == NULL || t->type == DGCG_J_NULL) {
		dgcg_reply_fail(r, 400, "0x001", "Validation Error", NULL, "%s",
		    "type: must not be null (DSC, REVOCATION_LIST or VALIDATION_RULE)");
		goto out;
	}
	for (i = 0; i < PKG__MAX && t->type == DGCG_J_STRING; i++)
		if (t->len == strlen(pkg_names[i]) && memcmp(t->s, pkg_names[i], t->len) == 0)
			p->type = (enum pkg_type)i;
	if (p->type == PKG__MAX) {
		dgcg_reply_fail(r, 400, "0x001", "Validation Error", NULL, "%s",
		    "type: must be DSC, REVOCATION_LIST or VALIDATION_RULE");
		goto out;
	}
	if (!entity_id(dgcg_jv_get(doc, "entityId"), &p->entity)) {
		dgcg_reply_fail(r, 400, "0x001", "Validation Error", NULL, "%s",
		    "entityId: must be the id of a package from GET /cms-migration");
		goto out;
	}
	c = dgcg_jv_get(doc, "cms");
	if (c != NULL && c->type == DGCG_J_STRING && memchr(c->s, '\0', c->len) == NULL)
		p->cms = xstrdup(c->s);
	else if (c != NULL && c->type != DGCG_J_NULL) {
		dgcg_reply_fail(r, 400, "0x001", "Validation Error", NULL, "%s",
		    "cms: must be a string (the base64 CMS)");
		goto out;
	}
	ok = 1;
out:
	dgcg_jv_free(doc);
	return ok;
}

/* The CMS of the package, parsed and verified; NULL with r = 400 0x260
 * (the reference's converter reports no 0x402 on this path), or 400 0x004
 * for a CMS digest outside SecReq-042 (digests, cms.h). */
static struct dgcg_cms *
pkg_cms(const struct pkg_req *p, unsigned digests, struct dgcg_reply *r)
{
	struct dgcg_cms *c = NULL;
	enum dgcg_cms_state st;
	enum dgcg_err vr;
	const char *why = NULL;

	if (p->cms == NULL) {
		dgcg_reply_fail(r, 400, "0x260", "CMS signature is invalid", NULL,
		    "%s (cms: must not be null)", D_BAD_CMS);
		return NULL;
	}
	st = dgcg_cms_parse_b64(p->cms, strlen(p->cms), NULL, 0, p->type == PKG_DSC ?
	    DGCG_CMS_PAYLOAD_CERT : DGCG_CMS_PAYLOAD_STRING, &c);
	if (st != DGCG_CMS_OK) {
		dgcg_reply_fail(r, 400, "0x260", "CMS signature is invalid", NULL, "%s (%s)",
		    D_BAD_CMS, dgcg_cms_state_text(st, p->type != PKG_DSC));
		return NULL;
	}
	vr = dgcg_cms_verify(c, digests, &why);
	if (vr == DGCG_ERR_POLICY) {
		dgcg_reply_fail(r, 400, "0x004", P_BAD_UPLOAD, NULL, "%s", why);
		dgcg_cms_free(c);
		return NULL;
	}
	if (vr != DGCG_OK) {
		dgcg_reply_fail(r, 400, "0x260", "CMS signature is invalid", NULL, "%s (%s)",
		    D_BAD_CMS, why != NULL ? why : "signature does not verify");
		dgcg_cms_free(c);
		return NULL;
	}
	return c;
}

/* The signer must be a verified UPLOAD certificate of the caller's country
 * that meets the upload policy. 1, 0 (r = 400 0x004) or -1 (database). */
static int
check_uploader(struct dgcg_gw *gw, const struct dgcg_identity *id, struct dgcg_cms *c,
    char up[DGCG_THUMB_HEX_LEN + 1], struct dgcg_reply *r)
{
	const unsigned char *der;
	char why[512];
	size_t dlen;
	int t;

	der = dgcg_cms_signer_der(c, &dlen);
	dgcg_x509_thumbprint(der, dlen, up);
	if ((t = dgcg_gw_is_trusted(gw, up, id->country, DGCG_CT_UPLOAD)) < 0)
		return -1;
	if (t == 0) {
		dgcg_reply_fail(r, 400, "0x004", P_BAD_UPLOAD, r->send_value,
		    "Could not find upload certificate with hash %s and country %s", up,
		    id->country);
		return 0;
	}
	if (!dgcg_upload_policy_ok(&gw->conf, c, why, sizeof(why))) {
		dgcg_reply_fail(r, 400, "0x004", P_BAD_UPLOAD, r->send_value, "%s", why);
		return 0;
	}
	return 1;
}

/* DSC checks beyond the uploader: the row is the caller's, the CMS carries
 * its very certificate, whose subject has the caller's C, issued by a
 * verified CSCA of the caller's country. 1, 0 (r filled) or -1. */
static int
check_dsc(struct dgcg_gw *gw, const struct dgcg_identity *id, const struct dgcg_si *row,
    struct dgcg_cms *c, struct dgcg_reply *r)
{
	struct dgcg_tp_list l = { NULL, 0 };
	const unsigned char *pay;
	unsigned char *der;
	char thumb[DGCG_THUMB_HEX_LEN + 1], cc[DGCG_COUNTRY_MAX + 1];
	size_t plen, i, dlen;
	X509 *dsc = NULL, *x;
	int n, found = 0, res = 0;

	pay = dgcg_cms_content(c, &plen);
	if (strcmp(row->country, id->country) != 0) {
		dgcg_reply_fail(r, 400, "0x004", P_BAD_UPLOAD, r->send_value,
		    "Signer certificate %lld belongs to another country and cannot be migrated "
		    "by %s", row->id, id->country);
		return 0;
	}
	dgcg_x509_thumbprint(pay, plen, thumb);
	n = 0;
	if (dgcg_b64_decode(row->raw_data, strlen(row->raw_data), &der, &dlen) == DGCG_OK) {
		n = dlen == plen && memcmp(der, pay, plen) == 0;
		free(der);
	}
	if (!n) {
		dgcg_reply_fail(r, 400, "0x004", P_BAD_UPLOAD, r->send_value,
		    "The CMS carries certificate %s, not the certificate %s of entity %lld: a "
		    "migration re-signs, it cannot replace a certificate", thumb, row->thumbprint,
		    row->id);
		return 0;
	}
	dsc = dgcg_x509_from_der(pay, plen);
	n = dgcg_x509_subject_country(dsc, cc);
	if (n != 1 || strcmp(cc, id->country) != 0) {
		dgcg_reply_fail(r, 400, "0x004", P_BAD_UPLOAD, r->send_value, "%s",
		    n > 1 ? "Uploaded certificate contains more than one country property." :
		    n == 0 ? "Uploaded certificate contains no country property." :
		    "Uploaded certificate is not issued for uploader country.");
		goto out;
	}
	if (dgcg_gw_trusted(gw, NULL, id->country, DGCG_CT_CSCA, &l) != DGCG_OK) {
		res = -1;
		goto out;
	}
	for (i = 0; i < l.n && !found; i++) {
		if (dgcg_b64_decode(l.v[i].raw_data, strlen(l.v[i].raw_data), &der, &dlen) !=
		    DGCG_OK)
			continue;
		x = dgcg_x509_from_der(der, dlen);
		free(der);
		found = x != NULL && dgcg_x509_issued_by(dsc, x);
		X509_free(x);
	}
	if (!found) {
		if (l.n == 0)
			dgcg_reply_fail(r, 400, "0x004", P_BAD_UPLOAD, r->send_value,
			    "CSCA list for country %s is empty", id->country);
		else
			dgcg_reply_fail(r, 400, "0x004", P_BAD_UPLOAD, r->send_value,
			    "Uploaded certificate is not issued (issuer name and signature) by a "
			    "CSCA of country %s", id->country);
		goto out;
	}
	res = 1;
out:
	dgcg_tp_list_free(&l);
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

/* Inside the transaction: the checks and the update of one package. rc
 * DGCG_OK when the update and its audit event are written; otherwise r
 * holds the problem (or rc is a database error). */
static enum dgcg_err
migrate(struct dgcg_gw *gw, const struct dgcg_identity *id, const struct pkg_req *p,
    struct dgcg_cms *c, struct dgcg_reply *r)
{
	struct dgcg_si_list si = { NULL, 0 };
	struct dgcg_rb_list rb = { NULL, 0 };
	struct dgcg_pkg_list vr = { NULL, 0 };
	char up[DGCG_THUMB_HEX_LEN + 1], desc[96], *det64 = NULL;
	unsigned char *det = NULL;
	const unsigned char *pay;
	size_t plen, detlen = 0;
	enum dgcg_err rc;
	int k;

	pay = dgcg_cms_content(c, &plen);
	switch (p->type) {
	case PKG_DSC:
		if ((rc = dgcg_db_si_locked(gw->db, p->entity, &si)) != DGCG_OK)
			break;
		if (si.n == 0 || si.v[0].signature == NULL || si.v[0].deleted_at != 0) {
			dgcg_reply_fail(r, 409, "0x010", "Certificate to be updated does not exist.",
			    r->send_value, "No live signer certificate with id %lld", p->entity);
			rc = DGCG_ERR_NOTFOUND;
			break;
		}
		if ((k = check_uploader(gw, id, c, up, r)) <= 0 ||
		    (k = check_dsc(gw, id, &si.v[0], c, r)) <= 0) {
			rc = k < 0 ? DGCG_ERR_DB : DGCG_ERR_INVAL;
			break;
		}
		if (dgcg_cms_detach(c, &det, &detlen) != DGCG_OK) {
			dgcg_reply_fail(r, 500, "0x011", "Upload of new Signer Certificate failed",
			    r->send_value, "%s", "The CMS could not be re-encoded detached.");
			rc = DGCG_ERR_PARSE;
			break;
		}
		det64 = dgcg_b64_encode(det, detlen);
		if ((rc = dgcg_db_si_set_signature(gw->db, p->entity, det64)) != DGCG_OK)
			break;
		snprintf(desc, sizeof(desc), "Updated Signer Certificate (%lld)", p->entity);
		rc = dgcg_audit(gw->db, id->country, up, id->thumbprint, "UPDATED", desc);
		break;
	case PKG_REVOCATION_LIST:
		if ((rc = dgcg_db_rb_find_id_locked(gw->db, p->entity, &rb)) != DGCG_OK)
			break;
		if (rb.n == 0 || rb.v[0].deleted || rb.v[0].signed_batch == NULL) {
			dgcg_reply_fail(r, 409, "0x020", "RevocationBatch to be updated does not "
			    "exist.", r->send_value, "%s", "RevocationBatch not present.");
			rc = DGCG_ERR_NOTFOUND;
			break;
		}
		if ((k = check_uploader(gw, id, c, up, r)) <= 0) {
			rc = k < 0 ? DGCG_ERR_DB : DGCG_ERR_INVAL;
			break;
		}
		if (strcmp(rb.v[0].country, id->country) != 0) {
			dgcg_reply_fail(r, 400, "0x021", "Invalid country", r->send_value, "%s",
			    "Country does not match your authentication.");
			rc = DGCG_ERR_INVAL;
			break;
		}
		if (!same_payload(rb.v[0].signed_batch, pay, plen)) {
			dgcg_reply_fail(r, 400, "0x022", "Json Payload invalid", r->send_value, "%s",
			    "New cms payload does not match present payload.");
			rc = DGCG_ERR_INVAL;
			break;
		}
		if ((rc = dgcg_db_rb_set_cms(gw->db, p->entity, p->cms)) != DGCG_OK)
			break;
		snprintf(desc, sizeof(desc), "Updated Revocation Batch (%s)", rb.v[0].batch_id);
		rc = dgcg_audit(gw->db, id->country, up, id->thumbprint, "UPDATED", desc);
		break;
	case PKG_VALIDATION_RULE:
	default:
		if ((rc = dgcg_db_vr_locked(gw->db, p->entity, &vr)) != DGCG_OK)
			break;
		if (vr.n == 0) {
			dgcg_reply_fail(r, 409, "0x030", "ValidationRule to be updated does not "
			    "exist.", r->send_value, "%s", "ValidationRule not present.");
			rc = DGCG_ERR_NOTFOUND;
			break;
		}
		if ((k = check_uploader(gw, id, c, up, r)) <= 0) {
			rc = k < 0 ? DGCG_ERR_DB : DGCG_ERR_INVAL;
			break;
		}
		if (strcmp(vr.v[0].country, id->country) != 0) {
			dgcg_reply_fail(r, 400, "0x031", "Invalid country", r->send_value, "%s",
			    "Country does not match your authentication.");
			rc = DGCG_ERR_INVAL;
			break;
		}
		if (!same_payload(vr.v[0].cms, pay, plen)) {
			dgcg_reply_fail(r, 400, "0x032", "Json Payload invalid", r->send_value, "%s",
			    "New cms payload does not match present payload.");
			rc = DGCG_ERR_INVAL;
			break;
		}
		if ((rc = dgcg_db_vr_set_cms(gw->db, p->entity, p->cms)) != DGCG_OK)
			break;
		snprintf(desc, sizeof(desc), "Updated Validation Rule (%lld)", p->entity);
		rc = dgcg_audit(gw->db, id->country, up, id->thumbprint, "UPDATED", desc);
		break;
	}
	free(det64);
	free(det);
	dgcg_pkg_list_free(&vr);
	dgcg_rb_list_free(&rb);
	dgcg_si_list_free(&si);
	return rc;
}

void
dgcg_mig_update(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
    size_t len, struct dgcg_reply *r)
{
	struct dgcg_cms *c = NULL;
	struct pkg_req p;
	enum dgcg_err rc;
	char ids[24], st[8];

	dgcg_reply_init(r);
	if (!read_pkg(body, len, &p, r))
		goto fail;
	snprintf(r->send_value, sizeof(r->send_value), "entityId=%lld type=%s country=%s",
	    p.entity, pkg_names[p.type], id->country);
	if ((c = pkg_cms(&p, dgcg_cms_digests(gw->conf.allow_sha1), r)) == NULL)
		goto fail;
	if ((rc = dgcg_db_begin(gw->db)) == DGCG_OK) {
		rc = migrate(gw, id, &p, c, r);
		rc = dgcg_db_end(gw->db, rc);
	}
	if (r->code != NULL)
		goto fail;
	if (rc != DGCG_OK) {
		dgcg_reply_db(r);
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
	    "verificationFailureReason", r->code, "verificationFailureMessage", r->details,
	    NULL);
out:
	dgcg_cms_free(c);
	free(p.cms);
}
