/* check_revocation.c: the revocation batch JSON and delete request, batch
 * ids, DATETIME literals, the Accept negotiation of the batch download,
 * the trusted-issuer signature check and CMS re-attaching. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "pki/cms.h"
#include "base/codec.h"
#include "domain/issuers.h"
#include "base/log.h"
#include "base/timefmt.h"
#include "base/uuid.h"
#include "domain/revocation.h"
#include "store/trusted_party_roles.h"
#include "route.h"
#include "pki/trust.h"

Suite *make_revocation_suite(void);

#define NOW	((time_t)1700000000)	/* 2023-11-14T22:13:20Z */
#define H1	"AAAAAAAAAAAAAAAAAAAAAA=="
#define H2	"q83vEjRWeJCrze8SNFZ4kA=="

static char details[4096];

/* Parses text as a batch at NOW; returns the class, details in details. */
static enum dgcg_batch_check
batch(const char *text, struct dgcg_batch *b)
{
	struct dgcg_batch tmp;

	return dgcg_batch_parse(text, strlen(text), NOW, b != NULL ? b : &tmp, details,
	    sizeof(details));
}

/* A batch with one member replaced (or removed when value is NULL). */
static char *
variant(const char *country, const char *expires, const char *kid, const char *ht,
    const char *entries)
{
	char buf[65536];
	size_t n = 0;

	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "{");
	if (country != NULL)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\"country\":%s,", country);
	if (expires != NULL)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\"expires\":%s,", expires);
	if (kid != NULL)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\"kid\":%s,", kid);
	if (ht != NULL)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\"hashType\":%s,", ht);
	if (entries != NULL)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\"entries\":%s,", entries);
	if (buf[n - 1] == ',')
		n--;
	snprintf(buf + n, sizeof(buf) - n, "}");
	return strdup(buf);
}

#define GOOD_C	"\"DE\""
#define GOOD_E	"\"2030-01-01T00:00:00Z\""
#define GOOD_K	"\"9cWXDDA52FQ=\""
#define GOOD_H	"\"SIGNATURE\""
#define GOOD_L	"[{\"hash\":\"" H1 "\"},{\"hash\":\"" H2 "\"}]"

static void
expect(const char *country, const char *expires, const char *kid, const char *ht,
    const char *entries, enum dgcg_batch_check want, const char *needle)
{
	char *t = variant(country, expires, kid, ht, entries);
	enum dgcg_batch_check got = batch(t, NULL);

	ck_assert_msg(got == want, "%s: class %d, want %d (%s)", t, got, want, details);
	if (needle != NULL)
		ck_assert_msg(strstr(details, needle) != NULL, "%s: details '%s' lack '%s'", t,
		    details, needle);
	free(t);
}

START_TEST(batch_valid)
{
	struct dgcg_batch b;
	char *t;

	t = variant(GOOD_C, GOOD_E, GOOD_K, GOOD_H, GOOD_L);
	ck_assert_int_eq(batch(t, &b), DGCG_BATCH_OK);
	ck_assert_str_eq(b.country, "DE");
	ck_assert_int_eq((long long)b.expires, 1893456000LL);
	ck_assert_str_eq(b.kid, "9cWXDDA52FQ=");
	ck_assert_int_eq(b.has_kid, 1);
	ck_assert_int_eq(b.hash_type, DGCG_BATCH_HASH_SIGNATURE);
	ck_assert_uint_eq(b.entries, 2);
	free(t);
	/* kid optional, null, or UNKNOWN_KID; other members ignored; each type */
	expect(GOOD_C, GOOD_E, NULL, "\"UCI\"", GOOD_L, DGCG_BATCH_OK, NULL);
	expect(GOOD_C, GOOD_E, "null", "\"COUNTRYCODEUCI\"", GOOD_L, DGCG_BATCH_OK, NULL);
	expect(GOOD_C, GOOD_E, "\"UNKNOWN_KID\"", GOOD_H, GOOD_L, DGCG_BATCH_OK, NULL);
	ck_assert_int_eq(batch("{\"country\":\"DE\",\"expires\":\"2030-01-01T02:00:00.123+02:00\","
	    "\"hashType\":\"UCI\",\"entries\":[{\"hash\":\"" H1 "\",\"x\":1}],\"extra\":[1,{}]}",
	    &b), DGCG_BATCH_OK);
	ck_assert_int_eq((long long)b.expires, 1893456000LL);
	ck_assert_int_eq(b.has_kid, 0);
	ck_assert_int_eq(batch(" \n{\"country\":\"DE\",\"expires\":\"2030-01-01T00:00:00Z\","
	    "\"hashType\":\"UCI\",\"entries\":[{\"hash\":\"" H1 "\"}]}\n ", NULL), DGCG_BATCH_OK);
}
END_TEST

