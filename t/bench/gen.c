/* gen.c: benchmark data for dgcg (t/bench/run).
 *
 *   dgcg-bench-gen real TA.pem TA.key TRUSTLIST.json > load.sql
 *	SQL that loads a real trust-list snapshot: every DSC as a
 *	signer_information row with its real upload CMS, and every distinct
 *	CMS signer as an UPLOAD trusted party of its country, signed by the
 *	given (demo) trust anchor, so the gateway serves the real list.
 *   dgcg-bench-gen synth TA.pem TA.key CC N > load.sql
 *	A CSCA and an UPLOAD certificate for country CC (trusted parties) and
 *	N DSCs issued by that CSCA with detached upload CMS.
 *   dgcg-bench-gen bodies TA.pem TA.key CC N DIR > load.sql
 *	Like synth with N = 0, plus N distinct DSCs as upload bodies
 *	(attached CMS, base64) in DIR/0.b64 ... DIR/N-1.b64.
 *
 * Test tooling only: keys are generated and thrown away. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pki/cms.h"
#include "base/codec.h"
#include "pki/x509.h"
#include "base/xmalloc.h"

static X509 *ta;
static EVP_PKEY *ta_key;

static void
die(const char *msg)
{
	fprintf(stderr, "dgcg-bench-gen: %s\n", msg);
	exit(1);
}

/* Prints s as a quoted SQL string (the values are base64/hex/ASCII). */
static void
q(const char *s)
{
	putchar('\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('\'');
}

/* INSERT of a trusted party signed by the TA. */
static void
trusted_party(const char *cc, const char *type, const unsigned char *der, size_t len)
{
	char thumb[DGCG_THUMB_HEX_LEN + 1], *raw, *sig;

	dgcg_x509_thumbprint(der, len, thumb);
	raw = dgcg_b64_encode(der, len);
	sig = dgcg_cms_sign(ta, ta_key, der, len, 0);
	if (sig == NULL)
		die("TA signing failed");
	printf("INSERT IGNORE INTO trusted_party (created_at, country, thumbprint, raw_data,"
	    " signature, certificate_type) VALUES (UTC_TIMESTAMP(), ");
	q(cc);
	printf(", ");
	q(thumb);
	printf(", ");
	q(raw);
	printf(", ");
	q(sig);
	printf(", ");
	q(type);
	printf(");\n");
	free(raw);
	free(sig);
}

static void
dsc_row(const char *cc, const unsigned char *der, size_t len, const char *sig64,
    const char *created)
{
	char thumb[DGCG_THUMB_HEX_LEN + 1], *raw;

	dgcg_x509_thumbprint(der, len, thumb);
	raw = dgcg_b64_encode(der, len);
	printf("INSERT IGNORE INTO signer_information (created_at, country, thumbprint, raw_data,"
	    " signature, certificate_type) VALUES (");
	if (created != NULL) {
		/* "2021-06-03T14:07:46+02:00": the local time part is enough. */
		printf("STR_TO_DATE(LEFT(");
		q(created);
		printf(", 19), '%%Y-%%m-%%dT%%H:%%i:%%s'), ");
	} else
		printf("UTC_TIMESTAMP(), ");
	q(cc);
	printf(", ");
	q(thumb);
	printf(", ");
	q(raw);
	printf(", ");
	q(sig64);
	printf(", 'DSC');\n");
	free(raw);
}

static void
mode_real(const char *path)
{
	struct json_object *root, *arr, *it, *v;
	char seen[4096][DGCG_THUMB_HEX_LEN + 1];
	size_t nseen = 0, i, j, n, dlen, slen;
	char thumb[DGCG_THUMB_HEX_LEN + 1];
	const unsigned char *sder;
	unsigned char *der;
	struct dgcg_cms *cms;
	const char *cc, *sig, *raw;

	if ((root = json_object_from_file(path)) == NULL)
		die("cannot read the trust list JSON");
	arr = json_object_object_get_ex(root, "certificates", &v) ? v : root;
	n = json_object_array_length(arr);
	printf("START TRANSACTION;\n");
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(arr, i);
		if (!json_object_object_get_ex(it, "country", &v) || (cc = json_object_get_string(v)) == NULL ||
		    !json_object_object_get_ex(it, "signature", &v) || (sig = json_object_get_string(v)) == NULL ||
		    !json_object_object_get_ex(it, "rawData", &v) || (raw = json_object_get_string(v)) == NULL)
			continue;
		if (dgcg_b64_decode(raw, strlen(raw), &der, &dlen) != DGCG_OK)
			continue;
		if (dgcg_cms_parse_b64(sig, strlen(sig), der, dlen, DGCG_CMS_PAYLOAD_ANY, &cms) !=
		    DGCG_CMS_OK) {
			fprintf(stderr, "dgcg-bench-gen: %s entry %zu: CMS does not parse, skipped\n", cc, i);
			free(der);
			continue;
		}
		sder = dgcg_cms_signer_der(cms, &slen);
		dgcg_x509_thumbprint(sder, slen, thumb);
		for (j = 0; j < nseen && strcmp(seen[j], thumb) != 0; j++)
			;
		if (j == nseen && nseen < 4096) {
			memcpy(seen[nseen++], thumb, sizeof(thumb));
			trusted_party(cc, "UPLOAD", sder, slen);
		}
		if (!json_object_object_get_ex(it, "timestamp", &v))
			v = NULL;
		dsc_row(cc, der, dlen, sig, v ? json_object_get_string(v) : NULL);
		dgcg_cms_free(cms);
		free(der);
	}
	printf("COMMIT;\n");
	json_object_put(root);
}

