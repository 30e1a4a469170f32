#!/usr/bin/env bash
# Federation between two local gateways (issue 16, item 4): the local stack
# (it_start) federates a source stack of its own (deploy/stack.sh in
# $IT_DIR/src, another PKI, MariaDB and port) with dgcg-admin federation:
#  1. the record: TNG's signed string, a wrong signature refused, list;
#  2. refusals before any download: no AUTHENTICATION_FEDERATION row (TNG
#     would trust any server), no client identity;
#  3. a run: the source's CSCA, UPLOAD and DSC rows stored with
#     source_gateway_id, one audit event, served with withFederation=true
#     and not without, not in the v1 lists unless federation_in_v1;
#  4. atomicity: an insert failing mid-replace (a trigger) leaves every old
#     row as it was (delete-then-insert would have lost them), the status
#     says why; then the run goes through;
#  5. the shrink guard: a source that dropped 2 of 9 rows is refused until
#     --accept-shrink;
#  6. a tampered record (one column changed in SQL) is refused, nothing is
#     downloaded; restored, it runs;
#  7. a federated AUTHENTICATION certificate does not authenticate;
#  8. the source stopped: the rows stay, retry_count and status recorded;
#  9. federation remove: the record and every row of and for it, audited.
# shellcheck disable=SC2317
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
STACK_COUNTRIES="DE FR"
STACK_POOLS=1
it_start
SRC=$IT_DIR/src
SRC_UP=0
# the source stack is stopped on every exit path; the test's status stays
_fed_exit() {
	local rc=$?
	(( SRC_UP )) && STACK_DIR=$SRC stack_down >/dev/null 2>&1
	(exit "$rc")
	_it_exit
}
trap _fed_exit EXIT
mkdir -p "$SRC"
if ! (STACK_DIR=$SRC STACK_PORT=0 stack_up) >"$W/src-up.log" 2>&1; then
	cat "$W/src-up.log"
	exit 99
fi
SRC_UP=1
mkdir -p "$SRC/it"
SRC_URL=$(. "$SRC/env" && printf '%s' "$DGCG_URL")
SRC_PKI=$(. "$SRC/env" && printf '%s' "$DGCG_PKI")
SRC_ACCESS=$(. "$SRC/env" && printf '%s' "$DGCG_NGINX_ACCESS_LOG")
# src CMD...: CMD with the t/lib.sh helpers pointed at the source stack
src() {
	(
		. "$SRC/env"
		PKI=$DGCG_PKI IT_DIR=$SRC IT_BODY=$SRC/it/body IT_HEADERS=$SRC/it/headers
		"$@"
	)
}
# signed METHOD PEM [CC]: upload (POST) or delete (DELETE) a DSC on the source
signed() {
	local cc=${3:-DE}
	openssl x509 -in "$2" -outform DER -out "$W/x.der"
	it_cms "$W/x.der" "$cc" "$W/x.b64"
	it_curl "$cc" "$1" /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$W/x.b64"
}
dsc() { src it_dsc "$W/$1" "/C=${2:-DE}/O=dgcg demo/CN=${2:-DE} $1" "${2:-DE}"; }
GW=gw-src
KID=src-client
run() { it_admin federation run --id "$GW" "$@" >"$W/run.out"; }
fed() { it_count "$1" "source_gateway_id='$GW'"; }
fcol() { it_sql "SELECT $1 FROM federation_gateway WHERE gateway_id='$GW'"; }
ids() { it_sql "SELECT CONCAT((SELECT GROUP_CONCAT(id ORDER BY id) FROM trusted_party WHERE source_gateway_id='$GW'), '/', (SELECT GROUP_CONCAT(id ORDER BY id) FROM signer_information WHERE source_gateway_id='$GW'))"; }
srcreq() { grep -c 'GET /trustList' "$SRC_ACCESS" 2>/dev/null || true; }
audits() { it_count audit_event "description LIKE 'federation%$GW%'"; }

