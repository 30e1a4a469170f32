/* api_rules.c: POST /rules, DELETE /rules (and POST /rules/delete), GET
 * /rules/{country} (lib/domain/rules.c). */
#include "config.h"

#include <stdlib.h>

#include "route.h"
#include "domain/rules.h"

void
api_rules_upload(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	dgcg_rules_upload(gw, req->body != NULL ? req->body : "", req->body_len, id, resp);
}

void
api_rules_delete(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	dgcg_rules_delete(gw, req->body != NULL ? req->body : "", req->body_len, id, resp);
}

void
api_rules_download(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	char *json = NULL;
	size_t len = 0;

	if (dgcg_rules_download(gw, req->nparams > 0 ? req->params[0] : NULL, id, &json,
	    &len) != DGCG_OK) {
		dgcg_reply_db_read(resp);
		return;
	}
	dgcg_reply_json(resp, 200, json, len);
}
