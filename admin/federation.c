/* federation.c: dgcg-admin federation: peer gateways (federation_gateway,
 * tng-gateway.md 10) and the download from them.
 *
 *   federation string --id GW --endpoint URL --kid KID [--public-key KEY]
 *       [--downloader v1|v2|NAME] [--target T] [--mode M]
 *       prints TNG's signed string, for dgcg-admin ta-sign --string on the
 *       trust anchor's host
 *   federation add (the same) --interval SECONDS --signature BASE64|@FILE
 *       refuses a signature that is not the trust anchor's over it
 *   federation list
 *       every record with its verdict and last status
 *   federation remove --id GW
 *       the record, its rows and the rows assigned to it, in one
 *       transaction with its audit event
 *   federation run [--id GW] [--accept-shrink]
 *       every due peer (or GW now): its record checked, its lists fetched
 *       and judged by dgcg-sync's engine (sync/engine.h) against its
 *       TRUSTANCHOR rows, over TLS verified against its
 *       AUTHENTICATION_FEDERATION rows (v2: its trusted issuers too,
 *       verified against the same anchors), and its rows replaced in one
 *       transaction with the audit event; on any failure the stored rows
 *       stay and the record's status says why.
 *
 * The peer's trust anchors and TLS certificates are onboarded with
 * dgcg-admin onboard --type TRUSTANCHOR|AUTHENTICATION_FEDERATION
 * --assigned-gateway GW (signed by the local trust anchor, checked at
 * every use, unlike TNG: tng-gateway.md 13 #12). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "base/json.h"
#include "base/timefmt.h"
#include "base/uuid.h"
#include "base/xmalloc.h"
#include "domain/federation.h"
#include "domain/issuers.h"
#include "store/audit_event.h"
#include "store/federation_gateway.h"
#include "store/shedlock.h"
#include "sync/conf.h"
#include "sync/engine.h"
#include "sync/http.h"

#define FED_LOCK	"federation_download"	/* TNG's ShedLock name */
#define FED_LOCK_SECS	1800

struct fields {
	const char	*id, *endpoint, *kid, *pubkey, *downloader, *target, *mode, *sig;
	long		 interval;
	int		 has_interval, accept_shrink;
};

static void
parse(int argc, char *argv[], struct fields *f)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "endpoint", required_argument, NULL, 'e' },
		{ "kid", required_argument, NULL, 'k' },
		{ "public-key", required_argument, NULL, 'p' },
		{ "downloader", required_argument, NULL, 'd' },
		{ "target", required_argument, NULL, 't' },
		{ "mode", required_argument, NULL, 'm' },
		{ "signature", required_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'I' },
		{ "accept-shrink", no_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(f, 0, sizeof(*f));
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'i': f->id = optarg; break;
		case 'e': f->endpoint = optarg; break;
		case 'k': f->kid = optarg; break;
		case 'p': f->pubkey = optarg; break;
		case 'd': f->downloader = optarg; break;
		case 't': f->target = optarg; break;
		case 'm': f->mode = optarg; break;
		case 's': f->sig = optarg; break;
		case 'A': f->accept_shrink = 1; break;
		case 'I':
			if (admin_number_arg("--interval", optarg, 60, 366L * 86400, &f->interval) != 0)
				exit(EX_USAGE);
			f->has_interval = 1;
			break;
		default:
			admin_usage();
		}
	}
	if (optind != argc)
		admin_usage();
}

/* A gateway id: 1-36 characters of A-Z a-z 0-9 . _ - (the column's size). */
static int
id_ok(const char *id)
{
	size_t n;

	for (n = 0; id[n] != '\0'; n++)
		if (!((id[n] >= 'A' && id[n] <= 'Z') || (id[n] >= 'a' && id[n] <= 'z') ||
		    (id[n] >= '0' && id[n] <= '9') || strchr("._-", id[n]) != NULL))
			return 0;
	return n >= 1 && n <= 36;
}

static int
check_id(const char *id)
{
	if (id == NULL)
		admin_usage();
	if (!id_ok(id)) {
		fprintf(stderr, "dgcg-admin: --id must be 1-36 characters of A-Z a-z 0-9 . _ -\n");
		return EX_USAGE;
	}
	return 0;
}

