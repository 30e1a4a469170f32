/* push.h: the uploading side (dgcg-sync(1), PUSH): make the gateway's DSC
 * list of our country what a directory of PEM files holds.
 *
 * The country is the C of the UPLOAD certificate. Every DSC of the
 * directory that /trustList/DSC/CC lacks is uploaded (POST
 * /signerCertificate, an attached CMS signed with the UPLOAD key); with
 * --delete every listed DSC the directory lacks is deleted (DELETE
 * /signerCertificate). 409 (already there) and 404 (already gone) are
 * what a re-run meets, not errors. What cannot be fixed this way is
 * reported: a refused upload (the gateway's problem report), a listed DSC
 * whose signature is not by our UPLOAD certificate or does not verify, a
 * DSC of the directory of another country, a listed DSC missing from the
 * directory without --delete. */
#ifndef SYNC_PUSH_H
#define SYNC_PUSH_H

#include <stddef.h>

#include "conf.h"

enum sync_push_outcome {
	SYNC_PUSH_DONE = 0,	/* the gateway has what the directory has */
	SYNC_PUSH_DIFFERS = 1,	/* differences remain (reported) */
	SYNC_PUSH_FAILED = 3	/* network, TLS, 5xx, a list that does not parse, files */
};

struct sync_push_opts {
	const char	*dir;		/* the country's own DSCs, *.pem */
	int		 delete;	/* delete listed DSCs the directory lacks */
	int		 dry_run;	/* report what would be done, change nothing */
};

struct sync_push_report {
	size_t	 local, listed;
	size_t	 uploaded, present;	/* 201, 409 */
	size_t	 deleted, gone;		/* 204, 404 */
	size_t	 differences;		/* reported, not fixed */
	char	 message[512];		/* when it failed */
};

/* Runs a push; each action and difference is printed on stdout, one a
 * line ("uploaded kid=...", "DIFFERENCE kid=...: ..."). */
enum sync_push_outcome sync_push(const struct sync_conf *c, const struct sync_push_opts *o,
	struct sync_push_report *r);

#endif
