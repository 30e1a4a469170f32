/* api_trustlist.c: placeholder until implemented. */
#include "config.h"

#include "route.h"

void
api_trustlist(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_resp *resp)
{
	(void)gw;
	(void)req;
	(void)id;
	dgcg_resp_prob(resp, DGCG_P_NOT_FOUND, NULL, "Not implemented yet.");
}
