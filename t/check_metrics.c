/* check_metrics.c: the metric table, the text exposition (HELP/TYPE lines,
 * samples, escaping), the counter region (labels, totals, a full region)
 * and its file: created, sized, refused when it is not ours, replaced when
 * of another layout, shared by processes that each attach it, whose
 * concurrent increments add up exactly. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "worker/metrics.h"

Suite *make_metrics_suite(void);

/* The size of a region file: a header page and the slots. */
#define REGION_BYTES	(4096 + (off_t)DGCG_METRICS_SLOTS * 128)

static char dir[256];
static char path[300];
static char err[512];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "%s/check_metrics.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/metrics", dir);
	err[0] = '\0';
}

static void
teardown(void)
{
	char p[400];

	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	(void)system(p);
}

static struct dgcg_metrics *
attach(const char *p)
{
	struct dgcg_metrics *m = NULL;

	ck_assert_msg(dgcg_metrics_open(p, &m, err, sizeof(err)) == DGCG_OK, "open %s: %s",
	    p ? p : "(private)", err);
	return m;
}

/* The exposition of m (and nothing else) as a malloc'd text. */
static char *
expo_of(const struct dgcg_metrics *m)
{
	struct dgcg_expo *x = dgcg_expo_new();
	size_t len;
	char *t;

	dgcg_expo_counters(x, m);
	t = dgcg_expo_finish(x, &len);
	ck_assert_uint_eq(strlen(t), len);
	return t;
}

static int
valid_name(const char *s, int colon)
{
	size_t i;

	if (s == NULL || *s == '\0' || (*s >= '0' && *s <= '9'))
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || (colon && s[i] == ':')))
			return 0;
	return 1;
}

/* Every row: a valid, unique name (counters end in _total, gauges do not),
 * help text on one line, valid label names none reserved (__). */
START_TEST(table_rows)
{
	const struct dgcg_metric_info *a, *b;
	unsigned i, j, l;
	size_t n;

	for (i = 0; i < DGCG_M__MAX; i++) {
		a = dgcg_metric_info((enum dgcg_metric)i);
		ck_assert_ptr_nonnull(a);
		ck_assert_msg(valid_name(a->name, 1), "row %u: bad name %s", i, a->name);
		ck_assert_msg(strncmp(a->name, "dgcg_", 5) == 0, "%s: not dgcg_", a->name);
		n = strlen(a->name);
		ck_assert_msg((a->type == DGCG_MT_COUNTER) ==
		    (n > 6 && strcmp(a->name + n - 6, "_total") == 0),
		    "%s: a counter's name ends in _total, a gauge's does not", a->name);
		ck_assert_msg(a->help != NULL && *a->help != '\0' && strchr(a->help, '\n') == NULL,
		    "%s: help", a->name);
		ck_assert_uint_le(a->nlabels, DGCG_METRIC_LABELS_MAX);
		for (l = 0; l < a->nlabels; l++)
			ck_assert_msg(valid_name(a->labels[l], 0) &&
			    strncmp(a->labels[l], "__", 2) != 0, "%s: label %u", a->name, l);
		for (j = 0; j < i; j++) {
			b = dgcg_metric_info((enum dgcg_metric)j);
			ck_assert_msg(strcmp(a->name, b->name) != 0, "%s twice", a->name);
		}
	}
	ck_assert_ptr_null(dgcg_metric_info(DGCG_M__MAX));
	/* The ones the dashboards and alerts name. */
	ck_assert_str_eq(dgcg_metric_info(DGCG_M_REQUESTS)->name, "dgcg_requests_total");
	ck_assert_str_eq(dgcg_metric_info(DGCG_M_TP_FAILING)->name, "dgcg_trusted_party_failing");
	ck_assert_str_eq(dgcg_metric_info(DGCG_M_CERT_EXPIRY)->name,
	    "dgcg_certificate_expiry_seconds");
}
END_TEST

/* Every metric appears once, in table order, HELP then TYPE then its
 * samples; a counter without labels is 0 before anything counted it. */
