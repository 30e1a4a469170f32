/* gateway.c: a worker's (or the admin tool's) long-lived state. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/codec.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "worker/cache.h"
#include "worker/gateway.h"
#include "worker/metrics.h"

/* The host's counters, else this worker's own (logged: the scrape then
 * says dgcg_metrics_shared 0). */
static void
metrics_attach(struct dgcg_gw *gw)
{
	char why[512];

	why[0] = '\0';
	if (gw->conf.metrics_file != NULL &&
	    dgcg_metrics_open(gw->conf.metrics_file, &gw->metrics, why, sizeof(why)) == DGCG_OK)
		return;
	if (gw->conf.metrics_file != NULL)
		dgcg_log(DGCG_LOG_ERROR, "metrics", "Could not attach the shared metrics, "
		    "counting in this worker only", NULL, "file", gw->conf.metrics_file,
		    "reason", why, NULL);
	if (dgcg_metrics_open(NULL, &gw->metrics, why, sizeof(why)) != DGCG_OK)
		dgcg_log(DGCG_LOG_ERROR, "metrics", "No metrics", NULL, "reason", why, NULL);
}

enum dgcg_err
dgcg_gw_init(struct dgcg_gw *gw, const char *conf_path, int admin, char *err, size_t errsz)
{
	enum dgcg_log_level lvl;
	enum dgcg_err rc;

	memset(gw, 0, sizeof(*gw));
	dgcg_conf_defaults(&gw->conf);
	if (conf_path != NULL &&
	    (rc = dgcg_conf_load(conf_path, &gw->conf, err, errsz)) != DGCG_OK)
		return rc;
	lvl = dgcg_log_level_parse(gw->conf.log_level);
	if (lvl == DGCG_LOG__MAX)
		lvl = DGCG_LOG_INFO;
	if (!admin && (rc = dgcg_log_open(gw->conf.log_file, lvl)) != DGCG_OK) {
		snprintf(err, errsz, "%s: cannot open log file", gw->conf.log_file);
		return rc;
	}
	if (gw->conf.trust_anchor == NULL) {
		snprintf(err, errsz, "%s: trust_anchor is not set", conf_path ? conf_path : "(defaults)");
		return DGCG_ERR_CONFIG;
	}
	if ((rc = dgcg_ta_load(gw->conf.trust_anchor, &gw->ta)) != DGCG_OK) {
		snprintf(err, errsz, "%s: cannot load trust anchor certificates", gw->conf.trust_anchor);
		return rc;
	}
	gw->cache = dgcg_cache_new();
	if ((rc = dgcg_db_new(&gw->conf, admin, &gw->db)) != DGCG_OK) {
		snprintf(err, errsz, "cannot read the database password file");
		return rc;
	}
	if (!admin)
		metrics_attach(gw);
	return DGCG_OK;
}

void
dgcg_gw_free(struct dgcg_gw *gw)
{
	dgcg_metrics_close(gw->metrics);
	dgcg_db_free(gw->db);
	dgcg_cache_free(gw->cache);
	dgcg_ta_free(gw->peer_ta_once);
	dgcg_ta_free(gw->ta);
	dgcg_conf_free(&gw->conf);
	memset(gw, 0, sizeof(*gw));
}

/* A remembered verdict: the result and, for BAD_SIG, the parser state. */
struct verdict {
	enum dgcg_integrity	 r;
	enum dgcg_cms_state	 st;
};

/* The check of one row against ta, remembered by content (the key holds
 * ta's identity); logged when it fails and log is set. */
static enum dgcg_integrity
integrity_with(struct dgcg_gw *gw, const struct dgcg_ta *ta, const char *thumbprint,
    const char *raw_b64, const char *sig_b64, int log)
{
	unsigned char key[32];
	struct verdict *v;
	const char *exc = NULL;
	enum dgcg_cms_state st = DGCG_CMS_OK;
	enum dgcg_integrity r;

	if (thumbprint == NULL)
		thumbprint = "";
	dgcg_integrity_key(ta, thumbprint, raw_b64 != NULL ? raw_b64 : "",
	    sig_b64 != NULL ? sig_b64 : "", key);
	if ((v = dgcg_cache_get(gw, DGCG_CACHE_INTEGRITY, key, sizeof(key))) != NULL) {
		r = v->r;
		st = v->st;
	} else {
		r = dgcg_integrity_check(ta, thumbprint, raw_b64, sig_b64, &st, &exc);
		v = xmalloc(sizeof(*v));
		v->r = r;
		v->st = st;
		(void)dgcg_cache_put(gw, DGCG_CACHE_INTEGRITY, key, sizeof(key), (time_t)-1, v,
		    free);
	}
	if (log)
		dgcg_integrity_log(r, st, exc, thumbprint);
	return r;
}

