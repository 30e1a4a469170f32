#!/usr/bin/env bash
# The v2 trusted certificates through nginx with mTLS (tng-gateway.md 3-5,
# 8, 14): POST /trustedCertificate, DELETE /trustedCertificate, POST
# /trustedCertificate/delete and GET /trustList/certificate, with openssl cms
# and curl as the client. TNG has no integration test for these endpoints;
# the scenarios are the code-derived ones of its section 14.3 and the
# TrustListServiceTest / SignerInformationServiceTest cases of 14.2, each
# asserting status, code and the audit row. Where dgcg is stricter than TNG
# on purpose (doc/api.txt, v2), the case says what TNG would answer.
# Ends with t/consumer-check-v2 over the lists.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
# TNG's tests authenticate as EU; DE is the other country.
export STACK_COUNTRIES="EU DE"
it_start
GW=6b1c5e2a-0000-4000-8000-00000000fed1

# --- helpers ---------------------------------------------------------------------------
# cert NAME SUBJECT ISSUER ca|leaf: W/NAME.pem|key|der (EC P-256, the demo
# PKI's profiles: it_dsc, it_selfsigned); ISSUER a path prefix (PREFIX.pem|key)
# or - (self-signed)
cert() {
	local base=$W/$1
	case "$4:$3" in
	leaf:-) it_selfsigned "$base" "$2" signing ;;
	ca:-) it_selfsigned "$base" "$2" ca ;;
	leaf:*) it_dsc "$base" "$2" "$3"; return ;;
	ca:*) _pki_issued "$base" "$2" ca "$PKI_DAYS" "$3" ;;
	esac && openssl x509 -in "$base.pem" -outform DER -out "$base.der"
}
# body OUT CMS [KEY=JSON|KEY=-]...: the JSON body {"cms":CMS,"properties":{}} with overrides
body() {
	python3 - "$@" <<'PY'
import json, sys
out, c = sys.argv[1], sys.argv[2]
d = {"cms": c, "properties": {}}
for a in sys.argv[3:]:
    k, v = a.split("=", 1)
    if v == "-":
        d.pop(k, None)
    else:
        d[k] = json.loads(v)
open(out, "w").write(json.dumps(d))
PY
}
up() { it_curl "$1" POST /trustedCertificate -H 'Content-Type: application/json' --data-binary @"$2"; }
del() { printf '%s' "$2" >"$W/del.b64"; it_curl "$1" "${3:-DELETE}" "${4:-/trustedCertificate}" -H 'Content-Type: application/cms' --data-binary @"$W/del.b64"; }
last_audit() { it_sql "SELECT CONCAT(event,'|',description) FROM audit_event ORDER BY id DESC LIMIT 1"; }
# items: the list in $IT_BODY as "GROUP/CC" words in list order (with @GW for federated rows)
items() { python3 -c 'import json,sys
print(" ".join(i["group"] + "/" + i["country"] + ("@" + i["sourceGateway"][:4] if "sourceGateway" in i else "") for i in json.load(open(sys.argv[1]))))' "$IT_BODY"; }
sorted_items() { tr ' ' '\n' <<<"$(items)" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'; }
v2list() { it_curl EU GET "/trustList/certificate${1:+?$1}" "${@:2}"; }
# has THUMBPRINT: the item of the v2 list in $IT_BODY with that certificate, as JSON
has() { python3 -c 'import base64,hashlib,json,sys
for i in json.load(open(sys.argv[1])):
    if i["certificate"] and hashlib.sha256(base64.b64decode(i["certificate"])).hexdigest() == sys.argv[2]:
        print(json.dumps(i)); break' "$IT_BODY" "$1"; }
thumb() { sha256sum <"$W/$1.der" | cut -c1-64; }
# refused NAME WHO BODY STATUS CODE DETAILS-REGEX AUDIT-EVENT|-: one refused upload
refused() {
	local a b st
	a=$(it_count audit_event); b=$(it_count signer_information)
	st=$(up "$2" "$3")
	it_is "$1: status" "$st" "$4"
	it_is "$1: code" "$(it_json code)" "$5"
	[[ -n "$6" ]] && it_like "$1: details" "$(it_json details)" "$6"
	if [[ "$7" == - ]]; then
		it_is "$1: no audit" "$(it_count audit_event)" "$a"
	else
		it_is "$1: audit $7" "$(it_count audit_event) $(last_audit)" "$((a + 1)) $7"
	fi
	it_is "$1: nothing stored" "$(it_count signer_information)" "$b"
}
BAD="BAD_REQUEST|postTrustedCertificate triggered BAD_REQUEST"
FAILED="UPLOAD_FAILED|postTrustedCertificate triggered UPLOAD_FAILED"

# --- the list before any upload ----------------------------------------------------------
st=$(v2list)
it_is "GET /trustList/certificate: the 6 trusted parties" "$st:$(sorted_items)" \
	"200:AUTHENTICATION/DE AUTHENTICATION/EU CSCA/DE CSCA/EU UPLOAD/DE UPLOAD/EU"
it_ok "trusted-party items: TNG's fields and order, sorted by kid, TA signatures" python3 - "$IT_BODY" "$PKI/ta.pem" <<'EOF'
import base64, hashlib, json, re, subprocess, sys, tempfile, os
items = json.load(open(sys.argv[1]))
kids = [i["kid"] for i in items]
assert kids == sorted(kids), kids
for i in items:
    assert list(i) == ["uuid", "domain", "version", "certificate", "signature", "kid", "group",
                       "country", "properties"], list(i)
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", i["uuid"])
    assert i["domain"] == "DCC" and i["version"] == 1 and i["properties"] is None, i
    der = base64.b64decode(i["certificate"])
    assert base64.b64encode(hashlib.sha256(der).digest()[:8]).decode() == i["kid"]
    with tempfile.TemporaryDirectory() as d:
        open(os.path.join(d, "c"), "wb").write(der)
        open(os.path.join(d, "s"), "wb").write(base64.b64decode(i["signature"]))
        subprocess.run(["openssl", "cms", "-verify", "-binary", "-noverify", "-inform", "DER",
                        "-in", os.path.join(d, "s"), "-content", os.path.join(d, "c"),
                        "-certfile", sys.argv[2], "-out", "/dev/null"], check=True,
                       capture_output=True)
EOF
it_not "no null uuid written" grep -q '"uuid":null' "$IT_BODY"
it_not "no sourceGateway for local rows" grep -q sourceGateway "$IT_BODY"
st=$(v2list 'group=DSC'); it_is "group=DSC: no trusted parties, no DSC yet" "$st:$(cat "$IT_BODY")" "200:[]"
st=$(v2list 'group=FOO'); it_is "group=FOO: []" "$st:$(cat "$IT_BODY")" "200:[]"
st=$(v2list 'group=CSCA&country=DE&domain=DCC'); it_is "group=CSCA&country=DE&domain=DCC" "$st:$(items)" "200:CSCA/DE"
st=$(v2list 'group=CSCA,UPLOAD'); it_is "group=CSCA,UPLOAD" "$st:$(sorted_items)" "200:CSCA/DE CSCA/EU UPLOAD/DE UPLOAD/EU"
st=$(v2list 'group=CSCA&group=UPLOAD&country=EU'); it_is "repeated group, country=EU" "$st:$(sorted_items)" "200:CSCA/EU UPLOAD/EU"
st=$(v2list 'country=eu&domain=dcc&group=CSCA'); it_is "country and domain in lower case match (TNG on MySQL)" "$st:$(items)" "200:CSCA/EU"
st=$(v2list 'group=csca'); it_is "group is case-sensitive" "$st:$(cat "$IT_BODY")" "200:[]"
st=$(v2list 'group='); it_is "an empty group= is no filter" "$st:$(it_jlen)" "200:6"
st=$(v2list 'domain=PH4H'); it_is "domain=PH4H" "$st:$(cat "$IT_BODY")" "200:[]"
st=$(v2list 'withFederation=maybe'); it_is "withFederation=maybe" "$st:$(it_json code)" "400:0x001"
for b in true TRUE on yes 1 false off no 0; do
	st=$(v2list "withFederation=$b"); it_is "withFederation=$b" "$st:$(it_jlen)" "200:6"
done
st=$(it_curl - GET /trustList/certificate); it_is "unauthenticated" "$st" 401
st=$(it_curl EU POST /trustList/certificate); it_is "POST /trustList/certificate" "$st:$(it_header Allow)" "405:GET"

# --- POST /trustedCertificate: a DSC ---------------------------------------------------------
cert dsc1 "/C=EU/O=dgcg test/CN=EU dsc one" "$PKI/EU/csca" leaf
CMS1=$(it_cms "$W/dsc1.der" "$PKI/EU/upload" -)
body "$W/b1.json" "$CMS1"
a0=$(it_count audit_event)
st=$(up EU "$W/b1.json")
it_is "upload {cms, properties:{}} (14.3)" "$st:$(wc -c <"$IT_BODY")" "201:0"
T1=$(thumb dsc1)
it_is "row: DSC, domain DCC, no kid, no properties, version 1, a uuid" \
	"$(it_sql "SELECT CONCAT_WS(' ', country, certificate_type, domain, COALESCE(kid,'-'), COALESCE(properties,'-'), version, LENGTH(uuid)) FROM signer_information WHERE thumbprint='$T1'")" \
	"EU DSC DCC - - 1 36"
it_is "row: the cms verbatim as signature (TNG)" "$(it_sql "SELECT signature FROM signer_information WHERE thumbprint='$T1'")" "$CMS1"
it_is "audit SUCCESS" "$(it_count audit_event) $(last_audit)" "$((a0 + 1)) SUCCESS|postTrustedCertificate successful executed"
it_is "audit fingerprints: the upload certificate and the caller" \
	"$(it_sql "SELECT CONCAT(uploader_sha256_fingerprint,' ',authentication_sha256_fingerprint) FROM audit_event ORDER BY id DESC LIMIT 1")" \
	"$(it_thumb_pem "$PKI/EU/upload.pem") $(it_thumb_pem "$PKI/EU/auth.pem")"
st=$(v2list 'group=DSC')
it_is "v2 list group=DSC" "$st:$(items)" "200:DSC/EU"
it_ok "the DSC item: fields, order, values" python3 - "$IT_BODY" "$CMS1" <<'EOF'
import json, sys
i = json.load(open(sys.argv[1]))[0]
assert list(i) == ["uuid", "domain", "version", "certificate", "signature", "kid", "group",
                   "country", "properties"], list(i)
assert i["signature"] == sys.argv[2] and i["properties"] is None and i["group"] == "DSC"
EOF
st=$(it_curl EU GET /trustList/DSC)
it_ok "v1 /trustList/DSC carries it, with the attached CMS as signature (tng-gateway.md 8)" python3 -c 'import json,sys
l = json.load(open(sys.argv[1])); assert len(l) == 1 and l[0]["signature"] == sys.argv[2] and l[0]["thumbprint"] == sys.argv[3], l' "$IT_BODY" "$CMS1" "$T1"
st=$(it_curl EU GET /trustList)
it_is "v1 /trustList: 6 trusted parties and the DSC" "$st:$(it_jlen)" "200:7"
a0=$(it_count audit_event)
st=$(up EU "$W/b1.json")
it_is "same certificate again" "$st:$(it_json code):$(it_json problem)" "409:0x002:You cant upload an existing certificate."
it_is "same certificate again: details" "$(it_json details)" "Uploaded certificate already exists"
it_is "same certificate again: no audit" "$(it_count audit_event)" "$a0"
st=$(it_curl EU POST /signerCertificate -H 'Content-Type: application/cms' --data-binary "$CMS1")
it_is "the same certificate through v1: 409" "$st:$(it_json code)" "409:0x002"

# --- TNG's refusals, in its order ------------------------------------------------------------
printf '{"cms":"%%%%%%","properties":{}}' >"$W/b.json"
refused "cms %%% (14.3)" EU "$W/b.json" 400 n/a '^CMS could not be decrypted\. FAILURE_INVALID_BASE64$' -
it_is "cms %%%: problem" "$(it_json problem)" "Invalid CMS"
body "$W/b.json" "$(printf 'hello' | base64)"
refused "cms not a CMS" EU "$W/b.json" 400 n/a '^CMS could not be decrypted\. FAILURE_INVALID_CMS$' -
printf 'text' >"$W/text.txt"
body "$W/b.json" "$(it_cms "$W/text.txt" "$PKI/EU/upload" -)"
refused "cms over text" EU "$W/b.json" 400 n/a 'FAILURE_CMS_BODY_PARSING_FAILED' -
body "$W/b.json" "$(it_cms "$W/dsc1.der" "$PKI/EU/upload" - --detached)"
refused "detached cms" EU "$W/b.json" 400 n/a 'FAILURE_CMS_BODY_NO_CONTENT' -
cert dsc2 "/C=EU/O=dgcg test/CN=EU dsc two" "$PKI/EU/csca" leaf
python3 - "$(it_cms "$W/dsc2.der" "$PKI/EU/upload" -)" "$W/tampered" <<'EOF'
import base64, sys
d = bytearray(base64.b64decode(sys.argv[1]))
d[-20] ^= 1
open(sys.argv[2], "w").write(base64.b64encode(bytes(d)).decode())
EOF
body "$W/b.json" "$(cat "$W/tampered")"
refused "CMS whose signature does not verify (14.3)" EU "$W/b.json" 400 n/a \
	'^Signature of CMS signed certificate is not validating content of CMS package$' -
it_is "bad signature: problem" "$(it_json problem)" "Invalid CMS Signature"
body "$W/b.json" "$(it_cms "$W/dsc2.der" "$PKI/DE/upload" -)"
refused "CMS by DE's upload certificate, caller EU (SignerInformationServiceTest)" EU "$W/b.json" 400 0x004 \
	"^Could not find upload certificate with hash $(it_thumb_pem "$PKI/DE/upload.pem") and country EU$" "$BAD"
body "$W/b.json" "$(it_cms "$W/dsc2.der" "$PKI/EU/csca" -)"
refused "CMS by the CSCA instead of the upload certificate" EU "$W/b.json" 400 0x004 "Could not find upload certificate" "$BAD"
cert cde "/C=DE/O=dgcg test/CN=DE subject" "$PKI/EU/csca" leaf
body "$W/b.json" "$(it_cms "$W/cde.der" "$PKI/EU/upload" -)"
refused "DSC with C=DE by EU (COUNTRY_OF_ORIGIN)" EU "$W/b.json" 400 0x004 "not issued for uploader country" "$BAD"
body "$W/b.json" "$(it_cms "$W/cde.der" "$PKI/EU/upload" -)" 'group="DSC"'
refused "group DSC given: the same" EU "$W/b.json" 400 0x004 "not issued for uploader country" "$BAD"
body "$W/b.json" "$CMS1" 'group="CSCA"'
refused "group CSCA (14.3)" EU "$W/b.json" 400 n/a '^Property Key or Value CSCA is not allowed\. Allowed Values are: DSC, SIGN, AUTH, CUSTOM, DESC$' "$FAILED"
it_is "group CSCA: problem" "$(it_json problem)" "Upload of Signer Certificate failed"
body "$W/b.json" "$(it_cms "$W/dsc2.der" "$PKI/EU/upload" -)" 'domain="ICAO"'
refused "domain ICAO (14.3)" EU "$W/b.json" 400 n/a '^Property Key or Value ICAO is not allowed\. Allowed Values are: DCC, IPS-PILGRIMAGE, DICVP, PH4H$' "$FAILED"
body "$W/b.json" "$(it_cms "$W/dsc2.der" "$PKI/EU/upload" -)" 'properties={"color":"x"}'
refused "properties {color} (14.3)" EU "$W/b.json" 400 n/a \
	'^Property Key or Value color is not allowed\. Allowed Values are: purpose, usergroup, scope, standard, displayName, displayLogo, validFrom, validUntil, pubkey, displayURL$' "$FAILED"
cert ta_signed "/C=EU/O=dgcg test/CN=signed by the TA" "$PKI/ta" leaf
body "$W/b.json" "$(it_cms "$W/ta_signed.der" "$PKI/EU/upload" -)"
refused "DSC signed by the TA (CSCA_CHECK_FAILED)" EU "$W/b.json" 400 0x004 "not issued .* by a CSCA of country EU" "$BAD"
cert by_de "/C=EU/O=dgcg test/CN=EU subject, DE CSCA" "$PKI/DE/csca" leaf
body "$W/b.json" "$(it_cms "$W/by_de.der" "$PKI/EU/upload" -)"
refused "DSC signed by another country's CSCA" EU "$W/b.json" 400 0x004 "CSCA of country EU" "$BAD"

# --- stricter than TNG: a 400 with a problem report where TNG answers 500 ------------------------
body "$W/b.json" "$(it_cms "$W/dsc2.der" "$PKI/EU/upload" -)" 'properties=-'
refused "no properties (TNG: 500 0x008)" EU "$W/b.json" 400 n/a '^properties: must not be null' "$FAILED"
body "$W/b.json" "$(it_cms "$W/dsc2.der" "$PKI/EU/upload" -)" 'properties=null'
refused "properties null (TNG: 500)" EU "$W/b.json" 400 n/a '^properties: must not be null' "$FAILED"
body "$W/b.json" "$(it_cms "$W/dsc2.der" "$PKI/EU/upload" -)" 'kid="abcdefghijklmnopqrstu"'
refused "a kid of 21 characters (TNG: 500, VARCHAR(20))" EU "$W/b.json" 400 0x004 '^kid: size must be between 1 and 20$' "$BAD"
body "$W/b.json" "$(it_cms "$W/dsc2.der" "$PKI/EU/upload" -)" 'kid="my kid"'
refused "a kid with a blank" EU "$W/b.json" 400 0x004 'printable ASCII' "$BAD"
body "$W/b.json" "$(it_cms "$W/dsc2.der" "$PKI/EU/upload" -)" 'properties={"purpose":"'"$(printf 'x%.0s' {1..2000})"'"}'
refused "properties over 2000 characters (TNG: 500)" EU "$W/b.json" 400 n/a 'at most 2000 characters' "$FAILED"
printf '{"properties":{}}' >"$W/b.json"
refused "no cms (TNG: 500)" EU "$W/b.json" 400 0x001 '^cms: must not be empty$' -
printf '{"cms":"","properties":{}}' >"$W/b.json"
refused "cms empty (TNG: 500)" EU "$W/b.json" 400 0x001 '^cms: must not be empty$' -
printf '{"cms":' >"$W/b.json"
refused "not JSON" EU "$W/b.json" 400 0x001 '^JSON could not be parsed' -
printf '{"cms":"%s","properties":{},"cms":"x"}' "$CMS1" >"$W/b.json"
refused "a duplicate member" EU "$W/b.json" 400 0x001 'duplicate member name' -
printf '{"cms":"%s","properties":{"purpose":1}}' "$CMS1" >"$W/b.json"
refused "a property value that is no string" EU "$W/b.json" 400 0x001 'properties: must be an object of strings' -
st=$(it_curl EU POST /trustedCertificate -H 'Content-Type: application/cms' --data-binary "$CMS1")
it_is "Content-Type application/cms (TNG: 403 0x403)" "$st:$(it_json code)" "415:0x415"

# --- properties, kid ---------------------------------------------------------------------------
body "$W/b2.json" "$(it_cms "$W/dsc2.der" "$PKI/EU/upload" -)" 'kid="myKid"' 'properties={"scope":"s","purpose":"p","displayName":"EU \"two\""}'
st=$(up EU "$W/b2.json"); it_is "upload with kid myKid and properties" "$st" 201
T2=$(thumb dsc2)
# (it_sql is mariadb -B, which writes a backslash as two)
it_is "properties stored as one JSON object in the order received" \
	"$(it_sql "SELECT properties FROM signer_information WHERE thumbprint='$T2'")" '{"scope":"s","purpose":"p","displayName":"EU \\"two\\""}'
st=$(v2list 'group=DSC')
it_ok "v2 list: kid myKid, the properties as an object in that order" python3 -c 'import json,sys
i = [x for x in json.load(open(sys.argv[1])) if x["kid"] == "myKid"]
assert len(i) == 1 and list(i[0]["properties"].items()) == [("scope", "s"), ("purpose", "p"), ("displayName", "EU \"two\"")], i' "$IT_BODY"
st=$(it_curl EU GET /trustList)
it_ok "v1 /trustList lists kid myKid (14.3)" python3 -c 'import json,sys
assert [i["thumbprint"] for i in json.load(open(sys.argv[1])) if i["kid"] == "myKid"] == [sys.argv[2]]' "$IT_BODY" "$T2"
cert dsc3 "/C=EU/O=dgcg test/CN=EU dsc three" "$PKI/EU/csca" leaf
body "$W/b.json" "$(it_cms "$W/dsc3.der" "$PKI/EU/upload" -)" 'kid="myKid"'
refused "another certificate with kid myKid (14.3)" EU "$W/b.json" 400 0x004 '^A certificate with KID of uploaded certificate already exists$' "$BAD"
K1=$(python3 -c 'import base64,sys; print(base64.b64encode(bytes.fromhex(sys.argv[1][:16])).decode())' "$T1")
body "$W/b.json" "$(it_cms "$W/dsc3.der" "$PKI/EU/upload" -)" "kid=\"$K1\""
refused "a custom kid equal to another DSC's derived kid (TNG: 201, defect 8)" EU "$W/b.json" 400 0x004 'KID of uploaded certificate' "$BAD"
KTP=$(python3 -c 'import base64,sys; print(base64.b64encode(bytes.fromhex(sys.argv[1][:16])).decode())' "$(it_thumb_pem "$PKI/DE/csca.pem")")
body "$W/b.json" "$(it_cms "$W/dsc3.der" "$PKI/EU/upload" -)" "kid=\"$KTP\""
refused "a custom kid equal to a trusted party's derived kid (TNG: 201)" EU "$W/b.json" 400 0x004 'KID of uploaded certificate' "$BAD"
T3=$(thumb dsc3)
it_sql "INSERT INTO signer_information (created_at, country, thumbprint, raw_data, signature, certificate_type) VALUES (UTC_TIMESTAMP(), 'EU', '${T3:0:16}$(printf '%048d' 0)', 'AA==', NULL, 'DSC')"
body "$W/b.json" "$(it_cms "$W/dsc3.der" "$PKI/EU/upload" -)"
refused "a stored thumbprint with the same first 16 hex digits (KID_CHECK_FAILED)" EU "$W/b.json" 400 0x004 'KID of uploaded certificate' "$BAD"
it_sql "DELETE FROM signer_information WHERE thumbprint='${T3:0:16}$(printf '%048d' 0)'"

# --- groups: DESC, SIGN, AUTH, CUSTOM --------------------------------------------------------------
cert deca "/C=EU/O=dgcg test/CN=EU deca" - ca
out=$(it_admin onboard --country EU --type DECA --cert "$W/deca.pem" --signature "$(it_ta_sign "$W/deca.pem")"); rc=$?
it_like "dgcg-admin onboard --type DECA" "$rc:$out" "^0:onboarded id=[0-9]+ country=EU type=DECA"
cert desc1 "/C=EU/O=dgcg test/CN=EU desc" "$W/deca" leaf
body "$W/b.json" "$(it_cms "$W/desc1.der" "$PKI/EU/upload" -)" 'group="DESC"'
st=$(up EU "$W/b.json"); it_is "group DESC issued by a DECA (14.3)" "$st" 201
it_is "stored as DESC" "$(it_sql "SELECT certificate_type FROM signer_information WHERE thumbprint='$(thumb desc1)'")" DESC
cert desc2 "/C=EU/O=dgcg test/CN=EU desc by csca" "$PKI/EU/csca" leaf
body "$W/b.json" "$(it_cms "$W/desc2.der" "$PKI/EU/upload" -)" 'group="DESC"'
refused "group DESC issued by a CSCA" EU "$W/b.json" 400 0x004 "by a DECA of country EU" "$BAD"
st=$(v2list 'group=DESC'); it_is "group=DESC lists it" "$st:$(items)" "200:DESC/EU"
st=$(v2list 'group=DECA'); it_is "group=DECA lists the DECA" "$st:$(items)" "200:DECA/EU"
st=$(it_curl EU GET /trustList/DSC); it_is "not in the v1 DSC list" "$st:$(grep -c "$(thumb desc1)" "$IT_BODY")" "200:0"
st=$(it_curl EU GET /trustList/DESC); it_is "/trustList/DESC stays unknown in v1 (TNG: 500)" "$st:$(it_json code)" "400:0x001"
st=$(it_curl EU GET /trustList/DECA); it_is "/trustList/DECA stays unknown in v1" "$st:$(it_json code)" "400:0x001"
st=$(it_curl EU GET /trustList); it_is "the DECA is not in the v1 list" "$st:$(it_jlen)" "200:8"
for g in SIGN AUTH CUSTOM; do
	cert "g$g" "/C=EU/O=dgcg test/CN=EU $g" "$PKI/EU/csca" leaf
	body "$W/b.json" "$(it_cms "$W/g$g.der" "$PKI/EU/upload" -)" "group=\"$g\""
	st=$(up EU "$W/b.json"); it_is "group $g (14.3)" "$st" 201
	it_is "group $g kept as $g (TNG: stored as DSC, defect 1)" "$(it_sql "SELECT certificate_type FROM signer_information WHERE thumbprint='$(thumb "g$g")'")" "$g"
	st=$(v2list "group=$g"); it_is "group=$g lists it (TNG: [])" "$st:$(items)" "200:$g/EU"
done
st=$(it_curl EU GET /trustList/DSC)
it_is "SIGN, AUTH, CUSTOM not in the v1 DSC list (TNG: they are)" "$st:$(it_jlen)" "200:2"
st=$(v2list)
it_is "the unfiltered v2 list leaves SIGN, AUTH, CUSTOM out (ddcc-gateway-lib's 8 groups)" "$st:$(sorted_items)" \
	"200:AUTHENTICATION/DE AUTHENTICATION/EU CSCA/DE CSCA/EU DECA/EU DESC/EU DSC/EU DSC/EU UPLOAD/DE UPLOAD/EU"
st=$(v2list 'group=DSC,DESC,SIGN,AUTH,CUSTOM')
it_is "all signer groups when named" "$st:$(sorted_items)" "200:AUTH/EU CUSTOM/EU DESC/EU DSC/EU DSC/EU SIGN/EU"
cert signde "/C=DE/O=dgcg test/CN=DE subject, SIGN by EU" "$PKI/EU/csca" leaf
body "$W/b.json" "$(it_cms "$W/signde.der" "$PKI/EU/upload" -)" 'group="SIGN"'
st=$(up EU "$W/b.json"); it_is "SIGN with C=DE by EU: no subject-country check for SIGN (as TNG)" "$st" 201

# --- domains: the upload's UPLOAD certificate and CSCA are of its domain (stricter than TNG) ------
cert up_ph4h "/C=EU/O=dgcg test/CN=EU upload PH4H" - leaf
cert csca_ph4h "/C=EU/O=dgcg test/CN=EU csca PH4H" - ca
it_ok "onboard an EU UPLOAD of domain PH4H" it_admin onboard --country EU --type UPLOAD --domain PH4H --cert "$W/up_ph4h.pem" --signature "$(it_ta_sign "$W/up_ph4h.pem")"
it_ok "onboard an EU CSCA of domain PH4H" it_admin onboard --country EU --type CSCA --domain PH4H --cert "$W/csca_ph4h.pem" --signature "$(it_ta_sign "$W/csca_ph4h.pem")"
cert p1 "/C=EU/O=dgcg test/CN=EU PH4H by DCC CSCA" "$PKI/EU/csca" leaf
body "$W/b.json" "$(it_cms "$W/p1.der" "$W/up_ph4h" -)" 'domain="PH4H"'
refused "a PH4H DSC issued by the DCC CSCA (TNG: 201, defect 4)" EU "$W/b.json" 400 0x004 'by a CSCA of country EU and domain PH4H' "$BAD"
cert p2 "/C=EU/O=dgcg test/CN=EU PH4H" "$W/csca_ph4h" leaf
body "$W/b.json" "$(it_cms "$W/p2.der" "$PKI/EU/upload" -)" 'domain="PH4H"'
refused "a PH4H DSC signed by the DCC UPLOAD certificate (TNG: 201)" EU "$W/b.json" 400 0x004 'in domain PH4H \(it is of domain DCC\)' "$BAD"
body "$W/b.json" "$(it_cms "$W/p2.der" "$W/up_ph4h" -)"
refused "a DCC DSC issued by the PH4H CSCA, signed by the PH4H UPLOAD" EU "$W/b.json" 400 0x004 'in domain DCC \(it is of domain PH4H\)' "$BAD"
body "$W/b.json" "$(it_cms "$W/p2.der" "$W/up_ph4h" -)" 'domain="PH4H"'
st=$(up EU "$W/b.json"); it_is "a PH4H DSC, PH4H CSCA and UPLOAD" "$st" 201
st=$(v2list 'domain=PH4H'); it_is "domain=PH4H" "$st:$(sorted_items)" "200:CSCA/EU DSC/EU UPLOAD/EU"
st=$(it_curl EU GET /trustList/DSC); it_is "PH4H rows stay out of the v1 lists" "$st:$(grep -c "$(thumb p2)" "$IT_BODY")" "200:0"
st=$(it_curl EU GET /trustList/CSCA); it_is "v1 /trustList/CSCA: only the DCC CSCAs" "$st:$(it_jlen)" "200:2"
st=$(it_curl EU GET /trustList/CSCA/EU); it_is "v1 /trustList/CSCA/EU: only DCC (TNG: any domain, defect 9)" "$st:$(it_jlen)" "200:1"

# --- federation: federated rows never vouch for a local upload; withFederation lists them -------
cert peer_ta "/C=EU/O=peer gateway/CN=peer trust anchor" - ca
it_sql "INSERT INTO federation_gateway (timestamp, download_interval, download_target, downloader_implementation, gateway_endpoint, gateway_id, gateway_kid, gateway_public_key, mode, signature) VALUES (UTC_TIMESTAMP(), NULL, 'FEDERATION', 'DdccDownloader_V1', 'https://peer.example', '$GW', 'peer', NULL, 'OVERRIDE', 'x')"
out=$(it_admin onboard --country EU --type TRUSTANCHOR --assigned-gateway "$GW" --cert "$W/peer_ta.pem" --signature "$(it_ta_sign "$W/peer_ta.pem")"); rc=$?
it_like "onboard the peer's TRUSTANCHOR" "$rc:$out" "^0:onboarded .*type=TRUSTANCHOR .*assigned_gateway=$GW"
# fedrow NAME CC TYPE SIGNER: a federated trusted_party row of the peer (SIGNER signs the DER)
fedrow() {
	it_cms "$W/$1.der" "$4" "$W/$1.tasig" --detached
	it_sql "INSERT INTO trusted_party (created_at, country, thumbprint, raw_data, signature, certificate_type, domain, uuid, source_gateway_id) VALUES (UTC_TIMESTAMP(), '$2', '$(thumb "$1")', '$(base64 -w0 <"$W/$1.der")', '$(cat "$W/$1.tasig")', '$3', 'DCC', UUID(), '$GW')"
}
cert fed_up "/C=EU/O=peer gateway/CN=EU federated upload" - leaf
fedrow fed_up EU UPLOAD "$W/peer_ta"
cert fed_csca "/C=EU/O=peer gateway/CN=EU federated csca" - ca
fedrow fed_csca EU CSCA "$W/peer_ta"
cert fed_bad "/C=EU/O=peer gateway/CN=EU federated, local TA" - ca
fedrow fed_bad EU CSCA "$PKI/ta"
cert f1 "/C=EU/O=dgcg test/CN=EU by federated csca" "$W/fed_csca" leaf
body "$W/b.json" "$(it_cms "$W/f1.der" "$PKI/EU/upload" -)"
refused "a DSC issued by a federated CSCA (TNG: 201, defect 4)" EU "$W/b.json" 400 0x004 'by a CSCA of country EU' "$BAD"
cert f2 "/C=EU/O=dgcg test/CN=EU signed by federated upload" "$PKI/EU/csca" leaf
body "$W/b.json" "$(it_cms "$W/f2.der" "$W/fed_up" -)"
refused "a CMS by a federated UPLOAD certificate (TNG: 201, defect 6)" EU "$W/b.json" 400 0x004 'Could not find upload certificate' "$BAD"
st=$(it_curl EU POST /signerCertificate -H 'Content-Type: application/cms' --data-binary "$(it_cms "$W/f2.der" "$W/fed_up" -)")
it_is "the same through v1" "$st:$(it_json code)" "400:0x004"
# a federated DSC of country EX, signed by the peer's EX UPLOAD certificate
cert ex_up "/C=EX/O=peer gateway/CN=EX upload" - leaf
fedrow ex_up EX UPLOAD "$W/peer_ta"
cert ex_csca "/C=EX/O=peer gateway/CN=EX csca" - ca
fedrow ex_csca EX CSCA "$W/peer_ta"
cert ex_dsc "/C=EX/O=peer gateway/CN=EX dsc" "$W/ex_csca" leaf
cert ex_dsc2 "/C=EX/O=peer gateway/CN=EX dsc signed by EU" "$W/ex_csca" leaf
for n in ex_dsc:ex_up ex_dsc2:"$PKI/EU/upload"; do
	d=${n%%:*} s=${n#*:}
	[[ "$s" == ex_up ]] && s=$W/ex_up
	it_sql "INSERT INTO signer_information (created_at, country, thumbprint, raw_data, signature, certificate_type, domain, uuid, version, source_gateway_id) VALUES (UTC_TIMESTAMP(), 'EX', '$(thumb "$d")', '$(base64 -w0 <"$W/$d.der")', '$(it_cms "$W/$d.der" "$s" - --detached)', 'DSC', 'DCC', UUID(), 7, '$GW')"
done
st=$(v2list 'country=EX')
it_is "federated rows are left out without withFederation" "$st:$(cat "$IT_BODY")" "200:[]"
st=$(v2list 'country=EX&withFederation=true')
it_is "withFederation=true: the federated EX CSCA, UPLOAD and the DSC they vouch for (TrustListServiceTest)" \
	"$st:$(sorted_items)" "200:CSCA/EX@${GW:0:4} DSC/EX@${GW:0:4} UPLOAD/EX@${GW:0:4}"
it_ok "federated items start with sourceGateway, keep their version" python3 -c 'import json,sys
for i in json.load(open(sys.argv[1])):
    assert list(i)[0] == "sourceGateway" and i["sourceGateway"] == sys.argv[2], i
    assert i["group"] != "DSC" or i["version"] == 7, i' "$IT_BODY" "$GW"
st=$(v2list 'country=EU&withFederation=true&group=CSCA,UPLOAD')
it_is "federated EU rows: only the ones the peer's trust anchor signed" "$st:$(sorted_items)" \
	"200:CSCA/EU CSCA/EU CSCA/EU@${GW:0:4} UPLOAD/EU UPLOAD/EU UPLOAD/EU@${GW:0:4}"
st=$(v2list 'country=EX,DE&withFederation=true'); it_is "country=EX,DE with federation" "$st:$(it_jlen)" "200:6"
st=$(v2list 'country=EX,DE'); it_is "country=EX,DE without" "$st:$(it_jlen)" "200:3"
st=$(it_curl EU GET /trustList/UPLOAD); it_is "v1 lists never carry federated rows" "$st:$(it_jlen)" "200:2"
st=$(it_curl EU GET /trustList/UPLOAD/EU); it_is "v1 /trustList/UPLOAD/EU neither (TNG: yes, defect 9)" "$st:$(it_jlen)" "200:1"
st=$(it_curl EU GET /countrylist); it_is "the country list leaves federated rows out (as TNG)" "$st:$(cat "$IT_BODY")" '200:["DE","EU"]'
# a federated EU DSC cannot be deleted here (TNG: 204, defect 10)
cert fed_dsc "/C=EU/O=peer gateway/CN=EU federated dsc" "$PKI/EU/csca" leaf
it_sql "INSERT INTO signer_information (created_at, country, thumbprint, raw_data, signature, certificate_type, source_gateway_id) VALUES (UTC_TIMESTAMP(), 'EU', '$(thumb fed_dsc)', '$(base64 -w0 <"$W/fed_dsc.der")', 'x', 'DSC', '$GW')"
a0=$(it_count audit_event)
st=$(del EU "$(it_cms "$W/fed_dsc.der" "$PKI/EU/upload" -)")
it_is "DELETE of a federated DSC (TNG: 204)" "$st:$(it_json code)" "400:0x007"
it_like "federated: details" "$(it_json details)" "federated from gateway $GW"
it_is "federated: row kept, audited BAD_REQUEST" "$(it_sql "SELECT COUNT(*) FROM signer_information WHERE thumbprint='$(thumb fed_dsc)' AND deleted_at IS NULL") $(last_audit)" \
	"1 BAD_REQUEST|revokeVerificationInformation triggered BAD_REQUEST"

# --- ETag and If-Modified-Since on the v2 list (TNG has neither) --------------------------------
st=$(v2list 'group=DSC'); e1=$(it_header ETag); n1=$(it_jlen)
it_like "the v2 list has an ETag" "$st:$e1" '^200:"[0-9a-f]{32}"$'
st=$(v2list 'group=DSC' -H "If-None-Match: $e1"); it_is "If-None-Match: 304" "$st:$(wc -c <"$IT_BODY")" "304:0"
st=$(v2list 'group=DSC' -H 'If-None-Match: "abc"'); it_is "another ETag: 200" "$st:$(it_jlen)" "200:$n1"
since=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)
a0=$(it_count audit_event)
st=$(del EU "$CMS1"); it_is "DELETE /trustedCertificate with the upload CMS (14.3)" "$st" 204
it_is "delete audited as the v1 delete" "$(it_count audit_event) $(last_audit)" "$((a0 + 1)) SUCCESS|revokeVerificationInformation triggered SUCCESS"
it_is "a tombstone is kept" "$(it_sql "SELECT CONCAT(deleted_at IS NOT NULL, signature IS NULL) FROM signer_information WHERE thumbprint='$T1'")" 11
st=$(v2list 'group=DSC'); it_is "gone from the v2 list" "$st:$(has "$T1")" "200:"
it_ok "ETag changed" test "$(it_header ETag)" != "$e1"
st=$(it_curl EU GET /trustList/DSC); it_is "gone from v1 /trustList/DSC" "$st:$(grep -c "$T1" "$IT_BODY")" "200:0"
st=$(v2list 'group=DSC' -H "If-Modified-Since: $since")
it_ok "IMS delta: the tombstone (certificate, signature, properties null) and the live rows" python3 -c 'import json,sys
l = json.load(open(sys.argv[1]))
t = [i for i in l if i["certificate"] is None]
assert len(t) == 1 and t[0]["signature"] is None and t[0]["properties"] is None and t[0]["group"] == "DSC", l
k = sys.argv[2]
import base64
assert t[0]["kid"] == base64.b64encode(bytes.fromhex(k[:16])).decode(), t' "$IT_BODY" "$T1"
st=$(v2list '' -H "If-Modified-Since: $(LC_ALL=C date -u -d '-1 hour' '+%a, %d %b %Y %H:%M:%S GMT')")
it_like "IMS as an HTTP-date" "$st:$(it_jlen)" '^200:[1-9][0-9]*$'
st=$(v2list '' -H "If-Modified-Since: $(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)"); it_is "IMS in the future" "$st:$(cat "$IT_BODY")" "200:[]"
st=$(v2list '' -H "If-Modified-Since: yesterday"); it_is "IMS malformed" "$st:$(it_json code)" "400:0x001"
st=$(del EU "$CMS1" POST /trustedCertificate/delete); it_is "POST /trustedCertificate/delete, deleted again (as v1)" "$st" 204
cert never "/C=EU/O=dgcg test/CN=EU never uploaded" "$PKI/EU/csca" leaf
st=$(del EU "$(it_cms "$W/never.der" "$PKI/EU/upload" -)"); it_is "delete of an unknown certificate (EXIST_CHECK_FAILED)" "$st:$(it_json code)" "404:0x005"
it_is "unknown: audited" "$(last_audit)" "EXIST_CHECK_FAILED|revokeVerificationInformation triggered EXIST_CHECK_FAILED"
st=$(del DE "$(it_cms "$W/dsc2.der" "$PKI/DE/upload" -)"); it_is "DE deletes EU's certificate: payload C=EU (COUNTRY_OF_ORIGIN)" "$st:$(it_json code)" "400:0x007"
st=$(del EU "$(it_cms "$W/dsc2.der" "$PKI/DE/upload" -)"); it_is "delete signed by DE's upload certificate (UPLOADER_CERT)" "$st:$(it_json code)" "400:0x007"
st=$(del EU "$(it_cms "$W/signde.der" "$PKI/EU/upload" -)" POST /trustedCertificate/delete)
it_is "delete of the SIGN certificate with C=DE (TNG: 400, cannot be deleted, defect 1)" "$st" 204
st=$(it_curl EU DELETE /trustedCertificate -H 'Content-Type: application/json' --data-binary '{}'); it_is "delete with JSON: 415" "$st:$(it_json code)" "415:0x415"
# re-upload after delete: the tombstone is replaced
st=$(up EU "$W/b1.json"); it_is "re-upload after delete" "$st" 201
it_is "re-upload: one row" "$(it_sql "SELECT COUNT(*) FROM signer_information WHERE thumbprint='$T1' AND deleted_at IS NULL")" 1

# --- one transaction with its audit event --------------------------------------------------------
cert tx "/C=EU/O=dgcg test/CN=EU tx" "$PKI/EU/csca" leaf
body "$W/b.json" "$(it_cms "$W/tx.der" "$PKI/EU/upload" -)"
it_sql "REVOKE INSERT ON $DGCG_DB_NAME.audit_event FROM '$DGCG_DB_APP_USER'@'localhost'"
b0=$(it_count signer_information)
st=$(up EU "$W/b.json")
it_is "the audit event cannot be written: 503, and the row is not stored either" "$st:$(it_json code):$(it_count signer_information)" "503:0x503:$b0"
it_sql "GRANT INSERT ON $DGCG_DB_NAME.audit_event TO '$DGCG_DB_APP_USER'@'localhost'"
st=$(up EU "$W/b.json"); it_is "the same upload afterwards" "$st" 201

# --- what a consumer sees ----------------------------------------------------------------------------
CC=("$DGCG_SRCDIR/t/consumer-check-v2" -u "$DGCG_URL" -a "$DGCG_CACERT" -c "$PKI/EU/auth.pem" -k "$PKI/EU/auth.key" -t "$PKI/ta.pem")
out=$("${CC[@]}" 2>&1); rc=$?
it_is "t/consumer-check-v2 accepts every list item" "$rc" 0
printf '%s\n' "$out" | sed 's/^/# /'
it_like "consumer-check-v2 checked DSCs and DESCs" "$out" 'DSC/DESC: [1-9][0-9]* items, [1-9][0-9]* ok, 0 failed'
out=$("${CC[@]}" -F -t "$W/peer_ta.pem" 2>&1); rc=$?
it_is "consumer-check-v2 with federated rows too (and the peer's trust anchor)" "$rc" 0
[[ $rc == 0 ]] || printf '%s\n' "$out" | sed 's/^/# /'
out=$("${CC[@]}" -F 2>&1); rc=$?
it_like "without the peer's trust anchor its rows fail" "$rc:$out" '^1:.*FAIL.*not by a trust anchor'
out=$("$DGCG_SRCDIR/t/consumer-check-v2" -u "$DGCG_URL" -a "$DGCG_CACERT" -c "$PKI/EU/auth.pem" -k "$PKI/EU/auth.key" -t "$W/peer_ta.pem" 2>&1); rc=$?
it_like "consumer-check-v2 with another trust anchor fails" "$rc:$out" '^1:.*FAIL'
# v2_list_extra_groups = yes: SIGN, AUTH, CUSTOM in the unfiltered list, which
# ddcc-gateway-lib (and consumer-check-v2) refuse; and other allowed domains
# and property keys (TNG's allowedDomains and allowedProperties)
printf 'v2_list_extra_groups = yes\nv2_allowed_domains = DCC,XYZ\nv2_allowed_properties = purpose,color\n' >>"$DGCG_CONFIG"
STACK_DIR=$IT_DIR stack_restart_workers
st=$(v2list); it_like "the unfiltered list carries SIGN, AUTH, CUSTOM" "$st:$(sorted_items)" '^200:.*AUTH/EU.*CUSTOM/EU.*SIGN/EU'
out=$("${CC[@]}" 2>&1); rc=$?
it_like "consumer-check-v2 refuses a group outside ddcc-gateway-lib's enum" "$rc:$out" '^1:.*FAIL.*group (SIGN|AUTH|CUSTOM)'
cert dsc_conf "/C=EU/O=dgcg test/CN=EU dsc conf" "$PKI/EU/csca" leaf
body "$W/b.json" "$(it_cms "$W/dsc_conf.der" "$PKI/EU/upload" -)" 'domain="PH4H"'
refused "v2_allowed_domains = DCC,XYZ: PH4H is refused" EU "$W/b.json" 400 n/a \
	'^Property Key or Value PH4H is not allowed\. Allowed Values are: DCC, XYZ$' "$FAILED"
body "$W/b.json" "$(it_cms "$W/dsc_conf.der" "$PKI/EU/upload" -)" 'properties={"scope":"x"}'
refused "v2_allowed_properties = purpose,color: scope is refused" EU "$W/b.json" 400 n/a \
	'^Property Key or Value scope is not allowed\. Allowed Values are: purpose, color$' "$FAILED"
body "$W/b.json" "$(it_cms "$W/dsc_conf.der" "$PKI/EU/upload" -)" 'properties={"color":"red"}'
st=$(up EU "$W/b.json"); it_is "... and color is taken" "$st" 201
it_is "... stored as sent" "$(it_sql "SELECT properties FROM signer_information WHERE thumbprint='$(thumb dsc_conf)'")" '{"color":"red"}'

it_done
