#!/usr/bin/env python3
"""tool.py: the JSON and CMS helpers of the integration tests (t/it/*.sh call
them through t/lib.sh: it_json, it_jlen, it_keys, it_rows, it_shape, it_rule,
it_batch, it_package, it_tamper). Python 3 standard library only.

  json [-s SEP] FILE [PATH...]    the values at PATH (the whole document without
                                  one), strings as is, other values as JSON,
                                  joined by SEP (default a space)
  jlen FILE [PATH]                the number of items of the list or object at PATH
  keys [-s SEP] FILE [PATH]       the keys of the object at PATH, in order
  rows [-s SEP] FILE PATH KEY...  one line per item of the list at PATH: its KEYs
  check-shape FILE SPEC...        every SPEC holds (see below); else exit 1 and
                                  print what does not
  rule OUT [KEY=VALUE...] [-- OUT [KEY=VALUE...]]... [--]
                                  the reference's dummy validation rule (GR-DE-0001,
                                  Acceptance, General, ValidFrom now+3d, ValidTo
                                  now+7d, Region BW) with overrides: KEY=JSON sets
                                  a field, KEY=@N the UTC time now+N seconds (now:
                                  $RULE_NOW, epoch seconds, when set), KEY=- removes
                                  it; one rule per OUT
  batch OUT CC EXPIRES HASHTYPE ENTRIES [KID]
                                  a revocation batch; ENTRIES: a number N (N random
                                  16-byte hashes) or HASH[,HASH...]
  package OUT TYPE ENTITYID CMS   a CmsPackage (POST /cms-migration); CMS @FILE: the
                                  text of FILE
  tamper IN OUT WHERE             OUT: the base64 DER of IN with the low bit of one
                                  byte flipped; WHERE: an offset (negative: from the
                                  end) or TEXT+N (N bytes after the first TEXT)

PATH: dot-separated object keys and list indexes (negative from the end); *
for every item of a list; [KEY=VALUE] for the items of a list whose KEY is
the string VALUE (a list again). An empty PATH is the whole document.

SPEC, each about every value PATH selects:
  PATH:K1,K2,...  an object with exactly these keys, in this order
  PATH~FORMAT     matches FORMAT: time (YYYY-MM-DDTHH:MM:SSZ), hex64, uuid
                  (lower case), kid (base64 of 8 bytes), trust-entry (an object
                  whose thumbprint is the SHA-256 of its base64 rawData and whose
                  kid is the first 8 bytes of that, base64), or /REGEX/
  PATH=JSON       equals the JSON value (true is not 1); PATH=@FILE: the text of FILE
  PATH#N          a list or object of N items
  PATH^           the values are in ascending order
  PATH@V1,V2,...  the values are the strings V1, V2, ... in some order
  +TEXT           the document's text contains TEXT

Exit status: 0; 1 when FILE is no JSON, a PATH is absent or a SPEC fails;
2 on a usage error.
"""
import json
import sys


class Absent(Exception):
    pass


def usage(msg="usage: see the head of t/tool.py"):
    sys.stderr.write("tool.py: %s\n" % msg)
    sys.exit(2)


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        return text, json.loads(text)
    except (OSError, ValueError):
        sys.exit(1)


def split_path(path):
    """PATH into its components; dots inside [...] do not split."""
    comps, cur, depth = [], "", 0
    for c in path:
        if c == "." and depth == 0:
            comps.append(cur)
            cur = ""
            continue
        depth += (c == "[") - (c == "]")
        cur += c
    comps.append(cur)
    return [c for c in comps if c != ""]


def select(doc, path):
    """The values PATH selects (a list); Absent when a component is missing."""
    nodes = [doc]
    for comp in split_path(path):
        out = []
        for n in nodes:
            if comp == "*":
                if not isinstance(n, list):
                    raise Absent(path)
                out.extend(n)
            elif comp.startswith("[") and comp.endswith("]"):
                k, _, v = comp[1:-1].partition("=")
                if not isinstance(n, list):
                    raise Absent(path)
                out.append([i for i in n if isinstance(i, dict) and i.get(k) == v])
            elif isinstance(n, dict):
                if comp not in n:
                    raise Absent(path)
                out.append(n[comp])
            elif isinstance(n, list):
                try:
                    out.append(n[int(comp)])
                except (ValueError, IndexError):
                    raise Absent(path)
            else:
                raise Absent(path)
        nodes = out
    return nodes


