/* check_cache.c: the caches' one rule (worker/cache.h): an entry lives while
 * the change counters of the tables it derives from are unchanged and its
 * expiry has not come; every kind is bounded. The counters are set by hand
 * here (the worker reads them from data_version once per request). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "base/conf.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "testutil.h"
#include "worker/cache.h"
#include "worker/gateway.h"

Suite *make_cache_suite(void);

static struct dgcg_gw gw;
static int freed;

static void
count_free(void *p)
{
	freed++;
	free(p);
}

static void
setup(void)
{
	memset(&gw, 0, sizeof(gw));
	gw.cache = dgcg_cache_new();
	gw.versions_fresh = 1;	/* this request's counters: set below */
	freed = 0;
}

static void
teardown(void)
{
	dgcg_cache_free(gw.cache);
}

static char *
val(const char *s)
{
	return xstrdup(s);
}

START_TEST(follows_its_tables)
{
	struct dgcg_cache_stats st;
	char *v;

	gw.versions.v[DGCG_T_TRUSTED_PARTY] = 7;
	gw.versions.v[DGCG_T_SIGNER_INFORMATION] = 3;
	ck_assert_ptr_null(dgcg_cache_get(&gw, DGCG_CACHE_TRUSTLIST, "4|", 2));
	v = dgcg_cache_put(&gw, DGCG_CACHE_TRUSTLIST, "4|", 2, (time_t)-1, val("list"),
	    count_free);
	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_eq(dgcg_cache_get(&gw, DGCG_CACHE_TRUSTLIST, "4|", 2), v);
	/* a table it does not derive from changes: still served */
	gw.versions.v[DGCG_T_VALIDATION_RULE]++;
	gw.versions.v[DGCG_T_REVOCATION_BATCH]++;
	ck_assert_ptr_eq(dgcg_cache_get(&gw, DGCG_CACHE_TRUSTLIST, "4|", 2), v);
	/* one it derives from changes: a miss, until it is built again */
	gw.versions.v[DGCG_T_SIGNER_INFORMATION]++;
	ck_assert_ptr_null(dgcg_cache_get(&gw, DGCG_CACHE_TRUSTLIST, "4|", 2));
	ck_assert_int_eq(freed, 1);	/* the stale value went at once, before the rebuild */
	ck_assert_ptr_null(dgcg_cache_get(&gw, DGCG_CACHE_TRUSTLIST, "4|", 2));
	ck_assert_int_eq(freed, 1);
	v = dgcg_cache_put(&gw, DGCG_CACHE_TRUSTLIST, "4|", 2, (time_t)-1, val("list2"),
	    count_free);
	ck_assert_int_eq(freed, 1);	/* nothing left to free on the put */
	ck_assert_str_eq(dgcg_cache_get(&gw, DGCG_CACHE_TRUSTLIST, "4|", 2), "list2");
	gw.versions.v[DGCG_T_TRUSTED_PARTY]++;
	ck_assert_ptr_null(dgcg_cache_get(&gw, DGCG_CACHE_TRUSTLIST, "4|", 2));
	/* other keys are other entries */
	ck_assert_ptr_null(dgcg_cache_get(&gw, DGCG_CACHE_TRUSTLIST, "4|DE", 4));
	dgcg_cache_stats(&gw, DGCG_CACHE_TRUSTLIST, &st);
	ck_assert_uint_eq(st.hits, 3);
	ck_assert_uint_eq(st.misses, 5);
	ck_assert_uint_eq(st.entries, 1);
	/* the authentication cache follows trusted_party, not the DSCs */
	dgcg_cache_put(&gw, DGCG_CACHE_AUTH, "t|DE", 4, (time_t)-1, val("1"), count_free);
	gw.versions.v[DGCG_T_SIGNER_INFORMATION]++;
	ck_assert_ptr_nonnull(dgcg_cache_get(&gw, DGCG_CACHE_AUTH, "t|DE", 4));
	gw.versions.v[DGCG_T_TRUSTED_PARTY]++;
	ck_assert_ptr_null(dgcg_cache_get(&gw, DGCG_CACHE_AUTH, "t|DE", 4));
}
END_TEST

START_TEST(expires)
{
	time_t now = time(NULL);

	dgcg_cache_put(&gw, DGCG_CACHE_RULES, "DE", 2, now + 3600, val("a"), count_free);
	ck_assert_ptr_nonnull(dgcg_cache_get(&gw, DGCG_CACHE_RULES, "DE", 2));
	dgcg_cache_put(&gw, DGCG_CACHE_RULES, "FR", 2, now - 1, val("b"), count_free);
	ck_assert_ptr_null(dgcg_cache_get(&gw, DGCG_CACHE_RULES, "FR", 2));
	dgcg_cache_put(&gw, DGCG_CACHE_RULES, "IE", 2, (time_t)-1, val("c"), count_free);
	ck_assert_ptr_nonnull(dgcg_cache_get(&gw, DGCG_CACHE_RULES, "IE", 2));
	gw.versions.v[DGCG_T_VALIDATION_RULE]++;
	ck_assert_ptr_null(dgcg_cache_get(&gw, DGCG_CACHE_RULES, "DE", 2));
	ck_assert_ptr_null(dgcg_cache_get(&gw, DGCG_CACHE_RULES, "IE", 2));
}
END_TEST

