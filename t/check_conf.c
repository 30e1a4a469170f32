/* check_conf.c: configuration defaults, parsing, errors and secrets. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "base/conf.h"
#include "base/dgcg.h"
#include "mankeys.h"
#include "testutil.h"

#ifndef DGCG_SQLDIR
#define DGCG_SQLDIR	"/usr/share/dgcg/sql"
#endif

/* A temporary directory per test, with the files written into it. */
static char tmpdir[64];
static char files[64][256];
static int nfiles;

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_conf.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	nfiles = 0;
}

static void
teardown(void)
{
	int i;

	for (i = 0; i < nfiles; i++)
		unlink(files[i]);
	rmdir(tmpdir);
}

/* Writes len bytes of s to a new file in tmpdir; returns its path. */
static const char *
put(const char *s, size_t len)
{
	FILE *f;
	char *p;

	ck_assert_int_lt(nfiles, 64);
	p = files[nfiles];
	snprintf(p, sizeof(files[0]), "%s/f%d", tmpdir, nfiles);
	nfiles++;
	f = fopen(p, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(s, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return p;
}

static const char *
puts_(const char *s)
{
	return put(s, strlen(s));
}

/* Loads text over the defaults; returns the result, err filled. */
static enum dgcg_err
load(const char *text, struct dgcg_conf *c, char *err, size_t errsz, const char **path)
{
	const char *p = puts_(text);

	if (path != NULL)
		*path = p;
	dgcg_conf_defaults(c);
	return dgcg_conf_load(p, c, err, errsz);
}

/* Asserts that text fails with DGCG_ERR_CONFIG and "path:<where>" prefix. */
static void
fails(const char *text, const char *where)
{
	struct dgcg_conf c;
	char err[512], want[512];
	const char *path;

	err[0] = '\0';
	ck_assert_int_eq(load(text, &c, err, sizeof(err), &path), DGCG_ERR_CONFIG);
	snprintf(want, sizeof(want), "%s:%s", path, where);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0,
	    "error \"%s\" does not start with \"%s\"", err, want);
	/* a failed load leaves the defaults untouched */
	ck_assert_uint_eq(c.db_port, 3306);
	ck_assert_str_eq(c.db_host, "localhost");
	ck_assert_uint_eq(c.body_max, 1048576);
	dgcg_conf_free(&c);
}

START_TEST(test_defaults)
{
	struct dgcg_conf c;

	dgcg_conf_defaults(&c);
	ck_assert_ptr_null(c.db_socket);
	ck_assert_str_eq(c.db_host, "localhost");
	ck_assert_uint_eq(c.db_port, 3306);
	ck_assert_str_eq(c.db_name, "dgcg");
	ck_assert_str_eq(c.db_user, "dgcg_app");
	ck_assert_ptr_null(c.db_password_file);
	ck_assert_str_eq(c.db_admin_user, "dgcg_admin");
	ck_assert_ptr_null(c.db_admin_password_file);
	ck_assert_int_eq(c.db_tls, 0);
	ck_assert_ptr_null(c.db_tls_ca);
	ck_assert_ptr_null(c.db_tls_cert);
	ck_assert_ptr_null(c.db_tls_key);
	ck_assert_uint_eq(c.db_timeout, 5);
	ck_assert_ptr_null(c.trust_anchor);
	ck_assert_str_eq(c.header_thumbprint, "X-SSL-Client-SHA256");
	ck_assert_str_eq(c.header_dn, "X-SSL-Client-DN");
	ck_assert_str_eq(c.log_file, "-");
	ck_assert_str_eq(c.log_level, "INFO");
	ck_assert_uint_eq(c.body_max, DGCG_BODY_MAX_DEFAULT);
	ck_assert_str_eq(c.sql_dir, DGCG_SQLDIR);
	ck_assert_ptr_null(c.cache_dir);
	ck_assert_str_eq(c.cache_uri, "/_dgcg_cache/");
	ck_assert_int_eq(c.trustlist_cache, 1);
	dgcg_conf_free(&c);
	ck_assert_ptr_null(c.db_host);
	ck_assert_ptr_null(c.header_dn);
	ck_assert_ptr_null(c.sql_dir);
	dgcg_conf_free(&c);	/* twice is harmless */
}
END_TEST

START_TEST(test_full)
{
	struct dgcg_conf c;
	char err[512] = "";

	ck_assert_int_eq(load(
	    "# dgcg.conf\n"
	    "\n"
	    "   # indented comment\n"
	    "db_socket = /run/mysqld/mysqld.sock\n"
	    "db_host=db.example\n"
	    "\tdb_port\t=\t3307\t\n"
	    "db_name = dgcg_test\n"
	    "db_user = app\r\n"
	    "db_password_file = /etc/dgcg/app.pw\n"
	    "db_admin_user = admin\n"
	    "db_admin_password_file = /etc/dgcg/admin.pw\n"
	    "db_tls = yes\n"
	    "db_tls_ca = /etc/dgcg/ca.pem\n"
	    "db_tls_cert = /etc/dgcg/cert.pem\n"
	    "db_tls_key = /etc/dgcg/key.pem\n"
	    "db_timeout = 600\n"
	    "trust_anchor = /etc/dgcg/ta.pem\n"
	    "header_thumbprint = X-Client-Hash\n"
	    "header_dn = x-client-dn\n"
	    "log_file = /var/log/dgcg/dgcg.log\n"
	    "log_level = debug\n"
	    "body_max = 2M\n"
	    "sql_dir = /opt/dgcg/sql\n"
	    "# no newline at the end", &c, err, sizeof(err), NULL), DGCG_OK);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(c.db_socket, "/run/mysqld/mysqld.sock");
	ck_assert_str_eq(c.db_host, "db.example");
	ck_assert_uint_eq(c.db_port, 3307);
	ck_assert_str_eq(c.db_name, "dgcg_test");
	ck_assert_str_eq(c.db_user, "app");
	ck_assert_str_eq(c.db_password_file, "/etc/dgcg/app.pw");
	ck_assert_str_eq(c.db_admin_user, "admin");
	ck_assert_str_eq(c.db_admin_password_file, "/etc/dgcg/admin.pw");
	ck_assert_int_eq(c.db_tls, 1);
	ck_assert_str_eq(c.db_tls_ca, "/etc/dgcg/ca.pem");
	ck_assert_str_eq(c.db_tls_cert, "/etc/dgcg/cert.pem");
	ck_assert_str_eq(c.db_tls_key, "/etc/dgcg/key.pem");
	ck_assert_uint_eq(c.db_timeout, 600);
	ck_assert_str_eq(c.trust_anchor, "/etc/dgcg/ta.pem");
	ck_assert_str_eq(c.header_thumbprint, "X-Client-Hash");
	ck_assert_str_eq(c.header_dn, "x-client-dn");
	ck_assert_str_eq(c.log_file, "/var/log/dgcg/dgcg.log");
	ck_assert_str_eq(c.log_level, "DEBUG");
	ck_assert_uint_eq(c.body_max, 2 * 1024 * 1024);
	ck_assert_str_eq(c.sql_dir, "/opt/dgcg/sql");

	/* a second file applies over the first; empty unsets an optional key */
	ck_assert_int_eq(dgcg_conf_load(puts_("db_socket =\nlog_level = warn\n"), &c,
	    err, sizeof(err)), DGCG_OK);
	ck_assert_ptr_null(c.db_socket);
	ck_assert_str_eq(c.log_level, "WARN");
	ck_assert_str_eq(c.db_host, "db.example");
	dgcg_conf_free(&c);

	/* an empty file gives the defaults */
	ck_assert_int_eq(load("", &c, err, sizeof(err), NULL), DGCG_OK);
	ck_assert_uint_eq(c.db_port, 3306);
	dgcg_conf_free(&c);
}
END_TEST

START_TEST(test_errors)
{
	struct dgcg_conf c;
	char err[512], line[5000];
	enum dgcg_err rc;

	fails("bogus = 1\n", "1: bogus: unknown key");
	fails("# x\nDB_PORT = 1\n", "2: DB_PORT: unknown key");
	fails("db_port = 1\n\ndb_port = 2\n", "3: db_port: duplicate key");
	fails("db_host localhost\n", "1: db_host localhost: missing '='");
	fails("= x\n", "1: ");
	fails("db_port = 0\n", "1: db_port: value out of range");
	fails("db_port = 65536\n", "1: db_port: value out of range");
	fails("db_port = 99999999999999999999999\n", "1: db_port: bad number");
	fails("db_port = 12x\n", "1: db_port: bad number");
	fails("db_port = -1\n", "1: db_port: bad number");
	fails("db_port = +1\n", "1: db_port: bad number");
	fails("db_port = 0x10\n", "1: db_port: bad number");
	fails("db_port = 3 306\n", "1: db_port: bad number");
	fails("db_port =\n", "1: db_port: empty value");
	fails("db_host =\n", "1: db_host: empty value");
	fails("db_timeout = 0\n", "1: db_timeout: value out of range");
	fails("db_timeout = 601\n", "1: db_timeout: value out of range");
	fails("db_tls = maybe\n", "1: db_tls: ");
	fails("log_level = verbose\n", "1: log_level: ");
	fails("db_name = a\x01" "b\n", "1: db_name: control character");
	fails("# ok\n\ndb_port = 3306\nbody_max = 1023\n", "4: body_max: value out of range");

	/* a NUL byte anywhere in a line */
	{
		struct dgcg_conf c2;
		char want[300];
		const char *p = put("db_host = a\0b\n", 14);

		dgcg_conf_defaults(&c2);
		ck_assert_int_eq(dgcg_conf_load(p, &c2, err, sizeof(err)), DGCG_ERR_CONFIG);
		snprintf(want, sizeof(want), "%s:1: ", p);
		ck_assert_int_eq(strncmp(err, want, strlen(want)), 0);
		ck_assert_ptr_nonnull(strstr(err, "NUL"));
		dgcg_conf_free(&c2);
	}

	/* 4096 bytes are fine, 4097 are not */
	memset(line, ' ', sizeof(line));
	memcpy(line, "db_name = x", 11);
	line[4096] = '\n';
	line[4097] = '\0';
	ck_assert_int_eq(load(line, &c, err, sizeof(err), NULL), DGCG_OK);
	ck_assert_str_eq(c.db_name, "x");
	dgcg_conf_free(&c);
	line[4096] = ' ';
	line[4097] = '\n';
	line[4098] = '\0';
	fails(line, "1: ");

	/* a missing file is an I/O error that names it */
	dgcg_conf_defaults(&c);
	rc = dgcg_conf_load("/nonexistent/dgcg.conf", &c, err, sizeof(err));
	ck_assert_int_eq(rc, DGCG_ERR_IO);
	ck_assert_int_eq(strncmp(err, "/nonexistent/dgcg.conf: ", 24), 0);
	/* err may be NULL */
	ck_assert_int_eq(dgcg_conf_load(puts_("x=1\n"), &c, NULL, 0), DGCG_ERR_CONFIG);
	dgcg_conf_free(&c);
}
END_TEST

START_TEST(test_sizes)
{
	static const struct {
		const char	*text;
		size_t		 want;		/* 0: refused */
	} cases[] = {
		{ "1024", 1024 }, { "1k", 1024 }, { "64K", 65536 }, { "2m", 2097152 },
		{ "64M", 67108864 }, { "65536k", 67108864 }, { "67108864", 67108864 },
		{ "67108865", 0 }, { "65M", 0 }, { "65537k", 0 }, { "1023", 0 },
		{ "0k", 0 }, { "1G", 0 }, { "k", 0 }, { "1kb", 0 }, { "1 k", 0 },
		{ "-1k", 0 }, { "18446744073709551615k", 0 },
	};
	struct dgcg_conf c;
	char text[128], err[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "body_max = %s\n", cases[i].text);
		if (cases[i].want != 0) {
			ck_assert_msg(load(text, &c, err, sizeof(err), NULL) == DGCG_OK,
			    "%s: %s", cases[i].text, err);
			ck_assert_uint_eq(c.body_max, cases[i].want);
		} else
			ck_assert_msg(load(text, &c, err, sizeof(err), NULL) ==
			    DGCG_ERR_CONFIG, "%s accepted", cases[i].text);
		dgcg_conf_free(&c);
		teardown();
		setup();
	}
}
END_TEST