def text(v):
    return v if isinstance(v, str) else json.dumps(v)


def sep_opt(args):
    if len(args) >= 2 and args[0] == "-s":
        return args[1], args[2:]
    return " ", args


def cmd_json(args):
    sep, args = sep_opt(args)
    if not args:
        usage()
    _, doc = load(args[0])
    vals = []
    try:
        for p in args[1:] or [""]:
            vals.extend(select(doc, p))
    except Absent:
        return 1
    print(sep.join(text(v) for v in vals))
    return 0


def one(doc, path):
    vals = select(doc, path)
    if len(vals) != 1:
        raise Absent(path)
    return vals[0]


def one_arg(args, kinds):
    """FILE [PATH] of jlen and keys: the value at PATH, None when it is
    absent or not one of kinds."""
    if len(args) not in (1, 2):
        usage()
    _, doc = load(args[0])
    try:
        v = one(doc, args[1] if len(args) > 1 else "")
    except Absent:
        return None
    return v if isinstance(v, kinds) else None


def cmd_jlen(args):
    v = one_arg(args, (list, dict))
    if v is None:
        return 1
    print(len(v))
    return 0


def cmd_keys(args):
    sep, args = sep_opt(args)
    v = one_arg(args, dict)
    if v is None:
        return 1
    print(sep.join(v.keys()))
    return 0


def cmd_rows(args):
    sep, args = sep_opt(args)
    if len(args) < 3:
        usage()
    _, doc = load(args[0])
    try:
        items = one(doc, args[1])
        if not isinstance(items, list):
            return 1
        lines = [sep.join(text(one(i, k)) for k in args[2:]) for i in items]
    except Absent:
        return 1
    for line in lines:
        print(line)
    return 0


FORMATS = {
    "time": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
    "hex64": r"[0-9a-f]{64}",
    "uuid": r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    "kid": r"[A-Za-z0-9+/]{11}=",
}


def trust_entry(v):
    import base64
    import hashlib
    if not isinstance(v, dict):
        return False
    try:
        h = hashlib.sha256(base64.b64decode(v["rawData"])).digest()
    except (KeyError, TypeError, ValueError):
        return False
    return h.hex() == v.get("thumbprint") and base64.b64encode(h[:8]).decode() == v.get("kid")


def canon(v):
    return json.dumps(v, sort_keys=True)


def check(raw, doc, spec):
    """None when SPEC holds, else what is wrong."""
    import re
    if spec.startswith("+"):
        return None if spec[1:] in raw else "the text has no %s" % spec[1:]
    depth, at = 0, -1
    for i, c in enumerate(spec):
        depth += (c == "[") - (c == "]")
        if depth == 0 and c in ":~=#^@":
            at = i
            break
    if at < 0:
        usage("check-shape: no operator in %r" % spec)
    path, op, arg = spec[:at], spec[at], spec[at + 1:]
    try:
        vals = select(doc, path)
    except Absent:
        return "%s: absent" % spec
    if op == ":":
        want = arg.split(",") if arg else []
        for v in vals:
            if not isinstance(v, dict) or list(v.keys()) != want:
                return "%s: keys %s" % (spec, list(v.keys()) if isinstance(v, dict) else v)
    elif op == "~":
        if arg == "trust-entry":
            for v in vals:
                if not trust_entry(v):
                    return "%s: %s" % (spec, v)
            return None
        if arg.startswith("/") and arg.endswith("/") and len(arg) >= 2:
            rx = arg[1:-1]
        elif arg in FORMATS:
            rx = FORMATS[arg]
        else:
            usage("check-shape: unknown format %r" % arg)
        for v in vals:
            if not isinstance(v, str) or not re.fullmatch(rx, v):
                return "%s: %r" % (spec, v)
    elif op == "=":
        if arg.startswith("@"):
            with open(arg[1:], encoding="utf-8") as f:
                want = f.read()
        else:
            want = json.loads(arg)
        for v in vals:
            if canon(v) != canon(want):
                return "%s: %s" % (spec, text(v)[:200])
    elif op == "#":
        for v in vals:
            if not isinstance(v, (list, dict)) or len(v) != int(arg):
                return "%s: %s items" % (spec, len(v) if isinstance(v, (list, dict)) else "no")
    elif op == "^":
        if vals != sorted(vals):
            return "%s: %s" % (spec, vals)
    elif op == "@":
        if sorted(text(v) for v in vals) != sorted(arg.split(",")):
            return "%s: %s" % (spec, [text(v) for v in vals])
    return None


