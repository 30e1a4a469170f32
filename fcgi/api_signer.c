/* api_signer.c: POST /signerCertificate, DELETE /signerCertificate and
 * POST /signerCertificate/delete (lib/domain/signer.c). */
#include "config.h"

#include "domain/signer.h"
#include "route.h"

void
api_signer_upload(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	dgcg_signer_upload(gw, id, req->body, req->body_len, resp);
}

void
api_signer_delete(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	dgcg_signer_delete(gw, id, req->body, req->body_len, resp);
}
