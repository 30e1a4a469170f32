/* io.c: FastCGI params in, response out. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

#include "io.h"
#include "base/xmalloc.h"

static void
cgi_name(const char *header, char *out, size_t outsz)
{
	size_t i, o;

	o = (size_t)snprintf(out, outsz, "HTTP_");
	for (i = 0; header[i] != '\0' && o + 1 < outsz; i++)
		out[o++] = header[i] == '-' ? '_' : (char)toupper((unsigned char)header[i]);
	out[o] = '\0';
}

void
dgcg_io_names(const struct dgcg_conf *conf, struct dgcg_io_names *n)
{
	cgi_name(conf->header_thumbprint, n->thumb, sizeof(n->thumb));
	cgi_name(conf->header_dn, n->dn, sizeof(n->dn));
}

/* Reads the body: at most max bytes, else DGCG_ERR_LIMIT. */
static enum dgcg_err
read_body(void *arg, size_t max, char **buf, size_t *len)
{
	FCGX_Request *fr = arg;
	size_t cap = 8192, n = 0;
	char *b;
	int r;

	b = xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (cap > max)
				break;
			cap *= 2;
			b = xrealloc(b, cap + 1);
		}
		r = FCGX_GetStr(b + n, (int)(cap - n), fr->in);
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n > max)
			break;
	}
	if (n > max) {
		free(b);
		return DGCG_ERR_LIMIT;
	}
	if (FCGX_GetError(fr->in) != 0) {
		free(b);
		return DGCG_ERR_IO;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return DGCG_OK;
}

void
dgcg_io_capture(FCGX_Request *fr, const struct dgcg_io_names *n, struct dgcg_req *req)
{
	const char *cl, *hc;
	char *end;
	long long v;

	memset(req, 0, sizeof(*req));
	req->method = FCGX_GetParam("REQUEST_METHOD", fr->envp);
	req->path = FCGX_GetParam("DOCUMENT_URI", fr->envp);
	req->query = FCGX_GetParam("QUERY_STRING", fr->envp);
	if (req->query == NULL)
		req->query = "";
	req->content_type = FCGX_GetParam("CONTENT_TYPE", fr->envp);
	req->accept = FCGX_GetParam("HTTP_ACCEPT", fr->envp);
	req->thumb = FCGX_GetParam(n->thumb, fr->envp);
	req->dn = FCGX_GetParam(n->dn, fr->envp);
	req->request_id = FCGX_GetParam("DGCG_REQUEST_ID", fr->envp);
	req->if_modified_since = FCGX_GetParam("HTTP_IF_MODIFIED_SINCE", fr->envp);
	req->if_none_match = FCGX_GetParam("HTTP_IF_NONE_MATCH", fr->envp);
	req->remote_addr = FCGX_GetParam("REMOTE_ADDR", fr->envp);
	hc = FCGX_GetParam("DGCG_HEALTH_CHECK", fr->envp);
	req->health_check = hc != NULL && strcmp(hc, "1") == 0;
	req->content_length = -1;
	cl = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
	if (cl != NULL && *cl != '\0') {
		errno = 0;
		v = strtoll(cl, &end, 10);
		if (errno == 0 && *end == '\0' && v >= 0)
			req->content_length = v;
	}
	req->read_body = read_body;
	req->body_arg = fr;
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

/*
 * The one place a reply becomes bytes on the wire: a problem is rendered
 * here as its ProblemReport JSON.
 */
void
dgcg_io_send(FCGX_Request *fr, const struct dgcg_req *req, const struct dgcg_reply *r)
{
	char head[256], *problem = NULL;
	const char *body = r->body, *ct = r->content_type;
	size_t len = r->len;
	int n, status = r->status ? r->status : 500;
	int head_only = req->method != NULL && strcmp(req->method, "HEAD") == 0;

	if (dgcg_reply_failed(r)) {
		problem = dgcg_reply_problem_json(r, &len);
		body = problem;
		ct = "application/json";
	}
	/* libfcgi's own printf garbles %zu: format here, send with PutStr. */
	n = snprintf(head, sizeof(head), "Status: %d %s\r\n", status, reason(status));
	FCGX_PutStr(head, n, fr->out);
	if (ct != NULL) {
		n = snprintf(head, sizeof(head), "Content-Type: %s\r\nContent-Length: %zu\r\n",
		    ct, len);
		FCGX_PutStr(head, n, fr->out);
	} else if (status != 204 && status != 304) {
		FCGX_PutStr("Content-Length: 0\r\n", 19, fr->out);
	}
	if (r->hlen > 0)
		FCGX_PutStr(r->headers, (int)r->hlen, fr->out);
	FCGX_PutStr("\r\n", 2, fr->out);
	if (!head_only && body != NULL && len > 0)
		FCGX_PutStr(body, (int)len, fr->out);
	free(problem);
}
