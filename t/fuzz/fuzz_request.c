/* fuzz_request.c: the worker's request handling, params and body to
 * response (dgcg_dispatch, fcgi/route.h), with the database answered by
 * t/fuzz/fake_mysql.c and steered by the input.
 *
 * The harness makes a demo PKI in memory at start: a trust anchor (written
 * to a temporary PEM file for dgcg_ta_load and removed at once) and DE's
 * AUTHENTICATION, UPLOAD and CSCA certificates, onboarded with the trust
 * anchor's signature in the fake trusted_party table.
 *
 * Input: text lines, then the body (everything after the 12th newline):
 *    1 options, any of:
 *        A  authenticate as DE (the thumbprint and DN lines are replaced)
 *        B  with A: the thumbprint as base64 of the hash, not hex
 *        R  DE's AUTHENTICATION row holds every revocation role
 *        D  the body is a DSC: re-issue it under DE's CSCA, valid now (when
 *           it parses)
 *        S  sign the body with DE's UPLOAD key: attached CMS, base64
 *        K  sign the body with DE's AUTHENTICATION key (not an upload cert)
 *        H  the request came through nginx's health-check listener
 *    2 method     3 path       4 query      5 Content-Type   6 Accept
 *    7 Content-Length ("" = the body's length, "-" = absent)
 *    8 thumbprint header       9 DN header  10 If-Modified-Since
 *   11 If-None-Match
 *   12 database script: one character per database call, in order:
 *        e  the call fails (1064)    l  the connection is lost (2013)
 *        d  duplicate key (1062)     n  no rows / 0 rows affected
 *        anything else, or past the end: the normal answer
 * An empty line is an absent header (NULL) for 5, 6 and 8-11.
 *
 * Contracts checked on every answer: a status the worker knows, a body
 * only with a content type, JSON bodies that parse, header lines that are
 * "Name: value" with no stray CR or LF, nothing but 4xx/5xx and no body
 * read without authentication. With DGCG_FUZZ_VERBOSE set in the
 * environment each answer is printed to stderr. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "domain/auth.h"
#include "pki/cms.h"
#include "base/codec.h"
#include "fake_mysql.h"
#include "fuzz.h"
#include "worker/cache.h"
#include "worker/gateway.h"
#include "base/json.h"
#include "base/log.h"
#include "req.h"
#include "route.h"
#include "pki/trust.h"
#include "pki/x509.h"
#include "base/xmalloc.h"

#define T "request"
#define NLINES 12
#define TP_COLS 13

struct party {
	const char	*type;		/* certificate_type */
	EVP_PKEY	*key;
	X509		*cert;
	char		 id[8];
	char		 thumb[DGCG_THUMB_HEX_LEN + 1];
	char		*raw;		/* base64 DER */
	char		*sig;		/* the trust anchor's CMS over the DER */
};

enum { P_AUTH, P_UPLOAD, P_CSCA, P__MAX };

static struct dgcg_gw gw;
static struct party parties[P__MAX];
static unsigned char auth_hash[32];

/* The input's database script and roles option. */
static const char *script;
static size_t script_len, script_pos;
static int roles_on;
static long long generation;
static char gen_text[32];

static EVP_PKEY *
ec_key(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");

	if (k == NULL)
		fuzz_fail(T, "EVP_EC_gen");
	return k;
}

static X509 *
make_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey, long serial)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();

	if (x == NULL || n == NULL ||
	    !X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC, (const unsigned char *)"DE", -1, -1,
	    0) ||
	    !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1,
	    0) ||
	    !X509_set_version(x, 2) || !ASN1_INTEGER_set(X509_get_serialNumber(x), serial) ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -86400L) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), 3650L * 86400) == NULL ||
	    !X509_set_subject_name(x, n) ||
	    !X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : n) ||
	    !X509_set_pubkey(x, key) || X509_sign(x, ikey != NULL ? ikey : key, EVP_sha256()) <= 0)
		fuzz_fail(T, "making a certificate");
	X509_NAME_free(n);
	return x;
}