START_TEST(batch_not_json)
{
	/* CertificateRevocationListIntegrationTest: payload "randomBadString" */
	ck_assert_int_eq(batch("randomBadString", NULL), DGCG_BATCH_JSON);
	ck_assert_ptr_nonnull(strstr(details, "JSON could not be parsed"));
	ck_assert_int_eq(batch("", NULL), DGCG_BATCH_JSON);
	ck_assert_int_eq(batch("[]", NULL), DGCG_BATCH_JSON);
	ck_assert_int_eq(batch("null", NULL), DGCG_BATCH_JSON);
	ck_assert_int_eq(batch("\"x\"", NULL), DGCG_BATCH_JSON);
	/* trailing tokens (Jackson FAIL_ON_TRAILING_TOKENS) */
	ck_assert_int_eq(batch("{} {}", NULL), DGCG_BATCH_JSON);
	ck_assert_int_eq(batch("{}x", NULL), DGCG_BATCH_JSON);
	/* duplicate member names are refused (which one would a consumer read?) */
	ck_assert_int_eq(batch("{\"country\":\"DE\",\"country\":\"FR\"}", NULL), DGCG_BATCH_JSON);
	/* TXR-4903: hashType outside the enum; the enum is case-sensitive */
	expect(GOOD_C, GOOD_E, GOOD_K, "\"INVALID TYPE\"", GOOD_L, DGCG_BATCH_JSON, "hashType");
	expect(GOOD_C, GOOD_E, GOOD_K, "\"uci\"", GOOD_L, DGCG_BATCH_JSON, "hashType");
	/* members of the wrong JSON type */
	expect("49", GOOD_E, GOOD_K, GOOD_H, GOOD_L, DGCG_BATCH_JSON, "country");
	expect(GOOD_C, "1893456000", GOOD_K, GOOD_H, GOOD_L, DGCG_BATCH_JSON, "expires");
	expect(GOOD_C, GOOD_E, "12", GOOD_H, GOOD_L, DGCG_BATCH_JSON, "kid");
	expect(GOOD_C, GOOD_E, GOOD_K, "1", GOOD_L, DGCG_BATCH_JSON, "hashType");
	expect(GOOD_C, GOOD_E, GOOD_K, GOOD_H, "{}", DGCG_BATCH_JSON, "entries");
	expect(GOOD_C, GOOD_E, GOOD_K, GOOD_H, "[\"" H1 "\"]", DGCG_BATCH_JSON, "Batch Entry 0");
	expect(GOOD_C, GOOD_E, GOOD_K, GOOD_H, "[{\"hash\":\"" H1 "\"},{\"hash\":7}]",
	    DGCG_BATCH_JSON, "Batch Entry 1: hash");
	/* expires that is no ISO-8601 date-time with offset */
	expect(GOOD_C, "\"2030-01-01\"", GOOD_K, GOOD_H, GOOD_L, DGCG_BATCH_JSON, "expires");
	expect(GOOD_C, "\"2030-01-01T00:00:00\"", GOOD_K, GOOD_H, GOOD_L, DGCG_BATCH_JSON,
	    "expires");
	expect(GOOD_C, "\"2030-02-30T00:00:00Z\"", GOOD_K, GOOD_H, GOOD_L, DGCG_BATCH_JSON,
	    "expires");
	expect(GOOD_C, "\"tomorrow\"", GOOD_K, GOOD_H, GOOD_L, DGCG_BATCH_JSON, "expires");
}
END_TEST

START_TEST(batch_dates)
{
	/* expires now-10 s (issue #157) and exactly now: not strictly after */
	expect(GOOD_C, "\"2023-11-14T22:13:10Z\"", GOOD_K, GOOD_H, GOOD_L, DGCG_BATCH_DATES,
	    "future");
	expect(GOOD_C, "\"2023-11-14T22:13:20Z\"", GOOD_K, GOOD_H, GOOD_L, DGCG_BATCH_DATES,
	    NULL);
	expect(GOOD_C, "\"2023-11-14T22:13:21Z\"", GOOD_K, GOOD_H, GOOD_L, DGCG_BATCH_OK, NULL);
	/* the dates check comes before the values check, as in the reference */
	expect(GOOD_C, "\"2000-01-01T00:00:00Z\"", "\"KIDWHICHISWAYTOLONGTOPASS\"", GOOD_H,
	    GOOD_L, DGCG_BATCH_DATES, NULL);
	/* after year 9999 once in UTC: out of the DATETIME range */
	expect(GOOD_C, "\"9999-12-31T23:30:00-01:00\"", GOOD_K, GOOD_H, GOOD_L,
	    DGCG_BATCH_VALUES, "expires");
	expect(GOOD_C, "\"9999-12-31T23:30:00Z\"", GOOD_K, GOOD_H, GOOD_L, DGCG_BATCH_OK, NULL);
}
END_TEST

