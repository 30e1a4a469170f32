#!/usr/bin/env bash
# Hostile input to every v2 endpoint through nginx with mTLS: malformed and
# hostile JSON (truncated, deep, invalid UTF-8, NUL, duplicate names, wrong
# types), garbled and truncated CMS, wrong groups, domains and properties,
# other countries' certificates, bodies at and over the limit, SQL
# metacharacters in every query parameter, path segment and body field, odd
# paths and methods. Every request asserts its status and problem code.
# Afterwards: no 5xx at all, the same worker pids, and every table as before
# except the rows of the few valid requests and the audit events refused
# certificate uploads write by design.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
export STACK_BODY_MAX=65536 STACK_COUNTRIES="EU DE"
it_start
fivexx=0
audited=0

# hx NAME STATUS CODE WHO METHOD PATH [curl args]: one request; CODE the
# problem report's code, - for a body that is no problem report
hx() {
	local name=$1 want="$2 $3" st code
	shift 3
	st=$(it_curl "$@")
	[[ "$st" == 5* ]] && fivexx=$((fivexx + 1))
	code=$(it_json code 2>/dev/null) || code=-
	it_is "$name" "$st $code" "$want"
}
# hb NAME STATUS CODE WHO METHOD PATH CONTENT-TYPE FILE [AUDITED]
hb() {
	hx "$1" "$2" "$3" "$4" "$5" "$6" -H "Content-Type: $7" --data-binary @"$8"
	audited=$((audited + ${9:-0}))
}
# cbody OUT CMS [KEY=JSON...]: a trusted-certificate body
cbody() {
	python3 - "$@" <<'PY'
import json, sys
d = {"cms": sys.argv[2], "properties": {}}
for a in sys.argv[3:]:
    k, v = a.split("=", 1)
    d[k] = json.loads(v)
open(sys.argv[1], "w").write(json.dumps(d))
PY
}
# rbody OUT SIGNER [KEY=JSON...]: a signed trusted reference of EU
rbody() {
	python3 - "$@" <<'PY'
import json, sys
d = {"url": "https://eu.example/fhir", "country": "EU", "type": "FHIR", "service": "ValueSet",
     "thumbprint": "ab" * 32, "name": "EU", "sslPublicKey": "k", "contentType": "application/json",
     "signatureType": "CMS", "referenceVersion": "1"}
for a in sys.argv[3:]:
    k, v = a.split("=", 1)
    d[k] = json.loads(v)
open(sys.argv[1] + ".json", "w").write(json.dumps(d))
PY
	it_cms "$1.json" "$2" "$1"
}
counts() {
	local t out=""
	for t in trusted_party signer_information trusted_reference trusted_issuer federation_gateway validation_rule revocation_batch; do
		out+="$t=$(it_sql "SELECT COUNT(*) FROM $t") "
	done
	printf '%s' "$out"
}
SQLI="' OR '1'='1' -- ; DROP TABLE signer_information; #"
SQLQ=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$SQLI")

# --- setup ---------------------------------------------------------------------------------------
openssl x509 -in "$PKI/EU/dsc.pem" -outform DER -out "$W/dsc.der"
CMS=$(it_cms "$W/dsc.der" "$PKI/EU/upload" -)
it_dsc "$W/o" "/C=EU/CN=EU other" EU
OCMS=$(it_cms "$W/o.der" "$PKI/EU/upload" -)
pids0=$(STACK_DIR=$IT_DIR stack_worker_pids | sort | tr '\n' ' ')
c0=$(counts)
a0=$(it_sql "SELECT COUNT(*) FROM audit_event")

# --- GET /trustList/certificate: hostile queries -------------------------------------------------------
for q in "group=$SQLQ" "country=$SQLQ" "domain=$SQLQ" "group=DSC%27%29%20OR%20%281%3D1" \
	"group=$(printf 'A%.0s' {1..8000})" "country=%C3%A9" "domain=%FF%FE" "group=,,,," "group=DSC&group=&group=,"; do
	hx "certificate list ?${q:0:40}" 200 - EU GET "/trustList/certificate?$q"
