/* fuzz_v2.c: the JSON bodies of the v2 interface: POST /trustedCertificate
 * (dgcg_v2cert_parse, the stored properties, the kid rule; domain/signer.h)
 * and a trusted reference (dgcg_ref_parse, dgcg_ref_validate;
 * domain/references.h). Input: the JSON text (the body, or the CMS
 * payload of a reference). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "fuzz.h"
#include "base/utf8.h"
#include "base/uuid.h"
#include "domain/references.h"
#include "domain/signer.h"

#define T "v2"

static void
certificate(const uint8_t *data, size_t size)
{
	struct dgcg_v2cert_req q;
	struct json_object *o;
	char details[512], why[128], *props;
	size_t len = 0, i;
	int ok;

	ok = dgcg_v2cert_parse((const char *)data, size, &q, details, sizeof(details));
	FUZZ_CHECK(T, strnlen(details, sizeof(details)) < sizeof(details));
	if (!ok) {
		FUZZ_CHECK(T, details[0] != '\0');
		FUZZ_CHECK(T, q.cms == NULL && q.kid == NULL && q.group == NULL && q.domain == NULL);
		FUZZ_CHECK(T, q.nprops == 0 && q.keys == NULL && !q.has_properties);
		dgcg_v2cert_free(&q);
		return;
	}
	FUZZ_CHECK(T, details[0] == '\0');
	FUZZ_CHECK(T, q.has_properties || q.nprops == 0);
	for (i = 0; i < q.nprops; i++)
		FUZZ_CHECK(T, q.keys[i] != NULL && q.values[i] != NULL);
	/* what is stored: one JSON object with the same members, or NULL */
	props = dgcg_v2cert_properties_json(&q, &len);
	if (q.nprops == 0)
		FUZZ_CHECK(T, props == NULL);
	else {
		FUZZ_CHECK(T, props != NULL && strlen(props) == len);
		FUZZ_CHECK(T, dgcg_utf8_valid((const unsigned char *)props, len, 0));
		o = json_tokener_parse(props);
		FUZZ_CHECK(T, o != NULL && json_object_is_type(o, json_type_object));
		FUZZ_CHECK(T, (size_t)json_object_object_length(o) == q.nprops);
		json_object_put(o);
	}
	free(props);
	if (q.kid != NULL && dgcg_v2cert_kid_ok(q.kid, why, sizeof(why))) {
		FUZZ_CHECK(T, strlen(q.kid) >= 1 && strlen(q.kid) <= DGCG_CUSTOM_KID_MAX);
		for (i = 0; q.kid[i] != '\0'; i++)
			FUZZ_CHECK(T, q.kid[i] > ' ' && q.kid[i] < 0x7f);
	}
	dgcg_v2cert_free(&q);
}

static void
reference(const uint8_t *data, size_t size)
{
	struct dgcg_ref_in in;
	char details[2048];
	enum dgcg_ref_check c;

	c = dgcg_ref_parse((const char *)data, size, &in, details, sizeof(details));
	FUZZ_CHECK(T, c == DGCG_REF_OK || c == DGCG_REF_JSON);
	FUZZ_CHECK(T, strnlen(details, sizeof(details)) < sizeof(details));
	if (c != DGCG_REF_OK) {
		FUZZ_CHECK(T, details[0] != '\0' && in.url == NULL && in.country == NULL);
		dgcg_ref_in_free(&in);
		return;
	}
	FUZZ_CHECK(T, in.type == NULL || strcmp(in.type, "DCC") == 0 ||
	    strcmp(in.type, "FHIR") == 0);
	FUZZ_CHECK(T, in.signature_type == NULL || strcmp(in.signature_type, "CMS") == 0 ||
	    strcmp(in.signature_type, "JWS") == 0 || strcmp(in.signature_type, "NONE") == 0);
	c = dgcg_ref_validate(&in, details, sizeof(details));
	FUZZ_CHECK(T, c == DGCG_REF_OK || c == DGCG_REF_VALUES);
	FUZZ_CHECK(T, strnlen(details, sizeof(details)) < sizeof(details));
	if (c == DGCG_REF_OK) {
		/* what the table can hold */
		FUZZ_CHECK(T, details[0] == '\0');
		FUZZ_CHECK(T, in.url != NULL && in.country != NULL && in.type != NULL &&
		    in.service != NULL && in.thumbprint != NULL && in.name != NULL &&
		    in.ssl_public_key != NULL && in.content_type != NULL &&
		    in.signature_type != NULL && in.reference_version != NULL);
		FUZZ_CHECK(T, dgcg_utf8_codepoints(in.url, strlen(in.url)) <= 100);
		FUZZ_CHECK(T, dgcg_utf8_codepoints(in.country, strlen(in.country)) <= 2);
		FUZZ_CHECK(T, dgcg_utf8_codepoints(in.thumbprint, strlen(in.thumbprint)) <= 64);
		FUZZ_CHECK(T, dgcg_utf8_codepoints(in.reference_version,
		    strlen(in.reference_version)) <= 256);
		FUZZ_CHECK(T, in.domain == NULL ||
		    dgcg_utf8_codepoints(in.domain, strlen(in.domain)) <= DGCG_DOMAIN_MAX);
		FUZZ_CHECK(T, in.uuid == NULL || dgcg_uuid_valid(in.uuid));
		FUZZ_CHECK(T, in.source_gateway == NULL || dgcg_uuid_valid(in.source_gateway));
	} else
		FUZZ_CHECK(T, details[0] != '\0');
	dgcg_ref_in_free(&in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_quiet_log();
	certificate(data, size);
	reference(data, size);
	return 0;
}
