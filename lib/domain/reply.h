/* reply.h: what every domain operation answers, and what the worker sends.
 *
 * One type for all of it: the HTTP status; for a failure the problem row
 * (problem.h) with the case's sendValue and details; extra headers (ETag,
 * Location, X-Accel-Redirect, Allow); and a body. fcgi/io.c is the one place
 * that turns a reply into bytes on the wire: a problem becomes the
 * ProblemReport JSON there. */
#ifndef DGCG_REPLY_H
#define DGCG_REPLY_H

#include <stddef.h>

#include "domain/problem.h"

#define DGCG_REPLY_HEADERS_MAX 512

struct dgcg_reply {
	int		 status;	/* 0: no answer yet */
	enum dgcg_prob	 prob;		/* DGCG_P_NONE unless a problem report */
	char		*send_value;	/* malloc'd or NULL (a problem's sendValue) */
	char		*details;	/* malloc'd or NULL (a problem's details) */
	const char	*content_type;	/* static string; NULL: no body */
	char		*body;		/* malloc'd and owned, unless borrowed */
	size_t		 len;
	int		 borrowed;	/* body belongs to a cache: not freed */
	char		 headers[DGCG_REPLY_HEADERS_MAX];	/* "Name: value\r\n" lines */
	size_t		 hlen;
};

/* Resets r to "no answer yet"; r must not own anything (use clear). */
void dgcg_reply_init(struct dgcg_reply *r);
/* Frees what r owns and resets it. */
void dgcg_reply_clear(struct dgcg_reply *r);

/* Success without a body. Frees a body, problem and headers set before. */
void dgcg_reply_ok(struct dgcg_reply *r, int status);

/* The problem p (its status from the table) with sendValue send_value
 * (copied; may be NULL, may be r->send_value itself) and details (a printf
 * format). Frees a body and headers set before. */
void dgcg_reply_fail(struct dgcg_reply *r, enum dgcg_prob p, const char *send_value,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A change the database did not take (out of reach, or refusing for the
 * moment: dgcg_db_unavailable): 503 0x503 with sendValue send_value (may be
 * NULL), "The database is not available; nothing was stored. Send it again
 * later." */
void dgcg_reply_db(struct dgcg_reply *r, const char *send_value);
/* The same for a read: 503 0x503, "The database is not available." */
void dgcg_reply_db_read(struct dgcg_reply *r);

/* 1 when r is a problem report. */
int dgcg_reply_failed(const struct dgcg_reply *r);

/* A body: content_type is a static string; body is taken over (freed with
 * the reply). */
void dgcg_reply_body(struct dgcg_reply *r, int status, const char *content_type, char *body,
	size_t len);
/* A body that stays owned by the caller (a cache) and must outlive r. */
void dgcg_reply_body_borrowed(struct dgcg_reply *r, int status, const char *content_type,
	const char *body, size_t len);
/* dgcg_reply_body with application/json. */
void dgcg_reply_json(struct dgcg_reply *r, int status, char *body, size_t len);

/* Adds a header line; ignored when it does not fit or holds CR/LF (or a
 * ':' in the name). */
void dgcg_reply_header(struct dgcg_reply *r, const char *name, const char *value);

/* The ProblemReport body of a problem reply (malloc'd, caller frees). */
char *dgcg_reply_problem_json(const struct dgcg_reply *r, size_t *len);

#endif
