#!/usr/bin/env bash
# Revocation batches through nginx with mTLS, openssl cms + curl as the
# client: the reference's CertificateRevocationListIntegrationTest, the
# TXR-4896..4907 and 5702 cases, CertificateRevocationListCleanupTest
# (dgcg-admin purge, also run concurrently), and the 5,500-batch listing.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start

text() { printf '%s' "$2" > "$W/$1"; printf '%s' "$W/$1"; }
upload() { it_curl "$1" POST /revocation-list -H "Content-Type: ${3:-application/cms-text}" --data-binary @"$2"; }
delete() { it_curl "$1" "${3:-DELETE}" "${4:-/revocation-list}" -H 'Content-Type: application/cms-text' --data-binary @"$2"; }
future=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)

# Roles: DE all three, FR all three (for the other-country cases), IE none.
it_ok "grant DE all roles" it_roles DE
it_ok "grant FR all roles" it_roles FR

# --- upload -------------------------------------------------------------------------
it_batch "$W/b1.json" DE "$future" SIGNATURE 500 "9cWXDDA52FQ="
body1=$(it_cms "$W/b1.json" DE)
a0=$(it_count audit_event)
st=$(upload DE "$body1")
it_is "upload SIGNATURE batch, 500 entries (TXR-4898)" "$st" 201
B1=$(it_header ETag)
it_like "ETag is the new batch id" "$B1" '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
it_is "no body on 201" "$(wc -c <"$IT_BODY")" 0
it_is "stored row" "$(it_sql "SELECT CONCAT_WS('|', country, type, kid, deleted, DATE_FORMAT(expires, '%Y-%m-%dT%H:%i:%sZ'), TIMESTAMPDIFF(SECOND, changed, UTC_TIMESTAMP()) < 60) FROM revocation_batch WHERE batch_id='$B1'")" \
	"DE|SIGNATURE|9cWXDDA52FQ=|0|$future|1"
it_is "stored CMS is the body as sent" "$(it_sql "SELECT signed_batch FROM revocation_batch WHERE batch_id='$B1'")" "$(cat "$body1")"
it_is "audit +1" "$(it_count audit_event)" $((a0 + 1))
it_is "audit CREATED row" "$(it_sql "SELECT CONCAT_WS('|', country, event, description, uploader_sha256_fingerprint, authentication_sha256_fingerprint) FROM audit_event ORDER BY id DESC LIMIT 1")" \
	"DE|CREATED|Uploaded Revocation Batch ($B1)|$(it_thumb_pem "$PKI/DE/upload.pem")|$(it_thumb_pem "$PKI/DE/auth.pem")"
it_sql "SELECT signed_batch FROM revocation_batch WHERE batch_id='$B1'" | base64 -d > "$W/stored.der"
it_ok "stored CMS verifies with the upload cert and holds the batch" bash -c \
	"openssl cms -verify -binary -inform DER -in '$W/stored.der' -noverify -certfile '$PKI/DE/upload.pem' -out '$W/stored.json' 2>/dev/null && cmp -s '$W/stored.json' '$W/b1.json'"
it_log_has "Saved new Revocation Batch Entity.*batchId=\"$B1\""

it_batch "$W/b2.json" DE "$future" UCI 500
st=$(upload DE "$(it_cms "$W/b2.json" DE)" application/cms)
it_is "upload UCI batch as application/cms (TXR-6004)" "$st" 201
B2=$(it_header ETag)
it_batch "$W/b3.json" DE "$future" COUNTRYCODEUCI 500 UNKNOWN_KID
st=$(it_curl DE POST /revocation-list -H 'Content-Type: application/cms-text; charset=utf-8' \
	-H 'Content-Transfer-Encoding: base64' --data-binary @"$(it_cms "$W/b3.json" DE)")
it_is "upload COUNTRYCODEUCI batch, charset and transfer-encoding ignored (TXR-6005)" "$st" 201
B3=$(it_header ETag)
it_is "kid UNKNOWN_KID stored" "$(it_sql "SELECT CONCAT(type, ' ', kid) FROM revocation_batch WHERE batch_id='$B3'")" "COUNTRYCODEUCI UNKNOWN_KID"
it_ok "batch ids differ" test "$B1" != "$B2" -a "$B2" != "$B3"

