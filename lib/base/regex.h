/* regex.h: the subset of ECMA-262 regular expressions that the JSON schemas
 * use in "pattern", matched by a small backtracking matcher.
 *
 * JSON Schema (2020-12, section 6.3.3 of the validation vocabulary) says a
 * pattern is an ECMA-262 regular expression, not anchored: the value is
 * valid when the pattern matches somewhere in it (RegExp.prototype.test,
 * Python's re.search). The subset:
 *
 *   a b 0 - ]       a literal: any ASCII character except the syntax
 *                   characters . ( ) | { } * + ? [ \ ^ $
 *   \d              [0-9] (ASCII only, as in ECMA-262; not Unicode digits)
 *   \. \- \\ \/ ... one of . - \ ^ $ | ( ) [ ] { } + * ? / as a literal
 *   [a-z0-9_]       a class of ASCII characters, ranges lo-hi (lo <= hi,
 *                   hi not escaped), \d and the escapes above; - first or
 *                   last is itself; [] matches nothing; [^...] (negated)
 *                   is not supported
 *   X{n} X{n,} X{n,m} X+ X* X?
 *                   greedy quantifiers on one of the atoms above (not on a
 *                   group or an anchor); n <= m <= 65535
 *   ( ... | ... )   grouping and alternation, at any depth; a group may not
 *                   be quantified; | also at the top level
 *   ^               the start of the value only
 *   $               the end of the value only: ECMA-262 without the m flag,
 *                   so "1.0.0\n" does not match ^\d+\.\d+\.\d+$ (Python's
 *                   re and PCRE would match before a final newline)
 *
 * Not supported, so -1: . (any character), \w \s \b and every other
 * escape, non-ASCII characters in the pattern, lazy quantifiers, a '{' that
 * is not a quantifier (ECMA-262's Annex B would read it as a literal),
 * (?...) groups, lookaround, back references, flags.
 *
 * Every atom matches one ASCII byte, so matching the bytes of UTF-8 text is
 * matching its code points: a byte >= 0x80 never matches an atom, so a
 * non-ASCII character never matches [A-Z] or \d (ECMA-262 without the u
 * flag matches UTF-16 units, which gives the same answers for these
 * atoms). NUL in the value never matches either. */
#ifndef DGCG_REGEX_H
#define DGCG_REGEX_H

#include <stddef.h>

/* Searches s[0..len) (bytes; NUL allowed, no terminator needed) for the
 * NUL-terminated pattern pat. Returns 1 when pat matches at some position
 * (0..len), 0 when it matches nowhere, -1 when pat is outside the subset
 * above, whatever the value (the whole pattern is checked first).
 * NOTE: backtracking: the cost grows with len times the choices of each
 * quantifier (len^k for k unbounded ones), fine for short schema patterns,
 * not meant for patterns a client sends. Recursion depth is bounded by the
 * pattern's length, not by len. */
int dgcg_regex_search(const char *pat, const char *s, size_t len);

#endif
