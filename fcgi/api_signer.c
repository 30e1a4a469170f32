/* api_signer.c: placeholder until implemented. */
#include "config.h"

#include "route.h"

void
api_signer_upload(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_resp *resp)
{
	(void)gw;
	(void)req;
	(void)id;
	dgcg_resp_prob(resp, DGCG_P_NOT_FOUND, NULL, "Not implemented yet.");
}

void
api_signer_delete(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_resp *resp)
{
	(void)gw;
	(void)req;
	(void)id;
	dgcg_resp_prob(resp, DGCG_P_NOT_FOUND, NULL, "Not implemented yet.");
}
