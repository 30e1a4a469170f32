/* gateway.h: what one worker (or the admin tool) holds for its whole life:
 * the configuration, the database handle, the trust anchors and the caches
 * (cache.h), and the change counters of the request in progress. */
#ifndef DGCG_GATEWAY_H
#define DGCG_GATEWAY_H

#include "base/conf.h"
#include "base/dgcg.h"
#include "pki/trust.h"
#include "store/data_version.h"
#include "store/db.h"
#include "store/trusted_party.h"

struct dgcg_cache;
struct dgcg_metrics;

struct dgcg_gw {
	struct dgcg_conf	 conf;
	struct dgcg_db		*db;
	struct dgcg_ta		*ta;
	struct dgcg_cache	*cache;
	/* The change counters as read for the request in progress: every
	 * cache is checked against them, so one SELECT per request serves
	 * authentication and every list. */
	struct dgcg_versions	 versions;
	int			 versions_fresh;
	struct dgcg_ta		*peer_ta_once;	/* dgcg_gw_peer_ta of an uncacheable id */
	/* The counters (worker/metrics.h): the host's region (metrics_file),
	 * else this worker's own; NULL for the admin tool and in tests. */
	struct dgcg_metrics	*metrics;
};

/* Loads the configuration, opens the log, loads the trust anchors and
 * prepares (not connects) the database handle. admin selects the admin
 * database user; a worker (admin 0) also attaches the counters of
 * metrics_file (when that fails, an error is logged and the worker counts
 * alone). On error writes a reason into err. */
enum dgcg_err dgcg_gw_init(struct dgcg_gw *gw, const char *conf_path, int admin, char *err,
	size_t errsz);
void dgcg_gw_free(struct dgcg_gw *gw);

/* The change counters for this request: read from the database on the
 * first call after dgcg_gw_request_end, then remembered. */
enum dgcg_err dgcg_gw_versions(struct dgcg_gw *gw, const struct dgcg_versions **out);

/* GET /health: 1 when this worker can serve, that is it reads the change
 * counters as every request does (through the same reconnect logic) and
 * its database node may serve (dgcg_db_node_ready: a Galera node that is
 * not ready, not Primary or not Synced may not); else 0 and *why (static
 * text, for the log and the answer). */
int dgcg_gw_healthy(struct dgcg_gw *gw, const char **why);

/* Forgets the counters at the end of a request, and reports the worker's
 * own running totals (the database's failures and reconnects, the caches'
 * hits and misses) to the metrics (dgcg_gw_metrics_sync). */
void dgcg_gw_request_end(struct dgcg_gw *gw);

/* Adds what the database handle and the caches counted since the last
 * call to the shared counters. Nothing without gw->metrics. */
void dgcg_gw_metrics_sync(struct dgcg_gw *gw);

/* The trust-anchor integrity check of one trusted_party row, its verdict
 * remembered by content (cache.h); a failure is logged every time. */
enum dgcg_integrity dgcg_gw_integrity(struct dgcg_gw *gw, const char *thumbprint,
	const char *raw_b64, const char *sig_b64);

/* The trust anchors of a peer gateway (tng-gateway.md 10.2): the
 * TRUSTANCHOR rows onboarded here with assigned_gateway = gateway_id that
 * pass the local integrity check. Cached (DGCG_CACHE_PEER_TA): borrowed,
 * valid until the next call. NULL when the database cannot be read. */
const struct dgcg_ta *dgcg_gw_peer_ta(struct dgcg_gw *gw, const char *gateway_id);

/* The integrity check of a trusted_party row of any source: a row
 * onboarded here against the configured trust anchor, a federated row
 * (source_gateway set) against its gateway's trust anchors (a database
 * error counts as DGCG_INTEGRITY_NO_TA). Remembered and logged as
 * dgcg_gw_integrity. */
enum dgcg_integrity dgcg_gw_party_integrity(struct dgcg_gw *gw, const struct dgcg_tp *t);

/* dgcg_gw_party_integrity without the log line: for the metrics, which
 * count the failing rows at every scrape instead. */
enum dgcg_integrity dgcg_gw_verdict(struct dgcg_gw *gw, const struct dgcg_tp *t);

/* The trusted_party rows onboarded here (never federated ones: they vouch
 * for nothing local, tng-gateway.md 13 #6) of a country, group and domain
 * that pass the trust-anchor integrity check (failures are logged and
 * left out). thumbprint, country and domain may be NULL for any; group
 * DGCG_G__MAX for any. Country and domain must match exactly (the
 * columns' collation is case-insensitive). DGCG_ERR_DB when the database
 * cannot be read. */
enum dgcg_err dgcg_gw_trusted(struct dgcg_gw *gw, const char *thumbprint, const char *country,
	enum dgcg_group group, const char *domain, struct dgcg_tp_list *out);

/* 1 when such a row exists, 0 when not, -1 on a database error. */
int dgcg_gw_is_trusted(struct dgcg_gw *gw, const char *thumbprint, const char *country,
	enum dgcg_group group, const char *domain);

#endif
