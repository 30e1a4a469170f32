/* lint.c: the onboarding linter (lint.h). The key, hash, version and
 * validity checks are x509.c's, the ones the gateway applies on upload;
 * this file adds what only onboarding looks at (usage fitting the type,
 * days left, explicit EC parameters) and collects every finding. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "pki/lint.h"
#include "pki/x509.h"

static const char *const rule_names[DGCG_LINT__MAX] = {
	[DGCG_LINT_KEY] = "key",
	[DGCG_LINT_EC_PARAMS] = "ec-params",
	[DGCG_LINT_HASH] = "sig-hash",
	[DGCG_LINT_V3] = "x509-v3",
	[DGCG_LINT_COUNTRY] = "country",
	[DGCG_LINT_VALIDITY] = "validity",
	[DGCG_LINT_MIN_DAYS] = "min-days",
	[DGCG_LINT_USAGE] = "usage",
};

const char *
dgcg_lint_rule_name(enum dgcg_lint_rule r)
{
	return (unsigned)r < DGCG_LINT__MAX ? rule_names[r] : NULL;
}

static void add(struct dgcg_lint *l, enum dgcg_lint_rule r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
add(struct dgcg_lint *l, enum dgcg_lint_rule r, const char *fmt, ...)
{
	va_list ap;

	if (l->n >= DGCG_LINT_FINDINGS_MAX)
		return;
	l->v[l->n].rule = r;
	va_start(ap, fmt);
	vsnprintf(l->v[l->n].text, sizeof(l->v[l->n].text), fmt, ap);
	va_end(ap);
	l->n++;
}

/* 1 when the subject public key is an EC key whose AlgorithmIdentifier
 * carries the curve's parameters instead of a named curve OID (RFC 5480
 * allows only namedCurve; a real DSC with explicit parameters flooded the
 * reference's logs, dgc-gateway #95). Read from the encoding, so it works
 * whether or not OpenSSL can decode the key. */
static int
explicit_ec(X509 *x)
{
	X509_PUBKEY *pub = X509_get_X509_PUBKEY(x);
	ASN1_OBJECT *alg = NULL;
	X509_ALGOR *pa = NULL;
	const void *pval = NULL;
	int ptype = V_ASN1_UNDEF;

	if (pub == NULL || !X509_PUBKEY_get0_param(&alg, NULL, NULL, &pa, pub) ||
	    OBJ_obj2nid(alg) != NID_X9_62_id_ecPublicKey || pa == NULL)
		return 0;
	X509_ALGOR_get0(NULL, &ptype, &pval, pa);
	return ptype != V_ASN1_OBJECT;
}

static void
lint_usage(X509 *x, enum dgcg_cert_type type, struct dgcg_lint *l)
{
	uint32_t flags = X509_get_extension_flags(x);
	uint32_t ku = X509_get_key_usage(x), xku = X509_get_extended_key_usage(x);
	int has_ku = (flags & EXFLAG_KUSAGE) != 0, has_xku = (flags & EXFLAG_XKUSAGE) != 0;

	if (flags & EXFLAG_INVALID) {
		ERR_clear_error();
		add(l, DGCG_LINT_USAGE, "the certificate's extensions cannot be parsed");
		return;
	}
	switch (type) {
	case DGCG_CT_AUTHENTICATION:
		if (!has_xku)
			add(l, DGCG_LINT_USAGE, "no ExtendedKeyUsage: TLS client authentication "
			    "(clientAuth, 1.3.6.1.5.5.7.3.2) required for AUTHENTICATION");
		else if (!(xku & XKU_SSL_CLIENT))
			add(l, DGCG_LINT_USAGE, "ExtendedKeyUsage lacks TLS client authentication "
			    "(clientAuth, 1.3.6.1.5.5.7.3.2), required for AUTHENTICATION");
		if (has_ku && !(ku & KU_DIGITAL_SIGNATURE))
			add(l, DGCG_LINT_USAGE, "KeyUsage lacks digitalSignature, which a TLS "
			    "client key needs");
		break;
	case DGCG_CT_UPLOAD:
	case DGCG_CT_DSC:
		if (!has_ku)
			add(l, DGCG_LINT_USAGE, "no KeyUsage: digitalSignature required for %s",
			    dgcg_cert_type_name(type));
		else if (!(ku & KU_DIGITAL_SIGNATURE))
			add(l, DGCG_LINT_USAGE, "KeyUsage lacks digitalSignature, required for %s",
			    dgcg_cert_type_name(type));
		break;
	case DGCG_CT_CSCA:
		if (!has_ku)
			add(l, DGCG_LINT_USAGE, "no KeyUsage: keyCertSign required for CSCA");
		else if (!(ku & KU_KEY_CERT_SIGN))
			add(l, DGCG_LINT_USAGE, "KeyUsage lacks keyCertSign, required for CSCA");
		if (!(flags & EXFLAG_CA))
			add(l, DGCG_LINT_USAGE, "BasicConstraints CA:TRUE required for CSCA (%s)",
			    (flags & EXFLAG_BCONS) ? "CA:FALSE" : "no BasicConstraints");
		break;
	default:
		add(l, DGCG_LINT_USAGE, "unknown certificate type");
		break;
	}
}

