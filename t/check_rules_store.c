/* check_rules_store.c: validation rule upload, delete and download
 * (domain/rules.h) on the in-memory store (t/fake_store.h): the stored row
 * and its audit event, the reference's check order, the delete's answers,
 * the download's version window and its cache, and database failures. The
 * pure helpers are t/check_rules.c's.
 *
 * The clock: this program defines time() (the linker takes it before the
 * C library's, for lib/ and OpenSSL alike) as the real time plus
 * clock_shift, so that a test can move to the moment a stored ValidFrom is
 * reached without sleeping. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "base/timefmt.h"
#include "base/xmalloc.h"
#include "domain/problem.h"
#include "domain/reply.h"
#include "domain/rules.h"
#include "fake_store.h"
#include "store/data_version.h"
#include "testpki.h"
#include "worker/gateway.h"

Suite *make_rules_store_suite(void);

static long clock_shift;

time_t
time(time_t *t)
{
	struct timespec ts;
	time_t now;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = ts.tv_sec + clock_shift;
	if (t != NULL)
		*t = now;
	return now;
}

#define H	3600L
#define D	(24 * H)
#define CALLER	"c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3"

static struct testpki_ta ta;
static struct testpki_party up, up_fr, up_weak;

static struct dgcg_gw gw;
static struct dgcg_identity id;
static struct dgcg_reply r;
static time_t t0;	/* "now" when the test started */

#define MAKE(p, key, ...) testpki_party(&(p), (key), &(struct testpki_spec){ __VA_ARGS__ })

static void
pki_setup(void)
{
	EVP_PKEY *k = testpki_ec("P-256"), *k224 = testpki_ec("P-224");

	testpki_ta_new(&ta);
	MAKE(up, k, .c = "DE", .cn = "Upload DE", .serial = 10);
	MAKE(up_fr, k, .c = "FR", .cn = "Upload FR", .serial = 11);
	MAKE(up_weak, k224, .c = "DE", .cn = "Upload DE P-224", .serial = 12);
	EVP_PKEY_free(k);
	EVP_PKEY_free(k224);
}

static void
pki_teardown(void)
{
	testpki_party_free(&up);
	testpki_party_free(&up_fr);
	testpki_party_free(&up_weak);
	testpki_ta_free(&ta);
}

static void
setup(void)
{
	clock_shift = 0;
	t0 = time(NULL);
	fake_store_reset();
	testpki_onboard(up.cert, "DE", DGCG_CT_UPLOAD, ta.cert, ta.key, t0 - D);
	testpki_onboard(up_fr.cert, "FR", DGCG_CT_UPLOAD, ta.cert, ta.key, t0 - D);
	testpki_onboard(up_weak.cert, "DE", DGCG_CT_UPLOAD, ta.cert, ta.key, t0 - D);
	testpki_gw_open(&gw, ta.path);
	memset(&id, 0, sizeof(id));
	snprintf(id.country, sizeof(id.country), "%s", "DE");
	snprintf(id.thumbprint, sizeof(id.thumbprint), "%s", CALLER);
	dgcg_reply_init(&r);
}

static void
teardown(void)
{
	dgcg_reply_clear(&r);
	testpki_gw_close(&gw);
	fake_store_reset();
}

/* --- rules and requests ---------------------------------------------------------- */

/* A rule: the reference's dummy rule (it_rule in t/lib.sh) with fields
 * replaced; NULL/0 keeps the default. from/to: seconds from t0. */
struct rule {
	const char	*id, *type, *country, *version, *certtype;
	long		 from, to;
};

