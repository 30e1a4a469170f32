/* fuzz_rule.c: an uploaded validation rule's JSON (lib/base/json.h,
 * lib/domain/ruleschema.h, the non-database checks of lib/domain/rules.h).
 * Input: the CMS payload text. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"
#include "base/json.h"
#include "domain/rules.h"
#include "domain/ruleschema.h"
#include "base/timefmt.h"

#define T "rule"

/* 2024-01-01T00:00:00Z: a fixed clock keeps every input reproducible. */
#define NOW ((time_t)1704067200)

static void
check_tree(const struct dgcg_jv *v, unsigned depth)
{
	size_t i;

	FUZZ_CHECK(T, depth <= DGCG_JSON_DEPTH_MAX + 1);
	switch (v->type) {
	case DGCG_J_STRING:
	case DGCG_J_NUMBER:
		FUZZ_CHECK(T, v->s != NULL && v->s[v->len] == '\0');
		break;
	case DGCG_J_OBJECT:
		for (i = 0; i < v->n; i++) {
			FUZZ_CHECK(T, v->keys[i] != NULL && v->keys[i][v->klens[i]] == '\0');
			check_tree(&v->v[i], depth + 1);
		}
		break;
	case DGCG_J_ARRAY:
		for (i = 0; i < v->n; i++)
			check_tree(&v->v[i], depth + 1);
		break;
	default:
		break;
	}
}

/* What dgcg_rules_upload relies on once the schema passed (it answers 500
 * when any of this does not hold). */
static void
check_valid_rule(const struct dgcg_jv *doc)
{
	const char *ident, *country, *version, *certtype, *vf, *vt, *type;
	char cc[8], details[512];
	time_t from, to;
	int cmp;

	ident = dgcg_jv_str(doc, "Identifier");
	country = dgcg_jv_str(doc, "Country");
	version = dgcg_jv_str(doc, "Version");
	certtype = dgcg_jv_str(doc, "CertificateType");
	vf = dgcg_jv_str(doc, "ValidFrom");
	vt = dgcg_jv_str(doc, "ValidTo");
	type = dgcg_jv_str(doc, "Type");
	FUZZ_CHECK(T, ident != NULL && country != NULL && version != NULL && certtype != NULL &&
	    vf != NULL && vt != NULL && type != NULL);
	FUZZ_CHECK(T, strlen(ident) >= 5);
	FUZZ_CHECK(T, dgcg_rules_id_country(ident, strlen(ident), cc, sizeof(cc)) == 1);
	FUZZ_CHECK(T, dgcg_semver_cmp(version, version, &cmp) == DGCG_OK && cmp == 0);
	/* RFC 3339 allows offsets up to +-23:59, java.time (and so the upload,
	 * 400 0x200 at the end of check 4) only +-18:00. */
	if (dgcg_time_parse_iso(vf, &from, NULL) != DGCG_OK ||
	    dgcg_time_parse_iso(vt, &to, NULL) != DGCG_OK) {
		FUZZ_CHECK(T, strlen(vf) >= 6 && strlen(vt) >= 6);
		FUZZ_CHECK(T, strchr(vf + strlen(vf) - 6, '+') != NULL ||
		    strchr(vf + strlen(vf) - 6, '-') != NULL ||
		    strchr(vt + strlen(vt) - 6, '+') != NULL || strchr(vt + strlen(vt) - 6, '-') != NULL);
		return;
	}
	(void)dgcg_rules_check_times(strcmp(type, "Acceptance") == 0 ? DGCG_RULE_ACCEPTANCE :
	    DGCG_RULE_INVALIDATION, from, to, NOW, &from, details, sizeof(details));
	(void)dgcg_rules_check_times(DGCG_RULE_ACCEPTANCE, from, to, NOW, NULL, details,
	    sizeof(details));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dgcg_jv *doc = NULL, *tree = NULL;
	char details[2048], err[256];
	enum dgcg_err rc, prc;

	fuzz_quiet_log();
	prc = dgcg_json_parse((const char *)data, size, DGCG_JSON_DEPTH_MAX, &tree, err,
	    sizeof(err));
	FUZZ_CHECK(T, prc == DGCG_OK || prc == DGCG_ERR_PARSE || prc == DGCG_ERR_LIMIT);
	FUZZ_CHECK(T, (prc == DGCG_OK) == (tree != NULL));
	if (tree != NULL) {
		check_tree(tree, 0);
		(void)dgcg_ruleschema_validate(tree, details, sizeof(details));
		FUZZ_CHECK(T, strlen(details) < sizeof(details));
		dgcg_jv_free(tree);
	}

	rc = dgcg_rule_json_check((const char *)data, size, &doc, details, sizeof(details));
	FUZZ_CHECK(T, rc == DGCG_OK || rc == DGCG_ERR_PARSE || rc == DGCG_ERR_INVAL);
	FUZZ_CHECK(T, (rc == DGCG_OK) == (doc != NULL));
	/* the rule check parses the same way */
	FUZZ_CHECK(T, (rc == DGCG_ERR_PARSE) == (prc != DGCG_OK));
	if (doc != NULL) {
		FUZZ_CHECK(T, prc == DGCG_OK);
		check_valid_rule(doc);
		dgcg_jv_free(doc);
	}
	(void)dgcg_rfc3339_datetime((const char *)data, size);
	(void)dgcg_rfc3339_date((const char *)data, size);
	return 0;
}
