/* fake_store.c: the in-memory store of the unit tests (fake_store.h). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/timefmt.h"
#include "base/xmalloc.h"
#include "fake_store.h"
#include "store/audit_event.h"
#include "store/data_version.h"
#include "store/db.h"
#include "store/revocation_batch.h"
#include "store/signer_information.h"
#include "store/trusted_issuer.h"
#include "store/trusted_party.h"
#include "store/trusted_reference.h"
#include "store/validation_rule.h"
#include "store/valueset.h"

/* The handle: every handle talks to the one server below. */
struct dgcg_db {
	int	 admin;
};

struct fake_vs {
	char	*id;
	char	*json;
};

/* Everything a transaction may change (and a rollback restores). */
struct tables {
	struct dgcg_tp		*tp;
	size_t			 ntp;
	struct dgcg_si		*si;
	size_t			 nsi;
	struct fake_vr		*vr;
	size_t			 nvr;
	struct fake_rb		*rb;
	size_t			 nrb;
	struct fake_vs		*vs;
	size_t			 nvs;
	struct dgcg_issuer	*ti;
	size_t			 nti;
	struct dgcg_ref		*ref;
	size_t			 nref;
	struct fake_audit	*au;
	size_t			 nau;
	struct dgcg_versions	 ver;
};

/* AUTO_INCREMENT counters (not rolled back, as in InnoDB). */
enum { AI_TP = 0, AI_SI, AI_VR, AI_RB, AI_TI, AI_AU, AI_REF, AI__MAX };

#define CALLS_MAX 64

static struct {
	struct tables	 t;
	long long	 ai[AI__MAX];
	time_t		 clock;
	/* the failure rule */
	int		 rule;
	char		*rule_fn;	/* NULL: any call */
	unsigned	 rule_skip, rule_n;
	int		 rule_lost;
	int		 down;
	int		 lost;		/* connection lost until a call succeeds */
	unsigned	 failures;
	/* the transaction */
	int		 in_tx, tx_broken;
	/* call counts, by name (__func__ of the fake's functions, "COMMIT") */
	struct {
		const char	*name;
		unsigned	 n;
	}		 calls[CALLS_MAX];
	size_t		 ncalls;
	unsigned	 total;
	char		 err[256];
} S;

/* --- helpers -------------------------------------------------------------- */

