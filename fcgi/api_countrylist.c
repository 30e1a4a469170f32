/* api_countrylist.c: GET /countrylist, the sorted countries with onboarded
 * trusted parties (read from the raw table, as the reference does). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "db.h"
#include "log.h"
#include "route.h"
#include "xmalloc.h"

void
api_countrylist(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_resp *resp)
{
	struct json_object *arr;
	const char *text;
	char **cc = NULL;
	size_t n = 0, i, len;

	(void)req;
	(void)id;
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
	dgcg_resp_json(resp, 200, xstrndup(text, len), len);
	json_object_put(arr);
}
