/* req.c: response building shared by every handler. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/codec.h"
#include "domain/problem.h"
#include "req.h"
#include "base/xmalloc.h"

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

void
dgcg_resp_clear(struct dgcg_resp *r)
{
	if (!r->borrowed)
		free(r->body);
	memset(r, 0, sizeof(*r));
}

void
dgcg_resp_json(struct dgcg_resp *r, int status, char *body, size_t len)
{
	if (!r->borrowed)
		free(r->body);
	r->status = status;
	r->content_type = "application/json";
	r->body = body;
	r->len = len;
	r->borrowed = 0;
}

void
dgcg_resp_json_borrowed(struct dgcg_resp *r, int status, const char *body, size_t len)
{
	dgcg_resp_json(r, status, NULL, 0);
	r->body = (char *)(uintptr_t)body;
	r->len = len;
	r->borrowed = 1;
}

void
dgcg_resp_problem(struct dgcg_resp *r, int status, const char *code, const char *problem,
    const char *send_value, const char *details)
{
	size_t len;
	char *body;

	body = dgcg_problem_json(code, problem, send_value, details, &len);
	dgcg_resp_json(r, status, body, len);
}

void
dgcg_resp_prob(struct dgcg_resp *r, enum dgcg_prob p, const char *send_value,
    const char *details)
{
	const struct dgcg_prob_info *pi = dgcg_prob_info(p);

	dgcg_resp_problem(r, pi->status, pi->code, pi->problem, send_value, details);
}

void
dgcg_resp_header(struct dgcg_resp *r, const char *name, const char *value)
{
	int n;

	if (strpbrk(name, "\r\n:") != NULL || strpbrk(value, "\r\n") != NULL)
		return;
	n = snprintf(r->headers + r->hlen, sizeof(r->headers) - r->hlen, "%s: %s\r\n", name,
	    value);
	if (n < 0 || (size_t)n >= sizeof(r->headers) - r->hlen) {
		r->headers[r->hlen] = '\0';
		return;
	}
	r->hlen += (size_t)n;
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
