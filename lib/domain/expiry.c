/* expiry.c: certificate expiry and the objects each UPLOAD certificate
 * signed (expiry.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "base/codec.h"
#include "base/xmalloc.h"
#include "domain/expiry.h"
#include "pki/cms.h"
#include "pki/x509.h"
#include "store/revocation_batch.h"
#include "store/signer_information.h"
#include "store/trusted_party.h"
#include "store/validation_rule.h"

/* The thumbprints of the signers of the stored CMS of one kind. */
struct thumbs {
	char	(*v)[DGCG_THUMB_HEX_LEN + 1];
	size_t	 n;
};

/* Adds the signer of a stored base64 CMS (with its detached content, or
 * attached when detached is NULL); unreadable ones count in *unparsed. */
static void
add_signer(struct thumbs *t, const char *b64, const unsigned char *detached, size_t dlen,
    size_t *unparsed)
{
	struct dgcg_cms *c = NULL;
	const unsigned char *der;
	size_t len = 0;

	if (b64 == NULL || dgcg_cms_parse_b64(b64, strlen(b64), detached, dlen,
	    detached != NULL ? DGCG_CMS_PAYLOAD_CERT : DGCG_CMS_PAYLOAD_ANY, &c) != DGCG_CMS_OK ||
	    (der = dgcg_cms_signer_der(c, &len)) == NULL) {
		(*unparsed)++;
		dgcg_cms_free(c);
		return;
	}
	t->v = xrealloc(t->v, (t->n + 1) * sizeof(t->v[0]));
	dgcg_x509_thumbprint(der, len, t->v[t->n++]);
	dgcg_cms_free(c);
}

static size_t
count(const struct thumbs *t, const char *thumb)
{
	size_t i, n = 0;

	for (i = 0; i < t->n; i++)
		n += strcmp(t->v[i], thumb) == 0;
	return n;
}

/* A certificate's entry from its base64 DER; the DER in *der when der is
 * not NULL (caller frees). */
static struct dgcg_expiry_cert *
add_cert(struct dgcg_expiry *e, long long id, enum dgcg_group group, const char *country,
    const char *thumb, const char *raw, unsigned char **der, size_t *derlen)
{
	struct dgcg_expiry_cert *c;
	unsigned char *d = NULL;
	size_t dlen = 0;
	X509 *x = NULL;

	e->v = xrealloc(e->v, (e->n + 1) * sizeof(e->v[0]));
	c = &e->v[e->n++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->group = group;
	snprintf(c->country, sizeof(c->country), "%s", country);
	snprintf(c->thumbprint, sizeof(c->thumbprint), "%s", thumb);
	if (raw != NULL && dgcg_b64_decode(raw, strlen(raw), &d, &dlen) == DGCG_OK &&
	    (x = dgcg_x509_from_der(d, dlen)) != NULL &&
	    dgcg_x509_not_after(x, &c->not_after) == DGCG_OK)
		c->readable = 1;
	X509_free(x);
	if (der != NULL && c->readable) {
		*der = d;
		*derlen = dlen;
	} else
		free(d);
	return c;
}

enum dgcg_err
dgcg_expiry_scan(struct dgcg_db *db, struct dgcg_expiry *out)
{
	struct dgcg_tp_list tp = { NULL, 0 };
	struct dgcg_si_list si = { NULL, 0 };
	struct dgcg_vr_list vr = { NULL, 0 };
	struct dgcg_rb_list rb = { NULL, 0 };
	struct thumbs tdsc = { NULL, 0 }, trule = { NULL, 0 }, tbatch = { NULL, 0 };
	char **countries = NULL;
	size_t i, j, ncountries = 0;
	enum dgcg_err rc;

	memset(out, 0, sizeof(*out));
	if ((rc = dgcg_db_tp_select(db, NULL, NULL, DGCG_G__MAX, &tp)) != DGCG_OK ||
	    (rc = dgcg_db_si_select(db, NULL, -1, &si)) != DGCG_OK ||
	    (rc = dgcg_db_tp_countries(db, &countries, &ncountries)) != DGCG_OK)
		goto out;
	for (i = 0; i < tp.n; i++)
		add_cert(out, tp.v[i].id, tp.v[i].group, tp.v[i].country, tp.v[i].thumbprint,
		    tp.v[i].raw_data, NULL, NULL);
	/* A DSC's CMS is stored detached: its content is the DER. */
	for (i = 0; i < si.n; i++) {
		unsigned char *der = NULL;
		size_t derlen = 0;

		add_cert(out, si.v[i].id, si.v[i].group, si.v[i].country, si.v[i].thumbprint,
		    si.v[i].raw_data, &der, &derlen);
		if (der != NULL)
			add_signer(&tdsc, si.v[i].signature, der, derlen, &out->unparsed);
		else
			out->unparsed++;
		free(der);
	}
	for (j = 0; j < ncountries; j++) {
		if ((rc = dgcg_db_vr_of_country(db, countries[j], 0, &vr)) != DGCG_OK ||
		    (rc = dgcg_db_rb_of_country(db, countries[j], &rb)) != DGCG_OK)
			goto out;
		/* The queries match the country case-insensitively: count each row
		 * under its own country only. */
		for (i = 0; i < vr.n; i++)
			if (strcmp(vr.v[i].country, countries[j]) == 0)
				add_signer(&trule, vr.v[i].signature, NULL, 0, &out->unparsed);
		for (i = 0; i < rb.n; i++)
			if (strcmp(rb.v[i].country, countries[j]) == 0 && rb.v[i].signed_batch != NULL)
				add_signer(&tbatch, rb.v[i].signed_batch, NULL, 0, &out->unparsed);
		dgcg_vr_list_free(&vr);
		dgcg_rb_list_free(&rb);
	}
	for (i = 0; i < out->n; i++) {
		struct dgcg_expiry_cert *c = &out->v[i];

		if (c->group != DGCG_G_UPLOAD)
			continue;
		c->dscs = count(&tdsc, c->thumbprint);
		c->rules = count(&trule, c->thumbprint);
		c->batches = count(&tbatch, c->thumbprint);
	}
out:
	for (j = 0; j < ncountries; j++)
		free(countries[j]);
	free(countries);
	free(tdsc.v);
	free(trule.v);
	free(tbatch.v);
	dgcg_vr_list_free(&vr);
	dgcg_rb_list_free(&rb);
	dgcg_si_list_free(&si);
	dgcg_tp_list_free(&tp);
	return rc;
}

void
dgcg_expiry_free(struct dgcg_expiry *e)
{
	free(e->v);
	memset(e, 0, sizeof(*e));
}