START_TEST(test_bools)
{
	static const struct {
		const char	*text;
		int		 want;	/* -1: refused */
	} cases[] = {
		{ "yes", 1 }, { "YES", 1 }, { "true", 1 }, { "True", 1 }, { "on", 1 },
		{ "1", 1 }, { "no", 0 }, { "No", 0 }, { "false", 0 }, { "FALSE", 0 },
		{ "off", 0 }, { "0", 0 }, { "y", -1 }, { "2", -1 }, { "enabled", -1 },
		{ "yes please", -1 },
	};
	struct dgcg_conf c;
	char text[128], err[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "db_tls = %s\n", cases[i].text);
		if (cases[i].want >= 0) {
			ck_assert_int_eq(load(text, &c, err, sizeof(err), NULL), DGCG_OK);
			ck_assert_int_eq(c.db_tls, cases[i].want);
		} else
			ck_assert_int_eq(load(text, &c, err, sizeof(err), NULL),
			    DGCG_ERR_CONFIG);
		dgcg_conf_free(&c);
		teardown();
		setup();
	}
}
END_TEST

START_TEST(test_headers)
{
	struct dgcg_conf c;
	char err[512];

	ck_assert_int_eq(load("header_dn = X-Client-DN-2\nheader_thumbprint = SSL-HASH\n",
	    &c, err, sizeof(err), NULL), DGCG_OK);
	ck_assert_str_eq(c.header_dn, "X-Client-DN-2");
	ck_assert_str_eq(c.header_thumbprint, "SSL-HASH");
	dgcg_conf_free(&c);

	fails("header_dn = X_Client_DN\n", "1: header_dn: ");
	fails("header_dn = X-Client DN\n", "1: header_dn: ");
	fails("header_dn = X-Client:DN\n", "1: header_dn: ");
	fails("header_thumbprint = X-Hash\xc3\xa9\n", "1: header_thumbprint: ");
	fails("header_thumbprint =\n", "1: header_thumbprint: empty value");
}
END_TEST