printf '# at %s s: %s\n' "$SECONDS" "the source's data"
it_is "source: DE demo DSC uploaded" "$(src signed POST "$SRC_PKI/DE/dsc.pem")" 201
it_is "source: FR demo DSC uploaded" "$(src signed POST "$SRC_PKI/FR/dsc.pem" FR)" 201
for i in 1 2 3; do
	dsc "s$i" && st=$(src signed POST "$W/s$i.pem")
	it_is "source: DE DSC s$i uploaded" "$st" 201
done

printf '# at %s s: %s\n' "$SECONDS" "1. the record"
str=$(it_admin federation string --id "$GW" --endpoint "$SRC_URL" --kid "$KID")
it_is "signed string: TNG's fields, NULL as null" "$str" \
	"$GW;$SRC_URL;$KID;null;legacyDgcgDownloader_V1;FEDERATION;APPEND"
sig=$(it_ta_sign --string "$str")
other=$(it_ta_sign --string "$str;x")
it_not "a signature over another string is refused" \
	it_admin federation add --id "$GW" --endpoint "$SRC_URL" --kid "$KID" --interval 600 --signature "$other"
it_is "... nothing stored" "$(it_count federation_gateway)" 0
it_not "an endpoint that is not https is a usage error" \
	it_admin federation string --id "$GW" --endpoint "http://x" --kid "$KID"
it_ok "federation add" \
	it_admin federation add --id "$GW" --endpoint "$SRC_URL" --kid "$KID" --interval 600 --signature "$sig"
it_is "... its audit event" "$(it_count audit_event "event='CREATED' AND description='federation gateway $GW'")" 1
it_not "the same gateway again: exists (3)" \
	it_admin federation add --id "$GW" --endpoint "$SRC_URL" --kid "$KID" --interval 600 --signature "$sig"
it_like "list: the record verifies" "$(it_admin federation list)" "$GW +ok +v1 +600 "
# the source's trust anchor, onboarded here for the peer
tasig=$(it_ta_sign "$SRC_PKI/ta.pem")
it_ok "the source's trust anchor onboarded (TRUSTANCHOR, assigned)" \
	it_admin onboard --force --country EU --type TRUSTANCHOR --assigned-gateway "$GW" \
	--cert "$SRC_PKI/ta.pem" --signature "$tasig"

printf '# at %s s: %s\n' "$SECONDS" "2. refusals before any download"
before=$(srcreq)
run
it_is "no AUTHENTICATION_FEDERATION row: refused (1)" "$?" 1
it_like "... why" "$(cat "$W/run.out")" "no AUTHENTICATION_FEDERATION row assigned to $GW passes"
it_is "... nothing asked of the source" "$(srcreq)" "$before"
it_is "... retry_count 1, last_download set, never successful" \
	"$(fcol "CONCAT(retry_count, ' ', last_download IS NOT NULL, ' ', last_successful_download IS NULL)")" "1 1 1"
it_like "... status_message" "$(fcol status_message)" "TNG would trust any server"
pinsig=$(it_ta_sign "$SRC_PKI/server-ca.pem")
it_ok "the source's server CA (no C in its subject) onboarded (AUTHENTICATION_FEDERATION, assigned)" \
	it_admin onboard --force --country DE --type AUTHENTICATION_FEDERATION --assigned-gateway "$GW" \
	--cert "$SRC_PKI/server-ca.pem" --signature "$pinsig"
printf 'federation_key_dir = %s\n' "$W/keys" >>"$DGCG_CONFIG"
run
it_is "no client identity in federation_key_dir: failed (1)" "$?" 1
it_like "... why" "$(cat "$W/run.out")" "client identity .*$KID.pem"
mkdir -p "$W/keys"
cp "$SRC_PKI/DE/auth.pem" "$W/keys/$KID.pem"
cp "$SRC_PKI/DE/auth.key" "$W/keys/$KID.key"
chmod 600 "$W/keys/$KID.key"

printf '# at %s s: %s\n' "$SECONDS" "3. a run"
run
it_is "run: 0" "$?" 0
it_like "... report" "$(cat "$W/run.out")" "updated: 2 CSCA, 2 UPLOAD, 5 DSC stored \\(0 rows before\\), 0 rejected, 0 not stored"
it_is "trusted_party rows of the source: 2 CSCA, 2 UPLOAD" \
	"$(it_sql "SELECT GROUP_CONCAT(certificate_type ORDER BY certificate_type) FROM trusted_party WHERE source_gateway_id='$GW'")" \
	"CSCA,CSCA,UPLOAD,UPLOAD"