static char *
rule_json(const struct rule *ru)
{
	char f[DGCG_TIME_LEN + 1], t[DGCG_TIME_LEN + 1];

	dgcg_time_format(t0 + (ru->from != 0 ? ru->from : 3 * D), f);
	dgcg_time_format(t0 + (ru->to != 0 ? ru->to : 7 * D), t);
	return xasprintf("{\"Identifier\":\"%s\",\"Type\":\"%s\",\"Country\":\"%s\","
	    "\"Version\":\"%s\",\"SchemaVersion\":\"1.0.0\",\"Engine\":\"CERTLOGIC\","
	    "\"EngineVersion\":\"1.0.0\",\"CertificateType\":\"%s\",\"Description\":"
	    "[{\"lang\":\"en\",\"desc\":\"Description of the dummy rule for tests\"}],"
	    "\"ValidFrom\":\"%s\",\"ValidTo\":\"%s\",\"AffectedFields\":[\"aField\"],"
	    "\"Logic\":{\"and\":[{\">\":[{\"var\":\"hcert.v.0.dn\"},0]}]}}",
	    ru->id ? ru->id : "GR-DE-0001", ru->type ? ru->type : "Acceptance",
	    ru->country ? ru->country : "DE", ru->version ? ru->version : "1.0.0",
	    ru->certtype ? ru->certtype : "General", f, t);
}

static char *
signed_by(const struct testpki_party *p, const char *text)
{
	return testpki_sign(p->cert, p->key, text, strlen(text), 1, NULL);
}

static void
upload_raw(const char *b)
{
	dgcg_reply_clear(&r);
	dgcg_rules_upload(&gw, b, strlen(b), &id, &r);
	dgcg_gw_request_end(&gw);
}

/* Uploads ru signed by p. */
static void
upload(const struct testpki_party *p, const struct rule *ru)
{
	char *j = rule_json(ru), *b = signed_by(p, j);

	upload_raw(b);
	free(b);
	free(j);
}

/* Uploads a payload that is not a rule of ours, signed by p. */
static void
upload_text(const struct testpki_party *p, const char *text)
{
	char *b = signed_by(p, text);

	upload_raw(b);
	free(b);
}

static void
delete_by(const struct testpki_party *p, const char *rule_id)
{
	char *b = signed_by(p, rule_id);

	dgcg_reply_clear(&r);
	dgcg_rules_delete(&gw, b, strlen(b), &id, &r);
	dgcg_gw_request_end(&gw);
	free(b);
}

#define expect(st, p) do {							\
	ck_assert_msg(r.status == (st) && r.prob == (p),			\
	    "status %d prob %s (details: %s), want %d %s", r.status,		\
	    dgcg_prob_info(r.prob)->name, r.details ? r.details : "", (st),	\
	    dgcg_prob_info(p)->name);						\
} while (0)

static void
expect_code(const char *code)
{
	ck_assert_str_eq(dgcg_prob_info(r.prob)->code, code);
}

static size_t
vr_count(void)
{
	size_t n;

	(void)fake_store_vr_rows(&n);
	return n;
}

/* A DATETIME literal t0 + off. */
static const char *
sqltime(long off, char buf[20])
{
	ck_assert(dgcg_time_format_sql(t0 + off, buf));
	return buf;
}

/* --- upload ---------------------------------------------------------------------- */

START_TEST(upload_created)
{
	const struct fake_vr *v;
	const struct fake_audit *a;
	char *j = rule_json(&(struct rule){ 0 }), *b = signed_by(&up, j), f[20], t[20];
	long long v0 = fake_store_version(DGCG_T_VALIDATION_RULE);
	size_t n;

	upload_raw(b);
	expect(201, DGCG_P_NONE);
	v = fake_store_vr_rows(&n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0].r.rule_id, "GR-DE-0001");
	ck_assert_str_eq(v[0].r.version, "1.0.0");
	ck_assert_str_eq(v[0].r.country, "DE");
	ck_assert_str_eq(v[0].type, "ACCEPTANCE");
	ck_assert_str_eq(v[0].r.valid_from, sqltime(3 * D, f));
	ck_assert_str_eq(v[0].r.valid_to, sqltime(7 * D, t));
	ck_assert_str_eq(v[0].r.signature, b);	/* the CMS as received */
	ck_assert_int_eq(fake_store_version(DGCG_T_VALIDATION_RULE), v0 + 1);
	ck_assert_uint_eq(fake_store_audit_count(), 1);
	a = fake_store_audit_last();
	ck_assert_str_eq(a->event, "CREATED");
	ck_assert_str_eq(a->description, "Created Validation Rule with ID GR-DE-0001 (1.0.0)");
	ck_assert_str_eq(a->country, "DE");
	ck_assert_str_eq(a->uploader, up.thumb);
	ck_assert_str_eq(a->auth, CALLER);
	free(b);
	free(j);
	/* a newer version, and an invalidation rule */
	upload(&up, &(struct rule){ .version = "1.1.0", .from = 3 * D + H });
	expect(201, DGCG_P_NONE);
	upload(&up, &(struct rule){ .id = "IR-DE-0001", .type = "Invalidation",
	    .certtype = "Test", .from = H, .to = 4 * D });
	expect(201, DGCG_P_NONE);
	v = fake_store_vr_rows(&n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(v[2].type, "INVALIDATION");
	ck_assert_uint_eq(fake_store_audit_count(), 3);
}
END_TEST