static void
lint_time(X509 *x, const struct dgcg_lint_policy *p, struct dgcg_lint *l)
{
	const ASN1_TIME *na = X509_get0_notAfter(x);
	ASN1_TIME *now = NULL;
	char why[200];
	int days = 0, secs = 0;

	if (dgcg_x509_check_validity(x, p->now, why, sizeof(why)) != DGCG_OK) {
		add(l, DGCG_LINT_VALIDITY, "%s", why);
		return;
	}
	if ((now = ASN1_TIME_set(NULL, p->now)) == NULL || na == NULL ||
	    !ASN1_TIME_diff(&days, &secs, now, na)) {
		ERR_clear_error();
		add(l, DGCG_LINT_VALIDITY, "notAfter cannot be read");
	} else if (days < 0 || (unsigned)days < p->min_days) {
		struct tm tm;
		char when[32] = "(unreadable)";

		if (ASN1_TIME_to_tm(na, &tm) == 1)
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		add(l, DGCG_LINT_MIN_DAYS, "valid until %s: %d days left, at least %u required",
		    when, days, p->min_days);
	}
	ASN1_TIME_free(now);
}

size_t
dgcg_lint_cert(X509 *x, enum dgcg_cert_type type, const char *country,
    const struct dgcg_lint_policy *p, struct dgcg_lint *l)
{
	char why[200], cc[DGCG_COUNTRY_MAX + 1];
	size_t i;
	int n;

	memset(l, 0, sizeof(*l));
	if (dgcg_x509_check_key(x, p->min_rsa_bits, p->min_ec_bits, why, sizeof(why)) != DGCG_OK)
		add(l, DGCG_LINT_KEY, "%s", why);
	if (explicit_ec(x))
		add(l, DGCG_LINT_EC_PARAMS, "EC key with explicit curve parameters, a named "
		    "curve required (RFC 5480)");
	if (dgcg_x509_check_sig_hash(x, p->allow_sha1, why, sizeof(why)) != DGCG_OK)
		add(l, DGCG_LINT_HASH, "%s", why);
	if (dgcg_x509_check_v3(x, why, sizeof(why)) != DGCG_OK)
		add(l, DGCG_LINT_V3, "%s", why);
	n = dgcg_x509_subject_country(x, cc);
	/* The value is the certificate's bytes: printable ASCII only. */
	for (i = 0; cc[i] != '\0'; i++)
		if (cc[i] < 0x20 || cc[i] > 0x7e)
			cc[i] = '?';
	if (n == 0)
		add(l, DGCG_LINT_COUNTRY, "the subject has no C attribute, exactly one (C=%s) "
		    "required", country);
	else if (n > 1)
		add(l, DGCG_LINT_COUNTRY, "the subject has %d C attributes, exactly one (C=%s) "
		    "required", n, country);
	else if (strcmp(cc, country) != 0)
		add(l, DGCG_LINT_COUNTRY, "the subject has C=%s, C=%s required", cc, country);
	lint_time(x, p, l);
	lint_usage(x, type, l);
	ERR_clear_error();
	return l->n;
}
