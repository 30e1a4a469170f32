/* engine.c: a pull: download, judge, guard, publish, state and status. */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "base/json.h"
#include "base/log.h"
#include "base/timefmt.h"
#include "base/xmalloc.h"
#include "engine.h"
#include "http.h"
#include "render.h"

#define STATE_VERSION	1
#define STATE_VERSION_TEXT "1"	/* read back exactly: "1.5" or "01" is no state of ours */
#define KEEP_PREVIOUS	1	/* generations kept besides current */

struct sync_engine {
	const struct sync_conf	*c;
	struct dgcg_ta		*ta;
	int			 ta_borrowed;	/* sync_engine_new_ta: not ours to free */
	struct sync_http	*http;
	struct sync_policy	 pol;
	int			 v2;
	int			 lockfd;
};

/* The lists a pull downloads, in order. */
static const enum dgcg_cert_type kinds[] = { DGCG_CT_CSCA, DGCG_CT_UPLOAD, DGCG_CT_DSC };
#define NKINDS	(sizeof(kinds) / sizeof(kinds[0]))

static const char *const outcome_names[SYNC__OUTCOMES] = {
	[SYNC_UPDATED] = "updated",
	[SYNC_UNCHANGED] = "unchanged",
	[SYNC_REFUSED] = "refused",
	[SYNC_FAILED] = "failed",
};

const char *
sync_outcome_name(enum sync_outcome o)
{
	return (unsigned)o < SYNC__OUTCOMES ? outcome_names[o] : "?";
}

const char *
sync_mode_name(enum sync_mode m)
{
	static const char *const n[] = { "none", "full", "delta", "not-modified", "stored" };

	return (unsigned)m < sizeof(n) / sizeof(n[0]) ? n[m] : "?";
}

