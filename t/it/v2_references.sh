#!/usr/bin/env bash
# Trusted references through nginx with mTLS (tng-gateway.md 6, 14): POST and
# DELETE /trust/reference, GET /trust/reference/{uuid} and GET
# /trustList/references, with openssl cms and curl as the client: TNG's
# TrustedReferenceIntegrationTest, the TrustedReferenceServiceTest cases and
# the code-derived scenarios of 14.3, each with status, code and (dgcg
# audits every change) the audit row; and where dgcg refuses what TNG allows
# (doc/api.txt, v2): another country's update, a federated row's change,
# unsigned or altered rows, 500s for client mistakes.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
export STACK_COUNTRIES="EU DE XX"
it_start
GW=6b1c5e2a-0000-4000-8000-00000000fed2

# ref OUT [KEY=JSON|KEY=-]...: a valid reference of EU with overrides
ref() {
	python3 - "$@" <<'PY'
import json, sys
d = {"url": "https://eu.example/fhir/ValueSet", "country": "EU", "type": "FHIR",
     "service": "ValueSet", "thumbprint": "ab" * 32, "name": "EU value sets",
     "sslPublicKey": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE", "contentType": "application/fhir+json",
     "signatureType": "JWS", "referenceVersion": "1.0.0"}
for a in sys.argv[2:]:
    k, v = a.split("=", 1)
    if v == "-":
        d.pop(k, None)
    else:
        d[k] = json.loads(v)
open(sys.argv[1], "w").write(json.dumps(d))
PY
}
post() { it_curl "$1" POST /trust/reference -H "Content-Type: ${3:-application/cms-text}" --data-binary @"$2"; }
delete() { it_curl "$1" DELETE /trust/reference -H "Content-Type: ${3:-application/cms}" --data-binary @"$2"; }
last_audit() { it_sql "SELECT CONCAT(event,'|',description) FROM audit_event ORDER BY id DESC LIMIT 1"; }
uuids() { python3 -c 'import json,sys; print(" ".join(i.get("uuid", "-") for i in json.load(open(sys.argv[1]))))' "$IT_BODY"; }
# upload WHO SIGNER [KEY=JSON...]: signs a reference and posts it; the body in $W/last.b64
upload() {
	local who=$1 signer=$2
	shift 2
	ref "$W/ref.json" "$@"
	it_cms "$W/ref.json" "$signer" "$W/last.b64"
	post "$who" "$W/last.b64"
}
# delreq WHO SIGNER UUID-JSON: signs {"uuid":...} and sends DELETE
delreq() {
	printf '{"uuid":%s}' "$3" >"$W/del.json"
	it_cms "$W/del.json" "$2" "$W/del.b64"
	delete "$1" "$W/del.b64"
}

# --- create, list, get -------------------------------------------------------------------
a0=$(it_count audit_event)
st=$(upload EU "$PKI/EU/upload")
it_is "upload a reference" "$st:$(wc -c <"$IT_BODY")" "201:0"
U1=$(it_sql "SELECT uuid FROM trusted_reference")
it_like "a random lower-case uuid" "$U1" '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
it_is "stored: domain DDCC (TNG's default), version 1, the upload CMS" \
	"$(it_sql "SELECT CONCAT_WS(' ', country, domain, version, reference_type, signature_type, url, signature = '$(cat "$W/last.b64")') FROM trusted_reference")" \
	"EU DDCC 1 FHIR JWS https://eu.example/fhir/ValueSet 1"
it_is "audit CREATED (TNG: none)" "$(it_count audit_event) $(last_audit)" "$((a0 + 1)) CREATED|Created trusted reference $U1"
CMS1=$(cat "$W/last.b64")
st=$(it_curl EU GET /trustList/references)
it_is "GET /trustList/references (TrustedReferenceIntegrationTest)" "$st:$(it_jlen)" "200:1"
it_ok "TNG's fields in its order, then the upload CMS" python3 - "$IT_BODY" "$CMS1" "$U1" <<'EOF'
import json, sys
i = json.load(open(sys.argv[1]))[0]
assert list(i) == ["uuid", "domain", "version", "url", "country", "type", "service", "thumbprint",
                   "name", "sslPublicKey", "contentType", "signatureType", "referenceVersion",
                   "signature"], list(i)
