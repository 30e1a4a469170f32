/* fake_store.h: an in-memory store for unit tests of domain code without
 * MariaDB (t/fake_store.c).
 *
 * The fake defines every function of the lib/store headers that lib/pki,
 * lib/domain and lib/worker call, with the meaning their SQL has: the engine functions
 * they use (dgcg_db_new/free/connect/error/unreachable/tx/in_tx), the row
 * functions of trusted_party, signer_information, validation_rule,
 * revocation_batch, valueset, trusted_issuer and audit_event, the list-free
 * functions, and data_version, whose counters it bumps once per row written
 * (as the triggers of sql/migrations/002_data_version.sql do). It does not
 * define dgcg_db_run/select/exec: no code outside lib/store may call those.
 * A test links it in lib/libdgcgstore.a's place (Makefile.am,
 * $(DGCG_FAKE_LIBS)); a store function it lacks is a link error.
 *
 * What the fake mimics of the server:
 *   - one server for every handle of the process; tables are arrays of the
 *     row structs, ids from per-table AUTO_INCREMENT counters that a
 *     rollback does not give back (as InnoDB);
 *   - the columns' collation (utf8mb4_general_ci): equality of countries,
 *     thumbprints, rule ids and batch ids ignores ASCII case and trailing
 *     spaces, except where the SQL says BINARY (validation rule delete);
 *   - unique keys (DGCG_ERR_CONFLICT) and "matched rows" of UPDATEs
 *     (CLIENT_FOUND_ROWS: a row whose values do not change still counts);
 *   - dgcg_db_tx: work runs once on the live tables; when it fails, or a
 *     failure marked "lost" happened inside it, every table and counter is
 *     put back as it was before (a snapshot), so nothing is half-written.
 *     Transactions do not nest (a nested dgcg_db_tx fails with DGCG_ERR_DB:
 *     START TRANSACTION inside one would commit it on the real server).
 *   - "now" is the fake's clock (fake_store_set_clock), the real time by
 *     default, for created_at, deleted_at, changed and the audit timestamp.
 * Not mimicked: deadlocks and reruns, locks (FOR UPDATE reads like a plain
 * read), column lengths other than country and thumbprint, value checks of
 * the server beyond that.
 *
 * Workers are single-threaded; so is the fake. */
#ifndef DGCG_FAKE_STORE_H
#define DGCG_FAKE_STORE_H

#include <stddef.h>
#include <time.h>

#include "base/dgcg.h"
#include "store/data_version.h"
#include "store/revocation_batch.h"
#include "store/signer_information.h"
#include "store/trusted_issuer.h"
#include "store/trusted_party.h"
#include "store/validation_rule.h"

/* Empties every table, sets every counter and AUTO_INCREMENT back, clears
 * failure rules and call counts, and the clock back to the real time. */
void fake_store_reset(void);

/* The fake's "now" (t = 0: time(NULL) again). */
void fake_store_set_clock(time_t t);
time_t fake_store_now(void);

/* --- failure injection -------------------------------------------------------
 * A store call is any function of the fake that talks to "the server": the
 * row functions, dgcg_db_versions, dgcg_db_connect, dgcg_db_tx (its START
 * TRANSACTION) and the pseudo-call "COMMIT" at the end of a dgcg_db_tx whose
 * work succeeded. dgcg_db_new/free/error/unreachable/in_tx and the list-free
 * functions are not calls. */

/* Lets the next `skip` calls of fn (its C name, e.g. "dgcg_db_audit"; NULL:
 * any call) pass and makes the `n` after them fail with DGCG_ERR_DB. With
 * lost != 0 each such failure is a lost connection: dgcg_db_unavailable
 * answers 1 until a call succeeds again, and a transaction it happens in is
 * rolled back even when its work goes on and returns DGCG_OK (as the
 * server does); else the server refused one statement (reachable). One
 * rule at a time: a new one replaces the old. */
void fake_store_fail(const char *fn, unsigned skip, unsigned n, int lost);
/* The server is down (every call fails, unreachable) or up again. */
void fake_store_set_down(int down);
/* Failures delivered so far by the rule or the outage. */
unsigned fake_store_failures(void);
/* Calls of fn so far (NULL: every call), failed ones included. */
unsigned fake_store_calls(const char *fn);

/* --- seeding rows (as an operator's SQL would: each bumps its counter) ---- */

/* A trusted_party row; type DGCG_CT_DSC reads back as DGCG_CT__MAX, as the
 * store's SELECT maps it. Returns the id. */
long long fake_store_tp_add(const char *country, const char *thumbprint, const char *raw_data,
	const char *signature, enum dgcg_cert_type type, time_t created_at);
/* A signer_information row (signature NULL and deleted_at != 0 for a
 * tombstone). Returns the id. */
long long fake_store_si_add(const char *country, const char *thumbprint, const char *raw_data,
	const char *signature, time_t created_at, time_t deleted_at);
/* A validation_rule row; from/to are DATETIME literals, type
 * "ACCEPTANCE" or "INVALIDATION". Returns the id. */
long long fake_store_vr_add(const char *rule_id, const char *version, const char *from,
	const char *to, const char *signature, const char *country, const char *type);
/* A trusted_issuer row (is->id and is->created are ignored). */
long long fake_store_issuer_add(const struct dgcg_issuer *is);
/* A change by SQL that touches no row the fake holds: the counter moves. */
void fake_store_bump(enum dgcg_table t);
long long fake_store_version(enum dgcg_table t);

/* --- inspecting the tables (borrowed; valid until the next write) ------- */

const struct dgcg_tp *fake_store_tp_rows(size_t *n);
const struct dgcg_si *fake_store_si_rows(size_t *n);

struct fake_vr {
	struct dgcg_vr	 r;
	char		 type[16];
	time_t		 created_at;
};
const struct fake_vr *fake_store_vr_rows(size_t *n);

struct fake_rb {
	struct dgcg_rb	 r;		/* r.changed: changed_at as text */
	time_t		 changed_at;
	time_t		 expires;
	char		 type[32];
	char		 kid[13];
	int		 has_kid;
};
const struct fake_rb *fake_store_rb_rows(size_t *n);

/* One audit_event row, the columns cut as LEFT(?, n) cuts them. */
struct fake_audit {
	long long	 id;
	time_t		 timestamp;
	char		 country[3];
	char		 uploader[65];
	char		 auth[65];
	char		 event[65];
	char		 description[65];
};
const struct fake_audit *fake_store_audit_rows(size_t *n);
size_t fake_store_audit_count(void);
/* The newest event, or NULL. */
const struct fake_audit *fake_store_audit_last(void);

#endif
