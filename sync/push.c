/* push.c: upload and delete the country's own DSCs. */
#include "config.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "base/codec.h"
#include "base/json.h"
#include "base/xmalloc.h"
#include "http.h"
#include "list.h"
#include "pki/cms.h"
#include "pki/entry.h"
#include "pki/x509.h"
#include "push.h"

struct local {
	X509		*x;
	unsigned char	*der;
	size_t		 len;
	char		 thumb[DGCG_THUMB_HEX_LEN + 1];
	char		 kid[DGCG_KID_LEN + 1];
	char		*file;
};

static void
fail(struct sync_push_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fail(struct sync_push_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every certificate of every *.pem file of dir, one per thumbprint. */
static int
read_dir(const char *dir, struct local **out, size_t *n, struct sync_push_report *r)
{
	struct local *v = NULL;
	struct dirent *de;
	char **names = NULL, path[4096];
	size_t nn = 0, i, j, len;
	DIR *d = opendir(dir);
	X509 *x;
	BIO *b;

	*n = 0;
	if (d == NULL) {
		fail(r, "%s: cannot open the directory", dir);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".pem") != 0)
			continue;
		names = xrealloc(names, (nn + 1) * sizeof(*names));
		names[nn++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, nn, sizeof(*names), name_cmp);
	for (i = 0; i < nn; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((b = BIO_new_file(path, "r")) == NULL) {
			fail(r, "%s: cannot be read", path);
			goto bad;
		}
		while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
			struct local l;

			memset(&l, 0, sizeof(l));
			l.x = x;
			l.der = dgcg_x509_to_der(x, &l.len);
			if (l.der == NULL) {
				X509_free(x);
				continue;
			}
			dgcg_x509_thumbprint(l.der, l.len, l.thumb);
			dgcg_x509_kid(l.der, l.len, l.kid);
			for (j = 0; j < *n; j++)
				if (strcmp(v[j].thumb, l.thumb) == 0)
					break;
			if (j < *n) {
				X509_free(l.x);
				free(l.der);
				continue;
			}
			l.file = xstrdup(names[i]);
			v = xrealloc(v, (*n + 1) * sizeof(*v));
			v[(*n)++] = l;
		}
		ERR_clear_error();
		BIO_free(b);
	}
	for (i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	*out = v;
	return 1;
bad:
	for (i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	*out = v;
	return 0;
}

static void
locals_free(struct local *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		X509_free(v[i].x);
		free(v[i].der);
		free(v[i].file);
	}
	free(v);
}

/* The problem report's details (or problem), for a refused request. */
static void
problem_text(const struct sync_resp *resp, char *out, size_t outsz)
{
	struct dgcg_jv *root = NULL;
	const char *code = NULL, *det = NULL;

	snprintf(out, outsz, "HTTP %ld", resp->status);
	if (dgcg_json_parse(resp->body, resp->len, 4, &root, NULL, 0) != DGCG_OK)
		return;
	code = dgcg_jv_str(root, "code");
	det = dgcg_jv_str(root, "details");
	if (det == NULL || *det == '\0')
		det = dgcg_jv_str(root, "problem");
	snprintf(out, outsz, "HTTP %ld %s: %.300s", resp->status, code != NULL ? code : "",
	    det != NULL ? det : "");
	dgcg_jv_free(root);
}

/* One signed request for der: POST (upload) or DELETE. Returns the HTTP
 * status, or 0 with r->message set when no response came. */
static long
signed_request(struct sync_http *h, const struct sync_conf *c, const char *method, X509 *up,
    EVP_PKEY *key, const unsigned char *der, size_t len, struct sync_resp *resp,
    struct sync_push_report *r)
{
	char url[2048], *body;
	long st;

	body = dgcg_cms_sign(up, key, der, len, 1);
	if (body == NULL) {
		fail(r, "cannot sign a CMS with the UPLOAD key");
		ERR_clear_error();
		return 0;
	}
	snprintf(url, sizeof(url), "%s/signerCertificate", c->url);
	if (sync_http_send(h, method, url, "application/cms", body, strlen(body), resp) != DGCG_OK) {
		fail(r, "%s %s: %s", method, url, resp->error);
		st = 0;
	} else
		st = resp->status;
	free(body);
	return st;
}

enum sync_push_outcome
sync_push(const struct sync_conf *c, const struct sync_push_opts *o, struct sync_push_report *r)
{
	struct sync_http_opts ho = { c->cacert, c->cert, c->key, c->connect_timeout, c->timeout,
		c->max_list_size };
	enum sync_push_outcome out = SYNC_PUSH_FAILED;
	struct sync_http *h = NULL;
	struct sync_list listed = { NULL, 0 };
	struct sync_resp resp;
	struct local *loc = NULL;
	char cc[DGCG_COUNTRY_MAX + 1], url[2048], err[256], up_thumb[DGCG_THUMB_HEX_LEN + 1];
	char signer[DGCG_THUMB_HEX_LEN + 1], text[400];
	unsigned char *updder = NULL;
	size_t nloc = 0, i, j, updlen = 0;
	EVP_PKEY *key = NULL;
	X509 *up = NULL;
	FILE *f;
	long st;

	memset(r, 0, sizeof(*r));
	memset(&resp, 0, sizeof(resp));
	if (c->url == NULL || c->upload_cert == NULL || c->upload_key == NULL) {
		fail(r, "push needs url (-u), upload_cert (-U) and upload_key (-K)");
		goto out;
	}
	if ((up = dgcg_x509_load_pem(c->upload_cert)) == NULL) {
		fail(r, "upload_cert %s: not a PEM certificate", c->upload_cert);
		goto out;
	}
	if ((f = fopen(c->upload_key, "r")) == NULL ||
	    (key = PEM_read_PrivateKey(f, NULL, NULL, NULL)) == NULL) {
		if (f != NULL)
			fclose(f);
		fail(r, "upload_key %s: not a PEM private key", c->upload_key);
		goto out;
	}
	fclose(f);
	if (X509_check_private_key(up, key) != 1) {
		fail(r, "upload_key does not belong to upload_cert");
		goto out;
	}
	if (dgcg_x509_subject_country(up, cc) != 1 || strlen(cc) != 2) {
		fail(r, "upload_cert: its subject must have exactly one C of two letters");
		goto out;
	}
	updder = dgcg_x509_to_der(up, &updlen);
	dgcg_x509_thumbprint(updder, updlen, up_thumb);
	if (!read_dir(o->dir, &loc, &nloc, r))
		goto out;
	r->local = nloc;
	if (sync_http_new(&ho, &h, err, sizeof(err)) != DGCG_OK) {
		fail(r, "%s", err);
		goto out;
	}
	snprintf(url, sizeof(url), "%s/trustList/DSC/%s", c->url, cc);
	if (sync_http_get(h, url, NULL, NULL, &resp) != DGCG_OK) {
		fail(r, "GET %s: %s", url, resp.error);
		goto out;
	}
	if (resp.status != 200) {
		fail(r, "GET %s: HTTP %ld", url, resp.status);
		goto out;
	}
	if (sync_list_parse(resp.body, resp.len, SYNC_FMT_V1, 0, &listed, err, sizeof(err)) !=
	    DGCG_OK) {
		fail(r, "GET %s: %s", url, err);
		goto out;
	}
	r->listed = listed.n;
	sync_resp_free(&resp);

	/* What the gateway lists: ours, signed by us? */
	for (j = 0; j < listed.n; j++) {
		const struct sync_item *it = &listed.v[j];
		unsigned char *der = NULL;
		size_t dlen = 0;
		X509 *x = NULL;
		enum dgcg_er er;

		if (it->malformed != NULL) {
			printf("DIFFERENCE listed item %zu: %s\n", j, it->malformed);
			r->differences++;
			continue;
		}
		er = dgcg_entry_cert(it->raw, it->thumbprint, it->kid, &der, &dlen, &x);
		if (er == DGCG_ER_OK)
			er = dgcg_entry_signature(it->signature, der, dlen, dgcg_cms_digests(1),
			    signer, NULL, NULL);
		if (er != DGCG_ER_OK) {
			printf("DIFFERENCE kid=%s: listed, but %s (%s)\n", it->kid, dgcg_er_text(er),
			    dgcg_er_code(er));
			r->differences++;
		} else if (strcmp(signer, up_thumb) != 0) {
			printf("DIFFERENCE kid=%s: listed with a signature by another UPLOAD "
			    "certificate (SHA-256 %s)\n", it->kid, signer);
			r->differences++;
		}
		X509_free(x);
		free(der);
	}

	/* Uploads: ours that the gateway lacks. */
	for (i = 0; i < nloc; i++) {
		char lcc[DGCG_COUNTRY_MAX + 1];

		for (j = 0; j < listed.n; j++)
			if (listed.v[j].thumbprint != NULL &&
			    strcmp(listed.v[j].thumbprint, loc[i].thumb) == 0)
				break;
		if (j < listed.n)
			continue;
		if (dgcg_x509_subject_country(loc[i].x, lcc) > 0 && strcmp(lcc, cc) != 0) {
			printf("DIFFERENCE kid=%s (%s): a DSC of %s, not of %s\n", loc[i].kid,
			    loc[i].file, lcc, cc);
			r->differences++;
			continue;
		}
		if (o->dry_run) {
			printf("would upload kid=%s (%s)\n", loc[i].kid, loc[i].file);
			r->differences++;
			continue;
		}
		st = signed_request(h, c, "POST", up, key, loc[i].der, loc[i].len, &resp, r);
		if (st == 201 || (st >= 200 && st < 300)) {
			printf("uploaded kid=%s (%s)\n", loc[i].kid, loc[i].file);
			r->uploaded++;
		} else if (st == 409) {
			printf("already there kid=%s (%s)\n", loc[i].kid, loc[i].file);
			r->present++;
		} else if (st == 0 || st >= 500) {
			if (st != 0)
				fail(r, "POST /signerCertificate kid=%s: HTTP %ld", loc[i].kid, st);
			sync_resp_free(&resp);
			goto out;
		} else {
			problem_text(&resp, text, sizeof(text));
			printf("DIFFERENCE kid=%s (%s): upload refused: %s\n", loc[i].kid,
			    loc[i].file, text);
			r->differences++;
		}
		sync_resp_free(&resp);
	}

	/* Deletes: listed ones the directory lacks. */
	for (j = 0; j < listed.n; j++) {
		const struct sync_item *it = &listed.v[j];
		unsigned char *der = NULL;
		size_t dlen = 0;

		if (it->malformed != NULL)
			continue;
		for (i = 0; i < nloc; i++)
			if (it->thumbprint != NULL && strcmp(it->thumbprint, loc[i].thumb) == 0)
				break;
		if (i < nloc)
			continue;
		if (!o->delete || o->dry_run) {
			printf("%s kid=%s: listed, not in %s%s\n", o->delete ? "would delete" :
			    "DIFFERENCE", it->kid, o->dir, o->delete ? "" : " (--delete removes it)");
			r->differences++;
			continue;
		}
		if (dgcg_b64_decode(it->raw, strlen(it->raw), &der, &dlen) != DGCG_OK) {
			printf("DIFFERENCE kid=%s: rawData is not base64\n", it->kid);
			r->differences++;
			continue;
		}
		st = signed_request(h, c, "DELETE", up, key, der, dlen, &resp, r);
		free(der);
		if (st == 204 || (st >= 200 && st < 300)) {
			printf("deleted kid=%s\n", it->kid);
			r->deleted++;
		} else if (st == 404) {
			printf("already gone kid=%s\n", it->kid);
			r->gone++;
		} else if (st == 0 || st >= 500) {
			if (st != 0)
				fail(r, "DELETE /signerCertificate kid=%s: HTTP %ld", it->kid, st);
			sync_resp_free(&resp);
			goto out;
		} else {
			problem_text(&resp, text, sizeof(text));
			printf("DIFFERENCE kid=%s: delete refused: %s\n", it->kid, text);
			r->differences++;
		}
		sync_resp_free(&resp);
	}
	out = r->differences > 0 ? SYNC_PUSH_DIFFERS : SYNC_PUSH_DONE;
out:
	sync_resp_free(&resp);
	sync_list_free(&listed);
	sync_http_free(h);
	locals_free(loc, nloc);
	free(updder);
	EVP_PKEY_free(key);
	X509_free(up);
	return out;
}
