/* api_issuers.c: GET /trustList/issuers[?country=DE,FR&country=IE]: the
 * trusted issuers that pass the trust-anchor check, optionally of some
 * countries (a comma list, the parameter repeated, or both), and with the
 * v2 filters domain (a list) and withFederation (tng-gateway.md 7). The
 * country values keep the v1 check (2 characters, else 400), which TNG
 * dropped. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/codec.h"
#include "domain/issuers.h"
#include "base/log.h"
#include "route.h"
#include "base/xmalloc.h"

#define MAX_COUNTRIES 64

/* Collects every value of the country parameter, split on ','. Returns 1,
 * or 0 with resp = 400 0x001 (a value that is not 2 characters, too many,
 * or a malformed escape). */
static int
countries(const struct dgcg_req *req, char **cc, size_t *nc, struct dgcg_reply *resp)
{
	const char *p = req->query, *amp, *eq;
	char *val, *tok, *save = NULL;
	size_t vlen;

	*nc = 0;
	for (; p != NULL && *p != '\0'; p = *amp ? amp + 1 : amp) {
		amp = strchr(p, '&');
		if (amp == NULL)
			amp = p + strlen(p);
		eq = memchr(p, '=', (size_t)(amp - p));
		if ((size_t)((eq != NULL ? eq : amp) - p) != 7 || memcmp(p, "country", 7) != 0)
			continue;
		if (eq == NULL)
			eq = amp - 1;
		if (dgcg_url_decode(eq + 1, (size_t)(amp - eq - 1), 1, &val, &vlen) != DGCG_OK) {
			dgcg_reply_fail(resp, DGCG_P_VALIDATION, NULL, "%s", "country: malformed percent-encoding");
			return 0;
		}
		/* "DE,,FR", "DE," and "" hold empty values: refused like "XXX". */
		if (vlen == 0 || val[0] == ',' || val[vlen - 1] == ',' || strstr(val, ",,")) {
			dgcg_reply_fail(resp, DGCG_P_VALIDATION, val, "%s", "getTrustedIssuersByCountry.country: size must be between 2 and 2");
			free(val);
			return 0;
		}
		for (tok = val;; tok = NULL) {
			char *t = strtok_r(tok, ",", &save);
			size_t tl;

			if (t == NULL)
				break;
			tl = strlen(t);
			if (tl != 2 || *nc >= MAX_COUNTRIES) {
				dgcg_reply_fail(resp, DGCG_P_VALIDATION, val, "%s", tl != 2 ?
				    "getTrustedIssuersByCountry.country: size must be between 2 and 2" :
				    "country: at most 64 values");
				free(val);
				return 0;
			}
			cc[(*nc)++] = xstrdup(t);
		}
		free(val);
	}
	return 1;
}

void
api_issuers(struct dgcg_gw *gw, struct dgcg_req *req, const struct dgcg_identity *id,
    struct dgcg_reply *resp)
{
	static const char *const keys[1] = { "domain" };
	struct dgcg_issuer_filter f;
	char *cc[MAX_COUNTRIES], *json = NULL, count[24], **domains = NULL;
	size_t nc = 0, nd = 0, i, len = 0, n = 0;
	int fed = 0;

	if (!countries(req, cc, &nc, resp) ||
	    !dgcg_req_lists(req, keys, &domains, &nd, 1, resp) ||
	    !dgcg_req_federation(req, &fed, resp))
		goto out;
	f.countries = cc;
	f.nc = nc;
	f.domains = domains;
	f.nd = nd;
	f.federation = fed;
	if (dgcg_issuers_json(gw, &f, &json, &len, &n) != DGCG_OK) {
		dgcg_reply_db_read(resp);
		goto out;
	}
	snprintf(count, sizeof(count), "%zu", n);
	dgcg_log(DGCG_LOG_INFO, "issuers", "Downloaded trusted issuers", NULL,
	    "downloadIssuersCount", count, "downloadIssuersCountry", id->country, NULL);
	dgcg_reply_json(resp, 200, json, len);
out:
	for (i = 0; i < nc; i++)
		free(cc[i]);
	dgcg_req_values_free(domains, nd);
}
