/* api_references.c: trusted references: POST /trust/reference, DELETE
 * /trust/reference, GET /trust/reference/{uuid} and GET /trustList/references
 * (lib/domain/references.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"
#include "domain/references.h"
#include "route.h"

void
api_ref_upload(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	dgcg_ref_upload(gw, id, req->body, req->body_len, resp);
}

void
api_ref_delete(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	dgcg_ref_delete(gw, id, req->body, req->body_len, resp);
}

void
api_ref_get(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	(void)id;
	dgcg_ref_get(gw, req->nparams > 0 ? req->params[0] : "", resp);
}

void
api_ref_list(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	static const char *const keys[4] = { "country", "domain", "referenceType",
		"signatureType" };
	struct dgcg_ref_filter f;
	const struct dgcg_cached_list *full = NULL;
	char **vals[4], count[32], *json = NULL;
	enum dgcg_err rc;
	size_t ns[4], i, len = 0, n = 0;
	time_t since;
	int fed;

	if (!dgcg_req_lists(req, keys, vals, ns, 4, resp) || !dgcg_req_federation(req, &fed, resp) ||
	    !dgcg_req_if_modified_since(req, &since, resp))
		goto out;
	f.countries = vals[0];
	f.nc = ns[0];
	f.domains = vals[1];
	f.nd = ns[1];
	f.ref_types = vals[2];
	f.nr = ns[2];
	f.sig_types = vals[3];
	f.ns = ns[3];
	f.federation = fed;
	if (since < 0)
		rc = dgcg_ref_list_get(gw, &f, &full);
	else
		rc = dgcg_ref_list_json(gw, &f, since, &json, &len, &n);
	n = dgcg_req_list_reply(req, resp, rc, full, json, len, n);
	if (rc != DGCG_OK)
		goto out;
	snprintf(count, sizeof(count), "%zu", n);
	dgcg_log(DGCG_LOG_INFO, "references", "Downloaded trusted references", NULL,
	    "downloadedReferences", count, "downloaderCountry", id->country, NULL);
out:
	for (i = 0; i < 4; i++)
		dgcg_req_values_free(vals[i], ns[i]);
}