static EVP_PKEY *
ec_key(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");

	if (k == NULL)
		die("key generation failed");
	return k;
}

/* A certificate for key, issued by (icert, ikey), or self-signed when
 * icert is NULL. */
static X509 *
cert(const char *cc, const char *cn, EVP_PKEY *key, X509 *icert, EVP_PKEY *ikey, int ca,
    long serial)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400);
	X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC, (const unsigned char *)cc, -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
	    (const unsigned char *)"Ministry of Health, benchmark data", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, icert ? X509_get_subject_name(icert) : n);
	X509_set_pubkey(x, key);
	X509V3_set_ctx(&ctx, icert ? icert : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_key_usage,
	    ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_key_identifier, "hash");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (!ca) {
		ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_ext_key_usage,
		    "1.3.6.1.4.1.1847.2021.1.1,1.3.6.1.4.1.1847.2021.1.2,1.3.6.1.4.1.1847.2021.1.3");
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	if (!X509_sign(x, icert ? ikey : key, EVP_sha256()))
		die("certificate signing failed");
	X509_NAME_free(n);
	return x;
}

static void
mode_synth(const char *cc, long ndsc, long nbodies, const char *dir)
{
	EVP_PKEY *ck = ec_key(), *uk = ec_key(), *dk;
	X509 *csca, *up, *d;
	unsigned char *der;
	size_t len;
	char *sig, path[4096], cn[64];
	long i;
	FILE *f;

	csca = cert(cc, "Country Signing CA (benchmark)", ck, NULL, NULL, 1, 1);
	up = cert(cc, "Upload certificate (benchmark)", uk, NULL, NULL, 0, 2);
	der = dgcg_x509_to_der(csca, &len);
	trusted_party(cc, "CSCA", der, len);
	free(der);
	der = dgcg_x509_to_der(up, &len);
	trusted_party(cc, "UPLOAD", der, len);
	free(der);
	printf("START TRANSACTION;\n");
	for (i = 0; i < ndsc + nbodies; i++) {
		dk = ec_key();
		snprintf(cn, sizeof(cn), "Document Signer %s %ld (benchmark)", cc, i);
		d = cert(cc, cn, dk, csca, ck, 0, 1000 + i);
		der = dgcg_x509_to_der(d, &len);
		if (i < ndsc) {
			if ((sig = dgcg_cms_sign(up, uk, der, len, 0)) == NULL)
				die("CMS signing failed");
			dsc_row(cc, der, len, sig, NULL);
		} else {
			if ((sig = dgcg_cms_sign(up, uk, der, len, 1)) == NULL)
				die("CMS signing failed");
			snprintf(path, sizeof(path), "%s/%ld.b64", dir, i - ndsc);
			if ((f = fopen(path, "w")) == NULL)
				die("cannot write a body file");
			fputs(sig, f);
			fclose(f);
		}
		free(sig);
		free(der);
		X509_free(d);
		EVP_PKEY_free(dk);
	}
	printf("COMMIT;\n");
	X509_free(csca);
	X509_free(up);
	EVP_PKEY_free(ck);
	EVP_PKEY_free(uk);
}

int
main(int argc, char *argv[])
{
	FILE *f;

	if (argc < 5)
		die("usage: real TA.pem TA.key LIST.json | synth TA.pem TA.key CC N | "
		    "bodies TA.pem TA.key CC N DIR");
	if ((ta = dgcg_x509_load_pem(argv[2])) == NULL)
		die("cannot read the TA certificate");
	if ((f = fopen(argv[3], "r")) == NULL || (ta_key = PEM_read_PrivateKey(f, NULL, NULL,
	    NULL)) == NULL)
		die("cannot read the TA key");
	fclose(f);
	if (strcmp(argv[1], "real") == 0)
		mode_real(argv[4]);
	else if (strcmp(argv[1], "synth") == 0 && argc == 6)
		mode_synth(argv[4], strtol(argv[5], NULL, 10), 0, NULL);
	else if (strcmp(argv[1], "bodies") == 0 && argc == 7)
		mode_synth(argv[4], 0, strtol(argv[5], NULL, 10), argv[6]);
	else
		die("unknown mode");
	X509_free(ta);
	EVP_PKEY_free(ta_key);
	return 0;
}
