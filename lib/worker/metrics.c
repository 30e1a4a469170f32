/* metrics.c: the metric table, the shared counter region and the text
 * exposition (metrics.h). */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/utf8.h"
#include "base/xmalloc.h"
#include "worker/metrics.h"

#define CTR DGCG_MT_COUNTER
#define GAU DGCG_MT_GAUGE

/* The one table of metrics: what doc/operator-guide.txt (Metrics) and the
 * README document, row by row. Label values come from the tables they
 * name: routes from fcgi/route.c's, problems from lib/domain/problem.c's,
 * caches from lib/worker/cache.c's, tables from lib/store/data_version.c's. */
static const struct dgcg_metric_info table[DGCG_M__MAX] = {
	[DGCG_M_REQUESTS] = { "dgcg_requests_total", CTR,
	    "Requests the workers answered, by method, route (the route table's pattern, "
	    "unmatched for an unknown path) and HTTP status.",
	    3, { "method", "route", "status" } },
	[DGCG_M_PROBLEMS] = { "dgcg_problems_total", CTR,
	    "Problem reports the workers answered, by code and problem table row.",
	    2, { "code", "name" } },
	[DGCG_M_WRITES] = { "dgcg_writes_total", CTR,
	    "Uploads and deletes, by resource, operation and outcome (ok: 2xx, "
	    "rejected: 4xx, error: 5xx).",
	    3, { "resource", "operation", "outcome" } },
	[DGCG_M_DB_ERRORS] = { "dgcg_db_errors_total", CTR,
	    "Database failures, by kind: connect, statement, transaction.",
	    1, { "kind" } },
	[DGCG_M_DB_RECONNECTS] = { "dgcg_db_reconnects_total", CTR,
	    "Database connections a worker opened again after its first.",
	    0, { NULL } },
	[DGCG_M_DB_TX_RERUNS] = { "dgcg_db_tx_reruns_total", CTR,
	    "Transactions run again after a deadlock, a lock wait timeout or a Galera "
	    "certification conflict.",
	    0, { NULL } },
	[DGCG_M_CACHE_HITS] = { "dgcg_cache_hits_total", CTR,
	    "Lookups a worker cache answered, by cache kind.",
	    1, { "cache" } },
	[DGCG_M_CACHE_MISSES] = { "dgcg_cache_misses_total", CTR,
	    "Lookups a worker cache could not answer, by cache kind.",
	    1, { "cache" } },
	[DGCG_M_WORKER_STARTS] = { "dgcg_worker_starts_total", CTR,
	    "Workers that started and attached the counters.",
	    0, { NULL } },
	[DGCG_M_DROPPED] = { "dgcg_metrics_dropped_total", CTR,
	    "Counter increments lost because the shared region had no slot for their labels.",
	    0, { NULL } },
	[DGCG_M_SHARED] = { "dgcg_metrics_shared", GAU,
	    "1 when the counters are the host's (metrics_file attached), 0 when they are "
	    "only the answering worker's.",
	    0, { NULL } },
	[DGCG_M_DB_UP] = { "dgcg_database_up", GAU,
	    "1 when the answering worker could read the database for this scrape, else 0 "
	    "(and the database gauges are left out).",
	    0, { NULL } },
	[DGCG_M_DATA_GENERATION] = { "dgcg_data_generation", GAU,
	    "The data generation served: each table's change counter (data_version).",
	    1, { "table" } },
	[DGCG_M_TP_VERIFIED] = { "dgcg_trusted_party_verified", GAU,
	    "trusted_party rows that pass the trust-anchor integrity check, by type and "
	    "country (0 for a type a listed country lacks).",
	    2, { "type", "country" } },
	[DGCG_M_TP_FAILING] = { "dgcg_trusted_party_failing", GAU,
	    "trusted_party rows that fail the trust-anchor integrity check, by type and country.",
	    2, { "type", "country" } },
	[DGCG_M_CERT_EXPIRY] = { "dgcg_certificate_expiry_seconds", GAU,
	    "Seconds until notAfter of each verified AUTHENTICATION, UPLOAD and CSCA "
	    "certificate (negative once expired).",
	    3, { "country", "type", "thumbprint" } },
	[DGCG_M_DSC_EXPIRY] = { "dgcg_dsc_earliest_expiry_seconds", GAU,
	    "Seconds until the earliest notAfter among the DSCs a country has in the trust "
	    "list (negative once expired).",
	    1, { "country" } },
};