START_TEST(batch_values)
{
	char big[60000], *p;
	int i;

	/* the reference crashes (500) on these: 400 with details */
	expect(GOOD_C, GOOD_E, GOOD_K, NULL, GOOD_L, DGCG_BATCH_VALUES,
	    "hashType: must not be null");
	expect(GOOD_C, GOOD_E, GOOD_K, GOOD_H, NULL, DGCG_BATCH_VALUES,
	    "entries: must not be null");
	expect(GOOD_C, NULL, GOOD_K, GOOD_H, GOOD_L, DGCG_BATCH_VALUES,
	    "expires: must not be null");
	expect(GOOD_C, "null", GOOD_K, GOOD_H, GOOD_L, DGCG_BATCH_VALUES,
	    "expires: must not be null");
	expect(NULL, GOOD_E, GOOD_K, GOOD_H, GOOD_L, DGCG_BATCH_VALUES,
	    "country: must not be null");
	ck_assert_int_eq(batch("{}", NULL), DGCG_BATCH_VALUES);
	ck_assert_str_eq(details, "country: must not be null, expires: must not be null, "
	    "hashType: must not be null, entries: must not be null");
	/* country size */
	expect("\"DEU\"", GOOD_E, GOOD_K, GOOD_H, GOOD_L, DGCG_BATCH_VALUES,
	    "country: size must be between 2 and 2");
	expect("\"\"", GOOD_E, GOOD_K, GOOD_H, GOOD_L, DGCG_BATCH_VALUES, "country");
	/* kid "KIDWHICHISWAYTOLONGTOPASS" and a too short one */
	expect(GOOD_C, GOOD_E, "\"KIDWHICHISWAYTOLONGTOPASS\"", GOOD_H, GOOD_L,
	    DGCG_BATCH_VALUES, "kid: size must be between 11 and 12");
	expect(GOOD_C, GOOD_E, "\"short\"", GOOD_H, GOOD_L, DGCG_BATCH_VALUES, "kid");
	/* hashes: 25 characters, not base64, 17 bytes, missing, null entry */
	expect(GOOD_C, GOOD_E, GOOD_K, GOOD_H, "[{\"hash\":\"ccccccccccccccccccccccccA\"}]",
	    DGCG_BATCH_VALUES, "Batch Entry 0: hash: size must be between 24 and 24");
	expect(GOOD_C, GOOD_E, GOOD_K, GOOD_H, "[{\"hash\":\"__thisIsNoValidBase64___\"}]",
	    DGCG_BATCH_VALUES, "Batch Entry 0: hash: must match \"^[A-Za-z0-9+/]{22}==$\"");
	expect(GOOD_C, GOOD_E, GOOD_K, GOOD_H, "[{\"hash\":\"AAAAAAAAAAAAAAAAAAAAAAA=\"}]",
	    DGCG_BATCH_VALUES, "Batch Entry 0: hash: must match");
	expect(GOOD_C, GOOD_E, GOOD_K, GOOD_H, "[{\"hash\":\"" H1 "\"},{}]",
	    DGCG_BATCH_VALUES, "Batch Entry 1: hash: must not be null");
	expect(GOOD_C, GOOD_E, GOOD_K, GOOD_H, "[null]", DGCG_BATCH_VALUES,
	    "Batch Entry 0: must not be null");
	/* entries: 0, 1000 and 1001 (TXR-4902) */
	expect(GOOD_C, GOOD_E, GOOD_K, GOOD_H, "[]", DGCG_BATCH_VALUES,
	    "entries: size must be between 1 and 1000");
	p = big;
	p += snprintf(p, sizeof(big), "[");
	for (i = 0; i < 1000; i++)
		p += snprintf(p, sizeof(big) - (size_t)(p - big), "%s{\"hash\":\"%s\"}",
		    i ? "," : "", H2);
	snprintf(p, sizeof(big) - (size_t)(p - big), "]");
	expect(GOOD_C, GOOD_E, GOOD_K, GOOD_H, big, DGCG_BATCH_OK, NULL);
	snprintf(p, sizeof(big) - (size_t)(p - big), ",{\"hash\":\"%s\"}]", H2);
	expect(GOOD_C, GOOD_E, GOOD_K, GOOD_H, big, DGCG_BATCH_VALUES,
	    "entries: size must be between 1 and 1000");
	/* every violation is listed, in field order */
	expect("\"D\"", GOOD_E, "\"x\"", GOOD_H, "[{\"hash\":\"x\"}]", DGCG_BATCH_VALUES,
	    "country: size must be between 2 and 2, kid: size must be between 11 and 12, "
	    "Batch Entry 0: hash: size must be between 24 and 24, Batch Entry 0: hash: must "
	    "match");
}
END_TEST

