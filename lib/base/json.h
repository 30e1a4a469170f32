/* json.h: the strict JSON reader for what clients upload.
 *
 * json-c accepts more than RFC 8259 (and keeps the last of two equal member
 * names), so an uploaded text is read with this reader instead. It accepts
 * RFC 8259 JSON and nothing else:
 *
 *   - one value, optionally surrounded by the four JSON whitespace bytes;
 *     nothing after it (two documents, a trailing token are refused);
 *   - no BOM, no comments, no single quotes, no NaN/Infinity, no raw
 *     control bytes (< 0x20) in strings, only the escapes of RFC 8259;
 *   - numbers by the RFC 8259 grammar exactly: -?(0|[1-9][0-9]*)
 *     (.[0-9]+)?([eE][+-]?[0-9]+)? (no leading zero, no "1.", no "+1");
 *   - raw bytes >= 0x80 in strings must be strict UTF-8 (base/utf8.h: no
 *     overlong forms, no encoded surrogates, at most U+10FFFF);
 *   - duplicate member names in one object are refused (org.json throws on
 *     them, and a consumer that keeps the first would read another rule than
 *     the one the gateway checked); names are compared as bytes after
 *     unescaping, so "a" and "\u0061" are the same name;
 *   - nesting (objects and arrays) deeper than max_depth is refused before
 *     it can exhaust the stack.
 *
 * The tree is the reader's own (struct dgcg_jv), not json-c's. */
#ifndef DGCG_JSON_H
#define DGCG_JSON_H

#include <stddef.h>

#include "base/dgcg.h"

#define DGCG_JSON_DEPTH_MAX	128	/* nested objects/arrays; real rules reach 20 */

enum dgcg_jtype {
	DGCG_J_NULL = 0,
	DGCG_J_FALSE,
	DGCG_J_TRUE,
	DGCG_J_NUMBER,
	DGCG_J_STRING,
	DGCG_J_ARRAY,
	DGCG_J_OBJECT
};

/* One parsed JSON value. Strings (and member names) are byte strings that
 * may hold NUL (from \u0000); escaped lone surrogates are kept as their
 * 3-byte generalised UTF-8 form so that code points still count one each.
 * A number keeps its literal text. Members keep their order in the text. */
struct dgcg_jv {
	enum dgcg_jtype	 type;
	char		*s;	/* STRING: the bytes; NUMBER: the literal; NUL-terminated */
	size_t		 len;
	size_t		 n;	/* ARRAY/OBJECT: number of elements/members */
	char		**keys;	/* OBJECT: member names, NUL-terminated */
	size_t		*klens;
	struct dgcg_jv	*v;	/* ARRAY/OBJECT: the elements/member values */
};

/* Parses s[0..len) as one JSON text (s need not be NUL-terminated). On
 * DGCG_OK *out is the tree (caller dgcg_jv_free). Otherwise *out is NULL and
 * the result is DGCG_ERR_PARSE (not JSON, or a duplicate member name) or
 * DGCG_ERR_LIMIT (nested deeper than max_depth), and err (may be NULL) gets
 * a short reason with the byte offset ("duplicate member name at offset
 * 42"). Memory runs out only through xmalloc (which exits). */
enum dgcg_err dgcg_json_parse(const char *s, size_t len, unsigned max_depth, struct dgcg_jv **out,
	char *err, size_t errsz);

/* Frees a tree from dgcg_json_parse; NULL is allowed. */
void dgcg_jv_free(struct dgcg_jv *v);

/* The value of member name in object o, or NULL (also when o is NULL or not
 * an object). Borrowed from o.
 * NOTE: name is a C string, so a member whose name holds NUL is never
 * found by it. */
const struct dgcg_jv *dgcg_jv_get(const struct dgcg_jv *o, const char *name);

/* The string value of member name when it is a string without NUL bytes,
 * else NULL. Borrowed from o. */
const char *dgcg_jv_str(const struct dgcg_jv *o, const char *name);

/* The compact text of a json-c value as the gateway serves JSON (no
 * spaces, '/' not escaped): malloc'd, NUL-terminated; *len (when not NULL)
 * gets its length. o is released. */
struct json_object;
char *dgcg_json_text(struct json_object *o, size_t *len);

#endif
