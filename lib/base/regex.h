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
 *   [a-z0-9_]       a class of single characters, ranges, \d and escaped
 *                   characters (in a class, \ before any character but d
 *                   is that character); [^...] (negated) is not supported
 *   X{n} X{n,} X{n,m} X+ X* X?
 *                   greedy quantifiers on one of the atoms above (not on a
 *                   group or an anchor)
 *   ( ... | ... )   grouping and alternation, at any depth; a group may not
 *                   be quantified; | also at the top level
 *   ^               the start of the value only
 *   $               the end of the value only: ECMA-262 without the m flag,
 *                   so "1.0.0\n" does not match ^\d+\.\d+\.\d+$ (Python's
 *                   re and PCRE would match before a final newline)
 *
 * Not supported: . (any character), \w \s \b and other class escapes,
 * lazy quantifiers, (?...) groups, lookaround, back references, flags.
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
 * (0..len), 0 when it matches nowhere, -1 when the search reached a
 * construct outside the subset above.
 * NOTE: the pattern is checked only as far as the search gets, so a pattern
 * outside the subset may answer 0 or 1 for some values before it answers
 * -1 for others: callers use fixed patterns, tested once.
 * NOTE: backtracking: the cost grows with len times the choices of each
 * quantifier (len^k for k unbounded ones), fine for short schema patterns,
 * not meant for patterns a client sends. Recursion depth is bounded by the
 * pattern's length, not by len. */
int dgcg_regex_search(const char *pat, const char *s, size_t len);

#endif