START_TEST(details_bounded)
{
	char big[60000], small[64], *p;
	struct dgcg_batch b;
	int i;

	p = big;
	p += snprintf(p, sizeof(big), "{\"country\":\"DE\",\"expires\":\"2030-01-01T00:00:00Z\","
	    "\"hashType\":\"UCI\",\"entries\":[");
	for (i = 0; i < 900; i++)
		p += snprintf(p, sizeof(big) - (size_t)(p - big), "%s{\"hash\":\"bad\"}",
		    i ? "," : "");
	snprintf(p, sizeof(big) - (size_t)(p - big), "]}");
	ck_assert_int_eq(dgcg_batch_parse(big, strlen(big), NOW, &b, small, sizeof(small)),
	    DGCG_BATCH_VALUES);
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	ck_assert_str_eq(small + sizeof(small) - 4, "...");
	ck_assert_int_eq(batch(big, &b), DGCG_BATCH_VALUES);
	ck_assert_uint_lt(strlen(details), sizeof(details));
}
END_TEST

START_TEST(delete_request)
{
	char id[DGCG_UUID_LEN + 1];
	const char *u = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";
	char buf[128];

	snprintf(buf, sizeof(buf), "{\"batchId\":\"%s\"}", u);
	ck_assert_int_eq(dgcg_batch_delete_parse(buf, strlen(buf), id, details,
	    sizeof(details)), DGCG_BATCH_OK);
	ck_assert_str_eq(id, u);
	snprintf(buf, sizeof(buf), "{\"x\":1,\"batchId\":\"%s\"}", u);
	ck_assert_int_eq(dgcg_batch_delete_parse(buf, strlen(buf), id, details,
	    sizeof(details)), DGCG_BATCH_OK);
	/* not JSON */
	ck_assert_int_eq(dgcg_batch_delete_parse("randomString", 12, id, details,
	    sizeof(details)), DGCG_BATCH_JSON);
	snprintf(buf, sizeof(buf), "{\"batchId\":\"%s\"}x", u);
	ck_assert_int_eq(dgcg_batch_delete_parse(buf, strlen(buf), id, details,
	    sizeof(details)), DGCG_BATCH_JSON);
	ck_assert_int_eq(dgcg_batch_delete_parse("{\"batchId\":5}", 13, id, details,
	    sizeof(details)), DGCG_BATCH_JSON);
	/* "ThisIsNotAnUUID", upper case, missing */
	ck_assert_int_eq(dgcg_batch_delete_parse("{\"batchId\":\"ThisIsNotAnUUID\"}", 29, id,
	    details, sizeof(details)), DGCG_BATCH_VALUES);
	ck_assert_ptr_nonnull(strstr(details, "batchId: must match"));
	snprintf(buf, sizeof(buf), "{\"batchId\":\"0B1C2D3E-4F50-4A6B-8C7D-9E0F1A2B3C4D\"}");
	ck_assert_int_eq(dgcg_batch_delete_parse(buf, strlen(buf), id, details,
	    sizeof(details)), DGCG_BATCH_VALUES);
	ck_assert_int_eq(dgcg_batch_delete_parse("{}", 2, id, details, sizeof(details)),
	    DGCG_BATCH_VALUES);
	ck_assert_str_eq(details, "batchId: must not be null");
	ck_assert_str_eq(id, "");
}
END_TEST

