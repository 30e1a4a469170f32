/* signer.c: DSC upload and delete. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "base/codec.h"
#include "base/json.h"
#include "base/log.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "domain/signed.h"
#include "domain/trustlist.h"
#include "domain/signer.h"
#include "pki/cms.h"
#include "pki/entry.h"
#include "pki/x509.h"
#include "store/audit_event.h"
#include "store/signer_information.h"
#include "store/trusted_party.h"
#include "worker/gateway.h"

#define CLS "signer"

/* The reference's audit descriptions. */
static const char *const UPLOAD_OK = "postVerificationInformation successful executed";
static const char *const UPLOAD_BAD = "postVerificationInformation triggered BAD_REQUEST";
static const char *const UPLOAD_FAILED = "postVerificationInformation triggered UPLOAD_FAILED";
static const char *const DELETE_OK = "revokeVerificationInformation triggered SUCCESS";
static const char *const DELETE_BAD = "revokeVerificationInformation triggered BAD_REQUEST";
static const char *const DELETE_MISSING =
    "revokeVerificationInformation triggered EXIST_CHECK_FAILED";
static const char *const DELETE_FAILED = "revokeVerificationInformation triggered UPLOAD_FAILED";
/* TNG's (tng-gateway.md 4.2). */
static const char *const V2_OK = "postTrustedCertificate successful executed";
static const char *const V2_BAD = "postTrustedCertificate triggered BAD_REQUEST";
static const char *const V2_FAILED = "postTrustedCertificate triggered UPLOAD_FAILED";

static const struct dgcg_signed_profile upload_profile = {
	.payload = DGCG_CMS_PAYLOAD_CERT,
	.signature = DGCG_P_DSC_SIGNATURE,
	.uploader = DGCG_P_UPLOAD_BAD,
	.payload_send_value = 1,
	.upload_policy = 1,
	.internal = DGCG_P_UNAVAILABLE,
};

/* POST /trustedCertificate: TNG's texts; the UPLOAD row's domain is
 * checked against the upload's after the group and domain (its order). */
static const struct dgcg_signed_profile v2_profile = {
	.payload = DGCG_CMS_PAYLOAD_CERT,
	.parse = DGCG_P_V2_CMS,
	.parse_details = "CMS could not be decrypted. ",
	.parse_state_name = 1,
	.signature = DGCG_P_V2_CMS_SIGNATURE,
	.signature_details = "Signature of CMS signed certificate is not validating content of "
	    "CMS package",
	.uploader = DGCG_P_UPLOAD_BAD,
	.payload_send_value = 1,
	.upload_policy = 1,
	.any_domain = 1,
	.internal = DGCG_P_UNAVAILABLE,
};

/* A delete (a withdrawal) is never blocked by the signer's key size or
 * validity, only by its digest (doc/api.txt). */
static const struct dgcg_signed_profile delete_profile = {
	.payload = DGCG_CMS_PAYLOAD_CERT,
	.signature = DGCG_P_DSC_SIGNATURE,
	.uploader = DGCG_P_DSC_DELETE_BAD,
	.payload_send_value = 1,
	.upload_policy = 0,
	.internal = DGCG_P_UNAVAILABLE,
};

int
dgcg_signer_subject_country(X509 *dsc, const char *country, const char **why)
{
	char cc[DGCG_COUNTRY_MAX + 1];
	int n = dgcg_x509_subject_country(dsc, cc);

	if (n > 1)
		*why = "Uploaded certificate contains more than one country property.";
	else if (n == 0)
		*why = "Uploaded certificate contains no country property.";
	else if (strcmp(cc, country) != 0)
		*why = "Uploaded certificate is not issued for uploader country.";
	else
		return 1;
	return 0;
}

