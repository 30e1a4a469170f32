/* federation.h: the rules on a peer gateway's record (tng-gateway.md 10):
 * the string the local trust anchor signs, its check, the downloaders and
 * when a peer is due. Pure (no database); dgcg-admin federation (admin/
 * federation.c) runs the downloads with dgcg-sync's engine and writes
 * through store/federation_gateway.h. */
#ifndef DGCG_FEDERATION_H
#define DGCG_FEDERATION_H

#include <time.h>

#include "base/dgcg.h"
#include "pki/trust.h"
#include "store/federation_gateway.h"

/* TNG's downloader_implementation names (its Spring qualifiers). */
#define DGCG_FED_DL_V1		"legacyDgcgDownloader_V1"	/* the v1 lists */
#define DGCG_FED_DL_V2		"DdccDownloader_V1"		/* /trustList/certificate */
#define DGCG_FED_DL_DUMMY	"dummyDownloader_V1"		/* TNG: does nothing */

/* The API a downloader name selects: 1 (v1 lists), 2 (v2), 0 for the
 * dummy, -1 for a name TNG does not know either (NULL included). */
int dgcg_fed_api(const char *downloader);

/* TNG's defaults of the signed columns it does not use. */
#define DGCG_FED_TARGET		"FEDERATION"
#define DGCG_FED_MODE		"APPEND"

/* The string the local trust anchor signs: TNG's
 * "gatewayId;gatewayEndpoint;gatewayKid;gatewayPublicKey;
 * downloaderImplementation;downloadTarget;mode", a NULL field written as
 * "null" (Java string concatenation), so that rows onboarded for TNG
 * verify here. malloc'd. */
char *dgcg_fed_signed_string(const struct dgcg_fg *g);

/* The record's signature over that string against ta (the local trust
 * anchor): DGCG_INTEGRITY_OK or why not (dgcg_ta_verify_content; *exc may
 * be NULL). */
enum dgcg_integrity dgcg_fed_verify(const struct dgcg_ta *ta, const struct dgcg_fg *g,
	const char **exc);

/* 1 when the record is scheduled (download_interval set) and due at now:
 * never downloaded, or download_interval seconds after the last try. */
int dgcg_fed_due(const struct dgcg_fg *g, time_t now);

/* 1 when kid can name the files of the mTLS identity in federation_key_dir
 * (KID.pem, KID.key): 1-50 characters of A-Z a-z 0-9 . _ - + = not starting
 * with '.'. */
int dgcg_fed_kid_ok(const char *kid);

#endif