static char *
dup0(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static time_t
now(void)
{
	return S.clock != 0 ? S.clock : time(NULL);
}

static void
bump(enum dgcg_table t)
{
	S.t.ver.v[t]++;
}

/* utf8mb4_general_ci on ASCII: upper-case folding, trailing spaces ignored. */
static int
ci_cmp(const char *a, const char *b)
{
	size_t la, lb, i;
	int ca, cb;

	if (a == NULL || b == NULL)
		return a == NULL ? (b == NULL ? 0 : -1) : 1;
	la = strlen(a);
	lb = strlen(b);
	while (la > 0 && a[la - 1] == ' ')
		la--;
	while (lb > 0 && b[lb - 1] == ' ')
		lb--;
	for (i = 0; i < la && i < lb; i++) {
		ca = toupper((unsigned char)a[i]);
		cb = toupper((unsigned char)b[i]);
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return la < lb ? -1 : la > lb;
}

static int
ci_eq(const char *a, const char *b)
{
	return ci_cmp(a, b) == 0;
}

static enum dgcg_err
fail_now(const char *fn, int lost)
{
	S.failures++;
	if (lost) {
		S.lost = 1;
		if (S.in_tx)
			S.tx_broken = 1;
		snprintf(S.err, sizeof(S.err), "%s: 2013: Lost connection to server during query "
		    "(fake_store)", fn);
	} else
		snprintf(S.err, sizeof(S.err), "%s: 1105: injected failure (fake_store)", fn);
	return DGCG_ERR_DB;
}

/* Every store call starts here: counts it, then applies the outage and the
 * failure rule. */
static enum dgcg_err
enter(const char *fn)
{
	size_t i;

	S.total++;
	for (i = 0; i < S.ncalls && strcmp(S.calls[i].name, fn) != 0; i++)
		;
	if (i == S.ncalls && S.ncalls < CALLS_MAX) {
		S.calls[i].name = fn;
		S.calls[i].n = 0;
		S.ncalls++;
	}
	if (i < S.ncalls)
		S.calls[i].n++;
	if (S.down)
		return fail_now(fn, 1);
	if (S.rule && (S.rule_fn == NULL || strcmp(S.rule_fn, fn) == 0)) {
		if (S.rule_skip > 0)
			S.rule_skip--;
		else if (S.rule_n > 0) {
			S.rule_n--;
			return fail_now(fn, S.rule_lost);
		}
	}
	S.lost = 0;
	return DGCG_OK;
}

#define ENTER() do {					\
	enum dgcg_err enter_rc_ = enter(__func__);	\
	if (enter_rc_ != DGCG_OK)			\
		return enter_rc_;			\
} while (0)

/* A statement the server refuses for its data (strict mode). */
static enum dgcg_err
refuse(const char *fn, const char *why)
{
	snprintf(S.err, sizeof(S.err), "%s: 1406: %s (fake_store)", fn, why);
	return DGCG_ERR_DB;
}

static enum dgcg_err
conflict(const char *fn, const char *key)
{
	snprintf(S.err, sizeof(S.err), "%s: 1062: Duplicate entry for key '%s' (fake_store)", fn,
	    key);
	return DGCG_ERR_CONFLICT;
}

/* --- row copies ------------------------------------------------------------- */

static void
tp_copy(struct dgcg_tp *d, const struct dgcg_tp *s)
{
	*d = *s;
	d->raw_data = dup0(s->raw_data);
	d->signature = dup0(s->signature);
	d->kid = dup0(s->kid);
}

static void
tp_clear(struct dgcg_tp *r)
{
	free(r->raw_data);
	free(r->signature);
	free(r->kid);
}

static void
si_copy(struct dgcg_si *d, const struct dgcg_si *s)
{
	*d = *s;
	d->raw_data = dup0(s->raw_data);
	d->signature = dup0(s->signature);
	d->kid = dup0(s->kid);
	d->properties = dup0(s->properties);
}

static void
si_clear(struct dgcg_si *r)
{
	free(r->raw_data);
	free(r->signature);
	free(r->kid);
	free(r->properties);
}

static void
vr_copy(struct dgcg_vr *d, const struct dgcg_vr *s)
{
	*d = *s;
	d->rule_id = dup0(s->rule_id);
	d->version = dup0(s->version);
	d->signature = dup0(s->signature);
}

static void
vr_clear(struct dgcg_vr *r)
{
	free(r->rule_id);
	free(r->version);
	free(r->signature);
}

static void
rb_copy(struct dgcg_rb *d, const struct dgcg_rb *s)
{
	*d = *s;
	d->signed_batch = dup0(s->signed_batch);
}

static void
ti_copy(struct dgcg_issuer *d, const struct dgcg_issuer *s)
{
	*d = *s;
	d->name = dup0(s->name);
	d->url = dup0(s->url);
	d->url_type = dup0(s->url_type);
	d->signature = dup0(s->signature);
	d->thumbprint = dup0(s->thumbprint);
	d->ssl_public_key = dup0(s->ssl_public_key);
	d->key_storage_type = dup0(s->key_storage_type);
	d->uuid = dup0(s->uuid);
	d->domain = dup0(s->domain);
	d->source_gateway = dup0(s->source_gateway);
}

static void
ref_copy(struct dgcg_ref *d, const struct dgcg_ref *s)
{
	*d = *s;
	d->url = dup0(s->url);
	d->service = dup0(s->service);
	d->name = dup0(s->name);
	d->thumbprint = dup0(s->thumbprint);
	d->ssl_public_key = dup0(s->ssl_public_key);
	d->content_type = dup0(s->content_type);
	d->reference_version = dup0(s->reference_version);
	d->signature = dup0(s->signature);
}

static void
ref_clear(struct dgcg_ref *r)
{
	free(r->url);
	free(r->service);
	free(r->name);
	free(r->thumbprint);
	free(r->ssl_public_key);
	free(r->content_type);
	free(r->reference_version);
	free(r->signature);
}

static void
ti_clear(struct dgcg_issuer *r)
{
	free(r->name);
	free(r->url);
	free(r->url_type);
	free(r->signature);
	free(r->thumbprint);
	free(r->ssl_public_key);
	free(r->key_storage_type);
	free(r->uuid);
	free(r->domain);
	free(r->source_gateway);
}

static void
tables_free(struct tables *t)
{
	size_t i;

	for (i = 0; i < t->ntp; i++)
		tp_clear(&t->tp[i]);
	for (i = 0; i < t->nsi; i++)
		si_clear(&t->si[i]);
	for (i = 0; i < t->nvr; i++)
		vr_clear(&t->vr[i].r);
	for (i = 0; i < t->nrb; i++)
		free(t->rb[i].r.signed_batch);
	for (i = 0; i < t->nvs; i++) {
		free(t->vs[i].id);
		free(t->vs[i].json);
	}
	for (i = 0; i < t->nti; i++)
		ti_clear(&t->ti[i]);
	for (i = 0; i < t->nref; i++)
		ref_clear(&t->ref[i]);
	free(t->ref);
	free(t->tp);
	free(t->si);
	free(t->vr);
	free(t->rb);
	free(t->vs);
	free(t->ti);
	free(t->au);
	memset(t, 0, sizeof(*t));
}

/* A deep copy of s: the snapshot of a transaction. */
static void
tables_clone(struct tables *d, const struct tables *s)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	d->ver = s->ver;
	d->tp = xcalloc(s->ntp + 1, sizeof(*d->tp));
	for (i = 0; i < s->ntp; i++)
		tp_copy(&d->tp[i], &s->tp[i]);
	d->ntp = s->ntp;
	d->si = xcalloc(s->nsi + 1, sizeof(*d->si));
	for (i = 0; i < s->nsi; i++)
		si_copy(&d->si[i], &s->si[i]);
	d->nsi = s->nsi;
	d->vr = xcalloc(s->nvr + 1, sizeof(*d->vr));
	for (i = 0; i < s->nvr; i++) {
		d->vr[i] = s->vr[i];
		vr_copy(&d->vr[i].r, &s->vr[i].r);
	}
	d->nvr = s->nvr;
	d->rb = xcalloc(s->nrb + 1, sizeof(*d->rb));
	for (i = 0; i < s->nrb; i++) {
		d->rb[i] = s->rb[i];
		rb_copy(&d->rb[i].r, &s->rb[i].r);
	}
	d->nrb = s->nrb;
	d->vs = xcalloc(s->nvs + 1, sizeof(*d->vs));
	for (i = 0; i < s->nvs; i++) {
		d->vs[i].id = xstrdup(s->vs[i].id);
		d->vs[i].json = xstrdup(s->vs[i].json);
	}
	d->nvs = s->nvs;
	d->ti = xcalloc(s->nti + 1, sizeof(*d->ti));
	for (i = 0; i < s->nti; i++)
		ti_copy(&d->ti[i], &s->ti[i]);
	d->nti = s->nti;
	d->ref = xcalloc(s->nref + 1, sizeof(*d->ref));
	for (i = 0; i < s->nref; i++)
		ref_copy(&d->ref[i], &s->ref[i]);
	d->nref = s->nref;
	d->au = xcalloc(s->nau + 1, sizeof(*d->au));
	if (s->nau > 0)
		memcpy(d->au, s->au, s->nau * sizeof(*d->au));
	d->nau = s->nau;
}

/* Room for one more element of an array of n. */
#define GROW(arr, n) ((arr) = xrealloc((arr), ((n) + 1) * sizeof(*(arr))))

/* --- the engine -------------------------------------------------------------- */

enum dgcg_err
dgcg_db_new(const struct dgcg_conf *conf, int admin, struct dgcg_db **out)
{
	(void)conf;
	*out = xcalloc(1, sizeof(**out));
	(*out)->admin = admin;
	return DGCG_OK;
}

void
dgcg_db_free(struct dgcg_db *db)
{
	free(db);
}

enum dgcg_err
dgcg_db_connect(struct dgcg_db *db)
{
	(void)db;
	ENTER();
	return DGCG_OK;
}

const char *
dgcg_db_error(const struct dgcg_db *db)
{
	(void)db;
	return S.err;
}

int
dgcg_db_unavailable(const struct dgcg_db *db)
{
	(void)db;
	return S.down || S.lost;
}

/* A plain server: ready whenever it answers. */
enum dgcg_err
dgcg_db_node_ready(struct dgcg_db *db, int *ready, const char **why)
{
	(void)db;
	*ready = 0;
	*why = "the node's state could not be read";
	ENTER();
	*ready = 1;
	*why = NULL;
	return DGCG_OK;
}

void
dgcg_db_stats(const struct dgcg_db *db, struct dgcg_db_stats *st)
{
	(void)db;
	memset(st, 0, sizeof(*st));
}

int
dgcg_db_in_tx(const struct dgcg_db *db)
{
	(void)db;
	return S.in_tx;
}

enum dgcg_err
dgcg_db_tx(struct dgcg_db *db, dgcg_db_work_fn work, void *arg)
{
	struct tables snap;
	enum dgcg_err rc;

	ENTER();
	if (S.in_tx) {
		snprintf(S.err, sizeof(S.err), "dgcg_db_tx: nested transaction (fake_store)");
		fprintf(stderr, "fake_store: dgcg_db_tx called inside dgcg_db_tx\n");
		return DGCG_ERR_DB;
	}
	tables_clone(&snap, &S.t);
	S.in_tx = 1;
	S.tx_broken = 0;
	rc = work(db, arg);
	S.in_tx = 0;
	if (rc == DGCG_OK && S.tx_broken)
		rc = DGCG_ERR_DB;	/* the server rolled it back with the connection */
	if (rc == DGCG_OK)
		rc = enter("COMMIT");
	S.tx_broken = 0;
	if (rc != DGCG_OK) {
		tables_free(&S.t);
		S.t = snap;
	} else
		tables_free(&snap);
	return rc;
}