assert i["uuid"] == sys.argv[3] and i["domain"] == "DDCC" and i["version"] == 1, i
assert i["signature"] == sys.argv[2], i
EOF
etag=$(it_header ETag)
it_like "the list has an ETag" "$etag" '^"[0-9a-f]{32}"$'
st=$(it_curl EU GET /trustList/references -H "If-None-Match: $etag"); it_is "If-None-Match: 304" "$st" 304
st=$(it_curl DE GET "/trust/reference/$U1")
it_is "GET /trust/reference/{uuid}: any country reads it" "$st:$(it_json uuid)" "200:$U1"
it_json signature | base64 -d >"$W/s.der"
it_ok "the served CMS verifies, signed by EU's upload certificate" openssl cms -verify -binary -noverify -inform DER \
	-in "$W/s.der" -certfile "$PKI/EU/upload.pem" -out "$W/payload.json"
it_ok "its payload is the uploaded JSON" cmp "$W/payload.json" "$W/ref.json"
openssl cms -verify -binary -noverify -inform DER -in "$W/s.der" -signer "$W/signer.pem" -out /dev/null 2>/dev/null
it_is "its signer is EU's upload certificate" "$(it_thumb_pem "$W/signer.pem")" "$(it_thumb_pem "$PKI/EU/upload.pem")"
st=$(it_curl EU GET /trust/reference/00000000-0000-4000-8000-000000000000)
it_is "an unknown uuid (TNG: 400, not 404)" "$st:$(it_json code):$(it_json problem)" "400:0x000:Requested Entity could not be found"
it_is "unknown: details" "$(it_json details)" "Requested TrustedReference not available."
st=$(it_curl EU GET /trust/reference/ABC); it_is "uuid ABC" "$st:$(it_json code)" "400:0x001"
st=$(it_curl EU GET "/trust/reference/${U1^^}"); it_is "an upper-case uuid" "$st:$(it_json code)" "400:0x001"
st=$(it_curl - GET /trustList/references); it_is "unauthenticated" "$st" 401

# --- TNG's refusals, in its order -------------------------------------------------------------
# refused NAME WHO FILE STATUS CODE PROBLEM [DETAILS-REGEX]: nothing stored, no audit
refused() {
	local a b st
	a=$(it_count audit_event); b=$(it_sql "SELECT CONCAT(COUNT(*), COALESCE(SUM(version), 0)) FROM trusted_reference")
	st=$(post "$2" "$3")
	it_is "$1" "$st:$(it_json code):$(it_json problem)" "$4:$5:$6"
	[[ -n "${7:-}" ]] && it_like "$1: details" "$(it_json details)" "$7"
	it_is "$1: nothing stored, no audit" "$(it_sql "SELECT CONCAT(COUNT(*), COALESCE(SUM(version), 0)) FROM trusted_reference") $(it_count audit_event)" "$b $a"
}
printf 'not base64!' >"$W/x"
refused "not base64" EU "$W/x" 400 0x402 "Invalid Base64 CMS Message"
printf 'SGVsbG8=' >"$W/x"
refused "not CMS" EU "$W/x" 400 0x402 "Could not parse CMS Message"
ref "$W/ref.json"
it_cms "$W/ref.json" EU "$W/x" --detached
refused "detached CMS" EU "$W/x" 400 0x402 "CMS Message needs to contain the signed payload (attached, e.g. openssl cms -sign -nodetach)"
python3 - "$CMS1" "$W/x" <<'EOF'
import base64, sys
d = bytearray(base64.b64decode(sys.argv[1])); d[-20] ^= 1
open(sys.argv[2], "w").write(base64.b64encode(bytes(d)).decode())
EOF
refused "a CMS that does not verify" EU "$W/x" 400 0x260 "CMS signature is invalid" "^Submitted string needs to be signed by a valid upload certificate$"
ref "$W/ref.json"; it_cms "$W/ref.json" "$PKI/DE/upload" "$W/x"
refused "signed with DE's upload certificate as EU (UPLOADER_CERT_CHECK_FAILED)" EU "$W/x" 403 0x000 "Invalid Upload Certificate" \
	"^Certificate used to sign the Trusted Reference is not a valid/ allowed upload certificate for your country\.$"
