/* conf.h: dgcg-sync's configuration: one key table (conf.c), read with
 * lib/base/conf.c's parser from -C FILE; every command-line option sets
 * the key of the same name (dgcg-sync(1), CONFIGURATION). */
#ifndef SYNC_CONF_H
#define SYNC_CONF_H

#include <stddef.h>

#include "base/conf.h"
#include "base/dgcg.h"

struct sync_conf {
	/* the gateway and our identity there */
	char			*url;		/* https://host[:port], no trailing path */
	char			*api;		/* "v1" (typed lists) or "v2" (/trustList/certificate) */
	char			*cacert;	/* CA bundle for the gateway's server certificate */
	char			*cert;		/* our AUTHENTICATION certificate (PEM) */
	char			*key;		/* its private key (PEM) */
	struct dgcg_conf_list	 trust_anchor;	/* PEM files of the trust anchors */
	/* where the lists go */
	char			*dir;
	/* push */
	char			*upload_cert;	/* our UPLOAD certificate (PEM) */
	char			*upload_key;
	/* transfers */
	unsigned		 connect_timeout;	/* seconds */
	unsigned		 timeout;		/* seconds per request */
	size_t			 max_list_size;		/* bytes of one decoded response */
	/* the guard */
	unsigned		 max_shrink;	/* percent of the current entries a new list may drop */
	/* the daemon */
	unsigned		 interval;	/* seconds between pulls */
	unsigned		 jitter;	/* percent of interval, either way */
	int			 deltas;	/* If-Modified-Since deltas for the DSC list */
	unsigned		 full_every;	/* a full DSC pull after this many deltas */
	/* the entry checks (pki/entry.h), named as in dgcg.conf */
	int			 check_dsc_expiry;
	int			 check_upload_expiry;
	int			 check_csca_expiry;
	int			 require_x509v3;
	int			 allow_sha1;
	unsigned		 min_rsa_bits;
	unsigned		 min_ec_bits;
	/* logging */
	char			*log_file;
	char			*log_level;
};

/* The table, for lib/base/conf.c's dgcg_conf_t* functions. */
extern const struct dgcg_conf_table sync_conf_table;

void sync_conf_defaults(struct sync_conf *c);
void sync_conf_free(struct sync_conf *c);

#endif