/* --- data_version -------------------------------------------------------------- */

static const char *const table_names[DGCG_T__MAX] = {
	[DGCG_T_TRUSTED_PARTY] = "trusted_party",
	[DGCG_T_TRUSTED_PARTY_ROLES] = "trusted_party_roles",
	[DGCG_T_SIGNER_INFORMATION] = "signer_information",
	[DGCG_T_VALIDATION_RULE] = "validation_rule",
	[DGCG_T_VALUESET] = "valueset",
	[DGCG_T_REVOCATION_BATCH] = "revocation_batch",
	[DGCG_T_TRUSTED_ISSUER] = "trusted_issuer",
	[DGCG_T_TRUSTED_REFERENCE] = "trusted_reference",
};

const char *
dgcg_table_name(enum dgcg_table t)
{
	return (unsigned)t < DGCG_T__MAX ? table_names[t] : NULL;
}

enum dgcg_err
dgcg_db_versions(struct dgcg_db *db, struct dgcg_versions *v)
{
	(void)db;
	memset(v, 0, sizeof(*v));
	ENTER();
	*v = S.t.ver;
	return DGCG_OK;
}

/* --- audit_event -------------------------------------------------------------- */

enum dgcg_err
dgcg_db_audit(struct dgcg_db *db, const struct dgcg_audit_event *ev)
{
	struct fake_audit *a;

	(void)db;
	ENTER();
	GROW(S.t.au, S.t.nau);
	a = &S.t.au[S.t.nau++];
	memset(a, 0, sizeof(*a));
	a->id = ++S.ai[AI_AU];
	a->timestamp = now();
	snprintf(a->country, sizeof(a->country), "%s", ev->country ? ev->country : "");
	snprintf(a->uploader, sizeof(a->uploader), "%s", ev->uploader ? ev->uploader : "");
	snprintf(a->auth, sizeof(a->auth), "%s", ev->auth ? ev->auth : "");
	snprintf(a->event, sizeof(a->event), "%s", ev->event ? ev->event : "");
	snprintf(a->description, sizeof(a->description), "%s",
	    ev->description ? ev->description : "");
	return DGCG_OK;
}

/* --- trusted_party ------------------------------------------------------------- */

