#!/usr/bin/python3
"""schema_diff.py: differential test of dgcg's C rule-schema validator.

Debian's python3-jsonschema (Draft 2020-12, the schema's own $schema) and
t/ruleschema_cli (lib/domain/ruleschema.c, lib/base/json.c, regex.c,
timefmt.c) judge the same byte strings: every real rule of testdata/rules/
(all must be accepted) and a few thousand generated mutations of them. Any disagreement on accept/reject fails the test.

The oracle is python3-jsonschema configured for what JSON Schema 2020-12 and
the reference gateway mean, not for Python's own dialects:
  * JSON text: strict UTF-8, RFC 8259 (no NaN/Infinity), duplicate member
    names rejected (org.json in the reference throws on them), nesting at
    most DGCG_JSON_DEPTH_MAX (128) containers;
  * "pattern": ECMA-262 as the specification requires: \\d is [0-9] (Python
    would also take other Unicode digits) and $ is the end of the string
    (Python's $ also matches before a final newline);
  * "format": "date-time" asserted (the reference's everit does) with an
    RFC 3339 check built on datetime.fromisoformat, since Debian has no
    rfc3339-validator and jsonschema would silently skip the format.
The stock Python dialect is also run, and the only differences it may show
are the mutations tagged "dialect" (Unicode digits, trailing newline).

Usage: schema_diff.py SCHEMA RULES_DIR CLI [MIN_MUTATIONS]
"""

import copy
import datetime
import glob
import json
import os
import random
import re
import subprocess
import sys

import jsonschema
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError

DEPTH_MAX = 128

# --- the oracle --------------------------------------------------------------


def ecma(pattern):
    """Python re text for an ECMA-262 pattern: unescaped $ outside a class
    becomes \\Z; \\d is made ASCII by re.ASCII at the call."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "$" and not in_class:
            c = r"\Z"
        out.append(c)
        i += 1
    return "".join(out)


def ecma_pattern(validator, patrn, instance, schema):
    if validator.is_type(instance, "string") and \
            not re.search(ecma(patrn), instance, re.ASCII):
        yield ValidationError(f"{instance!r} does not match {patrn!r}")


format_checker = FormatChecker(formats=())

RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})",
                     re.ASCII)


@format_checker.checks("date-time")
def is_datetime(instance):
    if not isinstance(instance, str):
        return True
    if not RFC3339.fullmatch(instance):
        return False
    s = instance.upper()
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    frac = re.search(r"\.(\d+)", s)
    if frac:  # fromisoformat takes at most 6 fraction digits
        s = s.replace(frac.group(0), "." + (frac.group(1) + "000000")[:6])
    try:
        datetime.datetime.fromisoformat(s)
    except ValueError:
        return False
    return True


EcmaValidator = validators.extend(Draft202012Validator, {"pattern": ecma_pattern})


def depth(x):
    if isinstance(x, dict):
        return 1 + max([depth(v) for v in x.values()] + [0])
    if isinstance(x, list):
        return 1 + max([depth(v) for v in x] + [0])
    return 0


def no_dups(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate member name")
    return dict(pairs)


def no_constant(name):
    raise ValueError("not JSON: " + name)


def parse(data):
    """The JSON text's value, or None when it is not acceptable JSON."""
    try:
        text = data.decode("utf-8")
        doc = json.loads(text, object_pairs_hook=no_dups, parse_constant=no_constant,
                         parse_int=float)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    try:
        if depth(doc) > DEPTH_MAX:
            return None
    except RecursionError:
        return None
    return (doc,)


class Oracle:
    def __init__(self, schema):
        Draft202012Validator.check_schema(schema)
        self.ecma = EcmaValidator(schema, format_checker=format_checker)
        self.stock = Draft202012Validator(schema, format_checker=format_checker)

    def judge(self, data):
        p = parse(data)
        if p is None:
            return False, False
        return self.ecma.is_valid(p[0]), self.stock.is_valid(p[0])


# --- mutations -----------------------------------------------------------------

def enc(doc, rnd):
    """UTF-8 bytes of doc, sometimes with non-ASCII escaped, sometimes pretty."""
    ascii_only = rnd.random() < 0.5
    indent = 2 if rnd.random() < 0.3 else None
    try:
        return json.dumps(doc, ensure_ascii=ascii_only, indent=indent).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(doc, ensure_ascii=True, indent=indent).encode("utf-8")


