/* main.c: dgcg-sync, the national backend's verifying connector
 * (dgcg-sync(1)): pull, pull --daemon, pull --explain, push. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "base/conf.h"
#include "base/log.h"
#include "conf.h"
#include "engine.h"
#include "push.h"

static volatile sig_atomic_t stop_flag, hup_flag;

static void
on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void
on_hup(int sig)
{
	(void)sig;
	hup_flag = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: dgcg-sync pull [-C FILE] [-u URL] [-a CACERT] [-c CERT] [-k KEY]\n"
	    "                      [-t TA.pem ...] [-d DIR] [--api v1|v2] [--accept-shrink]\n"
	    "                      [--full] [--offline] [--explain KID]\n"
	    "                      [--daemon [--interval S]] [--set KEY=VALUE ...]\n"
	    "       dgcg-sync push [-C FILE] [-u URL] [-a CACERT] [-c CERT] [-k KEY]\n"
	    "                      -U UPLOAD.pem -K UPLOAD.key [--delete] [--dry-run]\n"
	    "                      [--set KEY=VALUE ...] DIR-OF-OWN-DSCS\n"
	    "exit status of pull: 0 updated, 1 unchanged, 2 refused, 3 failed, 4 usage;\n"
	    "of push: 0 done, 1 differences remain, 3 failed, 4 usage (dgcg-sync(1))\n");
}

enum { OPT_API = 256, OPT_ACCEPT, OPT_FULL, OPT_OFFLINE, OPT_EXPLAIN, OPT_DAEMON, OPT_INTERVAL,
	OPT_SET, OPT_DELETE, OPT_DRY };

static const struct option longopts[] = {
	{ "config", required_argument, NULL, 'C' },
	{ "url", required_argument, NULL, 'u' },
	{ "cacert", required_argument, NULL, 'a' },
	{ "cert", required_argument, NULL, 'c' },
	{ "key", required_argument, NULL, 'k' },
	{ "trust-anchor", required_argument, NULL, 't' },
	{ "dir", required_argument, NULL, 'd' },
	{ "upload-cert", required_argument, NULL, 'U' },
	{ "upload-key", required_argument, NULL, 'K' },
	{ "api", required_argument, NULL, OPT_API },
	{ "accept-shrink", no_argument, NULL, OPT_ACCEPT },
	{ "full", no_argument, NULL, OPT_FULL },
	{ "offline", no_argument, NULL, OPT_OFFLINE },
	{ "explain", required_argument, NULL, OPT_EXPLAIN },
	{ "daemon", no_argument, NULL, OPT_DAEMON },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "set", required_argument, NULL, OPT_SET },
	{ "delete", no_argument, NULL, OPT_DELETE },
	{ "dry-run", no_argument, NULL, OPT_DRY },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* The key an option sets, or NULL. */
static const char *
opt_key(int ch)
{
	switch (ch) {
	case 'u': return "url";
	case 'a': return "cacert";
	case 'c': return "cert";
	case 'k': return "key";
	case 't': return "trust_anchor";
	case 'd': return "dir";
	case 'U': return "upload_cert";
	case 'K': return "upload_key";
	case OPT_API: return "api";
	case OPT_INTERVAL: return "interval";
	default: return NULL;
	}
}

struct cli {
	int		 pull_opts_set;
	struct sync_pull_opts pull;
	const char	*explain;
	int		 daemon;
	int		 delete, dry_run;
};

static void
print_report(const struct sync_report *r)
{
	size_t i, n = 0;

	printf("%s: %s\n", sync_outcome_name(r->outcome), r->message);
	if (r->judged) {
		printf("verified: %zu CSCA, %zu UPLOAD, %zu DSC; rejected: %zu CSCA, %zu UPLOAD, "
		    "%zu DSC", r->verified[DGCG_CT_CSCA], r->verified[DGCG_CT_UPLOAD],
		    r->verified[DGCG_CT_DSC], r->rejected[DGCG_CT_CSCA],
		    r->rejected[DGCG_CT_UPLOAD], r->rejected[DGCG_CT_DSC]);
		for (i = 1; i < DGCG_ER__MAX; i++)
			if (r->by_reason[i] > 0)
				printf("%s%s %zu", n++ ? ", " : " (", dgcg_er_code((enum dgcg_er)i),
				    r->by_reason[i]);
		printf("%s\n", n ? ")" : "");
	}
	printf("transfer: %lu requests, %llu bytes; CSCA %s, UPLOAD %s, DSC %s%s\n", r->requests,
	    r->bytes, sync_mode_name(r->mode[DGCG_CT_CSCA]), sync_mode_name(r->mode[DGCG_CT_UPLOAD]),
	    sync_mode_name(r->mode[DGCG_CT_DSC]), r->retried_full ? " (delta in doubt: full)" : "");
	fflush(stdout);
}

