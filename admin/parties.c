/* parties.c: dgcg-admin's trusted-party commands: the trust anchor's
 * signature over a certificate (or a trusted issuer's string), onboarding
 * and offboarding trusted parties (AUTHENTICATION, UPLOAD, CSCA and TNG's
 * DECA, TRUSTANCHOR, AUTHENTICATION_FEDERATION), and the integrity scan of
 * every trusted_party row.
 *
 *   ta-sign --ta-cert FILE --ta-key FILE CERT.pem | --string TEXT
 *       prints the detached CMS signature (base64, one line); no database
 *   onboard --country CC --type AUTHENTICATION|UPLOAD|CSCA|DECA|TRUSTANCHOR|
 *           AUTHENTICATION_FEDERATION --cert CERT.pem --signature BASE64|@FILE
 *           [--domain DOMAIN] [--assigned-gateway GATEWAY_ID] [--min-days N] [--force]
 *       refuses a certificate whose subject is not of CC, one with lint
 *       findings (lint.c) unless --force, or a signature that is not the
 *       trust anchor's over its DER
 *   offboard --thumbprint HEX | --cert CERT.pem
 *   list     every row with its integrity result (a federated row against
 *            its gateway's trust anchors)
 *   verify   only the rows that fail the integrity check; exit 1 when one does */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "pki/cms.h"
#include "base/codec.h"
#include "store/db.h"
#include "store/schema_version.h"
#include "store/trusted_party_roles.h"
#include "worker/gateway.h"
#include "pki/lint.h"
#include "pki/trust.h"
#include "pki/x509.h"
#include "base/uuid.h"
#include "base/xmalloc.h"

#include "admin.h"

int
cmd_ta_sign(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "ta-cert", required_argument, NULL, 'c' },
		{ "ta-key", required_argument, NULL, 'k' },
		{ "string", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const char *tacert = NULL, *takey = NULL, *text = NULL;
	unsigned char *der = NULL;
	size_t derlen = 0;
	EVP_PKEY *key = NULL;
	X509 *ta = NULL, *x = NULL;
	char *sig = NULL;
	FILE *f;
	int ch, rc = EX_ERROR;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': tacert = optarg; break;
		case 'k': takey = optarg; break;
		case 's': text = optarg; break;
		default: admin_usage();
		}
	}
	/* --string: the UTF-8 text itself is signed (trusted issuers). */
	if (tacert == NULL || takey == NULL || optind + (text == NULL) != argc)
		admin_usage();
	if ((ta = dgcg_x509_load_pem(tacert)) == NULL) {
		fprintf(stderr, "dgcg-admin: %s: not a PEM certificate\n", tacert);
		goto out;
	}
	if ((f = fopen(takey, "r")) == NULL) {
		fprintf(stderr, "dgcg-admin: %s: %s\n", takey, strerror(errno));
		goto out;
	}
	key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (key == NULL || X509_check_private_key(ta, key) != 1) {
		fprintf(stderr, "dgcg-admin: %s: not the private key of %s\n", takey, tacert);
		goto out;
	}
	if (text != NULL) {
		der = (unsigned char *)xstrdup(text);
		derlen = strlen(text);
	} else if ((x = admin_load_cert(argv[optind], &der, &derlen)) == NULL)
		goto out;
	if ((sig = dgcg_cms_sign(ta, key, der, derlen, 0)) == NULL) {
		fprintf(stderr, "dgcg-admin: signing failed\n");
		goto out;
	}
	printf("%s\n", sig);
	rc = 0;
out:
	free(sig);
	free(der);
	X509_free(x);
	X509_free(ta);
	EVP_PKEY_free(key);
	return rc;
}

/* 1 when s is a domain name: 1-32 characters of A-Z a-z 0-9 . _ - */
static int
domain_ok(const char *s)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++)
		if (!((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') ||
		    (s[n] >= '0' && s[n] <= '9') || s[n] == '.' || s[n] == '_' || s[n] == '-'))
			return 0;
	return n >= 1 && n <= DGCG_DOMAIN_MAX;
}

