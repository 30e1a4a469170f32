/* ruleschema.h: the validation-rule JSON schema.
 *
 * The reference parses an uploaded rule with org.json, validates it with
 * everit against validation-rule.schema.json and maps it with Jackson,
 * rejecting trailing tokens. dgcg_rule_json_check does the same in C: the
 * text is read by dgcg_json_parse (base/json.h: RFC 8259 only, duplicate
 * member names refused, nesting limited to DGCG_JSON_DEPTH_MAX), then
 * checked against the schema, compiled by hand into the tables of
 * ruleschema.c, with JSON Schema 2020-12 semantics for the keywords it
 * uses: type, required, properties, additionalProperties false, pattern
 * (dgcg_regex_search, base/regex.h: ECMA-262, \d is [0-9], $ is the end of
 * the string, not anchored), enum, minLength (code points,
 * dgcg_utf8_codepoints), minItems, minProperties, items, contains and
 * format date-time (dgcg_rfc3339_datetime, base/timefmt.h: real calendar
 * dates, hours 00-23, offsets below 24 h, year 0000 refused).
 *
 * t/check_ruleschema.c checks that the tables render back to the schema
 * file (dgcg_ruleschema_export), and t/schema_diff.sh that Debian's
 * python3-jsonschema agrees with dgcg_rule_json_check on accept/reject. */
#ifndef DGCG_RULESCHEMA_H
#define DGCG_RULESCHEMA_H

#include <stddef.h>

#include <json-c/json.h>

#include "base/dgcg.h"
#include "base/json.h"

/* Validates a parsed document against the validation-rule schema. Returns
 * the number of violations (0 = valid); details (may be NULL) gets everit-
 * style messages ("#/Country: string [EUX] does not match pattern
 * ^[A-Z]{2}$") joined by ", ", cut to dsz. */
size_t dgcg_ruleschema_validate(const struct dgcg_jv *doc, char *details, size_t dsz);

/* What the reference answers for a rule text: DGCG_OK and the tree (caller
 * dgcg_jv_free) when it parses and passes the schema; else DGCG_ERR_PARSE
 * with details "JSON could not be parsed" or DGCG_ERR_INVAL with details
 * "JSON does not align to Validation Rule Schema: ...". out may be NULL. */
enum dgcg_err dgcg_rule_json_check(const char *s, size_t len, struct dgcg_jv **out, char *details,
	size_t dsz);

/* The compiled tables rendered as a JSON Schema (assertion keywords only,
 * no title/description/$id/$schema), for the test that compares them with
 * the schema file. Caller json_object_put. */
struct json_object *dgcg_ruleschema_export(void);

#endif
