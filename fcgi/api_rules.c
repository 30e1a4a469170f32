/* api_rules.c: POST /rules, DELETE /rules (and POST /rules/delete), GET
 * /rules/{country}; the checks live in lib/rules.c. */
#include "config.h"

#include <stdlib.h>

#include "route.h"
#include "domain/rules.h"

static void
answer(struct dgcg_resp *resp, const struct dgcg_outcome *o)
{
	if (o->code != NULL)
		dgcg_resp_problem(resp, o->status, o->code, o->problem, o->send_value, o->details);
	else
		resp->status = o->status;
}

void
api_rules_upload(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_resp *resp)
{
	struct dgcg_outcome o;

	dgcg_rules_upload(gw, req->body != NULL ? req->body : "", req->body_len, id, &o);
	answer(resp, &o);
	dgcg_outcome_clear(&o);
}

void
api_rules_delete(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_resp *resp)
{
	struct dgcg_outcome o;

	dgcg_rules_delete(gw, req->body != NULL ? req->body : "", req->body_len, id, &o);
	answer(resp, &o);
	dgcg_outcome_clear(&o);
}

void
api_rules_download(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_resp *resp)
{
	char *json = NULL;
	size_t len = 0;

	if (dgcg_rules_download(gw, req->nparams > 0 ? req->params[0] : NULL, id, &json,
	    &len) != DGCG_OK) {
		dgcg_resp_prob(resp, DGCG_P_UNAVAILABLE, NULL, "The database is not reachable.");
		return;
	}
	dgcg_resp_json(resp, 200, json, len);
}
