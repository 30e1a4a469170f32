#!/usr/bin/env bash
# Validation rules through nginx with mTLS: every scenario of the reference's
# ValidationRuleIntegrationTest and the TXR-2860..3213 rule cases, signed with
# openssl cms -sign -nodetach -binary and sent with curl; the version window
# with several versions (the reference's worked example), delete, the audit
# rows, the cache and its invalidation by API and by SQL.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start
D=86400
H=3600

# up FILE.json [SIGNER] [CONTENT-TYPE] [WHO]: signs (FILE.json.b64) and POSTs; prints the status.
up() {
	it_cms "$1" "${2:-DE}" "$1.b64"
	it_curl "${4:-DE}" POST /rules -H "Content-Type: ${3:-application/cms-text}" \
		--data-binary @"$1.b64"
}
# mk NAME ARGS...: rule + upload in one go; prints the status.
mk() {
	local f=$W/$1.json
	shift
	it_rule "$f" "$@"
	up "$f"
}
# del PAYLOAD [SIGNER] [METHOD PATH] [WHO]: signs the bare id and deletes.
del() {
	printf '%s' "$1" > "$W/del.txt"
	it_cms "$W/del.txt" "${2:-DE}" "$W/del.b64"
	it_curl "${5:-DE}" "${3:-DELETE}" "${4:-/rules}" -H 'Content-Type: application/cms-text' \
		--data-binary @"$W/del.b64"
}
problem() { # NAME STATUS CODE
	it_is "$1: status" "$st" "$2"
	it_is "$1: code" "$(it_json code)" "$3"
}
reset() { it_sql "DELETE FROM validation_rule"; }

# --- valid uploads (application/cms and application/cms-text; TXR-2860/3209) --
a0=$(it_count audit_event)
it_rule "$W/v1.json"
st=$(up "$W/v1.json" "" application/cms)
it_is "valid upload, application/cms" "$st" 201
it_is "no body on 201" "$(wc -c < "$IT_BODY")" 0
it_is "one row" "$(it_count validation_rule)" 1
it_is "row fields" "$(it_sql "SELECT CONCAT_WS('|', rule_id, version, country, type) FROM validation_rule")" \
	"GR-DE-0001|1.0.0|DE|ACCEPTANCE"
it_is "stored signature is the body as sent" "$(it_sql 'SELECT signature FROM validation_rule')" \
	"$(cat "$W/v1.json.b64")"
it_sql 'SELECT signature FROM validation_rule' | base64 -d > "$W/stored.der"
openssl cms -verify -binary -inform DER -in "$W/stored.der" -noverify -out "$W/stored.json" 2>/dev/null
it_ok "stored CMS parses back to the same rule" cmp "$W/stored.json" "$W/v1.json"
it_is "audit +1" "$(it_count audit_event)" $((a0 + 1))
up_fp=$(it_thumb_pem "$PKI/DE/upload.pem")
auth_fp=$(it_thumb_pem "$PKI/DE/auth.pem")
it_is "audit row" "$(it_sql "SELECT CONCAT_WS('|', country, event, description, uploader_sha256_fingerprint, authentication_sha256_fingerprint) FROM audit_event ORDER BY id DESC LIMIT 1")" \
	"DE|CREATED|Created Validation Rule with ID GR-DE-0001 (1.0.0)|$up_fp|$auth_fp"