it_like "uploader: sendValue is the signer's subject" "$(it_json sendValue)" "CN=DE upload"
ref "$W/ref.json" 'country="DE"'; it_cms "$W/ref.json" "$PKI/EU/upload" "$W/x"
refused "EU's certificate, caller DE: the upload check comes first" DE "$W/x" 403 0x000 "Invalid Upload Certificate"
refused "country DE, signed by EU's upload certificate, caller EU (TrustedReferenceIntegrationTest)" EU "$W/x" 403 0x000 "Invalid Country sent" \
	"^Country does not match your authentication\.$"
printf 'randomNonJsonString' >"$W/t"; it_cms "$W/t" "$PKI/EU/upload" "$W/x"
refused "randomNonJsonString (INVALID_JSON)" EU "$W/x" 400 0x000 "JSON Could not be parsed"
ref "$W/ref.json" 'type="XYZ"'; it_cms "$W/ref.json" "$PKI/EU/upload" "$W/x"
refused "an unknown type (Jackson)" EU "$W/x" 400 0x000 "JSON Could not be parsed"
ref "$W/ref.json" 'url=5'; it_cms "$W/ref.json" "$PKI/EU/upload" "$W/x"
refused "url a number" EU "$W/x" 400 0x000 "JSON Could not be parsed"
printf '%s ' "$(cat "$W/ref.json")" '{}' >"$W/t"; it_cms "$W/t" "$PKI/EU/upload" "$W/x"
refused "two JSON documents" EU "$W/x" 400 0x000 "JSON Could not be parsed"
ref "$W/ref.json" "url=\"https://$(printf 'x%.0s' {1..93})\""; it_cms "$W/ref.json" "$PKI/EU/upload" "$W/x"
refused "url of 101 characters (INVALID_JSON_VALUES)" EU "$W/x" 400 0x000 "Uploaded data has invalid values." '^url: size must be between 1 and 100$'
ref "$W/ref.json" 'name=-' 'service=""' 'uuid="ABC"'; it_cms "$W/ref.json" "$PKI/EU/upload" "$W/x"
refused "several violations, field by field" EU "$W/x" 400 0x000 "Uploaded data has invalid values." \
	'^uuid: must match ".*", service: size must be between 1 and 1024, name: must not be null$'
ref "$W/ref.json" 'country=-'; it_cms "$W/ref.json" "$PKI/EU/upload" "$W/x"
refused "no country (TNG: 500)" EU "$W/x" 400 0x000 "Uploaded data has invalid values." '^country: must not be null$'
ref "$W/ref.json" "referenceVersion=\"$(printf '1%.0s' {1..257})\""; it_cms "$W/ref.json" "$PKI/EU/upload" "$W/x"
refused "referenceVersion of 257 characters (TNG: 500)" EU "$W/x" 400 0x000 "Uploaded data has invalid values." 'referenceVersion: size must be between 1 and 256'
ref "$W/ref.json" "domain=\"$(printf 'D%.0s' {1..33})\""; it_cms "$W/ref.json" "$PKI/EU/upload" "$W/x"
refused "a domain of 33 characters (TNG: 500)" EU "$W/x" 400 0x000 "Uploaded data has invalid values." 'domain: size must be between 1 and 32'
ref "$W/ref.json" 'uuid="00000000-0000-4000-8000-000000000000"'; it_cms "$W/ref.json" "$PKI/EU/upload" "$W/x"
refused "update of an unknown uuid" EU "$W/x" 404 0x000 "Trusted Reference does not exists." '^Trusted Reference to be updated not found\.$'
st=$(it_curl EU POST /trust/reference -H 'Content-Type: application/json' --data-binary @"$W/x")
it_is "Content-Type application/json (TNG: 403 0x403)" "$st:$(it_json code)" "415:0x415"

# --- update: the owner only (TNG lets any country overwrite, defect 3) ------------------------------
a0=$(it_count audit_event)
st=$(upload EU "$PKI/EU/upload" "uuid=\"$U1\"" 'url="https://eu.example/fhir/v2"' 'domain="DCC"' 'version=9')
it_is "the owner updates its reference" "$st" 201
it_is "update: fields overwritten, version bumped (TNG: never), same uuid and row" \
	"$(it_sql "SELECT CONCAT_WS(' ', COUNT(*), MAX(url), MAX(domain), MAX(version), MAX(changed_at IS NOT NULL)) FROM trusted_reference")" \
	"1 https://eu.example/fhir/v2 DCC 2 1"
