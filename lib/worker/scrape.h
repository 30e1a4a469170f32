/* scrape.h: the answer to GET /metrics: the host's counters (metrics.h)
 * and the gauges computed, when scraped, from this worker's view of the
 * database: the trust-anchor integrity of every trusted_party row, the
 * expiry of every verified trusted-party certificate and of the DSCs the
 * trust list serves, the change counters. */
#ifndef DGCG_SCRAPE_H
#define DGCG_SCRAPE_H

#include <stddef.h>
#include <time.h>

struct dgcg_gw;

/*
 * The exposition (text format 0.0.4) at time now: this worker's own totals
 * are reported first (dgcg_gw_metrics_sync), then every counter is read.
 * dgcg_database_up is 1 when the database could be read; else the gauges
 * that need it are left out (each group is either complete or absent).
 * Integrity failures are counted, not logged (dgcg_gw_verdict); the DSCs
 * are the verified ones of the cached trust list (dgcg_tl_get).
 * Returns a malloc'd text (caller frees) of *len bytes; never NULL.
 */
char *dgcg_scrape(struct dgcg_gw *gw, time_t now, size_t *len);

#endif
