/* federation_gateway.h: the federation_gateway table (peer gateways,
 * tng-gateway.md 10.1) and the writes of a federation run: the source's
 * rows in trusted_party and signer_information replaced, and its status.
 * The record's signature is checked by the caller (domain/federation.h);
 * the rows are returned as stored. */
#ifndef DGCG_STORE_FEDERATION_GATEWAY_H
#define DGCG_STORE_FEDERATION_GATEWAY_H

#include <stddef.h>
#include <time.h>

#include "base/dgcg.h"
#include "base/uuid.h"
#include "store/db.h"
#include "store/trusted_issuer.h"

/* One row. Strings are malloc'd, NULL for SQL NULL. */
struct dgcg_fg {
	long long	 id;
	time_t		 timestamp;		/* created */
	int		 has_interval;		/* download_interval is not NULL */
	long long	 interval;		/* seconds */
	char		*target;		/* download_target */
	char		*downloader;		/* downloader_implementation */
	char		*endpoint;
	char		*gateway_id;
	char		*kid;			/* gateway_kid */
	char		*public_key;		/* gateway_public_key */
	char		*mode;
	char		*signature;
	time_t		 last_download;		/* 0 for NULL */
	time_t		 last_success;		/* last_successful_download, 0 for NULL */
	long long	 retry_count;		/* 0 for NULL */
	char		*status;		/* status_message */
};

struct dgcg_fg_list {
	struct dgcg_fg	*v;
	size_t		 n;
};

void dgcg_fg_list_free(struct dgcg_fg_list *l);

/* Every row by id; with gateway_id non-NULL only that one (0 or 1 rows);
 * with lock (inside dgcg_db_tx) SELECT ... FOR UPDATE. */
enum dgcg_err dgcg_db_fg_select(struct dgcg_db *db, const char *gateway_id, int lock,
	struct dgcg_fg_list *out);

/* Inserts a row (timestamp = now, status columns NULL); interval < 0 is
 * NULL. DGCG_ERR_CONFLICT when the gateway id exists. */
enum dgcg_err dgcg_db_fg_insert(struct dgcg_db *db, const struct dgcg_fg *g, long long *id);

/* Removes a peer with everything it brought or was given: its federated
 * rows (trusted_party, signer_information, trusted_issuer,
 * trusted_reference), the rows assigned to it (its TRUSTANCHOR and
 * AUTHENTICATION_FEDERATION rows, with their roles) and its record; run
 * in one dgcg_db_tx. *rows gets the rows removed besides the record.
 * DGCG_ERR_NOTFOUND when there is no such record. */
enum dgcg_err dgcg_db_fg_delete(struct dgcg_db *db, const char *gateway_id,
	unsigned long long *rows);

/* Deletes the source's trusted_party and signer_information rows, and
 * with issuers its trusted_issuer rows too (inside the replacing
 * dgcg_db_tx); *rows gets how many. */
enum dgcg_err dgcg_db_fg_clear(struct dgcg_db *db, const char *gateway_id, int issuers,
	unsigned long long *rows);

/* Inserts a trusted issuer downloaded from gateway_id (created_at = now,
 * version 1; is->id, created and source_gateway ignored; domain NULL =
 * "DCC"). DGCG_ERR_CONFLICT when the uuid exists. */
enum dgcg_err dgcg_db_fg_store_issuer(struct dgcg_db *db, const char *gateway_id,
	const struct dgcg_issuer *is);

/* A federated row to store (created_at = now). kid NULL: derived from the
 * thumbprint; uuid NULL: a new one. */
struct dgcg_fg_row {
	enum dgcg_group	 group;		/* CSCA, UPLOAD (trusted_party) or DSC (signer_information) */
	const char	*country;
	const char	*thumbprint;
	const char	*raw_data;
	const char	*signature;	/* the peer's: its TA's CMS, or the upload CMS */
	const char	*domain;	/* NULL: DCC */
	const char	*uuid;
	const char	*kid;
};

/* Inserts r tagged with gateway_id. DGCG_ERR_CONFLICT on a duplicate
 * thumbprint, uuid or kid (e.g. the certificate is onboarded here, or
 * federated from another peer); DGCG_ERR_INVAL for another group. */
enum dgcg_err dgcg_db_fg_store(struct dgcg_db *db, const char *gateway_id,
	const struct dgcg_fg_row *r);

/* The thumbprints and groups of the source's rows now stored: *types[i]
 * is "CSCA", "UPLOAD" or "DSC" (malloc'd strings, caller frees each and
 * both arrays). */
enum dgcg_err dgcg_db_fg_current(struct dgcg_db *db, const char *gateway_id, char ***thumbs,
	char ***types, size_t *n);

/* After a run: last_download = now, and on success (ok != 0)
 * last_successful_download = now, retry_count = 0, status_message =
 * message (NULL allowed); on failure retry_count + 1, status_message =
 * message (cut to 500 characters). */
enum dgcg_err dgcg_db_fg_status(struct dgcg_db *db, const char *gateway_id, int ok,
	const char *message);

#endif