/* The signed fields into g (borrowed strings); 0 or EX_USAGE. */
static int
record_of(const struct fields *f, struct dgcg_fg *g)
{
	int rc;

	memset(g, 0, sizeof(*g));
	if (f->id == NULL || f->endpoint == NULL || f->kid == NULL)
		admin_usage();
	if ((rc = check_id(f->id)) != 0)
		return rc;
	if (strncmp(f->endpoint, "https://", 8) != 0 || strlen(f->endpoint) <= 8 ||
	    strlen(f->endpoint) > 200) {
		fprintf(stderr, "dgcg-admin: --endpoint must be an https:// URL of at most 200 "
		    "characters\n");
		return EX_USAGE;
	}
	if (!dgcg_fed_kid_ok(f->kid)) {
		fprintf(stderr, "dgcg-admin: --kid must be 1-50 characters of A-Z a-z 0-9 . _ - + = "
		    "not starting with '.' (it names KID.pem and KID.key in federation_key_dir)\n");
		return EX_USAGE;
	}
	if (f->pubkey != NULL && strlen(f->pubkey) > 200) {
		fprintf(stderr, "dgcg-admin: --public-key: at most 200 characters\n");
		return EX_USAGE;
	}
	g->downloader = (char *)(uintptr_t)DGCG_FED_DL_V1;
	if (f->downloader != NULL) {
		if (strcmp(f->downloader, "v1") == 0)
			g->downloader = (char *)(uintptr_t)DGCG_FED_DL_V1;
		else if (strcmp(f->downloader, "v2") == 0)
			g->downloader = (char *)(uintptr_t)DGCG_FED_DL_V2;
		else if (dgcg_fed_api(f->downloader) > 0)
			g->downloader = (char *)(uintptr_t)f->downloader;
		else {
			fprintf(stderr, "dgcg-admin: --downloader must be v1 (%s) or v2 (%s)\n",
			    DGCG_FED_DL_V1, DGCG_FED_DL_V2);
			return EX_USAGE;
		}
	}
	if ((f->target != NULL && (*f->target == '\0' || strlen(f->target) > 12)) ||
	    (f->mode != NULL && (*f->mode == '\0' || strlen(f->mode) > 8))) {
		fprintf(stderr, "dgcg-admin: --target (1-12) or --mode (1-8 characters) too long\n");
		return EX_USAGE;
	}
	g->gateway_id = (char *)(uintptr_t)f->id;
	g->endpoint = (char *)(uintptr_t)f->endpoint;
	g->kid = (char *)(uintptr_t)f->kid;
	g->public_key = (char *)(uintptr_t)f->pubkey;
	g->target = (char *)(uintptr_t)(f->target != NULL ? f->target : DGCG_FED_TARGET);
	g->mode = (char *)(uintptr_t)(f->mode != NULL ? f->mode : DGCG_FED_MODE);
	return 0;
}

static int
cmd_string(int argc, char *argv[])
{
	struct fields f;
	struct dgcg_fg g;
	char *s;
	int rc;

	parse(argc, argv, &f);
	if ((rc = record_of(&f, &g)) != 0)
		return rc;
	s = dgcg_fed_signed_string(&g);
	printf("%s\n", s);
	free(s);
	return 0;
}

