/* trustlist.c: building, rendering and caching the trust list. */
#include "config.h"

#include <sys/stat.h>
#include <sys/time.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <zlib.h>

#include "base/codec.h"
#include "base/json.h"
#include "base/log.h"
#include "base/timefmt.h"
#include "base/xmalloc.h"
#include "domain/trustlist.h"
#include "pki/cms.h"
#include "pki/entry.h"
#include "pki/x509.h"
#include "store/signer_information.h"
#include "store/trusted_party.h"
#include "worker/cache.h"
#include "worker/gateway.h"

/* Verdicts of DSC rows are remembered by content (worker/cache.h):
 * non-NULL markers for the two answers. */
static const int VERDICT_OK = 1, VERDICT_BAD = 0;

/* --- helpers ---------------------------------------------------------------- */

/* kid from a verified 64-hex thumbprint: base64 of its first 8 bytes. */
static void
kid_from_thumb(const char *thumb, char out[DGCG_TL_KID_MAX + 1])
{
	unsigned char b[8];
	char *k;
	int i, hi, lo;

	for (i = 0; i < 8; i++) {
		hi = thumb[2 * i];
		lo = thumb[2 * i + 1];
		hi = hi <= '9' ? hi - '0' : (hi | 0x20) - 'a' + 10;
		lo = lo <= '9' ? lo - '0' : (lo | 0x20) - 'a' + 10;
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	k = dgcg_b64_encode(b, sizeof(b));
	snprintf(out, DGCG_TL_KID_MAX + 1, "%s", k);
	free(k);
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s + 32);
}

enum dgcg_err
dgcg_tl_uploads_load(struct dgcg_gw *gw, int federated, struct dgcg_tl_uploads *u)
{
	struct dgcg_tp_list all = { NULL, 0 };
	enum dgcg_err rc;
	size_t i;

	u->l.v = NULL;
	u->l.n = 0;
	u->digests = dgcg_cms_digests(gw->conf.allow_sha1);
	if ((rc = dgcg_db_tp_select(gw->db, NULL, NULL, DGCG_G_UPLOAD, &all)) != DGCG_OK)
		return rc;
	for (i = 0; i < all.n; i++) {
		struct dgcg_tp *t = &all.v[i];

		if (t->group != DGCG_G_UPLOAD || (!federated && t->source_gateway[0] != '\0') ||
		    dgcg_gw_party_integrity(gw, t) != DGCG_INTEGRITY_OK) {
			free(t->raw_data);
			free(t->signature);
			free(t->kid);
			continue;
		}
		u->l.v = xrealloc(u->l.v, (u->l.n + 1) * sizeof(*u->l.v));
		u->l.v[u->l.n++] = *t;
	}
	free(all.v);
	return DGCG_OK;
}

void
dgcg_tl_uploads_free(struct dgcg_tl_uploads *u)
{
	if (u != NULL)
		dgcg_tp_list_free(&u->l);
}

/* The UPLOAD rows that may vouch for a signer row of country, domain
 * (NULL: any) and source ("" here) are the ones of that country, domain
 * and source. */
static int
upload_matches(const struct dgcg_tp *t, const char *country, const char *domain,
    const char *source)
{
	return strcmp(t->country, country) == 0 && strcmp(t->source_gateway, source) == 0 &&
	    (domain == NULL || strcmp(t->domain, domain) == 0);
}

int
dgcg_tl_is_upload(const struct dgcg_tl_uploads *u, const char *country, const char *domain,
    const char *source, const char *thumb)
{
	size_t i;

	for (i = 0; i < u->l.n; i++)
		if (upload_matches(&u->l.v[i], country, domain, source) &&
		    strcasecmp(u->l.v[i].thumbprint, thumb) == 0)
			return 1;
	return 0;
}

void
dgcg_tl_uploads_hash(EVP_MD_CTX *md, const struct dgcg_tl_uploads *u, const char *country,
    const char *domain, const char *source)
{
	size_t i;

	for (i = 0; i < u->l.n; i++)
		if (upload_matches(&u->l.v[i], country, domain, source))
			EVP_DigestUpdate(md, u->l.v[i].thumbprint, DGCG_THUMB_HEX_LEN + 1);
}

/* Checks a live signer row (pki/entry.h): the certificate and its
 * thumbprint, the upload CMS over it, and its signer a verified UPLOAD
 * certificate of the row's country, domain and source gateway. Returns
 * DGCG_ER_OK or the reason. */
