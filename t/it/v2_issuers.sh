#!/usr/bin/env bash
# Trusted issuers under v2 (tng-gateway.md 7, 14.1): the issuer cases of
# TNG's TrustListIntegrationTest (three issuers EU/ICAO, DE/NONE, AT/ICAO
# signed in TNG's format), its TrustedIssuerServiceTest refusals, the v2
# filters domain and withFederation, and rows signed over either string
# ("country;name;url;TYPE;" of DGCG, "country;name;url;TYPE" of TNG) side by
# side; dgcg-admin issuer string --format tng; t/consumer-check-v2 -I.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
export STACK_COUNTRIES="EU DE"
it_start
GW=6b1c5e2a-0000-4000-8000-00000000fed3

names() { python3 -c 'import json,sys; print(" ".join(sorted(i["country"] + ":" + i["name"] for i in json.load(open(sys.argv[1])))))' "$IT_BODY"; }
# ins COUNTRY NAME URL TYPE DOMAIN SIGNATURE [SOURCE]: a row as operators insert it with SQL
ins() {
	local src=NULL
	[[ -n "${7:-}" ]] && src="'$7'"
	it_sql "INSERT INTO trusted_issuer (country, created_at, name, url, url_type, signature, uuid, domain, source_gateway_id) VALUES ('$1', UTC_TIMESTAMP(), '$2', '$3', '$4', '$6', UUID(), '$5', $src)"
}

