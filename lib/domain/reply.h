/* reply.h: the answer of a revocation, migration or issuer operation, as
 * the lib/ side hands it to the handler: a status and, for a failure, the
 * ProblemReport's code, problem, sendValue and details. Fixed buffers, so
 * nothing needs freeing. */
#ifndef DGCG_REPLY_H
#define DGCG_REPLY_H

#include <stddef.h>

struct dgcg_reply {
	int		 status;
	const char	*code;		/* NULL on success (no body), else "0x..." or "" */
	const char	*problem;	/* static text */
	char		 send_value[256];
	char		 details[1024];
	char		 etag[64];	/* success: the ETag header to send, or "" */
};

/* Resets r to "no answer yet" (status 0). */
void dgcg_reply_init(struct dgcg_reply *r);

/* Sets a success status (no body). */
void dgcg_reply_ok(struct dgcg_reply *r, int status);

/* Sets a problem. code and problem must be static strings; send_value (may
 * be NULL) is copied, cut to the buffer (r->send_value itself keeps it);
 * details is a printf format. */
void dgcg_reply_fail(struct dgcg_reply *r, int status, const char *code, const char *problem,
	const char *send_value, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* The database could not be reached or a statement failed: 503 0x503,
 * "nothing was stored". */
void dgcg_reply_db(struct dgcg_reply *r);

#endif