static void
log_report(const struct sync_report *r)
{
	char v[96], b[32], q[32];

	snprintf(v, sizeof(v), "%zu/%zu/%zu", r->verified[DGCG_CT_CSCA],
	    r->verified[DGCG_CT_UPLOAD], r->verified[DGCG_CT_DSC]);
	snprintf(q, sizeof(q), "%lu", r->requests);
	snprintf(b, sizeof(b), "%llu", r->bytes);
	dgcg_log(r->outcome == SYNC_FAILED || r->outcome == SYNC_REFUSED ? DGCG_LOG_WARN :
	    DGCG_LOG_INFO, "sync", "pull", NULL, "result", sync_outcome_name(r->outcome),
	    "reason", r->message, "verifiedCscaUploadDsc", v, "requests", q, "bytes", b,
	    "dscList", sync_mode_name(r->mode[DGCG_CT_DSC]), NULL);
}

/* --explain KID: judge, print every check of the entries with that kid. */
static int
explain(struct sync_engine *e, const struct cli *o)
{
	struct sync_report r;
	struct sync_set s;
	size_t i, found = 0;
	char *t;

	memset(&r, 0, sizeof(r));
	if (sync_fetch(e, &o->pull, &s, &r) == SYNC_FAILED) {
		fprintf(stderr, "dgcg-sync: %s\n", r.message);
		return SYNC_FAILED;
	}
	for (i = 0; i < s.v.n; i++) {
		const struct sync_entry *en = &s.v.e[i];

		if ((en->it->kid != NULL && strcmp(en->it->kid, o->explain) == 0) ||
		    strcmp(en->kid, o->explain) == 0) {
			t = sync_explain(en);
			fputs(t, stdout);
			free(t);
			found++;
		}
	}
	sync_set_free(&s);
	if (found == 0) {
		printf("no entry has kid %s\n", o->explain);
		return 1;
	}
	return 0;
}

/* Seconds until the next pull: interval +- jitter %, or after a failure
 * a backoff of 10 s doubling up to interval. */
static unsigned
next_delay(const struct sync_conf *c, enum sync_outcome last, unsigned *failures)
{
	unsigned base = c->interval, j, d;
	uint32_t rnd = 0;

	if (last == SYNC_FAILED) {
		d = 10;
		for (j = 0; j < *failures && d < base; j++)
			d *= 2;
		(*failures)++;
		base = d < base ? d : base;
	} else
		*failures = 0;
	j = base * c->jitter / 100;
	if (j == 0)
		return base;
	(void)RAND_bytes((unsigned char *)&rnd, sizeof(rnd));
	return base - j + rnd % (2 * j + 1);
}

static int
daemon_loop(struct sync_engine *e, const struct sync_conf *c, const struct cli *o)
{
	struct sigaction sa;
	struct sync_pull_opts po;
	struct sync_report r;
	enum sync_outcome out;
	unsigned failures = 0, delay, slept;
	int first = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	dgcg_log(DGCG_LOG_INFO, "sync", "daemon started", NULL, "dir", c->dir, "url", c->url, NULL);
	while (!stop_flag) {
		po = o->pull;
		po.accept_shrink = first && o->pull.accept_shrink;
		po.full = (first && o->pull.full) || hup_flag;
		hup_flag = 0;
		out = sync_pull(e, &po, &r);
		log_report(&r);
		first = 0;
		delay = next_delay(c, out, &failures);
		for (slept = 0; slept < delay && !stop_flag && !hup_flag; slept++)
			sleep(1);
	}
	dgcg_log(DGCG_LOG_INFO, "sync", "daemon stopped", NULL, NULL);
	return 0;
}

