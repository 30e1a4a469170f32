/* metrics.h: the gateway's Prometheus metrics: one table of every metric
 * (name, type, help, label names), the counters in one region shared by
 * every worker of a host, and the text exposition format 0.0.4.
 *
 * The counters live in a file mapped MAP_SHARED by every worker
 * (metrics_file, dgcg.conf(5)), so a scrape answered by any worker shows the
 * host's totals, and they outlive a worker's restart. The region is a table
 * of slots, each one label set of one counter and its _Atomic uint64_t
 * value: a slot is claimed with a compare-and-swap and counted with
 * atomic_fetch_add, so concurrent workers never lose an increment and no
 * lock is taken on the request path. A label set the region has no slot for
 * any more is counted in dgcg_metrics_dropped_total instead.
 *
 * The gauges are not kept: the scrape computes them from the gateway's view
 * (worker/scrape.h) and hands them to an exposition being built here, which
 * writes every metric of the table in table order with its HELP and TYPE
 * lines, its samples grouped, label values escaped. Every value is an
 * integer. */
#ifndef DGCG_METRICS_H
#define DGCG_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "base/dgcg.h"

/* The Content-Type of an exposition. */
#define DGCG_METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/* Slots of the shared region, and the bytes of one label set in a slot
 * (the label values, each NUL-terminated, after one byte of metric). */
#define DGCG_METRICS_SLOTS	4096
#define DGCG_METRICS_KEY_MAX	112

/* Every metric; the table in metrics.c holds the facts of each row. */
enum dgcg_metric {
	/* --- counters, in the shared region ----------------------------- */
	DGCG_M_REQUESTS = 0,	/* {method,route,status} */
	DGCG_M_PROBLEMS,	/* {code,name} */
	DGCG_M_WRITES,		/* {resource,operation,outcome} */
	DGCG_M_DB_ERRORS,	/* {kind} */
	DGCG_M_DB_RECONNECTS,
	DGCG_M_DB_TX_RERUNS,
	DGCG_M_CACHE_HITS,	/* {cache} */
	DGCG_M_CACHE_MISSES,	/* {cache} */
	DGCG_M_WORKER_STARTS,
	DGCG_M_DROPPED,
	/* --- gauges, computed when scraped ------------------------------ */
	DGCG_M_SHARED,
	DGCG_M_DB_UP,
	DGCG_M_DATA_GENERATION,	/* {table} */
	DGCG_M_TP_VERIFIED,	/* {type,country} */
	DGCG_M_TP_FAILING,	/* {type,country} */
	DGCG_M_CERT_EXPIRY,	/* {country,type,thumbprint} */
	DGCG_M_DSC_EXPIRY,	/* {country} */
	DGCG_M__MAX
};

enum dgcg_metric_type {
	DGCG_MT_COUNTER = 0,
	DGCG_MT_GAUGE
};

#define DGCG_METRIC_LABELS_MAX	3

struct dgcg_metric_info {
	const char		*name;		/* "dgcg_requests_total" */
	enum dgcg_metric_type	 type;
	const char		*help;
	unsigned		 nlabels;
	const char		*labels[DGCG_METRIC_LABELS_MAX];
};

/* The row of m; NULL when m is out of range. */
const struct dgcg_metric_info *dgcg_metric_info(enum dgcg_metric m);

/* --- the shared region ------------------------------------------------------ */

struct dgcg_metrics;

/*
 * Attaches the region kept in the file path, creating it (mode 0600) when
 * missing or empty. The file is opened without following a symbolic link
 * and must be a regular file owned by the effective user. Under an
 * exclusive flock(2) of the file, a region of another layout (another
 * version of dgcg, another metric table) is replaced by a fresh one, made
 * under a temporary name beside it and renamed over it, so workers still
 * attached to the old one are never disturbed; a file that is not a dgcg
 * metrics region is refused, never overwritten. With path NULL the region
 * is private memory (MAP_SHARED | MAP_ANONYMOUS: shared with children forked
 * later, with nobody else).
 * On error returns DGCG_ERR_IO, DGCG_ERR_CONFIG (the file is not ours, or
 * is owned by another user) or DGCG_ERR_NOMEM, with the reason in err, and
 * *out NULL. The caller frees *out with dgcg_metrics_close.
 */
enum dgcg_err dgcg_metrics_open(const char *path, struct dgcg_metrics **out, char *err,
	size_t errsz);
void dgcg_metrics_close(struct dgcg_metrics *m);

/* 1 when m is a file shared with other processes, 0 when private. */
int dgcg_metrics_shared(const struct dgcg_metrics *m);

/* Adds n to counter id for the label values (as many as its row names;
 * NULL counts as ""). Values that do not fit DGCG_METRICS_KEY_MAX, or a
 * full region, count in DGCG_M_DROPPED instead. m NULL: nothing.
 * NOTE: assert()s that id is a counter. */
void dgcg_metrics_add(struct dgcg_metrics *m, enum dgcg_metric id, const char *const *values,
	uint64_t n);

/* Reports this process's own running total of counter id for the label
 * values: the growth since the last report is added to the shared counter
 * (a total that went down, as after a reset, counts from zero). For
 * counters a module keeps itself (the database's errors, the caches' hits),
 * reported after each request. At most 64 label sets per process are
 * followed; more count in DGCG_M_DROPPED. m NULL: nothing. */
void dgcg_metrics_total(struct dgcg_metrics *m, enum dgcg_metric id, const char *const *values,
	uint64_t total);

/* The value of counter id for exactly these label values (0 when none). */
uint64_t dgcg_metrics_get(const struct dgcg_metrics *m, enum dgcg_metric id,
	const char *const *values);

/* --- an exposition ---------------------------------------------------------- */

struct dgcg_expo;

struct dgcg_expo *dgcg_expo_new(void);

/* A sample of gauge id with the label values (as many as its row names). */
void dgcg_expo_gauge(struct dgcg_expo *x, enum dgcg_metric id, const char *const *values,
	long long v);

/* Every counter of the region, one sample per label set, sorted by label
 * values; a counter without labels and without a slot yet is 0. */
void dgcg_expo_counters(struct dgcg_expo *x, const struct dgcg_metrics *m);

/* The text: every metric of the table in table order, "# HELP" and "# TYPE"
 * lines, then its samples in the order they were added. Frees x; returns a
 * malloc'd NUL-terminated text (caller frees) of *len bytes. Label values
 * are escaped as the format wants (\\, \" and \n), and a byte that is not
 * part of valid UTF-8 becomes U+FFFD. */
char *dgcg_expo_finish(struct dgcg_expo *x, size_t *len);

#endif