/* Verdicts keyed by content depend on no table: no counter is read. */
START_TEST(content_keyed)
{
	static const int yes = 1;

	gw.versions_fresh = 0;	/* reading the counters would need a database */
	dgcg_cache_put(&gw, DGCG_CACHE_DSC_VERDICT, "k", 1, (time_t)-1, (void *)(uintptr_t)&yes,
	    NULL);
	ck_assert_ptr_eq(dgcg_cache_get(&gw, DGCG_CACHE_DSC_VERDICT, "k", 1), &yes);
	gw.versions.v[DGCG_T_SIGNER_INFORMATION] += 5;
	ck_assert_ptr_eq(dgcg_cache_get(&gw, DGCG_CACHE_DSC_VERDICT, "k", 1), &yes);
	dgcg_cache_clear(&gw, DGCG_CACHE_DSC_VERDICT);
	ck_assert_ptr_null(dgcg_cache_get(&gw, DGCG_CACHE_DSC_VERDICT, "k", 1));
}
END_TEST

/* A kind that depends on tables but cannot read the counters misses, and
 * stores nothing (the value is freed). */
START_TEST(no_counters_no_cache)
{
	/* a database that is not there */
	dgcg_conf_defaults(&gw.conf);
	gw.conf.db_socket = xstrdup("/nonexistent/dgcg-test.sock");
	ck_assert_int_eq(dgcg_db_new(&gw.conf, 0, &gw.db), DGCG_OK);
	gw.versions_fresh = 0;
	ck_assert_ptr_null(dgcg_cache_put(&gw, DGCG_CACHE_TRUSTLIST, "x", 1, (time_t)-1,
	    val("v"), count_free));
	ck_assert_int_eq(freed, 1);
	ck_assert_ptr_null(dgcg_cache_get(&gw, DGCG_CACHE_TRUSTLIST, "x", 1));
	dgcg_db_free(gw.db);
	dgcg_conf_free(&gw.conf);
}
END_TEST

/* Bounded: the country list holds one entry; a second key empties it. */
/* A kind's slots grow with what it holds: every entry stays reachable
 * through each doubling, up to the bound, where the kind is emptied. */
START_TEST(grows)
{
	static int ok = 1;
	struct dgcg_cache_stats st;
	unsigned char key[32];
	int i;

	memset(key, 0, sizeof(key));
	for (i = 0; i < 12288; i++) {
		memcpy(key, &i, sizeof(i));
		ck_assert_ptr_nonnull(dgcg_cache_put(&gw, DGCG_CACHE_DSC_VERDICT, key, sizeof(key),
		    (time_t)-1, &ok, NULL));
		if ((i & (i - 1)) == 0) {	/* after every doubling: all still there */
			int j;

			for (j = 0; j <= i; j++) {
				memcpy(key, &j, sizeof(j));
				ck_assert_ptr_eq(dgcg_cache_get(&gw, DGCG_CACHE_DSC_VERDICT, key,
				    sizeof(key)), &ok);
			}
			memcpy(key, &i, sizeof(i));
		}
	}
	dgcg_cache_stats(&gw, DGCG_CACHE_DSC_VERDICT, &st);
	ck_assert_uint_eq(st.entries, 12288);
	i = 0;
	memcpy(key, &i, sizeof(i));
	ck_assert_ptr_eq(dgcg_cache_get(&gw, DGCG_CACHE_DSC_VERDICT, key, sizeof(key)), &ok);
	i = 12288;	/* one more than the bound: the kind starts again */
	memcpy(key, &i, sizeof(i));
	dgcg_cache_put(&gw, DGCG_CACHE_DSC_VERDICT, key, sizeof(key), (time_t)-1, &ok, NULL);
	dgcg_cache_stats(&gw, DGCG_CACHE_DSC_VERDICT, &st);
	ck_assert_uint_eq(st.entries, 1);
	ck_assert_ptr_eq(dgcg_cache_get(&gw, DGCG_CACHE_DSC_VERDICT, key, sizeof(key)), &ok);
}
END_TEST

START_TEST(bounded)
{
	struct dgcg_cache_stats st;

	dgcg_cache_put(&gw, DGCG_CACHE_COUNTRYLIST, "a", 1, (time_t)-1, val("1"), count_free);
	dgcg_cache_put(&gw, DGCG_CACHE_COUNTRYLIST, "a", 1, (time_t)-1, val("2"), count_free);
	ck_assert_int_eq(freed, 1);
	dgcg_cache_put(&gw, DGCG_CACHE_COUNTRYLIST, "b", 1, (time_t)-1, val("3"), count_free);
	ck_assert_int_eq(freed, 2);
	ck_assert_ptr_null(dgcg_cache_get(&gw, DGCG_CACHE_COUNTRYLIST, "a", 1));
	ck_assert_str_eq(dgcg_cache_get(&gw, DGCG_CACHE_COUNTRYLIST, "b", 1), "3");
	dgcg_cache_stats(&gw, DGCG_CACHE_COUNTRYLIST, &st);
	ck_assert_uint_eq(st.entries, 1);
	/* keys longer than the limit are never stored */
	ck_assert_ptr_null(dgcg_cache_put(&gw, DGCG_CACHE_COUNTRYLIST, "x",
	    DGCG_CACHE_KEY_MAX + 1, (time_t)-1, val("4"), count_free));
	ck_assert_int_eq(freed, 3);
}
END_TEST

Suite *
make_cache_suite(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, follows_its_tables);
	tcase_add_test(tc, expires);
	tcase_add_test(tc, content_keyed);
	tcase_add_test(tc, no_counters_no_cache);
	tcase_add_test(tc, bounded);
	tcase_add_test(tc, grows);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_cache_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
