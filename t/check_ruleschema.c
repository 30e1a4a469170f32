/* check_ruleschema.c: the validation-rule schema: the C tables equal the
 * schema file, every real rule passes, each keyword rejects what it should,
 * and what the JSON reader refuses is "JSON could not be parsed". */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <json-c/json.h>

#include "domain/ruleschema.h"
#include "testutil.h"

Suite *make_ruleschema_suite(void);

/* A valid rule to mutate; %s slots: Identifier, Type, Country, extra members. */
static const char RULE_FMT[] =
    "{\"Identifier\":\"%s\",\"Type\":\"%s\",\"Country\":\"%s\",\"Version\":\"1.0.0\","
    "\"SchemaVersion\":\"1.0.0\",\"Engine\":\"CERTLOGIC\",\"EngineVersion\":\"0.7.5\","
    "\"CertificateType\":\"General\",\"Description\":[{\"lang\":\"en\","
    "\"desc\":\"The rule checks something for twenty chars.\"}],"
    "\"ValidFrom\":\"2021-06-01T00:00:00Z\",\"ValidTo\":\"2030-06-01T00:00:00+01:00\","
    "\"AffectedFields\":[\"v.0.dt\"],\"Logic\":{\"and\":[true]}%s}";

static enum dgcg_err
check_rule(const char *ident, const char *type, const char *cc, const char *extra,
    char *details, size_t dsz)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), RULE_FMT, ident, type, cc, extra);
	return dgcg_rule_json_check(buf, strlen(buf), NULL, details, dsz);
}

static enum dgcg_err
check_text(const char *s, char *details, size_t dsz)
{
	return dgcg_rule_json_check(s, strlen(s), NULL, details, dsz);
}

/* Drops annotation keywords so the schema file compares with the tables. */
static void
strip_annotations(struct json_object *o)
{
	static const char *const ann[] = { "title", "description", "$schema", "$id" };
	struct json_object_iterator it, end;
	size_t i;

	if (json_object_is_type(o, json_type_array)) {
		for (i = 0; i < json_object_array_length(o); i++)
			strip_annotations(json_object_array_get_idx(o, i));
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	for (i = 0; i < sizeof(ann) / sizeof(ann[0]); i++) {
		struct json_object *v;

		/* "description" is also a member name under properties: only drop
		 * it where it is a string annotation */
		if (json_object_object_get_ex(o, ann[i], &v) &&
		    json_object_is_type(v, json_type_string))
			json_object_object_del(o, ann[i]);
	}
	it = json_object_iter_begin(o);
	end = json_object_iter_end(o);
	while (!json_object_iter_equal(&it, &end)) {
		strip_annotations(json_object_iter_peek_value(&it));
		json_object_iter_next(&it);
	}
}

START_TEST(tables_equal_schema_file)
{
	char path[8192];
	struct json_object *file, *mine;

	snprintf(path, sizeof(path), "%.4000s/spec/reference/dgc-gateway-validation-rule.schema.json",
	    test_shared());
	file = json_object_from_file(path);
	ck_assert_msg(file != NULL, "cannot read %s", path);
	strip_annotations(file);
	mine = dgcg_ruleschema_export();
	if (!json_object_equal(file, mine))
		ck_abort_msg("tables differ from the schema file:\nfile: %s\nmine: %s",
		    json_object_to_json_string(file), json_object_to_json_string(mine));
	json_object_put(file);
	json_object_put(mine);
}
END_TEST

/* Every *.json under dir (recursively), except index.json and schema/. */
static void
walk(const char *dir, size_t *n, size_t *bad)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[8192], details[2048], *buf;
	size_t len;

	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "schema") == 0 ||
		    strcmp(de->d_name, "index.json") == 0)
			continue;
		snprintf(path, sizeof(path), "%.4000s/%.255s", dir, de->d_name);
		len = strlen(de->d_name);
		if (len > 5 && strcmp(de->d_name + len - 5, ".json") == 0) {
			buf = test_slurp(path, &len);
			ck_assert_ptr_nonnull(buf);
			if (dgcg_rule_json_check(buf, len, NULL, details, sizeof(details)) != DGCG_OK) {
				fprintf(stderr, "%s: %s\n", path, details);
				(*bad)++;
			}
			(*n)++;
			free(buf);
		} else
			walk(path, n, bad);
	}
	closedir(d);
}