static enum dgcg_er
dsc_check(const struct dgcg_si *r, const struct dgcg_tl_uploads *u)
{
	unsigned char *der = NULL;
	char signer[DGCG_THUMB_HEX_LEN + 1];
	enum dgcg_er why;
	size_t dlen = 0;
	X509 *x = NULL;

	if (r->signature == NULL || *r->signature == '\0')
		return DGCG_ER_NO_SIGNATURE;
	why = dgcg_entry_cert(r->raw_data, r->thumbprint, NULL, &der, &dlen, &x);
	if (why == DGCG_ER_OK)
		why = dgcg_entry_signature(r->signature, der, dlen, u->digests, signer, NULL, NULL);
	if (why == DGCG_ER_OK &&
	    !dgcg_tl_is_upload(u, r->country, r->domain, r->source_gateway, signer))
		why = DGCG_ER_SIGNER_NOT_UPLOAD;
	X509_free(x);
	free(der);
	return why;
}

int
dgcg_tl_signer_ok(struct dgcg_gw *gw, const struct dgcg_si *r, const struct dgcg_tl_uploads *u)
{
	unsigned char key[32];
	enum dgcg_er why;
	const int *v;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int klen = 0;

	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		return 0;
	}
	EVP_DigestUpdate(md, r->country, strlen(r->country) + 1);
	EVP_DigestUpdate(md, r->domain, strlen(r->domain) + 1);
	EVP_DigestUpdate(md, r->source_gateway, strlen(r->source_gateway) + 1);
	EVP_DigestUpdate(md, r->thumbprint, strlen(r->thumbprint) + 1);
	EVP_DigestUpdate(md, r->raw_data, strlen(r->raw_data) + 1);
	EVP_DigestUpdate(md, r->signature ? r->signature : "", r->signature ? strlen(r->signature) + 1 : 0);
	dgcg_tl_uploads_hash(md, u, r->country, r->domain, r->source_gateway);
	EVP_DigestFinal_ex(md, key, &klen);
	EVP_MD_CTX_free(md);
	if ((v = dgcg_cache_get(gw, DGCG_CACHE_DSC_VERDICT, key, sizeof(key))) != NULL)
		return *v;
	why = dsc_check(r, u);
	if (why != DGCG_ER_OK) {
		char ids[32];

		snprintf(ids, sizeof(ids), "%lld", r->id);
		dgcg_log(DGCG_LOG_ERROR, "trustlist", "DSC row left out of the trust list", NULL,
		    "reason", dgcg_er_text(why), "reasonCode", dgcg_er_code(why),
		    "signerInformationId", ids, "certVerifyThumbprint", r->thumbprint, NULL);
	}
	(void)dgcg_cache_put(gw, DGCG_CACHE_DSC_VERDICT, key, sizeof(key), (time_t)-1,
	    (void *)(uintptr_t)(why == DGCG_ER_OK ? &VERDICT_OK : &VERDICT_BAD), NULL);
	return why == DGCG_ER_OK;
}

void
dgcg_tl_kid(const char *kid, const char *thumb, char out[DGCG_TL_KID_MAX + 1])
{
	if (kid != NULL && *kid != '\0')
		snprintf(out, DGCG_TL_KID_MAX + 1, "%s", kid);
	else
		kid_from_thumb(thumb, out);
}

static int
item_cmp(const void *a, const void *b)
{
	const struct dgcg_tl_item *x = a, *y = b;
	int c = strcmp(x->kid, y->kid);

	if (c != 0)
		return c;
	if (x->src != y->src)
		return x->src - y->src;
	return x->ord < y->ord ? -1 : x->ord > y->ord;
}

static struct dgcg_tl_item *
push(struct dgcg_tl *tl, size_t *cap)
{
	if (tl->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		tl->v = xrealloc(tl->v, *cap * sizeof(*tl->v));
	}
	memset(&tl->v[tl->n], 0, sizeof(tl->v[0]));
	return &tl->v[tl->n++];
}

void
dgcg_tl_free(struct dgcg_tl *tl)
{
	size_t i;

	if (tl == NULL)
		return;
	for (i = 0; i < tl->n; i++) {
		free(tl->v[i].signature);
		free(tl->v[i].raw_data);
	}
	free(tl->v);
	tl->v = NULL;
	tl->n = 0;
}

