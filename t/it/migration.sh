#!/usr/bin/env bash
# CMS migration (reference-gateway.md section 8) through nginx with mTLS:
# the reference's CertificateMigrationControllerTest and TXR-6343..6347/6379,
# re-signing with a renewed upload certificate, and the gaps the reference
# left open: a DSC migration must carry the row's own certificate, and no
# country can migrate another country's rows. Refused attempts change
# nothing.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start

post() { it_curl "$1" POST /cms-migration -H 'Content-Type: application/json' --data-binary @"$2"; }
future=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)

it_ok "grant DE and FR the upload and delete roles" it_roles DE FR

# --- what DE and FR uploaded with their first upload certificates ----------------------
for cc in DE FR; do
	openssl x509 -in "$PKI/$cc/dsc.pem" -outform DER -out "$W/$cc-dsc.der"
	it_cms "$W/$cc-dsc.der" "$cc" "$W/$cc-dsc.b64"
	st=$(it_curl "$cc" POST /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$W/$cc-dsc.b64")
	it_is "$cc uploads its DSC" "$st" 201
	it_batch "$W/$cc-batch.json" "$cc" "$future" UCI AAAAAAAAAAAAAAAAAAAAAA==
	it_cms "$W/$cc-batch.json" "$cc" "$W/$cc-batch.b64"
	st=$(it_curl "$cc" POST /revocation-list -H 'Content-Type: application/cms-text' --data-binary @"$W/$cc-batch.b64")
	it_is "$cc uploads a batch" "$st" 201
	printf '{"Identifier":"GR-%s-0001","Version":"1.0.0"}' "$cc" > "$W/$cc-rule.json"
	it_cms "$W/$cc-rule.json" "$cc" "$W/$cc-rule.b64"
	it_sql "INSERT INTO validation_rule (created_at, rule_id, signature, valid_from, valid_to, version, country, type) VALUES (UTC_TIMESTAMP(), 'GR-$cc-0001', '$(cat "$W/$cc-rule.b64")', UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL 10 DAY, '1.0.0', '$cc', 'ACCEPTANCE')"
done
# a deleted DE batch and a deleted DE DSC stay out of the packages
it_batch "$W/DE-batch2.json" DE "$future" SIGNATURE BBBBBBBBBBBBBBBBBBBBBA==
st=$(it_curl DE POST /revocation-list -H 'Content-Type: application/cms-text' --data-binary @"$(it_cms "$W/DE-batch2.json" DE)")
B2=$(it_header ETag)
printf '{"batchId":"%s"}' "$B2" > "$W/del.json"
st=$(it_curl DE DELETE /revocation-list -H 'Content-Type: application/cms-text' --data-binary @"$(it_cms "$W/del.json" DE)")
it_is "second DE batch deleted" "$st" 204
it_dsc "$W/de-gone" "/C=DE/CN=DE deleted DSC" DE
it_cms "$W/de-gone.der" DE "$W/de-gone.b64"
st=$(it_curl DE POST /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$W/de-gone.b64")
st=$(it_curl DE DELETE /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$W/de-gone.b64")
it_is "a DE DSC deleted" "$st" 204

DSC_DE=$(it_sql "SELECT id FROM signer_information WHERE thumbprint='$(it_thumb_pem "$PKI/DE/dsc.pem")'")
DSC_FR=$(it_sql "SELECT id FROM signer_information WHERE thumbprint='$(it_thumb_pem "$PKI/FR/dsc.pem")'")
DSC_GONE=$(it_sql "SELECT id FROM signer_information WHERE thumbprint='$(it_thumb_pem "$W/de-gone.pem")'")
RB_DE=$(it_sql "SELECT id FROM revocation_batch WHERE country='DE' AND deleted=0")
RB_DE_ID=$(it_sql "SELECT batch_id FROM revocation_batch WHERE id=$RB_DE")
RB_FR=$(it_sql "SELECT id FROM revocation_batch WHERE country='FR'")
RB_GONE=$(it_sql "SELECT id FROM revocation_batch WHERE batch_id='$B2'")
VR_DE=$(it_sql "SELECT id FROM validation_rule WHERE country='DE'")
VR_FR=$(it_sql "SELECT id FROM validation_rule WHERE country='FR'")

# --- GET /cms-migration (TXR-6343) ---------------------------------------------------------
st=$(it_curl DE GET /cms-migration)
it_is "GET /cms-migration" "$st" 200
it_ok "DE's packages: DSC, REVOCATION_LIST, VALIDATION_RULE, live ones only" it_shape \
	'*:cms,entityId,type' '#3' '0.type="DSC"' "0.entityId=$DSC_DE" '1.type="REVOCATION_LIST"' \
	"1.entityId=$RB_DE" '2.type="VALIDATION_RULE"' "2.entityId=$VR_DE" \
	"1.cms=@$W/DE-batch.b64" "2.cms=@$W/DE-rule.b64"
it_json 0.cms | base64 -d > "$W/pkg-dsc.der"
it_ok "the DSC package is the attached upload CMS and verifies" bash -c \
	"openssl cms -verify -binary -inform DER -in '$W/pkg-dsc.der' -noverify -certfile '$PKI/DE/upload.pem' -out '$W/pkg-dsc.content' 2>/dev/null && cmp -s '$W/pkg-dsc.content' '$W/DE-dsc.der'"
st=$(it_curl IE GET /cms-migration)
it_is "a country without uploads gets []" "$st:$(cat "$IT_BODY")" "200:[]"
st=$(it_curl FR GET /cms-migration)
it_is "FR sees only its own three" "$st:$(it_json '*.entityId')" \
	"200:$DSC_FR $RB_FR $VR_FR"
st=$(it_curl - GET /cms-migration)
it_is "unauthenticated" "$st" 401

# --- a renewed DE upload certificate ------------------------------------------------------
it_selfsigned "$W/up2" "/C=DE/O=dgcg demo/CN=DE upload 2"
it_ok "onboard the second DE upload certificate" it_onboard DE UPLOAD "$W/up2.pem"

snapshot() { it_sql "SET SESSION group_concat_max_len = 1000000; SELECT CONCAT_WS('|', (SELECT GROUP_CONCAT(CONCAT_WS(',', id, thumbprint, MD5(raw_data), MD5(COALESCE(signature, ''))) ORDER BY id) FROM signer_information), (SELECT GROUP_CONCAT(CONCAT_WS(',', id, MD5(COALESCE(signed_batch, '')), changed, deleted) ORDER BY id) FROM revocation_batch), (SELECT GROUP_CONCAT(CONCAT_WS(',', id, MD5(signature)) ORDER BY id) FROM validation_rule))"; }
# refused NAME WHO FILE STATUS CODE: the answer, and nothing changed or audited
refused() {
	local before a st
	before=$(snapshot); a=$(it_count audit_event)
	st=$(post "$2" "$3")
	it_is "$1" "$st:$(it_json code)" "$4:$5"
	it_is "$1: nothing changed" "$(snapshot)" "$before"
	it_is "$1: no audit" "$(it_count audit_event)" "$a"
}

# --- DSC (TXR-6344) --------------------------------------------------------------------------
it_package "$W/p.json" DSC "$DSC_DE" "$(it_cms "$W/DE-dsc.der" "$W/up2" -)"
cp "$W/p.json" "$W/p-dsc-ok.json"
it_package "$W/p-unknown.json" DSC 999999 "$(it_cms "$W/DE-dsc.der" "$W/up2" -)"
refused "DSC: unknown id" DE "$W/p-unknown.json" 409 0x010
it_is "DSC: unknown id problem" "$(it_json problem)" "Certificate to be updated does not exist."
it_package "$W/p-gone.json" DSC "$DSC_GONE" "$(it_cms "$W/de-gone.der" "$W/up2" -)"
refused "DSC: a deleted DSC" DE "$W/p-gone.json" 409 0x010
it_package "$W/p-bad.json" DSC "$DSC_DE" "bm90IGEgQ01T"
refused "DSC: bad CMS (no 0x402 on this path)" DE "$W/p-bad.json" 400 0x260
it_is "DSC: bad CMS problem" "$(it_json problem)" "CMS signature is invalid"
it_package "$W/p-text.json" DSC "$DSC_DE" "$(it_cms "$W/DE-rule.json" "$W/up2" -)"
refused "DSC: a CMS with a text payload" DE "$W/p-text.json" 400 0x260
it_dsc "$W/de-other" "/C=DE/CN=another DE DSC" DE
it_package "$W/p-swap.json" DSC "$DSC_DE" "$(it_cms "$W/de-other.der" "$W/up2" -)"
refused "DSC: another certificate for the row (reference: accepted)" DE "$W/p-swap.json" 400 0x004
it_like "DSC: another certificate details" "$(it_json details)" "cannot replace a certificate"
it_package "$W/p-fr.json" DSC "$DSC_FR" "$(it_cms "$W/FR-dsc.der" "$W/up2" -)"
refused "DSC: DE migrates FR's DSC (reference: accepted)" DE "$W/p-fr.json" 400 0x004
it_like "DSC: FR's row details" "$(it_json details)" "belongs to another country"
it_package "$W/p-fr2.json" DSC "$DSC_FR" "$(it_cms "$W/FR-dsc.der" FR -)"
refused "DSC: DE migrates FR's DSC with FR's upload cert" DE "$W/p-fr2.json" 400 0x004
it_package "$W/p-frup.json" DSC "$DSC_DE" "$(it_cms "$W/DE-dsc.der" FR -)"
refused "DSC: signed by another country's upload cert" DE "$W/p-frup.json" 400 0x004
it_like "DSC: upload cert details" "$(it_json details)" "Could not find upload certificate"
a0=$(it_count audit_event)
st=$(post DE "$W/p-dsc-ok.json")
it_is "DSC update with the new upload cert" "$st" 204
it_is "DSC: raw data and thumbprint kept" "$(it_sql "SELECT CONCAT(raw_data = '$(base64 -w0 "$W/DE-dsc.der")', ' ', thumbprint) FROM signer_information WHERE id=$DSC_DE")" \
	"1 $(it_thumb_pem "$PKI/DE/dsc.pem")"
it_sql "SELECT signature FROM signer_information WHERE id=$DSC_DE" | base64 -d > "$W/newsig.der"
it_ok "DSC: the stored signature is detached and verifies with the new upload cert" openssl cms -verify -binary \
	-inform DER -in "$W/newsig.der" -content "$W/DE-dsc.der" -noverify -certfile "$W/up2.pem" -out /dev/null
openssl cms -verify -binary -inform DER -in "$W/newsig.der" -content "$W/DE-dsc.der" -noverify \
	-signer "$W/newsig-signer.pem" -out /dev/null 2>/dev/null
it_is "DSC: ... whose signer is the new upload cert" "$(it_thumb_pem "$W/newsig-signer.pem")" "$(it_thumb_pem "$W/up2.pem")"
it_is "DSC: audited" "$(it_count audit_event):$(it_sql "SELECT CONCAT_WS('|', event, description, uploader_sha256_fingerprint) FROM audit_event ORDER BY id DESC LIMIT 1")" \
	"$((a0 + 1)):UPDATED|Updated Signer Certificate ($DSC_DE)|$(it_thumb_pem "$W/up2.pem")"
st=$(it_curl FR GET /trustList/DSC/DE)
it_json 0.signature | base64 -d > "$W/tl.der"
it_ok "DSC: the trust list serves the new signature" cmp -s "$W/tl.der" "$W/newsig.der"
it_is "FR's DSC untouched" "$(it_sql "SELECT signature FROM signer_information WHERE id=$DSC_FR" | base64 -d | openssl cms -verify -binary -inform DER -content "$W/FR-dsc.der" -noverify -certfile "$PKI/FR/upload.pem" -out /dev/null 2>/dev/null && echo ok)" ok

# --- REVOCATION_LIST (TXR-6346) ------------------------------------------------------------------
it_package "$W/p-rb-unknown.json" REVOCATION_LIST 999999 "$(it_cms "$W/DE-batch.json" "$W/up2" -)"
refused "batch: unknown id" DE "$W/p-rb-unknown.json" 409 0x020
it_is "batch: unknown id problem" "$(it_json problem)" "RevocationBatch to be updated does not exist."
it_package "$W/p-rb-gone.json" REVOCATION_LIST "$RB_GONE" "$(it_cms "$W/DE-batch2.json" "$W/up2" -)"
refused "batch: a deleted batch" DE "$W/p-rb-gone.json" 409 0x020
it_package "$W/p-rb-bad.json" REVOCATION_LIST "$RB_DE" "MIIBxyz"
refused "batch: bad CMS" DE "$W/p-rb-bad.json" 400 0x260
it_package "$W/p-rb-fr.json" REVOCATION_LIST "$RB_FR" "$(it_cms "$W/FR-batch.json" "$W/up2" -)"
refused "batch: DE migrates FR's batch" DE "$W/p-rb-fr.json" 400 0x021
it_is "batch: other country problem" "$(it_json problem)" "Invalid country"
sed 's/AAAAAAAAAAAAAAAAAAAAAA==/CCCCCCCCCCCCCCCCCCCCCA==/' "$W/DE-batch.json" > "$W/DE-batch-changed.json"
it_package "$W/p-rb-changed.json" REVOCATION_LIST "$RB_DE" "$(it_cms "$W/DE-batch-changed.json" "$W/up2" -)"
refused "batch: payload changed" DE "$W/p-rb-changed.json" 400 0x022
it_is "batch: payload changed problem" "$(it_json problem):$(it_json details)" "Json Payload invalid:New cms payload does not match present payload."
it_package "$W/p-rb-frup.json" REVOCATION_LIST "$RB_DE" "$(it_cms "$W/DE-batch.json" FR -)"
refused "batch: signed by another country's upload cert" DE "$W/p-rb-frup.json" 400 0x004
it_sql "UPDATE revocation_batch SET changed = UTC_TIMESTAMP() - INTERVAL 2 DAY WHERE id=$RB_DE"
newcms=$(it_cms "$W/DE-batch.json" "$W/up2" -)
it_package "$W/p-rb.json" REVOCATION_LIST "$RB_DE" "$newcms"
a0=$(it_count audit_event)
st=$(post DE "$W/p-rb.json")
it_is "batch update" "$st" 204
it_is "batch: CMS replaced, changed = now" "$(it_sql "SELECT CONCAT(signed_batch = '$newcms', ' ', TIMESTAMPDIFF(SECOND, changed, UTC_TIMESTAMP()) < 60) FROM revocation_batch WHERE id=$RB_DE")" "1 1"
it_is "batch: audited" "$(it_count audit_event):$(it_sql "SELECT CONCAT_WS('|', event, description) FROM audit_event ORDER BY id DESC LIMIT 1")" \
	"$((a0 + 1)):UPDATED|Updated Revocation Batch ($RB_DE_ID)"
st=$(it_curl FR GET /revocation-list -H "If-Modified-Since: $(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)")
it_like "batch: re-appears in the list" "$st:$(cat "$IT_BODY")" "^200:.*\"$RB_DE_ID\""
st=$(it_curl FR GET "/revocation-list/$RB_DE_ID" -H 'Accept: application/cms')
it_is "batch: download serves the new CMS" "$st:$(cat "$IT_BODY")" "200:$newcms"

# --- VALIDATION_RULE (TXR-6345, 6347, 6379) ---------------------------------------------------------
it_package "$W/p-vr-unknown.json" VALIDATION_RULE 999999 "$(it_cms "$W/DE-rule.json" "$W/up2" -)"
refused "rule: unknown id" DE "$W/p-vr-unknown.json" 409 0x030
it_is "rule: unknown id problem" "$(it_json problem)" "ValidationRule to be updated does not exist."
it_package "$W/p-vr-bad.json" VALIDATION_RULE "$VR_DE" "not base64!"
refused "rule: bad CMS" DE "$W/p-vr-bad.json" 400 0x260
it_package "$W/p-vr-fr.json" VALIDATION_RULE "$VR_FR" "$(it_cms "$W/FR-rule.json" "$W/up2" -)"
refused "rule: DE migrates FR's rule (TXR-6379)" DE "$W/p-vr-fr.json" 400 0x031
it_package "$W/p-vr-fr2.json" VALIDATION_RULE "$VR_FR" "$(it_cms "$W/FR-rule.json" FR -)"
refused "rule: DE sends FR's rule signed by FR's upload cert" DE "$W/p-vr-fr2.json" 400 0x004
printf '{"Identifier":"GR-DE-0001","Version":"1.0.1"}' > "$W/DE-rule-changed.json"
it_package "$W/p-vr-changed.json" VALIDATION_RULE "$VR_DE" "$(it_cms "$W/DE-rule-changed.json" "$W/up2" -)"
refused "rule: payload changed (TXR-6379)" DE "$W/p-vr-changed.json" 400 0x032
newcms=$(it_cms "$W/DE-rule.json" "$W/up2" -)
it_package "$W/p-vr.json" VALIDATION_RULE "$VR_DE" "$newcms"
a0=$(it_count audit_event)
st=$(post DE "$W/p-vr.json")
it_is "rule update" "$st" 204
it_is "rule: CMS replaced" "$(it_sql "SELECT signature = '$newcms' FROM validation_rule WHERE id=$VR_DE")" 1
it_is "rule: audited" "$(it_count audit_event):$(it_sql "SELECT CONCAT_WS('|', event, description) FROM audit_event ORDER BY id DESC LIMIT 1")" \
	"$((a0 + 1)):UPDATED|Updated Validation Rule ($VR_DE)"

# --- malformed packages ------------------------------------------------------------------------------
printf 'not json' > "$W/j1.json"
refused "body not JSON" DE "$W/j1.json" 400 0x001
printf '{"cms":"%s","entityId":%s}' "$newcms" "$VR_DE" > "$W/j2.json"
refused "type missing (reference: 204, nothing done)" DE "$W/j2.json" 400 0x001
printf '{"cms":"%s","entityId":%s,"type":"RULE"}' "$newcms" "$VR_DE" > "$W/j3.json"
refused "unknown type" DE "$W/j3.json" 400 0x001
printf '{"cms":"%s","type":"VALIDATION_RULE"}' "$newcms" > "$W/j4.json"
refused "entityId missing" DE "$W/j4.json" 400 0x001
printf '{"cms":"%s","entityId":-1,"type":"VALIDATION_RULE"}' "$newcms" > "$W/j5.json"
refused "negative entityId" DE "$W/j5.json" 400 0x001
printf '{"entityId":%s,"type":"VALIDATION_RULE"}' "$VR_DE" > "$W/j6.json"
refused "cms missing" DE "$W/j6.json" 400 0x260
printf '[{"cms":"%s","entityId":%s,"type":"VALIDATION_RULE"}]' "$newcms" "$VR_DE" > "$W/j7.json"
refused "an array" DE "$W/j7.json" 400 0x001
st=$(it_curl DE POST /cms-migration -H 'Content-Type: text/plain' --data-binary @"$W/p-vr.json")
it_is "wrong content type" "$st:$(it_json code)" "415:0x415"
st=$(it_curl - POST /cms-migration -H 'Content-Type: application/json' --data-binary @"$W/p-vr.json")
it_is "unauthenticated update" "$st" 401
printf '{"cms":"%s","entityId":"%s","type":"VALIDATION_RULE"}' "$newcms" "$VR_DE" > "$W/j8.json"
st=$(post DE "$W/j8.json")
it_is "entityId as a string of digits (as Jackson reads it)" "$st" 204

# The old upload certificate can be offboarded: migrated packages keep verifying.
it_ok "offboard the first DE upload certificate" it_admin offboard --cert "$PKI/DE/upload.pem"
st=$(it_curl FR GET /trustList/DSC/DE)
it_is "migrated DSC still served" "$st:$(it_jlen)" "200:1"

it_done