# Refusals: each with its status, code and text, no row, no audit event.
refused() { # name who bodyfile status code problem [details-regex]
	local a b st
	a=$(it_count audit_event); b=$(it_count revocation_batch)
	st=$(upload "$2" "$3")
	it_is "$1: status" "$st" "$4"
	it_is "$1: code" "$(it_json code)" "$5"
	it_is "$1: problem" "$(it_json problem)" "$6"
	[ -n "${7:-}" ] && it_like "$1: details" "$(it_json details)" "$7"
	it_is "$1: no row" "$(it_count revocation_batch)" "$b"
	it_is "$1: no audit" "$(it_count audit_event)" "$a"
}
refused "payload randomBadString" DE "$(it_cms "$(text bad.txt randomBadString)" DE)" \
	400 0x000 "JSON Could not be parsed" "JSON could not be parsed"
it_batch "$W/kid.json" DE "$future" UCI 2 KIDWHICHISWAYTOLONGTOPASS
refused "kid too long" DE "$(it_cms "$W/kid.json" DE)" 400 0x000 "Batch has invalid values." \
	"kid: size must be between 11 and 12"
for h in ccccccccccccccccccccccccA __thisIsNoValidBase64___ "$(head -c 17 /dev/urandom | base64)"; do
	text "h.json" "{\"country\":\"DE\",\"expires\":\"$future\",\"hashType\":\"UCI\",\"entries\":[{\"hash\":\"$h\"}]}" >/dev/null
	refused "hash $h" DE "$(it_cms "$W/h.json" DE)" 400 0x000 "Batch has invalid values." "Batch Entry 0: hash"
done
text nohash.json "{\"country\":\"DE\",\"expires\":\"$future\",\"entries\":[{\"hash\":\"AAAAAAAAAAAAAAAAAAAAAA==\"}]}" >/dev/null
refused "hashType missing (reference: 500)" DE "$(it_cms "$W/nohash.json" DE)" 400 0x000 \
	"Batch has invalid values." "hashType: must not be null"
text noentries.json "{\"country\":\"DE\",\"expires\":\"$future\",\"hashType\":\"UCI\"}" >/dev/null
refused "entries missing (reference: 500)" DE "$(it_cms "$W/noentries.json" DE)" 400 0x000 \
	"Batch has invalid values." "entries: must not be null"
text noexp.json "{\"country\":\"DE\",\"hashType\":\"UCI\",\"entries\":[{\"hash\":\"AAAAAAAAAAAAAAAAAAAAAA==\"}]}" >/dev/null
refused "expires missing (reference: 500)" DE "$(it_cms "$W/noexp.json" DE)" 400 0x000 \
	"Batch has invalid values." "expires: must not be null"
it_batch "$W/xx.json" XX "$future" UCI 2
refused "country XX" DE "$(it_cms "$W/xx.json" DE)" 403 0x000 "Invalid Country sent" \
	"Country does not match your authentication."
it_batch "$W/expired.json" DE "$(date -u -d '-10 seconds' +%Y-%m-%dT%H:%M:%SZ)" UCI 2
refused "expired 10 s ago (TXR-4901, issue #157)" DE "$(it_cms "$W/expired.json" DE)" 400 0x000 "Invalid Dates"
it_batch "$W/big.json" DE "$future" UCI 1001
refused "1001 entries (TXR-4902)" DE "$(it_cms "$W/big.json" DE)" 400 0x000 "Batch has invalid values." \
	"entries: size must be between 1 and 1000"
it_batch "$W/ht.json" DE "$future" "INVALID TYPE" 2
refused "hashType INVALID TYPE (TXR-4903)" DE "$(it_cms "$W/ht.json" DE)" 400 0x000 "JSON Could not be parsed"
it_batch "$W/de.json" DE "$future" UCI 2
refused "signed by another country's upload cert" DE "$(it_cms "$W/de.json" FR)" 403 0x000 \
	"Invalid Upload Certificate" "not a valid/ allowed upload certificate"
it_like "Invalid Upload Certificate sendValue is the signer" "$(it_json sendValue)" "CN=FR upload"
refused "signed by the CSCA" DE "$(it_cms "$W/de.json" "$PKI/DE/csca")" 403 0x000 "Invalid Upload Certificate"
refused "FR uploads a DE batch with its own upload cert (TXR-4900)" FR "$(it_cms "$W/de.json" FR)" \
	403 0x000 "Invalid Country sent"