/* The v1 type whose usage the linter asks of a trusted-party group: a
 * DECA and a peer's trust anchor are CAs as a CSCA is (CA:TRUE,
 * keyCertSign), a peer's TLS pin is a client certificate. */
static enum dgcg_cert_type
lint_type(enum dgcg_group g)
{
	switch (g) {
	case DGCG_G_AUTHENTICATION:
	case DGCG_G_AUTHENTICATION_FEDERATION:
		return DGCG_CT_AUTHENTICATION;
	case DGCG_G_UPLOAD:
		return DGCG_CT_UPLOAD;
	default:
		return DGCG_CT_CSCA;
	}
}

int
cmd_onboard(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "country", required_argument, NULL, 'C' },
		{ "type", required_argument, NULL, 't' },
		{ "cert", required_argument, NULL, 'f' },
		{ "signature", required_argument, NULL, 's' },
		{ "domain", required_argument, NULL, 'd' },
		{ "assigned-gateway", required_argument, NULL, 'g' },
		{ "force", no_argument, NULL, 'F' },
		{ "min-days", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	const char *country = NULL, *tname = NULL, *certfile = NULL, *sigarg = NULL;
	const char *domain = DGCG_DOMAIN_DCC, *gateway = NULL;
	long min_days = DGCG_LINT_MIN_DAYS_DEFAULT;
	size_t findings;
	int force = 0;
	char thumb[DGCG_THUMB_HEX_LEN + 1], cc[DGCG_COUNTRY_MAX + 1], uuid[DGCG_UUID_LEN + 1];
	char *sig = NULL, *raw = NULL;
	unsigned char *der = NULL;
	size_t derlen = 0;
	enum dgcg_group group;
	enum dgcg_integrity ir;
	enum dgcg_err e;
	struct dgcg_gw gw;
	long long id = 0;
	X509 *x = NULL;
	int ch, n, rc = EX_ERROR, gw_open = 0;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'C': country = optarg; break;
		case 't': tname = optarg; break;
		case 'f': certfile = optarg; break;
		case 's': sigarg = optarg; break;
		case 'd': domain = optarg; break;
		case 'g': gateway = optarg; break;
		case 'F': force = 1; break;
		case 'm':
			if ((rc = admin_number_arg("--min-days", optarg, 0, 36500, &min_days)) != 0)
				return rc;
			break;
		default: admin_usage();
		}
	}
	if (country == NULL || tname == NULL || certfile == NULL || sigarg == NULL ||
	    optind != argc)
		admin_usage();
	group = dgcg_group_parse_ci(tname);
	if (!dgcg_group_is_party(group)) {
		fprintf(stderr, "dgcg-admin: --type must be AUTHENTICATION, UPLOAD, CSCA, DECA, "
		    "TRUSTANCHOR or AUTHENTICATION_FEDERATION (signer certificates are uploaded "
		    "by the countries)\n");
		return EX_USAGE;
	}
	if (!domain_ok(domain)) {
		fprintf(stderr, "dgcg-admin: --domain must be 1-32 characters of A-Z a-z 0-9 . _ -\n");
		return EX_USAGE;
	}
	/* A peer gateway's trust anchors and TLS pins name it (tng-gateway.md
	 * 10.2); nothing else does. */
	if ((gateway != NULL) != (group == DGCG_G_TRUSTANCHOR ||
	    group == DGCG_G_AUTHENTICATION_FEDERATION) ||
	    (gateway != NULL && (*gateway == '\0' || strlen(gateway) > DGCG_UUID_LEN))) {
		fprintf(stderr, "dgcg-admin: --assigned-gateway (the peer's gateway_id, at most 36 "
		    "characters) is required for TRUSTANCHOR and AUTHENTICATION_FEDERATION, and "
		    "only for them\n");
		return EX_USAGE;
	}
	if ((rc = admin_country_arg(country)) != 0)
		return rc;
	rc = EX_ERROR;
	if ((sig = admin_signature_arg(sigarg)) == NULL)
		return EX_ERROR;
	if ((x = admin_load_cert(certfile, &der, &derlen)) == NULL)
		goto out;
	n = dgcg_x509_subject_country(x, cc);
	/* A peer's TLS server certificate (or its CA) often names no
	 * country: without a C it is taken; with one, it must be country. */
	if ((n != 0 || group != DGCG_G_AUTHENTICATION_FEDERATION) &&
	    (n != 1 || strcmp(cc, country) != 0)) {
		fprintf(stderr, "dgcg-admin: refused: the certificate's subject has %s "
		    "(it must have exactly one C equal to %s)\n",
		    n == 0 ? "no C attribute" : n > 1 ? "more than one C attribute" : "another C",
		    country);
		rc = EX_REFUSED;
		goto out;
	}
	if (dgcg_uuid_new(uuid) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: no random UUID could be made\n");
		goto out;
	}
	if ((rc = admin_open_gw(&gw)) != 0)
		goto out;
	gw_open = 1;
	rc = EX_ERROR;
	/* The linter first (dgcg-admin lint): its findings refuse, unless
	 * --force, where they are warnings. */
	findings = admin_lint_report(stderr, "dgcg-admin: lint: ", x, lint_type(group), country,
	    &gw.conf,
	    (unsigned)min_days);
	if (findings > 0 && !force) {
		fprintf(stderr, "dgcg-admin: refused: %zu lint finding%s (--force onboards "
		    "anyway)\n", findings, findings == 1 ? "" : "s");
		rc = EX_REFUSED;
		goto out;
	}
	if (findings > 0)
		fprintf(stderr, "dgcg-admin: --force: onboarding despite %zu lint finding%s\n",
		    findings, findings == 1 ? "" : "s");
	dgcg_x509_thumbprint(der, derlen, thumb);
	raw = dgcg_b64_encode(der, derlen);
	ir = dgcg_gw_integrity(&gw, thumb, raw, sig);
	if (ir != DGCG_INTEGRITY_OK) {
		fprintf(stderr, "dgcg-admin: refused: %s\n", dgcg_integrity_text(ir));
		rc = EX_REFUSED;
		goto out;
	}
	e = dgcg_db_tp_insert(gw.db, country, thumb, raw, sig, group, domain, uuid, gateway, &id);
	if (e == DGCG_ERR_CONFLICT) {
		fprintf(stderr, "dgcg-admin: %s is already onboarded\n", thumb);
		rc = EX_EXISTS;
		goto out;
	}
	if (e != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		goto out;
	}
	if (strcmp(domain, DGCG_DOMAIN_DCC) == 0 && gateway == NULL)
		printf("onboarded id=%lld country=%s type=%s thumbprint=%s\n", id, country,
		    dgcg_group_name(group), thumb);
	else
		printf("onboarded id=%lld country=%s type=%s thumbprint=%s domain=%s%s%s\n", id,
		    country, dgcg_group_name(group), thumb, domain,
		    gateway != NULL ? " assigned_gateway=" : "", gateway != NULL ? gateway : "");
	rc = 0;