/* The audit event of an operator's change to a record, or of a run. */
static enum dgcg_err
fed_audit(struct dgcg_db *db, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum dgcg_err
fed_audit(struct dgcg_db *db, const char *event, const char *fmt, ...)
{
	struct dgcg_audit_event ev = { NULL, NULL, NULL, event, NULL };
	char desc[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	ev.description = desc;
	return dgcg_db_audit(db, &ev);
}

struct add_work {
	const struct dgcg_fg	*g;
	long long		 id;
};

static enum dgcg_err
add_work(struct dgcg_db *db, void *arg)
{
	struct add_work *w = arg;
	enum dgcg_err rc;

	w->id = 0;
	if ((rc = dgcg_db_fg_insert(db, w->g, &w->id)) != DGCG_OK)
		return rc;
	return fed_audit(db, "CREATED", "federation gateway %s", w->g->gateway_id);
}

static int
cmd_add(int argc, char *argv[])
{
	struct fields f;
	struct dgcg_fg g;
	struct dgcg_gw gw;
	struct add_work w;
	enum dgcg_integrity ir;
	enum dgcg_err e;
	const char *exc = NULL;
	char *sig, *s;
	int rc;

	parse(argc, argv, &f);
	if ((rc = record_of(&f, &g)) != 0)
		return rc;
	if (f.sig == NULL || !f.has_interval)
		admin_usage();
	if ((sig = admin_signature_arg(f.sig)) == NULL)
		return EX_ERROR;
	g.signature = sig;
	g.has_interval = 1;
	g.interval = f.interval;
	if ((rc = admin_open_gw(&gw)) != 0) {
		free(sig);
		return rc;
	}
	if ((ir = dgcg_fed_verify(gw.ta, &g, &exc)) != DGCG_INTEGRITY_OK) {
		s = dgcg_fed_signed_string(&g);
		fprintf(stderr, "dgcg-admin: refused: the signature is not the trust anchor's over "
		    "\"%s\": %s%s%s\n", s, dgcg_integrity_text(ir), exc ? ": " : "",
		    exc ? exc : "");
		free(s);
		rc = EX_REFUSED;
		goto out;
	}
	w.g = &g;
	e = dgcg_db_tx(gw.db, add_work, &w);
	if (e == DGCG_ERR_CONFLICT) {
		fprintf(stderr, "dgcg-admin: a federation gateway %s exists\n", f.id);
		rc = EX_EXISTS;
	} else if (e != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		rc = EX_ERROR;
	} else {
		printf("federation gateway added id=%lld gateway=%s downloader=%s interval=%ld\n",
		    w.id, f.id, g.downloader, f.interval);
		printf("next: dgcg-admin onboard --type TRUSTANCHOR --assigned-gateway %s ... and "
		    "--type AUTHENTICATION_FEDERATION --assigned-gateway %s ...\n", f.id, f.id);
	}
out:
	dgcg_gw_free(&gw);
	free(sig);
	return rc;
}

static void
when(time_t t, char out[DGCG_TIME_LEN + 1])
{
	if (t == 0)
		snprintf(out, DGCG_TIME_LEN + 1, "-");
	else
		dgcg_time_format(t, out);
}

static int
cmd_list(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	struct dgcg_fg_list l = { NULL, 0 };
	struct dgcg_gw gw;
	enum dgcg_integrity ir;
	char t1[DGCG_TIME_LEN + 1], t2[DGCG_TIME_LEN + 1];
	size_t i;
	int rc;

	if ((rc = admin_open_gw(&gw)) != 0)
		return rc;
	if (dgcg_db_fg_select(gw.db, NULL, 0, &l) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		dgcg_gw_free(&gw);
		return EX_ERROR;
	}
	printf("%-20s %-9s %-3s %-8s %-24s %-24s %-5s %s | %s\n", "gateway", "integrity", "api",
	    "interval", "last_download", "last_success", "retry", "endpoint", "status");
	for (i = 0; i < l.n; i++) {
		const struct dgcg_fg *g = &l.v[i];
		int api = dgcg_fed_api(g->downloader);
		char iv[24];

		ir = dgcg_fed_verify(gw.ta, g, NULL);
		if (g->has_interval)
			snprintf(iv, sizeof(iv), "%lld", g->interval);
		else
			snprintf(iv, sizeof(iv), "-");
		when(g->last_download, t1);
		when(g->last_success, t2);
		printf("%-20s %-9s %-3s %-8s %-24s %-24s %-5lld %s | %s\n", g->gateway_id,
		    ir == DGCG_INTEGRITY_OK ? "ok" : "FAILED",
		    api == 1 ? "v1" : api == 2 ? "v2" : "?", iv, t1, t2, g->retry_count,
		    g->endpoint != NULL ? g->endpoint : "", g->status != NULL ? g->status : "-");
	}
	dgcg_fg_list_free(&l);
	dgcg_gw_free(&gw);
	return 0;
}

struct remove_work {
	const char		*id;
	unsigned long long	 rows;
};

static enum dgcg_err
remove_work(struct dgcg_db *db, void *arg)
{
	struct remove_work *w = arg;
	enum dgcg_err rc;

	if ((rc = dgcg_db_fg_delete(db, w->id, &w->rows)) != DGCG_OK)
		return rc;
	return fed_audit(db, "DELETED", "federation gateway %s, %llu rows", w->id, w->rows);
}

static int
cmd_remove(int argc, char *argv[])
{
	struct remove_work w = { NULL, 0 };
	struct fields f;
	struct dgcg_gw gw;
	enum dgcg_err e;
	int rc;

	parse(argc, argv, &f);
	if ((rc = check_id(f.id)) != 0)
		return rc;
	if ((rc = admin_open_gw(&gw)) != 0)
		return rc;
	w.id = f.id;
	e = dgcg_db_tx(gw.db, remove_work, &w);
	if (e == DGCG_ERR_NOTFOUND) {
		fprintf(stderr, "dgcg-admin: no federation gateway %s\n", f.id);
		rc = EX_REFUSED;
	} else if (e != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		rc = EX_ERROR;
	} else
		printf("federation gateway %s removed with %llu rows\n", f.id, w.rows);
	dgcg_gw_free(&gw);
	return rc;
}

/* --- run ------------------------------------------------------------------------ */

/* One peer's download: its temporary files and what it found. */
struct run {
	struct dgcg_gw		*gw;
	const struct dgcg_fg	*g;
	int			 accept_shrink;
	char			 tmp[256];	/* "" until made */
	char			 msg[600];	/* why it failed */
};

/* Records a failure: prints it, and the record's status (outside any
 * transaction: the stored rows stay as they are). Returns EX_REFUSED. */
static int
fail(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(struct run *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	printf("federation %s: failed: %s\n", r->g->gateway_id, r->msg);
	if (dgcg_db_fg_status(r->gw->db, r->g->gateway_id, 0, r->msg) != DGCG_OK)
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(r->gw->db));
	return EX_REFUSED;
}

/* Writes the AUTHENTICATION_FEDERATION rows assigned to the peer that pass
 * the integrity check as a PEM bundle at path; *n gets their number. */
static enum dgcg_err
write_pins(struct run *r, const char *path, size_t *n)
{
	struct dgcg_tp_list l = { NULL, 0 };
	enum dgcg_err rc;
	FILE *fp;
	size_t i, j, len;

	*n = 0;
	if ((rc = dgcg_gw_trusted(r->gw, NULL, NULL, DGCG_G_AUTHENTICATION_FEDERATION, NULL,
	    &l)) != DGCG_OK)
		return rc;
	if ((fp = fopen(path, "w")) == NULL) {
		dgcg_tp_list_free(&l);
		return DGCG_ERR_IO;
	}
	for (i = 0; i < l.n; i++) {
		if (strcmp(l.v[i].assigned_gateway, r->g->gateway_id) != 0)
			continue;
		fputs("-----BEGIN CERTIFICATE-----\n", fp);
		len = strlen(l.v[i].raw_data);
		for (j = 0; j < len; j += 64)
			fprintf(fp, "%.*s\n", (int)(len - j < 64 ? len - j : 64), l.v[i].raw_data + j);
		fputs("-----END CERTIFICATE-----\n", fp);
		(*n)++;
	}
	dgcg_tp_list_free(&l);
	return fclose(fp) == 0 ? DGCG_OK : DGCG_ERR_IO;
}

static void
set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = v != NULL ? xstrdup(v) : NULL;
}

/* What the replacing transaction stores. */
struct replace {
	const struct dgcg_fg	*g;		/* the record as verified */
	struct dgcg_fg_row	*rows;
	size_t			 n;
	unsigned char		*skipped;	/* per row: a duplicate, not stored */
	int			 v2;		/* the peer's trusted issuers replaced too */
	struct dgcg_issuer	*issuers;	/* verified, v2 */
	size_t			 nissuers;
	/* outputs */
	size_t			 stored_issuers;
	unsigned long long	 cleared;
	size_t			 stored[DGCG_G__MAX], nskipped;
	int			 changed;	/* the record changed since it was verified */
};

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static enum dgcg_err
replace_work(struct dgcg_db *db, void *arg)
{
	struct replace *w = arg;
	struct dgcg_fg_list l = { NULL, 0 };
	const struct dgcg_fg *g = w->g, *cur;
	char msg[256];
	enum dgcg_err rc;
	size_t i;

	w->cleared = 0;
	w->nskipped = 0;
	w->stored_issuers = 0;
	w->changed = 0;
	memset(w->stored, 0, sizeof(w->stored));
	memset(w->skipped, 0, w->n);
	/* The record, locked: one run per peer at a time, and the one that
	 * was verified (its signed fields and signature unchanged). */
	if ((rc = dgcg_db_fg_select(db, g->gateway_id, 1, &l)) != DGCG_OK)
		return rc;
	cur = l.n == 1 ? &l.v[0] : NULL;
	if (cur == NULL || !same(cur->endpoint, g->endpoint) || !same(cur->kid, g->kid) ||
	    !same(cur->public_key, g->public_key) || !same(cur->downloader, g->downloader) ||
	    !same(cur->target, g->target) || !same(cur->mode, g->mode) ||
	    !same(cur->signature, g->signature)) {
		dgcg_fg_list_free(&l);
		w->changed = 1;
		return DGCG_ERR_CONFLICT;
	}
	dgcg_fg_list_free(&l);
	if ((rc = dgcg_db_fg_clear(db, g->gateway_id, w->v2, &w->cleared)) != DGCG_OK)
		return rc;
	for (i = 0; i < w->n; i++) {
		rc = dgcg_db_fg_store(db, g->gateway_id, &w->rows[i]);
		if (rc == DGCG_ERR_CONFLICT) {
			w->skipped[i] = 1;
			w->nskipped++;
			continue;
		}
		if (rc != DGCG_OK)
			return rc;
		w->stored[w->rows[i].group]++;
	}
	for (i = 0; i < w->nissuers; i++) {
		rc = dgcg_db_fg_store_issuer(db, g->gateway_id, &w->issuers[i]);
		if (rc == DGCG_ERR_CONFLICT) {
			w->nskipped++;
			continue;
		}
		if (rc != DGCG_OK)
			return rc;
		w->stored_issuers++;
	}
	snprintf(msg, sizeof(msg), "%zu CSCA, %zu UPLOAD, %zu DSC, %zu issuers stored; "
	    "%zu duplicates skipped", w->stored[DGCG_G_CSCA], w->stored[DGCG_G_UPLOAD],
	    w->stored[DGCG_G_DSC], w->stored_issuers, w->nskipped);
	if ((rc = dgcg_db_fg_status(db, g->gateway_id, 1, msg)) != DGCG_OK)
		return rc;
	return fed_audit(db, "UPDATED", "federation %s: %zu CSCA %zu UPLOAD %zu DSC %zu ISS "
	    "(%llu before)", g->gateway_id, w->stored[DGCG_G_CSCA], w->stored[DGCG_G_UPLOAD],
	    w->stored[DGCG_G_DSC], w->stored_issuers, w->cleared);
}

static enum dgcg_group
group_of(enum dgcg_cert_type t)
{
	return t == DGCG_CT_CSCA ? DGCG_G_CSCA : t == DGCG_CT_UPLOAD ? DGCG_G_UPLOAD : DGCG_G_DSC;
}

/* The guard over the rows now stored (sync_guard); 0 to go on. */
static int
guard(struct run *r, const struct sync_verified *v)
{
	struct sync_list cur = { NULL, 0 };
	char **thumbs = NULL, **types = NULL, why[256];
	size_t n = 0, i, dropped = 0;
	int refuse;

	if (dgcg_db_fg_current(r->gw->db, r->g->gateway_id, &thumbs, &types, &n) != DGCG_OK)
		return fail(r, "database: %s", dgcg_db_error(r->gw->db));
	cur.v = xcalloc(n + 1, sizeof(*cur.v));
	cur.n = n;
	for (i = 0; i < n; i++) {
		cur.v[i].thumbprint = thumbs[i];
		cur.v[i].type = types[i];
	}
	free(thumbs);
	free(types);
	refuse = sync_guard(&cur, v, r->gw->conf.federation_max_shrink, &dropped, why, sizeof(why));
	sync_list_free(&cur);
	if (refuse && !r->accept_shrink)
		return fail(r, "refused: %s; the stored rows stay (--accept-shrink takes it)", why);
	return 0;
}

/* Judged entries to rows (and, v2, the verified issuers), stored in one
 * transaction. */
static int
store(struct run *r, const struct sync_set *s, int v2, struct dgcg_issuer *issuers,
    size_t nissuers)
{
	struct replace w;
	size_t i, nrej = 0;
	enum dgcg_err e;
	int rc = 0;

	memset(&w, 0, sizeof(w));
	w.g = r->g;
	w.v2 = v2;
	w.issuers = issuers;
	w.nissuers = nissuers;
	w.rows = xcalloc(s->v.n + 1, sizeof(*w.rows));
	w.skipped = xcalloc(s->v.n + 1, 1);
	for (i = 0; i < s->v.n; i++) {
		const struct sync_entry *en = &s->v.e[i];
		const struct sync_item *it = en->it;
		struct dgcg_fg_row *row;

		if (en->reason != DGCG_ER_OK) {
			printf("federation %s: rejected %s %s kid=%s thumbprint=%s: %s (%s)\n",
			    r->g->gateway_id, dgcg_cert_type_name(en->list),
			    it->country != NULL ? it->country : "-", en->kid[0] ? en->kid : "-",
			    en->thumb[0] ? en->thumb : "-", dgcg_er_code(en->reason),
			    dgcg_er_text(en->reason));
			nrej++;
			continue;
		}
		row = &w.rows[w.n++];
		row->group = group_of(en->list);
		row->country = it->country;
		row->thumbprint = en->thumb;
		row->raw_data = it->raw;
		row->signature = it->signature;
		if (v2) {
			row->domain = it->domain;
			row->uuid = it->uuid != NULL && dgcg_uuid_valid(it->uuid) ? it->uuid : NULL;
			row->kid = it->kid != NULL && strcmp(it->kid, en->kid) != 0 &&
			    strlen(it->kid) <= 20 ? it->kid : NULL;
		}
	}
	e = dgcg_db_tx(r->gw->db, replace_work, &w);
	if (e != DGCG_OK) {
		if (w.changed)
			rc = fail(r, "the record changed during the run; nothing stored");
		else
			rc = fail(r, "database: %s; nothing stored, the last rows stay",
			    dgcg_db_error(r->gw->db));
		goto out;
	}
	for (i = 0; i < w.n; i++)
		if (w.skipped[i])
			printf("federation %s: not stored %s %s thumbprint=%s: a row with this "
			    "thumbprint, uuid or kid exists (onboarded here or from another peer)\n",
			    r->g->gateway_id, dgcg_group_name(w.rows[i].group), w.rows[i].country,
			    w.rows[i].thumbprint);
	printf("federation %s: updated: %zu CSCA, %zu UPLOAD, %zu DSC%s stored (%llu rows before), "
	    "%zu rejected, %zu not stored\n", r->g->gateway_id, w.stored[DGCG_G_CSCA],
	    w.stored[DGCG_G_UPLOAD], w.stored[DGCG_G_DSC], v2 ? ", issuers" : "", w.cleared, nrej,
	    w.nskipped);
	if (v2)
		printf("federation %s: %zu trusted issuers stored\n", r->g->gateway_id,
		    w.stored_issuers);
out:
	free(w.rows);
	free(w.skipped);
	return rc;
}

/* Frees the strings of v[0..n) (not the array: dgcg_issuer_list_free's
 * rows come from the store, these from fetch_issuers). */
static void
issuers_free(struct dgcg_issuer *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].url);
		free(v[i].url_type);
		free(v[i].signature);
		free(v[i].thumbprint);
		free(v[i].ssl_public_key);
		free(v[i].key_storage_type);
		free(v[i].uuid);
		free(v[i].domain);
		free(v[i].source_gateway);
	}
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* v2: GET /trustList/issuers (the peer's own, as TNG's DDCC downloader
 * asks), each verified against the peer's trust anchors; the rejected ones
 * printed. 0, or the exit status of fail(). */
