/* verify.c: the checks of every entry, and the reason of each rejection. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "base/xmalloc.h"
#include "pki/x509.h"
#include "verify.h"

static const char *const check_names[SC__MAX] = {
	[SC_ITEM] = "item",
	[SC_TYPE] = "type",
	[SC_CERT] = "certificate",
	[SC_THUMB] = "thumbprint",
	[SC_KID] = "kid",
	[SC_UNIQUE] = "unique",
	[SC_SIGNATURE] = "signature",
	[SC_SIGNER] = "signer",
	[SC_COUNTRY] = "country",
	[SC_ISSUER] = "issuer",
	[SC_V3] = "x509v3",
	[SC_KEY] = "key",
	[SC_HASH] = "hash",
	[SC_VALIDITY] = "validity",
};

const char *
sync_check_name(enum sync_check c)
{
	return (unsigned)c < SC__MAX ? check_names[c] : "?";
}

static void
step(struct sync_entry *e, enum sync_check c, enum sync_res res, enum dgcg_er fail,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
step(struct sync_entry *e, enum sync_check c, enum sync_res res, enum dgcg_er fail,
    const char *fmt, ...)
{
	va_list ap;

	e->step[c].res = (unsigned char)res;
	e->step[c].fail = res == SR_FAIL ? fail : DGCG_ER_OK;
	e->step[c].detail[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(e->step[c].detail, sizeof(e->step[c].detail), fmt, ap);
		va_end(ap);
	}
}

static const char *
str(const char *s)
{
	return s != NULL ? s : "";
}

/* --- the checks every entry gets --------------------------------------------- */

/* item, type, certificate, thumbprint, kid. 0 when the rest cannot run. */
static int
check_shape(struct sync_entry *e)
{
	const struct sync_item *it = e->it;
	const char *want = dgcg_cert_type_name(e->list);
	char *subj;

	if (it->malformed != NULL) {
		step(e, SC_ITEM, SR_FAIL, DGCG_ER_MALFORMED, "%s", it->malformed);
		return 0;
	}
	step(e, SC_ITEM, SR_PASS, 0, NULL);
	if (strcmp(it->type, want) != 0) {
		step(e, SC_TYPE, SR_FAIL, DGCG_ER_WRONG_TYPE, "%.40s in the %s list", it->type, want);
		return 0;
	}
	step(e, SC_TYPE, SR_PASS, 0, "%s", want);
	if (dgcg_entry_cert(it->raw, NULL, NULL, &e->der, &e->dlen, &e->x) != DGCG_ER_OK) {
		step(e, SC_CERT, SR_FAIL, DGCG_ER_BAD_CERTIFICATE, NULL);
		return 0;
	}
	dgcg_x509_thumbprint(e->der, e->dlen, e->thumb);
	dgcg_x509_kid(e->der, e->dlen, e->kid);
	subj = dgcg_x509_subject_text(e->x);
	step(e, SC_CERT, SR_PASS, 0, "%.180s", str(subj));
	free(subj);
	if (it->thumbprint == NULL)
		step(e, SC_THUMB, SR_OFF, 0, "the item has no thumbprint (v2)");
	else if (strcmp(it->thumbprint, e->thumb) != 0)
		step(e, SC_THUMB, SR_FAIL, DGCG_ER_THUMBPRINT_MISMATCH, "the certificate's is %s",
		    e->thumb);
	else
		step(e, SC_THUMB, SR_PASS, 0, NULL);
	if (strcmp(it->kid, e->kid) != 0)
		step(e, SC_KID, SR_FAIL, DGCG_ER_KID_MISMATCH, "the certificate's is %s", e->kid);
	else
		step(e, SC_KID, SR_PASS, 0, NULL);
	return 1;
}

static void
check_signature(struct sync_entry *e, const struct sync_policy *p)
{
	enum dgcg_cms_state st;
	const char *detail = NULL;
	enum dgcg_er r;

	r = dgcg_entry_signature(e->it->signature, e->der, e->dlen, p->digests, e->signer, &st,
	    &detail);
	if (r == DGCG_ER_OK)
		step(e, SC_SIGNATURE, SR_PASS, 0, "the CMS verifies; its signer has SHA-256 %s",
		    e->signer);
	else {
		e->signer[0] = '\0';
		if (r == DGCG_ER_BAD_CMS)
			step(e, SC_SIGNATURE, SR_FAIL, r, "CMS parser state %d", (int)st);
		else
			step(e, SC_SIGNATURE, SR_FAIL, r, "%s", detail != NULL ? detail : "");
	}
}

struct policy_arg {
	struct sync_entry	*e;
};

static void
on_rule(void *arg, enum dgcg_er rule, int on, enum dgcg_er result, const char *why)
{
	struct sync_entry *e = ((struct policy_arg *)arg)->e;
	enum sync_check c = rule == DGCG_ER_X509_V1 ? SC_V3 : rule == DGCG_ER_WEAK_KEY ? SC_KEY :
	    rule == DGCG_ER_WEAK_HASH ? SC_HASH : SC_VALIDITY;

	if (!on)
		step(e, c, SR_OFF, 0, "switched off");
	else if (result != DGCG_ER_OK)
		step(e, c, SR_FAIL, result, "%s", why);
	else
		step(e, c, SR_PASS, 0, NULL);
}