START_TEST(test_secret)
{
	char big[5000], *s;
	const char *p;

	p = puts_("s3cret\r\nsecond line\n");
	s = dgcg_conf_read_secret(p);
	ck_assert_str_eq(s, "s3cret");
	free(s);

	s = dgcg_conf_read_secret(puts_("no newline"));
	ck_assert_str_eq(s, "no newline");
	free(s);

	s = dgcg_conf_read_secret(puts_("with spaces  \n"));
	ck_assert_str_eq(s, "with spaces  ");
	free(s);

	s = dgcg_conf_read_secret(puts_(""));
	ck_assert_str_eq(s, "");
	free(s);

	s = dgcg_conf_read_secret(puts_("\n"));
	ck_assert_str_eq(s, "");
	free(s);

	memset(big, 'p', sizeof(big));
	s = dgcg_conf_read_secret(put(big, 4096));
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(strlen(s), 4096);
	free(s);

	errno = 0;
	ck_assert_ptr_null(dgcg_conf_read_secret(put(big, 4097)));
	ck_assert_int_eq(errno, EFBIG);

	errno = 0;
	ck_assert_ptr_null(dgcg_conf_read_secret(put("a\0b\n", 4)));
	ck_assert_int_eq(errno, EINVAL);

	errno = 0;
	ck_assert_ptr_null(dgcg_conf_read_secret("/nonexistent/secret"));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* dgcg.conf(5) against lib/base/conf.c's table (t/mankeys.h). */
START_TEST(test_manual_keys)
{
	check_manual_keys("man/dgcg.conf.5", dgcg_conf_key);
}
END_TEST

/* Every manual names the compiled-in default configuration file and no
 * other path ending in dgcg.conf; nothing is left unsubstituted. */
START_TEST(test_manual_paths)
{
	static const char *const pages[] = { "man/dgcg.conf.5", "man/dgcg-fcgi.8",
		"man/dgcg-admin.8" };
	const char *p, *w;
	char *man;
	size_t i, n;

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		man = slurp_tree("DGCG_BUILDDIR", pages[i]);
		ck_assert_msg(strstr(man, "Pa " DGCG_CONF_PATH) != NULL,
		    "%s does not name %s", pages[i], DGCG_CONF_PATH);
		ck_assert_msg(strstr(man, "@SYSCONFDIR@") == NULL &&
		    strstr(man, "@PKGDATADIR@") == NULL, "%s: a placeholder is left", pages[i]);
		/* Every ".../dgcg.conf" is ".../dgcg/dgcg.conf" (not the
		 * nginx/ or deploy/ templates dgcg.conf.in). */
		for (p = man; (p = strstr(p, "/dgcg.conf")) != NULL; p++) {
			if (p[10] == '.')
				continue;
			for (w = p; w > man && w[-1] != ' ' && w[-1] != '\n'; w--)
				;
			n = (size_t)(p - w);
			ck_assert_msg(n >= 5 && memcmp(p - 5, "/dgcg", 5) == 0,
			    "%s names %.*s/dgcg.conf, not .../dgcg/dgcg.conf", pages[i], (int)n, w);
		}
		free(man);
	}
}
END_TEST

Suite *make_conf_suite(void);

Suite *
make_conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_bools);
	tcase_add_test(tc, test_headers);
	tcase_add_test(tc, test_secret);
	tcase_add_test(tc, test_manual_keys);
	tcase_add_test(tc, test_manual_paths);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_conf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
