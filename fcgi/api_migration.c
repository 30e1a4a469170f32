/* api_migration.c: GET /cms-migration and POST /cms-migration (lib/domain/migration.c). */
#include "config.h"

#include "domain/migration.h"
#include "route.h"

void
api_mig_list(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	char *json = NULL;
	size_t len = 0, n = 0;

	(void)req;
	if (dgcg_mig_list(gw, id, &json, &len, &n) != DGCG_OK) {
		dgcg_reply_db_read(resp);
		return;
	}
	dgcg_reply_json(resp, 200, json, len);
}

void
api_mig_update(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	dgcg_mig_update(gw, id, req->body, req->body_len, resp);
}