static void
say(struct sync_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
say(struct sync_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
}

/* --- files ---------------------------------------------------------------------- */

static char *
path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* The whole file, NUL-terminated; NULL with errno set. */
static char *
read_file(const char *path, size_t *len)
{
	char *buf = NULL;
	size_t cap = 0, n = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	for (;;) {
		if (n + 65537 > cap) {
			cap = cap ? cap * 2 : 65536 * 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			close(fd);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

/* Writes data to path, fsync'd; with atomic, through path.tmp and rename. */
static int
write_file(const char *path, const void *data, size_t len, int atomic)
{
	char *tmp = NULL;
	const char *p = data, *dst = path;
	ssize_t w;
	int fd, ok = 0;

	if (atomic) {
		size_t n = strlen(path) + 16;

		tmp = xmalloc(n);
		snprintf(tmp, n, "%s.%ld.tmp", path, (long)getpid());
		dst = tmp;
	}
	fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto out;
	while (len > 0) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			goto out;
		}
		p += w;
		len -= (size_t)w;
	}
	ok = fsync(fd) == 0;
	if (close(fd) != 0)
		ok = 0;
	if (ok && atomic && rename(tmp, path) != 0)
		ok = 0;
out:
	if (!ok && tmp != NULL)
		unlink(tmp);
	free(tmp);
	return ok;
}

static void
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	return (flag == FTW_DP ? rmdir(p) : unlink(p)) == 0 ? 0 : 0;
}

static void
rm_tree(const char *p)
{
	(void)nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* --- the engine ------------------------------------------------------------------ */

/* The engine of sync_engine_new and sync_engine_new_ta, with ta (NULL:
 * from c->trust_anchor's files). */
static enum dgcg_err
engine_new(const struct sync_conf *c, const struct dgcg_ta *ta, struct sync_engine **out,
    char *err, size_t errsz)
{
	struct sync_engine *e;
	enum dgcg_err rc;

	*out = NULL;
	if (c->dir == NULL) {
		snprintf(err, errsz, "dir (-d) is not set");
		return DGCG_ERR_CONFIG;
	}
	if (ta == NULL && c->trust_anchor.n == 0) {
		snprintf(err, errsz, "trust_anchor (-t) is not set");
		return DGCG_ERR_CONFIG;
	}
	e = xcalloc(1, sizeof(*e));
	e->c = c;
	e->lockfd = -1;
	e->v2 = strcmp(c->api, "v2") == 0;
	if (ta != NULL) {
		e->ta = (struct dgcg_ta *)(uintptr_t)ta;
		e->ta_borrowed = 1;
	} else if ((rc = dgcg_ta_load_files((const char *const *)c->trust_anchor.v,
	    c->trust_anchor.n, &e->ta)) != DGCG_OK) {
		snprintf(err, errsz, "trust_anchor: cannot load the certificates of %s%s (%s)",
		    c->trust_anchor.v[0], c->trust_anchor.n > 1 ? " ..." : "", dgcg_strerror(rc));
		free(e);
		return DGCG_ERR_CONFIG;
	}
	e->pol.cert.require_x509v3 = c->require_x509v3;
	e->pol.cert.allow_sha1 = c->allow_sha1;
	e->pol.cert.min_rsa_bits = c->min_rsa_bits;
	e->pol.cert.min_ec_bits = c->min_ec_bits;
	e->pol.check_expiry[DGCG_CT_CSCA] = c->check_csca_expiry;
	e->pol.check_expiry[DGCG_CT_UPLOAD] = c->check_upload_expiry;
	e->pol.check_expiry[DGCG_CT_DSC] = c->check_dsc_expiry;
	e->pol.digests = dgcg_cms_digests(c->allow_sha1);
	if (mkdir(c->dir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errsz, "dir %s: %s", c->dir, strerror(errno));
		sync_engine_free(e);
		return DGCG_ERR_CONFIG;
	}
	*out = e;
	return DGCG_OK;
}

enum dgcg_err
sync_engine_new(const struct sync_conf *c, struct sync_engine **out, char *err, size_t errsz)
{
	return engine_new(c, NULL, out, err, errsz);
}

enum dgcg_err
sync_engine_new_ta(const struct sync_conf *c, const struct dgcg_ta *ta,
    struct sync_engine **out, char *err, size_t errsz)
{
	return engine_new(c, ta, out, err, errsz);
}

void
sync_engine_free(struct sync_engine *e)
{
	if (e == NULL)
		return;
	if (e->lockfd >= 0)
		close(e->lockfd);
	sync_http_free(e->http);
	if (!e->ta_borrowed)
		dgcg_ta_free(e->ta);
	free(e);
}

enum dgcg_err
sync_engine_lock(struct sync_engine *e, char *err, size_t errsz)
{
	char *p = path_join(e->c->dir, ".lock");

	if (e->lockfd < 0)
		e->lockfd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (e->lockfd < 0) {
		snprintf(err, errsz, "%s: %s", p, strerror(errno));
		free(p);
		return DGCG_ERR_IO;
	}
	if (flock(e->lockfd, LOCK_EX | LOCK_NB) != 0) {
		snprintf(err, errsz, "%s: another dgcg-sync works on %s", p, e->c->dir);
		free(p);
		return DGCG_ERR_CONFLICT;
	}
	free(p);
	return DGCG_OK;
}

static enum dgcg_err
http_up(struct sync_engine *e, struct sync_report *r)
{
	struct sync_http_opts o = {
		e->c->cacert, e->c->cert, e->c->key, e->c->connect_timeout, e->c->timeout,
		e->c->max_list_size
	};
	char err[256];

	if (e->http != NULL)
		return DGCG_OK;
	if (e->c->url == NULL) {
		say(r, "url (-u) is not set");
		return DGCG_ERR_CONFIG;
	}
	if (sync_http_new(&o, &e->http, err, sizeof(err)) != DGCG_OK) {
		say(r, "%s", err);
		return DGCG_ERR_CONFIG;
	}
	return DGCG_OK;
}

void
sync_set_free(struct sync_set *s)
{
	size_t i;

	sync_verified_free(&s->v);
	for (i = 0; i < DGCG_CT__MAX; i++)
		sync_list_free(&s->lists[i]);
	memset(s, 0, sizeof(*s));
}

/* --- state.json ------------------------------------------------------------------- */

/* The stored lists of the last pull of this url and api; *st is empty
 * (have[] 0) when there are none or they are for another gateway. */
struct state {
	struct sync_list	 lists[DGCG_CT__MAX];
	int			 have[DGCG_CT__MAX];
	char			 etag[DGCG_CT__MAX][256];
	char			 date[64];
	unsigned		 deltas;
};

static void
state_free(struct state *st)
{
	size_t i;

	for (i = 0; i < DGCG_CT__MAX; i++)
		sync_list_free(&st->lists[i]);
	memset(st, 0, sizeof(*st));
}

static void
copy_str(char *dst, size_t dsz, const char *src)
{
	snprintf(dst, dsz, "%s", src != NULL ? src : "");
}

static void
state_load(struct sync_engine *e, struct state *st)
{
	struct dgcg_jv *root = NULL;
	const struct dgcg_jv *lists, *etags, *l, *d;
	char *p = path_join(e->c->dir, "state.json"), *text;
	const char *s;
	size_t len, i;

	memset(st, 0, sizeof(*st));
	text = read_file(p, &len);
	free(p);
	if (text == NULL)
		return;
	if (dgcg_json_parse(text, len, DGCG_JSON_DEPTH_MAX, &root, NULL, 0) != DGCG_OK)
		goto out;
	if ((d = dgcg_jv_get(root, "version")) == NULL || d->type != DGCG_J_NUMBER ||
	    strcmp(d->s, STATE_VERSION_TEXT) != 0)
		goto out;
	if ((s = dgcg_jv_str(root, "url")) == NULL ||
	    (e->c->url != NULL && strcmp(s, e->c->url) != 0) ||
	    (s = dgcg_jv_str(root, "api")) == NULL || strcmp(s, e->c->api) != 0)
		goto out;
	copy_str(st->date, sizeof(st->date), dgcg_jv_str(root, "date"));
	if ((d = dgcg_jv_get(root, "deltas")) != NULL && d->type == DGCG_J_NUMBER)
		st->deltas = (unsigned)strtoul(d->s, NULL, 10);
	lists = dgcg_jv_get(root, "lists");
	etags = dgcg_jv_get(root, "etag");
	for (i = 0; i < NKINDS; i++) {
		const char *name = dgcg_cert_type_name(kinds[i]);

		l = dgcg_jv_get(lists, name);
		if (l == NULL || l->type != DGCG_J_ARRAY)
			continue;
		sync_list_from_jv(l, SYNC_FMT_STORED, 0, &st->lists[kinds[i]]);
		st->have[kinds[i]] = 1;
		copy_str(st->etag[kinds[i]], sizeof(st->etag[0]), dgcg_jv_str(etags, name));
	}
out:
	dgcg_jv_free(root);
	free(text);
}

static int
state_save(struct sync_engine *e, const struct sync_set *s)
{
	struct json_object *o = json_object_new_object(), *et = json_object_new_object();
	char *p = path_join(e->c->dir, "state.json"), *list;
	const char *head;
	size_t hl, ll, i, cap, n;
	char *buf;
	int ok;

	json_object_object_add(o, "version", json_object_new_int(STATE_VERSION));
	json_object_object_add(o, "url", json_object_new_string(e->c->url ? e->c->url : ""));
	json_object_object_add(o, "api", json_object_new_string(e->c->api));
	json_object_object_add(o, "date", json_object_new_string(s->date));
	json_object_object_add(o, "deltas", json_object_new_int((int)s->deltas));
	for (i = 0; i < NKINDS; i++)
		json_object_object_add(et, dgcg_cert_type_name(kinds[i]),
		    json_object_new_string(s->etag[kinds[i]]));
	json_object_object_add(o, "etag", et);
	head = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &hl);
	/* head ends in '}': the lists go in before it */
	cap = hl + 64;
	buf = xmalloc(cap);
	memcpy(buf, head, hl - 1);
	n = hl - 1;
	n += (size_t)snprintf(buf + n, cap - n, ",\"lists\":{");
	for (i = 0; i < NKINDS; i++) {
		list = sync_list_json(&s->lists[kinds[i]], &ll);
		buf = xrealloc(buf, cap = n + ll + 64);
		n += (size_t)snprintf(buf + n, cap - n, "%s\"%s\":", i ? "," : "",
		    dgcg_cert_type_name(kinds[i]));
		memcpy(buf + n, list, ll);
		n += ll;
		free(list);
	}
	n += (size_t)snprintf(buf + n, cap - n, "}}");
	json_object_put(o);
	ok = write_file(p, buf, n, 1);
	free(buf);
	free(p);
	return ok;
}

/* --- downloads ----------------------------------------------------------------------- */

static void
list_url(struct sync_engine *e, enum dgcg_cert_type t, char *out, size_t outsz)
{
	if (e->v2)
		snprintf(out, outsz, "%s/trustList/certificate?group=%s", e->c->url,
		    dgcg_cert_type_name(t));
	else
		snprintf(out, outsz, "%s/trustList/%s", e->c->url, dgcg_cert_type_name(t));
}

/* GET one list. Returns 200, 304, or 0 after setting r->message. */
static int
get_list(struct sync_engine *e, enum dgcg_cert_type t, const char *inm, const char *ims,
    int delta, struct sync_list *out, struct sync_resp *resp, struct sync_report *r)
{
	char url[2048], err[160];
	enum dgcg_err rc;

	list_url(e, t, url, sizeof(url));
	rc = sync_http_get(e->http, url, inm, ims, resp);
	if (rc != DGCG_OK) {
		say(r, "GET %s: %s", url, resp->error);
		return 0;
	}
	if (resp->status == 304)
		return 304;
	if (resp->status != 200) {
		say(r, "GET %s: HTTP %ld", url, resp->status);
		return 0;
	}
	if (sync_list_parse(resp->body, resp->len, e->v2 ? SYNC_FMT_V2 : SYNC_FMT_V1, delta, out,
	    err, sizeof(err)) != DGCG_OK) {
		say(r, "GET %s: %s (%zu bytes)", url, err, resp->len);
		return 0;
	}
	return 200;
}

/* The Date header as a time, or -1. */
static time_t
date_of(const char *s)
{
	time_t t;

	return s != NULL && *s != '\0' && dgcg_time_parse_http(s, &t) == DGCG_OK ? t : -1;
}

/* What doc/operator-guide.txt says a client sends: the previous response's
 * Date minus one second, as an IMF-fixdate. */
static void
ims_of(time_t date, char out[64])
{
	struct tm tm;

	date -= 1;
	gmtime_r(&date, &tm);
	strftime(out, 64, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static enum sync_outcome
fetch(struct sync_engine *e, const struct sync_pull_opts *o, int dsc_full, struct sync_set *s,
    struct sync_report *r)
{
	struct sync_resp resp;
	struct state st;
	struct sync_list delta = { NULL, 0 };
	enum sync_outcome out = SYNC_FAILED;
	char ims[64];
	int changed = 0, code, use_delta, have;
	time_t prev, now_date;
	unsigned long req0 = 0;
	unsigned long long b0 = 0;
	size_t i;

	memset(s, 0, sizeof(*s));
	memset(&resp, 0, sizeof(resp));
	state_load(e, &st);
	if (o->offline) {
		for (i = 0; i < NKINDS; i++)
			if (!st.have[kinds[i]]) {
				say(r, "--offline: no stored %s list in %s/state.json",
				    dgcg_cert_type_name(kinds[i]), e->c->dir);
				goto out;
			}
		for (i = 0; i < DGCG_CT__MAX; i++) {
			s->lists[i] = st.lists[i];
			memset(&st.lists[i], 0, sizeof(st.lists[i]));
			memcpy(s->etag[i], st.etag[i], sizeof(s->etag[i]));
			r->mode[i] = SYNC_MODE_STORED;
		}
		memcpy(s->date, st.date, sizeof(s->date));
		s->deltas = st.deltas;
		out = SYNC_UNCHANGED;
		goto judge;
	}
	if (http_up(e, r) != DGCG_OK)
		goto out;
	sync_http_stats(e->http, &req0, &b0);
	for (i = 0; i < NKINDS; i++) {
		enum dgcg_cert_type t = kinds[i];
		int cached = st.have[t] && !o->full && st.etag[t][0] != '\0';

		use_delta = 0;
		if (t == DGCG_CT_DSC) {
			prev = date_of(st.date);
			use_delta = e->c->deltas && !e->v2 && !o->full && !dsc_full && !changed &&
			    st.have[t] && prev > 0 && st.deltas < e->c->full_every;
			if (use_delta)
				ims_of(prev, ims);
			if (dsc_full)
				cached = 0;
		}
		sync_resp_free(&resp);
		code = get_list(e, t, use_delta ? NULL : cached ? st.etag[t] : NULL,
		    use_delta ? ims : NULL, use_delta, use_delta ? &delta : &s->lists[t], &resp, r);
		if (code == 0)
			goto out;
		have = st.have[t];
		if (use_delta && code == 200 && sync_list_has_malformed(&delta)) {
			/* a doubt: the whole list instead */
			sync_list_free(&delta);
			sync_resp_free(&resp);
			use_delta = 0;
			code = get_list(e, t, NULL, NULL, 0, &s->lists[t], &resp, r);
			if (code == 0)
				goto out;
			r->retried_full = 1;
		}
		if (code == 304) {
			if (!have) {
				say(r, "GET %s list: 304 without a stored list", dgcg_cert_type_name(t));
				goto out;
			}
			s->lists[t] = st.lists[t];
			memset(&st.lists[t], 0, sizeof(st.lists[t]));
			memcpy(s->etag[t], st.etag[t], sizeof(s->etag[t]));
			r->mode[t] = use_delta ? SYNC_MODE_DELTA : SYNC_MODE_NOT_MODIFIED;
			if (t == DGCG_CT_DSC)
				s->deltas = use_delta ? st.deltas + 1 : st.deltas;
		} else if (use_delta) {
			/* The stored list no longer is the one its ETag names
			 * once a delta changed it. */
			s->lists[t] = st.lists[t];
			memset(&st.lists[t], 0, sizeof(st.lists[t]));
			if (delta.n == 0)
				memcpy(s->etag[t], st.etag[t], sizeof(s->etag[t]));
			sync_list_merge(&s->lists[t], &delta);
			s->deltas = st.deltas + 1;
			r->mode[t] = SYNC_MODE_DELTA;
		} else {
			copy_str(s->etag[t], sizeof(s->etag[t]), resp.etag);
			r->mode[t] = SYNC_MODE_FULL;
			if (t != DGCG_CT_DSC)
				changed = 1;	/* a doubt for the DSC delta */
			else
				s->deltas = 0;
		}
		if (t == DGCG_CT_DSC) {
			/* The Date for the next delta; none, or one going
			 * backwards, means the next pull is a full one. */
			now_date = date_of(resp.date);
			prev = date_of(st.date);
			if (now_date > 0 && (prev <= 0 || now_date >= prev))
				copy_str(s->date, sizeof(s->date), resp.date);
			else
				s->date[0] = '\0';
		}
	}
	out = SYNC_UNCHANGED;
judge:
	e->pol.now = time(NULL);
	sync_verify(s->lists, e->ta, &e->pol, &s->v);
	sync_verified_counts(&s->v, r->verified, r->rejected, r->by_reason);
	r->judged = 1;
out:
	if (e->http != NULL) {
		unsigned long req;
		unsigned long long b;

		sync_http_stats(e->http, &req, &b);
		r->requests += req - req0;
		r->bytes += b - b0;
	}
	sync_list_free(&delta);
	sync_resp_free(&resp);
	state_free(&st);
	if (out == SYNC_FAILED)
		sync_set_free(s);
	r->outcome = out;
	return out;
}

enum sync_outcome
sync_fetch(struct sync_engine *e, const struct sync_pull_opts *o, struct sync_set *s,
    struct sync_report *r)
{
	return fetch(e, o, 0, s, r);
}

/* --- the guard ------------------------------------------------------------------------ */

int
sync_guard(const struct sync_list *cur, const struct sync_verified *v, unsigned max_shrink,
    size_t *dropped, char *why, size_t whysz)
{
	size_t verified[DGCG_CT__MAX], rejected[DGCG_CT__MAX], by[DGCG_ER__MAX];
	size_t i, j, n = 0;

	sync_verified_counts(v, verified, rejected, by);
	for (i = 0; i < cur->n; i++) {
		const struct sync_item *c = &cur->v[i];

		for (j = 0; j < v->n; j++)
			if (v->e[j].reason == DGCG_ER_OK && c->thumbprint != NULL && c->type != NULL &&
			    strcmp(v->e[j].thumb, c->thumbprint) == 0 &&
			    strcmp(dgcg_cert_type_name(v->e[j].list), c->type) == 0)
				break;
		if (j == v->n)
			n++;
	}
	*dropped = n;
	for (i = 0; i < NKINDS; i++)
		if (verified[kinds[i]] == 0) {
			snprintf(why, whysz, "the new list has no verified %s entry (%zu rejected)",
			    dgcg_cert_type_name(kinds[i]), rejected[kinds[i]]);
			return 1;
		}
	if (cur->n > 0 && (unsigned long long)n * 100 > (unsigned long long)max_shrink * cur->n) {
		snprintf(why, whysz, "the new list drops %zu of the %zu current entries "
		    "(more than max_shrink = %u %%)", n, cur->n, max_shrink);
		return 1;
	}
	why[0] = '\0';
	return 0;
}

/* --- publishing ------------------------------------------------------------------------ */

struct rendered {
	char	*trustlist, *rejected, *kids, *jwks;
	size_t	 tl, rl, kl, jl;
};

static void
rendered_free(struct rendered *d)
{
	free(d->trustlist);
	free(d->rejected);
	free(d->kids);
	free(d->jwks);
}

/* Writes a new generation directory; its name into gen. */
static int
write_generation(struct sync_engine *e, const struct sync_set *s, const struct rendered *d,
    char *gen, size_t gensz, struct sync_report *r)
{
	char stamp[32], *lists = path_join(e->c->dir, "lists"), *g = NULL, *pem = NULL, *f;
	char (*cc)[3] = NULL, name[16], *body;
	struct tm tm;
	time_t now = time(NULL);
	size_t i, ncc = 0, bl;
	int ok = 0;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (mkdir(lists, 0755) != 0 && errno != EEXIST) {
		say(r, "%s: %s", lists, strerror(errno));
		goto out;
	}
	for (i = 0; i < 1000; i++) {
		snprintf(gen, gensz, "%s-%ld-%zu", stamp, (long)getpid(), i);
		free(g);
		g = path_join(lists, gen);
		if (mkdir(g, 0755) == 0)
			break;
		if (errno != EEXIST) {
			say(r, "%s: %s", g, strerror(errno));
			goto out;
		}
	}
	pem = path_join(g, "pem");
	if (mkdir(pem, 0755) != 0) {
		say(r, "%s: %s", pem, strerror(errno));
		goto out;
	}
#define PUT(n, data, len) do {							\
		f = path_join(g, n);						\
		if (!write_file(f, data, len, 0)) {				\
			say(r, "%s: %s", f, strerror(errno));			\
			free(f);						\
			goto out;						\
		}								\
		free(f);							\
	} while (0)
	PUT("trustlist.json", d->trustlist, d->tl);
	PUT("rejected.json", d->rejected, d->rl);
	PUT("kids.json", d->kids, d->kl);
	PUT("jwks.json", d->jwks, d->jl);
#undef PUT
	cc = sync_render_countries(&s->v, &ncc);
	for (i = 0; i < ncc; i++) {
		snprintf(name, sizeof(name), "%s.pem", cc[i]);
		body = sync_render_pem(&s->v, cc[i], &bl);
		f = path_join(pem, name);
		ok = write_file(f, body, bl, 0);
		free(body);
		if (!ok) {
			say(r, "%s: %s", f, strerror(errno));
			free(f);
			goto out;
		}
		free(f);
	}
	fsync_dir(pem);
	fsync_dir(g);
	ok = 1;
out:
	if (!ok && g != NULL)
		rm_tree(g);
	free(cc);
	free(pem);
	free(g);
	free(lists);
	return ok;
}

/* Points DIR/name at lists/gen by rename(2) of a new link over it. */
static int
relink(struct sync_engine *e, const char *name, const char *gen)
{
	char target[512], tmpname[64];
	char *tmp, *dst;
	int ok;

	snprintf(target, sizeof(target), "lists/%s", gen);
	snprintf(tmpname, sizeof(tmpname), ".%s.%ld", name, (long)getpid());
	tmp = path_join(e->c->dir, tmpname);
	dst = path_join(e->c->dir, name);
	unlink(tmp);
	ok = symlink(target, tmp) == 0 && rename(tmp, dst) == 0;
	if (!ok)
		unlink(tmp);
	free(tmp);
	free(dst);
	return ok;
}

/* The generation a link names ("" when none). */
static void
link_gen(struct sync_engine *e, const char *name, char *gen, size_t gensz)
{
	char *p = path_join(e->c->dir, name), buf[512];
	ssize_t n = readlink(p, buf, sizeof(buf) - 1);

	gen[0] = '\0';
	if (n > 6 && (size_t)n - 6 < gensz && strncmp(buf, "lists/", 6) == 0) {
		memcpy(gen, buf + 6, (size_t)n - 6);
		gen[n - 6] = '\0';
	}
	free(p);
}

/* Removes lists/ entries other than keep1 and keep2. */
static void
prune(struct sync_engine *e, const char *keep1, const char *keep2)
{
	char *lists = path_join(e->c->dir, "lists"), *p;
	struct dirent *de;
	DIR *d = opendir(lists);

	if (d != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.' || strcmp(de->d_name, keep1) == 0 ||
			    strcmp(de->d_name, keep2) == 0)
				continue;
			p = path_join(lists, de->d_name);
			rm_tree(p);
			free(p);
		}
		closedir(d);
	}
	free(lists);
}