out:
	if (gw_open)
		dgcg_gw_free(&gw);
	X509_free(x);
	free(der);
	free(raw);
	free(sig);
	return rc;
}

/* The row and its roles (they reference it), in one transaction. */
static enum dgcg_err
offboard_work(struct dgcg_db *db, void *arg)
{
	const char *thumb = arg;
	enum dgcg_err rc;

	if ((rc = dgcg_db_roles_delete_of(db, thumb)) != DGCG_OK)
		return rc;
	return dgcg_db_tp_delete(db, thumb);
}

int
cmd_offboard(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "thumbprint", required_argument, NULL, 't' },
		{ "cert", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	char thumb[DGCG_THUMB_HEX_LEN + 1];
	const char *targ = NULL, *certfile = NULL;
	struct dgcg_gw gw;
	enum dgcg_err e;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 't': targ = optarg; break;
		case 'f': certfile = optarg; break;
		default: admin_usage();
		}
	}
	if ((targ == NULL) == (certfile == NULL) || optind != argc)
		admin_usage();
	if ((rc = admin_thumb_arg(targ, certfile, thumb)) != 0)
		return rc;
	if ((rc = admin_open_gw(&gw)) != 0)
		return rc;
	e = dgcg_db_tx(gw.db, offboard_work, thumb);
	if (e == DGCG_ERR_NOTFOUND) {
		fprintf(stderr, "dgcg-admin: no trusted party with thumbprint %s\n", thumb);
		rc = EX_REFUSED;
	} else if (e != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		rc = EX_ERROR;
	} else
		printf("offboarded thumbprint=%s\n", thumb);
	dgcg_gw_free(&gw);
	return rc;
}