it_is "update: audit UPDATED" "$(it_count audit_event) $(last_audit)" "$((a0 + 1)) UPDATED|Updated trusted reference $U1"
CMS2=$(cat "$W/last.b64")
st=$(it_curl EU GET "/trust/reference/$U1"); it_is "the new CMS is served" "$st:$(it_json signature)" "200:$CMS2"
st=$(it_curl EU GET /trustList/references -H "If-None-Match: $etag"); it_is "the ETag changed" "$st:$(it_jlen)" "200:1"
ref "$W/ref.json" "uuid=\"$U1\"" 'country="XX"' 'url="https://evil.example"'; it_cms "$W/ref.json" "$PKI/XX/upload" "$W/x"
refused "XX posts EU's uuid with country XX (TNG: 201, row overwritten)" XX "$W/x" 403 0x000 "Invalid Country sent" \
	'^It is not allowed to update trusted references of other countries\.$'
it_is "EU's reference unchanged" "$(it_sql "SELECT CONCAT(country, ' ', url) FROM trusted_reference WHERE uuid='$U1'")" "EU https://eu.example/fhir/v2"

# --- delete -------------------------------------------------------------------------------------------
st=$(delreq XX "$PKI/XX/upload" "\"$U1\"")
it_is "XX deletes EU's reference (TrustedReferenceIntegrationTest)" "$st:$(it_json code):$(it_json problem)" "403:0x000:Invalid Country sent"
it_is "delete by another country: details" "$(it_json details)" "It is not allowed to delete trusted references of other countries."
it_is "row kept" "$(it_sql "SELECT COUNT(*) FROM trusted_reference WHERE deleted_at IS NULL")" 1
st=$(delreq EU "$PKI/DE/upload" "\"$U1\""); it_is "delete signed by DE's upload certificate" "$st:$(it_json code)" "403:0x000"
st=$(delreq EU "$PKI/EU/upload" '"00000000-0000-4000-8000-000000000000"')
it_is "delete of an unknown uuid" "$st:$(it_json code):$(it_json details)" "404:0x000:Trusted Reference does not exist."
st=$(delreq EU "$PKI/EU/upload" 'null'); it_is "delete with uuid null (TNG: 404)" "$st:$(it_json code)" "404:0x000"
st=$(delreq EU "$PKI/EU/upload" '"not a uuid"'); it_is "delete with a malformed uuid (TNG: 404)" "$st:$(it_json code)" "404:0x000"
st=$(delreq EU "$PKI/EU/upload" '5'); it_is "delete with uuid 5" "$st:$(it_json code):$(it_json problem)" "400:0x000:JSON Could not be parsed"
printf 'nope' >"$W/t"; it_cms "$W/t" "$PKI/EU/upload" "$W/del.b64"
st=$(delete EU "$W/del.b64"); it_is "delete with no JSON" "$st:$(it_json code):$(it_json problem)" "400:0x000:JSON Could not be parsed"
st=$(delete EU "$W/del.b64" application/json); it_is "delete with Content-Type JSON" "$st:$(it_json code)" "415:0x415"
since=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)
a0=$(it_count audit_event)
st=$(delreq EU "$PKI/EU/upload" "\"$U1\"")
it_is "the owner deletes it (TrustedReferenceIntegrationTest)" "$st:$(wc -c <"$IT_BODY")" "204:0"
it_is "delete: a tombstone (TNG: row gone), audit DELETED" \
	"$(it_sql "SELECT CONCAT(deleted_at IS NOT NULL, signature IS NULL, version) FROM trusted_reference WHERE uuid='$U1'") $(last_audit)" \
	"113 DELETED|Deleted trusted reference $U1"
