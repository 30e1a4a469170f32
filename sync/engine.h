/* engine.h: one pull (dgcg-sync(1), PULL): download the CSCA, UPLOAD and
 * DSC lists, judge every entry (verify.h), and publish the result in DIR
 * only when it is at least as good as what DIR/current holds.
 *
 * The engine knows nothing of the command line; the daemon loop, the
 * --explain output and federation (dgcg-admin federation run) call it the
 * same way. The
 * download and judgement (sync_fetch) are apart from the publication
 * (sync_publish), so another sink (federation: rows in the gateway's own
 * database, admin/federation.c) takes a fetched, judged set instead of DIR.
 *
 * DIR holds: current -> lists/<generation> (a symbolic link replaced by
 * rename(2), so readers see the old or the new list, never a mix),
 * previous -> the one before, lists/ (those two generations only),
 * state.json (the lists as last downloaded, their ETags and the DSC
 * list's Date, for If-None-Match and If-Modified-Since), status.json and
 * metrics.prom (after every pull), and .lock (one dgcg-sync at a time). */
#ifndef SYNC_ENGINE_H
#define SYNC_ENGINE_H

#include <stddef.h>

#include "base/dgcg.h"
#include "conf.h"
#include "list.h"
#include "pki/entry.h"
#include "verify.h"

/* The outcome of a pull; dgcg-sync pull exits with it. */
enum sync_outcome {
	SYNC_UPDATED = 0,	/* DIR/current now holds a new list */
	SYNC_UNCHANGED = 1,	/* the new list is the current one */
	SYNC_REFUSED = 2,	/* downloaded and judged, but worse: current kept */
	SYNC_FAILED = 3,	/* not downloaded (network, TLS, HTTP, JSON, DIR): current kept */
	SYNC__OUTCOMES
};
#define SYNC_EXIT_USAGE	4	/* bad usage or configuration */

const char *sync_outcome_name(enum sync_outcome o);

/* How the DSC list was fetched. */
enum sync_mode {
	SYNC_MODE_NONE = 0,	/* not fetched */
	SYNC_MODE_FULL,		/* the whole list (200) */
	SYNC_MODE_DELTA,	/* If-Modified-Since (200, merged into the stored list) */
	SYNC_MODE_NOT_MODIFIED,	/* If-None-Match answered 304 */
	SYNC_MODE_STORED	/* --offline: the stored copy */
};

const char *sync_mode_name(enum sync_mode m);

struct sync_pull_opts {
	int		 accept_shrink;	/* publish even what the guard refuses */
	int		 full;		/* no If-None-Match, no delta */
	int		 offline;	/* judge the stored lists, download nothing */
};

/* What a pull did, for the status file, metrics and the log. */
struct sync_report {
	enum sync_outcome	 outcome;
	char			 message[512];
	int			 judged;	/* the counts below are set */
	size_t			 verified[DGCG_CT__MAX];
	size_t			 rejected[DGCG_CT__MAX];
	size_t			 by_reason[DGCG_ER__MAX];
	size_t			 current;	/* verified entries in DIR/current before */
	size_t			 dropped;	/* of them, not in the new list */
	enum sync_mode		 mode[DGCG_CT__MAX];
	unsigned long		 requests;
	unsigned long long	 bytes;
	int			 retried_full;	/* a delta was in doubt, so a full pull followed */
};

/* A fetched and judged set: the lists and the verdict on them. */
struct sync_set {
	struct sync_list	 lists[DGCG_CT__MAX];
	char			 etag[DGCG_CT__MAX][256];
	char			 date[64];	/* the DSC list's Date header */
	unsigned		 deltas;	/* DSC deltas since its last full pull */
	struct sync_verified	 v;
};

void sync_set_free(struct sync_set *s);

struct sync_engine;

/* Loads the trust anchors and checks the configuration (url, dir, TLS
 * files); DGCG_ERR_CONFIG with err set when something is missing. */
enum dgcg_err sync_engine_new(const struct sync_conf *c, struct sync_engine **out, char *err,
	size_t errsz);
/* The same with the trust anchors given (borrowed: ta must outlive the
 * engine) instead of c->trust_anchor's files: federation (dgcg-admin
 * federation run) judges a peer's lists against its TRUSTANCHOR rows. */
enum dgcg_err sync_engine_new_ta(const struct sync_conf *c, const struct dgcg_ta *ta,
	struct sync_engine **out, char *err, size_t errsz);
void sync_engine_free(struct sync_engine *e);

/* Downloads (or with o->offline takes the stored lists) and judges. On
 * SYNC_FAILED r->message says why and *s is empty. */
enum sync_outcome sync_fetch(struct sync_engine *e, const struct sync_pull_opts *o,
	struct sync_set *s, struct sync_report *r);

/* The guard: 1 when the judged set v must not replace cur (the entries of
 * DIR/current): it has no verified CSCA, UPLOAD or DSC entry, or it drops
 * more than max_shrink percent of cur's entries (an entry is its type and
 * thumbprint; one replaced by another counts as dropped). *dropped gets
 * their number, why the reason. */
int sync_guard(const struct sync_list *cur, const struct sync_verified *v, unsigned max_shrink,
	size_t *dropped, char *why, size_t whysz);

/* Publishes s in DIR (guard, generation, link, state), writes the status
 * files, and returns the outcome. */
enum sync_outcome sync_publish(struct sync_engine *e, const struct sync_pull_opts *o,
	struct sync_set *s, struct sync_report *r);

/* sync_fetch then sync_publish (a failed fetch still writes the status). */
enum sync_outcome sync_pull(struct sync_engine *e, const struct sync_pull_opts *o,
	struct sync_report *r);

/* Writes DIR/status.json and DIR/metrics.prom for r. */
void sync_write_status(struct sync_engine *e, const struct sync_report *r);

/* Takes DIR/.lock (non-blocking): DGCG_OK, or DGCG_ERR_CONFLICT when
 * another process holds it. Released by sync_engine_free. */
enum dgcg_err sync_engine_lock(struct sync_engine *e, char *err, size_t errsz);

#endif