START_TEST(uuids)
{
	char a[DGCG_UUID_LEN + 1], b[DGCG_UUID_LEN + 1];

	ck_assert_int_eq(dgcg_uuid_new(a), DGCG_OK);
	ck_assert_int_eq(dgcg_uuid_new(b), DGCG_OK);
	ck_assert(dgcg_uuid_valid(a));
	ck_assert(dgcg_uuid_valid(b));
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(a[14], '4');
	ck_assert_ptr_nonnull(strchr("89ab", a[19]));
	ck_assert(!dgcg_uuid_valid("thisIsNotAnUUID"));
	ck_assert(!dgcg_uuid_valid("0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4"));
	ck_assert(!dgcg_uuid_valid("0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4dd"));
	ck_assert(!dgcg_uuid_valid("0b1c2d3e04f50-4a6b-8c7d-9e0f1a2b3c4d"));
	ck_assert(!dgcg_uuid_valid("0B1C2D3E-4F50-4A6B-8C7D-9E0F1A2B3C4D"));
	ck_assert(!dgcg_uuid_valid("0b1c2d3g-4f50-4a6b-8c7d-9e0f1a2b3c4d"));
	ck_assert(!dgcg_uuid_valid(NULL));
}
END_TEST

START_TEST(sql_datetime)
{
	char out[20];

	ck_assert(dgcg_time_format_sql(NOW, out));
	ck_assert_str_eq(out, "2023-11-14 22:13:20");
	ck_assert(dgcg_time_format_sql(0, out));
	ck_assert_str_eq(out, "1970-01-01 00:00:00");
	ck_assert(dgcg_time_format_sql((time_t)253402300799LL, out));
	ck_assert_str_eq(out, "9999-12-31 23:59:59");
	ck_assert(!dgcg_time_format_sql((time_t)253402300800LL, out));
	ck_assert(!dgcg_time_format_sql((time_t)-62135596801LL, out));
	ck_assert(dgcg_time_format_sql((time_t)-62135596800LL, out));
	ck_assert_str_eq(out, "0001-01-01 00:00:00");
	ck_assert_str_eq(dgcg_batch_hash_name(DGCG_BATCH_HASH_COUNTRYCODEUCI), "COUNTRYCODEUCI");
	ck_assert_ptr_null(dgcg_batch_hash_name(DGCG_BATCH_HASH__MAX));
}
END_TEST

START_TEST(accept)
{
	ck_assert_str_eq(dgcg_accept_cms(NULL), "application/cms-text");
	ck_assert_str_eq(dgcg_accept_cms(""), "application/cms-text");
	ck_assert_str_eq(dgcg_accept_cms("*/*"), "application/cms-text");
	ck_assert_str_eq(dgcg_accept_cms("application/*"), "application/cms-text");
	ck_assert_str_eq(dgcg_accept_cms("application/cms"), "application/cms");
	ck_assert_str_eq(dgcg_accept_cms("Application/CMS; charset=utf-8"), "application/cms");
	ck_assert_str_eq(dgcg_accept_cms("application/cms-text"), "application/cms-text");
	ck_assert_str_eq(dgcg_accept_cms("application/json, application/cms"),
	    "application/cms");
	ck_assert_str_eq(dgcg_accept_cms("*/*;q=0.5, application/cms"), "application/cms");
	ck_assert_str_eq(dgcg_accept_cms("application/cms;q=0.2, application/cms-text;q=0.9"),
	    "application/cms-text");
	ck_assert_str_eq(dgcg_accept_cms("application/cms-text;q=0, */*"), "application/cms");
	ck_assert_str_eq(dgcg_accept_cms("*/*, application/cms"), "application/cms");
	ck_assert_str_eq(dgcg_accept_cms("application/*;q=0.1, application/cms;q=0.1"),
	    "application/cms");
	ck_assert_ptr_null(dgcg_accept_cms("application/json"));
	ck_assert_ptr_null(dgcg_accept_cms("text/plain, application/json;q=1"));
	ck_assert_ptr_null(dgcg_accept_cms("application/cms;q=0"));
	ck_assert_ptr_null(dgcg_accept_cms("application/cmsx"));
	ck_assert_ptr_null(dgcg_accept_cms("application/cms;q=abc"));
}
END_TEST