done
it_is "... an SQL group matches nothing" "$(it_curl EU GET "/trustList/certificate?group=$SQLQ"; cat "$IT_BODY")" "200[]"
for q in "group=%zz" "country=%00" "domain=%" "group=$(python3 -c 'print(",".join(["DSC"] * 257))')" "withFederation=%27" \
	"withFederation=$SQLQ" "withFederation=truee"; do
	hx "certificate list ?${q:0:40}" 400 0x001 EU GET "/trustList/certificate?$q"
done
for h in "If-Modified-Since: $SQLI" "If-Modified-Since: 2021-02-30T00:00:00Z" "If-Modified-Since: $(printf '9%.0s' {1..500})"; do
	hx "certificate list ${h:0:40}" 400 0x001 EU GET /trustList/certificate -H "$h"
done
hx "certificate list If-None-Match: $SQLI" 200 - EU GET /trustList/certificate -H "If-None-Match: $SQLI"
hx "certificate list If-None-Match: 8k" 200 - EU GET /trustList/certificate -H "If-None-Match: $(printf '"x",%.0s' {1..2000})"
hx "GET /trustList/certificate/x: a v1 type" 400 0x001 EU GET /trustList/certificate/x
hx "GET /trustList/certificate/" 404 0x404 EU GET /trustList/certificate/
hx "PUT /trustList/certificate" 405 0x405 EU PUT /trustList/certificate
hx "unauthenticated" 401 0x400 - GET /trustList/certificate

# --- GET /trust/reference/{uuid}, /trustList/references ---------------------------------------------
for u in "$SQLQ" "%27%20OR%201%3D1" "00000000-0000-4000-8000-00000000000G" "00000000-0000-4000-8000-0000000000000" \
	"00000000-0000-4000-8000-00000000000A" "..%2F..%2F..%2Fetc%2Fpasswd" "%00" "$(printf 'a%.0s' {1..1500})"; do
	hx "GET /trust/reference/${u:0:40}" 400 0x001 EU GET "/trust/reference/$u"
done
hx "GET /trust/reference/ (no uuid)" 404 0x404 EU GET /trust/reference/
hx "GET /trust/reference/a/b" 404 0x404 EU GET /trust/reference/a/b
hx "GET /trust/reference" 405 0x405 EU GET /trust/reference
for q in "country=$SQLQ" "domain=$SQLQ" "referenceType=$SQLQ" "signatureType=$SQLQ" "referenceType=FHIR%27--"; do
	hx "references ?${q:0:40}" 200 - EU GET "/trustList/references?$q"
done
for q in "referenceType=%zz" "signatureType=%" "withFederation=$SQLQ"; do
	hx "references ?${q:0:40}" 400 0x001 EU GET "/trustList/references?$q"
done

# --- POST /trustedCertificate: hostile JSON ----------------------------------------------------------
J=application/json
w() { printf '%b' "$2" >"$W/$1"; printf '%s' "$W/$1"; }
hb "empty body" 400 0x001 EU POST /trustedCertificate $J "$(w e '')"
for t in 'null' '[]' '"cms"' '{' '{"cms":' '{"cms":"x",}' '{"cms":"x"} {}' '{cms:"x"}' "{'cms':'x'}" \
	'{"cms":"x","properties":{}}\x00' '\xef\xbb\xbf{"cms":"x","properties":{}}' '{"cms":"\xc3\x28","properties":{}}' \
	'{"cms":"\\u0000x","properties":{}}' '{"cms":"x","cms":"y","properties":{}}' '{"cms":1,"properties":{}}' \
	'{"cms":"x","kid":[],"properties":{}}' '{"cms":"x","group":{},"properties":{}}' '{"cms":"x","domain":true,"properties":{}}' \
	'{"cms":"x","properties":[]}' '{"cms":"x","properties":"a"}' '{"cms":"x","properties":{"purpose":null}}' \
	'{"cms":"x","properties":{"purpose":{}}}' '{"cms":"x","properties":{"a\\u0000":"b"}}' '{"cms":null,"properties":{}}'; do
	hb "JSON ${t:0:40}" 400 0x001 EU POST /trustedCertificate $J "$(w j "$t")"
