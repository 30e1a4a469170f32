/* api_migration.c: GET /cms-migration and POST /cms-migration (the checks
 * live in lib/migration.c). */
#include "config.h"

#include "domain/migration.h"
#include "route.h"

void
api_mig_list(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_resp *resp)
{
	char *json = NULL;
	size_t len = 0, n = 0;

	(void)req;
	if (dgcg_mig_list(gw, id, &json, &len, &n) != DGCG_OK) {
		dgcg_resp_prob(resp, DGCG_P_UNAVAILABLE, NULL, "The database is not reachable.");
		return;
	}
	dgcg_resp_json(resp, 200, json, len);
}

void
api_mig_update(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_resp *resp)
{
	struct dgcg_reply r;

	dgcg_mig_update(gw, id, req->body, req->body_len, &r);
	if (r.code != NULL)
		dgcg_resp_problem(resp, r.status, r.code, r.problem, r.send_value, r.details);
	else
		resp->status = r.status;
}
