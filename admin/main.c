/* main.c: dgcg-admin, the operator's tool: trust-anchor signing, onboarding
 * and offboarding trusted parties, integrity scans and schema migrations.
 * All logic lives in lib/; this file parses arguments and prints.
 *
 * Exit status: 0 success; 1 refused or an integrity failure; 2 database or
 * file error; 3 already onboarded; 64 usage; 78 configuration error. */
#include "config.h"

#include <dirent.h>
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
#include "base/conf.h"
#include "store/db.h"
#include "store/schema_version.h"
#include "store/trusted_party_roles.h"
#include "worker/gateway.h"
#include "base/log.h"
#include "pki/trust.h"
#include "pki/x509.h"
#include "base/uuid.h"
#include "base/xmalloc.h"

#include "admin.h"

const char *admin_conf_path;

void
admin_usage(void)
{
	fprintf(stderr,
	    "usage: dgcg-admin [-c config] command [options]\n"
	    "  ta-sign --ta-cert FILE --ta-key FILE CERT.pem | --string TEXT\n"
	    "  onboard --country CC --type AUTHENTICATION|UPLOAD|CSCA|DECA|TRUSTANCHOR|\n"
	    "          AUTHENTICATION_FEDERATION --cert CERT.pem --signature BASE64|@FILE\n"
	    "          [--domain DOMAIN] [--assigned-gateway GATEWAY_ID]\n"
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
	    "  issuer remove --id N | --uuid UUID\n");
	exit(EX_USAGE);
}

int
admin_open_gw(struct dgcg_gw *gw)
{
	char err[512];

	err[0] = '\0';
	if (dgcg_gw_init(gw, admin_conf_path, 1, err, sizeof(err)) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: %s\n", err);
		dgcg_gw_free(gw);
		return EX_CONFIG;
	}
	if (dgcg_db_connect(gw->db) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw->db));
		dgcg_gw_free(gw);
		return EX_ERROR;
	}
	return 0;
}

/* Reads a PEM certificate file into DER; returns the X509 or NULL. */
static X509 *
load_cert(const char *path, unsigned char **der, size_t *derlen)
{
	X509 *x = dgcg_x509_load_pem(path);

	if (x == NULL) {
		fprintf(stderr, "dgcg-admin: %s: not a PEM certificate\n", path);
		return NULL;
	}
	*der = dgcg_x509_to_der(x, derlen);
	if (*der == NULL) {
		X509_free(x);
		return NULL;
	}
	return x;
}

char *
admin_read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = xrealloc(buf, cap);
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		if (r == 0)
			break;
		n += r;
		/* Refused, not cut: a cut migration would apply half. */
		if (n > ADMIN_TEXT_MAX) {
			fclose(f);
			free(buf);
			errno = EFBIG;
			return NULL;
		}
	}
	if (ferror(f)) {
		fclose(f);
		free(buf);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	if (buf == NULL)
		buf = xstrdup("");
	else
		buf[n] = '\0';
	return buf;
}

static int
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
	} else if ((x = load_cert(argv[optind], &der, &derlen)) == NULL)
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