REQUIRED = ["AffectedFields", "Country", "CertificateType", "Description", "Engine",
            "EngineVersion", "Identifier", "Logic", "SchemaVersion", "Type", "ValidFrom",
            "ValidTo", "Version"]

WRONG_TYPES = [0, 1.5, -1, True, False, None, [], {}, "x", ["GR-EU-0001"], {"a": "b"}]

STRINGS = {
    "Identifier": ["GR-EU-0001", "IR-EU-0001", "gr-eu-0001", "XR-EU-0001", "GR-EU-001",
                   "GR-EU-00001", "GR-EU-0001x", " GR-EU-0001", "GR-EU-0001 ", "GREU0001",
                   "GR-E-0001", "GR-EUR-0001", "GR_EU_0001", "GR-eu-0001", "GR-EU-000A",
                   "", "VR-CZ-9999", "TR-DE-0000", "RR-AT-1234", "GR-ÄU-0001",
                   "GR-ＥU-0001", "GR-EU-0001\u0000", "GR-EU-00\u00001"],
    "Country": ["EU", "DE", "EUX", "eu", "E", "E1", "", "ÄU", "E U", "EU\u0000", "12"],
    "Region": ["", "A", "BW", "AB123", "ABCDE", "ABCDEF", "ab", "A-B", "12345", "123456",
               "ÄB", " "],
    "Version": ["1.0.0", "0.0.0", "10.2.3", "1.0", "1", "1.0.0.0", "1.0.0-rc1", "v1.0.0",
                "1..0", "01.0.0", "1.0.0 ", " 1.0.0", "99999999999999999999.0.0", "1.a.0",
                "", "1.0.", ".1.0", "1,0,0", "1.0.0+build"],
    "SchemaVersion": ["1.0.0", "1.3.0", "10", "1.0.0.0", "1.0", "x"],
    "EngineVersion": ["0.7.5", "1.2.3.aaaaa", "2.0.1", "1.2", "1.2.3a"],
    "Engine": ["CERTLOGIC", "", "anything at all", "\u0000", "é" * 3],
    "Type": ["Acceptance", "Invalidation", "acceptance", "Acceptance ", "Invalid",
             "ACCEPTANCE", "", "Invalidation\u0000"],
    "CertificateType": ["General", "Test", "Vaccination", "Recovery", "general", "Tests",
                        "Vaccinations", "", "Recovery "],
    "ValidFrom": ["2021-06-01T00:00:00Z", "2021-06-01T00:00:00+01:00",
                  "2021-06-01T00:00:00-00:00", "2021-06-01T23:59:59+23:59",
                  "2021-00-01T00:00:00Z", "2021-13-01T00:00:00Z", "2021-19-01T00:00:00Z",
                  "2021-06-00T00:00:00Z", "2021-06-31T00:00:00Z", "2021-06-32T00:00:00Z",
                  "2021-02-29T00:00:00Z", "2020-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
                  "2000-02-29T00:00:00Z", "2021-02-30T00:00:00Z", "2021-06-01T24:00:00Z",
                  "2021-06-01T29:00:00Z", "2021-06-01T23:60:00Z", "2021-06-01T23:59:60Z",
                  "2021-06-01T00:00:00+24:00", "2021-06-01T00:00:00+29:00",
                  "2021-06-01T00:00:00+01:60", "2021-06-01t00:00:00Z",
                  "2021-06-01T00:00:00z", "2021-06-01T00:00:00.000Z", "2021-06-01T00:00Z",
                  "2021-06-01 00:00:00Z", "0000-06-01T00:00:00Z", "0001-01-01T00:00:00Z",
                  "9999-12-31T23:59:59Z", "2021-06-01T00:00:00", "2021-06-01",
                  "2021-06-01T00:00:00+0100", "2021-6-01T00:00:00Z", "21-06-01T00:00:00Z",
                  "2021-06-01T00:00:00+01:00:00", ""],
}
STRINGS["ValidTo"] = STRINGS["ValidFrom"]

# Tagged "dialect": stock Python regexes judge these differently.
DIALECT = {
    "Identifier": ["GR-EU-000\u0663", "GR-EU-0001\n", "GR-EU-\u0660\u0661\u0662\u0663"],
    "Country": ["EU\n"],
    "Region": ["BW\n", "\n"],
    "Version": ["1.0.\u0663", "\u0661.0.0", "1.0.0\n"],
    "SchemaVersion": ["1.0.0\n"],
    "EngineVersion": ["\u0967.0.0"],
    "ValidFrom": ["2021-06-01T00:00:00Z\n"],
}

