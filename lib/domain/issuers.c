/* issuers.c: trusted issuers: integrity check and the download. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "worker/gateway.h"
#include "domain/issuers.h"
#include "base/json.h"
#include "base/log.h"
#include "base/xmalloc.h"

char *
dgcg_issuer_signed_string(const char *country, const char *name, const char *url,
    const char *url_type, enum dgcg_issuer_format f)
{
	return xasprintf("%s;%s;%s;%s%s", country ? country : "", name ? name : "",
	    url ? url : "", url_type ? url_type : "", f == DGCG_ISSUER_TNG ? "" : ";");
}

enum dgcg_integrity
dgcg_issuer_verify(const struct dgcg_ta *ta, const struct dgcg_issuer *is,
    enum dgcg_issuer_format *form, const char **exc)
{
	enum dgcg_integrity r, r2;
	const char *exc2 = NULL;
	char *s;

	if (exc != NULL)
		*exc = NULL;
	if (form != NULL)
		*form = DGCG_ISSUER_DGCG;
	/* The reference maps url_type to its enum HTTP|DID first. */
	if (is->url_type == NULL || (strcmp(is->url_type, "HTTP") != 0 &&
	    strcmp(is->url_type, "DID") != 0)) {
		if (exc != NULL)
			*exc = "url_type is not HTTP or DID";
		return DGCG_INTEGRITY_BAD_CERT;
	}
	s = dgcg_issuer_signed_string(is->country, is->name, is->url, is->url_type,
	    DGCG_ISSUER_DGCG);
	r = dgcg_ta_verify_content(ta, (const unsigned char *)s, strlen(s), is->signature, exc);
	free(s);
	if (r == DGCG_INTEGRITY_OK)
		return r;
	s = dgcg_issuer_signed_string(is->country, is->name, is->url, is->url_type,
	    DGCG_ISSUER_TNG);
	r2 = dgcg_ta_verify_content(ta, (const unsigned char *)s, strlen(s), is->signature, &exc2);
	free(s);
	if (r2 == DGCG_INTEGRITY_OK) {
		if (exc != NULL)
			*exc = NULL;
		if (form != NULL)
			*form = DGCG_ISSUER_TNG;
		return r2;
	}
	/* The reason of the form the signature was made over, when it was
	 * over one of them (the other one's content does not match it). */
	if (r == DGCG_INTEGRITY_SIG_INVALID && r2 != DGCG_INTEGRITY_SIG_INVALID) {
		if (exc != NULL)
			*exc = exc2;
		return r2;
	}
	return r;
}

static struct json_object *
str_or_null(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

static int
in_list(const char *v, char *const *list, size_t n)
{
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; v != NULL && i < n; i++)
		if (strcasecmp(v, list[i]) == 0)
			return 1;
	return 0;
}

static int
wanted(const struct dgcg_issuer *is, const struct dgcg_issuer_filter *f)
{
	return in_list(is->country, f->countries, f->nc) &&
	    in_list(is->domain != NULL ? is->domain : "DCC", f->domains, f->nd) &&
	    (f->federation || is->source_gateway == NULL);
}

enum dgcg_err
dgcg_issuers_json(struct dgcg_gw *gw, const struct dgcg_issuer_filter *f, char **json,
    size_t *len, size_t *count)
{
	struct dgcg_issuer_list l = { NULL, 0 };
	struct json_object *arr, *o;
	enum dgcg_integrity ir;
	enum dgcg_err rc;
	const char *exc;
	char ids[32];
	size_t i;

	*json = NULL;
	*len = 0;
	*count = 0;
	if ((rc = dgcg_db_issuers_select(gw->db, &l)) != DGCG_OK)
		return rc;
	arr = json_object_new_array();
	for (i = 0; i < l.n; i++) {
		const struct dgcg_issuer *is = &l.v[i];

		const struct dgcg_ta *ta = gw->ta;

		if (!wanted(is, f))
			continue;
		if (is->source_gateway != NULL && (ta = dgcg_gw_peer_ta(gw, is->source_gateway)) ==
		    NULL) {
			rc = DGCG_ERR_DB;
			goto out;
		}
		if ((ir = dgcg_issuer_verify(ta, is, NULL, &exc)) != DGCG_INTEGRITY_OK) {
			snprintf(ids, sizeof(ids), "%lld", is->id);
			dgcg_log(DGCG_LOG_ERROR, "issuers", "Trusted issuer left out: "
			    "trust anchor integrity check failed", exc, "issuerId", ids,
			    "issuerCountry", is->country, "reason", dgcg_integrity_text(ir), NULL);
			continue;
		}
		o = json_object_new_object();
		json_object_object_add(o, "url", str_or_null(is->url));
		json_object_object_add(o, "type", str_or_null(is->url_type));
		json_object_object_add(o, "country", json_object_new_string(is->country));
		json_object_object_add(o, "thumbprint", str_or_null(is->thumbprint));
		json_object_object_add(o, "sslPublicKey", str_or_null(is->ssl_public_key));
		json_object_object_add(o, "keyStorageType", str_or_null(is->key_storage_type));
		json_object_object_add(o, "signature", str_or_null(is->signature));
		json_object_object_add(o, "timestamp", json_object_new_string(is->created));
		json_object_object_add(o, "name", str_or_null(is->name));
		json_object_object_add(o, "domain", str_or_null(is->domain));
		json_object_object_add(o, "uuid", str_or_null(is->uuid));
		json_object_array_add(arr, o);
		(*count)++;
	}
	*json = dgcg_json_text(arr, len);
	arr = NULL;
out:
	json_object_put(arr);
	dgcg_issuer_list_free(&l);
	if (rc != DGCG_OK) {
		*len = 0;
		*count = 0;
	}
	return rc;
}