int
dgcg_signer_csca(struct dgcg_gw *gw, const char *country, enum dgcg_group ca,
    const char *domain, X509 *dsc, char csca[DGCG_THUMB_HEX_LEN + 1], char *why, size_t whysz)
{
	struct dgcg_tp_list l;
	unsigned char *der;
	size_t i, dlen;
	X509 **cas;
	long k;

	if (dgcg_gw_trusted(gw, NULL, country, ca, domain, &l) != DGCG_OK)
		return -1;
	if (l.n == 0) {
		if (strcmp(domain, DGCG_DOMAIN_DCC) == 0)
			snprintf(why, whysz, "%s list for country %s is empty", dgcg_group_name(ca),
			    country);
		else
			snprintf(why, whysz, "%s list for country %s and domain %s is empty",
			    dgcg_group_name(ca), country, domain);
		dgcg_tp_list_free(&l);
		return 0;
	}
	cas = xcalloc(l.n, sizeof(*cas));
	for (i = 0; i < l.n; i++)
		if (dgcg_b64_decode(l.v[i].raw_data, strlen(l.v[i].raw_data), &der, &dlen) ==
		    DGCG_OK) {
			cas[i] = dgcg_x509_from_der(der, dlen);
			free(der);
		}
	k = dgcg_entry_issuer(dsc, cas, l.n);
	if (k >= 0)
		snprintf(csca, DGCG_THUMB_HEX_LEN + 1, "%s", l.v[k].thumbprint);
	else if (strcmp(domain, DGCG_DOMAIN_DCC) == 0)
		snprintf(why, whysz, "Uploaded certificate is not issued (issuer name and signature) "
		    "by a %s of country %s", dgcg_group_name(ca), country);
	else
		snprintf(why, whysz, "Uploaded certificate is not issued (issuer name and signature) "
		    "by a %s of country %s and domain %s", dgcg_group_name(ca), country, domain);
	for (i = 0; i < l.n; i++)
		X509_free(cas[i]);
	free(cas);
	dgcg_tp_list_free(&l);
	return k >= 0;
}

/* 1 when s is hex digits only (a LIKE prefix without wildcards). */
static int
all_hex(const char *s)
{
	return *s != '\0' && dgcg_is_hex(s, strlen(s));
}

int
dgcg_signer_kid_free(struct dgcg_gw *gw, const char *thumb, const char *kid, char *why,
    size_t whysz)
{
	char derived[DGCG_TL_KID_MAX + 1], prefix[17], hex[17];
	const char *listed, *k;
	unsigned char *raw = NULL;
	size_t rawlen = 0;
	long long n = 0, m;

	snprintf(prefix, sizeof(prefix), "%.16s", thumb);
	dgcg_tl_kid(NULL, thumb, derived);
	/* TNG's checks (tng-gateway.md 2.4): K is the custom kid, else the
	 * first 16 hex digits of the thumbprint; a signer row whose
	 * thumbprint starts with K, or whose kid column is K, collides. */
	k = kid != NULL ? kid : prefix;
	if (all_hex(k) && dgcg_db_si_prefix_count(gw->db, k, thumb, &m) == DGCG_OK)
		n += m;
	else if (all_hex(k))
		return -1;
	if (dgcg_db_si_kid_count(gw->db, k, thumb, &m) != DGCG_OK)
		return -1;
	n += m;
	/* Beyond TNG (its defect 13 #8): the kid the row will be listed
	 * under must be no other row's, in either table: neither a kid
	 * column nor the derived kid of a row without one. */
	listed = kid != NULL ? kid : derived;
	if (dgcg_db_si_kid_count(gw->db, listed, thumb, &m) != DGCG_OK)
		return -1;
	n += m;
	if (dgcg_db_tp_kid_count(gw->db, listed, &m) != DGCG_OK)
		return -1;
	n += m;
	if (dgcg_b64_decode(listed, strlen(listed), &raw, &rawlen) == DGCG_OK && rawlen == 8 &&
	    strlen(listed) == DGCG_KID_LEN) {
		dgcg_hex_lower(raw, 8, hex);
		if (dgcg_db_si_prefix_count(gw->db, hex, thumb, &m) != DGCG_OK ||
		    (n += m, dgcg_db_tp_prefix_count(gw->db, hex, thumb, &m)) != DGCG_OK) {
			free(raw);
			return -1;
		}
		n += m;
	}
	free(raw);
	if (n == 0)
		return 1;
	snprintf(why, whysz, "%s", "A certificate with KID of uploaded certificate already exists");
	return 0;
}

int
dgcg_signer_strict(struct dgcg_gw *gw, X509 *dsc, char *why, size_t whysz)
{
	const struct dgcg_conf *cf = &gw->conf;
	const struct dgcg_cert_policy p = {
		.require_x509v3 = cf->require_x509v3,
		.allow_sha1 = cf->allow_sha1,
		.min_rsa_bits = cf->min_rsa_bits,
		.min_ec_bits = cf->min_ec_bits,
	};
	enum dgcg_er er;
	char r[256];

	er = dgcg_entry_policy(dsc, &p, cf->check_dsc_expiry, time(NULL), r, sizeof(r));
	if (er == DGCG_ER_OK)
		return 1;
	/* "Uploaded certificate expired on ...", "Uploaded certificate: ..." */
	snprintf(why, whysz, "Uploaded certificate%s %s",
	    er == DGCG_ER_EXPIRED || er == DGCG_ER_NOT_YET_VALID ? "" : ":", r);
	return 0;
}

/* A signed request of either kind, parsed and past the pipeline. */
struct dsc_req {
	struct dgcg_signed	 s;
	X509			*dsc;
	char			 thumb[DGCG_THUMB_HEX_LEN + 1];
	char			*signer_subject;
	char			*dsc_subject;
};

