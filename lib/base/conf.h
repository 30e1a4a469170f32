/* conf.h: the configuration file shared by dgcg-fcgi and dgcg-admin.
 *
 * Format: one "key = value" per line; '#' starts a comment line; blank lines
 * are ignored; whitespace around key and value is trimmed; an unknown key,
 * a repeated key or a value out of range is an error that names the file,
 * line and key. Keys are listed, with defaults, in dgcg.conf(5). */
#ifndef DGCG_CONF_H
#define DGCG_CONF_H

#include <stddef.h>

#include "base/dgcg.h"

/* The file dgcg-fcgi and dgcg-admin read without -c or DGCG_CONFIG:
 * $(sysconfdir)/dgcg/dgcg.conf (Makefile.am defines DGCG_SYSCONFDIR), so
 * /etc/dgcg/dgcg.conf for --sysconfdir=/etc. The manuals name the same. */
#define DGCG_CONF_PATH	DGCG_SYSCONFDIR "/dgcg/dgcg.conf"

struct dgcg_conf {
	/* database */
	char		*db_socket;		/* unix socket; wins over host */
	char		*db_host;
	unsigned	 db_port;
	char		*db_name;
	char		*db_user;
	char		*db_password_file;
	char		*db_admin_user;
	char		*db_admin_password_file;
	int		 db_tls;		/* 1: require TLS to the database */
	char		*db_tls_ca;
	char		*db_tls_cert;
	char		*db_tls_key;
	unsigned	 db_timeout;		/* seconds: connect, read, write */
	int		 db_causal_reads;	/* 1: the per-request version read waits
						 * for the Galera node to apply all
						 * committed writes (wsrep_sync_wait) */
	/* trust */
	char		*trust_anchor;		/* PEM file with one or more TA certificates */
	/* proxy contract */
	char		*header_thumbprint;	/* default X-SSL-Client-SHA256 */
	char		*header_dn;		/* default X-SSL-Client-DN */
	/* logging */
	char		*log_file;		/* "-" = stderr */
	char		*log_level;		/* ERROR|WARN|INFO|DEBUG */
	/* limits */
	size_t		 body_max;		/* largest request body accepted */
	/* operator tooling */
	char		*sql_dir;		/* migrations directory for dgcg-admin migrate */
	/* strictness beyond the reference (design document; README lists them) */
	int		 check_dsc_expiry;	/* refuse an expired (or not yet valid) DSC */
	int		 check_upload_expiry;	/* refuse a CMS whose signer cert is expired */
	int		 require_x509v3;	/* SecReq-033: DSC and upload cert must be v3 */
	int		 allow_sha1;		/* SecReq-042 wants SHA-2; 1 accepts SHA-1 too */
	unsigned	 min_rsa_bits;		/* SecReq-042 */
	unsigned	 min_ec_bits;		/* SecReq-042 */
	/* housekeeping */
	unsigned	 tombstone_days;	/* dgcg-admin purge removes older DSC tombstones */
	/* rendered trust lists for the proxy (X-Accel-Redirect); NULL = off */
	char		*cache_dir;
	char		*cache_uri;		/* the proxy's internal location for cache_dir */
	int		 trustlist_cache;	/* 0: rebuild and re-verify every request (benchmarks) */
	/* the v2 interface (tng-gateway.md 2.2, 2.3; doc/api.txt) */
	char		*v2_allowed_domains;	/* comma list: domains of POST /trustedCertificate */
	char		*v2_allowed_properties;	/* comma list: property keys allowed there */
	int		 v2_list_extra_groups;	/* 1: SIGN, AUTH, CUSTOM in unfiltered lists */
	/* the counters every worker of the host shares (worker/metrics.h); NULL =
	 * each worker counts alone */
	char		*metrics_file;
	/* federation (dgcg-admin federation; tng-gateway.md 10) */
	char		*federation_key_dir;	/* KID.pem and KID.key: our mTLS identity per peer */
	int		 federation_in_v1;	/* 1: federated rows in the v1 lists too */
	unsigned	 federation_max_shrink;	/* percent of a peer's rows a run may drop */
};

