/* api_health.c: GET /health, for the load balancer. Reachable only through
 * nginx's health-check listener (see route.c and nginx/dgcg.conf.in): it
 * needs no client certificate and tells nothing but whether this worker can
 * query the database, so that a node whose database is gone is taken out of
 * rotation. */
#include "config.h"

#include <string.h>

#include "worker/gateway.h"
#include "base/log.h"
#include "route.h"
#include "base/xmalloc.h"

#define HEALTH_UP	"{\"status\":\"UP\",\"database\":\"UP\"}"
#define HEALTH_DOWN	"{\"status\":\"DOWN\",\"database\":\"DOWN\"}"

void
api_health(struct dgcg_gw *gw, struct dgcg_req *req, struct dgcg_reply *resp)
{
	const struct dgcg_versions *v;

	(void)req;
	/* The same query every request starts with: one round trip, and the
	 * reconnect logic of lib/db.c runs as it would for a client. */
	if (dgcg_gw_versions(gw, &v) != DGCG_OK) {
		dgcg_log(DGCG_LOG_WARN, "health", "Health check failed: the database is not reachable",
		    NULL, NULL);
		dgcg_reply_json(resp, 503, xstrdup(HEALTH_DOWN), sizeof(HEALTH_DOWN) - 1);
	} else
		dgcg_reply_json(resp, 200, xstrdup(HEALTH_UP), sizeof(HEALTH_UP) - 1);
	dgcg_reply_header(resp, "Cache-Control", "no-store");
}