it_log_has 'message="Rule Upload Request"'
it_log_has 'message="Rule Upload Success"'
st=$(mk v2cms Identifier='"GR-DE-0002"' Region=-)
it_is "valid upload without Region, application/cms-text" "$st" 201
vf=$(python3 -c 'import datetime
n = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=1))).replace(microsecond=0)
print((n + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S+01:00"))')
st=$(mk off Identifier='"GR-DE-0003"' ValidFrom="\"$vf\"")
it_is "ValidFrom with +01:00 offset" "$st" 201
it_is "stored as the UTC instant" "$(it_sql "SELECT DATE_FORMAT(valid_from, '%Y-%m-%dT%H:%i:%sZ') FROM validation_rule WHERE rule_id='GR-DE-0003'")" \
	"$(date -u -d "$vf" +%Y-%m-%dT%H:%M:%SZ)"
reset

# --- CMS problems -------------------------------------------------------------
it_rule "$W/c.json"
printf 'not base64!' > "$W/bad.b64"
st=$(it_curl DE POST /rules -H 'Content-Type: application/cms-text' --data-binary @"$W/bad.b64")
problem "not base64" 400 0x402
it_is "not base64 text" "$(it_json problem)" "Invalid Base64 CMS Message"
it_cms "$W/c.json" DE "$W/detached.b64" --detached
st=$(it_curl DE POST /rules -H 'Content-Type: application/cms-text' --data-binary @"$W/detached.b64")
problem "detached CMS (the reference: 500)" 400 0x402
printf '\xff\xfe{}' > "$W/latin.bin"
it_cms "$W/latin.bin" DE "$W/latin.b64"
st=$(it_curl DE POST /rules -H 'Content-Type: application/cms-text' --data-binary @"$W/latin.b64")
problem "payload not UTF-8" 400 0x402
it_is "payload not UTF-8 text" "$(it_json problem)" "CMS Message payload needs to be a String"
it_cms "$W/c.json" DE "$W/c.b64"
it_tamper "$W/c.b64" "$W/tampered.b64" '"Country"+12'	# the payload after signing: DE -> DD
st=$(it_curl DE POST /rules -H 'Content-Type: application/cms-text' --data-binary @"$W/tampered.b64")
problem "tampered payload" 400 0x260
it_is "0x260 texts" "$(it_json problem)|$(it_json details)" \
	"CMS signature is invalid|Submitted string needs to be signed by a valid upload certificate"
st=$(it_curl DE POST /rules -H 'Content-Type: application/json' --data-binary @"$W/c.json")
it_is "JSON content type refused" "$st" 415
st=$(it_curl - POST /rules -H 'Content-Type: application/cms-text' --data-binary @"$W/c.b64")
it_is "unauthenticated upload (TXR-2861)" "$st" 401
it_is "nothing stored by CMS problems" "$(it_count validation_rule)" 0

# --- upload certificate (0x230) -----------------------------------------------
st=$(up "$W/c.json" "$PKI/FR/upload")
problem "signed by another country's upload cert" 400 0x230
it_is "0x230 problem" "$(it_json problem)" "Invalid Upload Cert"
it_like "0x230 sendValue is the signer subject" "$(it_json sendValue)" "C ?= ?FR"
fr_up=$(it_thumb_pem "$PKI/FR/upload.pem")
it_is "0x230 details" "$(it_json details)" \
	"Could not find upload certificate with hash $fr_up and country DE"
st=$(up "$W/c.json" "$PKI/DE/csca")
problem "signed by the CSCA" 400 0x230
st=$(up "$W/c.json" "$PKI/DE/auth")
problem "signed by the auth cert" 400 0x230
it_log_has 'Rule Upload Failed.*validationRuleUploadReason="UPLOADER_CERT_CHECK_FAILED"'

# --- JSON and schema (0x200) --------------------------------------------------
a0=$(it_count audit_event)
cat "$W/c.json" "$W/c.json" > "$W/two.json"
st=$(up "$W/two.json")
problem "two JSON documents" 400 0x200
it_is "two documents details" "$(it_json details)" "JSON could not be parsed"
{ cat "$W/c.json"; printf 'x'; } > "$W/x.json"
st=$(up "$W/x.json")
problem "trailing x" 400 0x200
printf '{"Identifier":"GR-DE-0001","Identifier":"GR-DE-0001"}' > "$W/dup.json"
st=$(up "$W/dup.json")
problem "duplicate member" 400 0x200
i=0
while IFS='|' read -r name args; do
	i=$((i + 1))
	# shellcheck disable=SC2086
	eval "it_rule \"\$W/s$i.json\" $args"
	st=$(up "$W/s$i.json")
	problem "schema: $name" 400 0x200
	it_like "schema: $name details" "$(it_json details)" "^JSON does not align to Validation Rule Schema: "
done <<'CASES'
bad Identifier|Identifier='"GR-DE-001"'
bad Type|Type='"Acceptancee"'
Country EUX (TXR-2875)|Country='"EUX"'
Region XXXXXX|Region='"XXXXXX"'
Version 1.0.0.0|Version='"1.0.0.0"'
SchemaVersion 1.0.0.0|SchemaVersion='"1.0.0.0"'
EngineVersion 1.2.3.aaaaa|EngineVersion='"1.2.3.aaaaa"'
Version 10 (TXR-2882)|Version='"10"'
SchemaVersion 10 (TXR-2883)|SchemaVersion='"10"'
no en description (TXR-2880)|Description='[{"lang":"de","desc":"Beschreibung der Testregel hier"}]'
description shorter than 20 (TXR-3031)|Description='[{"lang":"en","desc":"too short"}]'
description missing (TXR-2879)|Description=-
description lang en- (TXR-2881)|Description='[{"lang":"en-","desc":"Description of the dummy rule for tests"}]'
empty AffectedFields|AffectedFields='[]'
empty Logic|Logic='{}'
extra property|Extra='1'
ValidFrom with fraction|ValidFrom='"2030-01-01T00:00:00.000Z"'
ValidFrom Feb 30|ValidFrom='"2030-02-30T00:00:00Z"'
Version with trailing newline|Version='"1.0.0\n"'
CASES
it_is "schema failures: no row" "$(it_count validation_rule)" 0
it_is "schema failures: no audit" "$(it_count audit_event)" "$a0"
it_log_has 'Rule Upload Failed.*validationRuleUploadReason="INVALID_JSON"'

# --- rule id prefix (0x250), checks 5 and 6 (TXR-3090) ------------------------
while IFS='|' read -r name args; do
	# shellcheck disable=SC2086
	eval "it_rule \"\$W/p.json\" $args"
	st=$(up "$W/p.json")
	problem "prefix: $name" 400 0x250
	it_is "prefix: $name problem" "$(it_json problem)" "Invalid RuleID"
done <<'CASES'
GR + Invalidation|Type='"Invalidation"' ValidFrom=@600
IR + Acceptance|Identifier='"IR-DE-0001"'
TR / Vaccination|Identifier='"TR-DE-0001"' CertificateType='"Vaccination"'
VR / Test|Identifier='"VR-DE-0001"' CertificateType='"Test"'
RR / Vaccination|Identifier='"RR-DE-0001"' CertificateType='"Vaccination"'
GR / Vaccination|CertificateType='"Vaccination"'
CASES
it_rule "$W/p.json" Identifier='"TR-DE-0001"' CertificateType='"Vaccination"'
up "$W/p.json" >/dev/null
it_is "prefix details" "$(it_json details)" "ID must start with TR for Test Rules"
st=$(mk ir Identifier='"IR-DE-0001"' Type='"Invalidation"' ValidFrom=@30 CertificateType='"Test"')
it_is "IR + Invalidation, ValidFrom now+30s" "$st" 201
st=$(mk gr)
it_is "GR + Acceptance" "$st" 201
st=$(mk vr Identifier='"VR-DE-0001"' CertificateType='"Vaccination"')
it_is "VR + Vaccination" "$st" 201

# --- country (0x210; TXR-2876/3004) -------------------------------------------
st=$(mk c1 Identifier='"GR-FR-0001"' Country='"FR"')
problem "Country FR as DE" 403 0x210
it_is "Country FR details" "$(it_json details)" "Country does not match your authentication."
st=$(mk c2 Identifier='"GR-FR-0001"')
problem "Identifier GR-FR as DE" 403 0x210
it_is "Identifier country details" "$(it_json details)" "Country Code in Identifier does not match country."

# --- version (0x220; TXR-2864/2865) -------------------------------------------
st=$(mk same)
problem "same version again" 400 0x220
it_is "same version details" "$(it_json details)" \
	"Version of new rule (1.0.0) needs to be greater then old version (1.0.0)"
st=$(mk lower Version='"0.9.0"')
problem "lower version 0.9.0" 400 0x220
st=$(mk v13 Version='"1.3"')
problem "version 1.3 (schema)" 400 0x200
st=$(mk long Version='"1234567890123456789012345678.0.0"')
problem "version longer than the column" 400 0x220
st=$(mk v1_10 Version='"1.10.0"')
it_is "1.10.0 after 1.0.0" "$st" 201
st=$(mk v1_9 Version='"1.9.0"')
problem "1.9.0 after 1.10.0 (numeric, not string order)" 400 0x220
st=$(mk v10 Version='"10.0.0"')
it_is "10.0.0 after 1.10.0" "$st" 201

# --- timestamps (0x240) -------------------------------------------------------
reset
# RFC 3339 (and the schema) allow offsets to +-23:59; java.time, which maps
# the reference's JSON, to +-18:00 (found by fuzz_rule: it was a 500)
st=$(mk t0 ValidFrom='"2030-01-01T00:00:00+21:00"' ValidTo='"2030-06-01T00:00:00Z"')
problem "ValidFrom with offset +21:00" 400 0x200
it_like "offset details" "$(it_json details)" "offset within -18:00 and \\+18:00"
st=$(mk t0b ValidTo='"2031-01-01T00:00:00-18:30"')
problem "ValidTo with offset -18:30" 400 0x200
st=$(mk t1 ValidFrom=@$((5 * D)) ValidTo=@$((4 * D)))
problem "ValidTo before ValidFrom (TXR-3005)" 400 0x240
st=$(mk t2 ValidFrom=@$((28 * D)) ValidTo=@$((35 * D)))
problem "ValidFrom now+4 weeks (TXR-3006)" 400 0x240
it_like "2 weeks details" "$(it_json details)" "cannot be more than 2 weeks in future"
st=$(mk t3 ValidFrom=@$((47 * H)) ValidTo=@$((10 * D)))
problem "Acceptance 47 h ahead (TXR-2877)" 400 0x240
st=$(mk t4 ValidFrom=@$((3 * D)) ValidTo=@$((6 * D - 1)))
problem "ValidTo now+6d-1s (< 72 h)" 400 0x240
it_is "72 h details" "$(it_json details)" "Rule Validity must be at least 72h but is 71h"
st=$(mk t5 ValidFrom=@$((3 * D)) ValidTo=@$((3 * D + 71 * H)))
problem "ValidTo 71 h after ValidFrom (TXR-2878)" 400 0x240
st=$(mk t6 Identifier='"IR-DE-0001"' Type='"Invalidation"' ValidFrom=@-60 CertificateType='"Test"')
problem "Invalidation rule in the past (TXR-3007)" 400 0x240
st=$(mk t7 Identifier='"IR-DE-0001"' Type='"Invalidation"' ValidFrom=@30 CertificateType='"Test"')
it_is "IR-DE-0001 Invalidation now+30s" "$st" 201
st=$(mk t8 ValidFrom=@0)
problem "then an Acceptance rule valid from now (48 h rule)" 400 0x240
# one "now" for the three, so that a slow machine cannot shift them apart
base=$(date +%s)
st=$(RULE_NOW=$base mk t9 ValidFrom=@$((3 * D)) ValidTo=@$((7 * D)))
it_is "version 1.0.0 at +3d" "$st" 201
st=$(RULE_NOW=$base mk t10 Version='"1.0.1"' ValidFrom=@$((3 * D - 1)) ValidTo=@$((7 * D)))
problem "new version 1 s before the previous ValidFrom" 400 0x240
it_like "previous version details" "$(it_json details)" "of previous version of the rule"
st=$(RULE_NOW=$base mk t11 Version='"1.0.1"' ValidFrom=@$((3 * D)) ValidTo=@$((7 * D)))
it_is "new version at the same ValidFrom" "$st" 201
it_is "rows after the time checks" "$(it_count validation_rule)" 3
it_log_has 'Rule Upload Failed.*validationRuleUploadReason="INVALID_TIMESTAMP"'

# --- delete (section 5.4; TXR-2870/3199/2872/2873/2874) -----------------------
reset
mk d1 >/dev/null
mk d2 Version='"1.0.1"' >/dev/null
mk d3 Identifier='"GR-DE-0002"' >/dev/null
it_is "three rows before delete" "$(it_count validation_rule)" 3
a0=$(it_count audit_event)
st=$(del GR-DE-0001)
it_is "DELETE GR-DE-0001" "$st" 204
it_is "every version gone" "$(it_count validation_rule "rule_id='GR-DE-0001'")" 0
it_is "the other rule kept" "$(it_count validation_rule)" 1
it_is "delete audit" "$(it_sql "SELECT CONCAT_WS('|', country, event, description, uploader_sha256_fingerprint) FROM audit_event ORDER BY id DESC LIMIT 1")" \
	"DE|DELETED|Deleted Validation Rule with ID GR-DE-0001|$up_fp"
it_is "delete audit +1" "$(it_count audit_event)" $((a0 + 1))
it_log_has 'Rule Delete Success.*validationDeleteAmount="2".*validationDownloadId="GR-DE-0001"'
st=$(del GR-DE-0002 "" POST /rules/delete)
it_is "POST /rules/delete alias" "$st" 204
it_is "alias removed it" "$(it_count validation_rule)" 0
a0=$(it_count audit_event)
st=$(del '"IR-DE-0001"')
problem "delete a non-existent id (quoted)" 404 0x270
it_is "404 texts" "$(it_json problem)|$(it_json sendValue)|$(it_json details)" \
	'Validation Rule does not exist|Validation-Rule Id: "IR-DE-0001"|You can only delete existing validation rules.'
mk d4 >/dev/null
st=$(del GR-DE-0001 "$PKI/DE/csca")
problem "delete signed by the CSCA" 400 0x230
it_is "delete 0x230 texts" "$(it_json problem)|$(it_json details)" \
	"Invalid Upload certificate|You have to use a onboarded upload certificate to sign the string"
st=$(del 'XXXX-TESST-!!!!!')
problem "delete payload XXXX-TESST-!!!!!" 400 0x250
it_is "0x250 texts" "$(it_json problem)|$(it_json sendValue)|$(it_json details)" \
	"ID-String is invalid|XXXX-TESST-!!!!!|Example valid ID-String: GR-EU-11100"
st=$(del IR-FR-0001)
problem "delete another country's id" 403 0x210
it_is "0x210 texts" "$(it_json problem)|$(it_json sendValue)" \
	"Invalid country in ID-String|Your authenticated country code: DE, Your requested country code: FR"
st=$(del 'GR-DE-0001 ')
problem "trailing space is part of the id" 404 0x270
st=$(del 'gr-DE-0001')
problem "ids match exactly (case)" 404 0x270
printf 'GR-DE-0001' > "$W/del.txt"
it_cms "$W/del.txt" DE "$W/del.b64"
st=$(it_curl - DELETE /rules -H 'Content-Type: application/cms-text' --data-binary @"$W/del.b64")
it_is "unauthenticated delete (TXR-2873)" "$st" 401
it_tamper "$W/del.b64" "$W/deltamper.b64" GR-DE-0001+9
st=$(it_curl DE DELETE /rules -H 'Content-Type: application/cms' --data-binary @"$W/deltamper.b64")
problem "delete with a bad signature" 400 0x260
it_is "failed deletes wrote no audit" "$(it_count audit_event)" $((a0 + 1))
it_is "failed deletes removed nothing" "$(it_count validation_rule)" 1

# --- an unexpected failure: 500 0x299 and nothing stored ---------------------
reset
it_sql "REVOKE INSERT ON dgcg.audit_event FROM 'dgcg_app'@'localhost'"
st=$(mk fail)
problem "audit insert fails inside the transaction" 500 0x299
it_is "0x299 problem" "$(it_json problem)" "Unexpected Error"
it_is "no half-written row" "$(it_count validation_rule)" 0
it_sql "GRANT INSERT ON dgcg.audit_event TO 'dgcg_app'@'localhost'"
st=$(mk fail2)
it_is "after the grant is back" "$st" 201

# --- download: the reference's cases -----------------------------------------
reset
mk g1 >/dev/null
mk g2 Version='"1.0.1"' ValidFrom=@$((4 * D)) ValidTo=@$((8 * D)) >/dev/null
mk g3 Identifier='"GR-DE-0002"' >/dev/null
# shift ValidFrom with SQL (the API cannot store the past): v1 -1d, v2 +2d
it_sql "UPDATE validation_rule SET valid_from = UTC_TIMESTAMP() - INTERVAL 1 DAY WHERE rule_id='GR-DE-0001' AND version='1.0.0'"
it_sql "UPDATE validation_rule SET valid_from = UTC_TIMESTAMP() + INTERVAL 2 DAY WHERE rule_id='GR-DE-0001' AND version='1.0.1'"
st=$(it_curl FR GET /rules/DE)
it_is "download as another country (TXR-2868)" "$st" 200
it_like "download content type" "$(it_header Content-Type)" "^application/json"
it_is "GR-DE-0001 versions, newest first" "$(it_json -s , 'GR-DE-0001.*.version')" "1.0.1,1.0.0"
it_is "GR-DE-0002 one item" "$(it_jlen GR-DE-0002)" 1
it_is "entry fields in order" "$(it_keys -s , GR-DE-0001.0)" "version,validFrom,validTo,cms"
it_like "validFrom format" "$(it_json GR-DE-0001.0.validFrom)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
it_is "validFrom is the stored instant" "$(it_json GR-DE-0001.1.validFrom)" \
	"$(it_sql "SELECT DATE_FORMAT(valid_from, '%Y-%m-%dT%H:%i:%sZ') FROM validation_rule WHERE rule_id='GR-DE-0001' AND version='1.0.0'")"
it_is "cms is the upload, byte for byte" "$(it_json GR-DE-0002.0.cms)" "$(cat "$W/g3.json.b64")"
it_log_has 'Rule Download Success.*validationDownloadAmount="3".*validationDownloadRequester="FR".*validationDownloadRequested="DE"'
it_sql "UPDATE validation_rule SET valid_from = UTC_TIMESTAMP() - INTERVAL 4 DAY WHERE rule_id='GR-DE-0001' AND version='1.0.0'"
it_sql "UPDATE validation_rule SET valid_from = UTC_TIMESTAMP() - INTERVAL 2 DAY WHERE rule_id='GR-DE-0001' AND version='1.0.1'"
st=$(it_curl DE GET /rules/DE)
it_is "v1 -4d, v2 -2d: only v2 (SQL change seen at once)" "$(it_json -s , 'GR-DE-0001.*.version')" "1.0.1"
reset
mk f1 ValidFrom=@$((3 * D)) >/dev/null
mk f2 Version='"1.0.1"' ValidFrom=@$((3 * D + H)) >/dev/null
mk f3 Version='"1.0.2"' ValidFrom=@$((3 * D + 2 * H)) >/dev/null
st=$(it_curl DE GET /rules/DE)
it_is "all in the future: all three, newest first" "$(it_json -s , 'GR-DE-0001.*.version')" "1.0.2,1.0.1,1.0.0"
st=$(it_curl DE GET /rules/de)
it_is "lower-case country" "$(it_jlen GR-DE-0001)" 3
st=$(it_curl DE GET /rules/IE)
it_is "a country without rules (TXR-2868)" "$st|$(cat "$IT_BODY")" "200|{}"
st=$(it_curl DE GET /rules/DEU)
it_is "a country that is not 2 letters" "$st|$(cat "$IT_BODY")" "200|{}"
st=$(it_curl - GET /rules/DE)
it_is "unauthenticated download (TXR-2869)" "$st" 401

# --- the worked example of section 5.3 (five versions) -------------------------
# ValidFrom 21.6 12:00, 21.6 14:00, 23.6 18:00, 24.6 09:00, 25.6 10:00, seen at
# 18.6 (all five), 23.6 22:00 (the last three) and 27.6 (only the last): the
# rows are moved with SQL so that the database's now is the instant asked.
reset
for i in 0 1 2 3 4; do
	mk w$i Version="\"1.0.$i\"" ValidFrom=@$((3 * D + i)) >/dev/null
done
it_is "five versions stored" "$(it_count validation_rule)" 5
# hours after 21.6 00:00 of each version
vfh=(12 14 66 81 106)
window_at() { # HOURS_AFTER_21_6_00
	local i
	for i in 0 1 2 3 4; do
		it_sql "UPDATE validation_rule SET valid_from = UTC_TIMESTAMP() + INTERVAL $(( (vfh[i] - $1) * 3600 )) SECOND WHERE version='1.0.$i'"
	done
	it_curl DE GET /rules/DE >/dev/null
	it_json -s , 'GR-DE-0001.*.version'
}
it_is "worked example at 18.6" "$(window_at -72)" "1.0.4,1.0.3,1.0.2,1.0.1,1.0.0"
it_is "worked example at 23.6 22:00" "$(window_at 70)" "1.0.4,1.0.3,1.0.2"
it_is "worked example at 27.6" "$(window_at 144)" "1.0.4"

# --- new version while the old one is valid (TXR-2863/3032/2884) -------------
reset
mk n1 >/dev/null
it_sql "UPDATE validation_rule SET valid_from = UTC_TIMESTAMP() - INTERVAL 1 DAY"
st=$(mk n2 Version='"1.1.0"')
it_is "new version (TXR-2863)" "$st" 201
it_curl DE GET /rules/DE >/dev/null
it_is "both listed while the new one is in the future (TXR-3032)" "$(it_json -s , 'GR-DE-0001.*.version')" "1.1.0,1.0.0"
it_sql "UPDATE validation_rule SET valid_from = UTC_TIMESTAMP() - INTERVAL 1 HOUR WHERE version='1.1.0'"
it_curl DE GET /rules/DE >/dev/null
it_is "only the new one once it is valid (TXR-2884)" "$(it_json -s , 'GR-DE-0001.*.version')" "1.1.0"

# --- the cache: hits, and invalidation by API and by SQL ----------------------
reset
mk k1 >/dev/null
for i in 1 2 3 4 5 6; do it_curl DE GET /rules/DE >/dev/null; done
it_log_has 'Rule list served from cache.*country="DE"'
it_is "cached list" "$(it_jlen)" 1
mk k2 Identifier='"GR-DE-0002"' >/dev/null
it_curl DE GET /rules/DE >/dev/null
it_is "an API upload is seen at once" "$(it_jlen)" 2
it_sql "DELETE FROM validation_rule WHERE rule_id='GR-DE-0002'"
it_curl DE GET /rules/DE >/dev/null
it_is "an SQL delete is seen at once" "$(it_jlen)" 1
it_sql "UPDATE validation_rule SET version='9.9.9'"
it_curl DE GET /rules/DE >/dev/null
it_is "an SQL update is seen at once" "$(it_json GR-DE-0001.0.version)" 9.9.9
del GR-DE-0001 >/dev/null
it_curl DE GET /rules/DE >/dev/null
it_is "an API delete is seen at once" "$(cat "$IT_BODY")" "{}"
# a cached list changes when a stored ValidFrom is reached, without any write
mk e1 >/dev/null
it_sql "UPDATE validation_rule SET valid_from = UTC_TIMESTAMP() - INTERVAL 1 DAY"
mk e2 Version='"1.0.1"' >/dev/null
it_sql "UPDATE validation_rule SET valid_from = UTC_TIMESTAMP() + INTERVAL 3 SECOND WHERE version='1.0.1'"
for i in 1 2 3 4 5; do it_curl DE GET /rules/DE >/dev/null; done
it_is "before the new ValidFrom: both" "$(it_jlen GR-DE-0001)" 2
sleep 4
it_curl DE GET /rules/DE >/dev/null
it_is "after it: only the new version" "$(it_json -s , 'GR-DE-0001.*.version')" "1.0.1"

it_done
