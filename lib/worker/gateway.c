/* gateway.c: a worker's (or the admin tool's) long-lived state. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/xmalloc.h"
#include "worker/cache.h"
#include "worker/gateway.h"

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
	return DGCG_OK;
}

void
dgcg_gw_free(struct dgcg_gw *gw)
{
	dgcg_db_free(gw->db);
	dgcg_cache_free(gw->cache);
	dgcg_ta_free(gw->ta);
	dgcg_conf_free(&gw->conf);
	memset(gw, 0, sizeof(*gw));
}

/* A remembered verdict: the result and, for BAD_SIG, the parser state. */
struct verdict {
	enum dgcg_integrity	 r;
	enum dgcg_cms_state	 st;
};

enum dgcg_integrity
dgcg_gw_integrity(struct dgcg_gw *gw, const char *thumbprint, const char *raw_b64,
    const char *sig_b64)
{
	unsigned char key[32];
	struct verdict *v;
	const char *exc = NULL;
	enum dgcg_cms_state st = DGCG_CMS_OK;
	enum dgcg_integrity r;

	if (thumbprint == NULL)
		thumbprint = "";
	dgcg_integrity_key(gw->ta, thumbprint, raw_b64 != NULL ? raw_b64 : "",
	    sig_b64 != NULL ? sig_b64 : "", key);
	if ((v = dgcg_cache_get(gw, DGCG_CACHE_INTEGRITY, key, sizeof(key))) != NULL) {
		r = v->r;
		st = v->st;
	} else {
		r = dgcg_integrity_check(gw->ta, thumbprint, raw_b64, sig_b64, &st, &exc);
		v = xmalloc(sizeof(*v));
		v->r = r;
		v->st = st;
		(void)dgcg_cache_put(gw, DGCG_CACHE_INTEGRITY, key, sizeof(key), (time_t)-1, v,
		    free);
	}
	dgcg_integrity_log(r, st, exc, thumbprint);
	return r;
}

enum dgcg_err
dgcg_gw_trusted(struct dgcg_gw *gw, const char *thumbprint, const char *country,
    enum dgcg_cert_type type, struct dgcg_tp_list *out)
{
	struct dgcg_tp_list all = { NULL, 0 };
	enum dgcg_err rc;
	size_t i;

	out->v = NULL;
	out->n = 0;
	if ((rc = dgcg_db_tp_select(gw->db, thumbprint, country, type, &all)) != DGCG_OK)
		return rc;
	for (i = 0; i < all.n; i++) {
		struct dgcg_tp *t = &all.v[i];

		if ((country != NULL && strcmp(t->country, country) != 0) ||
		    (type != DGCG_CT__MAX && t->type != type) ||
		    dgcg_gw_integrity(gw, t->thumbprint, t->raw_data, t->signature) !=
		    DGCG_INTEGRITY_OK) {
			free(t->raw_data);
			free(t->signature);
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
    enum dgcg_cert_type type)
{
	struct dgcg_tp_list l;
	int found;

	if (dgcg_gw_trusted(gw, thumbprint, country, type, &l) != DGCG_OK)
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
}