static void
check_rest(struct sync_entry *e, const struct sync_policy *p)
{
	struct policy_arg a = { e };
	const char *why = NULL;

	if (dgcg_entry_country(e->x, e->it->country, 1, &why) != DGCG_ER_OK)
		step(e, SC_COUNTRY, SR_FAIL, DGCG_ER_COUNTRY_MISMATCH, "%s", why);
	else
		step(e, SC_COUNTRY, SR_PASS, 0, NULL);
	(void)dgcg_entry_policy_each(e->x, &p->cert, p->check_expiry[e->list], p->now, on_rule,
	    &a);
}

/* The reason: the first failed check. */
static void
conclude(struct sync_entry *e)
{
	int c;

	e->reason = DGCG_ER_OK;
	for (c = 0; c < SC__MAX; c++)
		if (e->step[c].res == SR_FAIL) {
			e->reason = e->step[c].fail;
			return;
		}
}

/* --- which entry it depends on ----------------------------------------------------- */

/* DUPLICATE: an earlier entry of the same list holds the same certificate. */
static void
check_unique(struct sync_entry *v, size_t from, size_t to)
{
	size_t i, j;

	for (i = from; i < to; i++) {
		if (v[i].x == NULL)
			continue;
		for (j = from; j < i; j++)
			if (v[j].x != NULL && strcmp(v[j].thumb, v[i].thumb) == 0)
				break;
		if (j < i)
			step(&v[i], SC_UNIQUE, SR_FAIL, DGCG_ER_DUPLICATE, "the same as item %zu (%s)",
			    j - from, str(v[j].it->kid));
		else
			step(&v[i], SC_UNIQUE, SR_PASS, 0, NULL);
	}
}

/* The DSC's CMS signer among the UPLOAD entries up[0..n). */
static void
check_uploader(struct sync_entry *e, const struct sync_entry *up, size_t n)
{
	const struct sync_entry *other = NULL, *rejected = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (up[i].x == NULL || strcmp(up[i].thumb, e->signer) != 0)
			continue;
		if (up[i].reason == DGCG_ER_OK && strcmp(up[i].it->country, e->it->country) == 0) {
			step(e, SC_SIGNER, SR_PASS, 0, "UPLOAD kid=%s of %s", up[i].kid,
			    up[i].it->country);
			return;
		}
		if (up[i].reason == DGCG_ER_OK)
			other = other != NULL ? other : &up[i];
		else
			rejected = rejected != NULL ? rejected : &up[i];
	}
	if (other != NULL)
		step(e, SC_SIGNER, SR_FAIL, DGCG_ER_SIGNER_OTHER_COUNTRY, "UPLOAD kid=%s of %s",
		    other->kid, other->it->country);
	else if (rejected != NULL)
		step(e, SC_SIGNER, SR_FAIL, DGCG_ER_SIGNER_REJECTED, "UPLOAD kid=%s of %s, rejected: %s",
		    rejected->kid, str(rejected->it->country), dgcg_er_code(rejected->reason));
	else
		step(e, SC_SIGNER, SR_FAIL, DGCG_ER_SIGNER_NOT_UPLOAD, "no UPLOAD entry has SHA-256 %s",
		    e->signer);
}

/* The CSCA entries ca[0..n) that issued the DSC, best first: verified of
 * its country, verified of another, rejected ones. */
static void
check_issuer(struct sync_entry *e, const struct sync_entry *ca, size_t n)
{
	const struct sync_entry *other = NULL, *rejected = NULL;
	size_t i, own = 0;

	for (i = 0; i < n; i++) {
		int same = ca[i].x != NULL && strcmp(str(ca[i].it->country), e->it->country) == 0;

		if (same && ca[i].reason == DGCG_ER_OK)
			own++;
		if (ca[i].x == NULL || !dgcg_x509_issued_by(e->x, ca[i].x))
			continue;
		if (same && ca[i].reason == DGCG_ER_OK) {
			step(e, SC_ISSUER, SR_PASS, 0, "CSCA kid=%s of %s", ca[i].kid,
			    ca[i].it->country);
			return;
		}
		if (ca[i].reason == DGCG_ER_OK)
			other = other != NULL ? other : &ca[i];
		else
			rejected = rejected != NULL ? rejected : &ca[i];
	}
	if (other != NULL)
		step(e, SC_ISSUER, SR_FAIL, DGCG_ER_ISSUER_OTHER_COUNTRY, "CSCA kid=%s of %s",
		    other->kid, other->it->country);
	else if (rejected != NULL)
		step(e, SC_ISSUER, SR_FAIL, own ? DGCG_ER_NOT_ISSUED : DGCG_ER_NO_CSCA,
		    "its issuer is CSCA kid=%s of %s, rejected: %s", rejected->kid,
		    str(rejected->it->country), dgcg_er_code(rejected->reason));
	else if (own == 0)
		step(e, SC_ISSUER, SR_FAIL, DGCG_ER_NO_CSCA, "no verified CSCA of %s", e->it->country);
	else
		step(e, SC_ISSUER, SR_FAIL, DGCG_ER_NOT_ISSUED,
		    "none of the %zu verified CSCAs of %s issued it", own, e->it->country);
}