it_is "signer_information rows of the source: 5" "$(fed signer_information)" 5
it_is "... the source's thumbprints" \
	"$(it_sql "SELECT COUNT(*) FROM signer_information WHERE source_gateway_id='$GW' AND thumbprint='$(it_thumb_pem "$W/s1.pem")'")" 1
it_is "status: success" "$(fcol "CONCAT(retry_count, ' ', last_successful_download IS NOT NULL)")" "0 1"
it_is "one audit event of the run" "$(it_count audit_event "event='UPDATED' AND description LIKE 'federation $GW: 2 CSCA 2 UPLOAD 5 DSC%'")" 1
it_like "list: the status" "$(it_admin federation list)" "2 CSCA, 2 UPLOAD, 5 DSC, 0 issuers stored"
st=$(it_curl DE GET "/trustList/certificate?withFederation=true")
it_is "withFederation=true: 200" "$st" 200
it_is "... the 9 federated rows, sourceGateway $GW" \
	"$(python3 -c 'import json,sys; print(sum(1 for i in json.load(open(sys.argv[1])) if i.get("sourceGateway") == sys.argv[2]))' "$IT_BODY" "$GW")" 9
all_fed=$(it_jlen)
st=$(it_curl DE GET "/trustList/certificate")
it_is "without withFederation: 200" "$st" 200
it_is "... 9 items fewer, none federated" "$(( all_fed - $(it_jlen) )) $(grep -c "$GW" "$IT_BODY")" "9 0"
st=$(it_curl DE GET /trustList/DSC)
it_is "v1 DSC list (federation_in_v1 off): none of the source's" \
	"$st $(grep -c "$(it_thumb_pem "$W/s1.pem")" "$IT_BODY")" "200 0"
printf 'federation_in_v1 = yes\n' >>"$DGCG_CONFIG"
it_ok "workers restarted with federation_in_v1 = yes" stack_restart_workers
st=$(it_curl DE GET /trustList/DSC)
it_is "v1 DSC list (federation_in_v1 on): the source's DSCs, verified against its UPLOADs" \
	"$st $(python3 -c 'import json,sys; print(sum(1 for i in json.load(open(sys.argv[1])) if i["thumbprint"] in sys.argv[2:]))' "$IT_BODY" \
	"$(it_thumb_pem "$W/s1.pem")" "$(it_thumb_pem "$W/s2.pem")" "$(it_thumb_pem "$W/s3.pem")")" "200 3"
st=$(it_curl DE GET /trustList/CSCA)
it_is "v1 CSCA list (on): the source's CSCAs too" \
	"$st $(grep -c "$(it_thumb_pem "$SRC_PKI/DE/csca.pem")" "$IT_BODY")" "200 1"
sed -i '/^federation_in_v1/d' "$DGCG_CONFIG"
it_ok "workers restarted with federation_in_v1 off" stack_restart_workers

printf '# at %s s: %s\n' "$SECONDS" "4. atomicity"
dsc s4 && it_is "source: DE DSC s4 uploaded" "$(src signed POST "$W/s4.pem")" 201
old=$(ids)
# s4's insert, the last of the replace, fails (a foreign key no row meets);
# one statement, as the mariadb client splits a compound body at its ';'
it_sql "CREATE TRIGGER fed_fail BEFORE INSERT ON signer_information FOR EACH ROW SET NEW.source_gateway_id = IF(NEW.thumbprint = '$(it_thumb_pem "$W/s4.pem")', 'injected-failure', NEW.source_gateway_id)"
nev=$(audits)
run
it_is "an insert failing mid-replace: failed (1)" "$?" 1
it_like "... why" "$(cat "$W/run.out")" "foreign key constraint fails.*; nothing stored, the last rows stay"
it_is "... every old row as it was (same ids)" "$(ids)" "$old"
it_is "... 4 + 5 rows" "$(fed trusted_party) $(fed signer_information)" "4 5"
it_is "... retry_count 1, status says why" "$(fcol retry_count) $(fcol "status_message LIKE '%foreign key constraint fails%'")" "1 1"
it_is "... no audit event" "$(audits)" "$nev"
it_sql "DROP TRIGGER fed_fail"
run
it_is "the trigger dropped: run 0" "$?" 0
it_is "... 6 DSCs now" "$(fed signer_information)" 6
it_is "... retry_count 0" "$(fcol retry_count)" 0

