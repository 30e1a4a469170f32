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

#endif