/* --- the whole set ------------------------------------------------------------------ */

static void
judge(struct sync_entry *v, size_t from, size_t to, const struct dgcg_ta *ta,
    const struct sync_policy *p, const struct sync_entry *up, size_t nup,
    const struct sync_entry *ca, size_t nca)
{
	size_t i;

	for (i = from; i < to; i++)
		(void)check_shape(&v[i]);
	check_unique(v, from, to);
	for (i = from; i < to; i++) {
		struct sync_entry *e = &v[i];

		if (e->x == NULL) {
			conclude(e);
			continue;
		}
		check_signature(e, p);
		if (e->step[SC_SIGNATURE].res == SR_PASS) {
			if (e->list != DGCG_CT_DSC) {
				if (dgcg_ta_has(ta, e->signer))
					step(e, SC_SIGNER, SR_PASS, 0, "a trust anchor");
				else
					step(e, SC_SIGNER, SR_FAIL, DGCG_ER_NOT_TRUST_ANCHOR,
					    "no trust anchor has SHA-256 %s", e->signer);
			} else
				check_uploader(e, up, nup);
		}
		check_rest(e, p);
		if (e->list == DGCG_CT_DSC)
			check_issuer(e, ca, nca);
		else
			step(e, SC_ISSUER, SR_OFF, 0, "only for DSCs");
		conclude(e);
	}
}

void
sync_verify(const struct sync_list lists[DGCG_CT__MAX], const struct dgcg_ta *ta,
    const struct sync_policy *p, struct sync_verified *out)
{
	static const enum dgcg_cert_type order[] = { DGCG_CT_CSCA, DGCG_CT_UPLOAD, DGCG_CT_DSC };
	size_t i, k, n = 0, start[3], end[3];

	for (k = 0; k < 3; k++)
		n += lists[order[k]].n;
	out->e = xcalloc(n ? n : 1, sizeof(*out->e));
	out->n = n;
	n = 0;
	for (k = 0; k < 3; k++) {
		start[k] = n;
		for (i = 0; i < lists[order[k]].n; i++, n++) {
			out->e[n].it = &lists[order[k]].v[i];
			out->e[n].list = order[k];
		}
		end[k] = n;
	}
	judge(out->e, start[0], end[0], ta, p, NULL, 0, NULL, 0);
	judge(out->e, start[1], end[1], ta, p, NULL, 0, NULL, 0);
	judge(out->e, start[2], end[2], ta, p, out->e + start[1], end[1] - start[1],
	    out->e + start[0], end[0] - start[0]);
	ERR_clear_error();
}

void
sync_verified_free(struct sync_verified *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->n; i++) {
		X509_free(v->e[i].x);
		free(v->e[i].der);
	}
	free(v->e);
	v->e = NULL;
	v->n = 0;
}

void
sync_verified_counts(const struct sync_verified *v, size_t verified[DGCG_CT__MAX],
    size_t rejected[DGCG_CT__MAX], size_t by_reason[DGCG_ER__MAX])
{
	size_t i;

	memset(verified, 0, DGCG_CT__MAX * sizeof(*verified));
	memset(rejected, 0, DGCG_CT__MAX * sizeof(*rejected));
	memset(by_reason, 0, DGCG_ER__MAX * sizeof(*by_reason));
	for (i = 0; i < v->n; i++) {
		if (v->e[i].reason == DGCG_ER_OK)
			verified[v->e[i].list]++;
		else {
			rejected[v->e[i].list]++;
			by_reason[v->e[i].reason]++;
		}
	}
}

char *
sync_explain(const struct sync_entry *e)
{
	static const char *const res[] = { "skipped", "pass", "FAIL", "off" };
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap);
	int c;

	n += (size_t)snprintf(buf + n, cap - n, "%s %s kid=%s thumbprint=%s: %s%s%s\n",
	    dgcg_cert_type_name(e->list), str(e->it->country), str(e->it->kid),
	    e->thumb[0] != '\0' ? e->thumb : str(e->it->thumbprint),
	    e->reason == DGCG_ER_OK ? "VERIFIED" : "REJECTED ",
	    e->reason == DGCG_ER_OK ? "" : dgcg_er_code(e->reason),
	    e->reason == DGCG_ER_OK ? "" : "");
	for (c = 0; c < SC__MAX; c++) {
		const struct sync_step *s = &e->step[c];

		if (n + 512 > cap)
			buf = xrealloc(buf, cap *= 2);
		n += (size_t)snprintf(buf + n, cap - n, "  %-12s %-8s%s%s%s%s\n", check_names[c],
		    res[s->res], s->res == SR_FAIL ? dgcg_er_code(s->fail) : "",
		    s->res == SR_FAIL && s->detail[0] != '\0' ? ": " : "",
		    s->res == SR_FAIL ? "" : s->detail, s->res == SR_FAIL ? s->detail : "");
	}
	return buf;
}