printf '# at %s s: %s\n' "$SECONDS" "5. the shrink guard"
it_is "source: s1 deleted" "$(src signed DELETE "$W/s1.pem")" 204
it_is "source: s2 deleted" "$(src signed DELETE "$W/s2.pem")" 204
old=$(ids)
run
it_is "2 of 10 rows dropped (20 %): accepted" "$?" 0
it_is "... 4 DSCs" "$(fed signer_information)" 4
it_is "source: s3 deleted" "$(src signed DELETE "$W/s3.pem")" 204
it_is "source: FR demo DSC deleted" "$(src signed DELETE "$SRC_PKI/FR/dsc.pem" FR)" 204
old=$(ids)
run
it_is "2 of 8 rows dropped (25 % > 20 %): refused (1)" "$?" 1
it_like "... why" "$(cat "$W/run.out")" "refused: the new list drops 2 of the 8 current entries"
it_is "... the rows stay" "$(ids)" "$old"
run --accept-shrink
it_is "--accept-shrink: 0" "$?" 0
it_is "... 2 DSCs" "$(fed signer_information)" 2

printf '# at %s s: %s\n' "$SECONDS" "6. a tampered record"
old=$(ids)
before=$(srcreq)
it_sql "UPDATE federation_gateway SET gateway_kid='other' WHERE gateway_id='$GW'"
run
it_is "gateway_kid changed in SQL: refused (1)" "$?" 1
it_like "... why" "$(cat "$W/run.out")" "refused: the record's signature is not the trust anchor's over \"$GW;$SRC_URL;other;null;"
it_is "... nothing asked of the source" "$(srcreq)" "$before"
it_is "... the rows stay" "$(ids)" "$old"
it_like "list: FAILED" "$(it_admin federation list)" "$GW +FAILED "
it_sql "UPDATE federation_gateway SET gateway_kid='$KID', download_interval=60 WHERE gateway_id='$GW'"
it_like "list: restored (the interval is not signed, as in TNG)" "$(it_admin federation list)" "$GW +ok +v1 +60 "
it_sql "UPDATE federation_gateway SET last_download = NULL WHERE gateway_id='$GW'"
it_admin federation run >"$W/run.out"
it_is "run without --id: the due gateway runs (0)" "$?" 0
it_like "... report" "$(cat "$W/run.out")" "1 of 1 gateways due, 0 failed"
it_admin federation run >"$W/run.out"
it_like "... again: not due" "$(cat "$W/run.out")" "0 of 1 gateways due, 0 failed"

printf '# at %s s: %s\n' "$SECONDS" "6b. the v2 downloader"
str2=$(it_admin federation string --id "$GW" --endpoint "$SRC_URL" --kid "$KID" --downloader v2)
it_is "v2: TNG's DdccDownloader_V1 in the signed string" "$str2" \
	"$GW;$SRC_URL;$KID;null;DdccDownloader_V1;FEDERATION;APPEND"