# --- TNG's format, with dgcg-admin ------------------------------------------------------------
s=$(it_admin issuer string --country EU --name "EU issuer" --url https://eu.example/keys --url-type HTTP --format tng)
it_is "issuer string --format tng: no ';' at the end" "$s" "EU;EU issuer;https://eu.example/keys;HTTP"
s2=$(it_admin issuer string --country EU --name "EU issuer" --url https://eu.example/keys --url-type HTTP --format dgcg)
it_is "issuer string --format dgcg (the default)" "$s2" "EU;EU issuer;https://eu.example/keys;HTTP;"
out=$(it_admin issuer string --country EU --name x --url y --url-type HTTP --format jws 2>&1); rc=$?
it_is "issuer string --format jws" "$rc" 64
out=$(it_admin issuer add --country EU --name "EU issuer" --url https://eu.example/keys --url-type HTTP --domain ICAO \
	--signature "$(it_ta_sign --string "$s")"); rc=$?
it_like "issuer add with a signature over TNG's string" "$rc:$out" '^0:issuer added'
ins DE "DE issuer" did:web:de.example DID NONE "$(it_ta_sign --string "DE;DE issuer;did:web:de.example;DID")"
ins AT "AT issuer" https://at.example/keys HTTP ICAO "$(it_ta_sign --string "AT;AT issuer;https://at.example/keys;HTTP")"

# --- TrustListIntegrationTest -------------------------------------------------------------------
st=$(it_curl EU GET /trustList/issuers); it_is "issuers" "$st:$(it_jlen)" "200:3"
st=$(it_curl EU GET '/trustList/issuers?country=DE'); it_is "country=DE" "$st:$(names)" "200:DE:DE issuer"
st=$(it_curl EU GET '/trustList/issuers?country=DE,EU'); it_is "country=DE,EU" "$st:$(it_jlen)" "200:2"
st=$(it_curl EU GET '/trustList/issuers?country=XX'); it_is "country=XX" "$st:$(cat "$IT_BODY")" "200:[]"
st=$(it_curl EU GET '/trustList/issuers?domain=ICAO'); it_is "domain=ICAO" "$st:$(names)" "200:AT:AT issuer EU:EU issuer"
st=$(it_curl EU GET '/trustList/issuers?domain=icao,NONE'); it_is "domain=icao,NONE" "$st:$(it_jlen)" "200:3"
st=$(it_curl EU GET '/trustList/issuers?domain=DCC'); it_is "domain=DCC" "$st:$(cat "$IT_BODY")" "200:[]"
st=$(it_curl EU GET '/trustList/issuers?domain=ICAO&country=AT'); it_is "domain and country" "$st:$(names)" "200:AT:AT issuer"
st=$(it_curl EU GET '/trustList/issuers?country=XXX'); it_is "country=XXX: the v1 check stays (TNG: [])" "$st:$(it_json code)" "400:0x001"
st=$(it_curl EU GET '/trustList/issuers?withFederation=sometimes'); it_is "withFederation=sometimes" "$st:$(it_json code)" "400:0x001"
st=$(it_curl EU GET /trustList/issuers)
it_ok "JSON unchanged: DGCG's fields and order, no sourceGateway or version" python3 - "$IT_BODY" <<'EOF'
import json, sys
for i in json.load(open(sys.argv[1])):
    assert list(i) == ["url", "type", "country", "thumbprint", "sslPublicKey", "keyStorageType",
                       "signature", "timestamp", "name", "domain", "uuid"], list(i)
EOF

# --- TrustedIssuerServiceTest, in TNG's format ------------------------------------------------------
ins NL Empty https://nl.example HTTP DCC ''
ins NL Wrong https://nl.example HTTP DCC WRONG
ins NL Other https://nl.example HTTP DCC "$(it_ta_sign --string "WRONG")"
ins NL Swapped https://nl.example DID DCC "$(it_ta_sign --string "NL;Swapped;https://nl.example;HTTP")"
it_selfsigned "$W/rogue" "/C=EU/CN=rogue" ta
printf '%s' "NL;Rogue;https://nl.example;HTTP" >"$W/r.txt"
ins NL Rogue https://nl.example HTTP DCC "$(it_cms "$W/r.txt" "$W/rogue" - --detached)"
st=$(it_curl EU GET '/trustList/issuers?country=NL'); it_is "empty, WRONG, a TA signature over WRONG, another type, another key: all dropped" "$st:$(cat "$IT_BODY")" "200:[]"
it_log_has 'Trusted issuer left out.*issuerCountry="NL".*reason="TrustAnchor Verification failed: Certificate was not signed by known TrustAnchor"'

# --- both strings side by side -------------------------------------------------------------------------
ins NL Both-DGCG https://nl.example HTTP DCC "$(it_ta_sign --string "NL;Both-DGCG;https://nl.example;HTTP;")"
ins NL Both-TNG https://nl.example HTTP DCC "$(it_ta_sign --string "NL;Both-TNG;https://nl.example;HTTP")"
st=$(it_curl EU GET '/trustList/issuers?country=NL'); it_is "a DGCG-signed and a TNG-signed row are both served" "$st:$(names)" "200:NL:Both-DGCG NL:Both-TNG"
for change in "name='Changed'" "url='https://evil.example'" "url_type='DID'" "country='AT'"; do
	it_sql "UPDATE trusted_issuer SET $change WHERE name='Both-TNG'"
	st=$(it_curl EU GET /trustList/issuers); it_is "the TNG-signed row with $change is left out" "$st:$(it_jlen)" "200:4"
	it_sql "UPDATE trusted_issuer SET country='NL', name='Both-TNG', url='https://nl.example', url_type='HTTP' WHERE url_type IN ('HTTP','DID') AND (name IN ('Both-TNG','Changed')) AND uuid IS NOT NULL"
done
out=$(it_admin issuer list); rc=$?
it_is "issuer list: 5 ok (both forms), 5 failed" "$rc:$(grep -c ' ok ' <<<"$out") $(grep -c ' FAILED ' <<<"$out")" "0:5 5"

# --- federated issuers (withFederation, checked against the peer's trust anchors) -----------------
it_selfsigned "$W/peer_ta" "/C=EU/O=peer/CN=peer trust anchor" ta
it_sql "INSERT INTO federation_gateway (timestamp, download_target, gateway_endpoint, gateway_id, gateway_kid, mode, signature) VALUES (UTC_TIMESTAMP(), 'FEDERATION', 'https://peer.example', '$GW', 'peer', 'OVERRIDE', 'x')"
it_ok "onboard the peer's TRUSTANCHOR" it_admin onboard --country EU --type TRUSTANCHOR --assigned-gateway "$GW" --cert "$W/peer_ta.pem" \
	--signature "$(it_ta_sign "$W/peer_ta.pem")"
peersign() { printf '%s' "$1" >"$W/p.txt"; it_cms "$W/p.txt" "$W/peer_ta" - --detached; }
ins FR "FR federated" https://fr.example HTTP DCC "$(peersign "FR;FR federated;https://fr.example;HTTP")" "$GW"
ins FR "FR federated, local TA" https://fr.example HTTP DCC "$(it_ta_sign --string "FR;FR federated, local TA;https://fr.example;HTTP")" "$GW"
st=$(it_curl EU GET '/trustList/issuers?country=FR'); it_is "federated issuers are left out without withFederation" "$st:$(cat "$IT_BODY")" "200:[]"
st=$(it_curl EU GET '/trustList/issuers?country=FR&withFederation=true'); it_is "withFederation=true: the one the peer's trust anchor signed" "$st:$(names)" "200:FR:FR federated"
it_not "no sourceGateway in issuer JSON (as TNG)" grep -q sourceGateway "$IT_BODY"

# --- a consumer's view --------------------------------------------------------------------------------
CC=("$DGCG_SRCDIR/t/consumer-check-v2" -u "$DGCG_URL" -a "$DGCG_CACERT" -c "$PKI/EU/auth.pem" -k "$PKI/EU/auth.key" -t "$PKI/ta.pem")
out=$("${CC[@]}" 2>&1); rc=$?
it_like "consumer-check-v2 (ddcc-gateway-lib: TNG's string only) fails the DGCG-signed row" "$rc:$out" '^1:.*FAIL ISSUERS NL Both-DGCG'
it_like "... and passes the TNG-signed ones" "$out" 'ISSUERS: 5 items, 4 ok, 1 failed'
out=$("${CC[@]}" -I 2>&1); rc=$?
it_like "consumer-check-v2 -I (either string) passes every issuer" "$rc:$out" '^0:.*ISSUERS: 5 items, 5 ok, 0 failed'

it_done
