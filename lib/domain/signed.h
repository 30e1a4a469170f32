/* signed.h: the one pipeline of a signed request (a CMS-signed upload or
 * delete: DSC, validation rule, revocation batch, CMS migration, and the
 * v2 uploads to come).
 *
 * In order, the first failure answers:
 *   1. the body is base64 of a CMS SignedData with the profile's payload
 *      (the parser's state picks the 0x402 row, or the profile's parse row);
 *   2. the signature verifies with the embedded certificate, its digests
 *      inside SecReq-042's set (cms.h);
 *   3. the signer is a trusted_party UPLOAD row of the caller's country,
 *      onboarded here (a federated row vouches for nothing local) and of
 *      the DCC domain unless the profile says otherwise, that passes the
 *      trust-anchor integrity check;
 *   4. the upload policy (SecReq-042, the design document's rules for
 *      signing certificates): a CMS digest outside the allowed set, an RSA
 *      or EC key below the configured size, and, with check_upload_expiry,
 *      a signer outside its validity are refused.
 * Each endpoint passes a profile naming its problem rows and texts. The
 * policy applies to every endpoint that signs with an UPLOAD certificate
 * (DSC, rules, batches, migration: doc/api.txt says so); the reference
 * applies it nowhere.
 * NOTE: a signature whose only fault is a digest outside the allowed set
 * (step 2 answers DGCG_ERR_POLICY) goes on unverified to step 3 and is then
 * always refused at step 3 or 4: the pipeline never returns an unverified
 * CMS. */
#ifndef DGCG_SIGNED_H
#define DGCG_SIGNED_H

#include <stddef.h>

#include "base/dgcg.h"
#include "domain/auth.h"
#include "domain/problem.h"
#include "domain/reply.h"
#include "pki/cms.h"

struct dgcg_gw;

/* Where a signed request failed. */
enum dgcg_signed_step {
	DGCG_SIGNED_OK = 0,
	DGCG_SIGNED_PARSE,	/* step 1 */
	DGCG_SIGNED_SIGNATURE,	/* step 2 */
	DGCG_SIGNED_UPLOADER,	/* step 3 (or the database could not say) */
	DGCG_SIGNED_POLICY	/* step 4 */
};

/* What one endpoint's signed request must be and how it answers. */
struct dgcg_signed_profile {
	enum dgcg_cms_payload	 payload;	/* CERT or STRING */
	/* DGCG_P_NONE: a CMS that does not parse answers the CMS_* row of its
	 * parser state; else this row, with "parse_details (state text)". */
	enum dgcg_prob		 parse;
	const char		*parse_details;
	enum dgcg_prob		 signature;	/* step 2 */
	const char		*signature_details;	/* NULL: the verifier's reason alone */
	enum dgcg_prob		 uploader;	/* steps 3 and 4 */
	/* step 3's details; NULL: "Could not find upload certificate with
	 * hash <signer> and country <caller>" */
	const char		*uploader_details;
	int			 subject_send_value;	/* steps 3-4: sendValue = signer subject */
	int			 payload_send_value;	/* steps 2-4: sendValue = payload thumbprint */
	int			 signature_why;		/* step 2 details end with " (reason)" */
	int			 upload_policy;		/* step 4 applies */
	/* the answer when the database fails: DGCG_P_UNAVAILABLE (503), or a
	 * row for a statement the server refused while it is reachable */
	enum dgcg_prob		 internal;
	/* step 1 with a parse row: details are parse_details followed by the
	 * parser state's name (TNG's v2 "CMS could not be decrypted. ...") */
	int			 parse_state_name;
	/* step 3: 0 = the UPLOAD row must be of the DCC domain (the v1
	 * endpoints); 1 = any domain, the caller checks s->signer_domain
	 * where its order says (a v2 certificate upload names its domain in
	 * the body, checked after the signer in TNG's order; a trusted
	 * reference is no certificate and has no certificate domain) */
	int			 any_domain;
};

/* A signed request that passed, or how far it got. */
struct dgcg_signed {
	enum dgcg_signed_step	 step;
	struct dgcg_cms		*cms;		/* parsed (from step 2 on) */
	char			 signer_thumb[DGCG_THUMB_HEX_LEN + 1];	/* from step 2 on */
	const unsigned char	*payload;	/* borrowed from cms */
	size_t			 plen;
	const char		*why;		/* static reason of a step 2 failure */
	const char		*refused;	/* a digest refused at step 4 (static), or NULL */
	char			 payload_thumb[DGCG_THUMB_HEX_LEN + 1];	/* profile->payload_send_value */
	char			 signer_domain[DGCG_DOMAIN_MAX + 1];	/* the UPLOAD row's (step 3 on) */
};

/* Runs the pipeline on body[0..len). Returns 1 when every step passed
 * (s->step DGCG_SIGNED_OK), else 0 with the problem in r and s->step the
 * failing step (the caller logs and audits by step). Either way the caller
 * calls dgcg_signed_free. The sendValue of every failure is send_value (may
 * be NULL), the payload's thumbprint or the signer's subject where the
 * profile says so. */
int dgcg_signed_request(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
	size_t len, const struct dgcg_signed_profile *p, const char *send_value,
	struct dgcg_signed *s, struct dgcg_reply *r);

/* The same in two halves, for an endpoint whose own checks come between
 * the signature and the uploader (CMS migration: the package's row must
 * exist first): dgcg_signed_parse runs steps 1-2 (s->step becomes
 * DGCG_SIGNED_UPLOADER), dgcg_signed_finish steps 3-4.
 * NOTE: after dgcg_signed_parse alone the CMS may be unverified (a refused
 * digest); nothing may use the payload before dgcg_signed_finish passed. */
int dgcg_signed_parse(struct dgcg_gw *gw, const char *body, size_t len,
	const struct dgcg_signed_profile *p, const char *send_value, struct dgcg_signed *s,
	struct dgcg_reply *r);
int dgcg_signed_finish(struct dgcg_gw *gw, const struct dgcg_identity *id,
	const struct dgcg_signed_profile *p, const char *send_value, struct dgcg_signed *s,
	struct dgcg_reply *r);

void dgcg_signed_free(struct dgcg_signed *s);

/* The problem row of a CMS parser state for a payload (the 0x402 rows). */
enum dgcg_prob dgcg_signed_parse_prob(enum dgcg_cms_state st, enum dgcg_cms_payload payload);

/* Step 4 alone, for a signer certificate: 1 when it passes, else 0 with
 * the reason (static or in buf) in *why. */
int dgcg_signed_policy_ok(const struct dgcg_gw *gw, const struct dgcg_cms *cms, char *buf,
	size_t bufsz, const char **why);

/* The database failed under profile p: 503 when it is out of reach or p
 * says so, else p->internal with empty details. */
void dgcg_signed_db_error(struct dgcg_gw *gw, enum dgcg_prob internal, struct dgcg_reply *r);

#endif