st=$(it_curl EU GET /trustList/references); it_is "the list is empty" "$st:$(cat "$IT_BODY")" "200:[]"
st=$(it_curl EU GET "/trust/reference/$U1"); it_is "GET of a deleted reference" "$st:$(it_json code)" "400:0x000"
st=$(it_curl EU GET /trustList/references -H "If-Modified-Since: $since")
it_ok "IMS delta: the tombstone (url, signature null)" python3 -c 'import json,sys
l = json.load(open(sys.argv[1]))
assert len(l) == 1 and l[0]["uuid"] == sys.argv[2] and l[0]["url"] is None and l[0]["signature"] is None and l[0]["version"] == 3, l' "$IT_BODY" "$U1"
st=$(it_curl EU GET /trustList/references -H "If-Modified-Since: $(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)"); it_is "IMS in the future" "$st:$(cat "$IT_BODY")" "200:[]"
st=$(it_curl EU GET /trustList/references -H "If-Modified-Since: soon"); it_is "IMS malformed" "$st:$(it_json code)" "400:0x001"
st=$(delreq EU "$PKI/EU/upload" "\"$U1\""); it_is "delete again: it does not exist" "$st:$(it_json code)" "404:0x000"
ref "$W/ref.json" "uuid=\"$U1\""; it_cms "$W/ref.json" "$PKI/EU/upload" "$W/x"
refused "update of a deleted reference" EU "$W/x" 404 0x000 "Trusted Reference does not exists."

# --- filters (TrustedReferenceServiceTest search) --------------------------------------------------
st=$(upload EU "$PKI/EU/upload" 'domain="DCC"' 'type="DCC"' 'signatureType="CMS"'); it_is "EU DCC/DCC/CMS" "$st" 201
st=$(upload DE "$PKI/DE/upload" 'country="DE"' 'type="FHIR"' 'signatureType="NONE"'); it_is "DE DDCC/FHIR/NONE" "$st" 201
st=$(upload EU "$PKI/EU/upload" 'domain="DCC"' 'type="FHIR"' 'signatureType="JWS"'); it_is "EU DCC/FHIR/JWS" "$st" 201
E1=$(it_sql "SELECT uuid FROM trusted_reference WHERE country='EU' AND reference_type='DCC'")
E2=$(it_sql "SELECT uuid FROM trusted_reference WHERE country='EU' AND reference_type='FHIR' AND deleted_at IS NULL")
D1=$(it_sql "SELECT uuid FROM trusted_reference WHERE country='DE'")
st=$(it_curl EU GET /trustList/references); it_is "all live ones, in the table's order" "$st:$(uuids)" "200:$E1 $D1 $E2"
st=$(it_curl EU GET '/trustList/references?country=DE'); it_is "country=DE" "$st:$(uuids)" "200:$D1"
st=$(it_curl EU GET '/trustList/references?country=de,xx'); it_is "country=de,xx" "$st:$(uuids)" "200:$D1"
st=$(it_curl EU GET '/trustList/references?domain=DCC'); it_is "domain=DCC" "$st:$(uuids)" "200:$E1 $E2"
st=$(it_curl EU GET '/trustList/references?referenceType=FHIR'); it_is "referenceType=FHIR" "$st:$(uuids)" "200:$D1 $E2"
st=$(it_curl EU GET '/trustList/references?signatureType=CMS&signatureType=NONE'); it_is "signatureType=CMS and NONE" "$st:$(uuids)" "200:$E1 $D1"
st=$(it_curl EU GET '/trustList/references?country=EU&domain=DCC&referenceType=FHIR&signatureType=JWS'); it_is "all four filters" "$st:$(uuids)" "200:$E2"
st=$(it_curl EU GET '/trustList/references?referenceType=XYZ'); it_is "referenceType=XYZ matches nothing (TNG: every reference)" "$st:$(cat "$IT_BODY")" "200:[]"
st=$(it_curl EU GET '/trustList/references?referenceType=XYZ,DCC'); it_is "referenceType=XYZ,DCC" "$st:$(uuids)" "200:$E1"
st=$(it_curl EU GET '/trustList/references?withFederation=perhaps'); it_is "withFederation=perhaps" "$st:$(it_json code)" "400:0x001"

