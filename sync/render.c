/* render.c: trustlist.json, rejected.json and the verifier exports. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "base/codec.h"
#include "base/json.h"
#include "base/timefmt.h"
#include "base/xmalloc.h"
#include "render.h"

static int
entry_cmp(const void *a, const void *b)
{
	const struct sync_entry *x = *(const struct sync_entry *const *)a;
	const struct sync_entry *y = *(const struct sync_entry *const *)b;
	const char *kx = x->it->kid != NULL ? x->it->kid : "";
	const char *ky = y->it->kid != NULL ? y->it->kid : "";
	const char *tx = x->thumb[0] != '\0' ? x->thumb : x->it->thumbprint != NULL ?
	    x->it->thumbprint : "";
	const char *ty = y->thumb[0] != '\0' ? y->thumb : y->it->thumbprint != NULL ?
	    y->it->thumbprint : "";
	int c = strcmp(kx, ky);

	if (c != 0)
		return c;
	if ((x->list == DGCG_CT_DSC) != (y->list == DGCG_CT_DSC))
		return x->list == DGCG_CT_DSC ? 1 : -1;
	if (x->list != y->list)
		return x->list < y->list ? -1 : 1;
	return strcmp(tx, ty);
}

/* The entries with (verified != 0) or without a verdict of OK, sorted. */
static const struct sync_entry **
sorted(const struct sync_verified *v, int verified, int dsc_only, size_t *n)
{
	const struct sync_entry **s = xcalloc(v->n ? v->n : 1, sizeof(*s));
	size_t i;

	*n = 0;
	for (i = 0; i < v->n; i++)
		if ((v->e[i].reason == DGCG_ER_OK) == (verified != 0) &&
		    (!dsc_only || v->e[i].list == DGCG_CT_DSC))
			s[(*n)++] = &v->e[i];
	qsort(s, *n, sizeof(*s), entry_cmp);
	return s;
}

static struct json_object *
jstr(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

static char *
finish(struct json_object *o, size_t *len)
{

	return dgcg_json_text(o, len);
}

char *
sync_render_trustlist(const struct sync_verified *v, size_t *len)
{
	const struct sync_entry **s;
	struct json_object *arr, *o;
	size_t i, n;

	s = sorted(v, 1, 0, &n);
	arr = json_object_new_array_ext(n ? (int)n : 1);
	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "kid", jstr(s[i]->kid));
		json_object_object_add(o, "timestamp", jstr(s[i]->it->timestamp));
		json_object_object_add(o, "country", jstr(s[i]->it->country));
		json_object_object_add(o, "certificateType",
		    jstr(dgcg_cert_type_name(s[i]->list)));
		json_object_object_add(o, "thumbprint", jstr(s[i]->thumb));
		json_object_object_add(o, "signature", jstr(s[i]->it->signature));
		json_object_object_add(o, "rawData", jstr(s[i]->it->raw));
		json_object_array_add(arr, o);
	}
	free(s);
	return finish(arr, len);
}

char *
sync_render_rejected(const struct sync_verified *v, size_t *len)
{
	const struct sync_entry **s;
	struct json_object *arr, *o;
	size_t i, n;

	s = sorted(v, 0, 0, &n);
	arr = json_object_new_array_ext(n ? (int)n : 1);
	for (i = 0; i < n; i++) {
		const char *tp = s[i]->it->thumbprint != NULL ? s[i]->it->thumbprint :
		    s[i]->thumb[0] != '\0' ? s[i]->thumb : NULL;

		o = json_object_new_object();
		json_object_object_add(o, "kid", jstr(s[i]->it->kid));
		json_object_object_add(o, "country", jstr(s[i]->it->country));
		json_object_object_add(o, "certificateType",
		    jstr(dgcg_cert_type_name(s[i]->list)));
		json_object_object_add(o, "thumbprint", jstr(tp));
		json_object_object_add(o, "reason", jstr(dgcg_er_code(s[i]->reason)));
		json_object_array_add(arr, o);
	}
	free(s);
	return finish(arr, len);
}

static void
not_after(X509 *x, char out[DGCG_TIME_LEN + 1])
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1)
		dgcg_time_format(timegm(&tm), out);
	else
		snprintf(out, DGCG_TIME_LEN + 1, "%s", "");
}

char *
sync_render_kids(const struct sync_verified *v, size_t *len)
{
	const struct sync_entry **s;
	struct json_object *map, *o;
	char na[DGCG_TIME_LEN + 1], *spki;
	unsigned char *der;
	size_t i, n;
	int dl;

	s = sorted(v, 1, 1, &n);
	map = json_object_new_object();
	for (i = 0; i < n; i++) {
		der = NULL;
		dl = i2d_PUBKEY(X509_get0_pubkey(s[i]->x), &der);
		if (dl <= 0) {
			ERR_clear_error();
			continue;
		}
		spki = dgcg_b64_encode(der, (size_t)dl);
		OPENSSL_free(der);
		not_after(s[i]->x, na);
		o = json_object_new_object();
		json_object_object_add(o, "country", jstr(s[i]->it->country));
		json_object_object_add(o, "publicKey", jstr(spki));
		json_object_object_add(o, "notAfter", jstr(na));
		json_object_object_add(map, s[i]->kid, o);
		free(spki);
	}
	free(s);
	return finish(map, len);
}

char *
sync_b64url(const unsigned char *in, size_t len)
{
	char *s = dgcg_b64_encode(in, len), *p;
	size_t n;

	for (p = s; *p != '\0'; p++)
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
	n = strlen(s);
	while (n > 0 && s[n - 1] == '=')
		s[--n] = '\0';
	return s;
}

