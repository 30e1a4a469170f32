/* ruleschema.c: the validation-rule schema, compiled by hand from
 * spec/reference/dgc-gateway-validation-rule.schema.json. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "domain/ruleschema.h"
#include "base/regex.h"
#include "base/timefmt.h"
#include "base/utf8.h"

/* --- the schema, as tables ------------------------------------------------ */

enum stype { S_ANY = 0, S_OBJECT, S_ARRAY, S_STRING };

struct sprop;

struct snode {
	enum stype		 type;
	const char *const	*required;	/* NULL-terminated */
	const struct sprop	*props;		/* NULL-name-terminated */
	int			 no_additional;	/* additionalProperties: false */
	const char		*pattern;	/* as written in the schema */
	const char *const	*enumv;		/* NULL-terminated */
	long			 min_length;	/* -1 = none */
	long			 min_items;
	long			 min_props;
	const struct snode	*items;
	const struct snode	*contains;
	const char		*format;	/* "date-time" or NULL */
};

struct sprop {
	const char		*name;
	const struct snode	*schema;
};

#define NONE -1, -1, -1
#define SEMVER "^\\d+\\.\\d+\\.\\d+$"
#define DATETIME_RE "^\\d{4}-[01]\\d-[0-3]\\dT[0-2]\\d:[0-5]\\d:[0-5]\\d([-+][0-2]\\d:[0-5]\\d|Z)$"

static const struct snode s_identifier = { S_STRING, NULL, NULL, 0,
	"^(GR|VR|TR|RR|IR)-[A-Z]{2}-\\d{4}$", NULL, NONE, NULL, NULL, NULL };
static const char *const e_type[] = { "Acceptance", "Invalidation", NULL };
static const struct snode s_type = { S_STRING, NULL, NULL, 0, NULL, e_type, NONE, NULL, NULL,
	NULL };
static const struct snode s_country = { S_STRING, NULL, NULL, 0, "^[A-Z]{2}$", NULL, NONE,
	NULL, NULL, NULL };
static const struct snode s_region = { S_STRING, NULL, NULL, 0, "^[A-Z0-9]{0,5}$", NULL, NONE,
	NULL, NULL, NULL };
static const struct snode s_semver = { S_STRING, NULL, NULL, 0, SEMVER, NULL, NONE, NULL, NULL,
	NULL };
static const struct snode s_string = { S_STRING, NULL, NULL, 0, NULL, NULL, NONE, NULL, NULL,
	NULL };
static const char *const e_certtype[] = { "General", "Test", "Vaccination", "Recovery", NULL };
static const struct snode s_certtype = { S_STRING, NULL, NULL, 0, NULL, e_certtype, NONE, NULL,
	NULL, NULL };
static const char *const r_desc[] = { "lang", "desc", NULL };
static const struct snode s_lang = { S_STRING, NULL, NULL, 0,
	"^([a-z]{2}|[a-z]{2}-[a-z]{2})$", NULL, NONE, NULL, NULL, NULL };
static const struct snode s_lang_en = { S_STRING, NULL, NULL, 0, "^en$", NULL, NONE, NULL,
	NULL, NULL };
static const struct snode s_desc = { S_STRING, NULL, NULL, 0, NULL, NULL, 20, -1, -1, NULL,
	NULL, NULL };
static const struct sprop p_desc_item[] = { { "lang", &s_lang }, { "desc", &s_desc },
	{ NULL, NULL } };
static const struct sprop p_desc_en[] = { { "lang", &s_lang_en }, { "desc", &s_desc },
	{ NULL, NULL } };
static const struct snode s_desc_item = { S_OBJECT, r_desc, p_desc_item, 0, NULL, NULL, NONE,
	NULL, NULL, NULL };
static const struct snode s_desc_en = { S_OBJECT, r_desc, p_desc_en, 0, NULL, NULL, NONE, NULL,
	NULL, NULL };
static const struct snode s_description = { S_ARRAY, NULL, NULL, 0, NULL, NULL, -1, 1, -1,
	&s_desc_item, &s_desc_en, NULL };
