/* req.c: the request as handlers see it: query parameters, cleanup. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/codec.h"
#include "base/timefmt.h"
#include "req.h"
#include "base/xmalloc.h"
#include "worker/cache.h"

void
dgcg_req_clear(struct dgcg_req *r)
{
	size_t i;

	for (i = 0; i < r->nparams; i++)
		free(r->params[i]);
	r->nparams = 0;
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
}

enum dgcg_err
dgcg_req_query(const struct dgcg_req *r, const char *key, char **out)
{
	const char *p = r->query, *amp, *eq;
	size_t klen = strlen(key), n;

	*out = NULL;
	if (p == NULL)
		return DGCG_ERR_NOTFOUND;
	for (; *p != '\0'; p = *amp ? amp + 1 : amp) {
		amp = strchr(p, '&');
		if (amp == NULL)
			amp = p + strlen(p);
		eq = memchr(p, '=', (size_t)(amp - p));
		n = (size_t)((eq != NULL ? eq : amp) - p);
		if (n != klen || memcmp(p, key, klen) != 0)
			continue;
		if (eq == NULL)
			eq = amp - 1;	/* "key" alone: an empty value */
		return dgcg_url_decode(eq + 1, (size_t)(amp - eq - 1), 1, out, &n);
	}
	return DGCG_ERR_NOTFOUND;
}

void
dgcg_req_values_free(char **vals, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(vals[i]);
	free(vals);
}

enum dgcg_err
dgcg_req_query_list(const struct dgcg_req *r, const char *key, size_t max, char ***vals,
    size_t *n)
{
	const char *p = r->query, *amp, *eq;
	size_t klen = strlen(key), vlen;
	char *val, *tok, *save = NULL, **v = NULL;
	size_t k = 0;

	*vals = NULL;
	*n = 0;
	for (; p != NULL && *p != '\0'; p = *amp ? amp + 1 : amp) {
		amp = strchr(p, '&');
		if (amp == NULL)
			amp = p + strlen(p);
		eq = memchr(p, '=', (size_t)(amp - p));
		if ((size_t)((eq != NULL ? eq : amp) - p) != klen || memcmp(p, key, klen) != 0)
			continue;
		if (eq == NULL)
			continue;	/* "key" alone: no value */
		if (dgcg_url_decode(eq + 1, (size_t)(amp - eq - 1), 1, &val, &vlen) != DGCG_OK) {
			dgcg_req_values_free(v, k);
			return DGCG_ERR_PARSE;
		}
		for (tok = val;; tok = NULL) {
			char *t = strtok_r(tok, ",", &save);

			if (t == NULL)
				break;
			if (k >= max) {
				free(val);
				dgcg_req_values_free(v, k);
				return DGCG_ERR_LIMIT;
			}
			v = xrealloc(v, (k + 1) * sizeof(*v));
			v[k++] = xstrdup(t);
		}
		free(val);
	}
	*vals = v;
	*n = k;
	return DGCG_OK;
}

int
dgcg_req_query_bool(const struct dgcg_req *r, const char *key, int *v)
{
	static const char *const yes[] = { "true", "on", "yes", "1" };
	static const char *const no[] = { "false", "off", "no", "0" };
	enum dgcg_err rc;
	char *s = NULL;
	size_t i;
	int ok = 0;

	*v = 0;
	rc = dgcg_req_query(r, key, &s);
	if (rc == DGCG_ERR_NOTFOUND)
		return 1;
	if (rc != DGCG_OK)
		return 0;
	if (*s == '\0')
		ok = 1;
	for (i = 0; i < 4 && !ok; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*v = 1;
			ok = 1;
		} else if (strcasecmp(s, no[i]) == 0)
			ok = 1;
	}
	free(s);
	return ok;
}

int
dgcg_req_if_modified_since(const struct dgcg_req *r, time_t *since, struct dgcg_reply *resp)
{
	*since = -1;
	if (r->if_modified_since == NULL || *r->if_modified_since == '\0')
		return 1;
	if (dgcg_time_parse_header(r->if_modified_since, since) == DGCG_OK)
		return 1;
	*since = -1;
	dgcg_reply_fail(resp, DGCG_P_VALIDATION, r->if_modified_since, "%s",
	    "If-Modified-Since must be an ISO-8601 date-time with offset "
	    "(2021-06-01T00:00:00Z) or an HTTP date in one of the forms of RFC 9110 "
	    "(Tue, 01 Jun 2021 00:00:00 GMT; Tuesday, 01-Jun-21 00:00:00 GMT; "
	    "Tue Jun  1 00:00:00 2021).");
	return 0;
}

int
dgcg_req_if_none_match(const struct dgcg_req *r, const char *etag)
{
	const char *p = r->if_none_match, *e;
	size_t n, elen = strlen(etag);

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		e = strchr(p, ',');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if ((n == 1 && *p == '*') || (n == elen && memcmp(p, etag, n) == 0))
			return 1;
		p = e;
	}
	return 0;
}



int
dgcg_req_lists(const struct dgcg_req *req, const char *const *keys, char ***vals, size_t *ns,
    size_t nkeys, struct dgcg_reply *resp)
{
	enum dgcg_err rc;
	size_t i;

	for (i = 0; i < nkeys; i++) {
		vals[i] = NULL;
		ns[i] = 0;
	}
	for (i = 0; i < nkeys; i++) {
		rc = dgcg_req_query_list(req, keys[i], DGCG_REQ_LIST_MAX, &vals[i], &ns[i]);
		if (rc != DGCG_OK) {
			dgcg_reply_fail(resp, DGCG_P_VALIDATION, req->query, "%s: %s", keys[i],
			    rc == DGCG_ERR_LIMIT ? "at most 256 values" :
			    "malformed percent-encoding");
			return 0;
		}
	}
	return 1;
}

int
dgcg_req_federation(const struct dgcg_req *req, int *fed, struct dgcg_reply *resp)
{
	if (dgcg_req_query_bool(req, "withFederation", fed))
		return 1;
	dgcg_reply_fail(resp, DGCG_P_VALIDATION, req->query, "%s",
	    "withFederation: must be a Boolean (true, false, on, off, yes, no, 1, 0)");
	return 0;
}

size_t
dgcg_req_list_reply(const struct dgcg_req *req, struct dgcg_reply *resp, enum dgcg_err rc,
    const struct dgcg_cached_list *full, char *json, size_t len, size_t n)
{
	if (rc != DGCG_OK) {
		free(json);
		dgcg_reply_db_read(resp);
		return 0;
	}
	if (full == NULL) {
		dgcg_reply_json(resp, 200, json, len);
		return n;
	}
	dgcg_reply_header(resp, "ETag", full->etag);
	if (dgcg_req_if_none_match(req, full->etag))
		resp->status = 304;
	else
		dgcg_reply_body_borrowed(resp, 200, "application/json", full->body, full->len);
	return full->count;
}
