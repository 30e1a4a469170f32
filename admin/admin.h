/* admin.h: what the dgcg-admin command files share. */
#ifndef DGCG_ADMIN_H
#define DGCG_ADMIN_H

#include <stddef.h>
#include <stdio.h>

#include <openssl/x509.h>

#include "base/dgcg.h"
#include "worker/gateway.h"

/* Exit statuses (dgcg-admin(8)). */
#define EX_REFUSED	1
#define EX_ERROR	2
#define EX_EXISTS	3
#define EX_USAGE	64
#define EX_CONFIG	78

/* -c FILE, else $DGCG_CONFIG, else DGCG_CONF_PATH. */
extern const char *admin_conf_path;

/* Whether the running command is one the dispatch table (main.c) says
 * connects to the database; admin_open_gw asserts it. */
extern int admin_cmd_db;

/* Prints the usage and exits 64 (main.c). */
void admin_usage(void) __attribute__((noreturn));

/* common.c: helpers of several command files. Each prints why it failed. */

/* A command group's subcommand: its name, and the function that gets the
 * group's arguments from the subcommand on; noargs: none may follow it. */
struct admin_sub {
	const char	*name;
	int		(*fn)(int argc, char *argv[]);
	int		 noargs;
};

/* Runs the subcommand argv[1] of the group argv[0] (admin_usage when
 * there is none, it is unknown, or arguments follow a noargs one). */
int admin_subcommand(int argc, char *argv[], const struct admin_sub *subs, size_t nsubs);

/* Loads the configuration and connects as the admin user; returns 0, or
 * the exit status after printing why (78 configuration, 2 database). The
 * caller frees gw with dgcg_gw_free on success. */
int admin_open_gw(struct dgcg_gw *gw);

/* Reads the PEM certificate at path: the X509 (caller frees) and its DER
 * in *der (malloc'd, caller frees); NULL when it is none. */
X509 *admin_load_cert(const char *path, unsigned char **der, size_t *derlen);

/* A number argument of option opt (for the message) within min..max into
 * *out; 0, or EX_USAGE after printing the range. */
int admin_number_arg(const char *opt, const char *arg, long min, long max, long *out);

/* A --country argument: two upper-case letters; 0 or EX_USAGE (printed). */
int admin_country_arg(const char *country);

/* A --type argument: AUTHENTICATION, UPLOAD or CSCA, and DSC when dsc;
 * 0 or EX_USAGE (printed). */
int admin_type_arg(const char *name, int dsc, enum dgcg_cert_type *type);

/* The thumbprint (lower-case hex) of --cert certfile when not NULL, else
 * of --thumbprint targ (any case); 0, EX_ERROR (not a PEM certificate) or
 * EX_USAGE (not 64 hex characters). */
int admin_thumb_arg(const char *targ, const char *certfile,
	char thumb[DGCG_THUMB_HEX_LEN + 1]);

/* A --signature argument: BASE64, or @FILE (the file's text); trailing
 * whitespace removed. Malloc'd, or NULL when the file cannot be read. */
char *admin_signature_arg(const char *arg);

/* Reads a whole file, but at most max + 1 bytes (enough to tell that it
 * is larger than max); malloc'd and NUL-terminated, its length in *len, or
 * NULL (errno; EIO for a read error). */
char *admin_read_file(const char *path, size_t max, size_t *len);

/* Reads a whole text file of at most ADMIN_TEXT_MAX bytes; malloc'd, or
 * NULL (errno; EFBIG for a larger file, EIO for a read error). */
#define ADMIN_TEXT_MAX	(16 * 1024 * 1024)
char *admin_read_text(const char *path);

/* lint.c: lints x as type of country with the policy of conf (SecReq-042
 * keys) and min_days, prints each finding to out as "PREFIXRULE: TEXT" and
 * returns how many there were. */
struct dgcg_conf;
size_t admin_lint_report(FILE *out, const char *prefix, X509 *x, enum dgcg_cert_type type,
	const char *country, const struct dgcg_conf *conf, unsigned min_days);

/* The commands, one file per group (argv[0] is the command's name; each
 * returns the exit status). */
int cmd_ta_sign(int argc, char *argv[]);	/* parties.c */
int cmd_onboard(int argc, char *argv[]);
int cmd_offboard(int argc, char *argv[]);
int cmd_party_list(int argc, char *argv[]);
int cmd_party_verify(int argc, char *argv[]);
int cmd_migrate(int argc, char *argv[]);	/* schema.c */
int cmd_valuesets(int argc, char *argv[]);	/* valuesets.c */
int cmd_purge(int argc, char *argv[]);		/* purge.c */
int cmd_roles(int argc, char *argv[]);		/* roles.c */
int cmd_issuer(int argc, char *argv[]);		/* issuers.c */
int cmd_lint(int argc, char *argv[]);		/* lint.c */
int cmd_expiry(int argc, char *argv[]);		/* expiry.c */
int cmd_federation(int argc, char *argv[]);	/* federation.c */

#endif