/* 1 when DIR/current/name holds exactly data. */
static int
same_as_current(struct sync_engine *e, const char *name, const char *data, size_t len)
{
	char rel[64], *p, *cur;
	size_t n;
	int same;

	snprintf(rel, sizeof(rel), "current/%s", name);
	p = path_join(e->c->dir, rel);
	cur = read_file(p, &n);
	free(p);
	same = cur != NULL && n == len && memcmp(cur, data, len) == 0;
	free(cur);
	return same;
}

enum sync_outcome
sync_publish(struct sync_engine *e, const struct sync_pull_opts *o, struct sync_set *s,
    struct sync_report *r)
{
	struct sync_list cur = { NULL, 0 };
	struct rendered d;
	struct stat sb;
	char *p, *text = NULL, why[256], gen[128], old[128];
	enum sync_outcome out = SYNC_FAILED;
	size_t len;
	int refuse;

	memset(&d, 0, sizeof(d));
	/* DIR/current: none yet, or a link to a generation we wrote. */
	p = path_join(e->c->dir, "current");
	if (lstat(p, &sb) == 0 && !S_ISLNK(sb.st_mode)) {
		say(r, "%s is not a symbolic link (not made by dgcg-sync)", p);
		free(p);
		goto out;
	}
	free(p);
	p = path_join(e->c->dir, "current/trustlist.json");
	text = read_file(p, &len);
	if (text == NULL && errno != ENOENT) {
		say(r, "%s: %s", p, strerror(errno));
		free(p);
		goto out;
	}
	if (text != NULL && sync_list_parse(text, len, SYNC_FMT_STORED, 0, &cur, why,
	    sizeof(why)) != DGCG_OK) {
		say(r, "%s: %s", p, why);
		free(p);
		goto out;
	}
	free(p);
	r->current = cur.n;
	d.trustlist = sync_render_trustlist(&s->v, &d.tl);
	d.rejected = sync_render_rejected(&s->v, &d.rl);
	refuse = sync_guard(&cur, &s->v, e->c->max_shrink, &r->dropped, why, sizeof(why));
	if (text != NULL && same_as_current(e, "trustlist.json", d.trustlist, d.tl) &&
	    same_as_current(e, "rejected.json", d.rejected, d.rl)) {
		out = SYNC_UNCHANGED;
		say(r, "the list is the current one");
		goto state;
	}
	if (refuse && !o->accept_shrink) {
		out = SYNC_REFUSED;
		say(r, "%s; DIR/current kept (--accept-shrink publishes it)", why);
		goto state;
	}
	d.kids = sync_render_kids(&s->v, &d.kl);
	d.jwks = sync_render_jwks(&s->v, &d.jl, NULL);
	if (!write_generation(e, s, &d, gen, sizeof(gen), r))
		goto out;
	link_gen(e, "current", old, sizeof(old));
	if (!relink(e, "current", gen)) {
		say(r, "%s/current: %s", e->c->dir, strerror(errno));
		goto out;
	}
	if (old[0] != '\0')
		(void)relink(e, "previous", old);
	fsync_dir(e->c->dir);
	prune(e, gen, old);
	out = SYNC_UPDATED;
	if (refuse)
		say(r, "published with --accept-shrink although %s", why);
	else
		say(r, "published lists/%s", gen);
state:
	if (!o->offline && !state_save(e, s))
		dgcg_log(DGCG_LOG_WARN, "sync", "cannot write state.json", strerror(errno), NULL);
out:
	rendered_free(&d);
	sync_list_free(&cur);
	free(text);
	r->outcome = out;
	return out;
}

