/* expiry.h: when the gateway's certificates run out, and what an expiring
 * UPLOAD certificate leaves behind: every trusted_party row (AUTHENTICATION,
 * UPLOAD, CSCA) and every live DSC with its notAfter, and for each UPLOAD
 * certificate the stored DSCs, validation rules and revocation batches it
 * signed, which need CMS migration before it expires (dgc-gateway #150,
 * #201). The schema does not record who signed a stored CMS: the signer is
 * the certificate embedded in the CMS (exactly one, pki/cms.h), so every
 * stored CMS is parsed. dgcg-admin expiry prints this. */
#ifndef DGCG_EXPIRY_H
#define DGCG_EXPIRY_H

#include <stddef.h>
#include <time.h>

#include "base/dgcg.h"

struct dgcg_db;

/* One certificate. */
struct dgcg_expiry_cert {
	long long		 id;		/* trusted_party.id, or signer_information.id */
	enum dgcg_group		 group;		/* a trusted-party or signer group (v2) */
	char			 country[3];
	char			 thumbprint[DGCG_THUMB_HEX_LEN + 1];
	int			 readable;	/* 0: raw_data is no certificate (not_after 0) */
	time_t			 not_after;
	/* UPLOAD only: live stored objects whose CMS it signed */
	size_t			 dscs, rules, batches;
};

struct dgcg_expiry {
	struct dgcg_expiry_cert	*v;		/* trusted parties by id, then DSCs by id */
	size_t			 n;
	size_t			 unparsed;	/* stored CMS whose signer could not be read */
};

/* Scans the database into *out (caller dgcg_expiry_free, also on error).
 * Rules and batches are read per onboarded country (the tables are keyed
 * by country), a row counted for the country it is stored under. */
enum dgcg_err dgcg_expiry_scan(struct dgcg_db *db, struct dgcg_expiry *out);

void dgcg_expiry_free(struct dgcg_expiry *e);

#endif