START_TEST(role_names)
{
	ck_assert_str_eq(dgcg_role_name(DGCG_ROLE_READER), "REVOCATION_LIST_READER");
	ck_assert_str_eq(dgcg_role_name(DGCG_ROLE_UPLOADER), "REVOCATION_UPLOADER");
	ck_assert_str_eq(dgcg_role_name(DGCG_ROLE_DELETER), "REVOCATION_DELETER");
	ck_assert_ptr_null(dgcg_role_name(DGCG_ROLE__MAX));
	ck_assert_int_eq(dgcg_role_parse("revocation_deleter"), DGCG_ROLE_DELETER);
	ck_assert_int_eq(dgcg_role_parse("REVOCATION_READER"), DGCG_ROLE__MAX);
	ck_assert_int_eq(dgcg_role_parse(NULL), DGCG_ROLE__MAX);
	/* every role fits trusted_party_roles.role VARCHAR(22) */
	ck_assert_uint_le(strlen(dgcg_role_name(DGCG_ROLE_READER)), 22);
}
END_TEST

/* --- trust-anchor signatures over strings ---------------------------------- */

static EVP_PKEY *ta_key, *other_key;
static X509 *ta_cert, *other_cert;
static struct dgcg_ta *ta;
static char tmpdir[64];

static X509 *
make_cert(EVP_PKEY *key, const char *cn)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();

	ck_assert(X509_set_version(x, 2));
	ck_assert(ASN1_INTEGER_set(X509_get_serialNumber(x), 4242));
	ck_assert(X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC, (const unsigned char *)"EU",
	    -1, -1, 0));
	ck_assert(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn,
	    -1, -1, 0));
	ck_assert(X509_set_subject_name(x, n));
	ck_assert(X509_set_issuer_name(x, n));
	ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notBefore(x), -86400));
	ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notAfter(x), 365 * 86400));
	ck_assert(X509_set_pubkey(x, key));
	ck_assert(X509_sign(x, key, EVP_sha256()) > 0);
	X509_NAME_free(n);
	return x;
}

static void
ta_setup(void)
{
	char path[128];
	FILE *f;

	ta_key = EVP_EC_gen("P-256");
	other_key = EVP_EC_gen("P-256");
	ck_assert_ptr_nonnull(ta_key);
	ck_assert_ptr_nonnull(other_key);
	ta_cert = make_cert(ta_key, "test trust anchor");
	other_cert = make_cert(other_key, "not the trust anchor");
	snprintf(tmpdir, sizeof(tmpdir), "%s", "/tmp/check_revocation.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/ta.pem", tmpdir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert(PEM_write_X509(f, ta_cert));
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(dgcg_ta_load(path, &ta), DGCG_OK);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(tmpdir), 0);
	ck_assert_int_eq(dgcg_log_open("/dev/null", DGCG_LOG_INFO), DGCG_OK);
}

static void
ta_teardown(void)
{
	dgcg_ta_free(ta);
	X509_free(ta_cert);
	X509_free(other_cert);
	EVP_PKEY_free(ta_key);
	EVP_PKEY_free(other_key);
}

static char *
sign_text(X509 *cert, EVP_PKEY *key, const char *text, int attached)
{
	char *s = dgcg_cms_sign(cert, key, (const unsigned char *)text, strlen(text), attached);

	ck_assert_ptr_nonnull(s);
	return s;
}

static enum dgcg_integrity
verify_issuer(const char *cc, const char *name, const char *url, const char *type,
    const char *sig)
{
	struct dgcg_issuer is;

	memset(&is, 0, sizeof(is));
	snprintf(is.country, sizeof(is.country), "%s", cc);
	is.name = (char *)(uintptr_t)name;
	is.url = (char *)(uintptr_t)url;
	is.url_type = (char *)(uintptr_t)type;
	is.signature = (char *)(uintptr_t)sig;
	return dgcg_issuer_verify(ta, &is, NULL, NULL);
}

START_TEST(issuer_string)
{
	char *s = dgcg_issuer_signed_string("DE", "Robert Koch", "https://x.example/jwks", "HTTP",
	    DGCG_ISSUER_DGCG);

	ck_assert_str_eq(s, "DE;Robert Koch;https://x.example/jwks;HTTP;");
	free(s);
	s = dgcg_issuer_signed_string("DE", NULL, "did:web:x", "DID", DGCG_ISSUER_DGCG);
	ck_assert_str_eq(s, "DE;;did:web:x;DID;");
	free(s);
	/* TNG's form has no ';' at the end (tng-gateway.md 7) */
	s = dgcg_issuer_signed_string("DE", "Robert Koch", "https://x.example/jwks", "HTTP",
	    DGCG_ISSUER_TNG);
	ck_assert_str_eq(s, "DE;Robert Koch;https://x.example/jwks;HTTP");
	free(s);
}
END_TEST