enum sync_outcome
sync_pull(struct sync_engine *e, const struct sync_pull_opts *o, struct sync_report *r)
{
	struct sync_set s;
	struct sync_list cur = { NULL, 0 };
	enum sync_outcome out;
	char why[256], *p, *text;
	size_t len, dropped;

	memset(r, 0, sizeof(*r));
	out = fetch(e, o, 0, &s, r);
	if (out == SYNC_FAILED)
		goto status;
	/* A delta whose result the guard would refuse is a doubt: the whole
	 * DSC list decides (the CSCA and UPLOAD lists cost a 304). */
	if (r->mode[DGCG_CT_DSC] == SYNC_MODE_DELTA && !o->accept_shrink) {
		p = path_join(e->c->dir, "current/trustlist.json");
		text = read_file(p, &len);
		free(p);
		if (text != NULL && sync_list_parse(text, len, SYNC_FMT_STORED, 0, &cur, why,
		    sizeof(why)) == DGCG_OK && sync_guard(&cur, &s.v, e->c->max_shrink, &dropped,
		    why, sizeof(why))) {
			sync_set_free(&s);
			memset(r->mode, 0, sizeof(r->mode));
			out = fetch(e, o, 1, &s, r);
			r->retried_full = 1;
		}
		sync_list_free(&cur);
		free(text);
		if (out == SYNC_FAILED)
			goto status;
	}
	out = sync_publish(e, o, &s, r);
	sync_set_free(&s);
status:
	sync_write_status(e, r);
	return out;
}

