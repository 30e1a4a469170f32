/* main.c: the dgcg-fcgi worker: accepts FastCGI requests on the socket
 * spawn-fcgi hands over as fd 0, one at a time, until SIGTERM, SIGINT or
 * SIGUSR1 (multiwatch's graceful-stop signal). */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "base/conf.h"
#include "store/db.h"
#include "worker/gateway.h"
#include "worker/metrics.h"
#include "io.h"
#include "base/log.h"
#include "route.h"
#include "domain/trustlist.h"

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
	FCGX_ShutdownPending();
}

static void
usage(void)
{
	fprintf(stderr, "usage: dgcg-fcgi [-c config]\n");
	exit(64);
}

int
main(int argc, char *argv[])
{
	struct dgcg_io_names names;
	struct dgcg_gw gw;
	struct sigaction sa;
	FCGX_Request fr;
	struct dgcg_req req;
	struct dgcg_reply resp;
	const char *conf = getenv("DGCG_CONFIG");
	char err[512];
	int ch;

	while ((ch = getopt(argc, argv, "c:")) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (conf == NULL)
		conf = DGCG_CONF_PATH;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_term;	/* no SA_RESTART: accept(2) returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* NOTE: multiwatch stops its children with SIGUSR1; its -s option
	 * cannot choose another one (Debian's 1.0.0 sends the signal before the
	 * one named: -s TERM sends SIGQUIT, which kills without cleanup). */
	sigaction(SIGUSR1, &sa, NULL);

	err[0] = '\0';
	if (dgcg_gw_init(&gw, conf, 0, err, sizeof(err)) != DGCG_OK) {
		fprintf(stderr, "dgcg-fcgi: %s\n", err);
		dgcg_log(DGCG_LOG_ERROR, "main", "Worker failed to start", NULL, "reason", err, NULL);
		dgcg_gw_free(&gw);
		return 78;
	}
	dgcg_io_names(&gw.conf, &names);
	/* Connect now so the first request does not pay for it; a failure is
	 * not fatal: every request retries. */
	(void)dgcg_db_connect(gw.db);
	dgcg_metrics_add(gw.metrics, DGCG_M_WORKER_STARTS, NULL, 1);
	dgcg_log(DGCG_LOG_INFO, "main", "Worker started", NULL, "config", conf, NULL);

	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, 0, 0) != 0) {
		dgcg_log(DGCG_LOG_ERROR, "main", "FastCGI initialisation failed", NULL, NULL);
		dgcg_gw_free(&gw);
		return 71;
	}
	while (!stop && FCGX_Accept_r(&fr) >= 0) {
		memset(&resp, 0, sizeof(resp));
		dgcg_io_capture(&fr, &names, &req);
		dgcg_log_set_trace(req.request_id);
		dgcg_dispatch(&gw, &req, &resp);
		dgcg_io_send(&fr, &req, &resp);
		dgcg_reply_clear(&resp);
		dgcg_req_clear(&req);
		dgcg_log_set_trace(NULL);
		FCGX_Finish_r(&fr);
	}
	dgcg_log(DGCG_LOG_INFO, "main", "Worker stopped", NULL, NULL);
	FCGX_Free(&fr, 1);
	dgcg_gw_free(&gw);
	dgcg_log_close();
	return 0;
}