static void
dsc_req_free(struct dsc_req *q)
{
	dgcg_signed_free(&q->s);
	X509_free(q->dsc);
	free(q->signer_subject);
	free(q->dsc_subject);
	memset(q, 0, sizeof(*q));
}

/* Runs the pipeline; 1 when it passed. A failure past the parse and the
 * signature is audited BAD_REQUEST, as in the reference. */
static int
dsc_request(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body, size_t len,
    const struct dgcg_signed_profile *p, const char *bad, const char *what, struct dsc_req *q,
    struct dgcg_reply *r)
{
	const struct dgcg_prob_info *pi;
	int ok;

	memset(q, 0, sizeof(*q));
	ok = dgcg_signed_request(gw, id, body, len, p, NULL, &q->s, r);
	/* Past the signature: passed (step DGCG_SIGNED_OK, 0) or refused at
	 * the uploader or the policy. */
	if (q->s.cms != NULL && (ok || q->s.step >= DGCG_SIGNED_UPLOADER)) {
		q->dsc = dgcg_x509_from_der(q->s.payload, q->s.plen);
		dgcg_x509_thumbprint(q->s.payload, q->s.plen, q->thumb);
		q->signer_subject = dgcg_x509_subject_text(dgcg_cms_signer(q->s.cms));
		q->dsc_subject = dgcg_x509_subject_text(q->dsc);
		dgcg_log(DGCG_LOG_INFO, CLS, p != &delete_profile ?
		    "Uploading new verification certificate" : "Revoking verification certificate",
		    NULL, "signerCertSubject", q->signer_subject, "payloadCertSubject",
		    q->dsc_subject, NULL);
	}
	if (ok)
		return 1;
	pi = dgcg_prob_info(r->prob);
	if (q->s.step >= DGCG_SIGNED_UPLOADER && r->prob != DGCG_P_UNAVAILABLE) {
		struct dgcg_audit_event ev = { id->country, q->s.signer_thumb, id->thumbprint,
		    "BAD_REQUEST", bad };

		(void)dgcg_db_audit(gw->db, &ev);
	}
	dgcg_log(DGCG_LOG_ERROR, CLS, what, NULL, "verificationFailureReason", pi->code,
	    "verificationFailureReasonMessage", q->s.step >= DGCG_SIGNED_UPLOADER ?
	    r->details : pi->problem, NULL);
	return 0;
}

/* A refusal after the pipeline: the problem, its audit event (event,
 * description) and log. */
static void
refuse_ev(struct dgcg_gw *gw, const struct dgcg_identity *id, const struct dsc_req *q,
    enum dgcg_prob p, const char *event, const char *desc, const char *what, const char *why,
    struct dgcg_reply *r)
{
	struct dgcg_audit_event ev = { id->country, q->s.signer_thumb, id->thumbprint,
	    event, desc };

	dgcg_reply_fail(r, p, q->thumb, "%s", why);
	(void)dgcg_db_audit(gw->db, &ev);
	dgcg_log(DGCG_LOG_ERROR, CLS, what, NULL, "verificationFailureReason",
	    dgcg_prob_info(p)->code, "verificationFailureReasonMessage", why, NULL);
}

/* The same, audited BAD_REQUEST. */
static void
refuse(struct dgcg_gw *gw, const struct dgcg_identity *id, const struct dsc_req *q,
    enum dgcg_prob p, const char *bad, const char *what, const char *why, struct dgcg_reply *r)
{
	refuse_ev(gw, id, q, p, "BAD_REQUEST", bad, what, why, r);
}

/* --- upload -------------------------------------------------------------------- */

struct upload_work {
	const struct dgcg_identity	*id;
	const char			*signer_thumb;
	const struct dgcg_si		*old;	/* the tombstone of an earlier upload, or NULL */
	const struct dgcg_si_new	*row;
	const char			*description;	/* of the SUCCESS audit event */
};

/* One transaction: the tombstone goes, the row and its audit event come. */
static enum dgcg_err
upload_work(struct dgcg_db *db, void *arg)
{
	const struct upload_work *w = arg;
	struct dgcg_audit_event ev = { w->id->country, w->signer_thumb, w->id->thumbprint,
	    "SUCCESS", w->description };
	enum dgcg_err rc = DGCG_OK;

	if (w->old != NULL)
		rc = dgcg_db_si_remove(db, w->old->id);
	if (rc == DGCG_OK)
		rc = dgcg_db_si_insert_row(db, w->row, NULL);
	if (rc == DGCG_OK)
		rc = dgcg_db_audit(db, &ev);
	return rc;
}

