#!/usr/bin/env bash
# Value sets through nginx with mTLS (the reference's ValuesetIntegrationTest,
# TXR-2885..2887 and 3213) and their import with dgcg-admin valuesets: the
# real sets of the shared test data are loaded by the stack, served verbatim,
# replaced in one transaction, and anything that is not a value set is refused.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start
VS=$IT_TESTDATA/valuesets
A=("$DGCG_ADMIN" -c "$DGCG_CONFIG")
IDS='["country-2-codes","covid-19-lab-result","covid-19-lab-test-manufacturer-and-name","covid-19-lab-test-type","disease-agent-targeted","sct-vaccines-covid-19","vaccines-covid-19-auth-holders","vaccines-covid-19-names"]'

# --- what the stack imported ----------------------------------------------------
st=$(it_curl DE GET /valuesets)
it_is "GET /valuesets (TXR-2885)" "$st" 200
it_like "list content type" "$(it_header Content-Type)" "^application/json"
it_is "the 8 gateway value sets, sorted" "$(cat "$IT_BODY")" "$IDS"
for f in "$VS"/*.json; do
	id=$(basename "$f" .json)
	[[ "$id" == index ]] && continue
	st=$(it_curl FR GET "/valuesets/$id")
	it_is "GET /valuesets/$id" "$st" 200
	it_ok "$id served verbatim" cmp "$IT_BODY" "$f"
done
it_like "value set content type" "$(it_header Content-Type)" "^application/json"
# TXR-3213: the RAT list served is the JRC-derived list the operator loaded
st=$(it_curl IE GET /valuesets/covid-19-lab-test-manufacturer-and-name)
it_ok "RAT value set equals the loaded list (TXR-3213)" cmp "$IT_BODY" \
	"$VS/covid-19-lab-test-manufacturer-and-name.json"

# --- unknown id and no client certificate ---------------------------------------
st=$(it_curl DE GET /valuesets/randomId)
it_is "unknown id" "$st" 404
it_is "unknown id code" "$(it_json code)" 0x100
it_is "unknown id texts" "$(it_json problem)|$(it_json sendValue)|$(it_json details)" \
	"Valueset not found|Requested valueset id randomId|Use the GET /valuesets endpoint to get a list of available valueset ids."
st=$(it_curl - GET /valuesets)
it_is "unauthenticated list (TXR-2886)" "$st" 401
st=$(it_curl - GET /valuesets/country-2-codes)
it_is "unauthenticated value set (TXR-2887)" "$st" 401
st=$(it_curl DE POST /valuesets -d '{}')
it_is "no write API" "$st" 405

# --- import refusals: nothing is stored ----------------------------------------
before=$(it_sql "SELECT CONCAT(id, LENGTH(json)) FROM valueset ORDER BY id")
out=$("${A[@]}" valuesets import "$VS" 2>&1); rc=$?
it_is "a directory with index.json is refused" "$rc" 1
it_like "refusal names the file" "$out" "refused: .*index.json is not a value set"
it_like "refusal says nothing was imported" "$out" "nothing imported"
printf '{"valueSetId":"x-1","valueSetValues":{}}' > "$W/nodate.json"
out=$("${A[@]}" valuesets import "$VS/covid-19-lab-result.json" "$W/nodate.json" 2>&1); rc=$?
it_is "missing valueSetDate refused" "$rc" 1
it_like "missing valueSetDate message" "$out" "required key \[valueSetDate\] not found"
python3 - "$VS/covid-19-lab-result.json" "$W" <<'PY'
import json, sys
src, w = sys.argv[1], sys.argv[2]
d = json.load(open(src))
def put(name, doc):
    with open(w + "/" + name, "w") as f:
        f.write(doc if isinstance(doc, str) else json.dumps(doc))
e = json.loads(json.dumps(d)); e["valueSetValues"]["260415000"]["active"] = "yes"; put("active.json", e)
e = json.loads(json.dumps(d)); del e["valueSetValues"]["260415000"]["system"]; put("nosystem.json", e)
e = json.loads(json.dumps(d)); e["valueSetValues"]["260415000"]["colour"] = "red"; put("extra.json", e)
e = json.loads(json.dumps(d)); e["valueSetDate"] = "2021-02-30"; put("baddate.json", e)
e = json.loads(json.dumps(d)); e["valueSetValues"]["260415000"]["validUntil"] = "2022-13-01"; put("until.json", e)
e = json.loads(json.dumps(d)); e["valueSetId"] = "../etc"; put("badid.json", e)
e = json.loads(json.dumps(d)); e["valueSetId"] = 7; put("numid.json", e)
put("notjson.json", json.dumps(d)[:-1])
put("dupkey.json", json.dumps(d)[:-1] + ', "valueSetId": "covid-19-lab-result"}')
put("array.json", "[]")
e = json.loads(json.dumps(d)); e["valueSetDate"] = "2099-01-01"
e["valueSetValues"]["260415000"]["display"] = "Not detected (new)"; put("newer.json", e)
e["valueSetValues"]["260415000"]["validUntil"] = "2030-01-01"; put("newer2.json", e)
e = json.loads(json.dumps(d)); e["valueSetId"] = "covid-19-lab-result-copy"; put("copy.json", e)
PY
for f in active nosystem extra baddate until badid numid notjson dupkey array; do
	out=$("${A[@]}" valuesets import "$W/$f.json" 2>&1); rc=$?
	it_is "refused: $f" "$rc" 1
	it_like "refused: $f message" "$out" "refused: .*$f.json is not a value set"
done
cp "$VS/covid-19-lab-result.json" "$W/dir1.json"
cp "$W/nosystem.json" "$W/dir2.json"
mkdir -p "$W/dir" && cp "$W/dir1.json" "$W/dir2.json" "$W/dir/"
out=$("${A[@]}" valuesets import "$W/dir" 2>&1); rc=$?
it_is "a directory with one bad file imports nothing" "$rc" 1
out=$("${A[@]}" valuesets import "$W/newer.json" "$VS/covid-19-lab-result.json" 2>&1); rc=$?
it_is "two files with the same valueSetId refused" "$rc" 1
it_like "same valueSetId message" "$out" "both hold valueSetId covid-19-lab-result"
out=$("${A[@]}" valuesets import "$W/missing.json" 2>&1); rc=$?
it_is "missing file" "$rc" 2
it_is "nothing changed by refusals" "$(it_sql "SELECT CONCAT(id, LENGTH(json)) FROM valueset ORDER BY id")" "$before"

# --- replace, unchanged, new, list, delete ---------------------------------------
out=$("${A[@]}" valuesets import "$W/newer.json" 2>&1); rc=$?
it_is "import a newer version" "$rc" 0
it_like "reported as replaced" "$out" "replaced covid-19-lab-result \(valueSetDate 2099-01-01, 2 values\)"
it_is "still 8 value sets" "$(it_sql 'SELECT COUNT(*) FROM valueset')" 8
st=$(it_curl DE GET /valuesets/covid-19-lab-result)
it_ok "the new version is served verbatim at once" cmp "$IT_BODY" "$W/newer.json"
out=$("${A[@]}" valuesets import "$W/newer.json" 2>&1); rc=$?
it_like "same file again is unchanged" "$out" "unchanged covid-19-lab-result"
out=$("${A[@]}" valuesets import "$W/newer2.json" "$W/copy.json" 2>&1); rc=$?
it_is "import two files" "$rc" 0
it_like "a new id is imported" "$out" "imported covid-19-lab-result-copy"
st=$(it_curl DE GET /valuesets)
it_like "the new id is listed" "$(cat "$IT_BODY")" '"covid-19-lab-result-copy"'
st=$(it_curl DE GET /valuesets/covid-19-lab-result)
it_ok "validUntil version served" cmp "$IT_BODY" "$W/newer2.json"
out=$("${A[@]}" valuesets list 2>&1); rc=$?
it_is "list exit" "$rc" 0
it_like "list shows id, date and count" "$out" "covid-19-lab-result 2099-01-01 2"
it_like "list shows country codes" "$out" "country-2-codes [0-9-]+ 250"
out=$("${A[@]}" valuesets delete covid-19-lab-result-copy 2>&1); rc=$?
it_is "delete" "$rc" 0
st=$(it_curl DE GET /valuesets/covid-19-lab-result-copy)
it_is "deleted value set is gone" "$st" 404
out=$("${A[@]}" valuesets delete covid-19-lab-result-copy 2>&1); rc=$?
it_is "delete unknown" "$rc" 1
out=$("${A[@]}" valuesets import "$VS/covid-19-lab-result.json" 2>&1); rc=$?
it_is "restore the original" "$rc" 0

# --- ValuesetIntegrationTest: 3 sets, each returned verbatim ---------------------
it_sql "DELETE FROM valueset"
st=$(it_curl DE GET /valuesets)
it_is "empty list" "$(cat "$IT_BODY")" "[]"
for i in 1 2 3; do
	printf '{"valueSetId":"vs-%d","valueSetDate":"2021-0%d-01","valueSetValues":{"c%d":{"display":"D %d","lang":"en","active":true,"version":"1","system":"urn:x"}}}' \
		"$i" "$i" "$i" "$i" > "$W/vs-$i.json"
done
out=$("${A[@]}" valuesets import "$W/vs-1.json" "$W/vs-2.json" "$W/vs-3.json" 2>&1); rc=$?
it_is "import 3 sets" "$rc" 0
st=$(it_curl DE GET /valuesets)
it_is "3 ids" "$(cat "$IT_BODY")" '["vs-1","vs-2","vs-3"]'
for i in 1 2 3; do
	st=$(it_curl DE GET "/valuesets/vs-$i")
	it_ok "vs-$i verbatim" cmp "$IT_BODY" "$W/vs-$i.json"
done
# a row written with SQL is served at once, as stored
it_sql "UPDATE valueset SET json = '{\"valueSetId\":\"vs-1\"}' WHERE id = 'vs-1'"
st=$(it_curl DE GET /valuesets/vs-1)
it_is "SQL change served at once" "$(cat "$IT_BODY")" '{"valueSetId":"vs-1"}'
# the application user may only read value sets
it_is "app user has SELECT only on valueset" \
	"$(it_sql "SELECT GROUP_CONCAT(PRIVILEGE_TYPE) FROM information_schema.TABLE_PRIVILEGES WHERE TABLE_NAME='valueset' AND GRANTEE LIKE '%dgcg_app%'")" "SELECT"

it_done