START_TEST(real_rules_accepted)
{
	char dir[4096];
	size_t n = 0, bad = 0;

	snprintf(dir, sizeof(dir), "%.4000s/rules", test_data());
	walk(dir, &n, &bad);
	ck_assert_uint_eq(n, 961 + 194);
	ck_assert_uint_eq(bad, 0);
}
END_TEST

START_TEST(good_rule_and_fields)
{
	char buf[4096], details[1024];
	struct dgcg_jv *doc = NULL;

	snprintf(buf, sizeof(buf), RULE_FMT, "GR-EU-0001", "Acceptance", "EU", ",\"Region\":\"BW\"");
	ck_assert_int_eq(dgcg_rule_json_check(buf, strlen(buf), &doc, details, sizeof(details)),
	    DGCG_OK);
	ck_assert_str_eq(details, "");
	ck_assert_str_eq(dgcg_jv_str(doc, "Identifier"), "GR-EU-0001");
	ck_assert_str_eq(dgcg_jv_str(doc, "ValidTo"), "2030-06-01T00:00:00+01:00");
	ck_assert_ptr_null(dgcg_jv_str(doc, "Logic"));
	ck_assert_ptr_null(dgcg_jv_get(doc, "Nope"));
	dgcg_jv_free(doc);
	ck_assert_int_eq(check_rule("GR-EU-0001", "Acceptance", "EU", "", NULL, 0), DGCG_OK);
}
END_TEST

/* The reference's schema-break scenarios (ValidationRuleIntegrationTest). */
START_TEST(reference_schema_breaks)
{
	char d[1024];

	ck_assert_int_eq(check_rule("GR-EU-001", "Acceptance", "EU", "", d, sizeof(d)),
	    DGCG_ERR_INVAL);
	ck_assert_msg(strstr(d, "JSON does not align to Validation Rule Schema: #/Identifier") ==
	    d, "%s", d);
	ck_assert_int_eq(check_rule("GR-EU-0001", "Acceptancee", "EU", "", d, sizeof(d)),
	    DGCG_ERR_INVAL);
	ck_assert_ptr_nonnull(strstr(d, "is not a valid enum value"));
	ck_assert_int_eq(check_rule("GR-EU-0001", "Acceptance", "EUX", "", d, sizeof(d)),
	    DGCG_ERR_INVAL);
	ck_assert_ptr_nonnull(strstr(d, "#/Country: string [EUX] does not match pattern"));
	ck_assert_int_eq(check_rule("GR-EU-0001", "Acceptance", "EU", ",\"Region\":\"XXXXXX\"", d,
	    sizeof(d)), DGCG_ERR_INVAL);
	ck_assert_int_eq(check_rule("GR-EU-0001", "Acceptance", "EU", ",\"extra\":1", d,
	    sizeof(d)), DGCG_ERR_INVAL);
	ck_assert_ptr_nonnull(strstr(d, "extraneous key [extra] is not permitted"));
	ck_assert_int_eq(check_text("{\"Identifier\":\"GR-EU-0001\"}", d, sizeof(d)),
	    DGCG_ERR_INVAL);
	ck_assert_ptr_nonnull(strstr(d, "required key [Logic] not found"));
}
END_TEST

/* Replaces the first occurrence of from in the template rule by to. */
static enum dgcg_err
mutated(const char *from, const char *to, char *d, size_t dsz)
{
	char base[4096], out[8192], *p;

	snprintf(base, sizeof(base), RULE_FMT, "GR-EU-0001", "Acceptance", "EU", "");
	p = strstr(base, from);
	ck_assert_msg(p != NULL, "%s not in template", from);
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(p - base), base, to, p + strlen(from));
	return check_text(out, d, dsz);
}