void
dgcg_signer_upload(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
    size_t len, struct dgcg_reply *r)
{
	static const char what[] = "Verification certificate upload failed";
	struct dsc_req q;
	struct dgcg_si_list old = { NULL, 0 };
	struct dgcg_si_new row;
	struct upload_work w;
	char csca[DGCG_THUMB_HEX_LEN + 1] = "", why[512];
	const char *cwhy;
	unsigned char *det = NULL;
	char *det64 = NULL, *raw64 = NULL;
	size_t detlen = 0;
	enum dgcg_err rc;
	int c;

	memset(&row, 0, sizeof(row));
	if (!dsc_request(gw, id, body, len, &upload_profile, UPLOAD_BAD, what, &q, r))
		goto out;
	/* Steps 4 and 5 of the reference, the design document's rules
	 * between them. */
	if (!dgcg_signer_subject_country(q.dsc, id->country, &cwhy)) {
		refuse(gw, id, &q, DGCG_P_UPLOAD_BAD, UPLOAD_BAD, what, cwhy, r);
		goto out;
	}
	if (!dgcg_signer_strict(gw, q.dsc, why, sizeof(why))) {
		refuse(gw, id, &q, DGCG_P_UPLOAD_BAD, UPLOAD_BAD, what, why, r);
		goto out;
	}
	if ((c = dgcg_signer_csca(gw, id->country, DGCG_G_CSCA, DGCG_DOMAIN_DCC, q.dsc, csca, why,
	    sizeof(why))) < 0)
		goto db;
	if (c == 0) {
		dgcg_log(DGCG_LOG_ERROR, CLS, "Could not verify certificate issuance.", NULL,
		    "payloadCertSubject", q.dsc_subject, NULL);
		refuse(gw, id, &q, DGCG_P_UPLOAD_BAD, UPLOAD_BAD, what, why, r);
		goto out;
	}
	/* Step 6: duplicate; step 7: kid collision. */
	if (dgcg_db_si_find(gw->db, q.thumb, &old) != DGCG_OK)
		goto db;
	if (old.n > 0 && old.v[0].signature != NULL) {
		dgcg_reply_fail(r, DGCG_P_DSC_EXISTS, q.thumb,
		    "Certificate with thumbprint %s already exists", q.thumb);
		dgcg_log(DGCG_LOG_ERROR, CLS, "Uploaded certificate already exist", NULL,
		    "certVerifyThumbprint", q.thumb, NULL);
		goto out;
	}
	if ((c = dgcg_signer_kid_free(gw, q.thumb, NULL, why, sizeof(why))) < 0)
		goto db;
	if (c == 0) {
		refuse(gw, id, &q, DGCG_P_UPLOAD_BAD, UPLOAD_BAD, what, why, r);
		goto out;
	}
	if (dgcg_cms_detach(q.s.cms, &det, &detlen) != DGCG_OK) {
		struct dgcg_audit_event ev = { id->country, q.s.signer_thumb, id->thumbprint,
		    "UPLOAD_FAILED", UPLOAD_FAILED };

		dgcg_reply_fail(r, DGCG_P_DSC_UPLOAD_FAILED, q.thumb, "%s",
		    "The CMS could not be re-encoded as a detached signature.");
		(void)dgcg_db_audit(gw->db, &ev);
		goto out;
	}
	det64 = dgcg_b64_encode(det, detlen);
	raw64 = dgcg_b64_encode(q.s.payload, q.s.plen);
	dgcg_log(DGCG_LOG_INFO, CLS, "Saving new SignerInformation Entity", NULL,
	    "uploadCertThumbprint", q.s.signer_thumb, "cscaCertThumbprint", csca, NULL);
	row.country = id->country;
	row.thumbprint = q.thumb;
	row.raw_data = raw64;
	row.signature = det64;
	row.group = DGCG_G_DSC;
	row.domain = DGCG_DOMAIN_DCC;
	w.id = id;
	w.signer_thumb = q.s.signer_thumb;
	w.old = old.n > 0 ? &old.v[0] : NULL;
	w.row = &row;
	w.description = UPLOAD_OK;
	rc = dgcg_db_tx(gw->db, upload_work, &w);
	if (rc == DGCG_ERR_CONFLICT) {
		/* A concurrent upload of the same DSC won. */
		dgcg_reply_fail(r, DGCG_P_DSC_EXISTS, q.thumb,
		    "Certificate with thumbprint %s already exists", q.thumb);
		goto out;
	}
	if (rc != DGCG_OK)
		goto db;
	dgcg_reply_ok(r, 201);
	goto out;
db:
	dgcg_reply_db(r, q.thumb);
out:
	free(det);
	free(det64);
	free(raw64);
	dgcg_si_list_free(&old);
	dsc_req_free(&q);
}

/* --- delete -------------------------------------------------------------------- */