/* --- status.json and metrics.prom ------------------------------------------------------- */

/* The verified entries by type in DIR/current. */
static void
current_counts(struct sync_engine *e, size_t n[DGCG_CT__MAX])
{
	struct sync_list cur = { NULL, 0 };
	char *p = path_join(e->c->dir, "current/trustlist.json"), *text, why[64];
	size_t len, i;
	enum dgcg_cert_type t;

	memset(n, 0, DGCG_CT__MAX * sizeof(*n));
	text = read_file(p, &len);
	free(p);
	if (text != NULL && sync_list_parse(text, len, SYNC_FMT_STORED, 0, &cur, why,
	    sizeof(why)) == DGCG_OK)
		for (i = 0; i < cur.n; i++)
			if (cur.v[i].type != NULL &&
			    (t = dgcg_cert_type_parse(cur.v[i].type)) != DGCG_CT__MAX)
				n[t]++;
	sync_list_free(&cur);
	free(text);
}

/* A time member of the previous status.json, or "". */
static void
previous(struct sync_engine *e, const char *name, char *out, size_t outsz)
{
	struct dgcg_jv *root = NULL;
	char *p = path_join(e->c->dir, "status.json"), *text;
	size_t len;

	out[0] = '\0';
	text = read_file(p, &len);
	free(p);
	if (text != NULL && dgcg_json_parse(text, len, 8, &root, NULL, 0) == DGCG_OK)
		copy_str(out, outsz, dgcg_jv_str(root, name));
	dgcg_jv_free(root);
	free(text);
}

