/* scrape.c: the answer to GET /metrics (scrape.h). */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/codec.h"
#include "base/xmalloc.h"
#include "domain/trustlist.h"
#include "pki/x509.h"
#include "store/trusted_party.h"
#include "worker/gateway.h"
#include "worker/metrics.h"
#include "worker/scrape.h"

/* The types of trusted_party, each given a sample for every country. */
static const enum dgcg_cert_type tp_types[] = {
	DGCG_CT_AUTHENTICATION, DGCG_CT_UPLOAD, DGCG_CT_CSCA
};
#define NTP_TYPES (sizeof(tp_types) / sizeof(tp_types[0]))

/* What one country has. */
struct country {
	char		 cc[3];
	int		 in_tp;			/* has trusted_party rows */
	unsigned	 verified[DGCG_CT__MAX];
	unsigned	 failing[DGCG_CT__MAX];
	int		 has_dsc;
	time_t		 dsc_min;		/* the earliest DSC notAfter */
};

struct countries {
	struct country	*v;
	size_t		 n;
};

static struct country *
country(struct countries *cs, const char *cc)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (strcmp(cs->v[i].cc, cc) == 0)
			return &cs->v[i];
	cs->v = xrealloc(cs->v, (cs->n + 1) * sizeof(*cs->v));
	memset(&cs->v[cs->n], 0, sizeof(cs->v[0]));
	snprintf(cs->v[cs->n].cc, sizeof(cs->v[0].cc), "%s", cc);
	return &cs->v[cs->n++];
}

static int
country_cmp(const void *a, const void *b)
{
	return strcmp(((const struct country *)a)->cc, ((const struct country *)b)->cc);
}

/* The notAfter of a stored certificate (base64 DER). */
static enum dgcg_err
not_after_b64(const char *raw_b64, time_t *out)
{
	unsigned char *der = NULL;
	enum dgcg_err rc = DGCG_ERR_PARSE;
	size_t len = 0;
	X509 *x = NULL;

	if (raw_b64 != NULL && dgcg_b64_decode(raw_b64, strlen(raw_b64), &der, &len) == DGCG_OK &&
	    (x = dgcg_x509_from_der(der, len)) != NULL)
		rc = dgcg_x509_not_after(x, out);
	X509_free(x);
	free(der);
	return rc;
}

/* Every trusted_party row's verdict, counted by country and type, and
 * the expiry of the verified ones. */
static enum dgcg_err
trusted_parties(struct dgcg_gw *gw, struct dgcg_expo *x, struct countries *cs, time_t now)
{
	struct dgcg_tp_list all;
	struct country *c;
	const char *v[3];
	char thumb[DGCG_THUMB_HEX_LEN + 1];
	enum dgcg_err rc;
	time_t na;
	size_t i, k;

	if ((rc = dgcg_db_tp_select(gw->db, NULL, NULL, DGCG_G__MAX, &all)) != DGCG_OK)
		return rc;
	for (i = 0; i < all.n; i++) {
		const struct dgcg_tp *r = &all.v[i];

		/* A type trusted_party does not hold is no trusted party. */
		if (r->type != DGCG_CT_AUTHENTICATION && r->type != DGCG_CT_UPLOAD &&
		    r->type != DGCG_CT_CSCA)
			continue;
		c = country(cs, r->country);
		c->in_tp = 1;
		if (dgcg_gw_verdict(gw, r) !=
		    DGCG_INTEGRITY_OK) {
			c->failing[r->type]++;
			continue;
		}
		c->verified[r->type]++;
		if (not_after_b64(r->raw_data, &na) != DGCG_OK)
			continue;
		for (k = 0; r->thumbprint[k] != '\0'; k++)
			thumb[k] = (char)tolower((unsigned char)r->thumbprint[k]);
		thumb[k] = '\0';
		v[0] = r->country;
		v[1] = dgcg_cert_type_name(r->type);
		v[2] = thumb;
		dgcg_expo_gauge(x, DGCG_M_CERT_EXPIRY, v, (long long)(na - now));
	}
	dgcg_tp_list_free(&all);
	return DGCG_OK;
}

/* The earliest notAfter of each country's DSCs in the trust list. */
static enum dgcg_err
dscs(struct dgcg_gw *gw, struct countries *cs)
{
	struct dgcg_tl_cached tl;
	struct country *c;
	enum dgcg_err rc;
	time_t na;
	size_t i;

	if ((rc = dgcg_tl_get(gw, DGCG_CT_DSC, NULL, &tl)) != DGCG_OK)
		return rc;
	for (i = 0; i < tl.list->n; i++) {
		const struct dgcg_tl_item *it = &tl.list->v[i];

		if (it->type != DGCG_CT_DSC || not_after_b64(it->raw_data, &na) != DGCG_OK)
			continue;
		c = country(cs, it->country);
		if (!c->has_dsc || na < c->dsc_min)
			c->dsc_min = na;
		c->has_dsc = 1;
	}
	return DGCG_OK;
}

char *
dgcg_scrape(struct dgcg_gw *gw, time_t now, size_t *len)
{
	const struct dgcg_versions *ver;
	struct countries cs = { NULL, 0 };
	struct dgcg_expo *x = dgcg_expo_new();
	const char *v[2];
	int up, tp_ok = 0, dsc_ok = 0;
	size_t i, t;

	dgcg_gw_metrics_sync(gw);
	dgcg_expo_counters(x, gw->metrics);
	dgcg_expo_gauge(x, DGCG_M_SHARED, NULL, dgcg_metrics_shared(gw->metrics));
	up = dgcg_gw_versions(gw, &ver) == DGCG_OK;
	if (up) {
		for (t = 0; t < DGCG_T__MAX; t++) {
			v[0] = dgcg_table_name((enum dgcg_table)t);
			dgcg_expo_gauge(x, DGCG_M_DATA_GENERATION, v, ver->v[t]);
		}
		tp_ok = trusted_parties(gw, x, &cs, now) == DGCG_OK;
		dsc_ok = dscs(gw, &cs) == DGCG_OK;
		up = tp_ok && dsc_ok;
	}
	dgcg_expo_gauge(x, DGCG_M_DB_UP, NULL, up);
	if (cs.n > 0)	/* none when the database is down: cs.v NULL */
		qsort(cs.v, cs.n, sizeof(*cs.v), country_cmp);
	for (i = 0; i < cs.n; i++) {
		v[1] = cs.v[i].cc;
		for (t = 0; tp_ok && cs.v[i].in_tp && t < NTP_TYPES; t++) {
			v[0] = dgcg_cert_type_name(tp_types[t]);
			dgcg_expo_gauge(x, DGCG_M_TP_VERIFIED, v, cs.v[i].verified[tp_types[t]]);
			dgcg_expo_gauge(x, DGCG_M_TP_FAILING, v, cs.v[i].failing[tp_types[t]]);
		}
		if (dsc_ok && cs.v[i].has_dsc) {
			v[0] = cs.v[i].cc;
			dgcg_expo_gauge(x, DGCG_M_DSC_EXPIRY, v, (long long)(cs.v[i].dsc_min - now));
		}
	}
	free(cs.v);
	return dgcg_expo_finish(x, len);
}
