/* countrylist.c: GET /countrylist. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "base/json.h"
#include "base/xmalloc.h"
#include "domain/countrylist.h"
#include "store/trusted_party.h"
#include "worker/cache.h"
#include "worker/gateway.h"

struct rendered {
	char	*body;
	size_t	 len;
};

static void
rendered_free(void *p)
{
	struct rendered *r = p;

	free(r->body);
	free(r);
}

void
dgcg_countrylist(struct dgcg_gw *gw, struct dgcg_reply *r)
{
	struct json_object *arr;
	struct rendered *e;
	char **cc = NULL;
	size_t n = 0, i;

	if ((e = dgcg_cache_get(gw, DGCG_CACHE_COUNTRYLIST, "", 0)) != NULL) {
		dgcg_reply_body_borrowed(r, 200, "application/json", e->body, e->len);
		return;
	}
	if (dgcg_db_tp_countries(gw->db, &cc, &n) != DGCG_OK) {
		dgcg_reply_db_read(r);
		return;
	}
	arr = json_object_new_array_ext((int)n);
	for (i = 0; i < n; i++) {
		json_object_array_add(arr, json_object_new_string(cc[i]));
		free(cc[i]);
	}
	free(cc);
	e = xmalloc(sizeof(*e));
	e->body = dgcg_json_text(arr, &e->len);
	if (dgcg_cache_put(gw, DGCG_CACHE_COUNTRYLIST, "", 0, (time_t)-1, e, rendered_free) ==
	    NULL) {
		dgcg_reply_db_read(r);
		return;
	}
	dgcg_reply_body_borrowed(r, 200, "application/json", e->body, e->len);
}
