/* reply.c: building struct dgcg_reply. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "domain/reply.h"

void
dgcg_reply_init(struct dgcg_reply *r)
{
	memset(r, 0, sizeof(*r));
}

void
dgcg_reply_ok(struct dgcg_reply *r, int status)
{
	r->status = status;
	r->code = NULL;
	r->problem = NULL;
}

void
dgcg_reply_fail(struct dgcg_reply *r, int status, const char *code, const char *problem,
    const char *send_value, const char *fmt, ...)
{
	va_list ap;

	r->status = status;
	r->code = code;
	r->problem = problem;
	/* NOTE: send_value may be r->send_value itself (kept as it is). */
	if (send_value != r->send_value)
		snprintf(r->send_value, sizeof(r->send_value), "%s",
		    send_value != NULL ? send_value : "");
	va_start(ap, fmt);
	vsnprintf(r->details, sizeof(r->details), fmt, ap);
	va_end(ap);
	r->etag[0] = '\0';
}

void
dgcg_reply_db(struct dgcg_reply *r)
{
	dgcg_reply_fail(r, 503, "0x503", "Service Unavailable", NULL, "%s",
	    "The database is not reachable; nothing was stored.");
}
