/* api_countrylist.c: GET /countrylist (lib/domain/countrylist.c). */
#include "config.h"

#include "domain/countrylist.h"
#include "route.h"

void
api_countrylist(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	(void)req;
	(void)id;
	dgcg_countrylist(gw, resp);
}