START_TEST(exposition_layout)
{
	struct dgcg_metrics *m = attach(NULL);
	const struct dgcg_metric_info *mi;
	char *t, want[256];
	const char *p, *prev = NULL;
	unsigned i;

	t = expo_of(m);
	for (i = 0; i < DGCG_M__MAX; i++) {
		mi = dgcg_metric_info((enum dgcg_metric)i);
		snprintf(want, sizeof(want), "# HELP %s ", mi->name);
		p = strstr(t, want);
		ck_assert_msg(p != NULL, "no HELP for %s", mi->name);
		ck_assert_msg(strstr(p + 1, want) == NULL, "two HELP lines for %s", mi->name);
		ck_assert_msg(prev == NULL || p > prev, "%s out of table order", mi->name);
		prev = p;
		snprintf(want, sizeof(want), "\n# TYPE %s %s\n", mi->name,
		    mi->type == DGCG_MT_COUNTER ? "counter" : "gauge");
		ck_assert_msg(strstr(p, want) == strchr(p, '\n'), "TYPE of %s", mi->name);
	}
	ck_assert_ptr_nonnull(strstr(t, "\ndgcg_worker_starts_total 0\n"));
	ck_assert_ptr_nonnull(strstr(t, "\ndgcg_metrics_dropped_total 0\n"));
	ck_assert_ptr_null(strstr(t, "\ndgcg_requests_total{"));
	ck_assert_int_eq(t[strlen(t) - 1], '\n');
	free(t);
	dgcg_metrics_close(m);
}
END_TEST

/* Label values are escaped (backslash, quote, newline), invalid UTF-8 is
 * replaced, valid UTF-8 kept; gauges keep their order and sign. */
START_TEST(escaping)
{
	struct dgcg_expo *x = dgcg_expo_new();
	const char *v1[] = { "a\\b\"c\nd", "Z\xc3\xbcrich", "\xff" };
	const char *v2[] = { "DE", "CSCA", "00ff" };
	const char *v3[] = { "UPLOAD", NULL };
	size_t len;
	char *t;

	dgcg_expo_gauge(x, DGCG_M_CERT_EXPIRY, v1, -5);
	dgcg_expo_gauge(x, DGCG_M_CERT_EXPIRY, v2, 86400);
	dgcg_expo_gauge(x, DGCG_M_TP_FAILING, v3, 2);
	dgcg_expo_gauge(x, DGCG_M_DB_UP, NULL, 1);
	t = dgcg_expo_finish(x, &len);
	ck_assert_ptr_nonnull(strstr(t,
	    "\ndgcg_certificate_expiry_seconds{country=\"a\\\\b\\\"c\\nd\",type=\"Z\xc3\xbcrich\","
	    "thumbprint=\"\xef\xbf\xbd\"} -5\n"
	    "dgcg_certificate_expiry_seconds{country=\"DE\",type=\"CSCA\",thumbprint=\"00ff\"} 86400\n"));
	ck_assert_ptr_nonnull(strstr(t,
	    "\ndgcg_trusted_party_failing{type=\"UPLOAD\",country=\"\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(t, "\ndgcg_database_up 1\n"));
	/* no raw newline inside a sample: every line is a comment or a sample */
	ck_assert_ptr_null(strstr(t, "\nd\""));
	free(t);
}
END_TEST

/* Counters by label set, sorted by label values; get reads one set. */
START_TEST(counters_by_labels)
{
	struct dgcg_metrics *m = attach(NULL);
	const char *a[] = { "GET", "/countrylist", "200" };
	const char *b[] = { "GET", "/countrylist", "401" };
	const char *c[] = { "DELETE", "/rules", "204" };
	const char *p[] = { "0x404", "NOT_FOUND" };
	char *t;

	dgcg_metrics_add(m, DGCG_M_REQUESTS, a, 1);
	dgcg_metrics_add(m, DGCG_M_REQUESTS, b, 2);
	dgcg_metrics_add(m, DGCG_M_REQUESTS, a, 3);
	dgcg_metrics_add(m, DGCG_M_REQUESTS, c, 1);
	dgcg_metrics_add(m, DGCG_M_PROBLEMS, p, 7);
	dgcg_metrics_add(m, DGCG_M_WORKER_STARTS, NULL, 1);
	dgcg_metrics_add(NULL, DGCG_M_WORKER_STARTS, NULL, 1);	/* no region: nothing */
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_REQUESTS, a), 4);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_REQUESTS, b), 2);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_PROBLEMS, a), 0);
	t = expo_of(m);
	ck_assert_ptr_nonnull(strstr(t,
	    "# TYPE dgcg_requests_total counter\n"
	    "dgcg_requests_total{method=\"DELETE\",route=\"/rules\",status=\"204\"} 1\n"
	    "dgcg_requests_total{method=\"GET\",route=\"/countrylist\",status=\"200\"} 4\n"
	    "dgcg_requests_total{method=\"GET\",route=\"/countrylist\",status=\"401\"} 2\n"
	    "# HELP dgcg_problems_total "));
	ck_assert_ptr_nonnull(strstr(t,
	    "\ndgcg_problems_total{code=\"0x404\",name=\"NOT_FOUND\"} 7\n"));
	ck_assert_ptr_nonnull(strstr(t, "\ndgcg_worker_starts_total 1\n"));
	ck_assert_uint_eq(dgcg_metrics_shared(m), 0);
	free(t);
	dgcg_metrics_close(m);
}
END_TEST

