/* route.c: the route table and the per-request order of checks. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "log.h"
#include "route.h"
#include "xmalloc.h"

#define CMS_BODY	(DGCG_R_BODY | DGCG_R_CMS)
#define CMS_TEXT_BODY	(DGCG_R_BODY | DGCG_R_CMS | DGCG_R_CMS_TEXT)

/* Matched in order: a literal path must come before a pattern that would
 * also match it. */
static const struct dgcg_route routes[] = {
	{ "GET", "/countrylist", api_countrylist, 0 },
	{ "POST", "/signerCertificate", api_signer_upload, CMS_BODY },
	{ "DELETE", "/signerCertificate", api_signer_delete, CMS_BODY },
	{ "POST", "/signerCertificate/delete", api_signer_delete, CMS_BODY },
	{ "GET", "/trustList", api_trustlist, 0 },
	{ "GET", "/trustList/{type}", api_trustlist, 0 },
	{ "GET", "/trustList/{type}/{country}", api_trustlist, 0 },
	{ "POST", "/rules", api_rules_upload, CMS_TEXT_BODY },
	{ "DELETE", "/rules", api_rules_delete, CMS_TEXT_BODY },
	{ "POST", "/rules/delete", api_rules_delete, CMS_TEXT_BODY },
	{ "GET", "/rules/{country}", api_rules_download, 0 },
	{ "GET", "/valuesets", api_valuesets_list, 0 },
	{ "GET", "/valuesets/{id}", api_valuesets_get, 0 },
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* Matches path against pattern segment by segment; {name} matches one
 * non-empty segment, captured into req->params when req is not NULL. */
static int
match(const char *pattern, const char *path, struct dgcg_req *req)
{
	const char *p = pattern, *s = path, *pe, *se;
	size_t n = 0;

	for (;;) {
		if (*p != '/' || *s != '/')
			goto fail;
		p++;
		s++;
		pe = strchr(p, '/');
		if (pe == NULL)
			pe = p + strlen(p);
		se = strchr(s, '/');
		if (se == NULL)
			se = s + strlen(s);
		if (*p == '{') {
			if (se == s || n >= DGCG_ROUTE_PARAMS)
				goto fail;
			if (req != NULL)
				req->params[n] = xstrndup(s, (size_t)(se - s));
			n++;
		} else if ((size_t)(pe - p) != (size_t)(se - s) || memcmp(p, s, (size_t)(pe - p)) != 0)
			goto fail;
		p = pe;
		s = se;
		if (*p == '\0' && *s == '\0')
			break;
		if (*p == '\0' || *s == '\0')
			goto fail;
	}
	if (req != NULL)
		req->nparams = n;
	return 1;
fail:
	if (req != NULL) {
		while (n > 0)
			free(req->params[--n]), req->params[n] = NULL;
		req->nparams = 0;
	}
	return 0;
}

/* The media type of a Content-Type value, compared case-insensitively and
 * without parameters (a charset is ignored, as in the reference). */
static int
media_is(const char *ct, const char *want)
{
	size_t n = strlen(want);

	if (ct == NULL)
		return 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, want, n) != 0)
		return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

static int
media_ok(unsigned flags, const char *ct)
{
	if (flags & DGCG_R_CMS) {
		if (media_is(ct, "application/cms"))
			return 1;
		if ((flags & DGCG_R_CMS_TEXT) && media_is(ct, "application/cms-text"))
			return 1;
		return 0;
	}
	if (flags & DGCG_R_JSON)
		return media_is(ct, "application/json");
	return 1;
}

void
dgcg_dispatch(struct dgcg_gw *gw, struct dgcg_req *req, struct dgcg_resp *resp)
{
	const struct dgcg_route *rt = NULL;
	struct dgcg_identity id;
	char allow[128], *send = NULL;
	const char *method = req->method != NULL ? req->method : "";
	enum dgcg_prob prob;
	enum dgcg_err rc;
	size_t i, alen = 0;
	int path_known = 0;

	memset(&id, 0, sizeof(id));
	allow[0] = '\0';
	if (req->path == NULL || req->path[0] != '/' || strlen(req->path) > DGCG_PATH_MAX) {
		dgcg_resp_prob(resp, DGCG_P_NOT_FOUND, NULL, "The requested path does not exist.");
		return;
	}
	for (i = 0; i < NROUTES; i++) {
		if (!match(routes[i].pattern, req->path, NULL))
			continue;
		path_known = 1;
		if (strstr(allow, routes[i].method) == NULL) {
			int n = snprintf(allow + alen, sizeof(allow) - alen, "%s%s",
			    alen ? ", " : "", routes[i].method);
			if (n > 0 && (size_t)n < sizeof(allow) - alen)
				alen += (size_t)n;
		}
		if (strcmp(routes[i].method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0)) {
			rt = &routes[i];
			break;
		}
	}
	if (!path_known) {
		dgcg_resp_prob(resp, DGCG_P_NOT_FOUND, NULL, "The requested path does not exist.");
		return;
	}
	if (rt == NULL) {
		dgcg_resp_prob(resp, DGCG_P_METHOD, NULL, "Allowed methods are listed in Allow.");
		dgcg_resp_header(resp, "Allow", allow);
		return;
	}
	(void)match(rt->pattern, req->path, req);

	prob = dgcg_auth(gw, req->thumb, req->dn, &id, &send);
	if (prob != DGCG_P_NONE) {
		dgcg_resp_prob(resp, prob, send, NULL);
		free(send);
		return;
	}
	if (rt->flags & DGCG_R_BODY) {
		if (!media_ok(rt->flags, req->content_type)) {
			dgcg_resp_prob(resp, DGCG_P_MEDIA_TYPE, req->content_type,
			    (rt->flags & DGCG_R_CMS_TEXT) ?
			    "Content-Type must be application/cms or application/cms-text" :
			    (rt->flags & DGCG_R_CMS) ? "Content-Type must be application/cms" :
			    "Content-Type must be application/json");
			goto out;
		}
		if (req->content_length > (long long)gw->conf.body_max) {
			dgcg_resp_prob(resp, DGCG_P_TOO_LARGE, NULL, "The request body is too large.");
			goto out;
		}
		if (req->read_body == NULL)
			rc = DGCG_ERR_IO;
		else
			rc = req->read_body(req->body_arg, gw->conf.body_max, &req->body,
			    &req->body_len);
		if (rc == DGCG_ERR_LIMIT) {
			dgcg_resp_prob(resp, DGCG_P_TOO_LARGE, NULL, "The request body is too large.");
			goto out;
		}
		if (rc != DGCG_OK) {
			dgcg_resp_prob(resp, DGCG_P_VALIDATION, NULL, "The request body could not be read.");
			goto out;
		}
	}
	rt->fn(gw, req, &id, resp);
out:
	dgcg_identity_clear(&id);
}