/* The reference's order: a request wrong in two ways answers the earlier
 * check. None of these refusals is audited. */
START_TEST(upload_check_order)
{
	char *j, *b, *bad;

	upload_raw("%% not base64 %%");
	expect(400, DGCG_P_CMS_BASE64);
	expect_code("0x402");
	/* 0x260 before 0x230: a broken signature by another country */
	j = rule_json(&(struct rule){ 0 });
	b = signed_by(&up_fr, j);
	bad = testpki_flip(b, (const unsigned char *)j, strlen(j));
	upload_raw(bad);
	expect(400, DGCG_P_CMS_SIGNATURE);
	expect_code("0x260");
	free(bad);
	free(b);
	free(j);
	/* 0x230 before 0x200: another country's signer, no JSON */
	upload_text(&up_fr, "not json");
	expect(400, DGCG_P_RULE_UPLOADER);
	expect_code("0x230");
	ck_assert_ptr_nonnull(r.send_value);	/* the signer's subject */
	ck_assert_ptr_nonnull(strstr(r.send_value, "Upload FR"));
	/* ... and a signer whose key is too small (SecReq-042) */
	upload(&up_weak, &(struct rule){ 0 });
	expect(400, DGCG_P_RULE_UPLOADER);
	/* 0x200 before 0x210: no JSON, or not the schema */
	upload_text(&up, "not json");
	expect(400, DGCG_P_RULE_JSON);
	expect_code("0x200");
	upload_text(&up, "{\"Identifier\":\"GR-FR-0001\",\"Country\":\"FR\"}");
	expect(400, DGCG_P_RULE_JSON);
	/* 0x250 before 0x210: the prefix against CertificateType */
	upload(&up, &(struct rule){ .id = "TR-FR-0001", .country = "FR" });
	expect(400, DGCG_P_RULE_ID);
	expect_code("0x250");
	ck_assert_str_eq(r.details, "ID must start with TR for Test Rules");
	upload(&up, &(struct rule){ .id = "IR-DE-0001" });
	expect(400, DGCG_P_RULE_ID);
	ck_assert_str_eq(r.details, "Acceptance Rule Rule-ID requires prefix other than IR.");
	/* 0x210 before 0x220 */
	upload(&up, &(struct rule){ .id = "GR-FR-0001", .country = "FR" });
	expect(403, DGCG_P_RULE_COUNTRY);
	expect_code("0x210");
	ck_assert_str_eq(r.details, "Country does not match your authentication.");
	upload(&up, &(struct rule){ .id = "GR-FR-0001" });
	expect(403, DGCG_P_RULE_COUNTRY);
	ck_assert_str_eq(r.details, "Country Code in Identifier does not match country.");
	ck_assert_uint_eq(vr_count(), 0);
	/* 0x220 before 0x240: the same version again, with bad times too */
	upload(&up, &(struct rule){ 0 });
	expect(201, DGCG_P_NONE);
	upload(&up, &(struct rule){ .from = H });
	expect(400, DGCG_P_RULE_VERSION);
	expect_code("0x220");
	ck_assert_str_eq(r.details,
	    "Version of new rule (1.0.0) needs to be greater then old version (1.0.0)");
	upload(&up, &(struct rule){ .version = "0.9.9" });
	expect(400, DGCG_P_RULE_VERSION);
	/* 0x240: an Acceptance rule valid in less than 48 h; before the
	 * previous version's ValidFrom; less than 72 h of validity */
	upload(&up, &(struct rule){ .version = "1.0.1", .from = H });
	expect(400, DGCG_P_RULE_TIMESTAMPS);
	expect_code("0x240");
	upload(&up, &(struct rule){ .version = "1.0.1", .from = 3 * D - H });
	expect(400, DGCG_P_RULE_TIMESTAMPS);
	upload(&up, &(struct rule){ .version = "1.0.1", .from = 3 * D, .to = 5 * D });
	expect(400, DGCG_P_RULE_TIMESTAMPS);
	ck_assert_str_eq(r.details, "Rule Validity must be at least 72h but is 48h");
	ck_assert_uint_eq(vr_count(), 1);
	ck_assert_uint_eq(fake_store_audit_count(), 1);	/* the one upload */
}
END_TEST

