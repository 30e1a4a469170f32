#!/usr/bin/env bash
# Trusted issuers (reference-gateway.md 1.1 #4, 1.2, 4.3): onboarding with
# dgcg-admin (issuer string, ta-sign --string, issuer add), GET
# /trustList/issuers with the country filter, and the trust-anchor check of
# every row over "country;name;url;URLTYPE;" (the issuer cases of
# TrustListIntegrationTest and TrustedIssuerServiceTest).
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start

# names: the "country:name" of every issuer in $IT_BODY, sorted, on one line
names() { it_rows -s : . country name | LC_ALL=C sort | paste -sd ' '; }

# --- onboarding ------------------------------------------------------------------------
s=$(it_admin issuer string --country DE --name "Robert Koch-Institut" --url https://de.example/jwks.json --url-type HTTP)
it_is "issuer string" "$s" "DE;Robert Koch-Institut;https://de.example/jwks.json;HTTP;"
sig=$(it_ta_sign --string "$s")
printf '%s' "$s" > "$W/de.txt"
base64 -d <<<"$sig" > "$W/de.sig.der"
it_ok "ta-sign --string makes a detached CMS over the string (openssl verifies it)" openssl cms -verify -binary \
	-inform DER -in "$W/de.sig.der" -content "$W/de.txt" -noverify -certfile "$PKI/ta.pem" -out /dev/null
out=$(it_admin issuer add --country DE --name "Robert Koch-Institut" --url https://de.example/jwks.json --url-type HTTP \
	--signature "$sig" --thumbprint "$(printf 'AB%.0s' {1..32})" --ssl-public-key MFkwEwYHKoZIzj0CAQ \
	--key-storage-type JWKS --uuid 11111111-2222-4333-8444-555555555555 --domain DCC); rc=$?
it_like "issuer add DE" "$rc:$out" "^0:issuer added id=[0-9]+ country=DE uuid=11111111-2222-4333-8444-555555555555$"
# FR: signed by the TA with openssl, attached (the verifier supplies the
# string as content, so an attached signature over it passes too).
s=$(it_admin issuer string --country FR --name "DGS" --url did:web:fr.example --url-type DID)
printf '%s' "$s" > "$W/fr.txt"
it_cms "$W/fr.txt" "$PKI/ta" "$W/fr.sig"
out=$(it_admin issuer add --country FR --name DGS --url did:web:fr.example --url-type DID --signature @"$W/fr.sig"); rc=$?
it_like "issuer add FR (openssl-made attached signature, from a file)" "$rc:$out" "^0:issuer added id=[0-9]+ country=FR uuid=[0-9a-f-]{36}$"
s="IE;HSE;https://ie.example/keys;HTTP;"
out=$(it_admin issuer add --country IE --name HSE --url https://ie.example/keys --url-type HTTP --signature "$(it_ta_sign --string "$s")"); rc=$?
it_is "issuer add IE" "$rc" 0

# Refusals: a signature that is not the trust anchor's over exactly this string.
out=$(it_admin issuer add --country DE --name "Other" --url https://de.example/jwks.json --url-type HTTP --signature "$sig" 2>&1); rc=$?
it_like "add with a TA signature over other data" "$rc:$out" "^1:.*refused: the signature is not the trust anchor's"
out=$(it_admin issuer add --country DE --name X --url https://x --url-type HTTP --signature WRONG 2>&1); rc=$?
it_like "add with signature WRONG" "$rc:$out" "^1:.*refused"
it_selfsigned "$W/rogue" "/C=EU/CN=rogue"
printf '%s' "DE;X;https://x;HTTP;" > "$W/x.txt"
rogue=$(it_cms "$W/x.txt" "$W/rogue" - --detached)
out=$(it_admin issuer add --country DE --name X --url https://x --url-type HTTP --signature "$rogue" 2>&1); rc=$?
it_like "add with a signature by another key" "$rc:$out" "^1:.*not signed by known TrustAnchor"
out=$(it_admin issuer add --country DE --name X --url https://x --url-type FTP --signature "$rogue" 2>&1); rc=$?
it_like "add with url type FTP" "$rc:$out" "^64:.*HTTP or DID"
out=$(it_admin issuer add --country de --name X --url https://x --url-type HTTP --signature "$rogue" 2>&1); rc=$?
it_is "add with a lower-case country" "$rc" 64
out=$(it_admin issuer add --country DE --name "Robert Koch-Institut" --url https://de.example/jwks.json --url-type HTTP \
	--signature "$sig" --uuid 11111111-2222-4333-8444-555555555555 2>&1); rc=$?
it_like "add with an existing uuid" "$rc:$out" "^3:.*exists"
it_is "3 rows stored" "$(it_count trusted_issuer)" 3

# --- download ------------------------------------------------------------------------------
st=$(it_curl FR GET /trustList/issuers)
it_is "/trustList/issuers" "$st:$(it_jlen)" "200:3"
it_ok "fields, order, values, formats" it_shape \
	'*:url,type,country,thumbprint,sslPublicKey,keyStorageType,signature,timestamp,name,domain,uuid' \
	'*.timestamp~time' '*.domain="DCC"' '*.uuid~uuid' \
	'[country=DE].0.url="https://de.example/jwks.json"' '[country=DE].0.type="HTTP"' \
	"[country=DE].0.thumbprint=\"$(printf 'ab%.0s' {1..32})\"" '[country=DE].0.sslPublicKey="MFkwEwYHKoZIzj0CAQ"' \
	'[country=DE].0.keyStorageType="JWKS"' '[country=DE].0.name="Robert Koch-Institut"' \
	'[country=DE].0.uuid="11111111-2222-4333-8444-555555555555"' \
	'[country=FR].0.type="DID"' '[country=FR].0.thumbprint=null' '[country=FR].0.sslPublicKey=null' \
	'+"thumbprint":null' '+"keyStorageType":null'
st=$(it_curl DE GET '/trustList/issuers?country=DE'); it_is "?country=DE" "$st:$(names)" "200:DE:Robert Koch-Institut"
st=$(it_curl DE GET '/trustList/issuers?country=DE,FR'); it_is "?country=DE,FR" "$st:$(names)" "200:DE:Robert Koch-Institut FR:DGS"
st=$(it_curl DE GET '/trustList/issuers?country=DE&country=IE'); it_is "?country=DE&country=IE" "$st:$(names)" "200:DE:Robert Koch-Institut IE:HSE"
st=$(it_curl DE GET '/trustList/issuers?country=FR,IE&country=DE'); it_is "comma list and repeated" "$st:$(it_jlen)" "200:3"
st=$(it_curl DE GET '/trustList/issuers?country=XX'); it_is "?country=XX" "$st:$(cat "$IT_BODY")" "200:[]"
st=$(it_curl DE GET '/trustList/issuers?country=de'); it_is "?country=de" "$st:$(it_jlen)" "200:1"
st=$(it_curl DE GET '/trustList/issuers?country=DE%2CFR'); it_is "?country=DE%2CFR" "$st:$(it_jlen)" "200:2"
st=$(it_curl DE GET '/trustList/issuers?other=1'); it_is "other parameters ignored" "$st:$(it_jlen)" "200:3"
for q in 'country=DE,XXX' 'country=' 'country' 'country=DE,,FR' 'country=D' 'country=DE,' 'country=%zz'; do
	st=$(it_curl DE GET "/trustList/issuers?$q")
	it_is "?$q" "$st:$(it_json code)" "400:0x001"
done
st=$(it_curl DE POST /trustList/issuers)
it_is "POST /trustList/issuers" "$st:$(it_header Allow)" "405:GET"
st=$(it_curl - GET /trustList/issuers)
it_is "unauthenticated" "$st" 401
it_log_has 'Downloaded trusted issuers.*downloadIssuersCount="3".*downloadIssuersCountry="DE"'

# --- integrity of stored rows (TrustedIssuerServiceTest) ------------------------------------
ins() { # country name url type signature
	it_sql "INSERT INTO trusted_issuer (country, created_at, name, url, url_type, signature, uuid) VALUES ('$1', UTC_TIMESTAMP(), '$2', '$3', '$4', '$5', UUID())"
}
ins NL "Empty" https://nl.example HTTP ''
ins NL "Wrong" https://nl.example HTTP WRONG
ins NL "Other data" https://nl.example HTTP "$sig"
printf '%s' "NL;Rogue;https://x;HTTP;" > "$W/nl.txt"
ins NL "Rogue" https://x HTTP "$(it_cms "$W/nl.txt" "$W/rogue" - --detached)"
ins NL "FTP" https://x FTP "$(it_ta_sign --string "NL;FTP;https://x;FTP;")"
ins NL "Good" https://nl.example DID "$(it_ta_sign --string "NL;Good;https://nl.example;DID;")"
st=$(it_curl DE GET '/trustList/issuers?country=NL')
it_is "only the NL row with a valid TA signature is served" "$st:$(names)" "200:NL:Good"
it_log_has 'Trusted issuer left out: trust anchor integrity check failed.*issuerCountry="NL".*reason="TrustAnchor Verification failed: Signature is not matching signed certificate"'
it_log_has 'Trusted issuer left out.*reason="TrustAnchor Verification failed: Certificate was not signed by known TrustAnchor"'
it_log_has 'Trusted issuer left out.*reason="Certificate entity does not contain raw certificate or certificate signature."'
out=$(it_admin issuer list); rc=$?
it_is "issuer list exit" "$rc" 0
it_is "issuer list: 4 ok, 5 FAILED" "$(grep -c ' ok ' <<<"$out") $(grep -c ' FAILED ' <<<"$out")" "4 5"
# Every field of the string is covered: a changed name, url, type or
# country drops the row at the next request.
for change in "name='RKI'" "url='https://evil.example/jwks.json'" "url_type='DID'" "country='AT'"; do
	it_sql "UPDATE trusted_issuer SET $change WHERE uuid='11111111-2222-4333-8444-555555555555'"
	st=$(it_curl DE GET /trustList/issuers)
	it_is "DE row with $change left out" "$st:$(it_jlen)" "200:3"
	it_sql "UPDATE trusted_issuer SET country='DE', name='Robert Koch-Institut', url='https://de.example/jwks.json', url_type='HTTP' WHERE uuid='11111111-2222-4333-8444-555555555555'"
done
st=$(it_curl DE GET /trustList/issuers)
it_is "restored row served again" "$st:$(it_jlen)" "200:4"
# Fields outside the signed string (as in the reference) do not matter.
it_sql "UPDATE trusted_issuer SET ssl_public_key='changed' WHERE uuid='11111111-2222-4333-8444-555555555555'"
st=$(it_curl DE GET '/trustList/issuers?country=DE')
it_is "unsigned fields may change" "$st:$(it_json 0.sslPublicKey)" "200:changed"

# --- removal -------------------------------------------------------------------------------
out=$(it_admin issuer remove --uuid 11111111-2222-4333-8444-555555555555); rc=$?
it_is "issuer remove --uuid" "$rc:$out" "0:issuer removed"
st=$(it_curl DE GET '/trustList/issuers?country=DE'); it_is "removed issuer gone" "$st:$(cat "$IT_BODY")" "200:[]"
out=$(it_admin issuer remove --uuid 11111111-2222-4333-8444-555555555555 2>&1); rc=$?
it_like "remove again" "$rc:$out" "^1:.*no such issuer"
id=$(it_sql "SELECT id FROM trusted_issuer WHERE country='IE'")
out=$(it_admin issuer remove --id "$id"); rc=$?
it_is "issuer remove --id" "$rc" 0
it_is "rows left" "$(it_count trusted_issuer)" 7
it_not "the application user cannot write trusted_issuer" it_app_sql "DELETE FROM trusted_issuer"

it_done
