/* api_signer.c: POST /signerCertificate, DELETE /signerCertificate and
 * POST /signerCertificate/delete. */
#include "config.h"

#include "route.h"
#include "domain/signer.h"

static void
answer(struct dgcg_resp *resp, const struct dgcg_outcome *o)
{
	if (o->code != NULL) {
		dgcg_resp_problem(resp, o->status, o->code, o->problem, o->send_value, o->details);
		return;
	}
	resp->status = o->status;
}

void
api_signer_upload(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_resp *resp)
{
	struct dgcg_outcome o;

	dgcg_signer_upload(gw, id, req->body, req->body_len, &o);
	answer(resp, &o);
}

void
api_signer_delete(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_resp *resp)
{
	struct dgcg_outcome o;

	dgcg_signer_delete(gw, id, req->body, req->body_len, &o);
	answer(resp, &o);
}