/* list and verify share the scan: verify prints only failures and exits 1
 * when there is one; list prints every row with its integrity result (a
 * federated row against its gateway's trust anchors). */
static int
scan(int verify)
{
	struct dgcg_tp_list rows = { NULL, 0 };
	struct dgcg_gw gw;
	enum dgcg_integrity ir;
	char when[32];
	struct tm tm;
	size_t i, bad = 0;
	int rc;

	if ((rc = admin_open_gw(&gw)) != 0)
		return rc;
	if (dgcg_db_tp_select(gw.db, NULL, NULL, DGCG_G__MAX, &rows) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		dgcg_gw_free(&gw);
		return EX_ERROR;
	}
	if (!verify)
		printf("%-6s %-2s %-14s %-64s %-20s %s\n", "id", "cc", "type", "thumbprint",
		    "created_at", "integrity");
	for (i = 0; i < rows.n; i++) {
		const struct dgcg_tp *t = &rows.v[i];
		const char *tn = dgcg_group_name(t->group);

		ir = dgcg_gw_party_integrity(&gw, t);
		if (ir == DGCG_INTEGRITY_OK && tn == NULL)
			ir = DGCG_INTEGRITY_BAD_CERT;
		if (ir != DGCG_INTEGRITY_OK)
			bad++;
		gmtime_r(&t->created_at, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (!verify)
			printf("%-6lld %-2s %-14s %-64s %-20s %s%s%s%s%s\n", t->id, t->country,
			    tn ? tn : "?", t->thumbprint, when,
			    ir == DGCG_INTEGRITY_OK ? "ok" : "FAILED",
			    strcmp(t->domain, DGCG_DOMAIN_DCC) != 0 ? " domain=" : "",
			    strcmp(t->domain, DGCG_DOMAIN_DCC) != 0 ? t->domain : "",
			    t->source_gateway[0] != '\0' ? " federated=" : "", t->source_gateway);
		else if (ir != DGCG_INTEGRITY_OK)
			printf("FAILED id=%lld country=%s type=%s thumbprint=%s: %s\n", t->id,
			    t->country, tn ? tn : "(unknown type)", t->thumbprint,
			    tn == NULL ? "certificate_type is not a trusted-party group" :
			    dgcg_integrity_text(ir));
	}
	if (verify)
		printf("%zu rows checked, %zu failed\n", rows.n, bad);
	dgcg_tp_list_free(&rows);
	dgcg_gw_free(&gw);
	return bad > 0 && verify ? EX_REFUSED : 0;
}

int
cmd_party_list(int argc, char *argv[])
{
	if (argc != 1)
		admin_usage();
	return scan(0);
}

int
cmd_party_verify(int argc, char *argv[])
{
	if (argc != 1)
		admin_usage();
	return scan(1);
}
