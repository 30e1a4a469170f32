/* gateway.c: a worker's (or the admin tool's) long-lived state. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "gateway.h"
#include "log.h"

#define TPCACHE_MAX 4096

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
	gw->tpcache = dgcg_tpcache_new(TPCACHE_MAX);
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
	dgcg_tpcache_free(gw->tpcache);
	dgcg_ta_free(gw->ta);
	dgcg_conf_free(&gw->conf);
	memset(gw, 0, sizeof(*gw));
}