struct delete_work {
	const struct dgcg_identity	*id;
	const struct dsc_req		*q;
	long long			 row;
};

static enum dgcg_err
delete_work(struct dgcg_db *db, void *arg)
{
	const struct delete_work *w = arg;
	struct dgcg_audit_event ev = { w->id->country, w->q->s.signer_thumb, w->id->thumbprint,
	    "SUCCESS", DELETE_OK };
	enum dgcg_err rc;

	if ((rc = dgcg_db_si_mark_deleted(db, w->row)) == DGCG_OK)
		rc = dgcg_db_audit(db, &ev);
	return rc;
}

/* DELETE /signerCertificate (v2 = 0) and DELETE /trustedCertificate (v2 =
 * 1): the v1 checks, codes and audit texts (tng-gateway.md 5). The v2
 * delete looks the row up first: a row of another group than DSC is not
 * held to the DSC's subject country (its upload was not either: TNG's
 * defect 13 #1 made such rows impossible to delete). Both refuse a
 * federated row. */
static void
delete_any(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body, size_t len,
    int v2, struct dgcg_reply *r)
{
	static const char what[] = "Verification certificate delete failed";
	struct dsc_req q;
	struct dgcg_si_list old = { NULL, 0 };
	struct delete_work w;
	const char *cwhy;
	char why[160];
	enum dgcg_err rc;
	int found = 0;

	if (!dsc_request(gw, id, body, len, &delete_profile, DELETE_BAD, what, &q, r))
		goto out;
	if (v2) {
		if (dgcg_db_si_find(gw->db, q.thumb, &old) != DGCG_OK)
			goto db;
		found = 1;
	}
	if ((!v2 || old.n == 0 || old.v[0].group == DGCG_G_DSC) &&
	    !dgcg_signer_subject_country(q.dsc, id->country, &cwhy)) {
		refuse(gw, id, &q, DGCG_P_DSC_DELETE_BAD, DELETE_BAD, what, cwhy, r);
		goto out;
	}
	if (!found && dgcg_db_si_find(gw->db, q.thumb, &old) != DGCG_OK)
		goto db;
	if (old.n == 0) {
		struct dgcg_audit_event ev = { id->country, q.s.signer_thumb, id->thumbprint,
		    "EXIST_CHECK_FAILED", DELETE_MISSING };

		dgcg_reply_fail(r, DGCG_P_DSC_NOT_FOUND, q.thumb,
		    "No signer certificate with thumbprint %s", q.thumb);
		(void)dgcg_db_audit(gw->db, &ev);
		goto out;
	}
	if (strcmp(old.v[0].country, id->country) != 0) {
		snprintf(why, sizeof(why),
		    "The certificate belongs to another country and cannot be deleted by %s",
		    id->country);
		refuse(gw, id, &q, DGCG_P_DSC_DELETE_BAD, DELETE_BAD, what, why, r);
		goto out;
	}
	if (old.v[0].source_gateway[0] != '\0') {
		snprintf(why, sizeof(why), "The certificate was federated from gateway %.36s and "
		    "cannot be deleted here", old.v[0].source_gateway);
		refuse(gw, id, &q, DGCG_P_DSC_DELETE_BAD, DELETE_BAD, what, why, r);
		goto out;
	}
	dgcg_log(DGCG_LOG_INFO, CLS, "Revoking SignerInformation Entity", NULL,
	    "uploadCertThumbprint", q.s.signer_thumb, NULL);
	w.id = id;
	w.q = &q;
	w.row = old.v[0].id;
	rc = dgcg_db_tx(gw->db, delete_work, &w);
	if (rc == DGCG_ERR_NOTFOUND) {
		struct dgcg_audit_event ev = { id->country, q.s.signer_thumb, id->thumbprint,
		    "DELETE_FAILED", DELETE_FAILED };

		dgcg_reply_fail(r, DGCG_P_DSC_DELETE_FAILED, q.thumb, "%s",
		    "The row disappeared while it was being deleted.");
		(void)dgcg_db_audit(gw->db, &ev);
		goto out;
	}
	if (rc != DGCG_OK)
		goto db;
	dgcg_reply_ok(r, 204);
	goto out;
db:
	dgcg_reply_db(r, q.thumb);
out:
	dgcg_si_list_free(&old);
	dsc_req_free(&q);
}

void
dgcg_signer_delete(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
    size_t len, struct dgcg_reply *r)
{
	delete_any(gw, id, body, len, 0, r);
}

void
dgcg_signer_delete_v2(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
    size_t len, struct dgcg_reply *r)
{
	delete_any(gw, id, body, len, 1, r);
}

/* --- v2 upload (POST /trustedCertificate) --------------------------------------- */

