/* signed.c: the signed-request pipeline (signed.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/signed.h"
#include "pki/x509.h"
#include "worker/gateway.h"

enum dgcg_prob
dgcg_signed_parse_prob(enum dgcg_cms_state st, enum dgcg_cms_payload payload)
{
	switch (st) {
	case DGCG_CMS_BAD_BASE64:
		return DGCG_P_CMS_BASE64;
	case DGCG_CMS_NOT_DATA:
		return DGCG_P_CMS_NOT_DATA;
	case DGCG_CMS_DETACHED:
		return DGCG_P_CMS_DETACHED;
	case DGCG_CMS_BAD_PAYLOAD:
		return payload == DGCG_CMS_PAYLOAD_CERT ? DGCG_P_CMS_NOT_CERT : DGCG_P_CMS_NOT_STRING;
	case DGCG_CMS_CERT_COUNT:
		return DGCG_P_CMS_CERT_COUNT;
	case DGCG_CMS_SIGNER_COUNT:
		return DGCG_P_CMS_SIGNER_COUNT;
	case DGCG_CMS_OK:
	case DGCG_CMS_BAD_CMS:
	case DGCG_CMS__MAX:
		break;
	}
	return DGCG_P_CMS_PARSE;
}

int
dgcg_signed_policy_ok(const struct dgcg_gw *gw, const struct dgcg_cms *cms, char *buf,
    size_t bufsz, const char **why)
{
	const struct dgcg_conf *cf = &gw->conf;
	X509 *up = dgcg_cms_signer(cms);
	char r[256];

	*why = NULL;
	if (dgcg_x509_check_key(up, cf->min_rsa_bits, cf->min_ec_bits, r, sizeof(r)) != DGCG_OK) {
		snprintf(buf, bufsz, "Upload certificate: %s", r);
		*why = buf;
		return 0;
	}
	if (cf->check_upload_expiry &&
	    dgcg_x509_check_validity(up, time(NULL), r, sizeof(r)) != DGCG_OK) {
		snprintf(buf, bufsz, "Upload certificate (CMS signer) %s", r);
		*why = buf;
		return 0;
	}
	return 1;
}

void
dgcg_signed_db_error(struct dgcg_gw *gw, enum dgcg_prob internal, struct dgcg_reply *r)
{
	if (internal == DGCG_P_UNAVAILABLE || internal == DGCG_P_NONE ||
	    dgcg_db_unavailable(gw->db))
		dgcg_reply_db(r, NULL);
	else
		dgcg_reply_fail(r, internal, NULL, "%s", "");
}

void
dgcg_signed_free(struct dgcg_signed *s)
{
	dgcg_cms_free(s->cms);
	memset(s, 0, sizeof(*s));
}

int
dgcg_signed_parse(struct dgcg_gw *gw, const char *body, size_t len,
    const struct dgcg_signed_profile *p, const char *send_value, struct dgcg_signed *s,
    struct dgcg_reply *r)
{
	const char *sv = send_value;
	const unsigned char *der;
	enum dgcg_cms_state st;
	enum dgcg_err vr;
	size_t dlen;

	memset(s, 0, sizeof(*s));
	s->step = DGCG_SIGNED_PARSE;
	st = dgcg_cms_parse_b64(body != NULL ? body : "", len, NULL, 0, p->payload, &s->cms);
	if (st != DGCG_CMS_OK) {
		if (p->parse == DGCG_P_NONE)
			dgcg_reply_fail(r, dgcg_signed_parse_prob(st, p->payload), sv, "%s", "");
		else if (p->parse_state_name)
			dgcg_reply_fail(r, p->parse, sv, "%s%s", p->parse_details,
			    dgcg_cms_state_name(st));
		else
			dgcg_reply_fail(r, p->parse, sv, "%s (%s)", p->parse_details,
			    dgcg_prob_info(dgcg_signed_parse_prob(st, p->payload))->problem);
		return 0;
	}
	s->payload = dgcg_cms_content(s->cms, &s->plen);
	der = dgcg_cms_signer_der(s->cms, &dlen);
	dgcg_x509_thumbprint(der, dlen, s->signer_thumb);
	if (p->payload_send_value) {
		dgcg_x509_thumbprint(s->payload, s->plen, s->payload_thumb);
		sv = s->payload_thumb;
	}
	s->step = DGCG_SIGNED_SIGNATURE;
	vr = dgcg_cms_verify(s->cms, dgcg_cms_digests(gw->conf.allow_sha1), &s->why);
	if (vr == DGCG_ERR_POLICY) {
		/* refused by dgcg_signed_finish, after the uploader check */
		s->refused = s->why;
	} else if (vr != DGCG_OK) {
		if (p->signature_details == NULL)
			dgcg_reply_fail(r, p->signature, sv, "%s", s->why != NULL ? s->why : "");
		else if (p->signature_why)
			dgcg_reply_fail(r, p->signature, sv, "%s (%s)", p->signature_details,
			    s->why != NULL ? s->why : "signature does not verify");
		else
			dgcg_reply_fail(r, p->signature, sv, "%s", p->signature_details);
		return 0;
	}
	s->step = DGCG_SIGNED_UPLOADER;
	return 1;
}

int
dgcg_signed_finish(struct dgcg_gw *gw, const struct dgcg_identity *id,
    const struct dgcg_signed_profile *p, const char *send_value, struct dgcg_signed *s,
    struct dgcg_reply *r)
{
	struct dgcg_tp_list up = { NULL, 0 };
	char buf[512], *subject = NULL;
	const char *sv = p->payload_send_value ? s->payload_thumb : send_value, *why = NULL;
	int ok = 0;

	if (s->step != DGCG_SIGNED_UPLOADER) {
		dgcg_reply_fail(r, DGCG_P_INTERNAL, NULL, "%s", "signed request out of order");
		return 0;
	}
	if (p->subject_send_value)
		sv = subject = dgcg_x509_subject_text(dgcg_cms_signer(s->cms));
	if (dgcg_gw_trusted(gw, s->signer_thumb, id->country, DGCG_G_UPLOAD,
	    p->any_domain ? NULL : DGCG_DOMAIN_DCC, &up) != DGCG_OK) {
		dgcg_signed_db_error(gw, p->internal, r);
		goto out;
	}
	if (up.n == 0) {
		if (p->uploader_details != NULL)
			dgcg_reply_fail(r, p->uploader, sv, "%s", p->uploader_details);
		else
			dgcg_reply_fail(r, p->uploader, sv,
			    "Could not find upload certificate with hash %s and country %s",
			    s->signer_thumb, id->country);
		goto out;
	}
	snprintf(s->signer_domain, sizeof(s->signer_domain), "%s", up.v[0].domain);
	s->step = DGCG_SIGNED_POLICY;
	if (s->refused != NULL) {
		dgcg_reply_fail(r, p->uploader, sv, "%s", s->refused);
		goto out;
	}
	if (p->upload_policy && !dgcg_signed_policy_ok(gw, s->cms, buf, sizeof(buf), &why)) {
		dgcg_reply_fail(r, p->uploader, sv, "%s", why);
		goto out;
	}
	s->step = DGCG_SIGNED_OK;
	s->why = NULL;
	ok = 1;
out:
	dgcg_tp_list_free(&up);
	free(subject);
	return ok;
}

int
dgcg_signed_request(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
    size_t len, const struct dgcg_signed_profile *p, const char *send_value,
    struct dgcg_signed *s, struct dgcg_reply *r)
{
	return dgcg_signed_parse(gw, body, len, p, send_value, s, r) &&
	    dgcg_signed_finish(gw, id, p, send_value, s, r);
}
