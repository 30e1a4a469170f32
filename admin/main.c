/* main.c: dgcg-admin, the operator's tool: its options, its usage and the
 * table of its commands, each group in its own file (trusted parties,
 * schema migrations, value sets, purge, roles, trusted issuers, the
 * onboarding linter, certificate expiry). All logic
 * lives in lib/; the command files parse their arguments and print.
 *
 * Exit status: 0 success; 1 refused or an integrity failure; 2 database or
 * file error; 3 already onboarded; 64 usage; 78 configuration error. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/conf.h"
#include "base/log.h"

#include "admin.h"

const char *admin_conf_path;
int admin_cmd_db;

void
admin_usage(void)
{
	fprintf(stderr,
	    "usage: dgcg-admin [-c config] command [options]\n"
	    "  ta-sign --ta-cert FILE --ta-key FILE CERT.pem | --string TEXT\n"
	    "  onboard --country CC --type AUTHENTICATION|UPLOAD|CSCA|DECA|TRUSTANCHOR|\n"
	    "          AUTHENTICATION_FEDERATION --cert CERT.pem --signature BASE64|@FILE\n"
	    "          [--domain DOMAIN] [--assigned-gateway GATEWAY_ID] [--min-days N] [--force]\n"
	    "  offboard --thumbprint HEX | --cert CERT.pem\n"
	    "  list\n"
	    "  verify\n"
	    "  migrate\n"
	    "  valuesets import FILE|DIR ...\n"
	    "  purge [--days N]\n"
	    "  roles grant|revoke --thumbprint HEX|--cert PEM ROLE...\n"
	    "  roles list\n"
	    "  issuer string --country CC --name NAME --url URL --url-type HTTP|DID\n"
	    "                [--format dgcg|tng]\n"
	    "  issuer add --country CC --name NAME --url URL --url-type HTTP|DID\n"
	    "             --signature BASE64|@FILE [--thumbprint HEX] [--ssl-public-key KEY]\n"
	    "             [--key-storage-type TYPE] [--uuid UUID] [--domain DOMAIN]\n"
	    "  issuer list\n"
	    "  issuer remove --id N | --uuid UUID\n"
	    "  lint CERT.pem --type AUTHENTICATION|UPLOAD|CSCA|DSC --country CC [--min-days N]\n"
	    "  expiry [--days N]\n"
	    "  federation string --id GW --endpoint URL --kid KID [--public-key KEY]\n"
	    "             [--downloader v1|v2] [--target TARGET] [--mode MODE]\n"
	    "  federation add (as string) --interval SECONDS --signature BASE64|@FILE\n"
	    "  federation list\n"
	    "  federation remove --id GW\n"
	    "  federation run [--id GW] [--accept-shrink]\n");
	exit(EX_USAGE);
}

/* The commands: name, function (argv[0] is the name; it parses the rest
 * and returns the exit status) and whether it connects to the database. A
 * command connects itself (admin_open_gw), after checking its arguments,
 * so that a usage error is reported before a configuration or database
 * error; the flag documents it, and admin_open_gw asserts it. */
static const struct admin_cmd {
	const char	*name;
	int		(*fn)(int argc, char *argv[]);
	int		 db;
} cmds[] = {
	{ "ta-sign",	cmd_ta_sign,		0 },	/* parties.c */
	{ "onboard",	cmd_onboard,		1 },
	{ "offboard",	cmd_offboard,		1 },
	{ "list",	cmd_party_list,		1 },
	{ "verify",	cmd_party_verify,	1 },
	{ "migrate",	cmd_migrate,		1 },	/* schema.c */
	{ "valuesets",	cmd_valuesets,		1 },	/* valuesets.c */
	{ "purge",	cmd_purge,		1 },	/* purge.c */
	{ "roles",	cmd_roles,		1 },	/* roles.c */
	{ "issuer",	cmd_issuer,		1 },	/* issuers.c ("issuer string" does not) */
	{ "lint",	cmd_lint,		0 },	/* lint.c */
	{ "expiry",	cmd_expiry,		1 },	/* expiry.c */
	{ "federation",	cmd_federation,		1 },	/* federation.c ("federation string" does not) */
};

int
main(int argc, char *argv[])
{
	const struct admin_cmd *c;
	const char *cmd;
	int ch;

	admin_conf_path = getenv("DGCG_CONFIG");
	/* '+': stop at the command, whose options are parsed by it. */
	while ((ch = getopt(argc, argv, "+c:")) != -1) {
		switch (ch) {
		case 'c':
			admin_conf_path = optarg;
			break;
		default:
			admin_usage();
		}
	}
	if (optind >= argc)
		admin_usage();
	if (admin_conf_path == NULL)
		admin_conf_path = DGCG_CONF_PATH;
	/* Library log lines (e.g. integrity failures) go to stderr. */
	dgcg_log_open(NULL, DGCG_LOG_WARN);
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 1;
	for (c = cmds; c < cmds + sizeof(cmds) / sizeof(cmds[0]); c++) {
		if (strcmp(cmd, c->name) == 0) {
			admin_cmd_db = c->db;
			return c->fn(argc, argv);
		}
	}
	admin_usage();
}