static const struct snode s_validtime = { S_STRING, NULL, NULL, 0, DATETIME_RE, NULL, NONE,
	NULL, NULL, "date-time" };
static const struct snode s_affected = { S_ARRAY, NULL, NULL, 0, NULL, NULL, -1, 1, -1,
	&s_string, NULL, NULL };
static const struct snode s_logic = { S_OBJECT, NULL, NULL, 0, NULL, NULL, -1, -1, 1, NULL,
	NULL, NULL };

static const char *const r_rule[] = { "AffectedFields", "Country", "CertificateType",
	"Description", "Engine", "EngineVersion", "Identifier", "Logic", "SchemaVersion", "Type",
	"ValidFrom", "ValidTo", "Version", NULL };
static const struct sprop p_rule[] = {
	{ "Identifier", &s_identifier },
	{ "Type", &s_type },
	{ "Country", &s_country },
	{ "Region", &s_region },
	{ "Version", &s_semver },
	{ "SchemaVersion", &s_semver },
	{ "Engine", &s_string },
	{ "EngineVersion", &s_semver },
	{ "CertificateType", &s_certtype },
	{ "Description", &s_description },
	{ "ValidFrom", &s_validtime },
	{ "ValidTo", &s_validtime },
	{ "AffectedFields", &s_affected },
	{ "Logic", &s_logic },
	{ NULL, NULL }
};
static const struct snode s_rule = { S_OBJECT, r_rule, p_rule, 1, NULL, NULL, NONE, NULL, NULL,
	NULL };

/* --- validation ------------------------------------------------------------ */

struct vctx {
	char	*out;
	size_t	 sz, used;
	size_t	 count;
	int	 quiet;		/* inside "contains": count only */
};

static const char *
jtype_name(enum dgcg_jtype t)
{
	switch (t) {
	case DGCG_J_NULL: return "Null";
	case DGCG_J_FALSE:
	case DGCG_J_TRUE: return "Boolean";
	case DGCG_J_NUMBER: return "Number";
	case DGCG_J_STRING: return "String";
	case DGCG_J_ARRAY: return "JSONArray";
	case DGCG_J_OBJECT: return "JSONObject";
	}
	return "?";
}

static const char *
stype_name(enum stype t)
{
	return t == S_OBJECT ? "JSONObject" : t == S_ARRAY ? "JSONArray" : "String";
}

/* Copies at most 64 bytes of s for a message, NULs as "\0". */
static void
shown(char *dst, size_t dsz, const char *s, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 3 < dsz && i < 64; i++) {
		if (s[i] == '\0') {
			dst[o++] = '\\';
			dst[o++] = '0';
		} else
			dst[o++] = s[i];
	}
	if (i < len && o + 3 < dsz) {
		dst[o++] = '.';
		dst[o++] = '.';
	}
	dst[o] = '\0';
}