static int
fetch_issuers(struct run *r, const struct sync_conf *c, const char *url, const struct dgcg_ta *ta,
    struct dgcg_issuer **out, size_t *nout)
{
	struct sync_http_opts ho = { c->cacert, c->cert, c->key, c->connect_timeout, c->timeout,
	    c->max_list_size };
	struct sync_http *h = NULL;
	struct sync_resp resp;
	struct dgcg_jv *arr = NULL;
	struct dgcg_issuer *v = NULL;
	char u[300], err[256];
	const char *exc, *why;
	size_t i, n = 0;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	memset(&resp, 0, sizeof(resp));
	snprintf(u, sizeof(u), "%s/trustList/issuers", url);
	if (sync_http_new(&ho, &h, err, sizeof(err)) != DGCG_OK)
		return fail(r, "%s", err);
	if (sync_http_get(h, u, NULL, NULL, &resp) != DGCG_OK) {
		rc = fail(r, "GET %s: %s; the last rows stay", u, resp.error);
		goto out;
	}
	if (resp.status != 200) {
		rc = fail(r, "GET %s: HTTP %ld; the last rows stay", u, resp.status);
		goto out;
	}
	if (dgcg_json_parse(resp.body, resp.len, 8, &arr, err, sizeof(err)) != DGCG_OK ||
	    arr->type != DGCG_J_ARRAY) {
		rc = fail(r, "GET %s: not a JSON array (%s, %zu bytes); the last rows stay", u,
		    arr == NULL ? err : "another value", resp.len);
		goto out;
	}
	v = xcalloc(arr->n + 1, sizeof(*v));
	for (i = 0; i < arr->n; i++) {
		const struct dgcg_jv *o = &arr->v[i];
		struct dgcg_issuer *is = &v[n];
		const char *cc = dgcg_jv_str(o, "country"), *uuid = dgcg_jv_str(o, "uuid");
		enum dgcg_integrity ir;

		memset(is, 0, sizeof(*is));
		why = NULL;
		if (cc == NULL || strlen(cc) != 2)
			why = "no two-letter country";
		else {
			snprintf(is->country, sizeof(is->country), "%s", cc);
			is->name = dup_or_null(dgcg_jv_str(o, "name"));
			is->url = dup_or_null(dgcg_jv_str(o, "url"));
			is->url_type = dup_or_null(dgcg_jv_str(o, "type"));
			is->signature = dup_or_null(dgcg_jv_str(o, "signature"));
			is->thumbprint = dup_or_null(dgcg_jv_str(o, "thumbprint"));
			is->ssl_public_key = dup_or_null(dgcg_jv_str(o, "sslPublicKey"));
			is->key_storage_type = dup_or_null(dgcg_jv_str(o, "keyStorageType"));
			is->domain = dup_or_null(dgcg_jv_str(o, "domain"));
			is->uuid = dup_or_null(uuid != NULL && dgcg_uuid_valid(uuid) ? uuid : NULL);
			if (is->name == NULL || is->url == NULL || is->url_type == NULL ||
			    is->signature == NULL || strlen(is->name) > 512 || strlen(is->url) > 1024 ||
			    strlen(is->url_type) > 25 ||
			    (is->thumbprint != NULL && strlen(is->thumbprint) > 64) ||
			    (is->ssl_public_key != NULL && strlen(is->ssl_public_key) > 2048) ||
			    (is->key_storage_type != NULL && strlen(is->key_storage_type) > 128) ||
			    (is->domain != NULL && strlen(is->domain) > 10))
				why = "a field missing or too long";
			else if ((ir = dgcg_issuer_verify(ta, is, NULL, &exc)) != DGCG_INTEGRITY_OK)
				why = dgcg_integrity_text(ir);
		}
		if (why != NULL) {
			printf("federation %s: rejected issuer %s %s: %s\n", r->g->gateway_id,
			    cc != NULL ? cc : "-", uuid != NULL ? uuid : "-", why);
			issuers_free(is, 1);	/* the slot is reused */
			continue;
		}
		if (is->uuid == NULL) {
			char nu[DGCG_UUID_LEN + 1];

			if (dgcg_uuid_new(nu) != DGCG_OK) {
				n++;
				rc = fail(r, "no random UUID could be made");
				goto out;
			}
			is->uuid = xstrdup(nu);
		}
		n++;
	}
out:
	if (rc != 0) {
		issuers_free(v, n);
		free(v);
		v = NULL;
		n = 0;
	}
	dgcg_jv_free(arr);
	sync_resp_free(&resp);
	sync_http_free(h);
	*out = v;
	*nout = n;
	return rc;
}