const struct dgcg_metric_info *
dgcg_metric_info(enum dgcg_metric m)
{
	return (unsigned)m < DGCG_M__MAX ? &table[m] : NULL;
}

/* --- the shared region ------------------------------------------------------ */

#define MAGIC		"DGCGMTR\n"	/* 8 bytes, no NUL */
#define LAYOUT		1u
#define HDR_SIZE	4096u
#define TOTALS_MAX	64

enum { SLOT_FREE = 0, SLOT_BUSY, SLOT_READY };

/* One label set of one counter. key: the metric's index + 1 in one byte,
 * then each label value NUL-terminated; written once, before state becomes
 * READY (release), and never again. */
struct slot {
	_Atomic uint32_t state;
	uint8_t		 klen;
	uint8_t		 pad[3];
	char		 key[DGCG_METRICS_KEY_MAX];
	_Atomic uint64_t value;
};

struct header {
	char		 magic[8];
	uint32_t	 layout;
	uint32_t	 slot_size;
	uint32_t	 nslots;
	uint32_t	 pad;
	uint64_t	 table_hash;	/* of the counters' names and labels */
	int64_t		 created;	/* time(NULL) when made */
	_Atomic uint64_t dropped;
};

_Static_assert(sizeof(struct slot) == 128, "a slot is 128 bytes");
_Static_assert(sizeof(struct header) <= HDR_SIZE, "the header fits its page");
_Static_assert((DGCG_METRICS_SLOTS & (DGCG_METRICS_SLOTS - 1)) == 0, "slots: a power of two");
_Static_assert(DGCG_METRICS_KEY_MAX <= 255, "klen is a byte");

#define REGION_SIZE	((size_t)HDR_SIZE + (size_t)DGCG_METRICS_SLOTS * sizeof(struct slot))

/* A running total this process reports (dgcg_metrics_total). */
struct total {
	char		 key[DGCG_METRICS_KEY_MAX];
	size_t		 klen;
	uint64_t	 last;
};

struct dgcg_metrics {
	void		*base;
	struct header	*hdr;
	struct slot	*slots;
	int		 shared;
	struct total	 totals[TOTALS_MAX];
	size_t		 ntotals;
};

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ULL;
	return h;
}

/* The metric table's fingerprint: a region made for another table (a
 * counter added, a label renamed) is of another layout. */
static uint64_t
table_hash(void)
{
	uint64_t h = 1469598103934665603ULL;
	unsigned id, l;

	for (id = 0; id < DGCG_M__MAX; id++) {
		if (table[id].type != DGCG_MT_COUNTER)
			continue;
		h = fnv(h, &id, sizeof(id));
		h = fnv(h, table[id].name, strlen(table[id].name) + 1);
		for (l = 0; l < table[id].nlabels; l++)
			h = fnv(h, table[id].labels[l], strlen(table[id].labels[l]) + 1);
	}
	return h;
}

static void
header_init(void *base)
{
	struct header *h = base;

	h->layout = LAYOUT;
	h->slot_size = (uint32_t)sizeof(struct slot);
	h->nslots = DGCG_METRICS_SLOTS;
	h->table_hash = table_hash();
	h->created = (int64_t)time(NULL);
	atomic_store(&h->dropped, 0);
	memcpy(h->magic, MAGIC, 8);	/* last: what makes the file ours */
}

enum fstate { FS_OURS, FS_EMPTY, FS_OTHER_LAYOUT, FS_FOREIGN };

/* What the open file fd of size sz holds. */
static enum fstate
file_state(int fd, off_t sz)
{
	struct header h;
	static const char zero[sizeof(struct header)];

	if (sz == 0)
		return FS_EMPTY;
	if ((size_t)sz < sizeof(h))
		return FS_FOREIGN;
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return FS_FOREIGN;
	if (memcmp(h.magic, MAGIC, 8) != 0) {
		/* Sized but no header: a creation cut short. */
		if ((size_t)sz == REGION_SIZE && memcmp(&h, zero, sizeof(h)) == 0)
			return FS_EMPTY;
		return FS_FOREIGN;
	}
	if ((size_t)sz != REGION_SIZE || h.layout != LAYOUT ||
	    h.slot_size != sizeof(struct slot) || h.nslots != DGCG_METRICS_SLOTS ||
	    h.table_hash != table_hash())
		return FS_OTHER_LAYOUT;
	return FS_OURS;
}

