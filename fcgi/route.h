/* route.h: the route table and the dispatcher.
 *
 * Order for every request: a path that is not "/..." or is longer than
 * DGCG_PATH_MAX (404); GET or HEAD /health or /metrics with
 * DGCG_HEALTH_CHECK set (the internal listener only) answered at once,
 * without authentication; match the
 * path (404), the method (405, with an Allow header), authenticate (section
 * 2: 401/400), the route's roles (403), Accept (406), the content type
 * (415), the declared length (413), then read the body (413 beyond
 * body_max) and call the handler. Every answer is counted in the metrics
 * (worker/metrics.h) before it is sent. */
#ifndef DGCG_ROUTE_H
#define DGCG_ROUTE_H

#include "domain/auth.h"
#include "worker/gateway.h"
#include "req.h"

typedef void (*dgcg_handler)(struct dgcg_gw *gw, struct dgcg_req *req,
	const struct dgcg_identity *id, struct dgcg_reply *resp);

/* Route flags. */
#define DGCG_R_BODY	0x01	/* reads a body */
#define DGCG_R_CMS	0x02	/* body must be application/cms */
#define DGCG_R_CMS_TEXT	0x04	/* body may also be application/cms-text */
#define DGCG_R_JSON	0x08	/* body must be application/json */
/* Roles the caller's AUTHENTICATION row must hold (trusted_party_roles),
 * checked right after authentication: 403 0x403 when one is missing. As
 * in the reference, roles are not covered by the trust anchor's signature. */
#define DGCG_R_ROLE_READER	0x10	/* REVOCATION_LIST_READER */
#define DGCG_R_ROLE_UPLOADER	0x20	/* REVOCATION_UPLOADER */
#define DGCG_R_ROLE_DELETER	0x40	/* REVOCATION_DELETER */
/* The answer is a CMS: Accept must admit application/cms-text or
 * application/cms (406 0x406 otherwise, after the role check). */
#define DGCG_R_ACCEPT_CMS	0x80
/* An upload or a delete: counted in dgcg_writes_total by outcome, the
 * resource being the pattern's first segment. */
#define DGCG_R_UPLOAD		0x100
#define DGCG_R_DELETE		0x200

struct dgcg_route {
	const char	*method;
	const char	*pattern;	/* "/trustList/{type}/{country}" */
	dgcg_handler	 fn;
	unsigned	 flags;
};

/* Handles one request completely: resp always holds an answer after it. */
void dgcg_dispatch(struct dgcg_gw *gw, struct dgcg_req *req, struct dgcg_reply *resp);

/* The content type to answer a CMS download with, from an Accept header
 * (NULL or empty = anything): "application/cms-text" or "application/cms"
 * (static strings), by quality, then specificity, then that order; NULL
 * when Accept admits neither (q=0 excludes). */
const char *dgcg_accept_cms(const char *accept);

/* Handlers, one api_<resource>.c each. */
#define DGCG_HANDLER(name) void name(struct dgcg_gw *, struct dgcg_req *, \
	const struct dgcg_identity *, struct dgcg_reply *)
DGCG_HANDLER(api_countrylist);		/* api_countrylist.c */
DGCG_HANDLER(api_signer_upload);	/* api_signer.c */
DGCG_HANDLER(api_signer_delete);
DGCG_HANDLER(api_trustlist);		/* api_trustlist.c */
DGCG_HANDLER(api_rules_upload);		/* api_rules.c */
DGCG_HANDLER(api_rules_delete);
DGCG_HANDLER(api_rules_download);
DGCG_HANDLER(api_valuesets_list);	/* api_valuesets.c */
DGCG_HANDLER(api_valuesets_get);
DGCG_HANDLER(api_issuers);		/* api_issuers.c */
DGCG_HANDLER(api_rev_list);		/* api_revocation.c */
DGCG_HANDLER(api_rev_get);
DGCG_HANDLER(api_rev_upload);
DGCG_HANDLER(api_rev_delete);
DGCG_HANDLER(api_mig_list);		/* api_migration.c */
DGCG_HANDLER(api_mig_update);
DGCG_HANDLER(api_v2_certificate_list);	/* api_trustedcert.c */
DGCG_HANDLER(api_v2_cert_upload);
DGCG_HANDLER(api_v2_cert_delete);
DGCG_HANDLER(api_ref_upload);		/* api_references.c */
DGCG_HANDLER(api_ref_delete);
DGCG_HANDLER(api_ref_get);
DGCG_HANDLER(api_ref_list);
/* GET /health (api_health.c) and GET /metrics (api_metrics.c), only for
 * requests with health_check set. */
void api_health(struct dgcg_gw *gw, struct dgcg_req *req, struct dgcg_reply *resp);
void api_metrics(struct dgcg_gw *gw, struct dgcg_req *req, struct dgcg_reply *resp);

#endif