sig2=$(it_ta_sign --string "$str2")
istr=$(src it_admin issuer string --country DE --name "DE issuer" --url https://de.example/jwks.json --url-type HTTP)
isig=$(src it_ta_sign --string "$istr")
it_ok "source: a trusted issuer onboarded" src it_admin issuer add --country DE --name "DE issuer" \
	--url https://de.example/jwks.json --url-type HTTP --signature "$isig"
it_sql "UPDATE federation_gateway SET downloader_implementation='DdccDownloader_V1', signature='$sig2' WHERE gateway_id='$GW'"
it_like "list: re-signed for v2" "$(it_admin federation list)" "$GW +ok +v2 "
run
it_is "v2 run (/trustList/certificate): 0" "$?" 0
it_like "... report" "$(cat "$W/run.out")" "updated: 2 CSCA, 2 UPLOAD, 2 DSC, issuers stored \\(6 rows before\\), 0 rejected"
it_like "... and the issuer" "$(cat "$W/run.out")" "1 trusted issuers stored"
it_is "... trusted_issuer row of the source, the peer's uuid" \
	"$(it_sql "SELECT uuid FROM trusted_issuer WHERE source_gateway_id='$GW'")" \
	"$(src it_sql "SELECT uuid FROM trusted_issuer")"
st=$(it_curl DE GET "/trustList/issuers?withFederation=true")
it_is "... GET /trustList/issuers?withFederation=true lists it (verified against the peer's TA)" \
	"$st $(grep -c 'de.example/jwks.json' "$IT_BODY")" "200 1"
st=$(it_curl DE GET "/trustList/issuers")
it_is "... without withFederation not" "$st $(grep -c 'de.example/jwks.json' "$IT_BODY")" "200 0"
s4=$(it_thumb_pem "$W/s4.pem")
it_is "... the peer's uuid kept" \
	"$(it_sql "SELECT uuid FROM signer_information WHERE source_gateway_id='$GW' AND thumbprint='$s4'")" \
	"$(src it_sql "SELECT uuid FROM signer_information WHERE thumbprint='$s4'")"
it_like "... asked with group=" "$(grep -o 'GET /trustList/certificate?group=[A-Z]*' "$SRC_ACCESS" | sort -u | tr '\n' ' ')" \
	"group=CSCA .*group=DSC .*group=UPLOAD"
st=$(it_curl DE GET "/trustList/certificate?withFederation=true")
it_is "... served with withFederation=true: 6 rows of $GW" \
	"$st $(python3 -c 'import json,sys; print(sum(1 for i in json.load(open(sys.argv[1])) if i.get("sourceGateway") == sys.argv[2]))' "$IT_BODY" "$GW")" "200 6"

printf '# at %s s: %s\n' "$SECONDS" "7. a federated AUTHENTICATION certificate"
pki_client fedauth DE >/dev/null
tp=$(it_thumb_pem "$PKI/extra/fedauth.pem")
raw=$(openssl x509 -in "$PKI/extra/fedauth.pem" -outform DER | base64 -w0)
fsig=$(src it_ta_sign "$PKI/extra/fedauth.pem")
it_sql "INSERT INTO trusted_party (created_at, country, thumbprint, raw_data, signature, certificate_type, domain, uuid, version, source_gateway_id) VALUES (UTC_TIMESTAMP(), 'DE', '$tp', '$raw', '$fsig', 'AUTHENTICATION', 'DCC', UUID(), 1, '$GW')"
st=$(it_curl "$PKI/extra/fedauth" GET /trustList/DSC)
it_is "a client whose only row is a federated AUTHENTICATION row (signed by the peer's TA): 401" "$st" 401
st=$(it_curl "$PKI/extra/fedauth" GET /trustList/certificate?withFederation=true)
it_is "... also on v2" "$st" 401

printf '# at %s s: %s\n' "$SECONDS" "8. the source stopped"
STACK_DIR=$SRC stack_down >/dev/null 2>&1
SRC_UP=0
old=$(ids)
run
it_is "source stopped: failed (1)" "$?" 1
it_like "... why" "$(cat "$W/run.out")" "failed: GET https://.*/trustList/certificate\\?group=CSCA: .*; the last rows stay"
it_is "... the rows stay" "$(ids)" "$old"
it_is "... retry_count 1, last success kept" "$(fcol "CONCAT(retry_count, ' ', last_successful_download IS NOT NULL)")" "1 1"

printf '# at %s s: %s\n' "$SECONDS" "9. federation remove"
it_ok "federation remove" it_admin federation remove --id "$GW"
it_is "... no row of or for the source" \
	"$(it_count trusted_party "source_gateway_id='$GW' OR assigned_gateway='$GW'") $(fed signer_information) $(fed trusted_issuer) $(it_count federation_gateway)" "0 0 0 0"
it_is "... its audit event" "$(it_count audit_event "event='DELETED' AND description LIKE 'federation gateway $GW, 10 rows'")" 1
it_not "remove again: no such gateway" it_admin federation remove --id "$GW"
it_done