/* Sizes the file fd to a region (its blocks allocated: a full disk fails
 * here, not as SIGBUS later) and maps it; with init, writes the header. */
static void *
map_fd(int fd, int size_it, const char *path, char *err, size_t errsz)
{
	void *p;
	int e;

	if (size_it && (e = posix_fallocate(fd, 0, (off_t)REGION_SIZE)) != 0) {
		snprintf(err, errsz, "%s: cannot size the metrics region: %s", path, strerror(e));
		return NULL;
	}
	p = mmap(NULL, REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		snprintf(err, errsz, "%s: mmap: %s", path, strerror(errno));
		return NULL;
	}
	if (size_it)
		header_init(p);
	return p;
}

/* A fresh region under a temporary name beside path, renamed over it.
 * Returns its descriptor, or -1 with err set. */
static int
replace_file(const char *path, char *err, size_t errsz)
{
	char tmp[4096];
	void *p;
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new.%ld", path, (long)getpid()) >= sizeof(tmp)) {
		snprintf(err, errsz, "%s: path too long", path);
		return -1;
	}
	(void)unlink(tmp);
	fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if ((p = map_fd(fd, 1, tmp, err, errsz)) == NULL)
		goto fail;
	munmap(p, REGION_SIZE);
	if (rename(tmp, path) != 0) {
		snprintf(err, errsz, "%s: rename: %s", path, strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	(void)unlink(tmp);
	return -1;
}

/* Opens path locked (LOCK_EX), making sure the descriptor is still the
 * file the path names (another worker may have renamed a new one over it
 * while this one waited for the lock). */
static int
open_locked(const char *path, struct stat *st, char *err, size_t errsz)
{
	struct stat now;
	int fd, tries;

	for (tries = 0; tries < 16; tries++) {
		fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			return -1;
		}
		if (flock(fd, LOCK_EX) != 0 || fstat(fd, st) != 0) {
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (stat(path, &now) == 0 && now.st_dev == st->st_dev && now.st_ino == st->st_ino)
			return fd;
		close(fd);
	}
	snprintf(err, errsz, "%s: keeps being replaced", path);
	return -1;
}

static enum dgcg_err
attach_file(const char *path, void **base, char *err, size_t errsz)
{
	enum dgcg_err rc = DGCG_ERR_IO;
	struct stat st;
	int fd, nfd;
	void *p = NULL;

	if ((fd = open_locked(path, &st, err, errsz)) < 0)
		return DGCG_ERR_IO;
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file", path);
		rc = DGCG_ERR_CONFIG;
		goto out;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, errsz, "%s: owned by uid %lu, not by this worker's uid %lu", path,
		    (unsigned long)st.st_uid, (unsigned long)geteuid());
		rc = DGCG_ERR_CONFIG;
		goto out;
	}
	switch (file_state(fd, st.st_size)) {
	case FS_OURS:
		p = map_fd(fd, 0, path, err, errsz);
		break;
	case FS_EMPTY:
		p = map_fd(fd, 1, path, err, errsz);
		break;
	case FS_OTHER_LAYOUT:
		/* The lock on the old file is held until the new one is in
		 * place: a worker waiting for it then finds the new one. */
		if ((nfd = replace_file(path, err, errsz)) >= 0) {
			p = map_fd(nfd, 0, path, err, errsz);
			close(nfd);
		}
		break;
	case FS_FOREIGN:
		snprintf(err, errsz, "%s: not a dgcg metrics region (left as it is)", path);
		rc = DGCG_ERR_CONFIG;
		goto out;
	}
	if (p != NULL) {
		*base = p;
		rc = DGCG_OK;
	}
out:
	(void)flock(fd, LOCK_UN);
	close(fd);
	return rc;
}