DESC_TEXTS = ["x" * 19, "x" * 20, "x" * 21, "é" * 19, "é" * 20, "\U0001F600" * 19,
              "\U0001F600" * 20, "\ud83d" + "x" * 18, "\ud83d" + "x" * 19, "\ude00" * 20,
              "\u0000" * 20, "\u0000" * 19, "a\u0000" * 10, "\t" * 20, "€" * 20, ""]
LANGS = ["en", "de", "EN", "en-", "en-gb", "en-GB", "eng", "e", "", "en ", "ee", "si", "ua",
         "e1", "de-at"]


def mutations(bases, rnd, target):
    """Yields (tag, bytes)."""
    for b in bases:
        d = copy.deepcopy(b)
        d.pop("Region", None)
        yield "no-region", enc(d, rnd)
        for k in REQUIRED:
            d = copy.deepcopy(b)
            del d[k]
            yield "drop " + k, enc(d, rnd)
        for k in list(b.keys()) + ["Region"]:
            for w in WRONG_TYPES:
                d = copy.deepcopy(b)
                d[k] = w
                yield "type " + k, enc(d, rnd)
    for b in bases:
        for k, vals in STRINGS.items():
            for v in vals:
                d = copy.deepcopy(b)
                d[k] = v
                yield "value " + k, enc(d, rnd)
        for k, vals in DIALECT.items():
            for v in vals:
                d = copy.deepcopy(b)
                d[k] = v
                yield "dialect " + k, enc(d, rnd)
        # Description
        for v in [[], [{}], [1], ["en"], [{"lang": "en"}], [{"desc": "x" * 30}],
                  [{"lang": "en", "desc": "x" * 30, "extra": 1}],
                  [{"lang": "de", "desc": "x" * 30}],
                  [{"lang": "de", "desc": "x" * 30}, {"lang": "en", "desc": "y" * 30}],
                  [{"lang": "en", "desc": "short"}, {"lang": "en", "desc": "y" * 30}],
                  [{"lang": "en", "desc": "y" * 30}, {"lang": "de", "desc": "short"}],
                  [{"lang": "en", "desc": "y" * 30}, None],
                  [{"lang": "en", "desc": "y" * 30}] * 2]:
            d = copy.deepcopy(b)
            d["Description"] = v
            yield "description", enc(d, rnd)
        for t in DESC_TEXTS:
            d = copy.deepcopy(b)
            d["Description"] = [{"lang": "en", "desc": t}]
            yield "desc length", enc(d, rnd)
            d["Description"] = [{"lang": "en", "desc": "y" * 25}, {"lang": "fr", "desc": t}]
            yield "desc length other", enc(d, rnd)
        for lang in LANGS:
            d = copy.deepcopy(b)
            d["Description"] = [{"lang": lang, "desc": "z" * 25}]
            yield "lang", enc(d, rnd)
            d["Description"] = [{"lang": "en", "desc": "z" * 25}, {"lang": lang, "desc": "z" * 25}]
            yield "lang other", enc(d, rnd)
        for lang in ["en\n", "de-a\u0663"]:
            d = copy.deepcopy(b)
            d["Description"] = [{"lang": "en", "desc": "z" * 25}, {"lang": lang, "desc": "z" * 25}]
            yield "dialect lang", enc(d, rnd)
        d = copy.deepcopy(b)
        d["Description"] = [{"lang": "en\n", "desc": "z" * 25}]
        yield "dialect lang en", enc(d, rnd)
        for v in [[], [1], ["a", 1], [""], ["a"] * 10, "a", [None], [[]]]:
            d = copy.deepcopy(b)
            d["AffectedFields"] = v
            yield "affected", enc(d, rnd)
        for v in [{}, [], "x", {"a": 1}, {"": None}, {"and": []}, 0]:
            d = copy.deepcopy(b)
            d["Logic"] = v
            yield "logic", enc(d, rnd)
        for k in ["extra", "identifier", "", "Identifier ", " Identifier", "Logic\u0000",
                  "IDENTIFIER", "Régión", "$schema"]:
            d = copy.deepcopy(b)
            d[k] = "GR-EU-0001"
            yield "extra property", enc(d, rnd)
    # JSON syntax and bytes, on the first base
    good = json.dumps(bases[0]).encode()
    pretty = json.dumps(bases[0], indent=2, ensure_ascii=False).encode()
    raw = [
        good + b" x", good + good, good + b"\n" + good, good + b"}", good + b",",
        b" \t\r\n" + good + b" \t\r\n", good[:-1], good[:-1] + b",}", b"", b" ", b"null",
        b"[]", b"{}", b"1", b'"x"', b"\xef\xbb\xbf" + good, good.replace(b'"', b"'"),
        b"/*c*/" + good, good + b"//c", good.decode().encode("utf-16"),
        good[:-1] + b',"x":NaN}', good[:-1] + b',"x":Infinity}', good[:-1] + b',"x":-Infinity}',
        good[:-1] + b',"x":01}', good[:-1] + b',"x":-}', good[:-1] + b',"x":1.}',
        good[:-1] + b',"x":.5}', good[:-1] + b',"x":1e}', good[:-1] + b',"x":1e+}',
        good[:-1] + b',"x":-0}', good[:-1] + b',"x":1E+2}', good[:-1] + b',"x":' + b"9" * 5000 + b"}",
        good[:-1] + b',"x":1e999}', good[:-1] + b',"x":tru}', good[:-1] + b',"x":True}',
        good[:-1] + b',"x":"a\x01b"}', good[:-1] + b',"x":"a\\xb"}', good[:-1] + b',"x":"\\u12"}',
        good[:-1] + b',"x":"\\u12G4"}', good[:-1] + b',"Identifier":"GR-EU-0001"}',
        good.replace(b'"Logic": {', b'"Logic": {"a": 1, "a": 2, ', 1),
        good.replace(b'"Logic": {', b'"Logic": {"a": 1, "b": 2, ', 1),
        good.replace(b'"Engine": "', b'"Engine": "\x80', 1),
        good.replace(b'"Engine": "', b'"Engine": "\xc3', 1),
        good.replace(b'"Engine": "', b'"Engine": "\xc0\xaf', 1),
        good.replace(b'"Engine": "', b'"Engine": "\xed\xa0\x80', 1),
        good.replace(b'"Engine": "', b'"Engine": "\xf4\x90\x80\x80', 1),
        good.replace(b'"Engine": "', b'"Engine": "\xe9', 1),
        good.replace(b'"Engine": "', b'"Engine": "\xf0\x9f\x98\x80', 1),
        good.replace(b'"Engine": "', b'"Engine": "\t', 1),
        good.replace(b'"Engine": "', b'"Engine": "\x7f', 1),
        good.replace(b'"Engine": "', b'"Engine": "\\/\\b\\f\\n\\r\\t\\"\\\\', 1),
        good.replace(b'"Engine"', b'"Eng\\u0069ne"', 1),
        good.replace(b'"Engine"', b'"Eng\\u0000ine"', 1),
        pretty, pretty.replace(b"\n", b"\r\n"), pretty.replace(b"  ", b"\t"),
        pretty.replace(b"\n", b"\x0b"), pretty.replace(b"\n", b"\xc2\xa0"),
    ]
    for r in raw:
        yield "raw", r
    # deep nesting inside Logic: the document is 1 + Logic's depth deep
    for n in [1, 20, 120, 126, 127, 128, 129, 200, 999, 5000, 100000]:
        for opener, closer in [(b'{"a":', b"}"), (b"[", b"]")]:
            inner = opener * (n - 1) + b"1" + closer * (n - 1) if n > 1 else b"1"
            logic = b'{"deep":' + inner + b"}"
            yield "deep %d" % n, good.replace(b'"Logic": ' + json.dumps(bases[0]["Logic"]).encode(),
                                              b'"Logic": ' + logic, 1)
    # random combinations until the target count
    keys = list(STRINGS.keys())
    i = 0
    while i < target:
        d = copy.deepcopy(rnd.choice(bases))
        for _ in range(rnd.randint(1, 3)):
            op = rnd.random()
            if op < 0.45:
                k = rnd.choice(keys)
                d[k] = rnd.choice(STRINGS[k])
            elif op < 0.55:
                d.pop(rnd.choice(REQUIRED), None)
            elif op < 0.65:
                d[rnd.choice(REQUIRED)] = rnd.choice(WRONG_TYPES)
            elif op < 0.8:
                d["Description"] = [{"lang": rnd.choice(LANGS), "desc": rnd.choice(DESC_TEXTS)}
                                    for _ in range(rnd.randint(0, 3))]
            elif op < 0.9:
                d["Region"] = rnd.choice(STRINGS["Region"])
            else:
                d[rnd.choice(["x", "region", "Logic2"])] = 1
        yield "random", enc(d, rnd)
        i += 1