int
main(int argc, char **argv)
{
	struct sync_conf c;
	struct cli o;
	struct sync_engine *e = NULL;
	struct sync_report r;
	struct sync_push_opts po;
	struct sync_push_report pr;
	char err[512], where[64], *eq, *kv;
	const char *cmd, *conffile = NULL, *key;
	int ch, rc = SYNC_EXIT_USAGE, i, tcount = 0;
	struct { int ch; char *arg; } *opts;
	int nopts = 0;

	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return SYNC_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("dgcg-sync %s\n", PACKAGE_VERSION);
		return 0;
	}
	cmd = argv[1];
	if (strcmp(cmd, "pull") != 0 && strcmp(cmd, "push") != 0) {
		fprintf(stderr, "dgcg-sync: unknown command %s\n", cmd);
		usage(stderr);
		return SYNC_EXIT_USAGE;
	}
	memset(&o, 0, sizeof(o));
	sync_conf_defaults(&c);
	opts = calloc((size_t)argc, sizeof(*opts));
	if (opts == NULL)
		return SYNC_EXIT_USAGE;
	/* First the options, then the file (-C), then the options over it. */
	optind = 2;
	while ((ch = getopt_long(argc, argv, "C:u:a:c:k:t:d:U:K:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			conffile = optarg;
			break;
		case OPT_ACCEPT:
			o.pull.accept_shrink = 1;
			break;
		case OPT_FULL:
			o.pull.full = 1;
			break;
		case OPT_OFFLINE:
			o.pull.offline = 1;
			break;
		case OPT_EXPLAIN:
			o.explain = optarg;
			break;
		case OPT_DAEMON:
			o.daemon = 1;
			break;
		case OPT_DELETE:
			o.delete = 1;
			break;
		case OPT_DRY:
			o.dry_run = 1;
			break;
		case 'h':
			usage(stdout);
			rc = 0;
			goto out;
		case 'V':
			printf("dgcg-sync %s\n", PACKAGE_VERSION);
			rc = 0;
			goto out;
		case '?':
			usage(stderr);
			goto out;
		default:
			opts[nopts].ch = ch;
			opts[nopts].arg = optarg;
			nopts++;
			break;
		}
	}
	if (conffile != NULL && dgcg_conf_tload(&sync_conf_table, conffile, &c, err,
	    sizeof(err)) != DGCG_OK) {
		fprintf(stderr, "dgcg-sync: %s\n", err);
		goto out;
	}
	for (i = 0; i < nopts; i++) {
		kv = NULL;
		if (opts[i].ch == OPT_SET) {
			kv = strdup(opts[i].arg);
			if (kv == NULL || (eq = strchr(kv, '=')) == NULL) {
				fprintf(stderr, "dgcg-sync: --set %s: KEY=VALUE expected\n", opts[i].arg);
				free(kv);
				goto out;
			}
			*eq = '\0';
			key = kv;
			snprintf(where, sizeof(where), "--set");
			if (dgcg_conf_tset(&sync_conf_table, &c, where, key, eq + 1, 0, err,
			    sizeof(err)) != DGCG_OK) {
				fprintf(stderr, "dgcg-sync: %s\n", err);
				free(kv);
				goto out;
			}
			free(kv);
			continue;
		}
		if ((key = opt_key(opts[i].ch)) == NULL)
			continue;
		snprintf(where, sizeof(where), "command line (%s)", key);
		/* the first -t replaces the file's trust anchors, others add */
		if (dgcg_conf_tset(&sync_conf_table, &c, where, key, opts[i].arg,
		    opts[i].ch == 't' && tcount++ > 0, err, sizeof(err)) != DGCG_OK) {
			fprintf(stderr, "dgcg-sync: %s\n", err);
			goto out;
		}
	}
	if (dgcg_log_open(c.log_file, dgcg_log_level_parse(c.log_level)) != DGCG_OK) {
		fprintf(stderr, "dgcg-sync: log_file %s: cannot open\n", c.log_file);
		goto out;
	}

	if (strcmp(cmd, "push") == 0) {
		if (optind != argc - 1) {
			fprintf(stderr, "dgcg-sync push: one DIR-OF-OWN-DSCS expected\n");
			goto out;
		}
		po.dir = argv[optind];
		po.delete = o.delete;
		po.dry_run = o.dry_run;
		rc = (int)sync_push(&c, &po, &pr);
		printf("push: %zu in %s, %zu listed; uploaded %zu, already there %zu, deleted %zu, "
		    "already gone %zu; %zu differences%s%s\n", pr.local, po.dir, pr.listed,
		    pr.uploaded, pr.present, pr.deleted, pr.gone, pr.differences,
		    rc == SYNC_PUSH_FAILED ? "; FAILED: " : "", rc == SYNC_PUSH_FAILED ?
		    pr.message : "");
		goto out;
	}
	if (optind != argc) {
		fprintf(stderr, "dgcg-sync pull: unexpected argument %s\n", argv[optind]);
		goto out;
	}
	if (sync_engine_new(&c, &e, err, sizeof(err)) != DGCG_OK) {
		fprintf(stderr, "dgcg-sync: %s\n", err);
		goto out;
	}
	if (o.explain != NULL) {
		rc = explain(e, &o);
		goto out;
	}
	if (sync_engine_lock(e, err, sizeof(err)) != DGCG_OK) {
		fprintf(stderr, "dgcg-sync: %s\n", err);
		rc = SYNC_FAILED;
		goto out;
	}
	if (o.daemon) {
		rc = daemon_loop(e, &c, &o);
		goto out;
	}
	rc = (int)sync_pull(e, &o.pull, &r);
	log_report(&r);
	print_report(&r);
out:
	sync_engine_free(e);
	sync_conf_free(&c);
	free(opts);
	dgcg_log_close();
	return rc;
}
