#!/usr/bin/env bash
# Real rules through the real stack: a sample of the 961 published rule
# versions (testdata/rules/, at least 50 versions from at least 10 countries,
# rules with several versions uploaded in order) is rewritten to a demo
# country (Country, Identifier) with ValidFrom/ValidTo moved into the allowed
# window (keeping each file's offset style, e.g. +01:00, and far ValidTo
# values such as 2099), signed with that country's upload key, uploaded (201)
# and downloaded: each returned CMS must be the uploaded one byte for byte and
# its payload the JSON that was sent.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start
RULES=$IT_TESTDATA/rules

# Writes $W/NNN.json payloads and $W/manifest lines "CC ID VERSION NNN ORIGIN".
python3 - "$RULES" "$W" <<'PY'
import datetime, glob, json, os, re, sys
rules, w = sys.argv[1], sys.argv[2]
demo = ["DE", "FR", "IE"]
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)

def semver(v):
    return tuple(int(x) for x in v.split("."))

def parse(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))

def fmt(t, like):
    """t in the offset style of the string like (Z or +HH:MM)."""
    if like.endswith("Z"):
        return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    off = parse(like).utcoffset()
    return t.astimezone(datetime.timezone(off)).isoformat()

by_id = {}
for f in sorted(glob.glob(os.path.join(rules, "*", "*.json"))):
    cc = os.path.basename(os.path.dirname(f))
    if not re.fullmatch(r"[A-Z]{2}", cc):
        continue
    d = json.load(open(f, encoding="utf-8"))
    by_id.setdefault((cc, d["Identifier"]), []).append((f, d))
countries = sorted({cc for cc, _ in by_id})
picked = []
for cc in countries:
    ids = sorted((k for k in by_id if k[0] == cc), key=lambda k: (-len(by_id[k]), k[1]))
    # the id with most versions, then two single ones
    take = ids[:1] + [k for k in ids[1:] if len(by_id[k]) == 1][:2]
    picked.extend(take)
n = 0
seq = {c: 0 for c in demo}
with open(os.path.join(w, "manifest"), "w") as man:
    for i, key in enumerate(picked):
        target = demo[i % 3]
        seq[target] += 1
        versions = sorted(by_id[key], key=lambda x: semver(x[1]["Version"]))[-4:]
        old = key[1]
        new = "%s-%s-%04d" % (old[:2], target, seq[target])
        for k, (f, d) in enumerate(versions):
            vf = now + datetime.timedelta(days=3, hours=k)
            d["Country"] = target
            d["Identifier"] = new
            d["ValidFrom"] = fmt(vf, d["ValidFrom"])
            if parse(d["ValidTo"]) < vf + datetime.timedelta(days=4):
                d["ValidTo"] = fmt(vf + datetime.timedelta(days=30), d["ValidTo"])
            n += 1
            name = "%03d" % n
            with open(os.path.join(w, name + ".json"), "w", encoding="utf-8") as out:
                out.write(json.dumps(d, ensure_ascii=False, indent=2))
            man.write("%s %s %s %s %s\n" % (target, new, d["Version"], name,
                                             os.path.relpath(f, rules)))
PY

n=$(wc -l < "$W/manifest")
ncc=$(awk '{split($5, p, "/"); print p[1]}' "$W/manifest" | sort -u | wc -l)
it_ok "sample has at least 50 versions ($n)" test "$n" -ge 50
it_ok "sample has at least 10 countries ($ncc)" test "$ncc" -ge 10
it_ok "sample has rules with several versions" \
	bash -c "awk '{print \$2}' '$W/manifest' | sort | uniq -d | grep -q ."
it_ok "sample keeps +01:00 offsets" grep -q '"ValidFrom": "[^"]*+01:00"' "$W"/*.json
it_ok "sample keeps far ValidTo values" grep -q '"ValidTo": "2099' "$W"/*.json
it_ok "sample has versions of major 10" bash -c "awk '{print \$3}' '$W/manifest' | grep -q '^10\\.'"

ok=0
while read -r cc id ver name origin; do
	it_cms "$W/$name.json" "$cc" "$W/$name.b64"
	st=$(it_curl "$cc" POST /rules -H 'Content-Type: application/cms-text' --data-binary @"$W/$name.b64")
	if [[ "$st" == 201 ]]; then
		ok=$((ok + 1))
	else
		it_is "upload $origin as $id $ver" "$st|$(cat "$IT_BODY")" "201|"
	fi
done < "$W/manifest"
it_is "every sampled real rule uploaded (201)" "$ok" "$n"
it_is "rows stored" "$(it_count validation_rule)" "$n"

# Download per demo country; compare each entry with what was uploaded.
for cc in DE FR IE; do
	st=$(it_curl "$cc" GET "/rules/$cc")
	it_is "download $cc" "$st" 200
	cp "$IT_BODY" "$W/down-$cc.json"
done
python3 - "$W" <<'PY' > "$W/compare.out"
import base64, json, sys
w = sys.argv[1]
seen = {}
for line in open(w + "/manifest"):
    cc, rid, ver, name, origin = line.split()
    down = json.load(open("%s/down-%s.json" % (w, cc)))
    versions = down.get(rid, [])
    entry = [e for e in versions if e["version"] == ver]
    sent = open("%s/%s.b64" % (w, name)).read()
    if len(entry) != 1:
        print("MISSING %s %s %s" % (rid, ver, origin))
        continue
    if entry[0]["cms"] != sent:
        print("CMS DIFFERS %s %s" % (rid, ver))
        continue
    open("%s/%s.down.der" % (w, name), "wb").write(base64.b64decode(entry[0]["cms"]))
    seen.setdefault((cc, rid), []).append(ver)
    print("OK %s" % name)
# every rule's versions are listed newest first (all are in the future)
for (cc, rid), vers in seen.items():
    down = json.load(open("%s/down-%s.json" % (w, cc)))
    got = [e["version"] for e in down[rid]]
    want = sorted(vers, key=lambda v: tuple(int(x) for x in v.split(".")), reverse=True)
    print(("ORDER OK %s" if got == want else "ORDER WRONG %s") % rid)
PY
it_is "every returned CMS is the uploaded one, byte for byte" "$(grep -c '^OK ' "$W/compare.out")" "$n"
it_ok "no entry missing or different" bash -c "! grep -Eq '^(MISSING|CMS DIFFERS)' '$W/compare.out'"
it_ok "versions newest first" bash -c "! grep -q '^ORDER WRONG' '$W/compare.out'"
same=0
while read -r cc id ver name origin; do
	if openssl cms -verify -binary -inform DER -in "$W/$name.down.der" -noverify \
		-out "$W/$name.payload" 2>/dev/null && cmp -s "$W/$name.payload" "$W/$name.json"; then
		same=$((same + 1))
	else
		it_is "payload of $id $ver" "different" "the JSON sent"
	fi
done < "$W/manifest"
it_is "every downloaded payload verifies and equals the JSON sent" "$same" "$n"

it_done
