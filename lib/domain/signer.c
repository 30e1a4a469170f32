/* signer.c: DSC upload and delete. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/audit.h"
#include "pki/cms.h"
#include "base/codec.h"
#include "store/db.h"
#include "store/db_trust.h"
#include "worker/gateway.h"
#include "base/log.h"
#include "domain/signer.h"
#include "pki/x509.h"
#include "base/xmalloc.h"

#define P_BAD_UPLOAD "Possible reasons: Wrong Format no CMS, not the correct signing alg " \
	"missing attributes, invalid signature, certificate not signed by known CA"

static const char *const UPLOAD_OK = "postVerificationInformation successful executed";
static const char *const UPLOAD_BAD = "postVerificationInformation triggered BAD_REQUEST";
static const char *const UPLOAD_FAILED = "postVerificationInformation triggered UPLOAD_FAILED";
static const char *const DELETE_OK = "revokeVerificationInformation triggered SUCCESS";
static const char *const DELETE_BAD = "revokeVerificationInformation triggered BAD_REQUEST";
static const char *const DELETE_MISSING =
    "revokeVerificationInformation triggered EXIST_CHECK_FAILED";
static const char *const DELETE_FAILED = "revokeVerificationInformation triggered UPLOAD_FAILED";

static void
fail(struct dgcg_outcome *o, int status, const char *code, const char *problem,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
fail(struct dgcg_outcome *o, int status, const char *code, const char *problem,
    const char *fmt, ...)
{
	va_list ap;

	o->status = status;
	o->code = code;
	o->problem = problem;
	va_start(ap, fmt);
	vsnprintf(o->details, sizeof(o->details), fmt, ap);
	va_end(ap);
}

/* What both operations share: the parsed body and the parties. */
struct upload_ctx {
	struct dgcg_cms		*cms;
	X509			*dsc;
	const unsigned char	*dsc_der;
	size_t			 dsc_len;
	char			 dsc_thumb[DGCG_THUMB_HEX_LEN + 1];
	char			 up_thumb[DGCG_THUMB_HEX_LEN + 1];
	char			*signer_subject;
	char			*dsc_subject;
	const char		*digest_refused;	/* SecReq-042 reason, or NULL */
};

static void
ctx_free(struct upload_ctx *c)
{
	dgcg_cms_free(c->cms);
	X509_free(c->dsc);
	free(c->signer_subject);
	free(c->dsc_subject);
	memset(c, 0, sizeof(*c));
}

/* Parses and verifies the CMS body (steps 1 and 2). Returns 0 with out
 * filled on failure.
 * NOTE: a CMS whose only fault is a digest outside SecReq-042 returns 1
 * UNVERIFIED with c->digest_refused set. Upload (check_strict, 0x004) and
 * delete (0x007) refuse it after the uploader and country checks, where
 * the policy has its place in the check order (and the refusal is
 * audited); nothing else may use such a context. */
static int
parse_body(const char *body, size_t len, unsigned digests, struct upload_ctx *c,
    struct dgcg_outcome *o)
{
	enum dgcg_err vr;
	enum dgcg_cms_state st;
	const unsigned char *der;
	const char *why = NULL;
	size_t dlen;

	st = dgcg_cms_parse_b64(body, len, NULL, 0, DGCG_CMS_PAYLOAD_CERT, &c->cms);
	if (st != DGCG_CMS_OK) {
		fail(o, 400, "0x402", dgcg_cms_state_text(st, 0), "%s", "");
		return 0;
	}
	c->dsc_der = dgcg_cms_content(c->cms, &c->dsc_len);
	c->dsc = dgcg_x509_from_der(c->dsc_der, c->dsc_len);
	der = dgcg_cms_signer_der(c->cms, &dlen);
	dgcg_x509_thumbprint(der, dlen, c->up_thumb);
	dgcg_x509_thumbprint(c->dsc_der, c->dsc_len, c->dsc_thumb);
	snprintf(o->send_value, sizeof(o->send_value), "%s", c->dsc_thumb);
	c->signer_subject = dgcg_x509_subject_text(dgcg_cms_signer(c->cms));
	c->dsc_subject = dgcg_x509_subject_text(c->dsc);
	if (c->dsc == NULL) {
		fail(o, 400, "0x402", dgcg_cms_state_text(DGCG_CMS_BAD_PAYLOAD, 0), "%s", "");
		return 0;
	}
	if ((vr = dgcg_cms_verify(c->cms, digests, &why)) == DGCG_ERR_POLICY) {
		c->digest_refused = why;
		return 1;
	}
	if (vr != DGCG_OK) {
		fail(o, 400, "0x009", "Invalid CMS Signature", "%s", why ? why : "");
		return 0;
	}
	return 1;
}

/* Step 3: the CMS signer must be a verified UPLOAD certificate of the
 * caller's country. Returns 1, 0 (out filled) or -1 (database). */
