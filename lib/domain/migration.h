/* migration.h: CMS migration (reference-gateway.md section 8): a country
 * re-signs what it uploaded (DSCs, revocation batches, validation rules)
 * with a new UPLOAD certificate, without changing the data.
 *
 * Closes two gaps of the reference: a DSC migration must carry the very
 * certificate of the row it replaces (the reference swapped in any DSC),
 * and every migration is limited to rows of the caller's country (the
 * reference let a country re-sign another country's DSC rows). Every
 * migration writes an UPDATED audit event in its transaction. */
#ifndef DGCG_MIGRATION_H
#define DGCG_MIGRATION_H

#include <stddef.h>

#include "domain/auth.h"
#include "store/db.h"
#include "store/db_trust.h"
#include "base/dgcg.h"
#include "domain/reply.h"

struct dgcg_gw;

/* GET /cms-migration: the caller country's live DSCs (cms = the attached
 * CMS rebuilt from the stored detached signature and the DER), live
 * revocation batches and every validation rule version (cms as stored),
 * in that order, each by id: [{"cms":..,"entityId":..,"type":..}].
 * *json malloc'd. A DSC row whose CMS cannot be rebuilt is left out and
 * logged. */
enum dgcg_err dgcg_mig_list(struct dgcg_gw *gw, const struct dgcg_identity *id, char **json,
	size_t *len, size_t *count);

/* POST /cms-migration with a CmsPackage JSON body. 204, or: 400 0x001 (not
 * a CmsPackage: missing or unknown type, missing entityId), 400 0x260 (cms
 * missing, unparseable or not verifying), 409 0x010/0x020/0x030 (no live
 * row with that id), 400 0x004 (upload certificate; DSC: another
 * country's row, another certificate, DSC country or CSCA), 400 0x021 /
 * 0x031 (batch / rule of another country), 400 0x022 / 0x032 (payload
 * differs from the stored one), 500 0x011 (re-encoding failed). */
void dgcg_mig_update(struct dgcg_gw *gw, const struct dgcg_identity *id, const char *body,
	size_t len, struct dgcg_reply *r);

/* --- db_migration.c --------------------------------------------------------- */

/* A stored package: row id, country and CMS text (malloc'd). */
struct dgcg_pkg {
	long long	 id;
	char		 country[3];
	char		*cms;
};

struct dgcg_pkg_list {
	struct dgcg_pkg	*v;
	size_t		 n;
};

void dgcg_pkg_list_free(struct dgcg_pkg_list *l);

/* Every validation_rule version of a country (cms = signature), by id. */
enum dgcg_err dgcg_db_vr_of_country(struct dgcg_db *db, const char *country,
	struct dgcg_pkg_list *out);
/* The validation_rule row with id, locked (inside a transaction). */
enum dgcg_err dgcg_db_vr_locked(struct dgcg_db *db, long long id, struct dgcg_pkg_list *out);
/* validation_rule.signature = cms. DGCG_ERR_NOTFOUND when the row is gone. */
enum dgcg_err dgcg_db_vr_set_cms(struct dgcg_db *db, long long id, const char *cms);
/* The signer_information row with id, locked (inside a transaction); only
 * id, country, thumbprint, raw_data, signature and deleted_at are read. */
enum dgcg_err dgcg_db_si_locked(struct dgcg_db *db, long long id, struct dgcg_si_list *out);
/* signer_information.signature = sig where the row is live. */
enum dgcg_err dgcg_db_si_set_signature(struct dgcg_db *db, long long id, const char *sig);

#endif