/* 1 when s[0..len) is one of the values of a comma list (exact, as TNG
 * compares domains and property keys). */
int dgcg_conf_list_has(const char *list, const char *s, size_t len);

/* Sets every field to its default. */
void dgcg_conf_defaults(struct dgcg_conf *c);

/* Loads path over the defaults. On error returns DGCG_ERR_CONFIG (or
 * DGCG_ERR_IO) and writes "file:line: key: reason" into err. */
enum dgcg_err dgcg_conf_load(const char *path, struct dgcg_conf *c, char *err, size_t errsz);

/* Frees every string the configuration owns. */
void dgcg_conf_free(struct dgcg_conf *c);

/* Reads the first line of a password file (without newline). Returns a
 * malloc'd string or NULL (errno set). */
char *dgcg_conf_read_secret(const char *path);

/* One key of the table, as dgcg.conf(5) must describe it. */
struct dgcg_conf_keyinfo {
	const char		*key;
	const char		*kind;		/* "string", "number", "size", "boolean" or "list" */
	unsigned long long	 min, max;	/* range of a number or size */
	const char		*def;		/* default as written in the file; NULL: none */
};

/* Fills *ki with key i of the table (0, 1, ... in table order): DGCG_OK, or
 * DGCG_ERR_NOTFOUND past the last key. The strings are static. For the test
 * that holds the manual to the table (t/check_conf.c). */
enum dgcg_err dgcg_conf_key(size_t i, struct dgcg_conf_keyinfo *ki);

/*
 * The same parser for another program's own key table (dgcg-sync's, in
 * sync/conf.c): the format, checks and error texts above. A table maps
 * each key to a field of the program's struct at off; def is the default
 * as it would be written in the file (NULL: none) and goes through the
 * same checks; check (strings and lists) says why a value is bad, or
 * NULL, and may give a canonical spelling in *canon.
 * A DGCG_CONF_LIST key is a struct dgcg_conf_list; unlike other keys it may
 * be repeated in a file, each line adding one value.
 */
enum dgcg_conf_type {
	DGCG_CONF_STRING = 0,	/* char * */
	DGCG_CONF_UINT,		/* unsigned */
	DGCG_CONF_SIZE,		/* size_t, with suffix k/K or m/M */
	DGCG_CONF_BOOL,		/* int: yes/no, true/false, on/off, 1/0 */
	DGCG_CONF_LIST		/* struct dgcg_conf_list */
};

struct dgcg_conf_list {
	char	**v;
	size_t	  n;
};

struct dgcg_conf_def {
	const char		*key;
	enum dgcg_conf_type	 type;
	size_t			 off;
	unsigned long long	 min, max;
	const char		*def;
	const char		*(*check)(const char *v, const char **canon);
};

struct dgcg_conf_table {
	const struct dgcg_conf_def	*keys;
	size_t				 n;
	size_t				 size;	/* sizeof the program's struct */
};

void dgcg_conf_tdefaults(const struct dgcg_conf_table *t, void *c);
enum dgcg_err dgcg_conf_tload(const struct dgcg_conf_table *t, const char *path, void *c,
	char *err, size_t errsz);
void dgcg_conf_tfree(const struct dgcg_conf_table *t, void *c);
enum dgcg_err dgcg_conf_tkey(const struct dgcg_conf_table *t, size_t i,
	struct dgcg_conf_keyinfo *ki);

/* The check of a log_level key (ERROR, WARN, INFO or DEBUG, any case;
 * *canon the upper-case name), for every program's table. */
const char *dgcg_conf_check_level(const char *v, const char **canon);

/* Sets one key from elsewhere than a file (a command-line option), with the
 * same checks; errors read "where: key: reason". A list key appends value
 * with append != 0, else the list becomes just value. */
enum dgcg_err dgcg_conf_tset(const struct dgcg_conf_table *t, void *c, const char *where,
	const char *key, const char *value, int append, char *err, size_t errsz);

#endif