/* A trusted party of the v1 lists: one of the three v1 types, of the DCC
 * domain and onboarded here (TNG's filter on /trustList, applied to every
 * v1 list: tng-gateway.md 1.3 #2, 8), or federated with federation_in_v1
 * (never an AUTHENTICATION row: a run stores none). */
static int
v1_party(const struct dgcg_tp *t, int fed)
{
	return t->type != DGCG_CT__MAX && strcmp(t->domain, DGCG_DOMAIN_DCC) == 0 &&
	    (t->source_gateway[0] == '\0' || (fed && t->type != DGCG_CT_AUTHENTICATION));
}

/* A signer row of the v1 lists: group DSC, the DCC domain, uploaded here
 * (so v2 uploads of other groups and domains stay out, tng-gateway.md 8),
 * or federated with federation_in_v1. */
static int
v1_signer(const struct dgcg_si *r, int fed)
{
	return r->group == DGCG_G_DSC && strcmp(r->domain, DGCG_DOMAIN_DCC) == 0 &&
	    (fed || r->source_gateway[0] == '\0');
}

enum dgcg_err
dgcg_tl_build(struct dgcg_gw *gw, enum dgcg_cert_type type, const char *country, time_t since,
    struct dgcg_tl *out)
{
	struct dgcg_tp_list tps = { NULL, 0 };
	struct dgcg_si_list sis = { NULL, 0 };
	struct dgcg_tl_uploads up = { { NULL, 0 }, 0 };
	struct dgcg_tl_item *it;
	enum dgcg_err rc = DGCG_OK;
	size_t cap = 0, i;
	int fed = gw->conf.federation_in_v1;

	out->v = NULL;
	out->n = 0;
	if (type != DGCG_CT_DSC) {
		rc = dgcg_db_tp_select_since(gw->db, type, country, since, &tps);
		if (rc != DGCG_OK)
			goto out;
		for (i = 0; i < tps.n; i++) {
			struct dgcg_tp *t = &tps.v[i];

			/* Exact country and a known type; then the TA check. */
			if ((country != NULL && strcmp(t->country, country) != 0) ||
			    !v1_party(t, fed) || (type != DGCG_CT__MAX && t->type != type))
				continue;
			if (dgcg_gw_party_integrity(gw, t) != DGCG_INTEGRITY_OK)
				continue;
			it = push(out, &cap);
			lower(t->thumbprint);
			dgcg_tl_kid(t->kid, t->thumbprint, it->kid);
			it->timestamp = t->created_at;
			memcpy(it->country, t->country, sizeof(it->country));
			it->type = t->type;
			memcpy(it->thumbprint, t->thumbprint, sizeof(it->thumbprint));
			it->signature = t->signature;
			it->raw_data = t->raw_data;
			t->signature = t->raw_data = NULL;
			it->src = 0;
			it->ord = i;
		}
	}
	if (type == DGCG_CT__MAX || type == DGCG_CT_DSC) {
		rc = dgcg_db_si_select(gw->db, country, since, &sis);
		if (rc == DGCG_OK && sis.n > 0)
			rc = dgcg_tl_uploads_load(gw, fed, &up);
		if (rc != DGCG_OK)
			goto out;
		for (i = 0; i < sis.n; i++) {
			struct dgcg_si *r = &sis.v[i];
			int tomb = r->deleted_at != 0;

			if ((country != NULL && strcmp(r->country, country) != 0) || !v1_signer(r, fed) ||
			    strlen(r->thumbprint) != DGCG_THUMB_HEX_LEN ||
			    !dgcg_is_hex(r->thumbprint, DGCG_THUMB_HEX_LEN))
				continue;
			if (!tomb && !dgcg_tl_signer_ok(gw, r, &up))
				continue;
			it = push(out, &cap);
			lower(r->thumbprint);
			dgcg_tl_kid(r->kid, r->thumbprint, it->kid);
			it->timestamp = r->created_at;
			memcpy(it->country, r->country, sizeof(it->country));
			it->type = DGCG_CT_DSC;
			memcpy(it->thumbprint, r->thumbprint, sizeof(it->thumbprint));
			if (!tomb) {
				it->signature = r->signature;
				it->raw_data = r->raw_data;
				r->signature = r->raw_data = NULL;
			}
			it->src = 1;
			it->ord = (size_t)r->id;
		}
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), item_cmp);
out:
	if (rc != DGCG_OK)
		dgcg_tl_free(out);
	dgcg_tp_list_free(&tps);
	dgcg_tl_uploads_free(&up);
	dgcg_si_list_free(&sis);
	return rc;
}

