/* check_route.c: the dispatcher's answers that need no database: unknown
 * paths, wrong methods, missing identity headers. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <json-c/json.h>

#include "worker/gateway.h"
#include "worker/metrics.h"
#include "base/log.h"
#include "route.h"

static struct dgcg_gw gw;

static void
setup(void)
{
	memset(&gw, 0, sizeof(gw));
	dgcg_conf_defaults(&gw.conf);
}

static void
teardown(void)
{
	dgcg_conf_free(&gw.conf);
}

/* Dispatches and checks status and problem code. */
static void
expect(const char *method, const char *path, const char *thumb, const char *dn, int status,
    const char *code, struct dgcg_reply *out)
{
	struct dgcg_req req;
	struct dgcg_reply resp;
	struct json_object *j, *c;
	char *body;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.method = method;
	req.path = path;
	req.query = "";
	req.content_length = -1;
	req.thumb = thumb;
	req.dn = dn;
	dgcg_dispatch(&gw, &req, &resp);
	ck_assert_msg(resp.status == status, "%s %s: status %d, want %d", method, path,
	    resp.status, status);
	ck_assert(dgcg_reply_failed(&resp));
	body = dgcg_reply_problem_json(&resp, NULL);
	j = json_tokener_parse(body);
	free(body);
	ck_assert_ptr_nonnull(j);
	ck_assert(json_object_object_get_ex(j, "code", &c));
	ck_assert_str_eq(json_object_get_string(c), code);
	json_object_put(j);
	dgcg_req_clear(&req);
	if (out != NULL)
		*out = resp;
	else
		dgcg_reply_clear(&resp);
}

START_TEST(unknown_paths_404)
{
	expect("GET", "/nothing", NULL, NULL, 404, "0x404", NULL);
	expect("GET", "/countrylist/", NULL, NULL, 404, "0x404", NULL);
	expect("GET", "/countrylistx", NULL, NULL, 404, "0x404", NULL);
	expect("GET", "/", NULL, NULL, 404, "0x404", NULL);
	expect("GET", "", NULL, NULL, 404, "0x404", NULL);
	expect("GET", NULL, NULL, NULL, 404, "0x404", NULL);
	expect("GET", "//countrylist", NULL, NULL, 404, "0x404", NULL);
}
END_TEST

START_TEST(wrong_method_405)
{
	struct dgcg_reply r;

	expect("POST", "/countrylist", NULL, NULL, 405, "0x405", &r);
	ck_assert_ptr_nonnull(strstr(r.headers, "Allow: GET\r\n"));
	dgcg_reply_clear(&r);
	expect("DELETE", "/countrylist", NULL, NULL, 405, "0x405", NULL);
	expect(NULL, "/countrylist", NULL, NULL, 405, "0x405", NULL);
}
END_TEST

START_TEST(auth_before_handler)
{
	expect("GET", "/countrylist", NULL, NULL, 401, "0x400", NULL);
	expect("HEAD", "/countrylist", NULL, "C=DE", 401, "0x400", NULL);
	expect("GET", "/countrylist",
	    "397da9eb17467a2b3b83704ab6490a540bef43e84f06a12f8d2a51c0a0a9a401", "CN=x", 400,
	    "0x401", NULL);
}
END_TEST

/* Every answer is counted once: by method (a client's own as "other"),
 * route pattern ("unmatched" for an unknown path, /metrics without the
 * internal listener's parameter among them) and status; its problem row;
 * and on an upload or delete route the write's outcome. */
START_TEST(counted)
{
	const char *r404[] = { "GET", "unmatched", "404" };
	const char *r405[] = { "other", "/countrylist", "405" };
	const char *r401[] = { "POST", "/signerCertificate", "401" };
	const char *p404[] = { "0x404", "NOT_FOUND" };
	const char *p400[] = { "0x400", "AUTH_MISSING" };
	const char *up[] = { "signerCertificate", "upload", "rejected" };
	const char *del[] = { "rules", "delete", "rejected" };
	struct dgcg_metrics *m = NULL;
	char err[256];

	ck_assert_int_eq(dgcg_metrics_open(NULL, &m, err, sizeof(err)), DGCG_OK);
	gw.metrics = m;
	expect("GET", "/nothing", NULL, NULL, 404, "0x404", NULL);
	expect("GET", "/metrics", NULL, NULL, 404, "0x404", NULL);
	expect("BREW", "/countrylist", NULL, NULL, 405, "0x405", NULL);
	expect("POST", "/signerCertificate", NULL, NULL, 401, "0x400", NULL);
	expect("POST", "/rules/delete", NULL, NULL, 401, "0x400", NULL);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_REQUESTS, r404), 2);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_REQUESTS, r405), 1);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_REQUESTS, r401), 1);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_PROBLEMS, p404), 2);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_PROBLEMS, p400), 2);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_WRITES, up), 1);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_WRITES, del), 1);
	gw.metrics = NULL;
	dgcg_metrics_close(m);
}
END_TEST

static int body_reads;

static enum dgcg_err
count_read(void *arg, size_t max, char **buf, size_t *len)
{
	(void)arg;
	(void)max;
	body_reads++;
	*buf = NULL;
	*len = 0;
	return DGCG_ERR_IO;
}

/* No body is read before the caller is authenticated (CONVENTIONS 5). */
START_TEST(no_body_before_auth)
{
	struct dgcg_req req;
	struct dgcg_reply resp;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.method = "POST";
	req.path = "/signerCertificate";
	req.query = "";
	req.content_type = "application/cms";
	req.content_length = 100000000;
	req.read_body = count_read;
	body_reads = 0;
	dgcg_dispatch(&gw, &req, &resp);
	ck_assert_int_eq(resp.status, 401);
	ck_assert_int_eq(body_reads, 0);
	dgcg_reply_clear(&resp);
	req.dn = "CN=no country";
	req.thumb = "397da9eb17467a2b3b83704ab6490a540bef43e84f06a12f8d2a51c0a0a9a401";
	dgcg_dispatch(&gw, &req, &resp);
	ck_assert_int_eq(resp.status, 400);
	ck_assert_int_eq(body_reads, 0);
	dgcg_reply_clear(&resp);
	dgcg_req_clear(&req);
}
END_TEST

static Suite *
make_route_suite(void)
{
	Suite *s = suite_create("route");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, unknown_paths_404);
	tcase_add_test(tc, wrong_method_405);
	tcase_add_test(tc, auth_before_handler);
	tcase_add_test(tc, no_body_before_auth);
	tcase_add_test(tc, counted);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_route_suite());
	int failed;

	dgcg_log_open("/dev/null", DGCG_LOG_ERROR);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