# --- only what its upload CMS vouches for is served --------------------------------------------------
it_sql "UPDATE trusted_reference SET url='https://evil.example' WHERE uuid='$E1'"
st=$(it_curl EU GET /trustList/references); it_is "a changed column: the row is left out at once (TNG: served)" "$st:$(uuids)" "200:$D1 $E2"
it_log_has "Trusted reference left out.*reason=\"the row differs from what its upload CMS says\".*$E1"
st=$(it_curl EU GET "/trust/reference/$E1"); it_is "... and not found by uuid" "$st:$(it_json code)" "400:0x000"
it_sql "UPDATE trusted_reference SET url='https://eu.example/fhir/ValueSet' WHERE uuid='$E1'"
st=$(it_curl EU GET /trustList/references); it_is "restored: served again" "$st:$(it_jlen)" "200:3"
it_sql "INSERT INTO trusted_reference (uuid, domain, content_type, country, created_at, name, reference_version, service, signature_type, ssl_public_key, thumbprint, reference_type, url) VALUES (UUID(), 'DCC', 'x', 'EU', UTC_TIMESTAMP(), 'sql', '1', 's', 'CMS', 'k', 't', 'DCC', 'https://sql.example')"
st=$(it_curl EU GET /trustList/references); it_is "a row inserted with SQL, without a CMS, is left out (TNG: served)" "$st:$(it_jlen)" "200:3"
it_sql "UPDATE trusted_reference SET signature='$(cat "$W/x")' WHERE name='sql'"
st=$(it_curl EU GET /trustList/references); it_is "... also with another row's CMS" "$st:$(it_jlen)" "200:3"
it_sql "DELETE FROM trusted_reference WHERE name='sql'"

# --- federated references: served with withFederation, never changed here -------------------------
it_selfsigned "$W/peer_ta" "/C=EU/O=peer/CN=peer trust anchor" ta
it_selfsigned "$W/fed_up" "/C=EU/O=peer/CN=EU federated upload"
it_sql "INSERT INTO federation_gateway (timestamp, download_target, gateway_endpoint, gateway_id, gateway_kid, mode, signature) VALUES (UTC_TIMESTAMP(), 'FEDERATION', 'https://peer.example', '$GW', 'peer', 'OVERRIDE', 'x')"
it_ok "onboard the peer's TRUSTANCHOR" it_admin onboard --country EU --type TRUSTANCHOR --assigned-gateway "$GW" --cert "$W/peer_ta.pem" \
	--signature "$(it_ta_sign "$W/peer_ta.pem")"
openssl x509 -in "$W/fed_up.pem" -outform DER -out "$W/fed_up.der"
it_sql "INSERT INTO trusted_party (created_at, country, thumbprint, raw_data, signature, certificate_type, uuid, source_gateway_id) VALUES (UTC_TIMESTAMP(), 'EU', '$(it_thumb_pem "$W/fed_up.pem")', '$(base64 -w0 <"$W/fed_up.der")', '$(it_cms "$W/fed_up.der" "$W/peer_ta" - --detached)', 'UPLOAD', UUID(), '$GW')"
FU=11111111-2222-4333-8444-00000000fed0
ref "$W/fed.json" "uuid=\"$FU\"" 'url="https://peer.example/fhir"'
it_cms "$W/fed.json" "$W/fed_up" "$W/fed.b64"
it_sql "INSERT INTO trusted_reference (uuid, domain, version, content_type, country, created_at, name, reference_version, service, signature_type, ssl_public_key, thumbprint, reference_type, url, signature, source_gateway_id) VALUES ('$FU', 'DDCC', 4, 'application/fhir+json', 'EU', UTC_TIMESTAMP(), 'EU value sets', '1.0.0', 'ValueSet', 'JWS', 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE', '$(printf 'ab%.0s' {1..32})', 'FHIR', 'https://peer.example/fhir', '$(cat "$W/fed.b64")', '$GW')"
st=$(it_curl EU GET '/trustList/references?country=EU&referenceType=FHIR&signatureType=JWS'); it_is "without withFederation: local only" "$st:$(uuids)" "200:$E2"
st=$(it_curl EU GET '/trustList/references?country=EU&referenceType=FHIR&signatureType=JWS&withFederation=true')
it_is "withFederation=true: the federated one too (search(EU, FHIR, JWS, fed=true))" "$st:$(uuids)" "200:$E2 $FU"
it_ok "a federated reference starts with sourceGateway" python3 -c 'import json,sys
f = [i for i in json.load(open(sys.argv[1])) if i.get("uuid") == sys.argv[2]][0]
assert list(f)[0] == "sourceGateway" and f["sourceGateway"] == sys.argv[3] and f["version"] == 4, f' "$IT_BODY" "$FU" "$GW"
st=$(it_curl DE GET "/trust/reference/$FU"); it_is "GET by uuid finds federated rows (as TNG)" "$st:$(it_json sourceGateway)" "200:$GW"
st=$(upload EU "$PKI/EU/upload" "uuid=\"$FU\""); it_is "EU updates the federated reference (TNG: 201)" "$st:$(it_json code)" "403:0x000"
it_like "federated: details" "$(it_json details)" "federated from another gateway"
st=$(delreq EU "$PKI/EU/upload" "\"$FU\""); it_is "EU deletes the federated reference (TNG: 204)" "$st:$(it_json code)" "403:0x000"
it_is "the federated row is untouched" "$(it_sql "SELECT CONCAT(version, deleted_at IS NULL) FROM trusted_reference WHERE uuid='$FU'")" "41"
ref "$W/fed2.json" 'url="https://peer.example/other"'
it_cms "$W/fed2.json" "$PKI/EU/upload" "$W/fed2.b64"
it_sql "INSERT INTO trusted_reference (uuid, domain, content_type, country, created_at, name, reference_version, service, signature_type, ssl_public_key, thumbprint, reference_type, url, signature, source_gateway_id) VALUES (UUID(), 'DDCC', 'application/fhir+json', 'EU', UTC_TIMESTAMP(), 'EU value sets', '1.0.0', 'ValueSet', 'JWS', 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE', '$(printf 'ab%.0s' {1..32})', 'FHIR', 'https://peer.example/other', '$(cat "$W/fed2.b64")', '$GW')"
st=$(it_curl EU GET '/trustList/references?withFederation=true'); it_is "a federated row signed by a local upload certificate is left out" "$st:$(it_jlen)" "200:4"

