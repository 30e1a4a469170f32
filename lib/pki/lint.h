/* lint.h: the onboarding linter: every way a certificate offered for
 * onboarding (AUTHENTICATION, UPLOAD, CSCA) or upload (DSC) breaks the
 * gateway's rules, each finding with the rule it breaks. Pure checks on an
 * X509: no database, no configuration file (the caller passes the policy
 * from its dgcg_conf). dgcg-admin lint and onboard print them. */
#ifndef DGCG_LINT_H
#define DGCG_LINT_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "base/dgcg.h"

/* The rules, in the order they are checked and printed. Their names
 * (dgcg_lint_rule_name) are stable: dgcg-admin(8) and the operator guide
 * list them. */
enum dgcg_lint_rule {
	DGCG_LINT_KEY = 0,	/* "key": SecReq-042 key type and size */
	DGCG_LINT_EC_PARAMS,	/* "ec-params": EC key with explicit (not named) curve parameters */
	DGCG_LINT_HASH,		/* "sig-hash": SecReq-042 hash of the certificate's signature */
	DGCG_LINT_V3,		/* "x509-v3": SecReq-033 */
	DGCG_LINT_COUNTRY,	/* "country": exactly one subject C, equal to the country */
	DGCG_LINT_VALIDITY,	/* "validity": expired or not yet valid now */
	DGCG_LINT_MIN_DAYS,	/* "min-days": fewer than min_days days left */
	DGCG_LINT_USAGE,	/* "usage": KeyUsage / ExtendedKeyUsage / CA fitting the type */
	DGCG_LINT__MAX
};

/* What the linter checks against: the gateway's SecReq-042 keys
 * (min_rsa_bits, min_ec_bits, allow_sha1), the days a certificate must
 * still be valid, and the clock. */
struct dgcg_lint_policy {
	unsigned	 min_rsa_bits;
	unsigned	 min_ec_bits;
	int		 allow_sha1;
	unsigned	 min_days;	/* dgcg-admin's default: DGCG_LINT_MIN_DAYS */
	time_t		 now;
};

#define DGCG_LINT_MIN_DAYS_DEFAULT	30

/* At most one finding per rule, except usage (one per missing bit). */
#define DGCG_LINT_FINDINGS_MAX	16

struct dgcg_lint_finding {
	enum dgcg_lint_rule	 rule;
	char			 text[256];	/* why, with the values seen */
};

struct dgcg_lint {
	struct dgcg_lint_finding	 v[DGCG_LINT_FINDINGS_MAX];
	size_t				 n;
};

/* Lints x as a certificate of type for country (two letters): fills *out
 * (no allocation) and returns the number of findings (0: clean). A
 * certificate whose extensions cannot be parsed gets a usage finding.
 * NOTE: the checks of a DSC (DGCG_CT_DSC) are those of UPLOAD (digital
 * signature); the gateway itself accepts DSCs the linter finds fault with
 * (testdata NOTES.md, section 4), the linter tells a country before. */
size_t dgcg_lint_cert(X509 *x, enum dgcg_cert_type type, const char *country,
	const struct dgcg_lint_policy *p, struct dgcg_lint *out);

/* The rule's stable name ("key", "sig-hash", ...), or NULL when r is out
 * of range. */
const char *dgcg_lint_rule_name(enum dgcg_lint_rule r);

#endif
