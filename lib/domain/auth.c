/* auth.c: thumbprint and DN normalisation, and the AUTHENTICATION lookup
 * (reference-gateway.md section 2). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/auth.h"
#include "base/codec.h"
#include "worker/cache.h"
#include "worker/gateway.h"
#include "base/log.h"
#include "base/xmalloc.h"

enum dgcg_err
dgcg_auth_thumbprint(const char *hdr, char out[DGCG_THUMB_HEX_LEN + 1])
{
	unsigned char *raw = NULL;
	char *dec = NULL;
	const char *s;
	size_t len, rawlen = 0, i;
	enum dgcg_err rc = DGCG_ERR_PARSE;

	out[0] = '\0';
	if (hdr == NULL || *hdr == '\0')
		return DGCG_ERR_PARSE;
	len = strnlen(hdr, DGCG_HEADER_MAX + 1);
	if (len > DGCG_HEADER_MAX)
		return DGCG_ERR_LIMIT;
	if (len == DGCG_THUMB_HEX_LEN && dgcg_is_hex(hdr, len)) {
		for (i = 0; i < len; i++)
			out[i] = (char)tolower((unsigned char)hdr[i]);
		out[len] = '\0';
		return DGCG_OK;
	}
	s = hdr;
	if (memchr(hdr, '%', len) != NULL) {
		if (dgcg_url_decode(hdr, len, 0, &dec, &len) != DGCG_OK)
			goto out;
		s = dec;
	}
	if (dgcg_b64_decode(s, len, &raw, &rawlen) != DGCG_OK)
		goto out;
	/* A SHA-256 is 32 bytes; anything else cannot match a row. */
	if (rawlen != 32)
		goto out;
	dgcg_hex_lower(raw, rawlen, out);
	rc = DGCG_OK;
out:
	free(raw);
	free(dec);
	return rc;
}

static void
trim(const char **b, const char **e)
{
	while (*b < *e && isspace((unsigned char)**b))
		(*b)++;
	while (*e > *b && isspace((unsigned char)(*e)[-1]))
		(*e)--;
}

enum dgcg_err
dgcg_auth_dn(const char *hdr, char **decoded, char country[DGCG_COUNTRY_MAX + 1])
{
	const char *p, *end, *part_end, *eq, *kb, *ke, *vb, *ve;
	char *dn = NULL;
	size_t len, dnlen;
	enum dgcg_err rc;
	int neq;

	country[0] = '\0';
	if (decoded != NULL)
		*decoded = NULL;
	if (hdr == NULL || *hdr == '\0')
		return DGCG_ERR_PARSE;
	len = strnlen(hdr, DGCG_DN_MAX + 1);
	if (len > DGCG_DN_MAX)
		return DGCG_ERR_LIMIT;
	if ((rc = dgcg_url_decode(hdr, len, 1, &dn, &dnlen)) != DGCG_OK)
		return DGCG_ERR_PARSE;
	rc = DGCG_ERR_NOTFOUND;
	end = dn + dnlen;
	for (p = dn; p <= end; p = part_end + 1) {
		part_end = memchr(p, ',', (size_t)(end - p));
		if (part_end == NULL)
			part_end = end;
		/* Only parts with exactly one '=' count. */
		neq = 0;
		eq = NULL;
		for (kb = p; kb < part_end; kb++)
			if (*kb == '=') {
				if (neq++ == 0)
					eq = kb;
			}
		if (neq == 1) {
			kb = p;
			ke = eq;
			vb = eq + 1;
			ve = part_end;
			trim(&kb, &ke);
			trim(&vb, &ve);
			if (ke - kb == 1 && toupper((unsigned char)*kb) == 'C') {
				if ((size_t)(ve - vb) > DGCG_COUNTRY_MAX) {
					rc = DGCG_ERR_LIMIT;
					break;
				}
				memcpy(country, vb, (size_t)(ve - vb));
				country[ve - vb] = '\0';
				rc = DGCG_OK;
				break;	/* the first C wins */
			}
		}
		if (part_end == end)
			break;
	}
	if (decoded != NULL)
		*decoded = dn;
	else
		free(dn);
	return rc;
}

/*
 * Results of the AUTHENTICATION lookup are remembered (worker/cache.h: they
 * depend on trusted_party): any change to trusted_party, by the API or with
 * SQL, invalidates them at the next request. Unknown clients are remembered
 * too (tp_id 0), so a stranger's retries cost no query.
 */