# --- one transaction with its audit event ----------------------------------------------------------
it_sql "REVOKE INSERT ON $DGCG_DB_NAME.audit_event FROM '$DGCG_DB_APP_USER'@'localhost'"
n0=$(it_count trusted_reference)
st=$(upload EU "$PKI/EU/upload"); it_is "no audit event possible: 503 and nothing stored" "$st:$(it_json code):$(it_count trusted_reference)" "503:0x503:$n0"
st=$(delreq EU "$PKI/EU/upload" "\"$E1\""); it_is "... and nothing deleted" "$st:$(it_sql "SELECT deleted_at IS NULL FROM trusted_reference WHERE uuid='$E1'")" "503:1"
it_sql "GRANT INSERT ON $DGCG_DB_NAME.audit_event TO '$DGCG_DB_APP_USER'@'localhost'"
it_not "the application user cannot delete references" mariadb --no-defaults --protocol=socket -S "$DGCG_DB_SOCKET" \
	-u "$DGCG_DB_APP_USER" -p"$(cat "$DGCG_DB_APP_PASSWORD_FILE")" "$DGCG_DB_NAME" -e "DELETE FROM trusted_reference"

# --- housekeeping, and a consumer's view -------------------------------------------------------------
it_sql "UPDATE trusted_reference SET deleted_at = UTC_TIMESTAMP() - INTERVAL 15 DAY WHERE uuid='$U1'"
out=$(it_admin purge); rc=$?
it_like "dgcg-admin purge removes old reference tombstones" "$rc:$out" "^0:.*purged 1 trusted reference tombstones older than 14 days"
it_is "the tombstone is gone" "$(it_sql "SELECT COUNT(*) FROM trusted_reference WHERE uuid='$U1'")" 0
out=$("$DGCG_SRCDIR/t/consumer-check-v2" -u "$DGCG_URL" -a "$DGCG_CACERT" -c "$PKI/EU/auth.pem" -k "$PKI/EU/auth.key" -t "$PKI/ta.pem" 2>&1); rc=$?
it_is "t/consumer-check-v2: every reference verifies" "$rc" 0
printf '%s\n' "$out" | sed 's/^/# /'
it_like "consumer-check-v2 checked 3 references" "$out" 'REFERENCES: 3 items, 3 ok, 0 failed'

it_done
