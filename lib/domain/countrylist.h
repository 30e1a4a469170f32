/* countrylist.h: GET /countrylist, the sorted countries with onboarded
 * trusted parties (read from the raw table, as the reference does). */
#ifndef DGCG_COUNTRYLIST_H
#define DGCG_COUNTRYLIST_H

#include "domain/reply.h"

struct dgcg_gw;

/* r: 200 with the JSON array (a body borrowed from the cache, which holds
 * it per trusted_party generation), or 503. */
void dgcg_countrylist(struct dgcg_gw *gw, struct dgcg_reply *r);

#endif