done
python3 -c 'print("[" * 200 + "]" * 200)' >"$W/deep"
hb "JSON nested 200 deep" 400 0x001 EU POST /trustedCertificate $J "$W/deep"
python3 -c 'print("{\"cms\":\"x\",\"properties\":" + "{\"a\":" * 150 + "\"b\"" + "}" * 150 + "}")' >"$W/deep2"
hb "properties nested 150 deep" 400 0x001 EU POST /trustedCertificate $J "$W/deep2"
# garbled CMS
for c in '%%%' 'AAAA' "${CMS:0:100}" "${CMS}AAAA" "${CMS:1}" "$(printf '%s' "$CMS" | tr 'A-Za-z' 'N-ZA-Mn-za-m')" \
	"$(printf 'hello' | base64)" "$SQLI"; do
	cbody "$W/c.json" "$c"
	hb "cms ${c:0:30}" 400 n/a EU POST /trustedCertificate $J "$W/c.json"
done
printf 'text' >"$W/t"
cbody "$W/c.json" "$(it_cms "$W/t" "$PKI/EU/upload" -)"
hb "cms over text" 400 n/a EU POST /trustedCertificate $J "$W/c.json"
cbody "$W/c.json" "$(it_cms "$W/o.der" EU - -certfile "$PKI/EU/csca.pem")"
hb "cms with two certificates" 400 n/a EU POST /trustedCertificate $J "$W/c.json"
# a valid CMS with hostile fields (audited: past the upload-certificate check)
for f in "group=\"$SQLI\"" 'group="dsc"' 'group="DSC "' 'group="TRUSTANCHOR"' 'group=""' "domain=\"$SQLI\"" 'domain="dcc"' \
	'domain=""' 'domain="DCC\u0001"' "properties={\"$SQLI\":\"x\"}" 'properties={"Purpose":"x"}' 'properties={"":"x"}'; do
	cbody "$W/c.json" "$OCMS" "$f"
	hb "field ${f:0:40}" 400 n/a EU POST /trustedCertificate $J "$W/c.json" 1
done
for f in "kid=\"$SQLI\"" 'kid=""' 'kid="\u00e9"' 'kid="a\tb"' "kid=\"$(printf 'k%.0s' {1..21})\""; do
	cbody "$W/c.json" "$OCMS" "$f"
	hb "kid ${f:0:40}" 400 0x004 EU POST /trustedCertificate $J "$W/c.json" 1
