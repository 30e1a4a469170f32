/* problem.h: the ProblemReport every error answers with.
 *
 * Body: {"code":"0x...","problem":"...","sendValue":"...","details":"..."}
 * in that order (the reference's field order), Content-Type application/json. */
#ifndef DGCG_PROBLEM_H
#define DGCG_PROBLEM_H

#include <stddef.h>

/* Problems with a fixed code, status and text. The table in problem.c is
 * the single source of these facts. */
enum dgcg_prob {
	DGCG_P_NONE = 0,	/* no problem: success */
	DGCG_P_VALIDATION,	/* 400 0x001 Validation Error */
	DGCG_P_INTERNAL,	/* 500 0x008 Internal Server Error */
	DGCG_P_AUTH_MISSING,	/* 401 0x400 No thumbprint or distinguish name */
	DGCG_P_AUTH_NO_COUNTRY,	/* 400 0x401 Client Certificate must contain country property */
	DGCG_P_AUTH_UNKNOWN,	/* 401 0x402 Client is not authorized to access the service */
	DGCG_P_FORBIDDEN,	/* 403 0x403 Client is not authorized to access the endpoint */
	DGCG_P_NOT_FOUND,	/* 404 0x404 Not Found (unknown path; the reference gives Spring's 404) */
	DGCG_P_METHOD,		/* 405 0x405 Method Not Allowed */
	DGCG_P_NOT_ACCEPTABLE,	/* 406 0x406 Not Acceptable */
	DGCG_P_TOO_LARGE,	/* 413 0x413 Payload Too Large */
	DGCG_P_MEDIA_TYPE,	/* 415 0x415 Unsupported Media Type */
	DGCG_P_UNAVAILABLE,	/* 503 0x503 Service Unavailable (database unreachable) */
	DGCG_P__MAX
};

struct dgcg_prob_info {
	int		 status;
	const char	*code;
	const char	*problem;
};

/* Returns the fixed facts of p. */
const struct dgcg_prob_info *dgcg_prob_info(enum dgcg_prob p);

/* Renders a ProblemReport. NULL strings are rendered as "". Returns a
 * malloc'd NUL-terminated JSON text (caller frees); *len gets its length
 * when len is not NULL. Strings are JSON-escaped; invalid UTF-8 is replaced
 * by U+FFFD so the body is always valid JSON. */
char *dgcg_problem_json(const char *code, const char *problem, const char *send_value,
	const char *details, size_t *len);

#endif