enum dgcg_integrity
dgcg_gw_integrity(struct dgcg_gw *gw, const char *thumbprint, const char *raw_b64,
    const char *sig_b64)
{
	return integrity_with(gw, gw->ta, thumbprint, raw_b64, sig_b64, 1);
}

static void
ta_free(void *p)
{
	dgcg_ta_free(p);
}

const struct dgcg_ta *
dgcg_gw_peer_ta(struct dgcg_gw *gw, const char *gateway_id)
{
	struct dgcg_tp_list l = { NULL, 0 };
	const unsigned char **der;
	unsigned char **buf;
	size_t *len, i, n = 0, klen = strlen(gateway_id);
	struct dgcg_ta *ta;

	if (klen <= DGCG_CACHE_KEY_MAX &&
	    (ta = dgcg_cache_get(gw, DGCG_CACHE_PEER_TA, gateway_id, klen)) != NULL)
		return ta;
	if (dgcg_db_tp_peer_anchors(gw->db, gateway_id, &l) != DGCG_OK)
		return NULL;
	der = xcalloc(l.n + 1, sizeof(*der));
	buf = xcalloc(l.n + 1, sizeof(*buf));
	len = xcalloc(l.n + 1, sizeof(*len));
	for (i = 0; i < l.n; i++) {
		const struct dgcg_tp *t = &l.v[i];

		/* The peer's anchors are onboarded here, by the local TA. */
		if (t->source_gateway[0] != '\0' || t->group != DGCG_G_TRUSTANCHOR ||
		    strcmp(t->assigned_gateway, gateway_id) != 0 ||
		    dgcg_gw_integrity(gw, t->thumbprint, t->raw_data, t->signature) !=
		    DGCG_INTEGRITY_OK ||
		    dgcg_b64_decode(t->raw_data, strlen(t->raw_data), &buf[n], &len[n]) != DGCG_OK)
			continue;
		der[n] = buf[n];
		n++;
	}
	ta = dgcg_ta_from_der(der, len, n);
	for (i = 0; i < n; i++)
		free(buf[i]);
	free(buf);
	free(der);
	free(len);
	dgcg_tp_list_free(&l);
	if (ta == NULL)
		return NULL;
	if (klen > DGCG_CACHE_KEY_MAX) {
		/* Not cacheable (no gateway id is this long): used once. */
		dgcg_ta_free(gw->peer_ta_once);
		gw->peer_ta_once = ta;
		return ta;
	}
	return dgcg_cache_put(gw, DGCG_CACHE_PEER_TA, gateway_id, klen, (time_t)-1, ta, ta_free);
}

/* A row's check against the trust anchors of its source: the local one,
 * or its peer gateway's. */
static enum dgcg_integrity
party_check(struct dgcg_gw *gw, const struct dgcg_tp *t, int log)
{
	const struct dgcg_ta *ta = gw->ta;

	if (t->source_gateway[0] != '\0' &&
	    (ta = dgcg_gw_peer_ta(gw, t->source_gateway)) == NULL) {
		if (log)
			dgcg_integrity_log(DGCG_INTEGRITY_NO_TA, DGCG_CMS_OK,
			    "the peer gateway's trust anchors could not be read", t->thumbprint);
		return DGCG_INTEGRITY_NO_TA;
	}
	return integrity_with(gw, ta, t->thumbprint, t->raw_data, t->signature, log);
}

enum dgcg_integrity
dgcg_gw_party_integrity(struct dgcg_gw *gw, const struct dgcg_tp *t)
{
	return party_check(gw, t, 1);
}

enum dgcg_integrity
dgcg_gw_verdict(struct dgcg_gw *gw, const struct dgcg_tp *t)
{
	return party_check(gw, t, 0);
}