/* The latest version (highest id) is 1.0.0 but 1.0.1 exists: the insert
 * meets the unique key, as a concurrent upload would. */
START_TEST(upload_conflict_in_tx)
{
	char f[20], t[20];

	fake_store_vr_add("GR-DE-0001", "1.0.1", sqltime(3 * D, f), sqltime(7 * D, t), "x", "DE",
	    "ACCEPTANCE");
	fake_store_vr_add("GR-DE-0001", "1.0.0", sqltime(3 * D, f), sqltime(7 * D, t), "x", "DE",
	    "ACCEPTANCE");
	upload(&up, &(struct rule){ .version = "1.0.1" });
	expect(400, DGCG_P_RULE_VERSION);
	ck_assert_str_eq(r.details,
	    "Version of new rule (1.0.1) needs to be greater then old version (1.0.1)");
	ck_assert_uint_eq(vr_count(), 2);
	ck_assert_uint_eq(fake_store_audit_count(), 0);
}
END_TEST

START_TEST(upload_db_failures)
{
	long long v0 = fake_store_version(DGCG_T_VALIDATION_RULE);

	/* the audit event in the transaction: the row goes with it */
	fake_store_fail("dgcg_db_audit", 0, 1, 0);
	upload(&up, &(struct rule){ 0 });
	expect(500, DGCG_P_RULE_UNEXPECTED);
	expect_code("0x299");
	ck_assert_uint_eq(vr_count(), 0);
	ck_assert_uint_eq(fake_store_audit_count(), 0);
	ck_assert_int_eq(fake_store_version(DGCG_T_VALIDATION_RULE), v0);
	/* the same with the connection lost: 503, the client retries */
	fake_store_fail("dgcg_db_audit", 0, 1, 1);
	upload(&up, &(struct rule){ 0 });
	expect(503, DGCG_P_UNAVAILABLE);
	ck_assert_uint_eq(vr_count(), 0);
	fake_store_fail("dgcg_db_vr_insert", 0, 1, 0);
	upload(&up, &(struct rule){ 0 });
	expect(500, DGCG_P_RULE_UNEXPECTED);
	fake_store_fail("dgcg_db_vr_latest", 0, 1, 0);
	upload(&up, &(struct rule){ 0 });
	expect(500, DGCG_P_RULE_UNEXPECTED);
	fake_store_fail("COMMIT", 0, 1, 1);
	upload(&up, &(struct rule){ 0 });
	expect(503, DGCG_P_UNAVAILABLE);
	ck_assert_uint_eq(vr_count(), 0);
	fake_store_set_down(1);
	upload(&up, &(struct rule){ 0 });
	expect(503, DGCG_P_UNAVAILABLE);
	fake_store_set_down(0);
	ck_assert_uint_eq(fake_store_audit_count(), 0);
	upload(&up, &(struct rule){ 0 });
	expect(201, DGCG_P_NONE);
}
END_TEST

