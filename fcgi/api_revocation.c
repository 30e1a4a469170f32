/* api_revocation.c: GET /revocation-list, GET /revocation-list/{batchId},
 * POST /revocation-list, DELETE /revocation-list and POST
 * /revocation-list/delete (reference-gateway.md section 7). The roles and
 * the Accept check of the download are the dispatcher's (route.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/log.h"
#include "domain/revocation.h"
#include "route.h"
#include "base/timefmt.h"

void
api_rev_upload(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	dgcg_rev_upload(gw, id, req->body, req->body_len, resp);
}

void
api_rev_delete(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	dgcg_rev_delete(gw, id, req->body, req->body_len, resp);
}

/* NOTE: If-Modified-Since is required here (the reference's Spring answers
 * 400 without it); ISO-8601 and the three HTTP-date forms of RFC 9110
 * (dgcg_time_parse_header) are read. */
void
api_rev_list(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	const char *ims = req->if_modified_since;
	char *json = NULL, count[24];
	size_t len = 0, n = 0;
	time_t since;

	if (ims == NULL || *ims == '\0') {
		dgcg_reply_fail(resp, DGCG_P_VALIDATION, NULL, "%s", "Required request header 'If-Modified-Since' is not present (first call: "
		    "2021-06-01T00:00:00Z).");
		return;
	}
	if (dgcg_time_parse_header(ims, &since) != DGCG_OK) {
		dgcg_reply_fail(resp, DGCG_P_VALIDATION, ims, "%s", "If-Modified-Since must be an ISO-8601 date-time with offset "
		    "(2021-06-01T00:00:00Z) or an HTTP date in one of the forms of RFC 9110 "
		    "(Tue, 01 Jun 2021 00:00:00 GMT; Tuesday, 01-Jun-21 00:00:00 GMT; "
		    "Tue Jun  1 00:00:00 2021).");
		return;
	}
	if (since > time(NULL)) {
		dgcg_reply_fail(resp, DGCG_P_IMS_FUTURE, "", "%s", "");
		return;
	}
	if (dgcg_rev_list(gw, since, &json, &len, &n) != DGCG_OK) {
		dgcg_reply_db_read(resp);
		return;
	}
	snprintf(count, sizeof(count), "%zu", n);
	dgcg_log(DGCG_LOG_INFO, "revocation", "Downloaded Revocation Batch List", NULL,
	    "downloadedBatches", count, "downloaderCountry", id->country, NULL);
	if (n == 0) {
		free(json);
		dgcg_reply_ok(resp, 204);
		return;
	}
	dgcg_reply_json(resp, 200, json, len);
}

void
api_rev_get(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	dgcg_rev_get(gw, id, req->nparams > 0 ? req->params[0] : "", dgcg_accept_cms(req->accept),
	    resp);
}
