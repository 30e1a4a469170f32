/* route.c: the route table and the per-request order of checks. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/auth.h"
#include "base/log.h"
#include "store/trusted_party_roles.h"
#include "route.h"
#include "worker/metrics.h"
#include "base/xmalloc.h"

#define CMS_BODY	(DGCG_R_BODY | DGCG_R_CMS)
#define CMS_TEXT_BODY	(DGCG_R_BODY | DGCG_R_CMS | DGCG_R_CMS_TEXT)
#define JSON_BODY	(DGCG_R_BODY | DGCG_R_JSON)
#define ROLES		(DGCG_R_ROLE_READER | DGCG_R_ROLE_UPLOADER | DGCG_R_ROLE_DELETER)

/* Matched in order: a literal path must come before a pattern that would
 * also match it. */
static const struct dgcg_route routes[] = {
	{ "GET", "/countrylist", api_countrylist, 0 },
	{ "POST", "/signerCertificate", api_signer_upload, CMS_BODY | DGCG_R_UPLOAD },
	{ "DELETE", "/signerCertificate", api_signer_delete, CMS_BODY | DGCG_R_DELETE },
	{ "POST", "/signerCertificate/delete", api_signer_delete, CMS_BODY | DGCG_R_DELETE },
	{ "GET", "/trustList", api_trustlist, 0 },
	{ "GET", "/trustList/issuers", api_issuers, 0 },
	{ "GET", "/trustList/certificate", api_v2_certificate_list, 0 },
	{ "GET", "/trustList/references", api_ref_list, 0 },
	{ "GET", "/trustList/{type}", api_trustlist, 0 },
	{ "GET", "/trustList/{type}/{country}", api_trustlist, 0 },
	{ "POST", "/rules", api_rules_upload, CMS_TEXT_BODY | DGCG_R_UPLOAD },
	{ "DELETE", "/rules", api_rules_delete, CMS_TEXT_BODY | DGCG_R_DELETE },
	{ "POST", "/rules/delete", api_rules_delete, CMS_TEXT_BODY | DGCG_R_DELETE },
	{ "GET", "/rules/{country}", api_rules_download, 0 },
	{ "GET", "/valuesets", api_valuesets_list, 0 },
	{ "GET", "/valuesets/{id}", api_valuesets_get, 0 },
	{ "GET", "/revocation-list", api_rev_list, DGCG_R_ROLE_READER },
	{ "POST", "/revocation-list", api_rev_upload,
	    CMS_TEXT_BODY | DGCG_R_ROLE_UPLOADER | DGCG_R_UPLOAD },
	{ "DELETE", "/revocation-list", api_rev_delete,
	    CMS_TEXT_BODY | DGCG_R_ROLE_DELETER | DGCG_R_DELETE },
	{ "POST", "/revocation-list/delete", api_rev_delete,
	    CMS_TEXT_BODY | DGCG_R_ROLE_DELETER | DGCG_R_DELETE },
	{ "GET", "/revocation-list/{batchId}", api_rev_get,
	    DGCG_R_ROLE_READER | DGCG_R_ACCEPT_CMS },
	{ "GET", "/cms-migration", api_mig_list, 0 },
	{ "POST", "/cms-migration", api_mig_update, JSON_BODY },
	/* v2 (tng-gateway.md 1.2) */
	{ "POST", "/trustedCertificate", api_v2_cert_upload, JSON_BODY },
	{ "DELETE", "/trustedCertificate", api_v2_cert_delete, CMS_BODY },
	{ "POST", "/trustedCertificate/delete", api_v2_cert_delete, CMS_BODY },
	{ "POST", "/trust/reference", api_ref_upload, CMS_TEXT_BODY },
	{ "DELETE", "/trust/reference", api_ref_delete, CMS_TEXT_BODY },
	{ "GET", "/trust/reference/{uuid}", api_ref_get, 0 },
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* The internal listener's paths, for requests with health_check set
 * (DGCG_HEALTH_CHECK, which only nginx's internal listener sets): answered
 * at once, without authentication, to GET and HEAD. On the mTLS listener
 * they are unknown paths like any other. */
static const struct {
	const char	*path;
	void		(*fn)(struct dgcg_gw *, struct dgcg_req *, struct dgcg_reply *);
} internal[] = {
	{ "/health", api_health },
	{ "/metrics", api_metrics },
};
#define NINTERNAL (sizeof(internal) / sizeof(internal[0]))

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

/* One media range of an Accept header against a type: 2 exact, 1 the
 * application wildcard, 0 the full wildcard, -1 no match. */
static int
range_match(const char *r, size_t rlen, const char *type)
{
	size_t tlen = strlen(type);

	if (rlen == tlen && strncasecmp(r, type, tlen) == 0)
		return 2;
	if (rlen == 13 && strncasecmp(r, "application/*", 13) == 0)
		return 1;
	if (rlen == 3 && strncmp(r, "*/*", 3) == 0)
		return 0;
	return -1;
}

/* The q parameter of a media range's parameters p[0..n), in thousandths
 * (1000 when absent; -1 when malformed). */
static int
range_q(const char *p, size_t n)
{
	const char *e = p + n, *s;
	int q, d;

	for (; p < e; p++) {
		while (p < e && (*p == ';' || *p == ' ' || *p == '\t'))
			p++;
		if (e - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			s = p + 2;
			if (s >= e || (*s != '0' && *s != '1'))
				return -1;
			q = (*s++ - '0') * 1000;
			if (s < e && *s == '.') {
				s++;
				for (d = 100; s < e && *s >= '0' && *s <= '9'; s++, d /= 10)
					q += (*s - '0') * d;
			}
			return q > 1000 ? -1 : q;
		}
		while (p < e && *p != ';')
			p++;
	}
	return 1000;
}

/*
 * NOTE: as RFC 9110 12.5.1 says, a type's quality is the one of the most
 * specific range that matches it (cms-text;q=0 next to the full wildcard
 * excludes cms-text); among acceptable types the higher quality wins, then
 * the more specific range (Spring's order), then cms-text.
 */
const char *
dgcg_accept_cms(const char *accept)
{
	static const char *const types[2] = { "application/cms-text", "application/cms" };
	const char *p, *comma, *semi, *b, *e;
	int q[2] = { 0, 0 }, spec[2] = { -1, -1 }, rq, sp, i;

	if (accept == NULL)
		return types[0];
	for (p = accept; *p == ' ' || *p == '\t'; p++)
		;
	if (*p == '\0')
		return types[0];
	for (; *p != '\0'; p = *comma ? comma + 1 : comma) {
		comma = strchr(p, ',');
		if (comma == NULL)
			comma = p + strlen(p);
		semi = memchr(p, ';', (size_t)(comma - p));
		if (semi == NULL)
			semi = comma;
		for (b = p; b < semi && (*b == ' ' || *b == '\t'); b++)
			;
		for (e = semi; e > b && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		if ((rq = range_q(semi, (size_t)(comma - semi))) < 0)
			continue;
		for (i = 0; i < 2; i++) {
			sp = range_match(b, (size_t)(e - b), types[i]);
			if (sp > spec[i]) {
				spec[i] = sp;
				q[i] = rq;
			}
		}
	}
	if (q[0] <= 0 && q[1] <= 0)
		return NULL;
	if (q[1] > q[0] || (q[1] == q[0] && spec[1] > spec[0]))
		return types[1];
	return types[0];
}

/* The route's roles: 1 when the caller holds them all, else 0 with resp
 * filled (403 0x403, or 503 when the database cannot say). */
static int
roles_ok(struct dgcg_gw *gw, unsigned flags, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	unsigned need = 0, have = 0;
	enum dgcg_role r;
	char details[160];

	if (flags & DGCG_R_ROLE_READER)
		need |= DGCG_ROLE_BIT(DGCG_ROLE_READER);
	if (flags & DGCG_R_ROLE_UPLOADER)
		need |= DGCG_ROLE_BIT(DGCG_ROLE_UPLOADER);
	if (flags & DGCG_R_ROLE_DELETER)
		need |= DGCG_ROLE_BIT(DGCG_ROLE_DELETER);
	if (dgcg_db_roles_get(gw->db, id->tp_id, &have) != DGCG_OK) {
		dgcg_reply_db_read(resp);
		return 0;
	}
	if ((have & need) == need)
		return 1;
	for (r = 0; r < DGCG_ROLE__MAX; r++)
		if ((need & DGCG_ROLE_BIT(r)) && !(have & DGCG_ROLE_BIT(r)))
			break;
	snprintf(details, sizeof(details), "The client certificate lacks the role %s.",
	    dgcg_role_name(r));
	dgcg_log(DGCG_LOG_ERROR, "route", "Client is not authorized to access the endpoint",
	    NULL, "missingRole", dgcg_role_name(r), "country", id->country,
	    "certVerifyThumbprint", id->thumbprint, NULL);
	dgcg_reply_fail(resp, DGCG_P_FORBIDDEN, NULL, "%s", details);
	return 0;
}

/*
 * Answers the request; returns the route it went to for the metrics: the
 * pattern of the route table (of the first route whose path matched, for a
 * 405), an internal path, or NULL for an unknown path; *flags gets the
 * flags of the route that took it (0 when none did).
 */
static const char *
dispatch(struct dgcg_gw *gw, struct dgcg_req *req, struct dgcg_reply *resp, unsigned *flags)
{
	const struct dgcg_route *rt = NULL;
	struct dgcg_identity id;
	char allow[128], *send = NULL;
	const char *method = req->method != NULL ? req->method : "";
	enum dgcg_prob prob;
	enum dgcg_err rc;
	const char *known = NULL;
	size_t i, alen = 0;

	*flags = 0;
	memset(&id, 0, sizeof(id));
	allow[0] = '\0';
	if (req->path == NULL || req->path[0] != '/' || strlen(req->path) > DGCG_PATH_MAX) {
		dgcg_reply_fail(resp, DGCG_P_NOT_FOUND, NULL, "%s", "The requested path does not exist.");
		return NULL;
	}
	/* The internal paths exist only for nginx's internal listener, which
	 * sets DGCG_HEALTH_CHECK (a FastCGI parameter, which no client header
	 * can become). */
	for (i = 0; req->health_check && i < NINTERNAL; i++) {
		if (strcmp(req->path, internal[i].path) != 0)
			continue;
		if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
			internal[i].fn(gw, req, resp);
		else {
			dgcg_reply_fail(resp, DGCG_P_METHOD, NULL, "%s", "Allowed methods are listed in Allow.");
			dgcg_reply_header(resp, "Allow", "GET");
		}
		dgcg_gw_request_end(gw);
		return internal[i].path;
	}
	for (i = 0; i < NROUTES; i++) {
		if (!match(routes[i].pattern, req->path, NULL))
			continue;
		if (known == NULL)
			known = routes[i].pattern;
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
	if (known == NULL) {
		dgcg_reply_fail(resp, DGCG_P_NOT_FOUND, NULL, "%s", "The requested path does not exist.");
		return NULL;
	}
	if (rt == NULL) {
		dgcg_reply_fail(resp, DGCG_P_METHOD, NULL, "%s", "Allowed methods are listed in Allow.");
		dgcg_reply_header(resp, "Allow", allow);
		return known;
	}
	*flags = rt->flags;
	(void)match(rt->pattern, req->path, req);

	prob = dgcg_auth(gw, req->thumb, req->dn, &id, &send);
	if (prob != DGCG_P_NONE) {
		dgcg_reply_fail(resp, prob, send, "%s",  "");
		free(send);
		goto out;
	}
	if ((rt->flags & ROLES) != 0 && !roles_ok(gw, rt->flags, &id, resp))
		goto out;
	if ((rt->flags & DGCG_R_ACCEPT_CMS) != 0 && dgcg_accept_cms(req->accept) == NULL) {
		dgcg_reply_fail(resp, DGCG_P_NOT_ACCEPTABLE, req->accept, "%s", "Accept must admit application/cms-text or application/cms.");
		goto out;
	}
	if (rt->flags & DGCG_R_BODY) {
		if (!media_ok(rt->flags, req->content_type)) {
			dgcg_reply_fail(resp, DGCG_P_MEDIA_TYPE, req->content_type, "%s", (rt->flags & DGCG_R_CMS_TEXT) ?
			    "Content-Type must be application/cms or application/cms-text" :
			    (rt->flags & DGCG_R_CMS) ? "Content-Type must be application/cms" :
			    "Content-Type must be application/json");
			goto out;
		}
		if (req->content_length > (long long)gw->conf.body_max) {
			dgcg_reply_fail(resp, DGCG_P_TOO_LARGE, NULL, "%s", "The request body is too large.");
			goto out;
		}
		if (req->read_body == NULL)
			rc = DGCG_ERR_IO;
		else
			rc = req->read_body(req->body_arg, gw->conf.body_max, &req->body,
			    &req->body_len);
		if (rc == DGCG_ERR_LIMIT) {
			dgcg_reply_fail(resp, DGCG_P_TOO_LARGE, NULL, "%s", "The request body is too large.");
			goto out;
		}
		if (rc != DGCG_OK) {
			dgcg_reply_fail(resp, DGCG_P_VALIDATION, NULL, "%s", "The request body could not be read.");
			goto out;
		}
	}
	rt->fn(gw, req, &id, resp);
out:
	dgcg_identity_clear(&id);
	dgcg_gw_request_end(gw);
	return rt->pattern;
}

/*
 * The request's counters (worker/metrics.h), counted before the answer is
 * sent: dgcg_requests_total by method (one of a fixed set, else "other":
 * the client chooses it), route (dispatch's, "unmatched" when NULL) and
 * status; dgcg_problems_total by the problem table's row; for a route
 * flagged DGCG_R_UPLOAD or DGCG_R_DELETE dgcg_writes_total by resource (the
 * pattern's first segment), operation and outcome.
 */
static void
count(struct dgcg_gw *gw, const struct dgcg_req *req, const char *route, unsigned flags,
    const struct dgcg_reply *resp)
{
	static const char *const methods[] = { "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH",
		"OPTIONS" };
	const struct dgcg_prob_info *pi;
	const char *v[3];
	char status[12], resource[64];
	int st = resp->status ? resp->status : 500;	/* what io.c sends */
	size_t i;

	if (gw->metrics == NULL)
		return;
	v[0] = "other";
	for (i = 0; req->method != NULL && i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(req->method, methods[i]) == 0)
			v[0] = methods[i];
	v[1] = route != NULL ? route : "unmatched";
	snprintf(status, sizeof(status), "%d", st);
	v[2] = status;
	dgcg_metrics_add(gw->metrics, DGCG_M_REQUESTS, v, 1);
	if (dgcg_reply_failed(resp)) {
		pi = dgcg_prob_info(resp->prob);
		v[0] = pi->code;
		v[1] = pi->name;
		dgcg_metrics_add(gw->metrics, DGCG_M_PROBLEMS, v, 1);
	}
	if (route != NULL && (flags & (DGCG_R_UPLOAD | DGCG_R_DELETE)) != 0) {
		snprintf(resource, sizeof(resource), "%.*s", (int)strcspn(route + 1, "/"), route + 1);
		v[0] = resource;
		v[1] = (flags & DGCG_R_UPLOAD) ? "upload" : "delete";
		v[2] = st < 300 ? "ok" : st < 500 ? "rejected" : "error";
		dgcg_metrics_add(gw->metrics, DGCG_M_WRITES, v, 1);
	}
}

void
dgcg_dispatch(struct dgcg_gw *gw, struct dgcg_req *req, struct dgcg_reply *resp)
{
	unsigned flags;
	const char *route = dispatch(gw, req, resp, &flags);

	count(gw, req, route, flags, resp);
}