enum dgcg_err
dgcg_metrics_open(const char *path, struct dgcg_metrics **out, char *err, size_t errsz)
{
	struct dgcg_metrics *m;
	enum dgcg_err rc;
	void *base = NULL;

	*out = NULL;
	if (path == NULL) {
		base = mmap(NULL, REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		    -1, 0);
		if (base == MAP_FAILED) {
			snprintf(err, errsz, "mmap: %s", strerror(errno));
			return DGCG_ERR_NOMEM;
		}
		header_init(base);
	} else if ((rc = attach_file(path, &base, err, errsz)) != DGCG_OK)
		return rc;
	m = xcalloc(1, sizeof(*m));
	m->base = base;
	m->hdr = base;
	m->slots = (struct slot *)(void *)((char *)base + HDR_SIZE);
	m->shared = path != NULL;
	if (!atomic_is_lock_free(&m->hdr->dropped)) {
		/* Another process cannot share a lock inside libatomic. */
		snprintf(err, errsz, "64-bit atomics are not lock-free on this machine");
		dgcg_metrics_close(m);
		return DGCG_ERR_CONFIG;
	}
	*out = m;
	return DGCG_OK;
}

void
dgcg_metrics_close(struct dgcg_metrics *m)
{
	if (m == NULL)
		return;
	munmap(m->base, REGION_SIZE);
	free(m);
}

int
dgcg_metrics_shared(const struct dgcg_metrics *m)
{
	return m != NULL && m->shared;
}

/* The slot key of counter id with values: 1, or 0 when it does not fit. */
static int
make_key(enum dgcg_metric id, const char *const *values, char key[DGCG_METRICS_KEY_MAX],
    size_t *klen)
{
	size_t n = 1, l, i;
	const char *v;

	key[0] = (char)(id + 1);
	for (i = 0; i < table[id].nlabels; i++) {
		v = values != NULL && values[i] != NULL ? values[i] : "";
		l = strlen(v) + 1;
		if (l > DGCG_METRICS_KEY_MAX - n)
			return 0;
		memcpy(key + n, v, l);
		n += l;
	}
	*klen = n;
	return 1;
}

/* The slot of key, claimed when new; NULL when the region is full.
 * NOTE: a slot another process is claiming (BUSY) is waited for briefly,
 * then passed over (its claimer may have died): the same key may then get a
 * second slot, which the reading side adds up. */
static struct slot *
slot_for(struct dgcg_metrics *m, const char *key, size_t klen)
{
	const size_t mask = DGCG_METRICS_SLOTS - 1;
	struct slot *s;
	uint32_t st, want;
	size_t i, probe;
	int spin;

	i = (size_t)fnv(1469598103934665603ULL, key, klen) & mask;
	for (probe = 0; probe < DGCG_METRICS_SLOTS; probe++, i = (i + 1) & mask) {
		s = &m->slots[i];
		st = atomic_load_explicit(&s->state, memory_order_acquire);
		if (st == SLOT_FREE) {
			want = SLOT_FREE;
			if (atomic_compare_exchange_strong_explicit(&s->state, &want, SLOT_BUSY,
			    memory_order_acq_rel, memory_order_acquire)) {
				memcpy(s->key, key, klen);
				s->klen = (uint8_t)klen;
				atomic_store_explicit(&s->state, SLOT_READY, memory_order_release);
				return s;
			}
			st = want;
		}
		for (spin = 0; st == SLOT_BUSY && spin < 16; spin++) {
			sched_yield();
			st = atomic_load_explicit(&s->state, memory_order_acquire);
		}
		if (st == SLOT_READY && s->klen == klen && memcmp(s->key, key, klen) == 0)
			return s;
	}
	return NULL;
}

static void
add_key(struct dgcg_metrics *m, const char *key, size_t klen, uint64_t n)
{
	struct slot *s;

	if ((s = slot_for(m, key, klen)) == NULL)
		atomic_fetch_add_explicit(&m->hdr->dropped, n, memory_order_relaxed);
	else
		atomic_fetch_add_explicit(&s->value, n, memory_order_relaxed);
}

void
dgcg_metrics_add(struct dgcg_metrics *m, enum dgcg_metric id, const char *const *values,
    uint64_t n)
{
	char key[DGCG_METRICS_KEY_MAX];
	size_t klen;

	assert((unsigned)id < DGCG_M__MAX && table[id].type == DGCG_MT_COUNTER);
	if (m == NULL)
		return;
	if (id == DGCG_M_DROPPED || !make_key(id, values, key, &klen)) {
		atomic_fetch_add_explicit(&m->hdr->dropped, n, memory_order_relaxed);
		return;
	}
	add_key(m, key, klen, n);
}

