/* api_metrics.c: GET /metrics, for Prometheus. Reachable only through
 * nginx's internal listener, beside /health (see route.c and
 * nginx/dgcg.conf.in): the host's counters and the gauges computed now
 * (worker/scrape.h), in the text exposition format 0.0.4. */
#include "config.h"

#include <time.h>

#include "worker/gateway.h"
#include "worker/metrics.h"
#include "worker/scrape.h"
#include "route.h"

void
api_metrics(struct dgcg_gw *gw, struct dgcg_req *req, struct dgcg_reply *resp)
{
	size_t len;
	char *body;

	(void)req;
	body = dgcg_scrape(gw, time(NULL), &len);
	dgcg_reply_body(resp, 200, DGCG_METRICS_CONTENT_TYPE, body, len);
	dgcg_reply_header(resp, "Cache-Control", "no-store");
}
