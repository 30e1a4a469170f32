/* api_trustlist.c: GET /trustList, /trustList/{type} and
 * /trustList/{type}/{country} (reference-gateway.md 4.1). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "route.h"
#include "base/timefmt.h"
#include "domain/trustlist.h"

#define DEFAULT_PAGESIZE 100

/* Reads an int32 query parameter: 1 found, 0 absent, -1 malformed. */
static int
query_int(const struct dgcg_req *req, const char *key, long *v)
{
	char *s = NULL, *end;
	enum dgcg_err rc;
	int r = -1;

	rc = dgcg_req_query(req, key, &s);
	if (rc == DGCG_ERR_NOTFOUND)
		return 0;
	if (rc == DGCG_OK && *s != '\0') {
		errno = 0;
		*v = strtol(s, &end, 10);
		if (errno == 0 && *end == '\0' && *v >= INT_MIN && *v <= INT_MAX)
			r = 1;
	}
	free(s);
	return r;
}

void
api_trustlist(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	enum dgcg_cert_type type = DGCG_CT__MAX;
	struct dgcg_tl_cached cached;
	struct dgcg_tl delta = { NULL, 0 };
	const struct dgcg_tl *list;
	char country[3], *cc = NULL, count[32];
	long page = -1, size = -1;
	int has_page, has_size, paging;
	time_t since = -1;
	enum dgcg_err rc;
	size_t off, n, len;

	if (req->nparams >= 1) {
		type = dgcg_cert_type_parse(req->params[0]);
		if (type == DGCG_CT__MAX) {
			dgcg_reply_fail(resp, DGCG_P_VALIDATION, req->params[0], "%s", "Unknown certificate type; use AUTHENTICATION, UPLOAD, CSCA or DSC.");
			return;
		}
	}
	if (req->nparams >= 2) {
		if (strlen(req->params[1]) != 2) {
			dgcg_reply_fail(resp, DGCG_P_VALIDATION, req->params[1], "%s", "downloadTrustListFilteredByCountryAndType.country: "
			    "size must be between 2 and 2");
			return;
		}
		country[0] = (char)toupper((unsigned char)req->params[1][0]);
		country[1] = (char)toupper((unsigned char)req->params[1][1]);
		country[2] = '\0';
		cc = country;
	}
	if (!dgcg_req_if_modified_since(req, &since, resp))
		return;
	has_page = query_int(req, "page", &page);
	has_size = query_int(req, "pagesize", &size);
	if (has_page < 0 || has_size < 0) {
		dgcg_reply_fail(resp, DGCG_P_VALIDATION, req->query, "%s", "page and pagesize must be whole numbers.");
		return;
	}
	paging = (has_page && page >= 0) || (has_size && size >= 0);
	if (page < 0)
		page = 0;
	if (size < 0)
		size = DEFAULT_PAGESIZE;
	if (paging && size == 0) {
		dgcg_reply_fail(resp, DGCG_P_VALIDATION, req->query, "%s", "pagesize must be greater than 0.");
		return;
	}

	if (since < 0) {
		rc = dgcg_tl_get(gw, type, cc, &cached);
		list = cached.list;
	} else {
		rc = dgcg_tl_build(gw, type, cc, since, &delta);
		list = &delta;
	}
	if (rc != DGCG_OK) {
		dgcg_reply_db_read(resp);
		goto out;
	}
	off = paging ? (size_t)page * (size_t)size : 0;
	n = paging ? (off < list->n ? (list->n - off < (size_t)size ? list->n - off :
	    (size_t)size) : 0) : list->n;
	snprintf(count, sizeof(count), "%zu", n);
	dgcg_log(DGCG_LOG_INFO, "trustlist", "Downloaded TrustList", NULL, "downloadedKeys", count,
	    "downloadedKeysCountry", id->country, "downloadedKeysType",
	    type == DGCG_CT__MAX ? "" : dgcg_cert_type_name(type), NULL);
	if (since < 0 && !paging) {
		dgcg_reply_header(resp, "ETag", cached.etag);
		if (dgcg_req_if_none_match(req, cached.etag)) {
			resp->status = 304;
			goto out;
		}
		if (cached.file != NULL) {
			/* The proxy sends the pre-rendered file (and its .gz)
			 * itself, at static-file speed. */
			char uri[256];

			snprintf(uri, sizeof(uri), "%s%s", gw->conf.cache_uri, cached.file);
			dgcg_reply_header(resp, "X-Accel-Redirect", uri);
			resp->status = 200;
			resp->content_type = "application/json";
			goto out;
		}
		dgcg_reply_body_borrowed(resp, 200, "application/json", cached.body, cached.len);
		goto out;
	}
	{
		char *body = dgcg_tl_json(list, off, n, &len);

		dgcg_reply_json(resp, 200, body, len);
	}
out:
	dgcg_tl_free(&delta);
}