/* Running totals: only the growth is added; a total that went down (a
 * reset) counts from zero; the first report makes the series, at 0 too. */
START_TEST(totals)
{
	struct dgcg_metrics *m = attach(NULL);
	const char *hits[] = { "auth" }, *miss[] = { "trustlist" };
	char *t;

	dgcg_metrics_total(m, DGCG_M_CACHE_HITS, hits, 5);
	dgcg_metrics_total(m, DGCG_M_CACHE_HITS, hits, 5);
	dgcg_metrics_total(m, DGCG_M_CACHE_HITS, hits, 9);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_CACHE_HITS, hits), 9);
	dgcg_metrics_total(m, DGCG_M_CACHE_HITS, hits, 2);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_CACHE_HITS, hits), 11);
	dgcg_metrics_total(m, DGCG_M_CACHE_MISSES, miss, 0);
	dgcg_metrics_total(m, DGCG_M_DB_RECONNECTS, NULL, 3);
	t = expo_of(m);
	ck_assert_ptr_nonnull(strstr(t, "\ndgcg_cache_misses_total{cache=\"trustlist\"} 0\n"));
	ck_assert_ptr_nonnull(strstr(t, "\ndgcg_cache_hits_total{cache=\"auth\"} 11\n"));
	ck_assert_ptr_nonnull(strstr(t, "\ndgcg_db_reconnects_total 3\n"));
	free(t);
	dgcg_metrics_close(m);
}
END_TEST

/* What has no slot counts as dropped: values too long for a slot, and
 * label sets beyond the region's slots. */
START_TEST(full_region)
{
	struct dgcg_metrics *m = attach(NULL);
	char big[200], route[32];
	const char *v[] = { "GET", big, "200" };
	size_t i, kept = 0;
	char *t;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	dgcg_metrics_add(m, DGCG_M_REQUESTS, v, 3);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_DROPPED, NULL), 3);
	v[1] = route;
	for (i = 0; i < DGCG_METRICS_SLOTS + 10; i++) {
		snprintf(route, sizeof(route), "/r%zu", i);
		dgcg_metrics_add(m, DGCG_M_REQUESTS, v, 1);
	}
	for (i = 0; i < DGCG_METRICS_SLOTS + 10; i++) {
		snprintf(route, sizeof(route), "/r%zu", i);
		kept += dgcg_metrics_get(m, DGCG_M_REQUESTS, v);
	}
	ck_assert_uint_eq(kept, DGCG_METRICS_SLOTS);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_DROPPED, NULL), 3 + 10);
	t = expo_of(m);
	ck_assert_ptr_nonnull(strstr(t, "\ndgcg_metrics_dropped_total 13\n"));
	free(t);
	dgcg_metrics_close(m);
}
END_TEST

/* The file: made 0600 at the region's size; the counts outlive a close
 * (a worker's restart); two attachments see each other's counts. */
START_TEST(file_shared_and_kept)
{
	struct dgcg_metrics *m, *m2;
	struct stat st;

	m = attach(path);
	ck_assert_int_eq(dgcg_metrics_shared(m), 1);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq((int)(st.st_mode & 0777), 0600);
	ck_assert_int_eq((long long)st.st_size, (long long)REGION_BYTES);
	dgcg_metrics_add(m, DGCG_M_WORKER_STARTS, NULL, 1);
	m2 = attach(path);
	dgcg_metrics_add(m2, DGCG_M_WORKER_STARTS, NULL, 1);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_WORKER_STARTS, NULL), 2);
	dgcg_metrics_close(m);
	dgcg_metrics_close(m2);
	m = attach(path);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_WORKER_STARTS, NULL), 2);
	dgcg_metrics_close(m);
}
END_TEST