void
dgcg_v2cert_free(struct dgcg_v2cert_req *q)
{
	size_t i;

	if (q == NULL)
		return;
	free(q->cms);
	free(q->kid);
	free(q->group);
	free(q->domain);
	for (i = 0; i < q->nprops; i++) {
		free(q->keys[i]);
		free(q->values[i]);
	}
	free(q->keys);
	free(q->values);
	memset(q, 0, sizeof(*q));
}

/* 1 when the bytes of a JSON string are strict UTF-8 without NUL: the
 * reader keeps \u0000 and escaped lone surrogates, which are no text to
 * store or serve. */
static int
text_ok(const char *s, size_t len)
{
	return dgcg_utf8_valid((const unsigned char *)s, len, 0);
}

/* A member that must be a string of text (text_ok), or null/absent: 1 with
 * *out (malloc'd or NULL), 0 for another type. */
static int
opt_string(const struct dgcg_jv *o, const char *name, char **out)
{
	const struct dgcg_jv *v = dgcg_jv_get(o, name);

	*out = NULL;
	if (v == NULL || v->type == DGCG_J_NULL)
		return 1;
	if (v->type != DGCG_J_STRING || !text_ok(v->s, v->len))
		return 0;
	*out = xstrndup(v->s, v->len);
	return 1;
}

int
dgcg_v2cert_parse(const char *body, size_t len, struct dgcg_v2cert_req *q, char *details,
    size_t dsz)
{
	static const char *const names[4] = { "cms", "kid", "group", "domain" };
	struct dgcg_jv *doc = NULL;
	const struct dgcg_jv *pr, *v;
	char err[160], **slot[4];
	size_t i;
	int ok = 0;

	memset(q, 0, sizeof(*q));
	slot[0] = &q->cms;
	slot[1] = &q->kid;
	slot[2] = &q->group;
	slot[3] = &q->domain;
	if (dgcg_json_parse(body != NULL ? body : "", len, DGCG_JSON_DEPTH_MAX, &doc, err,
	    sizeof(err)) != DGCG_OK) {
		snprintf(details, dsz, "JSON could not be parsed: %s", err);
		goto out;
	}
	if (doc->type != DGCG_J_OBJECT) {
		snprintf(details, dsz, "%s", "The body must be one JSON object "
		    "{\"cms\",\"kid\",\"group\",\"domain\",\"properties\"}");
		goto out;
	}
	for (i = 0; i < 4; i++)
		if (!opt_string(doc, names[i], slot[i])) {
			snprintf(details, dsz, "%s: must be a string (UTF-8 text, no NUL)",
			    names[i]);
			goto out;
		}
	pr = dgcg_jv_get(doc, "properties");
	if (pr != NULL && pr->type != DGCG_J_NULL) {
		if (pr->type != DGCG_J_OBJECT) {
			snprintf(details, dsz, "%s", "properties: must be an object of strings");
			goto out;
		}
		q->has_properties = 1;
		q->keys = xcalloc(pr->n + 1, sizeof(*q->keys));
		q->values = xcalloc(pr->n + 1, sizeof(*q->values));
		for (i = 0; i < pr->n; i++) {
			v = &pr->v[i];
			if (!text_ok(pr->keys[i], pr->klens[i]) || v->type != DGCG_J_STRING ||
			    !text_ok(v->s, v->len)) {
				snprintf(details, dsz, "%s", "properties: must be an object of strings");
				goto out;
			}
			q->keys[q->nprops] = xstrndup(pr->keys[i], pr->klens[i]);
			q->values[q->nprops++] = xstrndup(v->s, v->len);
		}
	}
	ok = 1;
out:
	if (!ok)
		dgcg_v2cert_free(q);
	else if (dsz > 0)
		details[0] = '\0';
	dgcg_jv_free(doc);
	return ok;
}

char *
dgcg_v2cert_properties_json(const struct dgcg_v2cert_req *q, size_t *len)
{
	struct json_object *o;
	size_t i;

	if (len != NULL)
		*len = 0;
	if (!q->has_properties || q->nprops == 0)
		return NULL;
	o = json_object_new_object();
	for (i = 0; i < q->nprops; i++)
		json_object_object_add(o, q->keys[i], json_object_new_string(q->values[i]));
	return dgcg_json_text(o, len);
}

int
dgcg_v2cert_kid_ok(const char *kid, char *why, size_t whysz)
{
	size_t i, n = strlen(kid);

	if (n < 1 || n > DGCG_CUSTOM_KID_MAX) {
		snprintf(why, whysz, "kid: size must be between 1 and %d", DGCG_CUSTOM_KID_MAX);
		return 0;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)kid[i] < 0x21 || (unsigned char)kid[i] > 0x7e) {
			snprintf(why, whysz, "%s", "kid: must be printable ASCII without blanks");
			return 0;
		}
	return 1;
}