START_TEST(issuer_signatures)
{
	const char *str = "DE;Example;https://issuer.example;HTTP;";
	char *det = sign_text(ta_cert, ta_key, str, 0);
	char *att = sign_text(ta_cert, ta_key, str, 1);
	char *other = sign_text(ta_cert, ta_key, "DE;Example;https://issuer.example;DID;", 0);
	char *rogue = sign_text(other_cert, other_key, str, 0);
	const char *exc;

	/* detached and attached signatures over the string pass */
	ck_assert_int_eq(dgcg_ta_verify_content(ta, (const unsigned char *)str, strlen(str), det,
	    &exc), DGCG_INTEGRITY_OK);
	ck_assert_int_eq(dgcg_ta_verify_content(ta, (const unsigned char *)str, strlen(str), att,
	    NULL), DGCG_INTEGRITY_OK);
	ck_assert_int_eq(verify_issuer("DE", "Example", "https://issuer.example", "HTTP", det),
	    DGCG_INTEGRITY_OK);
	/* TrustedIssuerServiceTest: empty, "WRONG", a TA signature over other
	 * data; and a signature by another key */
	ck_assert_int_eq(verify_issuer("DE", "Example", "https://issuer.example", "HTTP", ""),
	    DGCG_INTEGRITY_EMPTY);
	ck_assert_int_eq(verify_issuer("DE", "Example", "https://issuer.example", "HTTP", NULL),
	    DGCG_INTEGRITY_EMPTY);
	ck_assert_int_eq(verify_issuer("DE", "Example", "https://issuer.example", "HTTP",
	    "WRONG"), DGCG_INTEGRITY_BAD_SIG);
	ck_assert_int_eq(verify_issuer("DE", "Example", "https://issuer.example", "HTTP", other),
	    DGCG_INTEGRITY_SIG_INVALID);
	ck_assert_int_eq(verify_issuer("DE", "Example", "https://issuer.example", "HTTP", rogue),
	    DGCG_INTEGRITY_NOT_TA);
	/* every field is covered: country, name, url, type */
	ck_assert_int_ne(verify_issuer("FR", "Example", "https://issuer.example", "HTTP", det),
	    DGCG_INTEGRITY_OK);
	ck_assert_int_ne(verify_issuer("DE", "Exampl3", "https://issuer.example", "HTTP", det),
	    DGCG_INTEGRITY_OK);
	ck_assert_int_ne(verify_issuer("DE", "Example", "https://issuer.example/", "HTTP", det),
	    DGCG_INTEGRITY_OK);
	ck_assert_int_ne(verify_issuer("DE", "Example", "https://issuer.example", "DID", det),
	    DGCG_INTEGRITY_OK);
	/* an attached signature over other bytes does not parse against the string */
	ck_assert_int_ne(verify_issuer("DE", "Example", "https://issuer.example", "DID", att),
	    DGCG_INTEGRITY_OK);
	/* url_type outside the enum */
	ck_assert_int_eq(verify_issuer("DE", "Example", "https://issuer.example", "http", det),
	    DGCG_INTEGRITY_BAD_CERT);
	ck_assert_int_eq(verify_issuer("DE", "Example", "https://issuer.example", NULL, det),
	    DGCG_INTEGRITY_BAD_CERT);
	/* no trust anchor */
	ck_assert_int_eq(dgcg_ta_verify_content(NULL, (const unsigned char *)str, strlen(str),
	    det, NULL), DGCG_INTEGRITY_NO_TA);
	free(det);
	free(att);
	free(other);
	free(rogue);
}
END_TEST

/* A row signed over TNG's string verifies too, and says which form it was;
 * a change of any field fails in both forms. */