/* --- delete ---------------------------------------------------------------------- */

START_TEST(delete_every_version)
{
	const struct fake_audit *a;
	long long v0;

	upload(&up, &(struct rule){ 0 });
	upload(&up, &(struct rule){ .version = "1.1.0" });
	upload(&up, &(struct rule){ .id = "GR-DE-0002" });
	ck_assert_uint_eq(vr_count(), 3);
	v0 = fake_store_version(DGCG_T_VALIDATION_RULE);
	delete_by(&up, "GR-DE-0001");
	expect(204, DGCG_P_NONE);
	ck_assert_uint_eq(vr_count(), 1);
	ck_assert_int_eq(fake_store_version(DGCG_T_VALIDATION_RULE), v0 + 2);
	ck_assert_uint_eq(fake_store_audit_count(), 4);
	a = fake_store_audit_last();
	ck_assert_str_eq(a->event, "DELETED");
	ck_assert_str_eq(a->description, "Deleted Validation Rule with ID GR-DE-0001");
	ck_assert_str_eq(a->uploader, up.thumb);
	/* a withdrawal is not refused for the signer's key size */
	delete_by(&up_weak, "GR-DE-0002");
	expect(204, DGCG_P_NONE);
	ck_assert_uint_eq(vr_count(), 0);
}
END_TEST

START_TEST(delete_refusals)
{
	upload(&up, &(struct rule){ 0 });
	expect(201, DGCG_P_NONE);
	delete_by(&up, "GR-DE-0099");
	expect(404, DGCG_P_RULE_NOT_FOUND);
	expect_code("0x270");
	ck_assert_str_eq(r.send_value, "Validation-Rule Id: GR-DE-0099");
	/* byte for byte: the column's collation would match this one */
	delete_by(&up, "gr-DE-0001");
	expect(404, DGCG_P_RULE_NOT_FOUND);
	delete_by(&up, "GR-FR-0001");
	expect(403, DGCG_P_RULE_ID_COUNTRY);
	expect_code("0x210");
	ck_assert_str_eq(r.send_value,
	    "Your authenticated country code: DE, Your requested country code: FR");
	delete_by(&up, "GRDE0001");
	expect(400, DGCG_P_RULE_ID_STRING);
	expect_code("0x250");
	delete_by(&up_fr, "GR-DE-0001");
	expect(400, DGCG_P_RULE_DELETE_UPLOADER);
	expect_code("0x230");
	ck_assert_str_eq(r.details,
	    "You have to use a onboarded upload certificate to sign the string");
	ck_assert_uint_eq(vr_count(), 1);
	ck_assert_uint_eq(fake_store_audit_count(), 1);	/* the upload's */
	/* database failures: nothing removed */
	fake_store_fail("dgcg_db_audit", 0, 1, 0);
	delete_by(&up, "GR-DE-0001");
	expect(500, DGCG_P_RULE_UNEXPECTED);
	fake_store_fail("dgcg_db_vr_delete", 0, 1, 1);
	delete_by(&up, "GR-DE-0001");
	expect(503, DGCG_P_UNAVAILABLE);
	ck_assert_uint_eq(vr_count(), 1);
	ck_assert_uint_eq(fake_store_audit_count(), 1);
	delete_by(&up, "GR-DE-0001");
	expect(204, DGCG_P_NONE);
}
END_TEST

/* --- download ---------------------------------------------------------------------- */

static void
seed(const char *rule_id, const char *version, long from, long to, const char *country)
{
	char f[20], t[20], cms[64];

	snprintf(cms, sizeof(cms), "cms-%s-%s", rule_id, version);
	fake_store_vr_add(rule_id, version, sqltime(from, f), sqltime(to, t), cms, country,
	    "ACCEPTANCE");
}