/* A BIGNUM parameter of pk as base64url: fixed width when pad > 0, else
 * minimal (no leading zero bytes). NULL when absent. */
static char *
bn_param(EVP_PKEY *pk, const char *name, int pad)
{
	BIGNUM *bn = NULL;
	unsigned char *buf;
	char *res = NULL;
	int n;

	if (EVP_PKEY_get_bn_param(pk, name, &bn) != 1 || bn == NULL) {
		ERR_clear_error();
		return NULL;
	}
	n = pad > 0 ? pad : BN_num_bytes(bn);
	if (n <= 0)
		n = 1;
	buf = xmalloc((size_t)n);
	if ((pad > 0 ? BN_bn2binpad(bn, buf, n) : BN_bn2bin(bn, buf)) == n ||
	    (pad <= 0 && BN_is_zero(bn)))
		res = sync_b64url(buf, (size_t)n);
	free(buf);
	BN_free(bn);
	return res;
}

/* The JWK of e's key, or NULL when JOSE has no name for it. */
static struct json_object *
jwk(const struct sync_entry *e)
{
	EVP_PKEY *pk = X509_get0_pubkey(e->x);
	struct json_object *o = NULL, *x5c;
	unsigned char h[32];
	char group[64] = "", *a = NULL, *b = NULL, *der64, *t;
	const char *crv = NULL;
	size_t gl = 0;
	int bytes = 0;

	if (pk == NULL) {
		ERR_clear_error();
		return NULL;
	}
	if (EVP_PKEY_is_a(pk, "EC")) {
		if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group,
		    sizeof(group), &gl) != 1)
			goto out;
		if (strcmp(group, "prime256v1") == 0)
			crv = "P-256", bytes = 32;
		else if (strcmp(group, "secp384r1") == 0)
			crv = "P-384", bytes = 48;
		else if (strcmp(group, "secp521r1") == 0)
			crv = "P-521", bytes = 66;
		else
			goto out;
		a = bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_X, bytes);
		b = bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_Y, bytes);
		if (a == NULL || b == NULL)
			goto out;
		o = json_object_new_object();
		json_object_object_add(o, "kty", jstr("EC"));
		json_object_object_add(o, "crv", jstr(crv));
		json_object_object_add(o, "x", jstr(a));
		json_object_object_add(o, "y", jstr(b));
	} else if (EVP_PKEY_is_a(pk, "RSA") || EVP_PKEY_is_a(pk, "RSA-PSS")) {
		a = bn_param(pk, OSSL_PKEY_PARAM_RSA_N, 0);
		b = bn_param(pk, OSSL_PKEY_PARAM_RSA_E, 0);
		if (a == NULL || b == NULL)
			goto out;
		o = json_object_new_object();
		json_object_object_add(o, "kty", jstr("RSA"));
		json_object_object_add(o, "n", jstr(a));
		json_object_object_add(o, "e", jstr(b));
	} else
		goto out;
	json_object_object_add(o, "kid", jstr(e->kid));
	json_object_object_add(o, "use", jstr("sig"));
	der64 = dgcg_b64_encode(e->der, e->dlen);
	x5c = json_object_new_array();
	json_object_array_add(x5c, jstr(der64));
	free(der64);
	json_object_object_add(o, "x5c", x5c);
	dgcg_sha256(e->der, e->dlen, h);
	t = sync_b64url(h, sizeof(h));
	json_object_object_add(o, "x5t#S256", jstr(t));
	free(t);
out:
	ERR_clear_error();
	free(a);
	free(b);
	return o;
}

char *
sync_render_jwks(const struct sync_verified *v, size_t *len, size_t *skipped)
{
	const struct sync_entry **s;
	struct json_object *root, *keys, *k;
	size_t i, n, skip = 0;

	s = sorted(v, 1, 1, &n);
	root = json_object_new_object();
	keys = json_object_new_array_ext(n ? (int)n : 1);
	for (i = 0; i < n; i++) {
		if ((k = jwk(s[i])) != NULL)
			json_object_array_add(keys, k);
		else
			skip++;
	}
	json_object_object_add(root, "keys", keys);
	free(s);
	if (skipped != NULL)
		*skipped = skip;
	return finish(root, len);
}

char (*sync_render_countries(const struct sync_verified *v, size_t *n))[3]
{
	const struct sync_entry **s;
	char (*cc)[3];
	size_t i, j, k, m;

	s = sorted(v, 1, 1, &m);
	cc = xcalloc(m + 1, sizeof(*cc));
	k = 0;
	for (i = 0; i < m; i++) {
		for (j = 0; j < k; j++)
			if (strcmp(cc[j], s[i]->it->country) == 0)
				break;
		if (j == k)
			memcpy(cc[k++], s[i]->it->country, 3);
	}
	free(s);
	qsort(cc, k, sizeof(*cc), (int (*)(const void *, const void *))strcmp);
	*n = k;
	return cc;
}

char *
sync_render_pem(const struct sync_verified *v, const char *country, size_t *len)
{
	const struct sync_entry **s;
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *res;
	size_t i, n;
	long bl;

	s = sorted(v, 1, 1, &n);
	for (i = 0; i < n; i++)
		if (strcmp(s[i]->it->country, country) == 0)
			PEM_write_bio_X509(b, s[i]->x);
	free(s);
	bl = BIO_get_mem_data(b, &p);
	res = xstrndup(bl > 0 ? p : "", bl > 0 ? (size_t)bl : 0);
	if (len != NULL)
		*len = bl > 0 ? (size_t)bl : 0;
	BIO_free(b);
	return res;
}