char *
dgcg_tl_json(const struct dgcg_tl *tl, size_t off, size_t count, size_t *len)
{
	struct json_object *arr, *o;
	char ts[DGCG_TIME_LEN + 1];
	size_t i, end;

	end = off < tl->n ? off + (count < tl->n - off ? count : tl->n - off) : off;
	arr = json_object_new_array_ext(end > off ? (int)(end - off) : 1);
	for (i = off; i < end && i < tl->n; i++) {
		const struct dgcg_tl_item *it = &tl->v[i];

		o = json_object_new_object();
		dgcg_time_format(it->timestamp, ts);
		json_object_object_add(o, "kid", json_object_new_string(it->kid));
		json_object_object_add(o, "timestamp", json_object_new_string(ts));
		json_object_object_add(o, "country", json_object_new_string(it->country));
		json_object_object_add(o, "certificateType",
		    json_object_new_string(dgcg_cert_type_name(it->type)));
		json_object_object_add(o, "thumbprint", json_object_new_string(it->thumbprint));
		json_object_object_add(o, "signature",
		    it->signature ? json_object_new_string(it->signature) : NULL);
		json_object_object_add(o, "rawData",
		    it->raw_data ? json_object_new_string(it->raw_data) : NULL);
		json_object_array_add(arr, o);
	}
	return dgcg_json_text(arr, len);
}

/* --- whole lists, cached per worker ----------------------------------------- */

/* A rendered full list, remembered per (type, country) (worker/cache.h: it
 * depends on trusted_party and signer_information). */
struct tl_entry {
	struct dgcg_tl		 list;
	char			*body;
	size_t			 len;
	char			 etag[40];
	char			 file[64];	/* "" when not written */
	time_t			 touched;	/* last utime of file */
};

static void
entry_free(void *p)
{
	struct tl_entry *e = p;

	dgcg_tl_free(&e->list);
	free(e->body);
	free(e);
}

/* A file in use is touched every CACHE_TOUCH seconds, so any CACHE_KEEP above
 * that is safe: nginx opens a file milliseconds after the worker's answer and
 * keeps reading it when unlinked. The directory holds what was rendered in
 * the last CACHE_KEEP seconds (every change of the data renders new files). */
#define CACHE_KEEP	60	/* seconds a file may go untouched */
#define CACHE_TOUCH	20	/* seconds between touches of a served file */

/* Writes data to dir/name through a temporary file and rename(2). */
static int
write_atomic(const char *dir, const char *name, const void *data, size_t len)
{
	char tmp[4096], dst[4096];
	const char *p = data;
	ssize_t w;
	int fd, ok = 0;

	snprintf(dst, sizeof(dst), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.%ld", dir, name, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return 0;
	while (len > 0) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto out;
		p += w;
		len -= (size_t)w;
	}
	ok = 1;
out:
	if (close(fd) != 0)
		ok = 0;
	if (ok && rename(tmp, dst) != 0)
		ok = 0;
	if (!ok)
		unlink(tmp);
	return ok;
}

/* gzip (RFC 1952) of data; malloc'd, or NULL. */
static unsigned char *
gzip_buf(const char *data, size_t len, size_t *outlen)
{
	z_stream z;
	unsigned char *out;
	size_t cap = len / 3 + 1024;
	int rc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	out = xmalloc(cap);
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	while ((rc = deflate(&z, Z_FINISH)) == Z_OK || (rc == Z_BUF_ERROR && z.avail_out == 0)) {
		size_t used = cap - z.avail_out;

		cap *= 2;
		out = xrealloc(out, cap);
		z.next_out = out + used;
		z.avail_out = (uInt)(cap - used);
	}
	if (rc != Z_STREAM_END) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*outlen = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

/* Removes tl-* files of dir untouched for CACHE_KEEP seconds. */
static void
cache_sweep(const char *dir, time_t now)
{
	char path[4096];
	struct dirent *de;
	struct stat st;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "tl-", 3) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) == 0 && now - st.st_mtime > CACHE_KEEP)
			unlink(path);
	}
	closedir(d);
}

