/* api_health.c: GET /health, for the load balancer. Reachable only through
 * nginx's health-check listener (see route.c and nginx/dgcg-site.conf.in): it
 * needs no client certificate and tells nothing but whether this worker can
 * serve (dgcg_gw_healthy: its database answers, and a Galera node is in the
 * primary component and Synced), so that a node that cannot is taken out of
 * rotation. */
#include "config.h"

#include <string.h>

#include "worker/gateway.h"
#include "base/log.h"
#include "route.h"
#include "base/xmalloc.h"

#define HEALTH_UP	"{\"status\":\"UP\",\"database\":\"UP\"}"

void
api_health(struct dgcg_gw *gw, struct dgcg_req *req, struct dgcg_reply *resp)
{
	const char *why;
	char *body;

	(void)req;
	if (dgcg_gw_healthy(gw, &why))
		dgcg_reply_json(resp, 200, xstrdup(HEALTH_UP), sizeof(HEALTH_UP) - 1);
	else {
		dgcg_log(DGCG_LOG_WARN, "health", "Health check failed", NULL, "reason", why, NULL);
		body = xasprintf("{\"status\":\"DOWN\",\"database\":\"DOWN\",\"reason\":\"%s\"}",
		    why);
		dgcg_reply_json(resp, 503, body, strlen(body));
	}
	dgcg_reply_header(resp, "Cache-Control", "no-store");
}