void
dgcg_metrics_total(struct dgcg_metrics *m, enum dgcg_metric id, const char *const *values,
    uint64_t total)
{
	char key[DGCG_METRICS_KEY_MAX];
	struct total *t = NULL;
	uint64_t delta;
	size_t klen, i;
	int first = 0;

	assert((unsigned)id < DGCG_M__MAX && table[id].type == DGCG_MT_COUNTER);
	if (m == NULL)
		return;
	if (id == DGCG_M_DROPPED || !make_key(id, values, key, &klen)) {
		atomic_fetch_add_explicit(&m->hdr->dropped, 1, memory_order_relaxed);
		return;
	}
	for (i = 0; i < m->ntotals && t == NULL; i++)
		if (m->totals[i].klen == klen && memcmp(m->totals[i].key, key, klen) == 0)
			t = &m->totals[i];
	if (t == NULL) {
		if (m->ntotals == TOTALS_MAX) {
			atomic_fetch_add_explicit(&m->hdr->dropped, 1, memory_order_relaxed);
			return;
		}
		t = &m->totals[m->ntotals++];
		memcpy(t->key, key, klen);
		t->klen = klen;
		t->last = 0;
		first = 1;
	}
	delta = total >= t->last ? total - t->last : total;
	t->last = total;
	/* The first report makes the slot, 0 or not: the series then exists
	 * before its first increment. */
	if (delta > 0 || first)
		add_key(m, key, klen, delta);
}

/* Splits a slot key into its counter and label values; 0 when the slot
 * does not hold a well-formed key of a counter (a damaged file). */
static int
split_key(const char *key, size_t klen, enum dgcg_metric *id, const char *values[])
{
	size_t off = 1, i, l;
	unsigned c;

	if (klen < 1 || klen > DGCG_METRICS_KEY_MAX)
		return 0;
	c = (unsigned char)key[0];
	if (c < 1 || c > DGCG_M__MAX || table[c - 1].type != DGCG_MT_COUNTER)
		return 0;
	*id = (enum dgcg_metric)(c - 1);
	for (i = 0; i < table[*id].nlabels; i++) {
		if (off >= klen || (l = strnlen(key + off, klen - off)) == klen - off)
			return 0;
		values[i] = key + off;
		off += l + 1;
	}
	return off == klen;
}

uint64_t
dgcg_metrics_get(const struct dgcg_metrics *m, enum dgcg_metric id, const char *const *values)
{
	char key[DGCG_METRICS_KEY_MAX];
	const struct slot *s;
	uint64_t sum = 0;
	size_t klen, i;

	if (m == NULL || (unsigned)id >= DGCG_M__MAX || table[id].type != DGCG_MT_COUNTER)
		return 0;
	if (id == DGCG_M_DROPPED)
		return atomic_load(&m->hdr->dropped);
	if (!make_key(id, values, key, &klen))
		return 0;
	for (i = 0; i < DGCG_METRICS_SLOTS; i++) {
		s = &m->slots[i];
		if (atomic_load_explicit(&s->state, memory_order_acquire) == SLOT_READY &&
		    s->klen == klen && memcmp(s->key, key, klen) == 0)
			sum += atomic_load_explicit(&s->value, memory_order_relaxed);
	}
	return sum;
}

/* --- the exposition ----------------------------------------------------------- */

struct buf {
	char	*p;
	size_t	 len, cap;
};