static void
write_file(const char *p, const void *data, size_t n)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
	close(fd);
}

/* A file that is not a region is refused and left as it was; so is a
 * symbolic link, a directory, and (as root, who can give files away) a
 * file of another user. */
START_TEST(file_refused)
{
	static const char text[] = "db_socket = /run/mysqld/mysqld.sock\n";
	struct dgcg_metrics *m = NULL;
	char link[400], buf[64];
	struct stat st;
	int fd;

	write_file(path, text, sizeof(text) - 1);
	ck_assert_int_eq(dgcg_metrics_open(path, &m, err, sizeof(err)), DGCG_ERR_CONFIG);
	ck_assert_ptr_null(m);
	ck_assert_ptr_nonnull(strstr(err, "not a dgcg metrics region"));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq((long long)st.st_size, (long long)(sizeof(text) - 1));
	fd = open(path, O_RDONLY);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), (ssize_t)(sizeof(text) - 1));
	close(fd);
	ck_assert_int_eq(memcmp(buf, text, sizeof(text) - 1), 0);

	snprintf(link, sizeof(link), "%s/link", dir);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_ne(dgcg_metrics_open(link, &m, err, sizeof(err)), DGCG_OK);
	ck_assert_ptr_null(m);
	ck_assert_int_ne(lstat(path, &st), 0);	/* nothing made through the link */

	ck_assert_int_ne(dgcg_metrics_open(dir, &m, err, sizeof(err)), DGCG_OK);
	ck_assert_ptr_null(m);

	if (geteuid() == 0) {
		m = attach(path);
		dgcg_metrics_close(m);
		ck_assert_int_eq(chown(path, 65534, 65534), 0);
		ck_assert_int_eq(dgcg_metrics_open(path, &m, err, sizeof(err)), DGCG_ERR_CONFIG);
		ck_assert_ptr_nonnull(strstr(err, "owned by uid 65534"));
	}
}
END_TEST

/* An empty file, or one sized but without its header (a creation cut
 * short), becomes a region; a region of another layout (other size, other
 * version) is replaced by a fresh one under the same name. */
START_TEST(file_made_and_replaced)
{
	struct dgcg_metrics *m;
	struct stat st, st2;
	uint32_t layout = 99;
	int fd;

	write_file(path, "", 0);
	m = attach(path);
	dgcg_metrics_add(m, DGCG_M_WORKER_STARTS, NULL, 5);
	dgcg_metrics_close(m);

	ck_assert_int_eq(truncate(path, 0), 0);
	ck_assert_int_eq(truncate(path, REGION_BYTES), 0);
	m = attach(path);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_WORKER_STARTS, NULL), 0);
	dgcg_metrics_add(m, DGCG_M_WORKER_STARTS, NULL, 5);
	dgcg_metrics_close(m);

	/* The layout field follows the 8-byte magic. */
	ck_assert_int_eq(stat(path, &st), 0);
	fd = open(path, O_WRONLY);
	ck_assert_int_eq(pwrite(fd, &layout, sizeof(layout), 8), (ssize_t)sizeof(layout));
	close(fd);
	m = attach(path);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_WORKER_STARTS, NULL), 0);
	dgcg_metrics_add(m, DGCG_M_WORKER_STARTS, NULL, 5);
	dgcg_metrics_close(m);
	ck_assert_int_eq(stat(path, &st2), 0);
	ck_assert_msg(st.st_ino != st2.st_ino, "replaced by rename, not rewritten in place");
	ck_assert_int_eq((long long)st2.st_size, (long long)REGION_BYTES);

	ck_assert_int_eq(truncate(path, REGION_BYTES - 128), 0);
	m = attach(path);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_WORKER_STARTS, NULL), 0);
	dgcg_metrics_close(m);
	ck_assert_int_eq(stat(path, &st2), 0);
	ck_assert_int_eq((long long)st2.st_size, (long long)REGION_BYTES);
}
END_TEST

#define KIDS	4
#define ROUNDS	20000

/* KIDS processes, each attaching the file itself (as workers do), start
 * together on a fresh region and count ROUNDS times into the same label
 * sets (claiming their slots concurrently) and once into one of their
 * own: the totals are exact, and each label set has one line. */
