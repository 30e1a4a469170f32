/* issuers.c: dgcg-admin issuer: trusted issuers (trusted_issuer).
 *
 *   issuer string --country CC --name NAME --url URL --url-type HTTP|DID
 *       [--format dgcg|tng]
 *       prints the text the trust anchor signs, for dgcg-admin ta-sign
 *       --string on the trust anchor's host: by default DGCG's
 *       "CC;NAME;URL;TYPE;" (what dgc-lib checks), with --format tng TNG's
 *       "CC;NAME;URL;TYPE" (what ddcc-gateway-lib checks); the gateway
 *       accepts a signature over either
 *   issuer add --country CC --name NAME --url URL --url-type HTTP|DID
 *       --signature BASE64|@FILE [--thumbprint HEX] [--ssl-public-key KEY]
 *       [--key-storage-type TYPE] [--uuid UUID] [--domain DOMAIN]
 *       refuses a signature that does not verify against the trust anchor
 *   issuer list       every row with its integrity result
 *   issuer remove --id N | --uuid UUID */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "base/codec.h"
#include "domain/issuers.h"
#include "base/uuid.h"

struct fields {
	const char	*country, *name, *url, *type, *sig, *thumb, *sslkey, *kst, *uuid, *domain;
	const char	*format;
	long long	 id;
	int		 has_id;
};

static void
parse(int argc, char *argv[], struct fields *f)
{
	static const struct option opts[] = {
		{ "country", required_argument, NULL, 'C' },
		{ "name", required_argument, NULL, 'n' },
		{ "url", required_argument, NULL, 'u' },
		{ "url-type", required_argument, NULL, 't' },
		{ "signature", required_argument, NULL, 's' },
		{ "thumbprint", required_argument, NULL, 'T' },
		{ "ssl-public-key", required_argument, NULL, 'k' },
		{ "key-storage-type", required_argument, NULL, 'K' },
		{ "uuid", required_argument, NULL, 'U' },
		{ "domain", required_argument, NULL, 'd' },
		{ "id", required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int ch;

	memset(f, 0, sizeof(*f));
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'C': f->country = optarg; break;
		case 'n': f->name = optarg; break;
		case 'u': f->url = optarg; break;
		case 't': f->type = optarg; break;
		case 's': f->sig = optarg; break;
		case 'T': f->thumb = optarg; break;
		case 'k': f->sslkey = optarg; break;
		case 'K': f->kst = optarg; break;
		case 'U': f->uuid = optarg; break;
		case 'd': f->domain = optarg; break;
		case 'F': f->format = optarg; break;
		case 'i':
			errno = 0;
			f->id = strtoll(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || f->id <= 0) {
				fprintf(stderr, "dgcg-admin: --id must be a positive number\n");
				exit(EX_USAGE);
			}
			f->has_id = 1;
			break;
		default:
			admin_usage();
		}
	}
	if (optind != argc)
		admin_usage();
}

/* The fields the signed string is made of. 0 or EX_USAGE. */
static int
check_core(const struct fields *f)
{
	if (f->country == NULL || f->name == NULL || f->url == NULL || f->type == NULL)
		admin_usage();
	if (admin_country_arg(f->country) != 0)
		return EX_USAGE;
	if (strcmp(f->type, "HTTP") != 0 && strcmp(f->type, "DID") != 0) {
		fprintf(stderr, "dgcg-admin: --url-type must be HTTP or DID\n");
		return EX_USAGE;
	}
	if (*f->name == '\0' || strlen(f->name) > 512 || *f->url == '\0' ||
	    strlen(f->url) > 1024) {
		fprintf(stderr, "dgcg-admin: --name (1-512) and --url (1-1024 characters) "
		    "are required\n");
		return EX_USAGE;
	}
	return 0;
}

static int
cmd_string(int argc, char *argv[])
{
	enum dgcg_issuer_format form = DGCG_ISSUER_DGCG;
	struct fields f;
	char *s;
	int rc;

	parse(argc, argv, &f);
	if ((rc = check_core(&f)) != 0)
		return rc;
	if (f.format != NULL && strcmp(f.format, "tng") == 0)
		form = DGCG_ISSUER_TNG;
	else if (f.format != NULL && strcmp(f.format, "dgcg") != 0) {
		fprintf(stderr, "dgcg-admin: --format must be dgcg or tng\n");
		return EX_USAGE;
	}
	s = dgcg_issuer_signed_string(f.country, f.name, f.url, f.type, form);
	printf("%s\n", s);
	free(s);
	return 0;
}