static void
seed_rules(void)
{
	/* a version valid now, one valid from yesterday, one from 2 days on */
	seed("GR-DE-0001", "1.0.0", -10 * D, 100 * D, "DE");
	seed("GR-DE-0001", "1.1.0", -1 * D, 100 * D, "DE");
	seed("GR-DE-0001", "1.2.0", 2 * D, 100 * D, "DE");
	/* none valid yet */
	seed("GR-DE-0002", "1.0.0", 1 * D, 100 * D, "DE");
	seed("GR-DE-0002", "2.0.0", 3 * D, 100 * D, "DE");
	/* the latest is valid: only it */
	seed("GR-DE-0003", "1.0.0", -5 * D, 100 * D, "DE");
	seed("GR-DE-0003", "1.1.0", -2 * D, 100 * D, "DE");
	/* the column compares case-insensitively */
	seed("GR-DE-0004", "1.0.0", -5 * D, 100 * D, "de");
	seed("GR-FR-0001", "1.0.0", -5 * D, 100 * D, "FR");
}

static char *
download(const char *country)
{
	char *json = NULL;
	size_t len = 0;

	ck_assert_int_eq(dgcg_rules_download(&gw, country, &id, &json, &len), DGCG_OK);
	dgcg_gw_request_end(&gw);
	ck_assert_uint_eq(strlen(json), len);
	return json;
}

/* The versions listed for rule_id, as "v1,v2,..." (newest first). */
static char *
versions_of(const char *json, const char *rule_id)
{
	struct json_object *root = json_tokener_parse(json), *arr, *item, *v;
	char buf[256] = "";
	size_t i, n;

	ck_assert_ptr_nonnull(root);
	if (!json_object_object_get_ex(root, rule_id, &arr)) {
		json_object_put(root);
		return xstrdup("-");
	}
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		item = json_object_array_get_idx(arr, i);
		ck_assert(json_object_object_get_ex(item, "version", &v));
		if (i > 0)
			strncat(buf, ",", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, json_object_get_string(v), sizeof(buf) - strlen(buf) - 1);
	}
	json_object_put(root);
	return xstrdup(buf);
}

#define expect_versions(json, rule_id, want) do {	\
	char *got_ = versions_of((json), (rule_id));	\
							\
	ck_assert_str_eq(got_, (want));			\
	free(got_);					\
} while (0)

START_TEST(download_window)
{
	struct json_object *root, *arr, *item, *v;
	char *json, *lower, ts[DGCG_TIME_LEN + 1];

	seed_rules();
	json = download("DE");
	expect_versions(json, "GR-DE-0001", "1.2.0,1.1.0");
	expect_versions(json, "GR-DE-0002", "2.0.0,1.0.0");
	expect_versions(json, "GR-DE-0003", "1.1.0");
	expect_versions(json, "GR-DE-0004", "1.0.0");
	expect_versions(json, "GR-FR-0001", "-");
	/* the fields of one version */
	root = json_tokener_parse(json);
	ck_assert(json_object_object_get_ex(root, "GR-DE-0003", &arr));
	item = json_object_array_get_idx(arr, 0);
	ck_assert(json_object_object_get_ex(item, "validFrom", &v));
	dgcg_time_format(t0 - 2 * D, ts);
	ck_assert_str_eq(json_object_get_string(v), ts);
	ck_assert(json_object_object_get_ex(item, "validTo", &v));
	dgcg_time_format(t0 + 100 * D, ts);
	ck_assert_str_eq(json_object_get_string(v), ts);
	ck_assert(json_object_object_get_ex(item, "cms", &v));
	ck_assert_str_eq(json_object_get_string(v), "cms-GR-DE-0003-1.1.0");
	json_object_put(root);
	/* the country's letters in any case */
	lower = download("de");
	ck_assert_str_eq(lower, json);
	free(lower);
	free(json);
	/* not two letters: no rules, no read */
	json = download("D1");
	ck_assert_str_eq(json, "{}");
	free(json);
	json = download(NULL);
	ck_assert_str_eq(json, "{}");
	free(json);
	json = download("IE");
	ck_assert_str_eq(json, "{}");
	free(json);
	/* DE and IE; "de" was DE's list from the cache */
	ck_assert_uint_eq(fake_store_calls("dgcg_db_vr_of_country"), 2);
}
END_TEST