static void
count_in_kids(const char *p)
{
	const char *shared[] = { "GET", "/trustList/{type}", "200" };
	const char *other[] = { "POST", "/signerCertificate", "201" };
	const char *mine[] = { "GET", NULL, "200" };
	struct dgcg_metrics *m;
	char route[32], *t, line[128];
	int go[2], i, k, status;
	pid_t pid[KIDS];
	char c;

	ck_assert_int_eq(pipe(go), 0);
	for (k = 0; k < KIDS; k++) {
		pid[k] = fork();
		ck_assert_int_ge(pid[k], 0);
		if (pid[k] == 0) {
			close(go[1]);
			if (read(go[0], &c, 1) != 0)
				_exit(2);
			if (dgcg_metrics_open(p, &m, err, sizeof(err)) != DGCG_OK)
				_exit(3);
			snprintf(route, sizeof(route), "/kid/%d", k);
			mine[1] = route;
			for (i = 0; i < ROUNDS; i++) {
				dgcg_metrics_add(m, DGCG_M_REQUESTS, shared, 1);
				if (i % 2 == 0)
					dgcg_metrics_add(m, DGCG_M_REQUESTS, other, 1);
			}
			dgcg_metrics_add(m, DGCG_M_REQUESTS, mine, 1);
			dgcg_metrics_add(m, DGCG_M_WORKER_STARTS, NULL, 1);
			dgcg_metrics_close(m);
			_exit(0);
		}
	}
	close(go[0]);
	close(go[1]);	/* all start now */
	for (k = 0; k < KIDS; k++) {
		ck_assert_int_eq(waitpid(pid[k], &status, 0), pid[k]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "kid %d: %d", k,
		    status);
	}
	m = attach(p);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_REQUESTS, shared), (uint64_t)KIDS * ROUNDS);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_REQUESTS, other), (uint64_t)KIDS * ROUNDS / 2);
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_WORKER_STARTS, NULL), KIDS);
	t = expo_of(m);
	snprintf(line, sizeof(line),
	    "\ndgcg_requests_total{method=\"GET\",route=\"/trustList/{type}\",status=\"200\"} %d\n",
	    KIDS * ROUNDS);
	ck_assert_msg(strstr(t, line) != NULL, "no line %s in\n%s", line, t);
	ck_assert_ptr_null(strstr(strstr(t, line) + strlen(line), "route=\"/trustList/{type}\""));
	for (k = 0; k < KIDS; k++) {
		snprintf(line, sizeof(line), "route=\"/kid/%d\",status=\"200\"} 1\n", k);
		ck_assert_msg(strstr(t, line) != NULL, "no line %s", line);
	}
	free(t);
	dgcg_metrics_close(m);
}

START_TEST(concurrent_file)
{
	count_in_kids(path);
}
END_TEST

/* The private region is shared with children forked after it. */
START_TEST(concurrent_private)
{
	struct dgcg_metrics *m = attach(NULL);
	const char *v[] = { "GET", "/countrylist", "200" };
	int k, i, status;
	pid_t pid[KIDS];

	for (k = 0; k < KIDS; k++) {
		pid[k] = fork();
		ck_assert_int_ge(pid[k], 0);
		if (pid[k] == 0) {
			for (i = 0; i < ROUNDS; i++)
				dgcg_metrics_add(m, DGCG_M_REQUESTS, v, 1);
			_exit(0);
		}
	}
	for (k = 0; k < KIDS; k++) {
		ck_assert_int_eq(waitpid(pid[k], &status, 0), pid[k]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ck_assert_uint_eq(dgcg_metrics_get(m, DGCG_M_REQUESTS, v), (uint64_t)KIDS * ROUNDS);
	dgcg_metrics_close(m);
}
END_TEST

Suite *
make_metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, table_rows);
	tcase_add_test(tc, exposition_layout);
	tcase_add_test(tc, escaping);
	tcase_add_test(tc, counters_by_labels);
	tcase_add_test(tc, totals);
	tcase_add_test(tc, full_region);
	tcase_add_test(tc, file_shared_and_kept);
	tcase_add_test(tc, file_refused);
	tcase_add_test(tc, file_made_and_replaced);
	tcase_add_test(tc, concurrent_file);
	tcase_add_test(tc, concurrent_private);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_metrics_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