/* A comma list as "A, B, C" (TNG's "Allowed Values are: ..."). */
static char *
list_text(const char *list)
{
	size_t n = strlen(list), i, o = 0;
	char *t = xmalloc(2 * n + 1);

	for (i = 0; i < n; i++) {
		t[o++] = list[i];
		if (list[i] == ',')
			t[o++] = ' ';
	}
	t[o] = '\0';
	return t;
}

/* TNG's refusal of a group, domain or property: 400 n/a, UPLOAD_FAILED. */
static void
not_allowed(struct dgcg_gw *gw, const struct dgcg_identity *id, const struct dsc_req *q,
    const char *value, const char *allowed, const char *what, struct dgcg_reply *r)
{
	char why[1024], *lt = list_text(allowed);

	snprintf(why, sizeof(why), "Property Key or Value %.200s is not allowed. Allowed Values "
	    "are: %s", value, lt);
	free(lt);
	refuse_ev(gw, id, q, DGCG_P_V2_UPLOAD_FAILED, "UPLOAD_FAILED", V2_FAILED, what, why, r);
}

#define V2_GROUPS "DSC,SIGN,AUTH,CUSTOM,DESC"
#define V2_PROPERTIES_MAX 2000	/* signer_information.properties VARCHAR(2000) */

void
dgcg_signer_upload_v2(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
    size_t len, struct dgcg_reply *r)
{
	static const char what[] = "Trusted certificate upload failed";
	const struct dgcg_conf *cf = &gw->conf;
	struct dgcg_v2cert_req in;
	struct dsc_req q;
	struct dgcg_si_list old = { NULL, 0 };
	struct dgcg_si_new row;
	struct upload_work w;
	enum dgcg_group group = DGCG_G_DSC;
	char csca[DGCG_THUMB_HEX_LEN + 1] = "", why[1024], *props = NULL, *raw64 = NULL;
	const char *cwhy, *domain;
	size_t plen = 0, i;
	enum dgcg_err rc;
	int c;

	memset(&q, 0, sizeof(q));
	memset(&row, 0, sizeof(row));
	/* 1-2: the body (TNG: Spring's 400, or 500 for a missing cms). */
	if (!dgcg_v2cert_parse(body, len, &in, why, sizeof(why))) {
		dgcg_reply_fail(r, DGCG_P_VALIDATION, NULL, "%s", why);
		return;
	}
	if (in.cms == NULL || in.cms[0] == '\0') {
		dgcg_reply_fail(r, DGCG_P_VALIDATION, NULL, "%s", "cms: must not be empty");
		goto out;
	}
	domain = in.domain != NULL ? in.domain : DGCG_DOMAIN_DCC;
	/* 3, 4, 5b: the signed pipeline (CMS, signature, UPLOAD of the
	 * caller's country onboarded here), audited from 5b on. */
	if (!dsc_request(gw, id, in.cms, strlen(in.cms), &v2_profile, V2_BAD, what, &q, r))
		goto out;
	/* 5c: a DSC names the caller's country. */
	if ((in.group == NULL || strcmp(in.group, "DSC") == 0) &&
	    !dgcg_signer_subject_country(q.dsc, id->country, &cwhy)) {
		refuse(gw, id, &q, DGCG_P_UPLOAD_BAD, V2_BAD, what, cwhy, r);
		goto out;
	}
	/* 5d, 5e: the group and the domain. */
	if (in.group != NULL) {
		group = dgcg_group_parse(in.group);
		if (!dgcg_conf_list_has(V2_GROUPS, in.group, strlen(in.group))) {
			not_allowed(gw, id, &q, in.group, V2_GROUPS, what, r);
			goto out;
		}
	}
	if (!dgcg_conf_list_has(cf->v2_allowed_domains, domain, strlen(domain))) {
		not_allowed(gw, id, &q, domain, cf->v2_allowed_domains, what, r);
		goto out;
	}
	/* dgcg: the UPLOAD certificate vouches for its own domain only. */
	if (strcmp(q.s.signer_domain, domain) != 0) {
		snprintf(why, sizeof(why), "Could not find upload certificate with hash %s and "
		    "country %s in domain %s (it is of domain %s)", q.s.signer_thumb, id->country,
		    domain, q.s.signer_domain);
		refuse(gw, id, &q, DGCG_P_UPLOAD_BAD, V2_BAD, what, why, r);
		goto out;
	}
	/* 5f: the properties (dgcg: required, TNG answers 500 without). */
	if (!in.has_properties) {
		snprintf(why, sizeof(why), "%s", "properties: must not be null (send {} for none)");
		refuse_ev(gw, id, &q, DGCG_P_V2_UPLOAD_FAILED, "UPLOAD_FAILED", V2_FAILED, what,
		    why, r);
		goto out;
	}
	for (i = 0; i < in.nprops; i++)
		if (!dgcg_conf_list_has(cf->v2_allowed_properties, in.keys[i],
		    strlen(in.keys[i]))) {
			not_allowed(gw, id, &q, in.keys[i], cf->v2_allowed_properties, what, r);
			goto out;
		}
	props = dgcg_v2cert_properties_json(&in, &plen);
	if (props != NULL && dgcg_utf8_codepoints(props, plen) > V2_PROPERTIES_MAX) {
		snprintf(why, sizeof(why), "properties: at most %d characters as JSON",
		    V2_PROPERTIES_MAX);
		refuse_ev(gw, id, &q, DGCG_P_V2_UPLOAD_FAILED, "UPLOAD_FAILED", V2_FAILED, what,
		    why, r);
		goto out;
	}
	/* The design document's rules for signing certificates (dgcg). */
	if (!dgcg_signer_strict(gw, q.dsc, why, sizeof(why))) {
		refuse(gw, id, &q, DGCG_P_UPLOAD_BAD, V2_BAD, what, why, r);
		goto out;
	}
	/* 5g: issued by a CSCA (a DECA for a DESC) of the country, onboarded
	 * here and (dgcg) of the upload's domain. */
	c = dgcg_signer_csca(gw, id->country, group == DGCG_G_DESC ? DGCG_G_DECA : DGCG_G_CSCA,
	    domain, q.dsc, csca, why, sizeof(why));
	if (c < 0)
		goto db;
	if (c == 0) {
		dgcg_log(DGCG_LOG_ERROR, CLS, "Could not verify certificate issuance.", NULL,
		    "payloadCertSubject", q.dsc_subject, NULL);
		refuse(gw, id, &q, DGCG_P_UPLOAD_BAD, V2_BAD, what, why, r);
		goto out;
	}
	/* 5h: not stored yet (a tombstone is replaced). */
	if (dgcg_db_si_find(gw->db, q.thumb, &old) != DGCG_OK)
		goto db;
	if (old.n > 0 && old.v[0].deleted_at == 0) {
		dgcg_reply_fail(r, DGCG_P_DSC_EXISTS, q.thumb, "%s", "Uploaded certificate already exists");
		dgcg_log(DGCG_LOG_ERROR, CLS, "Uploaded certificate already exist", NULL,
		    "certVerifyThumbprint", q.thumb, NULL);
		goto out;
	}
	/* 5i: the kid (dgcg: 1-20 printable characters, TNG answers 500). */
	if (in.kid != NULL && !dgcg_v2cert_kid_ok(in.kid, why, sizeof(why))) {
		refuse(gw, id, &q, DGCG_P_UPLOAD_BAD, V2_BAD, what, why, r);
		goto out;
	}
	if ((c = dgcg_signer_kid_free(gw, q.thumb, in.kid, why, sizeof(why))) < 0)
		goto db;
	if (c == 0) {
		refuse(gw, id, &q, DGCG_P_UPLOAD_BAD, V2_BAD, what, why, r);
		goto out;
	}
	raw64 = dgcg_b64_encode(q.s.payload, q.s.plen);
	row.country = id->country;
	row.thumbprint = q.thumb;
	row.raw_data = raw64;
	row.signature = in.cms;	/* as received, as TNG stores it */
	row.group = group;
	row.domain = domain;
	row.kid = in.kid;
	row.properties = props;
	dgcg_log(DGCG_LOG_INFO, CLS, "Saving new SignerInformation Entity", NULL,
	    "uploadCertThumbprint", q.s.signer_thumb, "cscaCertThumbprint", csca,
	    "group", dgcg_group_name(group), "domain", domain, NULL);
	w.id = id;
	w.signer_thumb = q.s.signer_thumb;
	w.old = old.n > 0 ? &old.v[0] : NULL;
	w.row = &row;
	w.description = V2_OK;
	rc = dgcg_db_tx(gw->db, upload_work, &w);
	if (rc == DGCG_ERR_CONFLICT) {
		/* A concurrent upload of the same certificate or kid won. */
		dgcg_reply_fail(r, DGCG_P_DSC_EXISTS, q.thumb, "%s",
		    "Uploaded certificate or its kid already exists");
		goto out;
	}
	if (rc != DGCG_OK)
		goto db;
	dgcg_reply_ok(r, 201);
	goto out;
db:
	dgcg_reply_db(r, q.thumb[0] ? q.thumb : NULL);
out:
	free(raw64);
	free(props);
	dgcg_si_list_free(&old);
	dsc_req_free(&q);
	dgcg_v2cert_free(&in);
}
