/* reply.c: building struct dgcg_reply. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "domain/reply.h"

void
dgcg_reply_init(struct dgcg_reply *r)
{
	memset(r, 0, sizeof(*r));
}

static void
drop_body(struct dgcg_reply *r)
{
	if (!r->borrowed)
		free(r->body);
	r->body = NULL;
	r->len = 0;
	r->borrowed = 0;
	r->content_type = NULL;
}

static void
drop_problem(struct dgcg_reply *r)
{
	free(r->send_value);
	free(r->details);
	r->send_value = r->details = NULL;
	r->prob = DGCG_P_NONE;
}

void
dgcg_reply_clear(struct dgcg_reply *r)
{
	drop_body(r);
	drop_problem(r);
	memset(r, 0, sizeof(*r));
}

void
dgcg_reply_ok(struct dgcg_reply *r, int status)
{
	drop_body(r);
	drop_problem(r);
	r->hlen = 0;
	r->headers[0] = '\0';
	r->status = status;
}

void
dgcg_reply_fail(struct dgcg_reply *r, enum dgcg_prob p, const char *send_value,
    const char *fmt, ...)
{
	char *sv;
	va_list ap;

	/* NOTE: send_value may be r->send_value itself. */
	sv = send_value != NULL ? xstrdup(send_value) : NULL;
	drop_body(r);
	drop_problem(r);
	r->hlen = 0;
	r->headers[0] = '\0';
	r->prob = p == DGCG_P_NONE ? DGCG_P_INTERNAL : p;
	r->status = dgcg_prob_info(r->prob)->status;
	r->send_value = sv;
	va_start(ap, fmt);
	r->details = xvasprintf(fmt, ap);
	va_end(ap);
}

void
dgcg_reply_db(struct dgcg_reply *r, const char *send_value)
{
	dgcg_reply_fail(r, DGCG_P_UNAVAILABLE, send_value, "%s",
	    "The database is not available; nothing was stored. Send it again later.");
}

void
dgcg_reply_db_read(struct dgcg_reply *r)
{
	dgcg_reply_fail(r, DGCG_P_UNAVAILABLE, NULL, "%s", "The database is not available.");
}

int
dgcg_reply_failed(const struct dgcg_reply *r)
{
	return r->prob != DGCG_P_NONE;
}

void
dgcg_reply_body(struct dgcg_reply *r, int status, const char *content_type, char *body,
    size_t len)
{
	drop_body(r);
	drop_problem(r);
	r->status = status;
	r->content_type = content_type;
	r->body = body;
	r->len = len;
}

void
dgcg_reply_body_borrowed(struct dgcg_reply *r, int status, const char *content_type,
    const char *body, size_t len)
{
	dgcg_reply_body(r, status, content_type, (char *)(uintptr_t)body, len);
	r->borrowed = 1;
}

void
dgcg_reply_json(struct dgcg_reply *r, int status, char *body, size_t len)
{
	dgcg_reply_body(r, status, "application/json", body, len);
}

void
dgcg_reply_header(struct dgcg_reply *r, const char *name, const char *value)
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

char *
dgcg_reply_problem_json(const struct dgcg_reply *r, size_t *len)
{
	const struct dgcg_prob_info *pi = dgcg_prob_info(r->prob);

	return dgcg_problem_json(pi->code, pi->problem, r->send_value, r->details, len);
}