START_TEST(download_cache)
{
	char *a, *b;
	unsigned reads;

	seed_rules();
	a = download("DE");
	reads = fake_store_calls("dgcg_db_vr_of_country");
	/* the next request: served again without a read */
	b = download("DE");
	ck_assert_str_eq(b, a);
	ck_assert_uint_eq(fake_store_calls("dgcg_db_vr_of_country"), reads);
	free(b);
	/* another table's change does not matter */
	fake_store_bump(DGCG_T_VALUESET);
	b = download("DE");
	ck_assert_uint_eq(fake_store_calls("dgcg_db_vr_of_country"), reads);
	free(b);
	/* a write (an upload) does */
	upload(&up, &(struct rule){ .id = "GR-DE-0005" });
	expect(201, DGCG_P_NONE);
	b = download("DE");
	ck_assert_uint_eq(fake_store_calls("dgcg_db_vr_of_country"), ++reads);
	expect_versions(b, "GR-DE-0005", "1.0.0");
	free(b);
	free(a);
	a = download("DE");
	ck_assert_uint_eq(fake_store_calls("dgcg_db_vr_of_country"), reads);
	/* just before the first future ValidFrom (GR-DE-0002 1.0.0, t0 + 1 d):
	 * still served; once it is reached the list is built again */
	clock_shift = D - 60;
	b = download("DE");
	ck_assert_uint_eq(fake_store_calls("dgcg_db_vr_of_country"), reads);
	free(b);
	clock_shift = D + 1;
	b = download("DE");
	ck_assert_uint_eq(fake_store_calls("dgcg_db_vr_of_country"), ++reads);
	expect_versions(b, "GR-DE-0002", "2.0.0,1.0.0");
	expect_versions(b, "GR-DE-0001", "1.2.0,1.1.0");
	free(b);
	/* GR-DE-0001 1.2.0 is reached: it alone */
	clock_shift = 2 * D + 1;
	b = download("DE");
	ck_assert_uint_eq(fake_store_calls("dgcg_db_vr_of_country"), ++reads);
	expect_versions(b, "GR-DE-0001", "1.2.0");
	free(b);
	free(a);
}
END_TEST

START_TEST(download_db_failures)
{
	char *json = (char *)"unset";
	size_t len = 99;

	seed_rules();
	fake_store_fail("dgcg_db_vr_of_country", 0, 1, 1);
	ck_assert_int_eq(dgcg_rules_download(&gw, "DE", &id, &json, &len), DGCG_ERR_DB);
	ck_assert_ptr_null(json);
	ck_assert_uint_eq(len, 0);
	dgcg_gw_request_end(&gw);
	/* the counters cannot be read: the list cannot be cached, it fails */
	fake_store_fail("dgcg_db_versions", 0, 1, 1);
	ck_assert_int_eq(dgcg_rules_download(&gw, "DE", &id, &json, &len), DGCG_ERR_DB);
	dgcg_gw_request_end(&gw);
	json = download("DE");
	expect_versions(json, "GR-DE-0003", "1.1.0");
	free(json);
}
END_TEST

Suite *
make_rules_store_suite(void)
{
	Suite *s = suite_create("rules_store");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, pki_setup, pki_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, upload_created);
	tcase_add_test(tc, upload_check_order);
	tcase_add_test(tc, upload_conflict_in_tx);
	tcase_add_test(tc, upload_db_failures);
	tcase_add_test(tc, delete_every_version);
	tcase_add_test(tc, delete_refusals);
	tcase_add_test(tc, download_window);
	tcase_add_test(tc, download_cache);
	tcase_add_test(tc, download_db_failures);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_rules_store_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
