/* api_valuesets.c: GET /valuesets (the ids) and GET /valuesets/{id} (the
 * stored document verbatim). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "route.h"
#include "domain/valuesets.h"
#include "base/json.h"
#include "base/xmalloc.h"

void
api_valuesets_list(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	struct json_object *arr;
	char *body;
	char **ids = NULL;
	size_t n = 0, i, len;

	(void)req;
	(void)id;
	if (dgcg_valuesets_ids(gw->db, &ids, &n) != DGCG_OK) {
		dgcg_reply_db_read(resp);
		return;
	}
	arr = json_object_new_array_ext((int)n);
	for (i = 0; i < n; i++) {
		json_object_array_add(arr, json_object_new_string(ids[i]));
		free(ids[i]);
	}
	free(ids);
	body = dgcg_json_text(arr, &len);
	dgcg_reply_json(resp, 200, body, len);
}

void
api_valuesets_get(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	const char *vs = req->nparams > 0 ? req->params[0] : "";
	char *json = NULL, *sv;
	size_t len = 0;
	enum dgcg_err rc;

	(void)id;
	rc = dgcg_valueset_get(gw->db, vs, &json, &len);
	if (rc == DGCG_ERR_NOTFOUND) {
		sv = xasprintf("Requested valueset id %s", vs);
		dgcg_reply_fail(resp, DGCG_P_VALUESET_NOT_FOUND, sv, "%s",
		    "Use the GET /valuesets endpoint to get a list of available valueset ids.");
		free(sv);
		return;
	}
	if (rc != DGCG_OK) {
		dgcg_reply_db_read(resp);
		return;
	}
	dgcg_reply_json(resp, 200, json, len);
}
