/* api_trustedcert.c: the v2 trusted certificates: GET /trustList/certificate,
 * POST /trustedCertificate, DELETE /trustedCertificate and POST
 * /trustedCertificate/delete (lib/domain/certlist.c, signer.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"
#include "domain/certlist.h"
#include "domain/signer.h"
#include "route.h"

void
api_v2_certificate_list(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	static const char *const keys[3] = { "group", "country", "domain" };
	struct dgcg_cl_filter f;
	const struct dgcg_cached_list *full = NULL;
	char **vals[3], count[32], *json = NULL;
	enum dgcg_err rc;
	size_t ns[3], i, len = 0, n = 0;
	time_t since;
	int fed;

	if (!dgcg_req_lists(req, keys, vals, ns, 3, resp) || !dgcg_req_federation(req, &fed, resp) ||
	    !dgcg_req_if_modified_since(req, &since, resp))
		goto out;
	f.groups = vals[0];
	f.ng = ns[0];
	f.countries = vals[1];
	f.nc = ns[1];
	f.domains = vals[2];
	f.nd = ns[2];
	f.federation = fed;
	if (since < 0)
		rc = dgcg_cl_get(gw, &f, &full);
	else
		rc = dgcg_cl_json(gw, &f, since, &json, &len, &n);
	n = dgcg_req_list_reply(req, resp, rc, full, json, len, n);
	if (rc != DGCG_OK)
		goto out;
	snprintf(count, sizeof(count), "%zu", n);
	dgcg_log(DGCG_LOG_INFO, "certlist", "Downloaded trusted certificates", NULL,
	    "downloadedKeys", count, "downloadedKeysCountry", id->country, NULL);
out:
	for (i = 0; i < 3; i++)
		dgcg_req_values_free(vals[i], ns[i]);
}

void
api_v2_cert_upload(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	dgcg_signer_upload_v2(gw, id, req->body, req->body_len, resp);
}

void
api_v2_cert_delete(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	dgcg_signer_delete_v2(gw, id, req->body, req->body_len, resp);
}
