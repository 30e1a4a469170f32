/* req.h: one HTTP request, as the handlers see it (they answer with a
 * struct dgcg_reply, domain/reply.h).
 * Nothing here knows FastCGI: io.c fills a request from libfcgi and writes
 * the response back, so handlers can also be driven by tests and fuzzers. */
#ifndef DGCG_REQ_H
#define DGCG_REQ_H

#include <stddef.h>
#include <time.h>

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

/* Every value of query parameter key (the parameter repeated, each value
 * split on ','), percent-decoded, empty values dropped, as Spring binds a
 * list: *vals a malloc'd array of malloc'd strings (dgcg_req_values_free).
 * DGCG_ERR_PARSE for a malformed escape, DGCG_ERR_LIMIT beyond max values
 * (nothing returned then). */
enum dgcg_err dgcg_req_query_list(const struct dgcg_req *r, const char *key, size_t max,
	char ***vals, size_t *n);
void dgcg_req_values_free(char **vals, size_t n);

/* A Boolean query parameter as Spring reads it: true/false, on/off,
 * yes/no, 1/0 in any case; absent or empty is false. 1 with *v set, 0 for
 * anything else (or a malformed escape). */
int dgcg_req_query_bool(const struct dgcg_req *r, const char *key, int *v);

/* The list filters of a v2 list: every value of each of the nkeys
 * parameters keys[i] into vals[i], ns[i] (dgcg_req_query_list, at most
 * DGCG_REQ_LIST_MAX each; free each with dgcg_req_values_free, also after
 * a failure): 1, or 0 with resp = 400 0x001. */
#define DGCG_REQ_LIST_MAX	256
int dgcg_req_lists(const struct dgcg_req *r, const char *const *keys, char ***vals, size_t *ns,
	size_t nkeys, struct dgcg_reply *resp);

/* withFederation (dgcg_req_query_bool): 1 with *fed, or 0 with resp = 400
 * 0x001 (TNG's Spring answers 400 too). */
int dgcg_req_federation(const struct dgcg_req *r, int *fed, struct dgcg_reply *resp);

/* If-Modified-Since (dgcg_time_parse_header: ISO-8601 or an HTTP-date):
 * 1 with *since (-1 when absent or empty), or 0 with resp = 400 0x001 for
 * a malformed value (the trust lists' text). */
int dgcg_req_if_modified_since(const struct dgcg_req *r, time_t *since, struct dgcg_reply *resp);

/* 1 when the request's If-None-Match names etag (or is "*"), W/ ignored. */
int dgcg_req_if_none_match(const struct dgcg_req *r, const char *etag);

/* Frees what the request owns (params, body). */
void dgcg_req_clear(struct dgcg_req *r);
struct dgcg_cached_list;

/* Answers a list GET: rc is what reading the list returned (not DGCG_OK:
 * the database-read problem). With full (no If-Modified-Since), the cached
 * whole list with its ETag, or 304 when If-None-Match names it; else the
 * delta json (malloc'd, taken over) of n items. Returns the items answered. */
size_t dgcg_req_list_reply(const struct dgcg_req *req, struct dgcg_reply *resp, enum dgcg_err rc,
	const struct dgcg_cached_list *full, char *json, size_t len, size_t n);

#endif