static enum dgcg_err
lookup(struct dgcg_gw *gw, const char *thumb, const char *country, long long *tp_id)
{
	struct dgcg_tp_list rows = { NULL, 0 };
	char key[DGCG_THUMB_HEX_LEN + 1 + DGCG_COUNTRY_MAX + 1];
	long long *v;
	enum dgcg_err rc;
	int n;

	*tp_id = 0;
	n = snprintf(key, sizeof(key), "%s|%s", thumb, country);
	if ((v = dgcg_cache_get(gw, DGCG_CACHE_AUTH, key, (size_t)n)) != NULL) {
		*tp_id = *v;
		return DGCG_OK;
	}
	if ((rc = dgcg_gw_trusted(gw, thumb, country, DGCG_G_AUTHENTICATION, NULL, &rows)) != DGCG_OK)
		return rc;
	if (rows.n > 0)
		*tp_id = rows.v[0].id;
	dgcg_tp_list_free(&rows);
	v = xmalloc(sizeof(*v));
	*v = *tp_id;
	(void)dgcg_cache_put(gw, DGCG_CACHE_AUTH, key, (size_t)n, (time_t)-1, v, free);
	return DGCG_OK;
}

void
dgcg_identity_clear(struct dgcg_identity *id)
{
	free(id->dn);
	memset(id, 0, sizeof(*id));
}

enum dgcg_prob
dgcg_auth(struct dgcg_gw *gw, const char *thumb_hdr, const char *dn_hdr,
    struct dgcg_identity *id, char **send_value)
{
	char thumb[DGCG_THUMB_HEX_LEN + 1];
	char country[DGCG_COUNTRY_MAX + 1];
	char *dn = NULL;
	enum dgcg_prob prob = DGCG_P_AUTH_UNKNOWN;
	enum dgcg_err rc;

	memset(id, 0, sizeof(*id));
	*send_value = NULL;
	if (thumb_hdr == NULL || *thumb_hdr == '\0' || dn_hdr == NULL || *dn_hdr == '\0') {
		dgcg_log(DGCG_LOG_ERROR, "auth", "No thumbprint or distinguish name", NULL, NULL);
		return DGCG_P_AUTH_MISSING;
	}
	if (dgcg_auth_thumbprint(thumb_hdr, thumb) != DGCG_OK) {
		dgcg_log(DGCG_LOG_ERROR, "auth", "Could not normalize certificate hash.", NULL,
		    "dnString", dn_hdr, "thumbprint", thumb_hdr, NULL);
		return DGCG_P_AUTH_MISSING;
	}
	rc = dgcg_auth_dn(dn_hdr, &dn, country);
	if (rc == DGCG_ERR_PARSE || rc == DGCG_ERR_LIMIT) {
		dgcg_log(DGCG_LOG_ERROR, "auth", "Could not decode distinguish name", NULL,
		    "dnString", dn_hdr, "thumbprint", thumb, NULL);
		*send_value = xstrdup(dn_hdr);
		free(dn);
		return DGCG_P_VALIDATION;
	}
	if (rc != DGCG_OK) {
		dgcg_log(DGCG_LOG_ERROR, "auth", "Country property is missing", NULL,
		    "dnString", dn, "thumbprint", thumb, NULL);
		*send_value = dn;
		return DGCG_P_AUTH_NO_COUNTRY;
	}
	rc = lookup(gw, thumb, country, &id->tp_id);
	if (rc != DGCG_OK) {
		dgcg_log(DGCG_LOG_ERROR, "auth", "Authentication not possible: database unavailable",
		    NULL, "dnString", dn, "thumbprint", thumb, NULL);
		free(dn);
		return DGCG_P_UNAVAILABLE;
	}
	if (id->tp_id > 0)
		prob = DGCG_P_NONE;
	if (prob != DGCG_P_NONE) {
		dgcg_log(DGCG_LOG_ERROR, "auth", "Unknown client certificate", NULL,
		    "dnString", dn, "thumbprint", thumb, NULL);
		free(dn);
		return prob;
	}
	memcpy(id->country, country, sizeof(id->country));
	memcpy(id->thumbprint, thumb, sizeof(id->thumbprint));
	id->dn = dn;
	dgcg_log(DGCG_LOG_INFO, "auth", "Successful Authentication", NULL,
	    "dnString", dn, "thumbprint", thumb, NULL);
	return DGCG_P_NONE;
}
