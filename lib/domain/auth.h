/* auth.h: who is calling (reference-gateway.md section 2).
 *
 * nginx (or another load balancer) sets the thumbprint and DN headers from
 * the verified client certificate; this module normalises them, finds the
 * AUTHENTICATION trusted_party row and checks its integrity. */
#ifndef DGCG_AUTH_H
#define DGCG_AUTH_H

#include <stddef.h>

#include "base/dgcg.h"
#include "domain/problem.h"

struct dgcg_gw;

/* Thumbprint normalisation (2.2): exactly 64 hex characters are taken and
 * lower-cased; otherwise the value is URL-decoded when it contains '%',
 * then standard-base64-decoded and hex-encoded. NULL, empty or undecodable
 * input is DGCG_ERR_PARSE. */
enum dgcg_err dgcg_auth_thumbprint(const char *hdr, char out[DGCG_THUMB_HEX_LEN + 1]);

/* DN parsing (2.3): URL-decoded ('+' as space); split on ','; parts with
 * exactly one '=' kept; key upper-cased and trimmed, value trimmed; the
 * first C wins. Returns DGCG_OK with the country (at most DGCG_COUNTRY_MAX
 * bytes, else DGCG_ERR_LIMIT), DGCG_ERR_NOTFOUND when there is no C, or
 * DGCG_ERR_PARSE for a malformed % escape. *decoded (may be NULL) gets the
 * decoded DN, malloc'd, whenever decoding succeeded. */
enum dgcg_err dgcg_auth_dn(const char *hdr, char **decoded, char country[DGCG_COUNTRY_MAX + 1]);

/* The authenticated caller. */
struct dgcg_identity {
	char		 country[DGCG_COUNTRY_MAX + 1];
	char		 thumbprint[DGCG_THUMB_HEX_LEN + 1];
	long long	 tp_id;		/* trusted_party.id of the AUTHENTICATION row */
	char		*dn;		/* decoded DN, malloc'd */
};

void dgcg_identity_clear(struct dgcg_identity *id);

/* Authenticates a request from the two header values (either may be NULL).
 * Returns DGCG_P_NONE and fills id, or the problem to answer with;
 * *send_value (malloc'd, may be NULL) is the problem's sendValue. Every
 * attempt is logged with the design document's Authentication messages.
 * DGCG_P_UNAVAILABLE when the database cannot be reached. */
enum dgcg_prob dgcg_auth(struct dgcg_gw *gw, const char *thumb_hdr, const char *dn_hdr,
	struct dgcg_identity *id, char **send_value);

#endif