static int
run_one(struct dgcg_gw *gw, const struct dgcg_fg *g, int accept_shrink)
{
	struct run r;
	struct sync_conf c;
	struct sync_engine *e = NULL;
	struct sync_set s;
	struct sync_report rep;
	struct sync_pull_opts o = { 0, 1, 0 };
	const struct dgcg_ta *ta;
	enum dgcg_integrity ir;
	const char *exc = NULL, *dir = gw->conf.federation_key_dir;
	char pins[300], cert[4096], key[4096], edir[300], err[256], url[256], *str;
	struct dgcg_issuer *issuers = NULL;
	size_t npins = 0, n, nissuers = 0;
	int api, rc;

	memset(&r, 0, sizeof(r));
	memset(&s, 0, sizeof(s));
	memset(&rep, 0, sizeof(rep));
	r.gw = gw;
	r.g = g;
	r.accept_shrink = accept_shrink;
	o.accept_shrink = accept_shrink;
	sync_conf_defaults(&c);
	if ((ir = dgcg_fed_verify(gw->ta, g, &exc)) != DGCG_INTEGRITY_OK) {
		str = dgcg_fed_signed_string(g);
		rc = fail(&r, "refused: the record's signature is not the trust anchor's over "
		    "\"%s\" (%s%s%s); nothing downloaded", str, dgcg_integrity_text(ir),
		    exc ? ": " : "", exc ? exc : "");
		free(str);
		goto out;
	}
	if ((api = dgcg_fed_api(g->downloader)) <= 0) {
		rc = fail(&r, "Unable to find Implementation %s (dgcg runs %s and %s)",
		    g->downloader != NULL ? g->downloader : "null", DGCG_FED_DL_V1, DGCG_FED_DL_V2);
		goto out;
	}
	snprintf(r.tmp, sizeof(r.tmp), "%s/dgcg-federation.XXXXXX",
	    getenv("TMPDIR") != NULL && *getenv("TMPDIR") != '\0' ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(r.tmp) == NULL) {
		r.tmp[0] = '\0';
		rc = fail(&r, "a temporary directory: %s", strerror(errno));
		goto out;
	}
	snprintf(pins, sizeof(pins), "%s/server.pem", r.tmp);
	snprintf(edir, sizeof(edir), "%s/lists", r.tmp);
	if (write_pins(&r, pins, &npins) != DGCG_OK) {
		rc = fail(&r, "the AUTHENTICATION_FEDERATION rows: %s", dgcg_db_error(gw->db));
		goto out;
	}
	if (npins == 0) {
		rc = fail(&r, "refused: no AUTHENTICATION_FEDERATION row assigned to %s passes the "
		    "integrity check, so its TLS server cannot be verified (TNG would trust any "
		    "server); nothing downloaded", g->gateway_id);
		goto out;
	}
	if ((ta = dgcg_gw_peer_ta(gw, g->gateway_id)) == NULL) {
		rc = fail(&r, "the TRUSTANCHOR rows: %s", dgcg_db_error(gw->db));
		goto out;
	}
	if (dgcg_ta_count(ta) == 0) {
		rc = fail(&r, "refused: no TRUSTANCHOR row assigned to %s passes the integrity "
		    "check; nothing downloaded", g->gateway_id);
		goto out;
	}
	if (dir == NULL) {
		rc = fail(&r, "federation_key_dir is not set (dgcg.conf): no client identity");
		goto out;
	}
	if (!dgcg_fed_kid_ok(g->kid)) {
		rc = fail(&r, "gateway_kid %s cannot name a file in federation_key_dir", g->kid);
		goto out;
	}
	snprintf(cert, sizeof(cert), "%s/%s.pem", dir, g->kid);
	snprintf(key, sizeof(key), "%s/%s.key", dir, g->kid);
	if (access(cert, R_OK) != 0 || access(key, R_OK) != 0) {
		rc = fail(&r, "the client identity %s and %s cannot be read: %s", cert, key,
		    strerror(errno));
		goto out;
	}
	snprintf(url, sizeof(url), "%s", g->endpoint);
	for (n = strlen(url); n > 8 && url[n - 1] == '/'; n--)
		url[n - 1] = '\0';
	set_str(&c.url, url);
	set_str(&c.api, api == 2 ? "v2" : "v1");
	set_str(&c.cacert, pins);
	set_str(&c.cert, cert);
	set_str(&c.key, key);
	set_str(&c.dir, edir);
	c.check_dsc_expiry = gw->conf.check_dsc_expiry;
	c.check_upload_expiry = gw->conf.check_upload_expiry;
	c.require_x509v3 = gw->conf.require_x509v3;
	c.allow_sha1 = gw->conf.allow_sha1;
	c.min_rsa_bits = gw->conf.min_rsa_bits;
	c.min_ec_bits = gw->conf.min_ec_bits;
	c.deltas = 0;
	if (sync_engine_new_ta(&c, ta, &e, err, sizeof(err)) != DGCG_OK) {
		rc = fail(&r, "%s", err);
		goto out;
	}
	if (sync_fetch(e, &o, &s, &rep) == SYNC_FAILED) {
		rc = fail(&r, "%s; the last rows stay", rep.message);
		goto out;
	}
	if ((rc = guard(&r, &s.v)) != 0)
		goto out;
	if (api == 2 && (rc = fetch_issuers(&r, &c, url, ta, &issuers, &nissuers)) != 0)
		goto out;
	rc = store(&r, &s, api == 2, issuers, nissuers);
out:
	issuers_free(issuers, nissuers);
	free(issuers);
	sync_set_free(&s);
	sync_engine_free(e);
	sync_conf_free(&c);
	if (r.tmp[0] != '\0') {
		unlink(pins);
		rmdir(edir);
		rmdir(r.tmp);
	}
	return rc;
}