static int
check_uploader(struct dgcg_gw *gw, const struct dgcg_identity *id, struct upload_ctx *c,
    const char *code, struct dgcg_outcome *o)
{
	int r = dgcg_gw_is_trusted(gw, c->up_thumb, id->country, DGCG_CT_UPLOAD);

	if (r == 0)
		fail(o, 400, code, P_BAD_UPLOAD,
		    "Could not find upload certificate with hash %s and country %s",
		    c->up_thumb, id->country);
	return r;
}

/* Step 4: exactly one C in the DSC subject, equal to the caller's country. */
static int
check_country(const struct dgcg_identity *id, struct upload_ctx *c, const char *code,
    struct dgcg_outcome *o)
{
	char cc[DGCG_COUNTRY_MAX + 1];
	int n = dgcg_x509_subject_country(c->dsc, cc);

	if (n > 1)
		fail(o, 400, code, P_BAD_UPLOAD,
		    "Uploaded certificate contains more than one country property.");
	else if (n == 0)
		fail(o, 400, code, P_BAD_UPLOAD, "Uploaded certificate contains no country property.");
	else if (strcmp(cc, id->country) != 0)
		fail(o, 400, code, P_BAD_UPLOAD,
		    "Uploaded certificate is not issued for uploader country.");
	else
		return 1;
	return 0;
}

/* The design document's rules the reference does not enforce, each
 * switchable in the configuration. */
static int
check_strict(struct dgcg_gw *gw, struct upload_ctx *c, struct dgcg_outcome *o)
{
	const struct dgcg_conf *cf = &gw->conf;
	X509 *up = dgcg_cms_signer(c->cms);
	time_t now = time(NULL);
	char why[256];

	if (c->digest_refused != NULL) {
		fail(o, 400, "0x004", P_BAD_UPLOAD, "%s", c->digest_refused);
		return 0;
	}
	if (dgcg_x509_check_key(up, cf->min_rsa_bits, cf->min_ec_bits, why, sizeof(why)) !=
	    DGCG_OK) {
		fail(o, 400, "0x004", P_BAD_UPLOAD, "Upload certificate: %s", why);
		return 0;
	}
	if (cf->check_upload_expiry &&
	    dgcg_x509_check_validity(up, now, why, sizeof(why)) != DGCG_OK) {
		fail(o, 400, "0x004", P_BAD_UPLOAD, "Upload certificate (CMS signer) %s", why);
		return 0;
	}
	if (cf->require_x509v3 && dgcg_x509_check_v3(c->dsc, why, sizeof(why)) != DGCG_OK) {
		fail(o, 400, "0x004", P_BAD_UPLOAD, "Uploaded certificate: %s", why);
		return 0;
	}
	if (dgcg_x509_check_key(c->dsc, cf->min_rsa_bits, cf->min_ec_bits, why, sizeof(why)) !=
	    DGCG_OK) {
		fail(o, 400, "0x004", P_BAD_UPLOAD, "Uploaded certificate: %s", why);
		return 0;
	}
	if (dgcg_x509_check_sig_hash(c->dsc, cf->allow_sha1, why, sizeof(why)) != DGCG_OK) {
		fail(o, 400, "0x004", P_BAD_UPLOAD, "Uploaded certificate: %s", why);
		return 0;
	}
	if (cf->check_dsc_expiry &&
	    dgcg_x509_check_validity(c->dsc, now, why, sizeof(why)) != DGCG_OK) {
		fail(o, 400, "0x004", P_BAD_UPLOAD, "Uploaded certificate %s", why);
		return 0;
	}
	return 1;
}

/* Step 5: issued (name and signature) by a verified CSCA of the country.
 * *csca gets the issuer's thumbprint. Returns 1, 0 or -1 (database). */
static int
check_csca(struct dgcg_gw *gw, const struct dgcg_identity *id, struct upload_ctx *c,
    char csca[DGCG_THUMB_HEX_LEN + 1], struct dgcg_outcome *o)
{
	struct dgcg_tp_list l;
	unsigned char *der;
	size_t i, dlen;
	int found = 0;
	X509 *x;

	if (dgcg_gw_trusted(gw, NULL, id->country, DGCG_CT_CSCA, &l) != DGCG_OK)
		return -1;
	if (l.n == 0) {
		fail(o, 400, "0x004", P_BAD_UPLOAD, "CSCA list for country %s is empty",
		    id->country);
		dgcg_tp_list_free(&l);
		return 0;
	}
	for (i = 0; i < l.n && !found; i++) {
		if (dgcg_b64_decode(l.v[i].raw_data, strlen(l.v[i].raw_data), &der, &dlen) !=
		    DGCG_OK)
			continue;
		x = dgcg_x509_from_der(der, dlen);
		free(der);
		if (x != NULL && dgcg_x509_issued_by(c->dsc, x)) {
			found = 1;
			snprintf(csca, DGCG_THUMB_HEX_LEN + 1, "%s", l.v[i].thumbprint);
		}
		X509_free(x);
	}
	dgcg_tp_list_free(&l);
	if (!found) {
		dgcg_log(DGCG_LOG_ERROR, "signer", "Could not verify certificate issuance.", NULL,
		    "payloadCertSubject", c->dsc_subject, NULL);
		fail(o, 400, "0x004", P_BAD_UPLOAD, "Uploaded certificate is not issued (issuer name "
		    "and signature) by a CSCA of country %s", id->country);
	}
	return found;
}

