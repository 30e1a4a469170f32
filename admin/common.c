/* common.c: what several dgcg-admin command files use: the connection to
 * the gateway's database, certificate and text files, the --thumbprint /
 * --cert and --signature arguments. Messages name the file or argument;
 * each function prints why it failed and returns the exit status. */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/x509.h>

#include "base/codec.h"
#include "store/db.h"
#include "worker/gateway.h"
#include "pki/x509.h"
#include "base/xmalloc.h"

#include "admin.h"

int
admin_open_gw(struct dgcg_gw *gw)
{
	char err[512];

	/* The dispatch table says which commands connect (main.c). */
	assert(admin_cmd_db);
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

X509 *
admin_load_cert(const char *path, unsigned char **der, size_t *derlen)
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

int
admin_number_arg(const char *opt, const char *arg, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "dgcg-admin: %s must be %ld..%ld\n", opt, min, max);
		return EX_USAGE;
	}
	*out = v;
	return 0;
}

int
admin_country_arg(const char *country)
{
	if (strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' ||
	    country[1] < 'A' || country[1] > 'Z') {
		fprintf(stderr, "dgcg-admin: --country must be two upper-case letters\n");
		return EX_USAGE;
	}
	return 0;
}

int
admin_type_arg(const char *name, int dsc, enum dgcg_cert_type *type)
{
	*type = dgcg_cert_type_parse(name);
	if (*type == DGCG_CT__MAX || (*type == DGCG_CT_DSC && !dsc)) {
		fprintf(stderr, "dgcg-admin: --type must be AUTHENTICATION, UPLOAD or CSCA%s\n",
		    dsc ? " (or DSC)" : " (DSCs are uploaded by the countries)");
		return EX_USAGE;
	}
	return 0;
}

int
admin_thumb_arg(const char *targ, const char *certfile, char thumb[DGCG_THUMB_HEX_LEN + 1])
{
	unsigned char *der = NULL;
	size_t derlen = 0, i;
	X509 *x;

	if (certfile != NULL) {
		if ((x = admin_load_cert(certfile, &der, &derlen)) == NULL)
			return EX_ERROR;
		dgcg_x509_thumbprint(der, derlen, thumb);
		X509_free(x);
		free(der);
		return 0;
	}
	if (strlen(targ) != DGCG_THUMB_HEX_LEN || !dgcg_is_hex(targ, DGCG_THUMB_HEX_LEN)) {
		fprintf(stderr, "dgcg-admin: --thumbprint must be 64 hex characters\n");
		return EX_USAGE;
	}
	for (i = 0; i <= DGCG_THUMB_HEX_LEN; i++)
		thumb[i] = (char)(targ[i] >= 'A' && targ[i] <= 'F' ? targ[i] + 32 : targ[i]);
	return 0;
}

char *
admin_signature_arg(const char *arg)
{
	char *sig, *p;

	if (arg[0] == '@') {
		if ((sig = admin_read_text(arg + 1)) == NULL) {
			fprintf(stderr, "dgcg-admin: %s: %s\n", arg + 1, strerror(errno));
			return NULL;
		}
	} else
		sig = xstrdup(arg);
	/* Trim surrounding whitespace of a signature file. */
	for (p = sig + strlen(sig); p > sig && (p[-1] == '\n' || p[-1] == '\r' ||
	    p[-1] == ' ' || p[-1] == '\t'); p--)
		p[-1] = '\0';
	return sig;
}

char *
admin_read_file(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			if (cap > max + 2)
				cap = max + 2;
			buf = xrealloc(buf, cap);
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0 && n <= max);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

char *
admin_read_text(const char *path)
{
	size_t n;
	char *buf;

	if ((buf = admin_read_file(path, ADMIN_TEXT_MAX, &n)) == NULL)
		return NULL;
	/* Refused, not cut: a cut migration would apply half. */
	if (n > ADMIN_TEXT_MAX) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	return buf;
}

int
admin_subcommand(int argc, char *argv[], const struct admin_sub *subs, size_t nsubs)
{
	size_t i;

	if (argc < 2)
		admin_usage();
	argc--;
	argv++;
	optind = 1;
	for (i = 0; i < nsubs; i++)
		if (strcmp(argv[0], subs[i].name) == 0 && (!subs[i].noargs || argc == 1))
			return subs[i].fn(argc, argv);
	admin_usage();
}
