/* req.h: one HTTP request, as the handlers see it (they answer with a
 * struct dgcg_reply, domain/reply.h).
 * Nothing here knows FastCGI: io.c fills a request from libfcgi and writes
 * the response back, so handlers can also be driven by tests and fuzzers. */
#ifndef DGCG_REQ_H
#define DGCG_REQ_H

#include <stddef.h>

#include "base/dgcg.h"
#include "domain/reply.h"

#define DGCG_ROUTE_PARAMS 4

struct dgcg_req {
	const char	*method;		/* REQUEST_METHOD */
	const char	*path;			/* DOCUMENT_URI (decoded path, no query) */
	const char	*query;			/* QUERY_STRING, "" when none */
	const char	*content_type;		/* CONTENT_TYPE or NULL */
	const char	*accept;		/* HTTP_ACCEPT or NULL */
	long long	 content_length;	/* -1 when absent */
	const char	*thumb;			/* the configured thumbprint header or NULL */
	const char	*dn;			/* the configured DN header or NULL */
	const char	*request_id;		/* DGCG_REQUEST_ID (nginx $request_id) or NULL */
	const char	*if_modified_since;
	const char	*if_none_match;
	const char	*remote_addr;
	/* set only by nginx's health-check listener (DGCG_HEALTH_CHECK=1): the
	 * one way to reach GET /health, which needs no client certificate */
	int		 health_check;
	/* path parameters captured by the route pattern ({name} segments) */
	char		*params[DGCG_ROUTE_PARAMS];
	size_t		 nparams;
	/* the body, read by the dispatcher after authentication */
	enum dgcg_err	(*read_body)(void *arg, size_t max, char **buf, size_t *len);
	void		*body_arg;
	char		*body;			/* NUL-terminated; owned by the request */
	size_t		 body_len;
};

/* The first value of query parameter key, percent-decoded ('+' as
 * space): DGCG_OK with *out malloc'd, DGCG_ERR_NOTFOUND when absent,
 * DGCG_ERR_PARSE when its escapes are malformed. */
enum dgcg_err dgcg_req_query(const struct dgcg_req *r, const char *key, char **out);

/* Frees what the request owns (params, body). */
void dgcg_req_clear(struct dgcg_req *r);
#endif