START_TEST(keyword_cases)
{
	char d[1024];

	/* Version / SchemaVersion / EngineVersion */
	ck_assert_int_eq(mutated("\"Version\":\"1.0.0\"", "\"Version\":\"1.0.0.0\"", d, sizeof(d)),
	    DGCG_ERR_INVAL);
	ck_assert_int_eq(mutated("\"SchemaVersion\":\"1.0.0\"", "\"SchemaVersion\":\"10\"", d,
	    sizeof(d)), DGCG_ERR_INVAL);
	ck_assert_int_eq(mutated("\"EngineVersion\":\"0.7.5\"", "\"EngineVersion\":\"1.2.3.aaaaa\"",
	    d, sizeof(d)), DGCG_ERR_INVAL);
	ck_assert_int_eq(mutated("\"Version\":\"1.0.0\"", "\"Version\":\"10.20.30\"", d, sizeof(d)),
	    DGCG_OK);
	/* ECMA-262: $ is the end, \d is ASCII */
	ck_assert_int_eq(mutated("\"Version\":\"1.0.0\"", "\"Version\":\"1.0.0\\n\"", d, sizeof(d)),
	    DGCG_ERR_INVAL);
	ck_assert_int_eq(mutated("\"Version\":\"1.0.0\"", "\"Version\":\"1.0.\\u0663\"", d,
	    sizeof(d)), DGCG_ERR_INVAL);
	/* Description: no en, too short, lang "en-" */
	ck_assert_int_eq(mutated("\"lang\":\"en\"", "\"lang\":\"de\"", d, sizeof(d)), DGCG_ERR_INVAL);
	ck_assert_ptr_nonnull(strstr(d, "'contains' schema"));
	ck_assert_int_eq(mutated("The rule checks something for twenty chars.", "too short", d,
	    sizeof(d)), DGCG_ERR_INVAL);
	ck_assert_ptr_nonnull(strstr(d, "expected minLength: 20, actual: 9"));
	ck_assert_int_eq(mutated("\"lang\":\"en\"", "\"lang\":\"en-\"", d, sizeof(d)), DGCG_ERR_INVAL);
	ck_assert_int_eq(mutated("[{\"lang\":\"en\",\"desc\":\"The rule checks something for "
	    "twenty chars.\"}]", "[]", d, sizeof(d)), DGCG_ERR_INVAL);
	ck_assert_ptr_nonnull(strstr(d, "expected minimum item count: 1, found: 0"));
	/* minLength counts code points: 19 x U+00E9 (38 bytes) is too short,
	 * 20 escaped pairs (one emoji each) are enough */
	ck_assert_int_eq(mutated("The rule checks something for twenty chars.",
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", d, sizeof(d)),
	    DGCG_ERR_INVAL);
	ck_assert_int_eq(mutated("The rule checks something for twenty chars.",
	    "\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00"
	    "\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00"
	    "\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00"
	    "\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00", d, sizeof(d)),
	    DGCG_OK);
	/* AffectedFields and Logic */
	ck_assert_int_eq(mutated("[\"v.0.dt\"]", "[]", d, sizeof(d)), DGCG_ERR_INVAL);
	ck_assert_int_eq(mutated("[\"v.0.dt\"]", "[1]", d, sizeof(d)), DGCG_ERR_INVAL);
	ck_assert_int_eq(mutated("{\"and\":[true]}", "{}", d, sizeof(d)), DGCG_ERR_INVAL);
	ck_assert_ptr_nonnull(strstr(d, "#/Logic: minimum size: [1], found: [0]"));
	ck_assert_int_eq(mutated("{\"and\":[true]}", "[1]", d, sizeof(d)), DGCG_ERR_INVAL);
	/* date-time: pattern and calendar */
	ck_assert_int_eq(mutated("2021-06-01T00:00:00Z", "2021-02-29T00:00:00Z", d, sizeof(d)),
	    DGCG_ERR_INVAL);
	ck_assert_int_eq(mutated("2021-06-01T00:00:00Z", "2024-02-29T00:00:00Z", d, sizeof(d)),
	    DGCG_OK);
	ck_assert_int_eq(mutated("2021-06-01T00:00:00Z", "2021-06-01T00:00:00.000Z", d,
	    sizeof(d)), DGCG_ERR_INVAL);
	ck_assert_int_eq(mutated("2021-06-01T00:00:00Z", "2021-06-01T00:00:00+24:00", d,
	    sizeof(d)), DGCG_ERR_INVAL);
	ck_assert_int_eq(mutated("2021-06-01T00:00:00Z", "2021-06-01T24:00:00Z", d, sizeof(d)),
	    DGCG_ERR_INVAL);
	ck_assert_int_eq(mutated("2021-06-01T00:00:00Z", "0000-06-01T00:00:00Z", d, sizeof(d)),
	    DGCG_ERR_INVAL);
	/* wrong types */
	ck_assert_int_eq(mutated("\"Engine\":\"CERTLOGIC\"", "\"Engine\":1", d, sizeof(d)),
	    DGCG_ERR_INVAL);
	ck_assert_ptr_nonnull(strstr(d, "#/Engine: expected type: String, found: Number"));
	ck_assert_int_eq(mutated("\"Engine\":\"CERTLOGIC\"", "\"Engine\":null", d, sizeof(d)),
	    DGCG_ERR_INVAL);
	ck_assert_int_eq(mutated("\"Engine\":\"CERTLOGIC\"", "\"Engine\":\"\"", d, sizeof(d)),
	    DGCG_OK);
}
END_TEST

/* How the rule check reports what the JSON reader refuses (the reader's own
 * cases are in t/check_json.c): not JSON is "JSON could not be parsed",
 * also a duplicate member and too deep nesting; a member name or value
 * with NUL parses and fails the schema. */
START_TEST(json_errors)
{
	char d[256], base[4096], buf[8192], *deep;
	size_t n;

	snprintf(base, sizeof(base), RULE_FMT, "GR-EU-0001", "Acceptance", "EU", "");
	/* two documents, a trailing token, whitespace */
	snprintf(buf, sizeof(buf), "%s%s", base, base);
	ck_assert_int_eq(check_text(buf, d, sizeof(d)), DGCG_ERR_PARSE);
	ck_assert_str_eq(d, "JSON could not be parsed");
	snprintf(buf, sizeof(buf), "%sx", base);
	ck_assert_int_eq(check_text(buf, d, sizeof(d)), DGCG_ERR_PARSE);
	snprintf(buf, sizeof(buf), " \r\n\t%s \n", base);
	ck_assert_int_eq(check_text(buf, d, sizeof(d)), DGCG_OK);
	/* a BOM, a duplicate member (also nested) */
	snprintf(buf, sizeof(buf), "\xef\xbb\xbf%s", base);
	ck_assert_int_eq(check_text(buf, d, sizeof(d)), DGCG_ERR_PARSE);
	ck_assert_int_eq(mutated("\"Country\":\"EU\"", "\"Country\":\"EU\",\"Country\":\"EU\"", d,
	    sizeof(d)), DGCG_ERR_PARSE);
	ck_assert_str_eq(d, "JSON could not be parsed");
	ck_assert_int_eq(mutated("{\"and\":[true]}", "{\"a\":1,\"b\":{\"c\":1,\"c\":1}}", d,
	    sizeof(d)), DGCG_ERR_PARSE);
	/* the rule object and Logic are 2 levels: DGCG_JSON_DEPTH_MAX - 1 more
	 * arrays are one level too many, one less is accepted */
	n = DGCG_JSON_DEPTH_MAX - 1;
	deep = malloc(2 * n + 1);
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\0';
	ck_assert_int_eq(mutated("[true]", deep, d, sizeof(d)), DGCG_ERR_PARSE);
	ck_assert_str_eq(d, "JSON could not be parsed");
	deep[n - 1] = ' ';
	deep[n] = ' ';
	ck_assert_int_eq(mutated("[true]", deep, d, sizeof(d)), DGCG_OK);
	free(deep);
	/* a member name with NUL is not "Country" */
	ck_assert_int_eq(mutated("\"Country\":\"EU\"", "\"Country\":\"EU\",\"Country\\u0000\":1", d,
	    sizeof(d)), DGCG_ERR_INVAL);
	/* NUL inside a patterned value never matches */
	ck_assert_int_eq(mutated("\"Country\":\"EU\"", "\"Country\":\"E\\u0000\"", d, sizeof(d)),
	    DGCG_ERR_INVAL);
	ck_assert_int_eq(check_text("", d, sizeof(d)), DGCG_ERR_PARSE);
	ck_assert_int_eq(check_text("{", d, sizeof(d)), DGCG_ERR_PARSE);
}
END_TEST

Suite *
make_ruleschema_suite(void)
{
	Suite *s = suite_create("ruleschema");
	TCase *tc;

	tc = tcase_create("schema");
	tcase_add_test(tc, tables_equal_schema_file);
	tcase_add_test(tc, real_rules_accepted);
	tcase_add_test(tc, good_rule_and_fields);
	tcase_add_test(tc, reference_schema_breaks);
	tcase_add_test(tc, keyword_cases);
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_test(tc, json_errors);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_ruleschema_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
