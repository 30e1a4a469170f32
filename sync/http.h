/* http.h: HTTPS with mutual TLS to the gateway; the only module that
 * includes <curl/curl.h>.
 *
 * Always: https only, the server certificate verified against the
 * configured CA bundle and nothing else (no system CAs, no trust-all mode),
 * its name checked, TLS 1.2 or newer, our client certificate presented, no
 * redirects followed, gzip/deflate accepted. One handle keeps its
 * connection alive across requests (one handshake for a pull). */
#ifndef SYNC_HTTP_H
#define SYNC_HTTP_H

#include <stddef.h>

#include "base/dgcg.h"

struct sync_http_opts {
	const char	*cacert;	/* PEM bundle that verifies the server */
	const char	*cert;		/* client certificate (PEM) */
	const char	*key;		/* its key (PEM) */
	unsigned	 connect_timeout;	/* seconds */
	unsigned	 timeout;		/* seconds per request */
	size_t		 max_body;		/* bytes of a decoded body */
};

/* One response. body is malloc'd and NUL-terminated (not counted). */
struct sync_resp {
	long			 status;	/* 0: no complete HTTP response */
	char			*body;
	size_t			 len;
	char			 etag[256];	/* "" when absent or too long */
	char			 date[64];	/* the Date header, "" when absent */
	char			 ctype[128];	/* Content-Type */
	unsigned long long	 wire;		/* header and body bytes as received */
	char			 error[256];	/* why, when the transfer failed */
};

struct sync_http;

/* Checks the files and sets up a handle (caller sync_http_free). */
enum dgcg_err sync_http_new(const struct sync_http_opts *o, struct sync_http **out, char *err,
	size_t errsz);
void sync_http_free(struct sync_http *h);

/* GET url, with If-None-Match / If-Modified-Since when non-NULL. Returns
 * DGCG_OK when a whole response arrived (whatever its status), DGCG_ERR_IO
 * when none did (connection, TLS, timeout, a body cut short; r->error says
 * which), DGCG_ERR_LIMIT when the body exceeded max_body. *r is reset
 * first; free it with sync_resp_free in every case. */
enum dgcg_err sync_http_get(struct sync_http *h, const char *url, const char *if_none_match,
	const char *if_modified_since, struct sync_resp *r);

/* POST or DELETE url with body[0..len) of content type ctype; as
 * sync_http_get. */
enum dgcg_err sync_http_send(struct sync_http *h, const char *method, const char *url,
	const char *ctype, const char *body, size_t len, struct sync_resp *r);

void sync_resp_free(struct sync_resp *r);

/* Requests made and bytes received (headers and bodies, as on the wire)
 * since sync_http_new. */
void sync_http_stats(const struct sync_http *h, unsigned long *requests,
	unsigned long long *bytes);

#endif
