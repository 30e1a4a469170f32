/* admin.h: what the dgcg-admin command files share. */
#ifndef DGCG_ADMIN_H
#define DGCG_ADMIN_H

#include "worker/gateway.h"

/* Exit statuses (dgcg-admin(8)). */
#define EX_REFUSED	1
#define EX_ERROR	2
#define EX_EXISTS	3
#define EX_USAGE	64
#define EX_CONFIG	78

/* -c FILE, else $DGCG_CONFIG, else DGCG_CONF_PATH. */
extern const char *admin_conf_path;

/* Prints the usage and exits 64. */
void admin_usage(void) __attribute__((noreturn));

/* Loads the configuration and connects as the admin user; returns 0, or
 * the exit status after printing why. */
int admin_open_gw(struct dgcg_gw *gw);

/* Reads a whole text file of at most ADMIN_TEXT_MAX bytes; malloc'd, or
 * NULL (errno; EFBIG for a larger file, EIO for a read error). */
#define ADMIN_TEXT_MAX	(16 * 1024 * 1024)
char *admin_read_text(const char *path);

/* Commands in their own files. */
int cmd_valuesets(int argc, char *argv[]);	/* valuesets.c */
int cmd_purge(int argc, char *argv[]);		/* purge.c */
int cmd_roles(int argc, char *argv[]);		/* roles.c */
int cmd_issuer(int argc, char *argv[]);		/* issuers.c */

#endif