static void
db_down(struct dgcg_outcome *o)
{
	fail(o, 503, "0x503", "Service Unavailable",
	    "The database is not reachable; nothing was stored.");
}

static void
audit_bad(struct dgcg_gw *gw, const struct dgcg_identity *id, const struct upload_ctx *c,
    const char *desc, const struct dgcg_outcome *o, const char *what)
{
	(void)dgcg_audit(gw->db, id->country, c->up_thumb, id->thumbprint, "BAD_REQUEST", desc);
	dgcg_log(DGCG_LOG_ERROR, "signer", what, NULL, "verificationFailureReason", o->code,
	    "verificationFailureReasonMessage", o->details, NULL);
}

void
dgcg_signer_upload(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
    size_t len, struct dgcg_outcome *o)
{
	static const char what[] = "Verification certificate upload failed";
	struct upload_ctx c;
	struct dgcg_si_list old = { NULL, 0 };
	char csca[DGCG_THUMB_HEX_LEN + 1] = "";
	unsigned char *det = NULL;
	char *det64 = NULL, *raw64 = NULL;
	size_t detlen = 0;
	long long kids = 0, newid = 0;
	enum dgcg_err rc;
	int r, tries = 0;

	memset(o, 0, sizeof(*o));
	memset(&c, 0, sizeof(c));
	if (!parse_body(body, len, dgcg_cms_digests(gw->conf.allow_sha1), &c, o)) {
		dgcg_log(DGCG_LOG_ERROR, "signer", what, NULL, "verificationFailureReason", o->code,
		    "verificationFailureReasonMessage", o->problem, NULL);
		goto out;
	}
	dgcg_log(DGCG_LOG_INFO, "signer", "Uploading new verification certificate", NULL,
	    "signerCertSubject", c.signer_subject, "payloadCertSubject", c.dsc_subject, NULL);
	if ((r = check_uploader(gw, id, &c, "0x004", o)) <= 0)
		goto bad;
	if (!check_country(id, &c, "0x004", o) || !check_strict(gw, &c, o))
		goto bad;
	if ((r = check_csca(gw, id, &c, csca, o)) <= 0)
		goto bad;
	/* Step 6: duplicate; step 7: kid collision. */
	if ((rc = dgcg_db_si_find(gw->db, c.dsc_thumb, &old)) != DGCG_OK) {
		r = -1;
		goto bad;
	}
	if (old.n > 0 && old.v[0].signature != NULL) {
		fail(o, 409, "0x002", "You cant upload an existing certificate.",
		    "Certificate with thumbprint %s already exists", c.dsc_thumb);
		dgcg_log(DGCG_LOG_ERROR, "signer", "Uploaded certificate already exist", NULL,
		    "certVerifyThumbprint", c.dsc_thumb, NULL);
		goto out;
	}
	if (dgcg_db_si_kid_conflicts(gw->db, c.dsc_thumb, &kids) != DGCG_OK) {
		r = -1;
		goto bad;
	}
	if (kids > 0) {
		fail(o, 400, "0x004", P_BAD_UPLOAD,
		    "A certificate with KID of uploaded certificate already exists");
		r = 0;
		goto bad;
	}
	if (dgcg_cms_detach(c.cms, &det, &detlen) != DGCG_OK) {
		fail(o, 500, "0x003", "Upload of Signer Certificate failed",
		    "The CMS could not be re-encoded as a detached signature.");
		(void)dgcg_audit(gw->db, id->country, c.up_thumb, id->thumbprint, "UPLOAD_FAILED",
		    UPLOAD_FAILED);
		goto out;
	}
	det64 = dgcg_b64_encode(det, detlen);
	raw64 = dgcg_b64_encode(c.dsc_der, c.dsc_len);
	dgcg_log(DGCG_LOG_INFO, "signer", "Saving new SignerInformation Entity", NULL,
	    "uploadCertThumbprint", c.up_thumb, "cscaCertThumbprint", csca, NULL);
	/* One transaction: the tombstone of an earlier upload goes, the row
	 * and its audit event come. */
	do {
		if ((rc = dgcg_db_begin(gw->db)) != DGCG_OK)
			break;
		if (old.n > 0)
			rc = dgcg_db_si_remove(gw->db, old.v[0].id);
		if (rc == DGCG_OK)
			rc = dgcg_db_si_insert(gw->db, id->country, c.dsc_thumb, raw64, det64, &newid);
		if (rc == DGCG_OK)
			rc = dgcg_audit(gw->db, id->country, c.up_thumb, id->thumbprint, "SUCCESS",
			    UPLOAD_OK);
		rc = dgcg_db_end(gw->db, rc);
	} while (rc == DGCG_ERR_DB && dgcg_db_deadlock(gw->db) && ++tries < DGCG_DB_TX_TRIES);
	if (rc == DGCG_ERR_CONFLICT) {
		/* A concurrent upload of the same DSC won. */
		fail(o, 409, "0x002", "You cant upload an existing certificate.",
		    "Certificate with thumbprint %s already exists", c.dsc_thumb);
		goto out;
	}
	if (rc != DGCG_OK) {
		db_down(o);
		goto out;
	}
	o->status = 201;
	goto out;
bad:
	if (r < 0)
		db_down(o);
	else
		audit_bad(gw, id, &c, UPLOAD_BAD, o, what);
out:
	free(det);
	free(det64);
	free(raw64);
	dgcg_si_list_free(&old);
	ctx_free(&c);
}

