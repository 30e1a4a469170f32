/* uuid.h: lower-case RFC 4122 UUIDs (revocation batch ids, trusted
 * issuer and reference uuids). */
#ifndef DGCG_UUID_H
#define DGCG_UUID_H

#include "base/dgcg.h"

#define DGCG_UUID_LEN		36	/* 8-4-4-4-12 lower-case hex */

/* 1 when s is a lower-case UUID 8-4-4-4-12 (the reference's pattern). */
int dgcg_uuid_valid(const char *s);
/* A random (version 4) lower-case UUID from the OpenSSL CSPRNG;
 * DGCG_ERR_IO when it has no entropy. */
enum dgcg_err dgcg_uuid_new(char out[DGCG_UUID_LEN + 1]);

#endif