refused "not base64" DE "$(text nb64.b64 'not base64!')" 400 0x402 "Invalid Base64 CMS Message"
it_tamper "$(it_cms "$W/de.json" DE)" "$W/tampered.b64" -20
refused "tampered signature" DE "$W/tampered.b64" 400 0x260 "CMS signature is invalid"
it_cms "$W/de.json" DE "$W/detached.b64" --detached
refused "detached CMS" DE "$W/detached.b64" 400 0x402 \
	"CMS Message needs to contain the signed payload (attached, e.g. openssl cms -sign -nodetach)"
st=$(upload DE "$(it_cms "$W/de.json" DE)" application/json)
it_is "wrong content type" "$st:$(it_json code)" "415:0x415"
st=$(it_curl - POST /revocation-list -H 'Content-Type: application/cms-text' --data-binary @"$body1")
it_is "unauthenticated (TXR-4897)" "$st" 401

# --- list (TXR-4896, 5702) ------------------------------------------------------------
st=$(it_curl DE GET /revocation-list)
it_is "list without If-Modified-Since" "$st:$(it_json code)" "400:0x001"
st=$(it_curl DE GET /revocation-list -H "If-Modified-Since: $(date -u -d '+10 minutes' +%Y-%m-%dT%H:%M:%SZ)")
it_is "list with IMS in the future" "$st:$(it_json code):$(it_json problem)" "400::IfModifiedSince must be in past"
st=$(it_curl DE GET /revocation-list -H "If-Modified-Since: yesterday")
it_is "list with a malformed IMS" "$st:$(it_json code)" "400:0x001"
it_sql "UPDATE revocation_batch SET changed = UTC_TIMESTAMP() - INTERVAL 3 DAY WHERE batch_id='$B3'"
st=$(it_curl IE GET /revocation-list -H "If-Modified-Since: $(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)")
it_is "IE has no READER role" "$st:$(it_json code)" "403:0x403"
st=$(it_curl FR GET /revocation-list -H "If-Modified-Since: $(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)")
it_is "list since 1 day: another country reads it" "$st:$(it_jlen batches)" "200:2"
it_ok "list since 1 day: exactly B1 and B2, shape" it_shape ':more,batches' 'more=false' \
	"batches.*.batchId@$B1,$B2" 'batches.*:batchId,country,date,deleted' 'batches.*.country="DE"' \
	'batches.*.deleted=false' 'batches.*.date~time' 'batches.*.date^'
st=$(it_curl DE GET /revocation-list -H "If-Modified-Since: $(date -u -d '-7 days' +%Y-%m-%dT%H:%M:%SZ)")
it_is "list since 7 days holds the older batch too" "$st:$(it_jlen batches)" "200:3"
it_is "the oldest comes first" "$(it_json batches.0.batchId)" "$B3"
st=$(it_curl DE GET /revocation-list -H "If-Modified-Since: $(date -u -d '-7 days' '+%a, %d %b %Y %H:%M:%S GMT')")
it_is "IMS in RFC 1123 form (reference: 400, its #174)" "$st:$(it_jlen batches)" "200:3"
st=$(it_curl DE GET /revocation-list -H "If-Modified-Since: $(date -u -d '-7 days' +%Y-%m-%dT%H:%M:%S+02:00)")
it_is "IMS with an offset" "$st" 200
last=$(it_sql "SELECT DATE_FORMAT(MAX(changed), '%Y-%m-%dT%H:%i:%sZ') FROM revocation_batch")
st=$(it_curl DE GET /revocation-list -H "If-Modified-Since: $last")
it_is "IMS = the newest change: 204, strictly newer only" "$st:$(wc -c <"$IT_BODY")" "204:0"
# The three HTTP-date forms of RFC 9110 5.6.7 answer what the same instant in ISO-8601 does;
# a 1st of the month, so that the IMF-fixdate has a 1-digit day.
first=2021-06-01T00:00:00Z
st=$(it_curl DE GET /revocation-list -H "If-Modified-Since: $first"); want="$st:$(it_jlen batches)"
cp "$IT_BODY" "$W/ims_first.json"
it_is "IMS ISO-8601 $first" "$want" "200:3"
while IFS='|' read -r name fmt; do
	ims=$(LC_ALL=C date -u -d "$first" "+$fmt")
	st=$(it_curl DE GET /revocation-list -H "If-Modified-Since: $ims")
	it_is "IMS $name ($ims)" "$st:$(it_jlen batches)" "$want"
	it_ok "IMS $name: the same batches" cmp "$IT_BODY" "$W/ims_first.json"
	ims=$(LC_ALL=C date -u -d '-7 days' "+$fmt")
	st=$(it_curl DE GET /revocation-list -H "If-Modified-Since: $ims")
	it_is "IMS $name, 7 days ago" "$st:$(it_jlen batches)" "200:3"
	ims=$(LC_ALL=C date -u -d "$last" "+$fmt")
	st=$(it_curl DE GET /revocation-list -H "If-Modified-Since: $ims")
	it_is "IMS $name = the newest change: 204" "$st:$(wc -c <"$IT_BODY")" "204:0"