static int
cmd_run(int argc, char *argv[])
{
	struct dgcg_fg_list l = { NULL, 0 };
	struct fields f;
	struct dgcg_gw gw;
	char host[256], who[300];
	time_t now = time(NULL);
	size_t i, ran = 0;
	int rc, got = 0, failed = 0;

	parse(argc, argv, &f);
	if (f.id != NULL && (rc = check_id(f.id)) != 0)
		return rc;
	if ((rc = admin_open_gw(&gw)) != 0)
		return rc;
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	snprintf(who, sizeof(who), "dgcg-admin %s:%ld", host, (long)getpid());
	if (dgcg_db_shedlock_acquire(gw.db, FED_LOCK, FED_LOCK_SECS, who, &got) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		dgcg_gw_free(&gw);
		return EX_ERROR;
	}
	if (!got) {
		printf("federation run skipped: another run holds the lock %s\n", FED_LOCK);
		dgcg_gw_free(&gw);
		return 0;
	}
	if (dgcg_db_fg_select(gw.db, f.id, 0, &l) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		rc = EX_ERROR;
		goto out;
	}
	if (f.id != NULL && l.n == 0) {
		fprintf(stderr, "dgcg-admin: no federation gateway %s\n", f.id);
		rc = EX_REFUSED;
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		/* Named: now; else when due (TNG: scheduled and its interval passed). */
		if (f.id == NULL && !dgcg_fed_due(&l.v[i], now))
			continue;
		ran++;
		if (run_one(&gw, &l.v[i], f.accept_shrink) != 0)
			failed++;
	}
	if (f.id == NULL)
		printf("federation run: %zu of %zu gateways due, %d failed\n", ran, l.n, failed);
	rc = failed ? EX_REFUSED : 0;
out:
	dgcg_fg_list_free(&l);
	if (dgcg_db_shedlock_release(gw.db, FED_LOCK, who) != DGCG_OK)
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
	dgcg_gw_free(&gw);
	return rc;
}

int
cmd_federation(int argc, char *argv[])
{
	static const struct admin_sub subs[] = {
		{ "string", cmd_string, 0 },
		{ "add", cmd_add, 0 },
		{ "list", cmd_list, 1 },
		{ "remove", cmd_remove, 0 },
		{ "run", cmd_run, 0 },
	};

	return admin_subcommand(argc, argv, subs, sizeof(subs) / sizeof(subs[0]));
}