START_TEST(issuer_tng_form)
{
	const char *tng = "DE;Example;https://issuer.example;HTTP";
	char *det = sign_text(ta_cert, ta_key, tng, 0);
	char *att = sign_text(ta_cert, ta_key, tng, 1);
	char *dg = sign_text(ta_cert, ta_key, "DE;Example;https://issuer.example;HTTP;", 0);
	char *rogue = sign_text(other_cert, other_key, tng, 0);
	enum dgcg_issuer_format form = DGCG_ISSUER_DGCG;
	struct dgcg_issuer is;

	memset(&is, 0, sizeof(is));
	snprintf(is.country, sizeof(is.country), "%s", "DE");
	is.name = (char *)(uintptr_t)"Example";
	is.url = (char *)(uintptr_t)"https://issuer.example";
	is.url_type = (char *)(uintptr_t)"HTTP";
	is.signature = det;
	ck_assert_int_eq(dgcg_issuer_verify(ta, &is, &form, NULL), DGCG_INTEGRITY_OK);
	ck_assert_int_eq(form, DGCG_ISSUER_TNG);
	is.signature = att;
	ck_assert_int_eq(dgcg_issuer_verify(ta, &is, &form, NULL), DGCG_INTEGRITY_OK);
	is.signature = dg;
	ck_assert_int_eq(dgcg_issuer_verify(ta, &is, &form, NULL), DGCG_INTEGRITY_OK);
	ck_assert_int_eq(form, DGCG_ISSUER_DGCG);
	ck_assert_int_eq(verify_issuer("DE", "Example", "https://issuer.example", "HTTP", rogue),
	    DGCG_INTEGRITY_NOT_TA);
	ck_assert_int_ne(verify_issuer("FR", "Example", "https://issuer.example", "HTTP", det),
	    DGCG_INTEGRITY_OK);
	ck_assert_int_ne(verify_issuer("DE", "Exampl3", "https://issuer.example", "HTTP", det),
	    DGCG_INTEGRITY_OK);
	ck_assert_int_ne(verify_issuer("DE", "Example", "https://issuer.example/", "HTTP", det),
	    DGCG_INTEGRITY_OK);
	ck_assert_int_ne(verify_issuer("DE", "Example", "https://issuer.example", "DID", det),
	    DGCG_INTEGRITY_OK);
	free(det);
	free(att);
	free(dg);
	free(rogue);
}
END_TEST

START_TEST(cms_attach)
{
	const char *text = "{\"batchId\":\"x\"}";
	char *att = sign_text(other_cert, other_key, text, 1), *b64;
	struct dgcg_cms *c = NULL, *d = NULL, *e = NULL;
	unsigned char *det = NULL, *re = NULL;
	size_t detlen = 0, relen = 0, clen;
	const unsigned char *content;

	ck_assert_int_eq(dgcg_cms_parse_b64(att, strlen(att), NULL, 0, DGCG_CMS_PAYLOAD_STRING,
	    &c), DGCG_CMS_OK);
	ck_assert_int_eq(dgcg_cms_detach(c, &det, &detlen), DGCG_OK);
	ck_assert_int_eq(dgcg_cms_parse(det, detlen, NULL, 0, DGCG_CMS_PAYLOAD_STRING, &d),
	    DGCG_CMS_DETACHED);
	ck_assert_int_eq(dgcg_cms_parse(det, detlen, (const unsigned char *)text, strlen(text),
	    DGCG_CMS_PAYLOAD_STRING, &d), DGCG_CMS_OK);
	ck_assert_int_eq(dgcg_cms_attach(d, &re, &relen), DGCG_OK);
	b64 = dgcg_b64_encode(re, relen);
	ck_assert_int_eq(dgcg_cms_parse_b64(b64, strlen(b64), NULL, 0, DGCG_CMS_PAYLOAD_STRING,
	    &e), DGCG_CMS_OK);
	content = dgcg_cms_content(e, &clen);
	ck_assert_uint_eq(clen, strlen(text));
	ck_assert(memcmp(content, text, clen) == 0);
	ck_assert_int_eq(dgcg_cms_verify(e, DGCG_DIGESTS_KNOWN, NULL), DGCG_OK);
	free(re);
	ck_assert_int_eq(dgcg_cms_attach(NULL, &re, &relen), DGCG_ERR_INVAL);
	ck_assert_ptr_null(re);
	free(b64);
	free(det);
	free(att);
	dgcg_cms_free(c);
	dgcg_cms_free(d);
	dgcg_cms_free(e);
}
END_TEST

Suite *
make_revocation_suite(void)
{
	Suite *s = suite_create("revocation");
	TCase *tc = tcase_create("batch");
	TCase *tt = tcase_create("trust");

	tcase_add_test(tc, batch_valid);
	tcase_add_test(tc, batch_not_json);
	tcase_add_test(tc, batch_dates);
	tcase_add_test(tc, batch_values);
	tcase_add_test(tc, details_bounded);
	tcase_add_test(tc, delete_request);
	tcase_add_test(tc, uuids);
	tcase_add_test(tc, sql_datetime);
	tcase_add_test(tc, accept);
	tcase_add_test(tc, role_names);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tt, ta_setup, ta_teardown);
	tcase_add_test(tt, issuer_string);
	tcase_add_test(tt, issuer_signatures);
	tcase_add_test(tt, issuer_tng_form);
	tcase_add_test(tt, cms_attach);
	suite_add_tcase(s, tt);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_revocation_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
