/* roles.c: dgcg-admin roles: the revocation roles of AUTHENTICATION
 * certificates (trusted_party_roles).
 *
 *   roles grant  --thumbprint HEX | --cert PEM  ROLE...
 *   roles revoke --thumbprint HEX | --cert PEM  ROLE...
 *   roles list
 *
 * ROLE is REVOCATION_LIST_READER, REVOCATION_UPLOADER or REVOCATION_DELETER
 * (any case; READER, UPLOADER, DELETER for short) or ALL. Roles can only be
 * given to AUTHENTICATION rows, the only ones the gateway checks them on.
 * They are not covered by the trust anchor's signature (as in the
 * reference): granting one is an operator decision recorded here. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "admin.h"
#include "store/db.h"
#include "store/trusted_party_roles.h"
#include "base/xmalloc.h"

/* ROLE arguments into a mask; 0 (after a message) when one is unknown. */
static unsigned
parse_roles(int argc, char *argv[])
{
	unsigned mask = 0;
	enum dgcg_role r;
	int i;

	for (i = 0; i < argc; i++) {
		if (strcasecmp(argv[i], "ALL") == 0) {
			mask |= DGCG_ROLE_BIT(DGCG_ROLE_READER) | DGCG_ROLE_BIT(DGCG_ROLE_UPLOADER) |
			    DGCG_ROLE_BIT(DGCG_ROLE_DELETER);
			continue;
		}
		if (strcasecmp(argv[i], "READER") == 0)
			r = DGCG_ROLE_READER;
		else if (strcasecmp(argv[i], "UPLOADER") == 0)
			r = DGCG_ROLE_UPLOADER;
		else if (strcasecmp(argv[i], "DELETER") == 0)
			r = DGCG_ROLE_DELETER;
		else
			r = dgcg_role_parse(argv[i]);
		if (r == DGCG_ROLE__MAX) {
			fprintf(stderr, "dgcg-admin: unknown role %s (REVOCATION_LIST_READER, "
			    "REVOCATION_UPLOADER, REVOCATION_DELETER, ALL)\n", argv[i]);
			return 0;
		}
		mask |= DGCG_ROLE_BIT(r);
	}
	return mask;
}

struct roles_work {
	long long	 tp_id;
	unsigned	 mask;
	int		 grant;
	int		*changed;	/* [DGCG_ROLE__MAX] */
};

/* Every role of the mask granted or revoked, in one transaction. */
static enum dgcg_err
roles_work(struct dgcg_db *db, void *arg)
{
	const struct roles_work *w = arg;
	enum dgcg_role r;
	enum dgcg_err rc = DGCG_OK;

	for (r = 0; r < DGCG_ROLE__MAX && rc == DGCG_OK; r++) {
		w->changed[r] = 0;
		if (!(w->mask & DGCG_ROLE_BIT(r)))
			continue;
		rc = w->grant ? dgcg_db_role_grant(db, w->tp_id, r, &w->changed[r]) :
		    dgcg_db_role_revoke(db, w->tp_id, r, &w->changed[r]);
	}
	return rc;
}

static int
change(int grant, int argc, char *argv[])
{
	struct roles_work w;
	static const struct option opts[] = {
		{ "thumbprint", required_argument, NULL, 't' },
		{ "cert", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct dgcg_tp_list rows = { NULL, 0 };
	const char *targ = NULL, *certfile = NULL;
	char thumb[DGCG_THUMB_HEX_LEN + 1];
	struct dgcg_gw gw;
	enum dgcg_err rc = DGCG_OK;
	enum dgcg_role r;
	unsigned mask;
	int ch, res, changed[DGCG_ROLE__MAX] = { 0 };

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 't': targ = optarg; break;
		case 'f': certfile = optarg; break;
		default: admin_usage();
		}
	}
	if ((targ == NULL) == (certfile == NULL) || optind >= argc)
		admin_usage();
	if ((mask = parse_roles(argc - optind, argv + optind)) == 0)
		return EX_USAGE;
	if ((res = admin_thumb_arg(targ, certfile, thumb)) != 0)
		return res;
	if ((res = admin_open_gw(&gw)) != 0)
		return res;
	res = EX_ERROR;
	if (dgcg_db_tp_select(gw.db, thumb, NULL, DGCG_G__MAX, &rows) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		goto out;
	}
	if (rows.n == 0) {
		fprintf(stderr, "dgcg-admin: no trusted party with thumbprint %s\n", thumb);
		res = EX_REFUSED;
		goto out;
	}
	if (rows.v[0].type != DGCG_CT_AUTHENTICATION) {
		fprintf(stderr, "dgcg-admin: refused: %s is not an AUTHENTICATION certificate "
		    "(roles only apply to client certificates)\n", thumb);
		res = EX_REFUSED;
		goto out;
	}
	w.tp_id = rows.v[0].id;
	w.mask = mask;
	w.grant = grant;
	w.changed = changed;
	rc = dgcg_db_tx(gw.db, roles_work, &w);
	if (rc != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		goto out;
	}
	for (r = 0; r < DGCG_ROLE__MAX; r++) {
		if (!(mask & DGCG_ROLE_BIT(r)))
			continue;
		printf("%s %s id=%lld country=%s thumbprint=%s%s\n", grant ? "granted" : "revoked",
		    dgcg_role_name(r), rows.v[0].id, rows.v[0].country, thumb,
		    changed[r] ? "" : grant ? " (already held)" : " (was not held)");
	}
	res = 0;
out:
	dgcg_tp_list_free(&rows);
	dgcg_gw_free(&gw);
	return res;
}

static int
list(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	struct dgcg_role_row *rows = NULL;
	struct dgcg_gw gw;
	size_t n = 0, i;
	enum dgcg_role r;
	int res, first;

	if ((res = admin_open_gw(&gw)) != 0)
		return res;
	if (dgcg_db_roles_list(gw.db, &rows, &n) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		dgcg_gw_free(&gw);
		return EX_ERROR;
	}
	printf("%-6s %-2s %-14s %-64s %s\n", "id", "cc", "type", "thumbprint", "roles");
	for (i = 0; i < n; i++) {
		printf("%-6lld %-2s %-14s %-64s ", rows[i].tp_id, rows[i].country, rows[i].type,
		    rows[i].thumbprint);
		first = 1;
		for (r = 0; r < DGCG_ROLE__MAX; r++)
			if (rows[i].mask & DGCG_ROLE_BIT(r)) {
				printf("%s%s", first ? "" : ",", dgcg_role_name(r));
				first = 0;
			}
		if (rows[i].other != NULL)
			printf("%s%s (unknown)", first ? "" : ",", rows[i].other);
		printf("\n");
	}
	dgcg_role_rows_free(rows, n);
	dgcg_gw_free(&gw);
	return 0;
}

static int
grant(int argc, char *argv[])
{
	return change(1, argc, argv);
}

static int
revoke(int argc, char *argv[])
{
	return change(0, argc, argv);
}

int
cmd_roles(int argc, char *argv[])
{
	static const struct admin_sub subs[] = {
		{ "grant", grant, 0 },
		{ "revoke", revoke, 0 },
		{ "list", list, 1 },
	};

	return admin_subcommand(argc, argv, subs, sizeof(subs) / sizeof(subs[0]));
}