def cmd_check_shape(args):
    if len(args) < 2:
        usage()
    raw, doc = load(args[0])
    bad = [m for m in (check(raw, doc, s) for s in args[1:]) if m is not None]
    for m in bad:
        print(m)
    return 1 if bad else 0


def cmd_rule(args):
    import datetime
    import os
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    if os.environ.get("RULE_NOW"):
        now = datetime.datetime.fromtimestamp(int(os.environ["RULE_NOW"]), datetime.timezone.utc)

    def at(s):
        return (now + datetime.timedelta(seconds=int(s))).strftime("%Y-%m-%dT%H:%M:%SZ")

    groups, cur = [], []
    for a in args:
        if a == "--":
            groups.append(cur)
            cur = []
        else:
            cur.append(a)
    groups.append(cur)
    groups = [g for g in groups if g]
    if not groups:
        usage()
    for g in groups:
        d = {"Identifier": "GR-DE-0001", "Type": "Acceptance", "Country": "DE", "Version": "1.0.0",
             "SchemaVersion": "1.0.0", "Engine": "CERTLOGIC", "EngineVersion": "1.0.0",
             "CertificateType": "General",
             "Description": [{"lang": "en", "desc": "Description of the dummy rule for tests"}],
             "ValidFrom": at(3 * 86400), "ValidTo": at(7 * 86400), "AffectedFields": ["aField"],
             "Logic": {"and": [{">": [{"var": "hcert.v.0.dn"}, 0]}]}, "Region": "BW"}
        for a in g[1:]:
            k, v = a.split("=", 1)
            if v == "-":
                d.pop(k, None)
            elif v.startswith("@"):
                d[k] = at(v[1:])
            else:
                d[k] = json.loads(v)
        with open(g[0], "w", encoding="utf-8") as f:
            f.write(json.dumps(d, ensure_ascii=False))
    return 0


def cmd_batch(args):
    import base64
    import os
    if len(args) not in (5, 6):
        usage()
    out, cc, exp, ht, entries = args[:5]
    d = {"country": cc, "expires": exp}
    if len(args) > 5:
        d["kid"] = args[5]
    d["hashType"] = ht
    if entries.isdigit():
        hashes = [base64.b64encode(os.urandom(16)).decode() for _ in range(int(entries))]
    else:
        hashes = entries.split(",")
    d["entries"] = [{"hash": h} for h in hashes]
    with open(out, "w", encoding="utf-8") as f:
        f.write(json.dumps(d, separators=(",", ":")))
    return 0


def cmd_package(args):
    if len(args) != 4:
        usage()
    out, typ, eid, cms = args
    if cms.startswith("@"):
        with open(cms[1:], encoding="utf-8") as f:
            cms = f.read()
    with open(out, "w", encoding="utf-8") as f:
        f.write(json.dumps({"cms": cms, "entityId": int(eid), "type": typ}))
    return 0


def cmd_tamper(args):
    import base64
    if len(args) != 3:
        usage()
    src, out, where = args
    with open(src, encoding="ascii") as f:
        der = bytearray(base64.b64decode(f.read()))
    try:
        i = int(where)
    except ValueError:
        t, _, n = where.rpartition("+")
        pos = der.find(t.encode())
        if not t or pos < 0:
            usage("tamper: %r not found" % t)
        i = pos + int(n)
    der[i] ^= 0x01
    with open(out, "w", encoding="ascii") as f:
        f.write(base64.b64encode(bytes(der)).decode())
    return 0


COMMANDS = {
    "json": cmd_json, "jlen": cmd_jlen, "keys": cmd_keys, "rows": cmd_rows,
    "check-shape": cmd_check_shape, "rule": cmd_rule, "batch": cmd_batch,
    "package": cmd_package, "tamper": cmd_tamper,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        usage()
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
