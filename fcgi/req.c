/* req.c: the request as handlers see it: query parameters, cleanup. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/codec.h"
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
