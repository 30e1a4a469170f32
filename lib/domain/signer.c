/* signer.c: DSC upload and delete. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/codec.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "domain/signed.h"
#include "domain/signer.h"
#include "pki/cms.h"
#include "pki/entry.h"
#include "pki/x509.h"
#include "store/audit_event.h"
#include "store/signer_information.h"
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

static const struct dgcg_signed_profile upload_profile = {
	.payload = DGCG_CMS_PAYLOAD_CERT,
	.signature = DGCG_P_DSC_SIGNATURE,
	.uploader = DGCG_P_UPLOAD_BAD,
	.payload_send_value = 1,
	.upload_policy = 1,
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
dgcg_signer_csca(struct dgcg_gw *gw, const char *country, X509 *dsc,
    char csca[DGCG_THUMB_HEX_LEN + 1], char *why, size_t whysz)
{
	struct dgcg_tp_list l;
	unsigned char *der;
	size_t i, dlen;
	X509 **cas;
	long k;

	if (dgcg_gw_trusted(gw, NULL, country, DGCG_CT_CSCA, &l) != DGCG_OK)
		return -1;
	if (l.n == 0) {
		snprintf(why, whysz, "CSCA list for country %s is empty", country);
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
	else
		snprintf(why, whysz, "Uploaded certificate is not issued (issuer name and signature) "
		    "by a CSCA of country %s", country);
	for (i = 0; i < l.n; i++)
		X509_free(cas[i]);
	free(cas);
	dgcg_tp_list_free(&l);
	return k >= 0;
}

/* The design document's rules for the DSC the reference does not enforce
 * (the signer's are the pipeline's), each switchable in the
 * configuration (pki/entry.h). 1, or 0 with the reason in why. */
static int
dsc_strict(struct dgcg_gw *gw, X509 *dsc, char *why, size_t whysz)
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
		dgcg_log(DGCG_LOG_INFO, CLS, p == &upload_profile ?
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

/* A refusal after the pipeline: the problem, its audit event and log. */
static void
refuse(struct dgcg_gw *gw, const struct dgcg_identity *id, const struct dsc_req *q,
    enum dgcg_prob p, const char *bad, const char *what, const char *why, struct dgcg_reply *r)
{
	struct dgcg_audit_event ev = { id->country, q->s.signer_thumb, id->thumbprint,
	    "BAD_REQUEST", bad };

	dgcg_reply_fail(r, p, q->thumb, "%s", why);
	(void)dgcg_db_audit(gw->db, &ev);
	dgcg_log(DGCG_LOG_ERROR, CLS, what, NULL, "verificationFailureReason",
	    dgcg_prob_info(p)->code, "verificationFailureReasonMessage", why, NULL);
}

/* --- upload -------------------------------------------------------------------- */

struct upload_work {
	const struct dgcg_identity	*id;
	const struct dsc_req		*q;
	const struct dgcg_si		*old;	/* the tombstone of an earlier upload, or NULL */
	const char			*raw64, *det64;
};

/* One transaction: the tombstone goes, the row and its audit event come. */
static enum dgcg_err
upload_work(struct dgcg_db *db, void *arg)
{
	const struct upload_work *w = arg;
	struct dgcg_audit_event ev = { w->id->country, w->q->s.signer_thumb, w->id->thumbprint,
	    "SUCCESS", UPLOAD_OK };
	enum dgcg_err rc = DGCG_OK;

	if (w->old != NULL)
		rc = dgcg_db_si_remove(db, w->old->id);
	if (rc == DGCG_OK)
		rc = dgcg_db_si_insert(db, w->id->country, w->q->thumb, w->raw64, w->det64, NULL);
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
	struct upload_work w;
	char csca[DGCG_THUMB_HEX_LEN + 1] = "", why[512];
	const char *cwhy;
	unsigned char *det = NULL;
	char *det64 = NULL, *raw64 = NULL;
	size_t detlen = 0;
	long long kids = 0;
	enum dgcg_err rc;
	int c;

	if (!dsc_request(gw, id, body, len, &upload_profile, UPLOAD_BAD, what, &q, r))
		goto out;
	/* Steps 4 and 5 of the reference, the design document's rules
	 * between them. */
	if (!dgcg_signer_subject_country(q.dsc, id->country, &cwhy)) {
		refuse(gw, id, &q, DGCG_P_UPLOAD_BAD, UPLOAD_BAD, what, cwhy, r);
		goto out;
	}
	if (!dsc_strict(gw, q.dsc, why, sizeof(why))) {
		refuse(gw, id, &q, DGCG_P_UPLOAD_BAD, UPLOAD_BAD, what, why, r);
		goto out;
	}
	if ((c = dgcg_signer_csca(gw, id->country, q.dsc, csca, why, sizeof(why))) < 0)
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
	if (dgcg_db_si_kid_conflicts(gw->db, q.thumb, &kids) != DGCG_OK)
		goto db;
	if (kids > 0) {
		refuse(gw, id, &q, DGCG_P_UPLOAD_BAD, UPLOAD_BAD, what,
		    "A certificate with KID of uploaded certificate already exists", r);
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
	w.id = id;
	w.q = &q;
	w.old = old.n > 0 ? &old.v[0] : NULL;
	w.raw64 = raw64;
	w.det64 = det64;
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

void
dgcg_signer_delete(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
    size_t len, struct dgcg_reply *r)
{
	static const char what[] = "Verification certificate delete failed";
	struct dsc_req q;
	struct dgcg_si_list old = { NULL, 0 };
	struct delete_work w;
	const char *cwhy;
	char why[160];
	enum dgcg_err rc;

	if (!dsc_request(gw, id, body, len, &delete_profile, DELETE_BAD, what, &q, r))
		goto out;
	if (!dgcg_signer_subject_country(q.dsc, id->country, &cwhy)) {
		refuse(gw, id, &q, DGCG_P_DSC_DELETE_BAD, DELETE_BAD, what, cwhy, r);
		goto out;
	}
	if (dgcg_db_si_find(gw->db, q.thumb, &old) != DGCG_OK)
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