static void
init(void)
{
	static const char *const names[P__MAX] = { "AUTHENTICATION", "UPLOAD", "CSCA" };
	static const char *const cns[P__MAX] = { "fuzz DE auth", "fuzz DE upload", "fuzz DE csca" };
	char path[] = "/tmp/dgcg-fuzz-ta.XXXXXX";
	EVP_PKEY *ta_key;
	X509 *ta;
	unsigned char *der;
	size_t len;
	FILE *f;
	int fd, i;

	fuzz_quiet_log();
	ta_key = ec_key();
	ta = make_cert("fuzz trust anchor", ta_key, NULL, NULL, 1);
	if ((fd = mkstemp(path)) < 0 || (f = fdopen(fd, "w")) == NULL)
		fuzz_fail(T, "temporary trust anchor file");
	if (!PEM_write_X509(f, ta) || fclose(f) != 0)
		fuzz_fail(T, "writing the trust anchor");

	memset(&gw, 0, sizeof(gw));
	dgcg_conf_defaults(&gw.conf);
	gw.conf.trust_anchor = xstrdup(path);
	if (dgcg_ta_load(path, &gw.ta) != DGCG_OK)
		fuzz_fail(T, "dgcg_ta_load");
	unlink(path);
	gw.cache = dgcg_cache_new();
	if (dgcg_db_new(&gw.conf, 0, &gw.db) != DGCG_OK)
		fuzz_fail(T, "dgcg_db_new");

	for (i = 0; i < P__MAX; i++) {
		struct party *p = &parties[i];

		p->type = names[i];
		p->key = ec_key();
		p->cert = make_cert(cns[i], p->key, i == P_CSCA ? NULL : ta,
		    i == P_CSCA ? NULL : ta_key, 10 + i);
		snprintf(p->id, sizeof(p->id), "%d", i + 1);
		if ((der = dgcg_x509_to_der(p->cert, &len)) == NULL)
			fuzz_fail(T, "i2d");
		dgcg_x509_thumbprint(der, len, p->thumb);
		if (i == P_AUTH)
			dgcg_sha256(der, len, auth_hash);
		p->raw = dgcg_b64_encode(der, len);
		if ((p->sig = dgcg_cms_sign(ta, ta_key, der, len, 0)) == NULL)
			fuzz_fail(T, "dgcg_cms_sign");
		free(der);
	}
	X509_free(ta);
	EVP_PKEY_free(ta_key);
}

/* --- the database ---------------------------------------------------------- */

static int
is_select(const char *sql)
{
	while (*sql == ' ')
		sql++;
	return strncmp(sql, "SELECT", 6) == 0;
}

static void
answer(const char *sql, const char *const *p, unsigned n, struct fake_result *out)
{
	static const char *cells[P__MAX * TP_COLS + 16];
	static const char *const roles[3] = {
		"REVOCATION_LIST_READER", "REVOCATION_UPLOADER", "REVOCATION_DELETER"
	};
	static const char *const tables[8] = {
		"trusted_party", "trusted_party_roles", "signer_information", "validation_rule",
		"valueset", "revocation_batch", "trusted_issuer", "trusted_reference"
	};
	char op = script_pos < script_len ? script[script_pos] : '.';
	unsigned i, rows = 0;
	int k;

	script_pos++;
	switch (op) {
	case 'e':
		out->err = 1064;
		return;
	case 'l':
		out->err = 2013;
		return;
	case 'd':
		out->err = 1062;
		return;
	default:
		break;
	}
	if (strcmp(sql, "CONNECT") == 0)
		return;
	if (!is_select(sql)) {
		out->affected = op == 'n' ? 0 : 1;
		out->insert_id = op == 'n' ? 0 : 42;
		return;
	}
	if (op == 'n')
		return;
	if (strstr(sql, "FROM data_version") != NULL) {
		/* a new generation per input: no cache outlives its input */
		snprintf(gen_text, sizeof(gen_text), "%lld", generation);
		for (i = 0; i < 8; i++) {
			cells[2 * i] = tables[i];
			cells[2 * i + 1] = gen_text;
		}
		out->ncols = 2;
		out->nrows = 8;
	} else if (strstr(sql, "certificate_type FROM trusted_party") != NULL && n == 6) {
		int by_thumb = strstr(sql, "thumbprint = ?") != NULL;

		for (k = 0; k < P__MAX; k++) {
			const struct party *t = &parties[k];
			const char *want_type = by_thumb ? p[4] : p[0];

			if (by_thumb && p[0] != NULL && strcmp(p[0], t->thumb) != 0)
				continue;
			if (p[2] != NULL && strcmp(p[2], "DE") != 0)
				continue;
			if (want_type != NULL && strcmp(want_type, t->type) != 0)
				continue;
			cells[rows * TP_COLS + 0] = t->id;
			cells[rows * TP_COLS + 1] = "1700000000";
			cells[rows * TP_COLS + 2] = "DE";
			cells[rows * TP_COLS + 3] = t->thumb;
			cells[rows * TP_COLS + 4] = t->raw;
			cells[rows * TP_COLS + 5] = t->sig;
			cells[rows * TP_COLS + 6] = "DCC";	/* domain */
			cells[rows * TP_COLS + 7] = NULL;	/* uuid */
			cells[rows * TP_COLS + 8] = "1";	/* version */
			cells[rows * TP_COLS + 9] = NULL;	/* kid */
			cells[rows * TP_COLS + 10] = NULL;	/* source_gateway_id */
			cells[rows * TP_COLS + 11] = NULL;	/* assigned_gateway */
			cells[rows * TP_COLS + 12] = t->type;
			rows++;
		}
		out->ncols = TP_COLS;
		out->nrows = rows;
	} else if (strstr(sql, "SELECT role FROM trusted_party_roles") != NULL) {
		if (roles_on && n == 1 && p[0] != NULL && strcmp(p[0], parties[P_AUTH].id) == 0) {
			for (i = 0; i < 3; i++)
				cells[i] = roles[i];
			out->nrows = 3;
		}
		out->ncols = 1;
	} else if (strstr(sql, "SELECT DISTINCT country FROM trusted_party") != NULL) {
		cells[0] = "DE";
		out->ncols = 1;
		out->nrows = 1;
	}
	out->cells = cells;
}