# --- main --------------------------------------------------------------------------

def run_cli(cli, items):
    payload = b"".join(b"%d\n" % len(x) + x for x in items)
    p = subprocess.run([cli, "-"], input=payload, stdout=subprocess.PIPE, check=True)
    lines = p.stdout.decode("utf-8", "replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != len(items):
        sys.exit("schema_diff: %s gave %d answers for %d inputs" % (cli, len(lines), len(items)))
    return [ln.startswith("A") for ln in lines], lines


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    schema_path, rules_dir, cli = sys.argv[1:4]
    min_mut = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    oracle = Oracle(schema)
    try:
        from importlib.metadata import version
        jv = version("jsonschema")
    except Exception:  # noqa: BLE001 - only for the report line
        jv = "?"
    print("schema_diff: python3-jsonschema %s (%s), schema %s" % (jv, jsonschema.__file__,
                                                                 schema_path))

    files = sorted(f for f in glob.glob(os.path.join(rules_dir, "**", "*.json"), recursive=True)
                   if os.sep + "schema" + os.sep not in f and os.path.basename(f) != "index.json")
    real = []
    for f in files:
        with open(f, "rb") as fh:
            real.append(fh.read())
    c_ok, c_lines = run_cli(cli, real)
    failed = 0
    for f, data, c in zip(files, real, c_ok):
        e, _ = oracle.judge(data)
        if not (e and c):
            failed += 1
            print("REAL RULE NOT ACCEPTED: %s (python %s, C %s)" % (f, e, c))
    official = sum(1 for f in files if "unofficial-testdata" not in f)
    print("real rules: %d files (%d official versions, %d unofficial), accepted by both: %d"
          % (len(files), official, len(files) - official, len(files) - failed))

    rnd = random.Random(20260522)
    bases = []
    for f, data in zip(files, real):
        bases.append((f, json.loads(data)))
    rnd.shuffle(bases)
    # a spread of countries, the Invalidation rule, and one with Region added
    seen, picked = set(), []
    for f, d in bases:
        if d["Country"] not in seen or d["Type"] == "Invalidation":
            seen.add(d["Country"])
            picked.append(d)
        if len(picked) >= 12:
            break
    picked[0] = copy.deepcopy(picked[0])
    picked[0]["Region"] = "BW"
    muts = list(mutations(picked, rnd, 600))
    tags = [t for t, _ in muts]
    data = [m for _, m in muts]
    c_ok, c_lines = run_cli(cli, data)
    dis, dialect_diff, outside, acc = 0, 0, 0, 0
    for tag, m, c, line in zip(tags, data, c_ok, c_lines):
        e, stock = oracle.judge(m)
        acc += e
        if e != c:
            dis += 1
            if dis <= 20:
                print("DISAGREE [%s] python=%s C=%s: %r\n    C says: %s" % (
                    tag, e, c, m[:300], line[:300]))
        if stock != e:
            if not tag.startswith("dialect"):
                outside += 1
                print("STOCK PYTHON DIFFERS OUTSIDE THE DIALECT CASES [%s]: %r" % (tag, m[:300]))
            dialect_diff += 1
    print("mutations: %d (%d accepted, %d rejected by the oracle), disagreements: %d"
          % (len(data), acc, len(data) - acc, dis))
    print("stock Python regex dialect differs on %d tagged cases (Unicode \\d, $ before \\n), "
          "as expected" % dialect_diff)
    if len(data) < min_mut:
        print("too few mutations: %d < %d" % (len(data), min_mut))
        return 1
    if dialect_diff == 0:
        print("the dialect cases did not exercise the regex differences")
        return 1
    if outside:
        print("stock Python differs on %d untagged cases" % outside)
    return 1 if (failed or dis or outside) else 0


if __name__ == "__main__":
    sys.exit(main())
