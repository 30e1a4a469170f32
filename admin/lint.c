/* lint.c: dgcg-admin lint, the onboarding linter (lib/pki/lint.h) for a
 * certificate before anyone TA-signs it; onboard runs the same report.
 *
 *   lint CERT.pem --type AUTHENTICATION|UPLOAD|CSCA|DSC --country CC [--min-days N]
 *       prints "RULE: TEXT" per finding, then "N findings"; exit 0 when
 *       there is none, 1 when there are. No database: the SecReq-042 keys
 *       (min_rsa_bits, min_ec_bits, allow_sha1) come from the
 *       configuration file (-c), their defaults when it sets none. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <openssl/x509.h>

#include "base/conf.h"
#include "pki/lint.h"

#include "admin.h"

size_t
admin_lint_report(FILE *out, const char *prefix, X509 *x, enum dgcg_cert_type type,
    const char *country, const struct dgcg_conf *conf, unsigned min_days)
{
	struct dgcg_lint_policy p = { conf->min_rsa_bits, conf->min_ec_bits, conf->allow_sha1,
	    min_days, time(NULL) };
	struct dgcg_lint l;
	size_t i;

	dgcg_lint_cert(x, type, country, &p, &l);
	for (i = 0; i < l.n; i++)
		fprintf(out, "%s%s: %s\n", prefix, dgcg_lint_rule_name(l.v[i].rule), l.v[i].text);
	return l.n;
}

int
cmd_lint(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "country", required_argument, NULL, 'C' },
		{ "min-days", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	const char *tname = NULL, *country = NULL, *path = NULL;
	long min_days = DGCG_LINT_MIN_DAYS_DEFAULT;
	enum dgcg_cert_type type;
	struct dgcg_conf conf;
	unsigned char *der = NULL;
	size_t derlen = 0, n;
	char err[512];
	X509 *x;
	int ch, rc;

	/* CERT.pem first, as the manual writes it, or after the options (the
	 * option parser stops at the first operand, main.c). */
	if (argc > 1 && argv[1][0] != '-') {
		path = argv[1];
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 't': tname = optarg; break;
		case 'C': country = optarg; break;
		case 'm':
			if ((rc = admin_number_arg("--min-days", optarg, 0, 36500, &min_days)) != 0)
				return rc;
			break;
		default: admin_usage();
		}
	}
	if (path == NULL && optind < argc)
		path = argv[optind++];
	if (tname == NULL || country == NULL || path == NULL || optind != argc)
		admin_usage();
	if ((rc = admin_type_arg(tname, 1, &type)) != 0 || (rc = admin_country_arg(country)) != 0)
		return rc;
	dgcg_conf_defaults(&conf);
	err[0] = '\0';
	if (dgcg_conf_load(admin_conf_path, &conf, err, sizeof(err)) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: %s\n", err);
		dgcg_conf_free(&conf);
		return EX_CONFIG;
	}
	if ((x = admin_load_cert(path, &der, &derlen)) == NULL) {
		dgcg_conf_free(&conf);
		return EX_ERROR;
	}
	n = admin_lint_report(stdout, "", x, type, country, &conf, (unsigned)min_days);
	printf("%zu finding%s\n", n, n == 1 ? "" : "s");
	X509_free(x);
	free(der);
	dgcg_conf_free(&conf);
	return n > 0 ? EX_REFUSED : 0;
}