/* --- the request ----------------------------------------------------------- */

struct body {
	const char	*b;
	size_t		 len;
	int		 read;
};

static enum dgcg_err
read_body(void *arg, size_t max, char **buf, size_t *len)
{
	struct body *b = arg;

	b->read = 1;
	if (b->len > max)
		return DGCG_ERR_LIMIT;
	*buf = xmalloc(b->len + 1);
	if (b->len > 0)
		memcpy(*buf, b->b, b->len);
	(*buf)[b->len] = '\0';
	*len = b->len;
	return DGCG_OK;
}

/* The body re-issued under DE's CSCA and valid from yesterday for a year,
 * when it is a certificate; else NULL. */
static unsigned char *
reissue(const unsigned char *der, size_t len, size_t *outlen)
{
	const unsigned char *p = der;
	unsigned char *out = NULL;
	X509 *x;

	if ((x = d2i_X509(NULL, &p, (long)len)) == NULL)
		goto done;
	if (X509_set_issuer_name(x, X509_get_subject_name(parties[P_CSCA].cert)) &&
	    X509_gmtime_adj(X509_getm_notBefore(x), -86400L) != NULL &&
	    X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400) != NULL &&
	    X509_sign(x, parties[P_CSCA].key, EVP_sha256()) > 0)
		out = dgcg_x509_to_der(x, outlen);
done:
	X509_free(x);
	ERR_clear_error();
	return out;
}

static int
known_status(int s)
{
	static const int ok[] = { 200, 201, 204, 304, 400, 401, 403, 404, 405, 406, 409, 410,
	    413, 415, 500, 503 };
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ok[i] == s)
			return 1;
	return 0;
}

static void
check_response(const struct dgcg_reply *r, int authed, int health, const struct body *b)
{
	struct dgcg_jv *doc = NULL;
	const char *h, *e, *colon, *ct = r->content_type, *body = r->body;
	char *problem = NULL;
	size_t len = r->len;

	FUZZ_CHECK(T, known_status(r->status));
	/* rendered as fcgi/io.c sends it */
	if (dgcg_reply_failed(r)) {
		FUZZ_CHECK(T, r->status >= 400 && r->body == NULL);
		problem = dgcg_reply_problem_json(r, &len);
		body = problem;
		ct = "application/json";
	}
	FUZZ_CHECK(T, len == 0 || (body != NULL && ct != NULL));
	if (!authed) {
		/* only the health check answers without a client identity */
		FUZZ_CHECK(T, r->status >= 400 || health);
		FUZZ_CHECK(T, !b->read);
	}
	if (ct != NULL && strcmp(ct, "application/json") == 0 && len > 0) {
		FUZZ_CHECK(T, dgcg_json_parse(body, len, DGCG_JSON_DEPTH_MAX + 64, &doc,
		    NULL, 0) == DGCG_OK);
		dgcg_jv_free(doc);
	}
	free(problem);
	FUZZ_CHECK(T, r->hlen < DGCG_REPLY_HEADERS_MAX);
	for (h = r->headers; h < r->headers + r->hlen; h = e + 2) {
		e = memchr(h, '\r', r->hlen - (size_t)(h - r->headers));
		FUZZ_CHECK(T, e != NULL && e + 1 < r->headers + r->hlen && e[1] == '\n');
		FUZZ_CHECK(T, memchr(h, '\n', (size_t)(e - h)) == NULL);
		colon = memchr(h, ':', (size_t)(e - h));
		FUZZ_CHECK(T, colon != NULL && colon > h && colon[1] == ' ');
	}
}

