/* trusted_party_roles.h: the trusted_party_roles table: client roles on
 * AUTHENTICATION certificates (reference-gateway.md 2.4), required by the
 * revocation endpoints; the role names are the column's values.
 *
 * NOTE: as in the reference, roles are not covered by the trust anchor's
 * signature: whoever can write trusted_party_roles can grant them. Only
 * the admin database user can (sql/grants.sql.in gives the application
 * user SELECT), and `dgcg-admin roles` is the operator's tool for it. */
#ifndef DGCG_STORE_TRUSTED_PARTY_ROLES_H
#define DGCG_STORE_TRUSTED_PARTY_ROLES_H

#include <stddef.h>

#include "base/dgcg.h"
#include "store/db.h"

enum dgcg_role {
	DGCG_ROLE_READER = 0,	/* REVOCATION_LIST_READER: GET /revocation-list[/{batchId}] */
	DGCG_ROLE_UPLOADER,	/* REVOCATION_UPLOADER: POST /revocation-list */
	DGCG_ROLE_DELETER,	/* REVOCATION_DELETER: DELETE /revocation-list, POST .../delete */
	DGCG_ROLE__MAX
};

#define DGCG_ROLE_BIT(r)	(1u << (unsigned)(r))

/* The column value of r ("REVOCATION_LIST_READER", ...), or NULL. */
const char *dgcg_role_name(enum dgcg_role r);
/* Parses a role name, case-insensitively; DGCG_ROLE__MAX when unknown. */
enum dgcg_role dgcg_role_parse(const char *s);

/* The roles of trusted_party row tp_id as a bit mask of DGCG_ROLE_BIT();
 * unknown role values in the table are ignored. */
enum dgcg_err dgcg_db_roles_get(struct dgcg_db *db, long long tp_id, unsigned *mask);

/* Adds a role; *changed (may be NULL) = 1 when it was not there yet. */
enum dgcg_err dgcg_db_role_grant(struct dgcg_db *db, long long tp_id, enum dgcg_role r,
	int *changed);
/* Removes a role; *changed (may be NULL) = 1 when it was there. */
enum dgcg_err dgcg_db_role_revoke(struct dgcg_db *db, long long tp_id, enum dgcg_role r,
	int *changed);

/* One trusted party with roles, for dgcg-admin roles list. */
struct dgcg_role_row {
	long long	 tp_id;
	char		 country[3];
	char		 thumbprint[DGCG_THUMB_HEX_LEN + 1];
	char		 type[16];
	unsigned	 mask;
	char		*other;		/* role values dgcg does not know, comma-separated, or NULL */
};

/* Removes the roles of the trusted party with that thumbprint (before the
 * party itself, in the same dgcg_db_tx). */
enum dgcg_err dgcg_db_roles_delete_of(struct dgcg_db *db, const char *thumbprint);

/* Every trusted party that has at least one role row, ordered by id.
 * *rows is malloc'd; free with dgcg_role_rows_free. */
enum dgcg_err dgcg_db_roles_list(struct dgcg_db *db, struct dgcg_role_row **rows, size_t *n);
void dgcg_role_rows_free(struct dgcg_role_row *rows, size_t n);

#endif