static int
cmd_onboard(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "country", required_argument, NULL, 'C' },
		{ "type", required_argument, NULL, 't' },
		{ "cert", required_argument, NULL, 'f' },
		{ "signature", required_argument, NULL, 's' },
		{ "domain", required_argument, NULL, 'd' },
		{ "assigned-gateway", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 }
	};
	const char *country = NULL, *tname = NULL, *certfile = NULL, *sigarg = NULL;
	const char *domain = DGCG_DOMAIN_DCC, *gateway = NULL;
	char thumb[DGCG_THUMB_HEX_LEN + 1], cc[DGCG_COUNTRY_MAX + 1], uuid[DGCG_UUID_LEN + 1];
	char *sig = NULL, *raw = NULL, *p;
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
	if (strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' ||
	    country[1] < 'A' || country[1] > 'Z') {
		fprintf(stderr, "dgcg-admin: --country must be two upper-case letters\n");
		return EX_USAGE;
	}
	if (sigarg[0] == '@') {
		if ((sig = admin_read_text(sigarg + 1)) == NULL) {
			fprintf(stderr, "dgcg-admin: %s: %s\n", sigarg + 1, strerror(errno));
			return EX_ERROR;
		}
	} else
		sig = xstrdup(sigarg);
	/* Trim surrounding whitespace of a signature file. */
	for (p = sig + strlen(sig); p > sig && (p[-1] == '\n' || p[-1] == '\r' ||
	    p[-1] == ' ' || p[-1] == '\t'); p--)
		p[-1] = '\0';
	if ((x = load_cert(certfile, &der, &derlen)) == NULL)
		goto out;
	n = dgcg_x509_subject_country(x, cc);
	if (n != 1 || strcmp(cc, country) != 0) {
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

static int
cmd_offboard(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "thumbprint", required_argument, NULL, 't' },
		{ "cert", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	char thumb[DGCG_THUMB_HEX_LEN + 1];
	const char *targ = NULL, *certfile = NULL;
	unsigned char *der = NULL;
	size_t derlen = 0, i;
	struct dgcg_gw gw;
	enum dgcg_err e;
	X509 *x;
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
	if (certfile != NULL) {
		if ((x = load_cert(certfile, &der, &derlen)) == NULL)
			return EX_ERROR;
		dgcg_x509_thumbprint(der, derlen, thumb);
		X509_free(x);
		free(der);
	} else {
		if (strlen(targ) != DGCG_THUMB_HEX_LEN || !dgcg_is_hex(targ, DGCG_THUMB_HEX_LEN)) {
			fprintf(stderr, "dgcg-admin: --thumbprint must be 64 hex characters\n");
			return EX_USAGE;
		}
		for (i = 0; i <= DGCG_THUMB_HEX_LEN; i++)
			thumb[i] = (char)(targ[i] >= 'A' && targ[i] <= 'F' ? targ[i] + 32 : targ[i]);
	}
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

static int
mig_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cmd_migrate(void)
{
	struct dgcg_gw gw;
	struct dirent *de;
	char dir[4096], path[4096 + 256], **names = NULL, *sql, *end;
	size_t n = 0, i;
	int rc, cur = 0, applied = 0;
	long num;
	DIR *d;

	if ((rc = admin_open_gw(&gw)) != 0)
		return rc;
	rc = EX_ERROR;
	if (dgcg_db_schema_version(gw.db, &cur) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s/migrations", gw.conf.sql_dir);
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "dgcg-admin: %s: %s\n", dir, strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l > 4 && strcmp(de->d_name + l - 4, ".sql") == 0 &&
		    de->d_name[0] >= '0' && de->d_name[0] <= '9') {
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(de->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), mig_cmp);
	for (i = 0; i < n; i++) {
		errno = 0;
		num = strtol(names[i], &end, 10);
		if (errno != 0 || *end != '_' || num <= 0 || num > 100000) {
			fprintf(stderr, "dgcg-admin: %s: name must be NNN_description.sql\n", names[i]);
			goto out;
		}
		if (num <= cur)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((sql = admin_read_text(path)) == NULL) {
			fprintf(stderr, "dgcg-admin: %s: %s\n", path, strerror(errno));
			goto out;
		}
		if (dgcg_db_apply_migration(gw.db, (int)num, names[i], sql) != DGCG_OK) {
			fprintf(stderr, "dgcg-admin: %s: %s\n", names[i], dgcg_db_error(gw.db));
			free(sql);
			goto out;
		}
		free(sql);
		printf("applied %s\n", names[i]);
		applied++;
		cur = (int)num;
	}
	printf("schema version %d (%d applied)\n", cur, applied);
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	dgcg_gw_free(&gw);
	return rc;
}

int
main(int argc, char *argv[])
{
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
	if (strcmp(cmd, "ta-sign") == 0)
		return cmd_ta_sign(argc, argv);
	if (strcmp(cmd, "onboard") == 0)
		return cmd_onboard(argc, argv);
	if (strcmp(cmd, "offboard") == 0)
		return cmd_offboard(argc, argv);
	if (strcmp(cmd, "list") == 0 && argc == 1)
		return scan(0);
	if (strcmp(cmd, "verify") == 0 && argc == 1)
		return scan(1);
	if (strcmp(cmd, "migrate") == 0 && argc == 1)
		return cmd_migrate();
	if (strcmp(cmd, "valuesets") == 0)
		return cmd_valuesets(argc, argv);
	if (strcmp(cmd, "purge") == 0)
		return cmd_purge(argc, argv);
	if (strcmp(cmd, "roles") == 0)
		return cmd_roles(argc, argv);
	if (strcmp(cmd, "issuer") == 0)
		return cmd_issuer(argc, argv);
	admin_usage();
	return EX_USAGE;
}