void
sync_write_status(struct sync_engine *e, const struct sync_report *r)
{
	struct json_object *o = json_object_new_object(), *x, *y;
	char now[DGCG_TIME_LEN + 1], last_ok[32], last_up[32], *p, line[256];
	size_t cur[DGCG_CT__MAX], i, n, cap = 8192;
	const char *text;
	char *m = xmalloc(cap);
	time_t t = time(NULL), tok;

	dgcg_time_format(t, now);
	previous(e, "lastSuccess", last_ok, sizeof(last_ok));
	previous(e, "lastUpdate", last_up, sizeof(last_up));
	if (r->outcome == SYNC_UPDATED || r->outcome == SYNC_UNCHANGED)
		copy_str(last_ok, sizeof(last_ok), now);
	if (r->outcome == SYNC_UPDATED)
		copy_str(last_up, sizeof(last_up), now);
	current_counts(e, cur);
	json_object_object_add(o, "result", json_object_new_string(sync_outcome_name(r->outcome)));
	json_object_object_add(o, "exitStatus", json_object_new_int((int)r->outcome));
	json_object_object_add(o, "message", json_object_new_string(r->message));
	json_object_object_add(o, "time", json_object_new_string(now));
	json_object_object_add(o, "lastSuccess", last_ok[0] ? json_object_new_string(last_ok) : NULL);
	json_object_object_add(o, "lastUpdate", last_up[0] ? json_object_new_string(last_up) : NULL);
	json_object_object_add(o, "url", json_object_new_string(e->c->url ? e->c->url : ""));
	json_object_object_add(o, "api", json_object_new_string(e->c->api));
	x = json_object_new_object();
	for (i = 0; i < NKINDS; i++)
		json_object_object_add(x, dgcg_cert_type_name(kinds[i]),
		    json_object_new_int64((int64_t)cur[kinds[i]]));
	json_object_object_add(o, "current", x);
	if (r->judged) {
		x = json_object_new_object();
		y = json_object_new_object();
		for (i = 0; i < NKINDS; i++) {
			json_object_object_add(x, dgcg_cert_type_name(kinds[i]),
			    json_object_new_int64((int64_t)r->verified[kinds[i]]));
			json_object_object_add(y, dgcg_cert_type_name(kinds[i]),
			    json_object_new_int64((int64_t)r->rejected[kinds[i]]));
		}
		json_object_object_add(o, "verified", x);
		json_object_object_add(o, "rejected", y);
		x = json_object_new_object();
		for (i = 1; i < DGCG_ER__MAX; i++)
			if (r->by_reason[i] > 0)
				json_object_object_add(x, dgcg_er_code((enum dgcg_er)i),
				    json_object_new_int64((int64_t)r->by_reason[i]));
		json_object_object_add(o, "rejectedByReason", x);
		x = json_object_new_object();
		json_object_object_add(x, "current", json_object_new_int64((int64_t)r->current));
		json_object_object_add(x, "dropped", json_object_new_int64((int64_t)r->dropped));
		json_object_object_add(x, "maxShrink", json_object_new_int((int)e->c->max_shrink));
		json_object_object_add(o, "guard", x);
	}
	x = json_object_new_object();
	json_object_object_add(x, "requests", json_object_new_int64((int64_t)r->requests));
	json_object_object_add(x, "bytes", json_object_new_int64((int64_t)r->bytes));
	y = json_object_new_object();
	for (i = 0; i < NKINDS; i++)
		json_object_object_add(y, dgcg_cert_type_name(kinds[i]),
		    json_object_new_string(sync_mode_name(r->mode[kinds[i]])));
	json_object_object_add(x, "lists", y);
	json_object_object_add(x, "retriedFull", json_object_new_boolean(r->retried_full));
	json_object_object_add(o, "transfer", x);
	text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	p = path_join(e->c->dir, "status.json");
	if (!write_file(p, text, n, 1))
		dgcg_log(DGCG_LOG_WARN, "sync", "cannot write status.json", strerror(errno), NULL);
	free(p);
	json_object_put(o);

	/* metrics.prom: Prometheus text format (node_exporter's textfile
	 * collector reads such a file). */
	n = 0;
#define M(...) do {								\
		snprintf(line, sizeof(line), __VA_ARGS__);			\
		if (n + strlen(line) + 1 > cap)					\
			m = xrealloc(m, cap *= 2);				\
		memcpy(m + n, line, strlen(line));				\
		n += strlen(line);						\
	} while (0)
	M("# HELP dgcg_sync_result Outcome of the last pull: 0 updated, 1 unchanged, 2 refused, 3 failed.\n");
	M("# TYPE dgcg_sync_result gauge\ndgcg_sync_result %d\n", (int)r->outcome);
	M("# HELP dgcg_sync_last_attempt_timestamp_seconds When the last pull ended.\n");
	M("# TYPE dgcg_sync_last_attempt_timestamp_seconds gauge\n");
	M("dgcg_sync_last_attempt_timestamp_seconds %lld\n", (long long)t);
	if (last_ok[0] != '\0' && dgcg_time_parse_iso(last_ok, &tok, NULL) == DGCG_OK) {
		M("# HELP dgcg_sync_last_success_timestamp_seconds When a pull last ended updated or unchanged.\n");
		M("# TYPE dgcg_sync_last_success_timestamp_seconds gauge\n");
		M("dgcg_sync_last_success_timestamp_seconds %lld\n", (long long)tok);
	}
	M("# HELP dgcg_sync_entries Verified entries in DIR/current.\n# TYPE dgcg_sync_entries gauge\n");
	for (i = 0; i < NKINDS; i++)
		M("dgcg_sync_entries{type=\"%s\"} %zu\n", dgcg_cert_type_name(kinds[i]), cur[kinds[i]]);
	if (r->judged) {
		M("# HELP dgcg_sync_rejected Entries the last pull rejected, by reason.\n");
		M("# TYPE dgcg_sync_rejected gauge\n");
		for (i = 1; i < DGCG_ER__MAX; i++)
			M("dgcg_sync_rejected{reason=\"%s\"} %zu\n", dgcg_er_code((enum dgcg_er)i),
			    r->by_reason[i]);
	}
	M("# HELP dgcg_sync_last_requests HTTP requests of the last pull.\n");
	M("# TYPE dgcg_sync_last_requests gauge\ndgcg_sync_last_requests %lu\n", r->requests);
	M("# HELP dgcg_sync_last_bytes Bytes received by the last pull (headers and bodies).\n");
	M("# TYPE dgcg_sync_last_bytes gauge\ndgcg_sync_last_bytes %llu\n", r->bytes);
#undef M
	p = path_join(e->c->dir, "metrics.prom");
	if (!write_file(p, m, n, 1))
		dgcg_log(DGCG_LOG_WARN, "sync", "cannot write metrics.prom", strerror(errno), NULL);
	free(p);
	free(m);
}