struct dgcg_expo {
	struct buf	 per[DGCG_M__MAX];
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 1024;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
buf_printf(struct buf *b, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		buf_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* s escaped for the format: backslash, and with quote a double quote, and
 * newline; invalid UTF-8 as U+FFFD. */
static void
escape(struct buf *b, const char *s, int quote)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, q;

	while (i < n) {
		if (p[i] == '\\') {
			buf_add(b, "\\\\", 2);
			i++;
		} else if (p[i] == '\n') {
			buf_add(b, "\\n", 2);
			i++;
		} else if (quote && p[i] == '"') {
			buf_add(b, "\\\"", 2);
			i++;
		} else if ((q = dgcg_utf8_seq(p + i, n - i)) == 0) {
			buf_add(b, "\xef\xbf\xbd", 3);
			i++;
		} else {
			buf_add(b, (const char *)p + i, q);
			i += q;
		}
	}
}

/* The start of a sample line: name{label="value",...} and a space. */
static void
sample_head(struct dgcg_expo *x, enum dgcg_metric id, const char *const *values)
{
	const struct dgcg_metric_info *mi = &table[id];
	struct buf *b = &x->per[id];
	unsigned i;

	buf_str(b, mi->name);
	for (i = 0; i < mi->nlabels; i++) {
		buf_str(b, i == 0 ? "{" : ",");
		buf_str(b, mi->labels[i]);
		buf_str(b, "=\"");
		escape(b, values != NULL && values[i] != NULL ? values[i] : "", 1);
		buf_str(b, "\"");
	}
	buf_str(b, mi->nlabels > 0 ? "} " : " ");
}

struct dgcg_expo *
dgcg_expo_new(void)
{
	return xcalloc(1, sizeof(struct dgcg_expo));
}

void
dgcg_expo_gauge(struct dgcg_expo *x, enum dgcg_metric id, const char *const *values, long long v)
{
	assert((unsigned)id < DGCG_M__MAX && table[id].type == DGCG_MT_GAUGE);
	sample_head(x, id, values);
	buf_printf(&x->per[id], "%lld\n", v);
}

struct sample {
	const char	*key;
	size_t		 klen;
	uint64_t	 v;
};

static int
sample_cmp(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);

	if (c != 0)
		return c;
	return x->klen < y->klen ? -1 : x->klen > y->klen;
}

void
dgcg_expo_counters(struct dgcg_expo *x, const struct dgcg_metrics *m)
{
	const char *values[DGCG_METRIC_LABELS_MAX];
	struct sample *v;
	const struct slot *s;
	enum dgcg_metric id;
	int seen[DGCG_M__MAX];
	size_t n = 0, i, j;
	uint64_t sum;

	if (m == NULL)
		return;
	memset(seen, 0, sizeof(seen));
	v = xcalloc(DGCG_METRICS_SLOTS, sizeof(*v));
	for (i = 0; i < DGCG_METRICS_SLOTS; i++) {
		s = &m->slots[i];
		if (atomic_load_explicit(&s->state, memory_order_acquire) != SLOT_READY)
			continue;
		v[n].key = s->key;
		v[n].klen = s->klen;
		v[n].v = atomic_load_explicit(&s->value, memory_order_relaxed);
		n++;
	}
	qsort(v, n, sizeof(*v), sample_cmp);
	for (i = 0; i < n; i = j) {
		sum = v[i].v;
		for (j = i + 1; j < n && sample_cmp(&v[i], &v[j]) == 0; j++)
			sum += v[j].v;
		if (!split_key(v[i].key, v[i].klen, &id, values) || id == DGCG_M_DROPPED)
			continue;
		seen[id] = 1;
		sample_head(x, id, values);
		buf_printf(&x->per[id], "%llu\n", (unsigned long long)sum);
	}
	free(v);
	for (id = 0; id < DGCG_M__MAX; id++) {
		if (table[id].type != DGCG_MT_COUNTER || table[id].nlabels > 0 || seen[id])
			continue;
		sample_head(x, id, NULL);
		buf_printf(&x->per[id], "%llu\n", (unsigned long long)(id == DGCG_M_DROPPED ?
		    atomic_load(&m->hdr->dropped) : 0));
	}
}

char *
dgcg_expo_finish(struct dgcg_expo *x, size_t *len)
{
	struct buf out = { NULL, 0, 0 };
	unsigned id;

	for (id = 0; id < DGCG_M__MAX; id++) {
		buf_str(&out, "# HELP ");
		buf_str(&out, table[id].name);
		buf_str(&out, " ");
		escape(&out, table[id].help, 0);
		buf_str(&out, "\n# TYPE ");
		buf_str(&out, table[id].name);
		buf_str(&out, table[id].type == DGCG_MT_COUNTER ? " counter\n" : " gauge\n");
		if (x->per[id].len > 0)
			buf_add(&out, x->per[id].p, x->per[id].len);
		free(x->per[id].p);
	}
	free(x);
	*len = out.len;
	return out.p;
}