/* Makes sure e's body is in the cache directory (e->file set), or leaves
 * e->file empty when it cannot be written (the body is then served by the
 * worker itself). */
static void
cache_file(const struct dgcg_conf *cf, struct tl_entry *e, int force)
{
	char name[64], gzname[72], path[4096];
	unsigned char *gz;
	time_t now = time(NULL);
	size_t gzlen = 0;
	struct stat st;

	if (cf->cache_dir == NULL)
		return;
	if (e->file[0] != '\0' && !force) {
		if (now - e->touched < CACHE_TOUCH)
			return;
		snprintf(path, sizeof(path), "%s/%s", cf->cache_dir, e->file);
		if (utimes(path, NULL) == 0) {
			snprintf(path, sizeof(path), "%s/%s.gz", cf->cache_dir, e->file);
			(void)utimes(path, NULL);
			e->touched = now;
			return;
		}
	}
	/* e->etag is "\"<32 hex>\"". */
	snprintf(name, sizeof(name), "tl-%.32s.json", e->etag + 1);
	snprintf(gzname, sizeof(gzname), "%s.gz", name);
	snprintf(path, sizeof(path), "%s/%s", cf->cache_dir, name);
	e->file[0] = '\0';
	if (stat(path, &st) != 0 || (size_t)st.st_size != e->len) {
		/* The .gz first: nginx's gzip_static must never pair a new
		 * .json with a stale .gz. */
		gz = gzip_buf(e->body, e->len, &gzlen);
		if (gz == NULL || !write_atomic(cf->cache_dir, gzname, gz, gzlen) ||
		    !write_atomic(cf->cache_dir, name, e->body, e->len)) {
			free(gz);
			dgcg_log(DGCG_LOG_WARN, "trustlist", "Could not write the trust list cache file",
			    NULL, "file", path, "error", strerror(errno), NULL);
			return;
		}
		free(gz);
		cache_sweep(cf->cache_dir, now);
	} else {
		(void)utimes(path, NULL);
		snprintf(path, sizeof(path), "%s/%s", cf->cache_dir, gzname);
		(void)utimes(path, NULL);
	}
	snprintf(e->file, sizeof(e->file), "%s", name);
	e->touched = now;
}

enum dgcg_err
dgcg_tl_get(struct dgcg_gw *gw, enum dgcg_cert_type type, const char *country,
    struct dgcg_tl_cached *out)
{
	struct tl_entry *e;
	unsigned char h[32];
	char hex[65], key[8];
	enum dgcg_err rc;
	int klen;

	klen = snprintf(key, sizeof(key), "%d|%.2s", (int)type, country != NULL ? country : "");
	if (!gw->conf.trustlist_cache) {
		/* The reference's way, for comparison: everything again. */
		dgcg_cache_clear(gw, DGCG_CACHE_TRUSTLIST);
		dgcg_cache_clear(gw, DGCG_CACHE_DSC_VERDICT);
		dgcg_cache_clear(gw, DGCG_CACHE_INTEGRITY);
	} else if ((e = dgcg_cache_get(gw, DGCG_CACHE_TRUSTLIST, key, (size_t)klen)) != NULL) {
		cache_file(&gw->conf, e, 0);
		goto done;
	}
	e = xcalloc(1, sizeof(*e));
	if ((rc = dgcg_tl_build(gw, type, country, -1, &e->list)) != DGCG_OK) {
		entry_free(e);
		return rc;
	}
	e->body = dgcg_tl_json(&e->list, 0, e->list.n, &e->len);
	dgcg_sha256((const unsigned char *)e->body, e->len, h);
	dgcg_hex_lower(h, 16, hex);
	snprintf(e->etag, sizeof(e->etag), "\"%.32s\"", hex);
	if (gw->conf.trustlist_cache)
		cache_file(&gw->conf, e, 1);
	if (dgcg_cache_put(gw, DGCG_CACHE_TRUSTLIST, key, (size_t)klen, (time_t)-1, e,
	    entry_free) == NULL)
		return DGCG_ERR_DB;	/* the change counters could not be read */
done:
	out->list = &e->list;
	out->body = e->body;
	out->len = e->len;
	out->etag = e->etag;
	out->file = e->file[0] != '\0' ? e->file : NULL;
	return DGCG_OK;
}
