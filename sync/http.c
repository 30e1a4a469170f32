/* http.c: the HTTPS client, over libcurl. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "base/xmalloc.h"
#include "http.h"

struct sync_http {
	CURL			*c;
	size_t			 max_body;
	unsigned long		 requests;
	unsigned long long	 bytes;
	char			 errbuf[CURL_ERROR_SIZE];
};

/* What the callbacks fill in during one transfer. */
struct xfer {
	struct sync_resp	*r;
	size_t			 cap;
	size_t			 max;
	int			 over;
};

static size_t
on_body(char *p, size_t sz, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = sz * n;

	if (x->r->len + len > x->max) {
		x->over = 1;
		return 0;	/* aborts the transfer */
	}
	if (x->r->len + len + 1 > x->cap) {
		while (x->r->len + len + 1 > x->cap)
			x->cap = x->cap ? x->cap * 2 : 65536;
		x->r->body = xrealloc(x->r->body, x->cap);
	}
	memcpy(x->r->body + x->r->len, p, len);
	x->r->len += len;
	x->r->body[x->r->len] = '\0';
	return len;
}

/* Copies a header's value (trimmed) into out when the line is "name:". */
static void
header_value(const char *line, size_t len, const char *name, char *out, size_t outsz)
{
	size_t nl = strlen(name);

	if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return;
	line += nl + 1;
	len -= nl + 1;
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n' ||
	    line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len < outsz) {
		memcpy(out, line, len);
		out[len] = '\0';
	} else
		out[0] = '\0';
}

static size_t
on_header(char *p, size_t sz, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = sz * n;

	/* A new status line (e.g. after 100 Continue) starts afresh. */
	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		x->r->etag[0] = x->r->date[0] = x->r->ctype[0] = '\0';
		return len;
	}
	header_value(p, len, "ETag", x->r->etag, sizeof(x->r->etag));
	header_value(p, len, "Date", x->r->date, sizeof(x->r->date));
	header_value(p, len, "Content-Type", x->r->ctype, sizeof(x->r->ctype));
	return len;
}