enum dgcg_err
dgcg_gw_trusted(struct dgcg_gw *gw, const char *thumbprint, const char *country,
    enum dgcg_group group, const char *domain, struct dgcg_tp_list *out)
{
	struct dgcg_tp_list all = { NULL, 0 };
	enum dgcg_err rc;
	size_t i;

	out->v = NULL;
	out->n = 0;
	if ((rc = dgcg_db_tp_select(gw->db, thumbprint, country, group, &all)) != DGCG_OK)
		return rc;
	for (i = 0; i < all.n; i++) {
		struct dgcg_tp *t = &all.v[i];

		if ((country != NULL && strcmp(t->country, country) != 0) ||
		    (group != DGCG_G__MAX && t->group != group) ||
		    (domain != NULL && strcmp(t->domain, domain) != 0) ||
		    t->source_gateway[0] != '\0' ||
		    dgcg_gw_integrity(gw, t->thumbprint, t->raw_data, t->signature) !=
		    DGCG_INTEGRITY_OK) {
			free(t->raw_data);
			free(t->signature);
			free(t->kid);
			continue;
		}
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		out->v[out->n++] = *t;
	}
	free(all.v);
	return DGCG_OK;
}

int
dgcg_gw_is_trusted(struct dgcg_gw *gw, const char *thumbprint, const char *country,
    enum dgcg_group group, const char *domain)
{
	struct dgcg_tp_list l;
	int found;

	if (dgcg_gw_trusted(gw, thumbprint, country, group, domain, &l) != DGCG_OK)
		return -1;
	found = l.n > 0;
	dgcg_tp_list_free(&l);
	return found;
}

enum dgcg_err
dgcg_gw_versions(struct dgcg_gw *gw, const struct dgcg_versions **out)
{
	enum dgcg_err rc;

	if (!gw->versions_fresh) {
		if ((rc = dgcg_db_versions(gw->db, &gw->versions)) != DGCG_OK)
			return rc;
		gw->versions_fresh = 1;
	}
	*out = &gw->versions;
	return DGCG_OK;
}

int
dgcg_gw_healthy(struct dgcg_gw *gw, const char **why)
{
	const struct dgcg_versions *v;
	int ready;

	/* The node's state first: a Galera node outside the primary
	 * component refuses the counters' read too (1047). */
	if (dgcg_db_node_ready(gw->db, &ready, why) != DGCG_OK) {
		*why = "the database is not reachable";
		return 0;
	}
	if (!ready)
		return 0;
	if (dgcg_gw_versions(gw, &v) != DGCG_OK) {
		*why = "the database is not reachable";
		return 0;
	}
	return 1;
}

void
dgcg_gw_request_end(struct dgcg_gw *gw)
{
	gw->versions_fresh = 0;
	dgcg_gw_metrics_sync(gw);
}

void
dgcg_gw_metrics_sync(struct dgcg_gw *gw)
{
	struct dgcg_cache_stats cs;
	struct dgcg_db_stats ds;
	const char *v[1];
	int k;

	if (gw->metrics == NULL)
		return;
	for (k = 0; k < DGCG_CACHE__MAX; k++) {
		dgcg_cache_stats(gw, (enum dgcg_cache_kind)k, &cs);
		v[0] = dgcg_cache_kind_name((enum dgcg_cache_kind)k);
		dgcg_metrics_total(gw->metrics, DGCG_M_CACHE_HITS, v, cs.hits);
		dgcg_metrics_total(gw->metrics, DGCG_M_CACHE_MISSES, v, cs.misses);
	}
	if (gw->db == NULL)
		return;
	dgcg_db_stats(gw->db, &ds);
	/* the kind label of dgcg_db_errors_total, one per field */
	v[0] = "connect";
	dgcg_metrics_total(gw->metrics, DGCG_M_DB_ERRORS, v, ds.connect_failures);
	v[0] = "statement";
	dgcg_metrics_total(gw->metrics, DGCG_M_DB_ERRORS, v, ds.statement_failures);
	v[0] = "transaction";
	dgcg_metrics_total(gw->metrics, DGCG_M_DB_ERRORS, v, ds.tx_failures);
	dgcg_metrics_total(gw->metrics, DGCG_M_DB_RECONNECTS, NULL, ds.reconnects);
	dgcg_metrics_total(gw->metrics, DGCG_M_DB_TX_RERUNS, NULL, ds.reruns);
}