/* Line i of the input, or NULL when empty and nullable. */
static const char *
field(char **lines, int i, int nullable)
{
	return nullable && lines[i][0] == '\0' ? NULL : lines[i];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready, verbose;
	struct dgcg_req req;
	struct dgcg_reply resp;
	struct body b;
	char *lines[NLINES], *opts, *signed_b64 = NULL, *thumb_b64 = NULL;
	const uint8_t *p = data, *end = data + size, *nl;
	unsigned char *dsc = NULL;
	const unsigned char *payload;
	size_t plen, dsclen = 0;
	int i, authed;
	char *cl;

	if (!ready) {
		init();
		fake_mysql_set(answer);
		verbose = getenv("DGCG_FUZZ_VERBOSE") != NULL;
		ready = 1;
	}
	for (i = 0; i < NLINES; i++) {
		nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		if (nl == NULL)
			nl = end;
		lines[i] = fuzz_str(p, (size_t)(nl - p));
		p = nl < end ? nl + 1 : end;
	}
	opts = lines[0];
	payload = p;
	plen = (size_t)(end - p);

	if (strchr(opts, 'D') != NULL && (dsc = reissue(payload, plen, &dsclen)) != NULL) {
		payload = dsc;
		plen = dsclen;
	}
	if (strchr(opts, 'S') != NULL || strchr(opts, 'K') != NULL) {
		const struct party *s = &parties[strchr(opts, 'S') != NULL ? P_UPLOAD : P_AUTH];

		signed_b64 = dgcg_cms_sign(s->cert, s->key, payload, plen, 1);
		FUZZ_CHECK(T, signed_b64 != NULL);
		payload = (const unsigned char *)signed_b64;
		plen = strlen(signed_b64);
	}
	b.b = (const char *)payload;
	b.len = plen;
	b.read = 0;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.method = lines[1];
	req.path = lines[2];
	req.query = lines[3];
	req.content_type = field(lines, 4, 1);
	req.accept = field(lines, 5, 1);
	cl = lines[6];
	if (cl[0] == '\0')
		req.content_length = (long long)plen;
	else if (strcmp(cl, "-") == 0)
		req.content_length = -1;
	else
		req.content_length = strtoll(cl, NULL, 10);
	req.thumb = field(lines, 7, 1);
	req.dn = field(lines, 8, 1);
	req.if_modified_since = field(lines, 9, 1);
	req.if_none_match = field(lines, 10, 1);
	req.request_id = "fuzz";
	req.remote_addr = "127.0.0.1";
	req.health_check = strchr(opts, 'H') != NULL;	/* nginx's health listener */
	authed = strchr(opts, 'A') != NULL;
	if (authed) {
		if (strchr(opts, 'B') != NULL) {
			thumb_b64 = dgcg_b64_encode(auth_hash, sizeof(auth_hash));
			req.thumb = thumb_b64;
		} else
			req.thumb = parties[P_AUTH].thumb;
		req.dn = "C=DE,CN=fuzz DE auth";
	}
	req.read_body = read_body;
	req.body_arg = &b;

	script = lines[11];
	script_len = strlen(script);
	script_pos = 0;
	roles_on = strchr(opts, 'R') != NULL;
	generation++;

	dgcg_log_set_trace(req.request_id);
	dgcg_dispatch(&gw, &req, &resp);
	if (verbose)
		fprintf(stderr, "%s %s -> %d %.*s\n", req.method, req.path, resp.status,
		    resp.len > 300 ? 300 : (int)resp.len, resp.body != NULL ? resp.body : "");
	check_response(&resp, authed, req.health_check, &b);
	dgcg_log_set_trace(NULL);

	dgcg_reply_clear(&resp);
	dgcg_req_clear(&req);
	free(thumb_b64);
	free(signed_b64);
	free(dsc);
	for (i = 0; i < NLINES; i++)
		free(lines[i]);
	ERR_clear_error();
	return 0;
}