done <<'EOF2'
IMF-fixdate, 1-digit day|%a, %-d %b %Y %H:%M:%S GMT
RFC 850|%A, %d-%b-%y %H:%M:%S GMT
asctime, space-padded day|%a %b %e %H:%M:%S %Y
EOF2
st=$(it_curl DE GET /revocation-list -H "If-Modified-Since: Wednesday, 01-Jun-21 00:00:00 GMT")
it_is "IMS RFC 850 with the wrong weekday" "$st:$(it_json code)" "400:0x001"
st=$(it_curl DE GET /revocation-list -H "If-Modified-Since: Tue, 1 Jun 2021 00:00:00 gmt")
it_is "IMS IMF-fixdate with gmt in lower case" "$st:$(it_json code)" "400:0x001"

# --- download -------------------------------------------------------------------------
st=$(it_curl FR GET "/revocation-list/$B1" -H 'Accept: application/cms')
it_is "download (Accept application/cms)" "$st" 200
it_is "download body is the stored CMS" "$(cat "$IT_BODY")" "$(cat "$body1")"
it_is "download ETag" "$(it_header ETag)" "$B1"
it_like "download content type" "$(it_header Content-Type)" '^application/cms$'
base64 -d "$IT_BODY" > "$W/dl.der"
it_ok "downloaded CMS verifies with the upload cert" openssl cms -verify -binary -inform DER -in "$W/dl.der" \
	-noverify -certfile "$PKI/DE/upload.pem" -out /dev/null
it_log_has "Revocation Batch downloaded.*downloadedCountry=\"DE\".*downloaderCountry=\"FR\".*downloadedBatchId=\"$B1\""
st=$(it_curl DE GET "/revocation-list/$B1" -H 'Accept: application/cms-text')
it_is "download as cms-text" "$st:$(it_header Content-Type)" "200:application/cms-text"
st=$(it_curl DE GET "/revocation-list/$B1")
it_is "download with curl's Accept */*" "$st:$(it_header Content-Type)" "200:application/cms-text"
st=$(it_curl DE GET "/revocation-list/$B1" -H 'Accept: application/json')
it_is "download with Accept application/json (reference: 403 quirk)" "$st:$(it_json code)" "406:0x406"
st=$(it_curl DE GET /revocation-list/thisIsNotAnUUID)
it_is "download thisIsNotAnUUID" "$st:$(it_json code)" "400:0x001"
st=$(it_curl DE GET "/revocation-list/$(tr a-f A-F <<<"$B1")")
it_is "download with an upper-case UUID" "$st:$(it_json code)" "400:0x001"
st=$(it_curl DE GET "/revocation-list/$(cat /proc/sys/kernel/random/uuid)")
it_is "download an unknown batch" "$st:$(it_json code):$(it_json problem)" "404:0x000:Batch does not exist."
st=$(it_curl IE GET "/revocation-list/$B1")
it_is "download without READER (TXR-4906)" "$st:$(it_json code)" "403:0x403"
st=$(it_curl - GET "/revocation-list/$B1")
it_is "download unauthenticated" "$st" 401