done
cbody "$W/c.json" "$(it_cms "$W/o.der" "$PKI/DE/upload" -)"
hb "EU sends a CMS by DE's upload certificate" 400 0x004 EU POST /trustedCertificate $J "$W/c.json" 1
cbody "$W/c.json" "$OCMS"
hb "DE uploads EU's certificate with EU's CMS" 400 0x004 DE POST /trustedCertificate $J "$W/c.json" 1
openssl x509 -in "$PKI/DE/dsc.pem" -outform DER -out "$W/de.der"
cbody "$W/c.json" "$(it_cms "$W/de.der" "$PKI/EU/upload" -)"
hb "EU uploads DE's DSC" 400 0x004 EU POST /trustedCertificate $J "$W/c.json" 1
cbody "$W/c.json" "$OCMS" 'group="DESC"'
hb "a DESC without a DECA" 400 0x004 EU POST /trustedCertificate $J "$W/c.json" 1
# sizes, content types, methods, paths
python3 - "$W/big.json" "$OCMS" 65536 <<'EOF'
import json, sys
out, c, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
d = json.dumps({"cms": c, "properties": {"purpose": ""}})
pad = n - len(d)
d = json.dumps({"cms": c, "properties": {"purpose": "x" * pad}})
open(out, "w").write(d)
open(out + ".over", "w").write(d + " ")
EOF
hb "a body of exactly body_max, properties over 2000" 400 n/a EU POST /trustedCertificate $J "$W/big.json" 1
hb "a body of body_max + 1" 413 0x413 EU POST /trustedCertificate $J "$W/big.json.over"
hb "text/plain" 415 0x415 EU POST /trustedCertificate text/plain "$W/c.json"
hb "application/cms" 415 0x415 EU POST /trustedCertificate application/cms "$W/c.json"
hb "application/json-seq" 415 0x415 EU POST /trustedCertificate application/json-seq "$W/c.json"
hx "no Content-Type" 415 0x415 EU POST /trustedCertificate -H 'Content-Type:' --data-binary @"$W/c.json"
hx "GET /trustedCertificate" 405 0x405 EU GET /trustedCertificate
hx "PUT /trustedCertificate" 405 0x405 EU PUT /trustedCertificate
hx "POST /trustedCertificate/" 404 0x404 EU POST /trustedCertificate/
hx "POST /trustedcertificate" 404 0x404 EU POST /trustedcertificate
hx "POST /trustedCertificate/delete/x" 404 0x404 EU POST /trustedCertificate/delete/x
hx "unauthenticated upload" 401 0x400 - POST /trustedCertificate -H "Content-Type: $J" --data-binary @"$W/c.json"

# --- DELETE /trustedCertificate ----------------------------------------------------------------------
C=application/cms
for c in '%%%' "${CMS:0:100}" "$SQLI" '{"cms":"x"}'; do
	printf '%s' "$c" >"$W/d"
	hb "delete ${c:0:30}" 400 0x402 EU DELETE /trustedCertificate $C "$W/d"
done
printf '%s' "$(it_cms "$W/o.der" "$PKI/DE/upload" -)" >"$W/d"
hb "delete signed by another country's upload certificate" 400 0x007 EU DELETE /trustedCertificate $C "$W/d" 1
printf '%s' "$OCMS" >"$W/d"
hb "DE deletes with EU's CMS" 400 0x007 DE POST /trustedCertificate/delete $C "$W/d" 1
hb "delete of a certificate never uploaded" 404 0x005 EU DELETE /trustedCertificate $C "$W/d" 1
hb "delete with application/cms-text" 415 0x415 EU DELETE /trustedCertificate application/cms-text "$W/d"

# --- trusted references ----------------------------------------------------------------------------
T=application/cms-text
for c in '%%%' "${CMS:0:100}" "$SQLI" '{"uuid":"x"}'; do
	printf '%s' "$c" >"$W/r"
	hb "reference ${c:0:30}" 400 0x402 EU POST /trust/reference $T "$W/r"
	hb "reference delete ${c:0:30}" 400 0x402 EU DELETE /trust/reference $T "$W/r"
done
printf '\xff\xfe{}' >"$W/bin"; printf '%s' "$(it_cms "$W/bin" "$PKI/EU/upload" -)" >"$W/r"
hb "a payload that is no UTF-8" 400 0x402 EU POST /trust/reference $T "$W/r"
for t in '{' 'null' '[]' '{"url":"x"} 1' '{"url":"a","url":"b"}' '{"type":"fhir"}' '{"signatureType":"X"}' \
	'{"version":"1"}' '{"url":{}}' '{"country":"E\\u0000"}'; do
	printf '%b' "$t" >"$W/t"; printf '%s' "$(it_cms "$W/t" "$PKI/EU/upload" -)" >"$W/r"
	hb "reference JSON ${t:0:30}" 400 0x000 EU POST /trust/reference $T "$W/r"
