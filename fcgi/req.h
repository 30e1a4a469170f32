/* req.h: one HTTP request and its response, as the handlers see them.
 * Nothing here knows FastCGI: io.c fills a request from libfcgi and writes
 * the response back, so handlers can also be driven by tests and fuzzers. */
#ifndef DGCG_REQ_H
#define DGCG_REQ_H

#include <stddef.h>

#include "base/dgcg.h"
#include "domain/problem.h"

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

#define DGCG_RESP_HEADERS_MAX 512

struct dgcg_resp {
	int		 status;
	const char	*content_type;		/* static string or NULL (no body) */
	char		*body;			/* malloc'd and owned, unless borrowed */
	size_t		 len;
	int		 borrowed;		/* body belongs to a cache: not freed */
	char		 headers[DGCG_RESP_HEADERS_MAX];	/* extra "Name: value\r\n" lines */
	size_t		 hlen;
};

/* The first value of query parameter key, percent-decoded ('+' as
 * space): DGCG_OK with *out malloc'd, DGCG_ERR_NOTFOUND when absent,
 * DGCG_ERR_PARSE when its escapes are malformed. */
enum dgcg_err dgcg_req_query(const struct dgcg_req *r, const char *key, char **out);

/* Frees what the request owns (params, body). */
void dgcg_req_clear(struct dgcg_req *r);
/* Frees what the response owns and resets it. */
void dgcg_resp_clear(struct dgcg_resp *r);

/* Answers with a ProblemReport of the given facts. */
void dgcg_resp_problem(struct dgcg_resp *r, int status, const char *code, const char *problem,
	const char *send_value, const char *details);
/* Answers with the fixed problem p. */
void dgcg_resp_prob(struct dgcg_resp *r, enum dgcg_prob p, const char *send_value,
	const char *details);
/* Answers with a JSON body (takes ownership of body). */
void dgcg_resp_json(struct dgcg_resp *r, int status, char *body, size_t len);
/* Answers with a JSON body that stays owned by the caller (a cache) and
 * must outlive the response. */
void dgcg_resp_json_borrowed(struct dgcg_resp *r, int status, const char *body, size_t len);
/* Adds a response header line; silently ignored when it does not fit or
 * contains CR/LF. */
void dgcg_resp_header(struct dgcg_resp *r, const char *name, const char *value);

#endif
