/* conf.c: dgcg-sync's key table. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "conf.h"

static const char	*check_api(const char *, const char **);
static const char	*check_url(const char *, const char **);

#define OFF(f)	offsetof(struct sync_conf, f)

/* The ranges and defaults of the entry checks are dgcg.conf's. */
static const struct dgcg_conf_def keys[] = {
	{ "url", DGCG_CONF_STRING, OFF(url), 0, 0, NULL, check_url },
	{ "api", DGCG_CONF_STRING, OFF(api), 0, 0, "v1", check_api },
	{ "cacert", DGCG_CONF_STRING, OFF(cacert), 0, 0, NULL, NULL },
	{ "cert", DGCG_CONF_STRING, OFF(cert), 0, 0, NULL, NULL },
	{ "key", DGCG_CONF_STRING, OFF(key), 0, 0, NULL, NULL },
	{ "trust_anchor", DGCG_CONF_LIST, OFF(trust_anchor), 0, 0, NULL, NULL },
	{ "dir", DGCG_CONF_STRING, OFF(dir), 0, 0, NULL, NULL },
	{ "upload_cert", DGCG_CONF_STRING, OFF(upload_cert), 0, 0, NULL, NULL },
	{ "upload_key", DGCG_CONF_STRING, OFF(upload_key), 0, 0, NULL, NULL },
	{ "connect_timeout", DGCG_CONF_UINT, OFF(connect_timeout), 1, 600, "10", NULL },
	{ "timeout", DGCG_CONF_UINT, OFF(timeout), 1, 3600, "120", NULL },
	{ "max_list_size", DGCG_CONF_SIZE, OFF(max_list_size), 65536, 1024ULL * 1024 * 1024,
	    "256m", NULL },
	{ "max_shrink", DGCG_CONF_UINT, OFF(max_shrink), 0, 100, "20", NULL },
	{ "interval", DGCG_CONF_UINT, OFF(interval), 10, 86400, "300", NULL },
	{ "jitter", DGCG_CONF_UINT, OFF(jitter), 0, 50, "10", NULL },
	{ "deltas", DGCG_CONF_BOOL, OFF(deltas), 0, 1, "yes", NULL },
	{ "full_every", DGCG_CONF_UINT, OFF(full_every), 1, 10000, "12", NULL },
	{ "check_dsc_expiry", DGCG_CONF_BOOL, OFF(check_dsc_expiry), 0, 1, "yes", NULL },
	{ "check_upload_expiry", DGCG_CONF_BOOL, OFF(check_upload_expiry), 0, 1, "yes", NULL },
	{ "check_csca_expiry", DGCG_CONF_BOOL, OFF(check_csca_expiry), 0, 1, "yes", NULL },
	{ "require_x509v3", DGCG_CONF_BOOL, OFF(require_x509v3), 0, 1, "yes", NULL },
	{ "allow_sha1", DGCG_CONF_BOOL, OFF(allow_sha1), 0, 1, "no", NULL },
	{ "min_rsa_bits", DGCG_CONF_UINT, OFF(min_rsa_bits), 0, 16384, "2048", NULL },
	{ "min_ec_bits", DGCG_CONF_UINT, OFF(min_ec_bits), 0, 1024, "250", NULL },
	{ "log_file", DGCG_CONF_STRING, OFF(log_file), 0, 0, "-", NULL },
	{ "log_level", DGCG_CONF_STRING, OFF(log_level), 0, 0, "INFO", dgcg_conf_check_level },
};

const struct dgcg_conf_table sync_conf_table = {
	keys, sizeof(keys) / sizeof(keys[0]), sizeof(struct sync_conf)
};

/* Only https: there is no plain-HTTP or trust-all mode. No path, query or
 * fragment: the API paths are appended. */
static const char *
check_url(const char *v, const char **canon)
{
	const char *h;

	(void)canon;
	if (strncmp(v, "https://", 8) != 0)
		return "must start with https://";
	h = v + 8;
	if (*h == '\0' || *h == '/')
		return "no host";
	if (strpbrk(h, "/?#@ ") != NULL)
		return "only https://host[:port], without path, query or user";
	return NULL;
}

static const char *
check_api(const char *v, const char **canon)
{
	(void)canon;
	if (strcmp(v, "v1") != 0 && strcmp(v, "v2") != 0)
		return "must be v1 or v2";
	return NULL;
}

void
sync_conf_defaults(struct sync_conf *c)
{
	dgcg_conf_tdefaults(&sync_conf_table, c);
}

void
sync_conf_free(struct sync_conf *c)
{
	dgcg_conf_tfree(&sync_conf_table, c);
}
