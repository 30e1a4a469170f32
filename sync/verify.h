/* verify.h: the verdict on every downloaded entry (dgcg-sync(1), CHECKS).
 *
 * Pure: no network, no files. The CSCA and UPLOAD entries are judged
 * first (their signature must be a trust anchor's), then every DSC
 * against the CSCA and UPLOAD entries that passed. Every check is run
 * that can be (one that needs a failed one is skipped), so --explain
 * shows them all; the reason of a rejected entry is its first failed
 * check in the order of enum sync_check. */
#ifndef SYNC_VERIFY_H
#define SYNC_VERIFY_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "base/dgcg.h"
#include "list.h"
#include "pki/entry.h"
#include "pki/trust.h"

enum sync_check {
	SC_ITEM = 0,	/* the item has its fields (MALFORMED) */
	SC_TYPE,	/* certificateType is the list's (WRONG_TYPE) */
	SC_CERT,	/* rawData is a certificate (BAD_CERTIFICATE) */
	SC_THUMB,	/* thumbprint (THUMBPRINT_MISMATCH); off for v2 items */
	SC_KID,		/* kid (KID_MISMATCH) */
	SC_UNIQUE,	/* not listed before (DUPLICATE) */
	SC_SIGNATURE,	/* the CMS over rawData verifies (NO_SIGNATURE .. SIGNATURE_INVALID) */
	SC_SIGNER,	/* CSCA/UPLOAD: a trust anchor; DSC: an UPLOAD of the country */
	SC_COUNTRY,	/* the subject's C, when present, is the country */
	SC_ISSUER,	/* DSC: issued by a verified CSCA of the country */
	SC_V3,		/* X.509 v3 (require_x509v3) */
	SC_KEY,		/* min_rsa_bits, min_ec_bits */
	SC_HASH,	/* SHA-2 unless allow_sha1 */
	SC_VALIDITY,	/* check_csca_expiry, check_upload_expiry, check_dsc_expiry */
	SC__MAX
};

enum sync_res {
	SR_SKIP = 0,	/* not run: a check it needs failed */
	SR_PASS,
	SR_FAIL,
	SR_OFF		/* does not apply, or switched off */
};

struct sync_step {
	unsigned char	 res;		/* enum sync_res */
	enum dgcg_er	 fail;		/* the reason when SR_FAIL */
	char		 detail[200];
};

struct sync_entry {
	const struct sync_item	*it;		/* borrowed from the list */
	enum dgcg_cert_type	 list;		/* the list it came in */
	enum dgcg_er		 reason;	/* DGCG_ER_OK: verified */
	struct sync_step	 step[SC__MAX];
	X509			*x;		/* when rawData is a certificate */
	unsigned char		*der;
	size_t			 dlen;
	char			 thumb[DGCG_THUMB_HEX_LEN + 1];	/* computed, "" without x */
	char			 kid[DGCG_KID_LEN + 1];
	char			 signer[DGCG_THUMB_HEX_LEN + 1];	/* the CMS signer, "" */
};

struct sync_policy {
	struct dgcg_cert_policy	 cert;
	int			 check_expiry[DGCG_CT__MAX];	/* by type */
	unsigned		 digests;	/* CMS digests allowed (cms.h) */
	time_t			 now;
};

struct sync_verified {
	struct sync_entry	*e;	/* CSCA, UPLOAD, then DSC entries, each in list order */
	size_t			 n;
};

/* Judges the items of lists[DGCG_CT_CSCA], [DGCG_CT_UPLOAD] and
 * [DGCG_CT_DSC] (lists[DGCG_CT_AUTHENTICATION] is ignored). out borrows
 * the items: free out (sync_verified_free) before the lists. */
void sync_verify(const struct sync_list lists[DGCG_CT__MAX], const struct dgcg_ta *ta,
	const struct sync_policy *p, struct sync_verified *out);

void sync_verified_free(struct sync_verified *v);

/* Entries verified / rejected, and rejected ones by reason. */
void sync_verified_counts(const struct sync_verified *v, size_t verified[DGCG_CT__MAX],
	size_t rejected[DGCG_CT__MAX], size_t by_reason[DGCG_ER__MAX]);

/* The check's name in --explain ("signature"). */
const char *sync_check_name(enum sync_check c);

/* Writes every check of e, one a line, to buf (malloc'd). */
char *sync_explain(const struct sync_entry *e);

#endif