# --- delete ---------------------------------------------------------------------------
delbody() { text "del-$1.json" "{\"batchId\":\"$1\"}" >/dev/null; it_cms "$W/del-$1.json" "${2:-DE}"; }
a0=$(it_count audit_event)
st=$(delete FR "$(delbody "$B1" FR)")
it_is "FR deletes DE's batch (TXR-4907, issue #149)" "$st:$(it_json code):$(it_json problem)" "403:0x000:Invalid Country sent"
it_is "DE's batch untouched" "$(it_sql "SELECT CONCAT(deleted, ' ', signed_batch IS NOT NULL) FROM revocation_batch WHERE batch_id='$B1'")" "0 1"
st=$(delete IE "$(delbody "$B1" IE)")
it_is "delete without DELETER role" "$st:$(it_json code)" "403:0x403"
st=$(delete DE "$(delbody "$B1" FR)")
it_is "delete signed by another country's upload cert" "$st:$(it_json code):$(it_json problem)" "403:0x000:Invalid Upload Certificate"
it_tamper "$(delbody "$B1")" "$W/deltampered.b64" -20
st=$(delete DE "$W/deltampered.b64")
it_is "delete with a signature that does not verify" "$st:$(it_json code)" "400:0x260"
st=$(delete DE "$(it_cms "$(text delbad.txt randomString)" DE)")
it_is "delete: payload not JSON" "$st:$(it_json code):$(it_json problem)" "400:0x000:JSON Could not be parsed"
st=$(delete DE "$(it_cms "$(text delnouuid.json '{"batchId":"ThisIsNotAnUUID"}')" DE)")
it_is "delete: batchId ThisIsNotAnUUID" "$st:$(it_json code):$(it_json problem)" "400:0x000:Delete Request has invalid values."
st=$(delete DE "$(delbody "$(cat /proc/sys/kernel/random/uuid)")")
it_is "delete an unknown batch" "$st:$(it_json code):$(it_json problem)" "404:0x000:Batch does not exists."
it_is "no audit for refused deletes" "$(it_count audit_event)" "$a0"
st=$(delete DE "$(delbody "$B1")")
it_is "delete (TXR-4904)" "$st" 204
it_is "deleted row kept as a tombstone" "$(it_sql "SELECT CONCAT_WS('|', deleted, signed_batch IS NULL, TIMESTAMPDIFF(SECOND, changed, UTC_TIMESTAMP()) < 60) FROM revocation_batch WHERE batch_id='$B1'")" "1|1|1"
it_is "delete audited" "$(it_sql "SELECT CONCAT_WS('|', event, description, uploader_sha256_fingerprint) FROM audit_event ORDER BY id DESC LIMIT 1")" \
	"DELETED|Deleted Revocation Batch ($B1)|$(it_thumb_pem "$PKI/DE/upload.pem")"
st=$(delete DE "$(delbody "$B1")")
it_is "delete again" "$st:$(it_json code):$(it_json problem)" "410:0x000:Batch is already deleted."
st=$(delete DE "$(delbody "$B2")" POST /revocation-list/delete)
it_is "delete with POST /revocation-list/delete (TXR-4905)" "$st" 204
st=$(it_curl DE GET "/revocation-list/$B1")
it_is "download a deleted batch" "$st:$(it_json code):$(it_json problem)" "410:0x000:Batch already deleted."
st=$(it_curl DE GET /revocation-list -H "If-Modified-Since: $(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)")
it_ok "deleted batches show in the list as deleted" it_shape "batches.*.batchId@$B1,$B2" \
	'batches.*.deleted=true'

# --- housekeeping (CertificateRevocationListCleanupTest) --------------------------------
it_sql "DELETE FROM revocation_batch"
ins() { # batch_id expires-offset deleted changed-offset
	it_sql "INSERT INTO revocation_batch (batch_id, country, changed, expires, deleted, type, kid, signed_batch) VALUES ('$1', 'DE', UTC_TIMESTAMP() $4, UTC_TIMESTAMP() $2, $3, 'UCI', NULL, IF($3, NULL, 'MIIB'))"
}
E5=00000000-0000-4000-8000-000000000001; E2=00000000-0000-4000-8000-000000000002
D5=00000000-0000-4000-8000-000000000003; D16=00000000-0000-4000-8000-000000000004
ins $E5 "- INTERVAL 5 DAY" 0 "- INTERVAL 20 DAY"
ins $E2 "+ INTERVAL 2 DAY" 0 "- INTERVAL 20 DAY"
ins $D5 "+ INTERVAL 9 DAY" 1 "- INTERVAL 5 DAY"
ins $D16 "+ INTERVAL 9 DAY" 1 "- INTERVAL 16 DAY"
# SignerInformationCleanUpServiceTest: the same command purges DSC tombstones.
dsc() { # thumbprint-digit deleted_at signature
	it_sql "INSERT INTO signer_information (created_at, deleted_at, country, thumbprint, raw_data, signature, certificate_type) VALUES (UTC_TIMESTAMP() - INTERVAL 30 DAY, $2, 'DE', '$(printf "%064d" "$1")', 'AA==', $3, 'DSC')"
}
dsc 1 "UTC_TIMESTAMP() - INTERVAL 21 DAY" NULL
dsc 2 "UTC_TIMESTAMP() - INTERVAL 3 DAY" NULL
dsc 3 NULL "'MIIB'"
out=$(it_admin purge); rc=$?
it_is "purge exit" "$rc" 0
it_like "purge: DSC tombstones" "$out" "purged 1 signer certificate tombstones older than 14 days"
it_is "DSC deleted 21 days ago purged, 3 days ago and live kept" \
	"$(it_sql "SELECT GROUP_CONCAT(RIGHT(thumbprint, 1) ORDER BY thumbprint) FROM signer_information WHERE thumbprint LIKE '00000000%'")" "2,3"