static int
cmd_add(int argc, char *argv[])
{
	struct dgcg_issuer is;
	struct fields f;
	struct dgcg_gw gw;
	enum dgcg_integrity ir;
	enum dgcg_err e;
	char thumb[DGCG_THUMB_HEX_LEN + 1], uuid[DGCG_UUID_LEN + 1], *sig = NULL;
	const char *exc = NULL;
	long long id = 0;
	int rc;

	parse(argc, argv, &f);
	if ((rc = check_core(&f)) != 0)
		return rc;
	if (f.sig == NULL)
		admin_usage();
	if (f.thumb != NULL && (rc = admin_thumb_arg(f.thumb, NULL, thumb)) != 0)
		return rc;
	if ((f.sslkey != NULL && strlen(f.sslkey) > 2048) ||
	    (f.kst != NULL && strlen(f.kst) > 128) ||
	    (f.domain != NULL && (strlen(f.domain) > DGCG_DOMAIN_MAX || *f.domain == '\0'))) {
		fprintf(stderr, "dgcg-admin: --ssl-public-key (2048), --key-storage-type (128) or "
		    "--domain (1-32 characters) too long\n");
		return EX_USAGE;
	}
	if (f.uuid != NULL) {
		if (!dgcg_uuid_valid(f.uuid)) {
			fprintf(stderr, "dgcg-admin: --uuid must be a lower-case UUID\n");
			return EX_USAGE;
		}
		snprintf(uuid, sizeof(uuid), "%s", f.uuid);
	} else if (dgcg_uuid_new(uuid) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: no random UUID could be made\n");
		return EX_ERROR;
	}
	if ((sig = admin_signature_arg(f.sig)) == NULL)
		return EX_ERROR;

	memset(&is, 0, sizeof(is));
	snprintf(is.country, sizeof(is.country), "%s", f.country);
	is.name = (char *)(uintptr_t)f.name;
	is.url = (char *)(uintptr_t)f.url;
	is.url_type = (char *)(uintptr_t)f.type;
	is.signature = sig;
	is.thumbprint = f.thumb != NULL ? thumb : NULL;
	is.ssl_public_key = (char *)(uintptr_t)f.sslkey;
	is.key_storage_type = (char *)(uintptr_t)f.kst;
	is.uuid = uuid;
	is.domain = (char *)(uintptr_t)f.domain;

	if ((rc = admin_open_gw(&gw)) != 0) {
		free(sig);
		return rc;
	}
	rc = EX_ERROR;
	if ((ir = dgcg_issuer_verify(gw.ta, &is, NULL, &exc)) != DGCG_INTEGRITY_OK) {
		fprintf(stderr, "dgcg-admin: refused: the signature is not the trust anchor's over "
		    "\"%s;%s;%s;%s;\" or \"%s;%s;%s;%s\": %s%s%s\n", f.country, f.name, f.url,
		    f.type, f.country, f.name, f.url, f.type,
		    dgcg_integrity_text(ir), exc ? ": " : "", exc ? exc : "");
		rc = EX_REFUSED;
		goto out;
	}
	e = dgcg_db_issuer_insert(gw.db, &is, &id);
	if (e == DGCG_ERR_CONFLICT) {
		fprintf(stderr, "dgcg-admin: an issuer with uuid %s exists\n", uuid);
		rc = EX_EXISTS;
		goto out;
	}
	if (e != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		goto out;
	}
	printf("issuer added id=%lld country=%s uuid=%s\n", id, f.country, uuid);
	rc = 0;
out:
	dgcg_gw_free(&gw);
	free(sig);
	return rc;
}

static int
cmd_list(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	struct dgcg_issuer_list l = { NULL, 0 };
	struct dgcg_gw gw;
	enum dgcg_integrity ir;
	size_t i;
	int rc;

	if ((rc = admin_open_gw(&gw)) != 0)
		return rc;
	if (dgcg_db_issuers_select(gw.db, &l) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		dgcg_gw_free(&gw);
		return EX_ERROR;
	}
	printf("%-6s %-2s %-4s %-36s %-9s %s | %s\n", "id", "cc", "type", "uuid", "integrity",
	    "name", "url");
	for (i = 0; i < l.n; i++) {
		const struct dgcg_ta *ta = gw.ta;

		if (l.v[i].source_gateway != NULL &&
		    (ta = dgcg_gw_peer_ta(&gw, l.v[i].source_gateway)) == NULL)
			ir = DGCG_INTEGRITY_NO_TA;
		else
			ir = dgcg_issuer_verify(ta, &l.v[i], NULL, NULL);
		printf("%-6lld %-2s %-4s %-36s %-9s %s | %s\n", l.v[i].id, l.v[i].country,
		    l.v[i].url_type ? l.v[i].url_type : "", l.v[i].uuid ? l.v[i].uuid : "-",
		    ir == DGCG_INTEGRITY_OK ? "ok" : "FAILED", l.v[i].name ? l.v[i].name : "",
		    l.v[i].url ? l.v[i].url : "");
	}
	dgcg_issuer_list_free(&l);
	dgcg_gw_free(&gw);
	return 0;
}

static int
cmd_remove(int argc, char *argv[])
{
	struct fields f;
	struct dgcg_gw gw;
	enum dgcg_err e;
	int rc;

	parse(argc, argv, &f);
	if (f.has_id == (f.uuid != NULL))
		admin_usage();
	if ((rc = admin_open_gw(&gw)) != 0)
		return rc;
	e = dgcg_db_issuer_delete(gw.db, f.has_id ? f.id : 0, f.uuid);
	if (e == DGCG_ERR_NOTFOUND) {
		fprintf(stderr, "dgcg-admin: no such issuer\n");
		rc = EX_REFUSED;
	} else if (e != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		rc = EX_ERROR;
	} else
		printf("issuer removed\n");
	dgcg_gw_free(&gw);
	return rc;
}

int
cmd_issuer(int argc, char *argv[])
{
	static const struct admin_sub subs[] = {
		{ "string", cmd_string, 0 },
		{ "add", cmd_add, 0 },
		{ "list", cmd_list, 1 },
		{ "remove", cmd_remove, 0 },
	};

	return admin_subcommand(argc, argv, subs, sizeof(subs) / sizeof(subs[0]));
}
