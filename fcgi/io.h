/* io.h: the only place (with main.c) that talks libfcgi: captures a
 * request's params once and writes a response back. */
#ifndef DGCG_IO_H
#define DGCG_IO_H

#include <fcgiapp.h>

#include "base/conf.h"
#include "req.h"

/* CGI param names of the configured identity headers ("HTTP_X_SSL_...").
 * Computed once at start from the configuration. */
struct dgcg_io_names {
	char	thumb[128];
	char	dn[128];
};

void dgcg_io_names(const struct dgcg_conf *conf, struct dgcg_io_names *n);

/* Fills req from the FastCGI params of fr (pointers borrow fr's memory
 * and stay valid until FCGX_Finish_r). */
void dgcg_io_capture(FCGX_Request *fr, const struct dgcg_io_names *n, struct dgcg_req *req);

/* Writes the reply (head only for HEAD requests); a problem as its
 * ProblemReport JSON. */
void dgcg_io_send(FCGX_Request *fr, const struct dgcg_req *req, const struct dgcg_reply *resp);

#endif