void
dgcg_tp_list_free(struct dgcg_tp_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		tp_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
tp_out(struct dgcg_tp_list *out, const struct dgcg_tp *r)
{
	GROW(out->v, out->n);
	tp_copy(&out->v[out->n], r);
	if (out->v[out->n].type == DGCG_CT_DSC)
		out->v[out->n].type = DGCG_CT__MAX;
	if (!dgcg_group_is_party(out->v[out->n].group))
		out->v[out->n].group = DGCG_G__MAX;
	out->n++;
}

enum dgcg_err
dgcg_db_tp_select(struct dgcg_db *db, const char *thumbprint, const char *country,
    enum dgcg_group group, struct dgcg_tp_list *out)
{
	size_t i;

	(void)db;
	out->v = NULL;
	out->n = 0;
	ENTER();
	for (i = 0; i < S.t.ntp; i++) {
		const struct dgcg_tp *r = &S.t.tp[i];

		if ((thumbprint == NULL || ci_eq(r->thumbprint, thumbprint)) &&
		    (country == NULL || ci_eq(r->country, country)) &&
		    (group >= DGCG_G__MAX || r->group == group))
			tp_out(out, r);
	}
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_tp_peer_anchors(struct dgcg_db *db, const char *gateway_id, struct dgcg_tp_list *out)
{
	size_t i;

	(void)db;
	out->v = NULL;
	out->n = 0;
	ENTER();
	for (i = 0; i < S.t.ntp; i++)
		if (S.t.tp[i].group == DGCG_G_TRUSTANCHOR &&
		    strcmp(S.t.tp[i].assigned_gateway, gateway_id) == 0)
			tp_out(out, &S.t.tp[i]);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_tp_kid_count(struct dgcg_db *db, const char *kid, long long *n)
{
	size_t i;

	(void)db;
	*n = 0;
	ENTER();
	for (i = 0; i < S.t.ntp; i++)
		if (S.t.tp[i].kid != NULL && strcmp(S.t.tp[i].kid, kid) == 0)
			(*n)++;
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_tp_prefix_count(struct dgcg_db *db, const char *hexprefix, const char *thumbprint,
    long long *n)
{
	size_t i;

	(void)db;
	*n = 0;
	ENTER();
	for (i = 0; i < S.t.ntp; i++)
		if (S.t.tp[i].kid == NULL &&
		    strncasecmp(S.t.tp[i].thumbprint, hexprefix, strlen(hexprefix)) == 0 &&
		    !ci_eq(S.t.tp[i].thumbprint, thumbprint))
			(*n)++;
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_tp_select_since(struct dgcg_db *db, enum dgcg_cert_type type, const char *country,
    time_t since, struct dgcg_tp_list *out)
{
	size_t i;

	(void)db;
	out->v = NULL;
	out->n = 0;
	ENTER();
	for (i = 0; i < S.t.ntp; i++) {
		const struct dgcg_tp *r = &S.t.tp[i];

		if ((type >= DGCG_CT__MAX || r->type == type) &&
		    (country == NULL || ci_eq(r->country, country)) &&
		    (since < 0 || r->created_at >= since))
			tp_out(out, r);
	}
	return DGCG_OK;
}

static int
ci_ptr_cmp(const void *a, const void *b)
{
	return ci_cmp(*(char *const *)a, *(char *const *)b);
}

enum dgcg_err
dgcg_db_tp_countries(struct dgcg_db *db, char ***out, size_t *n)
{
	char **v;
	size_t i, k = 0, m;

	(void)db;
	*out = NULL;
	*n = 0;
	ENTER();
	v = xcalloc(S.t.ntp + 1, sizeof(*v));
	for (i = 0; i < S.t.ntp; i++)
		if (S.t.tp[i].source_gateway[0] == '\0')
			v[k++] = xstrdup(S.t.tp[i].country);
	qsort(v, k, sizeof(*v), ci_ptr_cmp);
	m = k;
	k = 0;
	for (i = 0; i < m; i++) {
		if (k > 0 && ci_eq(v[k - 1], v[i]))
			free(v[i]);
		else
			v[k++] = v[i];
	}
	*out = v;
	*n = k;
	return DGCG_OK;
}

/* --- signer_information -------------------------------------------------------- */

void
dgcg_si_list_free(struct dgcg_si_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		si_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
si_out(struct dgcg_si_list *out, const struct dgcg_si *r)
{
	GROW(out->v, out->n);
	si_copy(&out->v[out->n++], r);
}

static struct dgcg_si *
si_by_id(long long id)
{
	size_t i;

	for (i = 0; i < S.t.nsi; i++)
		if (S.t.si[i].id == id)
			return &S.t.si[i];
	return NULL;
}

enum dgcg_err
dgcg_db_si_find(struct dgcg_db *db, const char *thumbprint, struct dgcg_si_list *out)
{
	size_t i;

	(void)db;
	out->v = NULL;
	out->n = 0;
	ENTER();
	for (i = 0; i < S.t.nsi; i++)
		if (ci_eq(S.t.si[i].thumbprint, thumbprint))
			si_out(out, &S.t.si[i]);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_si_locked(struct dgcg_db *db, long long id, struct dgcg_si_list *out)
{
	const struct dgcg_si *r;

	(void)db;
	out->v = NULL;
	out->n = 0;
	ENTER();
	if ((r = si_by_id(id)) != NULL)
		si_out(out, r);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_si_prefix_count(struct dgcg_db *db, const char *hexprefix, const char *thumbprint,
    long long *n)
{
	size_t i;

	(void)db;
	*n = 0;
	ENTER();
	for (i = 0; i < S.t.nsi; i++)
		if (strncasecmp(S.t.si[i].thumbprint, hexprefix, strlen(hexprefix)) == 0 &&
		    !ci_eq(S.t.si[i].thumbprint, thumbprint))
			(*n)++;
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_si_kid_count(struct dgcg_db *db, const char *kid, const char *thumbprint, long long *n)
{
	size_t i;

	(void)db;
	*n = 0;
	ENTER();
	for (i = 0; i < S.t.nsi; i++)
		if (S.t.si[i].kid != NULL && strcmp(S.t.si[i].kid, kid) == 0 &&
		    !ci_eq(S.t.si[i].thumbprint, thumbprint))
			(*n)++;
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_si_insert_row(struct dgcg_db *db, const struct dgcg_si_new *n, long long *id)
{
	struct dgcg_si *r;
	size_t i;

	(void)db;
	ENTER();
	if (!dgcg_group_is_signer(n->group) || n->domain == NULL)
		return DGCG_ERR_INVAL;
	if (n->country == NULL || n->thumbprint == NULL || n->raw_data == NULL)
		return refuse(__func__, "Column cannot be null");
	if (strlen(n->country) > 2 || strlen(n->thumbprint) > DGCG_THUMB_HEX_LEN ||
	    strlen(n->domain) > DGCG_DOMAIN_MAX)
		return refuse(__func__, "Data too long for column");
	for (i = 0; i < S.t.nsi; i++) {
		if (ci_eq(S.t.si[i].thumbprint, n->thumbprint))
			return conflict(__func__, "UC_SIGNER_INFORMATION_THUMBPRINT");
		if (n->kid != NULL && S.t.si[i].kid != NULL && strcmp(S.t.si[i].kid, n->kid) == 0)
			return conflict(__func__, "UC_SIGNER_INFORMATION_KID");
	}
	GROW(S.t.si, S.t.nsi);
	r = &S.t.si[S.t.nsi++];
	memset(r, 0, sizeof(*r));
	r->id = ++S.ai[AI_SI];
	r->created_at = now();
	snprintf(r->country, sizeof(r->country), "%s", n->country);
	snprintf(r->thumbprint, sizeof(r->thumbprint), "%s", n->thumbprint);
	r->raw_data = xstrdup(n->raw_data);
	r->signature = dup0(n->signature);
	r->group = n->group;
	snprintf(r->domain, sizeof(r->domain), "%s", n->domain);
	if (dgcg_uuid_new(r->uuid) != DGCG_OK)
		r->uuid[0] = '\0';
	r->version = 1;
	r->kid = dup0(n->kid);
	r->properties = dup0(n->properties);
	bump(DGCG_T_SIGNER_INFORMATION);
	if (id != NULL)
		*id = r->id;
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_si_remove(struct dgcg_db *db, long long id)
{
	size_t i;

	(void)db;
	ENTER();
	for (i = 0; i < S.t.nsi; i++)
		if (S.t.si[i].id == id) {
			si_clear(&S.t.si[i]);
			memmove(&S.t.si[i], &S.t.si[i + 1], (S.t.nsi - i - 1) * sizeof(S.t.si[0]));
			S.t.nsi--;
			bump(DGCG_T_SIGNER_INFORMATION);
			return DGCG_OK;
		}
	return DGCG_ERR_NOTFOUND;
}

enum dgcg_err
dgcg_db_si_mark_deleted(struct dgcg_db *db, long long id)
{
	struct dgcg_si *r;

	(void)db;
	ENTER();
	if ((r = si_by_id(id)) == NULL)
		return DGCG_ERR_NOTFOUND;
	r->deleted_at = now();
	free(r->signature);
	r->signature = NULL;
	bump(DGCG_T_SIGNER_INFORMATION);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_si_set_signature(struct dgcg_db *db, long long id, const char *sig)
{
	struct dgcg_si *r;

	(void)db;
	ENTER();
	if ((r = si_by_id(id)) == NULL || r->deleted_at != 0 || r->signature == NULL)
		return DGCG_ERR_NOTFOUND;
	free(r->signature);
	r->signature = dup0(sig);
	bump(DGCG_T_SIGNER_INFORMATION);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_si_select(struct dgcg_db *db, const char *country, time_t since,
    struct dgcg_si_list *out)
{
	size_t i;

	(void)db;
	out->v = NULL;
	out->n = 0;
	ENTER();
	if (since < 0) {
		for (i = 0; i < S.t.nsi; i++)
			if (S.t.si[i].deleted_at == 0 &&
			    (country == NULL || ci_eq(S.t.si[i].country, country)))
				si_out(out, &S.t.si[i]);
		return DGCG_OK;
	}
	/* The two branches of the UNION ALL, in their order. */
	for (i = 0; i < S.t.nsi; i++)
		if (S.t.si[i].created_at >= since &&
		    (country == NULL || ci_eq(S.t.si[i].country, country)))
			si_out(out, &S.t.si[i]);
	for (i = 0; i < S.t.nsi; i++)
		if (S.t.si[i].deleted_at != 0 && S.t.si[i].deleted_at >= since &&
		    S.t.si[i].created_at < since &&
		    (country == NULL || ci_eq(S.t.si[i].country, country)))
			si_out(out, &S.t.si[i]);
	return DGCG_OK;
}

/* --- validation_rule ------------------------------------------------------------ */

void
dgcg_vr_list_free(struct dgcg_vr_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		vr_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
vr_out(struct dgcg_vr_list *out, const struct dgcg_vr *r)
{
	GROW(out->v, out->n);
	vr_copy(&out->v[out->n++], r);
}

static struct fake_vr *
vr_by_id(long long id)
{
	size_t i;

	for (i = 0; i < S.t.nvr; i++)
		if (S.t.vr[i].r.id == id)
			return &S.t.vr[i];
	return NULL;
}

enum dgcg_err
dgcg_db_vr_latest(struct dgcg_db *db, const char *rule_id, struct dgcg_vr_list *out)
{
	const struct dgcg_vr *best = NULL;
	size_t i;

	(void)db;
	out->v = NULL;
	out->n = 0;
	ENTER();
	for (i = 0; i < S.t.nvr; i++)
		if (ci_eq(S.t.vr[i].r.rule_id, rule_id) && (best == NULL || S.t.vr[i].r.id > best->id))
			best = &S.t.vr[i].r;
	if (best != NULL)
		vr_out(out, best);
	return DGCG_OK;
}

static enum dgcg_err
vr_add(const char *fn, const char *rule_id, const char *signature, const char *from,
    const char *to, const char *version, const char *country, const char *type, long long *id)
{
	struct fake_vr *r;
	time_t t;
	size_t i;

	if (rule_id == NULL || signature == NULL || from == NULL || to == NULL ||
	    version == NULL || country == NULL || type == NULL)
		return refuse(fn, "Column cannot be null");
	if (strlen(rule_id) > 100 || strlen(version) > 30 || strlen(country) > 2 ||
	    strlen(type) >= sizeof(r->type))
		return refuse(fn, "Data too long for column");
	if (dgcg_time_parse_sql(from, &t) != DGCG_OK || dgcg_time_parse_sql(to, &t) != DGCG_OK)
		return refuse(fn, "Incorrect datetime value");
	for (i = 0; i < S.t.nvr; i++)
		if (ci_eq(S.t.vr[i].r.rule_id, rule_id) && ci_eq(S.t.vr[i].r.version, version))
			return conflict(fn, "uc_16f88905e309ddbd1fb7b128d");
	GROW(S.t.vr, S.t.nvr);
	r = &S.t.vr[S.t.nvr++];
	memset(r, 0, sizeof(*r));
	r->r.id = ++S.ai[AI_VR];
	r->r.rule_id = xstrdup(rule_id);
	r->r.version = xstrdup(version);
	r->r.signature = xstrdup(signature);
	snprintf(r->r.valid_from, sizeof(r->r.valid_from), "%s", from);
	snprintf(r->r.valid_to, sizeof(r->r.valid_to), "%s", to);
	snprintf(r->r.country, sizeof(r->r.country), "%s", country);
	snprintf(r->type, sizeof(r->type), "%s", type);
	r->created_at = now();
	bump(DGCG_T_VALIDATION_RULE);
	if (id != NULL)
		*id = r->r.id;
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_vr_insert(struct dgcg_db *db, const char *rule_id, const char *signature,
    const char *from, const char *to, const char *version, const char *country,
    const char *type)
{
	(void)db;
	ENTER();
	return vr_add(__func__, rule_id, signature, from, to, version, country, type, NULL);
}

enum dgcg_err
dgcg_db_vr_delete(struct dgcg_db *db, const char *rule_id, unsigned long long *n)
{
	size_t i = 0;

	(void)db;
	*n = 0;
	ENTER();
	while (i < S.t.nvr) {
		/* BINARY: byte for byte */
		if (strcmp(S.t.vr[i].r.rule_id, rule_id) == 0) {
			vr_clear(&S.t.vr[i].r);
			memmove(&S.t.vr[i], &S.t.vr[i + 1], (S.t.nvr - i - 1) * sizeof(S.t.vr[0]));
			S.t.nvr--;
			(*n)++;
			bump(DGCG_T_VALIDATION_RULE);
		} else
			i++;
	}
	return DGCG_OK;
}

static int
vr_rule_cmp(const void *a, const void *b)
{
	const struct dgcg_vr *x = *(const struct dgcg_vr *const *)a;
	const struct dgcg_vr *y = *(const struct dgcg_vr *const *)b;
	int c = ci_cmp(x->rule_id, y->rule_id);

	if (c != 0)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

enum dgcg_err
dgcg_db_vr_of_country(struct dgcg_db *db, const char *country, int by_rule,
    struct dgcg_vr_list *out)
{
	const struct dgcg_vr **sel;
	size_t i, k = 0;

	(void)db;
	out->v = NULL;
	out->n = 0;
	ENTER();
	sel = xcalloc(S.t.nvr + 1, sizeof(*sel));
	for (i = 0; i < S.t.nvr; i++)
		if (ci_eq(S.t.vr[i].r.country, country))
			sel[k++] = &S.t.vr[i].r;
	if (by_rule && k > 1)
		qsort(sel, k, sizeof(*sel), vr_rule_cmp);
	for (i = 0; i < k; i++)
		vr_out(out, sel[i]);
	free(sel);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_vr_locked(struct dgcg_db *db, long long id, struct dgcg_vr_list *out)
{
	const struct fake_vr *r;

	(void)db;
	out->v = NULL;
	out->n = 0;
	ENTER();
	if ((r = vr_by_id(id)) != NULL)
		vr_out(out, &r->r);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_vr_set_cms(struct dgcg_db *db, long long id, const char *cms)
{
	struct fake_vr *r;

	(void)db;
	ENTER();
	if ((r = vr_by_id(id)) == NULL)
		return DGCG_ERR_NOTFOUND;
	if (cms == NULL)
		return refuse(__func__, "Column cannot be null");
	free(r->r.signature);
	r->r.signature = xstrdup(cms);
	bump(DGCG_T_VALIDATION_RULE);
	return DGCG_OK;
}

/* --- revocation_batch ---------------------------------------------------------- */

void
dgcg_rb_list_free(struct dgcg_rb_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i].signed_batch);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* A row as the SELECTs return it: changed as text (at most horizon when
 * horizon is not NULL: LEAST(changed, ?)), signed_batch when with_cms. */
static void
rb_out(struct dgcg_rb_list *out, const struct fake_rb *r, const time_t *horizon, int with_cms)
{
	struct dgcg_rb *o;
	time_t ch = r->changed_at;

	if (horizon != NULL && *horizon < ch)
		ch = *horizon;
	GROW(out->v, out->n);
	o = &out->v[out->n++];
	*o = r->r;
	dgcg_time_format(ch, o->changed);
	o->signed_batch = with_cms ? dup0(r->r.signed_batch) : NULL;
}

static struct fake_rb *
rb_by_batch(const char *batch_id)
{
	size_t i;

	for (i = 0; i < S.t.nrb; i++)
		if (ci_eq(S.t.rb[i].r.batch_id, batch_id))
			return &S.t.rb[i];
	return NULL;
}

static struct fake_rb *
rb_by_id(long long id)
{
	size_t i;

	for (i = 0; i < S.t.nrb; i++)
		if (S.t.rb[i].r.id == id)
			return &S.t.rb[i];
	return NULL;
}

enum dgcg_err
dgcg_db_rb_insert(struct dgcg_db *db, const char *batch_id, const char *country,
    const char *expires, const char *type, const char *kid, const char *signed_batch,
    long long *id)
{
	struct fake_rb *r;
	time_t exp;

	(void)db;
	ENTER();
	if (batch_id == NULL || country == NULL || expires == NULL || type == NULL)
		return refuse(__func__, "Column cannot be null");
	if (strlen(batch_id) > 36 || strlen(country) > 2 || (kid != NULL && strlen(kid) > 12) ||
	    strlen(type) >= sizeof(r->type))
		return refuse(__func__, "Data too long for column");
	if (dgcg_time_parse_sql(expires, &exp) != DGCG_OK)
		return refuse(__func__, "Incorrect datetime value");
	if (rb_by_batch(batch_id) != NULL)
		return conflict(__func__, "uc_revocation_batch_batchid");
	GROW(S.t.rb, S.t.nrb);
	r = &S.t.rb[S.t.nrb++];
	memset(r, 0, sizeof(*r));
	r->r.id = ++S.ai[AI_RB];
	snprintf(r->r.batch_id, sizeof(r->r.batch_id), "%s", batch_id);
	snprintf(r->r.country, sizeof(r->r.country), "%s", country);
	r->r.signed_batch = dup0(signed_batch);
	r->changed_at = now();
	dgcg_time_format(r->changed_at, r->r.changed);
	r->expires = exp;
	snprintf(r->type, sizeof(r->type), "%s", type);
	if (kid != NULL) {
		snprintf(r->kid, sizeof(r->kid), "%s", kid);
		r->has_kid = 1;
	}
	bump(DGCG_T_REVOCATION_BATCH);
	if (id != NULL)
		*id = r->r.id;
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_rb_find(struct dgcg_db *db, const char *batch_id, int for_update,
    struct dgcg_rb_list *out)
{
	const struct fake_rb *r;

	(void)db;
	(void)for_update;
	out->v = NULL;
	out->n = 0;
	ENTER();
	if ((r = rb_by_batch(batch_id)) != NULL)
		rb_out(out, r, NULL, 1);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_rb_find_id_locked(struct dgcg_db *db, long long id, struct dgcg_rb_list *out)
{
	const struct fake_rb *r;

	(void)db;
	out->v = NULL;
	out->n = 0;
	ENTER();
	if ((r = rb_by_id(id)) != NULL)
		rb_out(out, r, NULL, 1);
	return DGCG_OK;
}

static void
rb_tombstone(struct fake_rb *r)
{
	r->r.deleted = 1;
	free(r->r.signed_batch);
	r->r.signed_batch = NULL;
	r->changed_at = now();
	dgcg_time_format(r->changed_at, r->r.changed);
	bump(DGCG_T_REVOCATION_BATCH);
}

enum dgcg_err
dgcg_db_rb_mark_deleted(struct dgcg_db *db, const char *batch_id)
{
	struct fake_rb *r;

	(void)db;
	ENTER();
	if ((r = rb_by_batch(batch_id)) == NULL || r->r.deleted)
		return DGCG_ERR_NOTFOUND;
	rb_tombstone(r);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_rb_horizon(struct dgcg_db *db, char out[20])
{
	(void)db;
	out[0] = '\0';
	ENTER();
	if (!dgcg_time_format_sql(now() - 1, out))
		return refuse(__func__, "clock outside DATETIME");
	return DGCG_OK;
}

static int
rb_order(const void *a, const void *b)
{
	const struct fake_rb *x = *(const struct fake_rb *const *)a;
	const struct fake_rb *y = *(const struct fake_rb *const *)b;

	if (x->changed_at != y->changed_at)
		return x->changed_at < y->changed_at ? -1 : 1;
	return x->r.id < y->r.id ? -1 : x->r.id > y->r.id;
}

/* The list queries: changed > since [and from <= changed <= to], ordered by
 * changed then id, at most limit rows (0: no limit). */
static enum dgcg_err
rb_list(const char *fn, const char *horizon, const char *since, const char *from,
    const char *to, size_t limit, struct dgcg_rb_list *out)
{
	const struct fake_rb **sel;
	time_t h, s, f = 0, t = 0;
	size_t i, k = 0;

	if (dgcg_time_parse_sql(horizon, &h) != DGCG_OK ||
	    dgcg_time_parse_sql(since, &s) != DGCG_OK ||
	    (from != NULL && dgcg_time_parse_sql(from, &f) != DGCG_OK) ||
	    (to != NULL && dgcg_time_parse_sql(to, &t) != DGCG_OK))
		return refuse(fn, "Incorrect datetime value");
	sel = xcalloc(S.t.nrb + 1, sizeof(*sel));
	for (i = 0; i < S.t.nrb; i++) {
		const struct fake_rb *r = &S.t.rb[i];

		if (r->changed_at > s && (from == NULL || r->changed_at >= f) &&
		    (to == NULL || r->changed_at <= t))
			sel[k++] = r;
	}
	if (k > 1)
		qsort(sel, k, sizeof(*sel), rb_order);
	for (i = 0; i < k && (limit == 0 || i < limit); i++)
		rb_out(out, sel[i], &h, 0);
	free(sel);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_rb_since(struct dgcg_db *db, const char *horizon, const char *since,
    struct dgcg_rb_list *out)
{
	(void)db;
	out->v = NULL;
	out->n = 0;
	ENTER();
	return rb_list(__func__, horizon, since, NULL, NULL, 1001, out);
}

enum dgcg_err
dgcg_db_rb_between(struct dgcg_db *db, const char *horizon, const char *since,
    const char *from, const char *to, struct dgcg_rb_list *out)
{
	(void)db;
	out->v = NULL;
	out->n = 0;
	ENTER();
	return rb_list(__func__, horizon, since, from, to, 0, out);
}

enum dgcg_err
dgcg_db_rb_any_after(struct dgcg_db *db, const char *horizon, const char *after, int *any)
{
	struct dgcg_rb_list l = { NULL, 0 };
	enum dgcg_err rc;

	(void)db;
	*any = 0;
	ENTER();
	if ((rc = rb_list(__func__, horizon, after, NULL, NULL, 1, &l)) == DGCG_OK)
		*any = l.n > 0;
	dgcg_rb_list_free(&l);
	return rc;
}

enum dgcg_err
dgcg_db_rb_of_country(struct dgcg_db *db, const char *country, struct dgcg_rb_list *out)
{
	size_t i;

	(void)db;
	out->v = NULL;
	out->n = 0;
	ENTER();
	for (i = 0; i < S.t.nrb; i++)
		if (!S.t.rb[i].r.deleted && ci_eq(S.t.rb[i].r.country, country))
			rb_out(out, &S.t.rb[i], NULL, 1);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_rb_set_cms(struct dgcg_db *db, long long id, const char *cms)
{
	struct fake_rb *r;

	(void)db;
	ENTER();
	if ((r = rb_by_id(id)) == NULL || r->r.deleted)
		return DGCG_ERR_NOTFOUND;
	free(r->r.signed_batch);
	r->r.signed_batch = dup0(cms);
	r->changed_at = now();
	dgcg_time_format(r->changed_at, r->r.changed);
	bump(DGCG_T_REVOCATION_BATCH);
	return DGCG_OK;
}

/* --- valueset ------------------------------------------------------------------- */

enum dgcg_err
dgcg_db_vs_ids(struct dgcg_db *db, char ***ids, size_t *n)
{
	char **v;
	size_t i;

	(void)db;
	*ids = NULL;
	*n = 0;
	ENTER();
	v = xcalloc(S.t.nvs + 1, sizeof(*v));
	for (i = 0; i < S.t.nvs; i++)
		v[i] = xstrdup(S.t.vs[i].id);
	qsort(v, S.t.nvs, sizeof(*v), ci_ptr_cmp);
	*ids = v;
	*n = S.t.nvs;
	return DGCG_OK;
}

static struct fake_vs *
vs_by_id(const char *id)
{
	size_t i;

	for (i = 0; i < S.t.nvs; i++)
		if (ci_eq(S.t.vs[i].id, id))
			return &S.t.vs[i];
	return NULL;
}

enum dgcg_err
dgcg_db_vs_get(struct dgcg_db *db, const char *id, char **json, size_t *len)
{
	const struct fake_vs *v;

	(void)db;
	*json = NULL;
	*len = 0;
	ENTER();
	if ((v = vs_by_id(id)) == NULL)
		return DGCG_ERR_NOTFOUND;
	*json = xstrdup(v->json);
	*len = strlen(v->json);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_vs_put(struct dgcg_db *db, const char *id, const char *json)
{
	struct fake_vs *v;

	(void)db;
	ENTER();
	if (id == NULL || json == NULL)
		return refuse(__func__, "Column cannot be null");
	if (strlen(id) > 100)
		return refuse(__func__, "Data too long for column");
	if ((v = vs_by_id(id)) == NULL) {
		GROW(S.t.vs, S.t.nvs);
		v = &S.t.vs[S.t.nvs++];
		v->id = NULL;
		v->json = NULL;
	}
	free(v->id);
	free(v->json);
	v->id = xstrdup(id);
	v->json = xstrdup(json);
	bump(DGCG_T_VALUESET);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_vs_delete(struct dgcg_db *db, const char *id)
{
	size_t i;

	(void)db;
	ENTER();
	for (i = 0; i < S.t.nvs; i++)
		if (ci_eq(S.t.vs[i].id, id)) {
			free(S.t.vs[i].id);
			free(S.t.vs[i].json);
			memmove(&S.t.vs[i], &S.t.vs[i + 1], (S.t.nvs - i - 1) * sizeof(S.t.vs[0]));
			S.t.nvs--;
			bump(DGCG_T_VALUESET);
			return DGCG_OK;
		}
	return DGCG_ERR_NOTFOUND;
}

/* --- trusted_issuer ------------------------------------------------------------- */

void
dgcg_issuer_list_free(struct dgcg_issuer_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		ti_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

enum dgcg_err
dgcg_db_issuers_select(struct dgcg_db *db, struct dgcg_issuer_list *out)
{
	size_t i;

	(void)db;
	out->v = NULL;
	out->n = 0;
	ENTER();
	out->v = xcalloc(S.t.nti + 1, sizeof(*out->v));
	for (i = 0; i < S.t.nti; i++)
		ti_copy(&out->v[i], &S.t.ti[i]);
	out->n = S.t.nti;
	return DGCG_OK;
}

/* --- trusted_reference ---------------------------------------------------------- */

void
dgcg_ref_list_free(struct dgcg_ref_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		ref_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
ref_out(struct dgcg_ref_list *out, const struct dgcg_ref *r)
{
	GROW(out->v, out->n);
	ref_copy(&out->v[out->n++], r);
}

static struct dgcg_ref *
ref_live(long long id)
{
	size_t i;

	for (i = 0; i < S.t.nref; i++)
		if (S.t.ref[i].id == id && S.t.ref[i].deleted_at == 0)
			return &S.t.ref[i];
	return NULL;
}

enum dgcg_err
dgcg_db_ref_select(struct dgcg_db *db, time_t since, struct dgcg_ref_list *out)
{
	size_t i;

	(void)db;
	out->v = NULL;
	out->n = 0;
	ENTER();
	for (i = 0; i < S.t.nref; i++) {
		const struct dgcg_ref *r = &S.t.ref[i];

		if (since < 0 ? r->deleted_at == 0 :
		    r->created_at >= since || (r->changed_at != 0 && r->changed_at >= since))
			ref_out(out, r);
	}
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_ref_find(struct dgcg_db *db, const char *uuid, int lock, struct dgcg_ref_list *out)
{
	size_t i;

	(void)db;
	(void)lock;
	out->v = NULL;
	out->n = 0;
	ENTER();
	for (i = 0; i < S.t.nref; i++)
		if (ci_eq(S.t.ref[i].uuid, uuid))
			ref_out(out, &S.t.ref[i]);
	return DGCG_OK;
}

/* The fields an upload sets (insert and update alike). */
static void
ref_set(struct dgcg_ref *d, const struct dgcg_ref *s)
{
	struct dgcg_ref n;

	ref_copy(&n, s);
	ref_clear(d);
	snprintf(d->domain, sizeof(d->domain), "%s", n.domain);
	d->url = n.url;
	d->service = n.service;
	d->name = n.name;
	d->thumbprint = n.thumbprint;
	d->ssl_public_key = n.ssl_public_key;
	d->content_type = n.content_type;
	d->reference_version = n.reference_version;
	d->signature = n.signature;
	memcpy(d->reference_type, n.reference_type, sizeof(d->reference_type));
	memcpy(d->signature_type, n.signature_type, sizeof(d->signature_type));
}

enum dgcg_err
dgcg_db_ref_insert(struct dgcg_db *db, const struct dgcg_ref *n, long long *id)
{
	struct dgcg_ref *r;
	size_t i;

	(void)db;
	ENTER();
	for (i = 0; i < S.t.nref; i++)
		if (ci_eq(S.t.ref[i].uuid, n->uuid))
			return conflict(__func__, "UC_TRUSTED_REFERENCE_UUID");
	GROW(S.t.ref, S.t.nref);
	r = &S.t.ref[S.t.nref++];
	memset(r, 0, sizeof(*r));
	ref_set(r, n);
	r->id = ++S.ai[AI_REF];
	r->created_at = now();
	r->version = 1;
	snprintf(r->uuid, sizeof(r->uuid), "%s", n->uuid);
	snprintf(r->country, sizeof(r->country), "%s", n->country);
	bump(DGCG_T_TRUSTED_REFERENCE);
	if (id != NULL)
		*id = r->id;
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_ref_update(struct dgcg_db *db, long long id, const struct dgcg_ref *n)
{
	struct dgcg_ref *r;

	(void)db;
	ENTER();
	if ((r = ref_live(id)) == NULL)
		return DGCG_ERR_NOTFOUND;
	ref_set(r, n);
	r->version++;
	r->changed_at = now();
	bump(DGCG_T_TRUSTED_REFERENCE);
	return DGCG_OK;
}

enum dgcg_err
dgcg_db_ref_mark_deleted(struct dgcg_db *db, long long id)
{
	struct dgcg_ref *r;

	(void)db;
	ENTER();
	if ((r = ref_live(id)) == NULL)
		return DGCG_ERR_NOTFOUND;
	r->deleted_at = r->changed_at = now();
	free(r->signature);
	r->signature = NULL;
	r->version++;
	bump(DGCG_T_TRUSTED_REFERENCE);
	return DGCG_OK;
}

/* --- the test's side ------------------------------------------------------------ */

void
fake_store_reset(void)
{
	tables_free(&S.t);
	free(S.rule_fn);
	memset(&S, 0, sizeof(S));
}

void
fake_store_set_clock(time_t t)
{
	S.clock = t;
}

time_t
fake_store_now(void)
{
	return now();
}

void
fake_store_fail(const char *fn, unsigned skip, unsigned n, int lost)
{
	free(S.rule_fn);
	S.rule_fn = dup0(fn);
	S.rule_skip = skip;
	S.rule_n = n;
	S.rule_lost = lost;
	S.rule = 1;
}

void
fake_store_set_down(int down)
{
	S.down = down;
	if (!down)
		S.lost = 0;
}

unsigned
fake_store_failures(void)
{
	return S.failures;
}

unsigned
fake_store_calls(const char *fn)
{
	size_t i;

	if (fn == NULL)
		return S.total;
	for (i = 0; i < S.ncalls; i++)
		if (strcmp(S.calls[i].name, fn) == 0)
			return S.calls[i].n;
	return 0;
}

long long
fake_store_tp_add(const char *country, const char *thumbprint, const char *raw_data,
    const char *signature, enum dgcg_cert_type type, time_t created_at)
{
	struct dgcg_tp *r;

	GROW(S.t.tp, S.t.ntp);
	r = &S.t.tp[S.t.ntp++];
	memset(r, 0, sizeof(*r));
	r->id = ++S.ai[AI_TP];
	r->created_at = created_at;
	snprintf(r->country, sizeof(r->country), "%s", country != NULL ? country : "");
	snprintf(r->thumbprint, sizeof(r->thumbprint), "%s", thumbprint != NULL ? thumbprint : "");
	r->raw_data = xstrdup(raw_data != NULL ? raw_data : "");
	r->signature = xstrdup(signature != NULL ? signature : "");
	r->type = type;
	r->group = type == DGCG_CT_AUTHENTICATION ? DGCG_G_AUTHENTICATION :
	    type == DGCG_CT_UPLOAD ? DGCG_G_UPLOAD : type == DGCG_CT_CSCA ? DGCG_G_CSCA :
	    type == DGCG_CT_DSC ? DGCG_G_DSC : DGCG_G__MAX;
	snprintf(r->domain, sizeof(r->domain), "%s", DGCG_DOMAIN_DCC);
	r->version = 1;
	bump(DGCG_T_TRUSTED_PARTY);
	return r->id;
}

long long
fake_store_si_add(const char *country, const char *thumbprint, const char *raw_data,
    const char *signature, time_t created_at, time_t deleted_at)
{
	struct dgcg_si *r;

	GROW(S.t.si, S.t.nsi);
	r = &S.t.si[S.t.nsi++];
	memset(r, 0, sizeof(*r));
	r->id = ++S.ai[AI_SI];
	r->created_at = created_at;
	r->deleted_at = deleted_at;
	snprintf(r->country, sizeof(r->country), "%s", country != NULL ? country : "");
	snprintf(r->thumbprint, sizeof(r->thumbprint), "%s", thumbprint != NULL ? thumbprint : "");
	r->raw_data = xstrdup(raw_data != NULL ? raw_data : "");
	r->signature = dup0(signature);
	r->group = DGCG_G_DSC;
	snprintf(r->domain, sizeof(r->domain), "%s", DGCG_DOMAIN_DCC);
	r->version = 1;
	bump(DGCG_T_SIGNER_INFORMATION);
	return r->id;
}

long long
fake_store_vr_add(const char *rule_id, const char *version, const char *from, const char *to,
    const char *signature, const char *country, const char *type)
{
	long long id = 0;

	if (vr_add(__func__, rule_id, signature, from, to, version, country, type, &id) !=
	    DGCG_OK) {
		fprintf(stderr, "fake_store_vr_add: %s\n", S.err);
		abort();
	}
	return id;
}

long long
fake_store_issuer_add(const struct dgcg_issuer *is)
{
	struct dgcg_issuer *r;

	GROW(S.t.ti, S.t.nti);
	r = &S.t.ti[S.t.nti++];
	ti_copy(r, is);
	r->id = ++S.ai[AI_TI];
	dgcg_time_format(now(), r->created);
	if (r->domain == NULL)
		r->domain = xstrdup("DCC");
	bump(DGCG_T_TRUSTED_ISSUER);
	return r->id;
}

void
fake_store_bump(enum dgcg_table t)
{
	if ((unsigned)t < DGCG_T__MAX)
		bump(t);
}

long long
fake_store_version(enum dgcg_table t)
{
	return (unsigned)t < DGCG_T__MAX ? S.t.ver.v[t] : 0;
}

const struct dgcg_tp *
fake_store_tp_rows(size_t *n)
{
	*n = S.t.ntp;
	return S.t.tp;
}

const struct dgcg_si *
fake_store_si_rows(size_t *n)
{
	*n = S.t.nsi;
	return S.t.si;
}

const struct fake_vr *
fake_store_vr_rows(size_t *n)
{
	*n = S.t.nvr;
	return S.t.vr;
}

const struct fake_rb *
fake_store_rb_rows(size_t *n)
{
	*n = S.t.nrb;
	return S.t.rb;
}

const struct fake_audit *
fake_store_audit_rows(size_t *n)
{
	*n = S.t.nau;
	return S.t.au;
}

size_t
fake_store_audit_count(void)
{
	return S.t.nau;
}

const struct fake_audit *
fake_store_audit_last(void)
{
	return S.t.nau > 0 ? &S.t.au[S.t.nau - 1] : NULL;
}