it_like "purge: one expired batch marked" "$out" "marked 1 expired revocation batches deleted"
it_like "purge: one tombstone purged" "$out" "purged 1 revocation batch tombstones older than 14 days"
it_is "expired 5 days ago: marked deleted now" "$(it_sql "SELECT CONCAT_WS('|', deleted, signed_batch IS NULL, TIMESTAMPDIFF(SECOND, changed, UTC_TIMESTAMP()) < 60) FROM revocation_batch WHERE batch_id='$E5'")" "1|1|1"
it_is "expiring in 2 days: untouched" "$(it_sql "SELECT CONCAT_WS('|', deleted, signed_batch, TIMESTAMPDIFF(DAY, changed, UTC_TIMESTAMP())) FROM revocation_batch WHERE batch_id='$E2'")" "0|MIIB|20"
it_is "deleted 5 days ago: kept" "$(it_sql "SELECT COUNT(*) FROM revocation_batch WHERE batch_id='$D5'")" 1
it_is "deleted 16 days ago: purged" "$(it_sql "SELECT COUNT(*) FROM revocation_batch WHERE batch_id='$D16'")" 0
st=$(it_curl DE GET /revocation-list -H "If-Modified-Since: $(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)")
it_is "the expired batch shows as a tombstone in the list" "$st:$(it_json batches | grep -c "\"$E5\", \"country\": \"DE\", \"date\": \"[^\"]*\", \"deleted\": true")" "200:1"
it_is "the job lock is released" "$(it_sql "SELECT lock_until <= UTC_TIMESTAMP(3) FROM shedlock WHERE name='revocation_batch_cleanup'")" 1
out=$(it_admin purge --days 3); rc=$?
it_like "purge --days 3 removes the 5-day-old tombstone" "$rc:$out" "^0:.*purged 1 revocation batch tombstones older than 3 days"

# Another host holds the lock: this run skips the batch part and changes nothing.
ins 00000000-0000-4000-8000-000000000005 "- INTERVAL 1 DAY" 0 "- INTERVAL 1 DAY"
it_sql "UPDATE shedlock SET lock_until = UTC_TIMESTAMP(3) + INTERVAL 1 HOUR, locked_by = 'other-host' WHERE name='revocation_batch_cleanup'"
out=$(it_admin purge); rc=$?
it_like "purge while another host holds the lock" "$rc:$out" "^0:.*revocation batch cleanup skipped: another run holds the lock revocation_batch_cleanup"
it_is "nothing marked while locked" "$(it_sql "SELECT deleted FROM revocation_batch WHERE batch_id='00000000-0000-4000-8000-000000000005'")" 0
it_is "the other host's lock is left alone" "$(it_sql "SELECT locked_by FROM shedlock WHERE name='revocation_batch_cleanup'")" other-host
it_sql "UPDATE shedlock SET lock_until = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE name='revocation_batch_cleanup'"
out=$(it_admin purge); rc=$?
it_like "purge takes over an expired lock" "$rc:$out" "^0:.*marked 1 expired revocation batches deleted"
it_like "lock taken by this host" "$(it_sql "SELECT locked_by FROM shedlock WHERE name='revocation_batch_cleanup'")" "^dgcg-admin "