void
dgcg_signer_delete(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
    size_t len, struct dgcg_outcome *o)
{
	static const char what[] = "Verification certificate delete failed";
	struct upload_ctx c;
	struct dgcg_si_list old = { NULL, 0 };
	enum dgcg_err rc;
	int r, tries = 0;

	memset(o, 0, sizeof(*o));
	memset(&c, 0, sizeof(c));
	if (!parse_body(body, len, dgcg_cms_digests(gw->conf.allow_sha1), &c, o)) {
		dgcg_log(DGCG_LOG_ERROR, "signer", what, NULL, "verificationFailureReason", o->code,
		    "verificationFailureMessage", o->problem, NULL);
		goto out;
	}
	dgcg_log(DGCG_LOG_INFO, "signer", "Revoking verification certificate", NULL,
	    "signerCertSubject", c.signer_subject, "payloadCertSubject", c.dsc_subject, NULL);
	if ((r = check_uploader(gw, id, &c, "0x007", o)) <= 0)
		goto bad;
	if (!check_country(id, &c, "0x007", o))
		goto bad;
	if (c.digest_refused != NULL) {
		fail(o, 400, "0x007", P_BAD_UPLOAD, "%s", c.digest_refused);
		goto bad;
	}
	if (dgcg_db_si_find(gw->db, c.dsc_thumb, &old) != DGCG_OK) {
		r = -1;
		goto bad;
	}
	if (old.n == 0) {
		fail(o, 404, "0x005", "The certificate doesn't exists in the database.",
		    "No signer certificate with thumbprint %s", c.dsc_thumb);
		(void)dgcg_audit(gw->db, id->country, c.up_thumb, id->thumbprint,
		    "EXIST_CHECK_FAILED", DELETE_MISSING);
		goto out;
	}
	if (strcmp(old.v[0].country, id->country) != 0) {
		fail(o, 400, "0x007", P_BAD_UPLOAD,
		    "The certificate belongs to another country and cannot be deleted by %s",
		    id->country);
		goto bad;
	}
	dgcg_log(DGCG_LOG_INFO, "signer", "Revoking SignerInformation Entity", NULL,
	    "uploadCertThumbprint", c.up_thumb, NULL);
	do {
		if ((rc = dgcg_db_begin(gw->db)) != DGCG_OK)
			break;
		rc = dgcg_db_si_mark_deleted(gw->db, old.v[0].id);
		if (rc == DGCG_OK)
			rc = dgcg_audit(gw->db, id->country, c.up_thumb, id->thumbprint, "SUCCESS",
			    DELETE_OK);
		rc = dgcg_db_end(gw->db, rc);
	} while (rc == DGCG_ERR_DB && dgcg_db_deadlock(gw->db) && ++tries < DGCG_DB_TX_TRIES);
	if (rc == DGCG_ERR_NOTFOUND) {
		fail(o, 500, "0x006", "Delete of Signer Certificate failed",
		    "The row disappeared while it was being deleted.");
		(void)dgcg_audit(gw->db, id->country, c.up_thumb, id->thumbprint, "DELETE_FAILED",
		    DELETE_FAILED);
		goto out;
	}
	if (rc != DGCG_OK) {
		db_down(o);
		goto out;
	}
	o->status = 204;
	goto out;
bad:
	if (r < 0)
		db_down(o);
	else
		audit_bad(gw, id, &c, DELETE_BAD, o, what);
out:
	dgcg_si_list_free(&old);
	ctx_free(&c);
}