done
python3 -c 'print("[" * 200 + "]" * 200)' >"$W/t"; printf '%s' "$(it_cms "$W/t" "$PKI/EU/upload" -)" >"$W/r"
hb "reference JSON nested 200 deep" 400 0x000 EU POST /trust/reference $T "$W/r"
for f in "url=\"$(printf 'u%.0s' {1..101})\"" "name=\"$(printf 'n%.0s' {1..513})\"" "uuid=\"$SQLI\"" "sourceGateway=\"$SQLI\"" \
	'thumbprint=""' "referenceVersion=\"$(printf 'v%.0s' {1..257})\"" 'url=null'; do
	rbody "$W/r" "$PKI/EU/upload" "$f"
	hb "reference field ${f:0:40}" 400 0x000 EU POST /trust/reference $T "$W/r"
done
rbody "$W/r" "$PKI/EU/upload" 'country="DE"'
hb "reference for DE by EU" 403 0x000 EU POST /trust/reference $T "$W/r"
rbody "$W/r" "$PKI/DE/upload"
hb "reference signed by DE's upload certificate" 403 0x000 EU POST /trust/reference $T "$W/r"
rbody "$W/r" "$PKI/EU/upload" 'uuid="00000000-0000-4000-8000-000000000000"'
hb "reference update of an unknown uuid" 404 0x000 EU POST /trust/reference $T "$W/r"
for u in "\"$SQLI\"" '"00000000-0000-4000-8000-000000000000"' 'null' '""'; do
	printf '{"uuid":%s}' "$u" >"$W/t"; printf '%s' "$(it_cms "$W/t" "$PKI/EU/upload" -)" >"$W/r"
	hb "reference delete uuid ${u:0:30}" 404 0x000 EU DELETE /trust/reference $T "$W/r"
done
hb "reference with application/json" 415 0x415 EU POST /trust/reference $J "$W/r"
hx "PATCH /trust/reference" 405 0x405 EU PATCH /trust/reference
# No such alias: the path is GET /trust/reference/{uuid}'s, so 405 (as POST
# /rules/DE in hostile.sh, and as TNG's Spring router answers).
hx "POST /trust/reference/delete (no such alias)" 405 0x405 EU POST /trust/reference/delete
it_like "... 405 names GET" "$(it_header Allow)" '^GET$'
hx "POST /trust/references (ddcc-gateway-lib's plural)" 404 0x404 EU POST /trust/references

# --- the valid requests, then the totals ------------------------------------------------------------
cbody "$W/c.json" "$OCMS" "kid=\"a'b\\\"c;--\"" "properties={\"purpose\":\"$SQLI\"}"
hb "a valid upload whose kid and property hold SQL metacharacters" 201 - EU POST /trustedCertificate $J "$W/c.json" 1
it_curl EU GET '/trustList/certificate?group=DSC' >/dev/null
it_ok "... served as sent" python3 -c 'import json,sys
i = [x for x in json.load(open(sys.argv[1])) if x["kid"] == "a'"'"'b\"c;--"]
assert len(i) == 1 and i[0]["properties"] == {"purpose": sys.argv[2]}, i' "$IT_BODY" "$SQLI"
rbody "$W/r" "$PKI/EU/upload" "name=\"$SQLI\"" 'url="https://eu.example/?q=1%27--"'
hb "a valid reference whose name holds SQL metacharacters" 201 - EU POST /trust/reference $T "$W/r" 1
it_curl EU GET /trustList/references >/dev/null
it_is "... served as sent" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["name"])' "$IT_BODY")" "$SQLI"
it_is "no 5xx at all" "$fivexx" 0
it_is "the same worker pids" "$(STACK_DIR=$IT_DIR stack_worker_pids | sort | tr '\n' ' ')" "$pids0"
want=$(python3 -c 'import sys
d = dict(kv.split("=") for kv in sys.argv[1].split())
for t in ("signer_information", "trusted_reference"):
    d[t] = str(int(d[t]) + 1)
print(" ".join(k + "=" + v for k, v in d.items()) + " ", end="")' "$c0")
it_is "every table as before, but the two valid rows" "$(counts)" "$want"
it_is "audit events: only the refusals that audit by design, and the two valid requests" \
	"$(it_sql "SELECT COUNT(*) FROM audit_event")" "$((a0 + audited))"

it_done