# Several hosts at once: every run succeeds, the work is done exactly once.
it_sql "INSERT INTO revocation_batch (batch_id, country, changed, expires, deleted, type, kid, signed_batch) SELECT CONCAT(LPAD(seq, 8, '0'), '-1111-4111-8111-111111111111'), 'FR', UTC_TIMESTAMP() - INTERVAL 1 DAY, UTC_TIMESTAMP() - INTERVAL 1 HOUR, 0, 'UCI', NULL, 'MIIB' FROM seq_1_to_300"
it_sql "INSERT INTO revocation_batch (batch_id, country, changed, expires, deleted, type, kid, signed_batch) SELECT CONCAT(LPAD(seq, 8, '0'), '-2222-4222-8222-222222222222'), 'FR', UTC_TIMESTAMP() - INTERVAL 30 DAY, UTC_TIMESTAMP() + INTERVAL 1 DAY, 1, 'UCI', NULL, NULL FROM seq_1_to_200"
pids=()
for i in 1 2 3 4; do
	( "$DGCG_ADMIN" -c "$DGCG_CONFIG" purge >"$W/purge.$i.out" 2>"$W/purge.$i.err"; echo $? >"$W/purge.$i.rc" ) &
	pids+=($!)
done
wait "${pids[@]}"	# only these: the stack's servers are children of this shell too
ok=1; marked=0; purged=0; skipped=0
for i in 1 2 3 4; do
	cat "$W/purge.$i.err" >>"$IT_DIR/log/admin.log"
	[[ "$(cat "$W/purge.$i.rc")" == 0 ]] || ok=0
	m=$(sed -n 's/^marked \([0-9]*\) expired.*/\1/p' "$W/purge.$i.out"); marked=$((marked + ${m:-0}))
	p=$(sed -n 's/^purged \([0-9]*\) revocation.*/\1/p' "$W/purge.$i.out"); purged=$((purged + ${p:-0}))
	grep -q skipped "$W/purge.$i.out" && skipped=$((skipped + 1))
done
it_is "4 concurrent purges all succeed" "$ok" 1
it_is "300 expired batches marked once in total" "$marked" 300
it_is "200 old tombstones purged once in total" "$purged" 200
it_is "each run either worked or skipped" "$(( skipped + $(grep -l '^marked' "$W"/purge.*.out | wc -l) ))" 4
it_is "state after the concurrent purges" "$(it_sql "SELECT CONCAT(SUM(deleted = 1 AND signed_batch IS NULL), ' ', COUNT(*)) FROM revocation_batch WHERE country = 'FR'")" "300 300"

# --- 5,500 batches, half deleted, paged (TXR-5702) --------------------------------------
it_sql "DELETE FROM revocation_batch"
it_sql "INSERT INTO revocation_batch (batch_id, country, changed, expires, deleted, type, kid, signed_batch) SELECT CONCAT(LPAD(LOWER(HEX(seq)), 8, '0'), '-0000-4000-8000-', LPAD(seq, 12, '0')), IF(seq % 3 = 0, 'FR', 'DE'), UTC_TIMESTAMP() - INTERVAL 2 DAY + INTERVAL seq SECOND, UTC_TIMESTAMP() + INTERVAL 30 DAY, seq % 2, 'SIGNATURE', NULL, IF(seq % 2, NULL, 'MIIB') FROM seq_1_to_5500"
first=$(it_sql "SELECT DATE_FORMAT(MIN(changed) - INTERVAL 1 SECOND, '%Y-%m-%dT%H:%i:%sZ') FROM revocation_batch")
ims=$first
: >"$W/pages"
for p in 1 2 3 4 5 6; do
	st=$(it_curl DE GET /revocation-list -H "If-Modified-Since: $ims")
	n=$(it_jlen batches); more=$(it_json more)
	if (( p <= 5 )); then
		it_is "page $p: 1000 batches, more" "$st:$n:$more" "200:1000:true"
	else
		it_is "page 6: the last 500, no more" "$st:$n:$more" "200:500:false"
	fi
	it_rows batches batchId date deleted >>"$W/pages"
	ims=$(it_json batches.-1.date)
done
st=$(it_curl DE GET /revocation-list -H "If-Modified-Since: $ims")
it_is "after the last page: 204" "$st:$(wc -c <"$IT_BODY")" "204:0"
it_is "5,500 distinct batches over the pages" "$(cut -d' ' -f1 "$W/pages" | sort -u | wc -l)" 5500
it_is "half of them deleted" "$(grep -c ' true$' "$W/pages")" 2750
it_ok "ascending by date across pages" bash -c "cut -d' ' -f2 '$W/pages' | sort -c"
it_is "the first is the oldest" "$(head -n1 "$W/pages" | cut -d' ' -f1)" "00000001-0000-4000-8000-000000000001"

it_done