static void vmsg(struct vctx *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
vmsg(struct vctx *c, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n;

	c->count++;
	if (c->quiet || c->out == NULL || c->sz == 0 || c->used + 1 >= c->sz)
		return;
	n = snprintf(c->out + c->used, c->sz - c->used, "%s%s: ", c->used ? ", " : "", path);
	if (n < 0 || (size_t)n >= c->sz - c->used) {
		c->used = c->sz - 1;
		return;
	}
	c->used += (size_t)n;
	va_start(ap, fmt);
	n = vsnprintf(c->out + c->used, c->sz - c->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= c->sz - c->used)
		c->used = c->sz - 1;
	else
		c->used += (size_t)n;
}

/* Appends "/" and a JSON-pointer-escaped member name (cut) to path. */
static void
path_add(char *dst, size_t dsz, const char *path, const char *k, size_t klen)
{
	char kb[80];
	size_t i, o = 0;

	for (i = 0; i < klen && o + 3 < sizeof(kb) && i < 48; i++) {
		if (k[i] == '~' || k[i] == '/') {
			kb[o++] = '~';
			kb[o++] = k[i] == '~' ? '0' : '1';
		} else if (k[i] == '\0') {
			kb[o++] = '\\';
			kb[o++] = '0';
		} else
			kb[o++] = k[i];
	}
	kb[o] = '\0';
	snprintf(dst, dsz, "%s/%s%s", path, kb, i < klen ? ".." : "");
}

static void
validate(struct vctx *c, const struct snode *n, const struct dgcg_jv *v, const char *path)
{
	char sub[512], sv[80];
	const struct sprop *pp;
	size_t i, before;
	int m, known;

	switch (n->type) {
	case S_ANY:
		break;
	case S_OBJECT:
		if (v->type != DGCG_J_OBJECT) {
			vmsg(c, path, "expected type: %s, found: %s", stype_name(n->type),
			    jtype_name(v->type));
			return;
		}
		break;
	case S_ARRAY:
		if (v->type != DGCG_J_ARRAY) {
			vmsg(c, path, "expected type: %s, found: %s", stype_name(n->type),
			    jtype_name(v->type));
			return;
		}
		break;
	case S_STRING:
		if (v->type != DGCG_J_STRING) {
			vmsg(c, path, "expected type: %s, found: %s", stype_name(n->type),
			    jtype_name(v->type));
			return;
		}
		break;
	}
	if (v->type == DGCG_J_OBJECT) {
		for (i = 0; n->required != NULL && n->required[i] != NULL; i++)
			if (dgcg_jv_get(v, n->required[i]) == NULL)
				vmsg(c, path, "required key [%s] not found", n->required[i]);
		for (i = 0; i < v->n; i++) {
			known = 0;
			for (pp = n->props; pp != NULL && pp->name != NULL; pp++) {
				if (strlen(pp->name) == v->klens[i] &&
				    memcmp(pp->name, v->keys[i], v->klens[i]) == 0) {
					known = 1;
					path_add(sub, sizeof(sub), path, v->keys[i], v->klens[i]);
					validate(c, pp->schema, &v->v[i], sub);
					break;
				}
			}
			if (!known && n->no_additional) {
				shown(sv, sizeof(sv), v->keys[i], v->klens[i]);
				vmsg(c, path, "extraneous key [%s] is not permitted", sv);
			}
		}
		if (n->min_props >= 0 && v->n < (size_t)n->min_props)
			vmsg(c, path, "minimum size: [%ld], found: [%zu]", n->min_props, v->n);
	}
	if (v->type == DGCG_J_ARRAY) {
		if (n->min_items >= 0 && v->n < (size_t)n->min_items)
			vmsg(c, path, "expected minimum item count: %ld, found: %zu", n->min_items,
			    v->n);
		for (i = 0; n->items != NULL && i < v->n; i++) {
			snprintf(sub, sizeof(sub), "%s/%zu", path, i);
			validate(c, n->items, &v->v[i], sub);
		}
		if (n->contains != NULL) {
			struct vctx q = { NULL, 0, 0, 0, 1 };

			for (m = 0, i = 0; i < v->n && !m; i++) {
				before = q.count;
				validate(&q, n->contains, &v->v[i], path);
				m = q.count == before;
			}
			if (!m)
				vmsg(c, path, "expected at least one array item to match 'contains' schema");
		}
	}
	if (v->type == DGCG_J_STRING) {
		if (n->min_length >= 0 && dgcg_utf8_codepoints(v->s, v->len) < (size_t)n->min_length)
			vmsg(c, path, "expected minLength: %ld, actual: %zu", n->min_length,
			    dgcg_utf8_codepoints(v->s, v->len));
		if (n->pattern != NULL && dgcg_regex_search(n->pattern, v->s, v->len) != 1) {
			shown(sv, sizeof(sv), v->s, v->len);
			vmsg(c, path, "string [%s] does not match pattern %s", sv, n->pattern);
		}
		if (n->enumv != NULL) {
			for (m = 0, i = 0; n->enumv[i] != NULL && !m; i++)
				m = strlen(n->enumv[i]) == v->len &&
				    memcmp(n->enumv[i], v->s, v->len) == 0;
			if (!m) {
				shown(sv, sizeof(sv), v->s, v->len);
				vmsg(c, path, "%s is not a valid enum value", sv);
			}
		}
		if (n->format != NULL && !dgcg_rfc3339_datetime(v->s, v->len)) {
			shown(sv, sizeof(sv), v->s, v->len);
			vmsg(c, path, "[%s] is not a valid date-time. Expected "
			    "[yyyy-MM-dd'T'HH:mm:ssZ, yyyy-MM-dd'T'HH:mm:ss.[0-9]{1,9}Z]", sv);
		}
	}
}

size_t
dgcg_ruleschema_validate(const struct dgcg_jv *doc, char *details, size_t dsz)
{
	struct vctx c = { details, dsz, 0, 0, 0 };

	if (details != NULL && dsz > 0)
		details[0] = '\0';
	validate(&c, &s_rule, doc, "#");
	return c.count;
}

enum dgcg_err
dgcg_rule_json_check(const char *s, size_t len, struct dgcg_jv **out, char *details, size_t dsz)
{
	static const char pre[] = "JSON does not align to Validation Rule Schema: ";
	struct dgcg_jv *doc = NULL;
	size_t pl = sizeof(pre) - 1;

	if (out != NULL)
		*out = NULL;
	if (dgcg_json_parse(s, len, DGCG_JSON_DEPTH_MAX, &doc, NULL, 0) != DGCG_OK) {
		if (details != NULL && dsz > 0)
			snprintf(details, dsz, "JSON could not be parsed");
		return DGCG_ERR_PARSE;
	}
	if (details != NULL && dsz > pl + 1) {
		memcpy(details, pre, pl);
		if (dgcg_ruleschema_validate(doc, details + pl, dsz - pl) != 0)
			goto invalid;
		details[0] = '\0';
	} else if (dgcg_ruleschema_validate(doc, NULL, 0) != 0)
		goto invalid;
	if (out != NULL)
		*out = doc;
	else
		dgcg_jv_free(doc);
	return DGCG_OK;
invalid:
	dgcg_jv_free(doc);
	return DGCG_ERR_INVAL;
}

/* --- export ---------------------------------------------------------------- */

static struct json_object *
export_node(const struct snode *n)
{
	struct json_object *o = json_object_new_object(), *a, *p;
	const struct sprop *pp;
	size_t i;

	if (n->type != S_ANY)
		json_object_object_add(o, "type", json_object_new_string(
		    n->type == S_OBJECT ? "object" : n->type == S_ARRAY ? "array" : "string"));
	if (n->no_additional)
		json_object_object_add(o, "additionalProperties", json_object_new_boolean(0));
	if (n->required != NULL) {
		a = json_object_new_array();
		for (i = 0; n->required[i] != NULL; i++)
			json_object_array_add(a, json_object_new_string(n->required[i]));
		json_object_object_add(o, "required", a);
	}
	if (n->props != NULL) {
		p = json_object_new_object();
		for (pp = n->props; pp->name != NULL; pp++)
			json_object_object_add(p, pp->name, export_node(pp->schema));
		json_object_object_add(o, "properties", p);
	}
	if (n->pattern != NULL)
		json_object_object_add(o, "pattern", json_object_new_string(n->pattern));
	if (n->enumv != NULL) {
		a = json_object_new_array();
		for (i = 0; n->enumv[i] != NULL; i++)
			json_object_array_add(a, json_object_new_string(n->enumv[i]));
		json_object_object_add(o, "enum", a);
	}
	if (n->min_length >= 0)
		json_object_object_add(o, "minLength", json_object_new_int64(n->min_length));
	if (n->min_items >= 0)
		json_object_object_add(o, "minItems", json_object_new_int64(n->min_items));
	if (n->min_props >= 0)
		json_object_object_add(o, "minProperties", json_object_new_int64(n->min_props));
	if (n->items != NULL)
		json_object_object_add(o, "items", export_node(n->items));
	if (n->contains != NULL)
		json_object_object_add(o, "contains", export_node(n->contains));
	if (n->format != NULL)
		json_object_object_add(o, "format", json_object_new_string(n->format));
	return o;
}

struct json_object *
dgcg_ruleschema_export(void)
{
	return export_node(&s_rule);
}
