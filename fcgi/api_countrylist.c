/* api_countrylist.c: GET /countrylist, the sorted countries with onboarded
 * trusted parties (read from the raw table, as the reference does). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "store/db.h"
#include "worker/gateway.h"
#include "base/log.h"
#include "route.h"
#include "base/xmalloc.h"

/* The rendered list, per worker, for one trusted_party generation. */
static char *cl_body;
static size_t cl_len;
static long long cl_tpv = -1;

void
api_countrylist(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_resp *resp)
{
	const struct dgcg_versions *v;
	struct json_object *arr;
	const char *text;
	char **cc = NULL;
	size_t n = 0, i, len;

	(void)req;
	(void)id;
	if (dgcg_gw_versions(gw, &v) != DGCG_OK) {
		dgcg_resp_prob(resp, DGCG_P_UNAVAILABLE, NULL, "The database is not reachable.");
		return;
	}
	if (cl_body != NULL && cl_tpv == v->trusted_party) {
		dgcg_resp_json_borrowed(resp, 200, cl_body, cl_len);
		return;
	}
	if (dgcg_db_countries(gw->db, &cc, &n) != DGCG_OK) {
		dgcg_resp_prob(resp, DGCG_P_UNAVAILABLE, NULL, "The database is not reachable.");
		return;
	}
	arr = json_object_new_array_ext((int)n);
	for (i = 0; i < n; i++) {
		json_object_array_add(arr, json_object_new_string(cc[i]));
		free(cc[i]);
	}
	free(cc);
	text = json_object_to_json_string_length(arr, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	free(cl_body);
	cl_body = xstrndup(text, len);
	cl_len = len;
	cl_tpv = v->trusted_party;
	json_object_put(arr);
	dgcg_resp_json_borrowed(resp, 200, cl_body, cl_len);
}