enum dgcg_err
sync_http_new(const struct sync_http_opts *o, struct sync_http **out, char *err, size_t errsz)
{
	const char *files[3] = { o->cacert, o->cert, o->key };
	const char *names[3] = { "cacert", "cert", "key" };
	struct sync_http *h;
	int i;

	*out = NULL;
	for (i = 0; i < 3; i++)
		if (files[i] == NULL || access(files[i], R_OK) != 0) {
			snprintf(err, errsz, "%s: %s", names[i], files[i] == NULL ?
			    "not set" : "cannot be read");
			return DGCG_ERR_CONFIG;
		}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errsz, "libcurl initialisation failed");
		return DGCG_ERR_IO;
	}
	h = xcalloc(1, sizeof(*h));
	if ((h->c = curl_easy_init()) == NULL) {
		free(h);
		snprintf(err, errsz, "libcurl initialisation failed");
		return DGCG_ERR_NOMEM;
	}
	h->max_body = o->max_body;
	curl_easy_setopt(h->c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h->c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h->c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h->c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(h->c, CURLOPT_CAINFO, o->cacert);
	curl_easy_setopt(h->c, CURLOPT_CAPATH, NULL);	/* the bundle and nothing else */
	curl_easy_setopt(h->c, CURLOPT_SSLCERT, o->cert);
	curl_easy_setopt(h->c, CURLOPT_SSLCERTTYPE, "PEM");
	curl_easy_setopt(h->c, CURLOPT_SSLKEY, o->key);
	curl_easy_setopt(h->c, CURLOPT_SSLKEYTYPE, "PEM");
	curl_easy_setopt(h->c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h->c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h->c, CURLOPT_CONNECTTIMEOUT, (long)o->connect_timeout);
	curl_easy_setopt(h->c, CURLOPT_TIMEOUT, (long)o->timeout);
	curl_easy_setopt(h->c, CURLOPT_USERAGENT, PACKAGE_NAME "-sync/" PACKAGE_VERSION);
	curl_easy_setopt(h->c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(h->c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h->c, CURLOPT_HEADERFUNCTION, on_header);
	*out = h;
	return DGCG_OK;
}

void
sync_http_free(struct sync_http *h)
{
	if (h == NULL)
		return;
	curl_easy_cleanup(h->c);
	free(h);
}

void
sync_resp_free(struct sync_resp *r)
{
	if (r == NULL)
		return;
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

static enum dgcg_err
perform(struct sync_http *h, const char *url, struct curl_slist *hdrs, struct sync_resp *r)
{
	struct xfer x = { r, 0, h->max_body, 0 };
	curl_off_t body = 0;
	long hsize = 0;
	CURLcode cc;

	memset(r, 0, sizeof(*r));
	r->body = xmalloc(1);
	r->body[0] = '\0';
	h->errbuf[0] = '\0';
	curl_easy_setopt(h->c, CURLOPT_URL, url);
	curl_easy_setopt(h->c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h->c, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(h->c, CURLOPT_HEADERDATA, &x);
	cc = curl_easy_perform(h->c);
	curl_easy_setopt(h->c, CURLOPT_HTTPHEADER, NULL);
	h->requests++;
	if (curl_easy_getinfo(h->c, CURLINFO_SIZE_DOWNLOAD_T, &body) == CURLE_OK && body > 0)
		r->wire += (unsigned long long)body;
	if (curl_easy_getinfo(h->c, CURLINFO_HEADER_SIZE, &hsize) == CURLE_OK && hsize > 0)
		r->wire += (unsigned long long)hsize;
	h->bytes += r->wire;
	if (x.over) {
		snprintf(r->error, sizeof(r->error), "response larger than max_list_size (%zu bytes)",
		    h->max_body);
		return DGCG_ERR_LIMIT;
	}
	if (cc != CURLE_OK) {
		snprintf(r->error, sizeof(r->error), "%s", h->errbuf[0] != '\0' ? h->errbuf :
		    curl_easy_strerror(cc));
		r->status = 0;
		return DGCG_ERR_IO;
	}
	curl_easy_getinfo(h->c, CURLINFO_RESPONSE_CODE, &r->status);
	return DGCG_OK;
}

enum dgcg_err
sync_http_get(struct sync_http *h, const char *url, const char *if_none_match,
    const char *if_modified_since, struct sync_resp *r)
{
	struct curl_slist *hdrs = NULL;
	char line[512];
	enum dgcg_err rc;

	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (if_none_match != NULL && *if_none_match != '\0') {
		snprintf(line, sizeof(line), "If-None-Match: %s", if_none_match);
		hdrs = curl_slist_append(hdrs, line);
	}
	if (if_modified_since != NULL && *if_modified_since != '\0') {
		snprintf(line, sizeof(line), "If-Modified-Since: %s", if_modified_since);
		hdrs = curl_slist_append(hdrs, line);
	}
	curl_easy_setopt(h->c, CURLOPT_HTTPGET, 1L);
	rc = perform(h, url, hdrs, r);
	curl_slist_free_all(hdrs);
	return rc;
}

enum dgcg_err
sync_http_send(struct sync_http *h, const char *method, const char *url, const char *ctype,
    const char *body, size_t len, struct sync_resp *r)
{
	struct curl_slist *hdrs = NULL;
	char line[256];
	enum dgcg_err rc;

	snprintf(line, sizeof(line), "Content-Type: %s", ctype);
	hdrs = curl_slist_append(hdrs, line);
	hdrs = curl_slist_append(hdrs, "Expect:");
	curl_easy_setopt(h->c, CURLOPT_POST, 1L);
	curl_easy_setopt(h->c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h->c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h->c, CURLOPT_CUSTOMREQUEST, strcmp(method, "POST") == 0 ? NULL : method);
	rc = perform(h, url, hdrs, r);
	curl_easy_setopt(h->c, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(h->c, CURLOPT_POSTFIELDS, NULL);
	curl_slist_free_all(hdrs);
	return rc;
}

void
sync_http_stats(const struct sync_http *h, unsigned long *requests, unsigned long long *bytes)
{
	*requests = h->requests;
	*bytes = h->bytes;
}
