/* gateway.h: what one worker holds for its whole life. */
#ifndef DGCG_GATEWAY_H
#define DGCG_GATEWAY_H

#include "conf.h"
#include "db.h"
#include "dgcg.h"
#include "trusted.h"

struct dgcg_gw {
	struct dgcg_conf	 conf;
	struct dgcg_db		*db;
	struct dgcg_ta		*ta;
	struct dgcg_tpcache	*tpcache;
};

/* Loads the configuration, opens the log, loads the trust anchors and
 * prepares (not connects) the database handle. admin selects the admin
 * database user. On error writes a reason into err. */
enum dgcg_err dgcg_gw_init(struct dgcg_gw *gw, const char *conf_path, int admin, char *err,
	size_t errsz);
void dgcg_gw_free(struct dgcg_gw *gw);

#endif
