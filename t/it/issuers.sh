#!/usr/bin/env bash
# Trusted issuers (reference-gateway.md 1.1 #4, 1.2, 4.3): onboarding with
# dgcg-admin (issuer string, ta-sign --string, issuer add), GET
# /trustList/issuers with the country filter, and the trust-anchor check of
# every row over "country;name;url;URLTYPE;" (the issuer cases of
# TrustListIntegrationTest and TrustedIssuerServiceTest).
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start
W=$IT_DIR/w
mkdir -p "$W"

jlen() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$IT_BODY"; }
names() { python3 -c 'import json,sys; print(" ".join(sorted(i["country"] + ":" + i["name"] for i in json.load(open(sys.argv[1])))))' "$IT_BODY"; }
tasign() { it_admin ta-sign --ta-cert "$PKI/ta.pem" --ta-key "$PKI/ta.key" --string "$1"; }

# --- onboarding ------------------------------------------------------------------------
s=$(it_admin issuer string --country DE --name "Robert Koch-Institut" --url https://de.example/jwks.json --url-type HTTP)
it_is "issuer string" "$s" "DE;Robert Koch-Institut;https://de.example/jwks.json;HTTP;"
sig=$(tasign "$s")
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
openssl cms -sign -nodetach -binary -in "$W/fr.txt" -signer "$PKI/ta.pem" -inkey "$PKI/ta.key" -outform DER \
	2>/dev/null | openssl base64 -A > "$W/fr.sig"
out=$(it_admin issuer add --country FR --name DGS --url did:web:fr.example --url-type DID --signature @"$W/fr.sig"); rc=$?
it_like "issuer add FR (openssl-made attached signature, from a file)" "$rc:$out" "^0:issuer added id=[0-9]+ country=FR uuid=[0-9a-f-]{36}$"
s="IE;HSE;https://ie.example/keys;HTTP;"
out=$(it_admin issuer add --country IE --name HSE --url https://ie.example/keys --url-type HTTP --signature "$(tasign "$s")"); rc=$?
it_is "issuer add IE" "$rc" 0

# Refusals: a signature that is not the trust anchor's over exactly this string.
out=$(it_admin issuer add --country DE --name "Other" --url https://de.example/jwks.json --url-type HTTP --signature "$sig" 2>&1); rc=$?
it_like "add with a TA signature over other data" "$rc:$out" "^1:.*refused: the signature is not the trust anchor's"
out=$(it_admin issuer add --country DE --name X --url https://x --url-type HTTP --signature WRONG 2>&1); rc=$?
it_like "add with signature WRONG" "$rc:$out" "^1:.*refused"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/C=EU/CN=rogue" \
	-keyout "$W/rogue.key" -out "$W/rogue.pem" 2>/dev/null
printf '%s' "DE;X;https://x;HTTP;" > "$W/x.txt"
rogue=$(openssl cms -sign -binary -in "$W/x.txt" -signer "$W/rogue.pem" -inkey "$W/rogue.key" -outform DER 2>/dev/null | base64 -w0)
out=$(it_admin issuer add --country DE --name X --url https://x --url-type HTTP --signature "$rogue" 2>&1); rc=$?
it_like "add with a signature by another key" "$rc:$out" "^1:.*not signed by known TrustAnchor"
out=$(it_admin issuer add --country DE --name X --url https://x --url-type FTP --signature "$rogue" 2>&1); rc=$?
it_like "add with url type FTP" "$rc:$out" "^64:.*HTTP or DID"
out=$(it_admin issuer add --country de --name X --url https://x --url-type HTTP --signature "$rogue" 2>&1); rc=$?
it_is "add with a lower-case country" "$rc" 64
out=$(it_admin issuer add --country DE --name "Robert Koch-Institut" --url https://de.example/jwks.json --url-type HTTP \
	--signature "$sig" --uuid 11111111-2222-4333-8444-555555555555 2>&1); rc=$?
it_like "add with an existing uuid" "$rc:$out" "^3:.*exists"
it_is "3 rows stored" "$(it_sql "SELECT COUNT(*) FROM trusted_issuer")" 3

# --- download ------------------------------------------------------------------------------
st=$(it_curl FR GET /trustList/issuers)
it_is "/trustList/issuers" "$st:$(jlen)" "200:3"
it_ok "fields, order, values, formats" python3 - "$IT_BODY" <<'EOF'
import json, re, sys
raw = open(sys.argv[1]).read()
items = json.loads(raw)
keys = ["url", "type", "country", "thumbprint", "sslPublicKey", "keyStorageType", "signature",
        "timestamp", "name", "domain", "uuid"]
for i in items:
    assert list(i.keys()) == keys, list(i.keys())
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", i["timestamp"]), i["timestamp"]
    assert i["domain"] == "DCC"
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", i["uuid"])
de = [i for i in items if i["country"] == "DE"][0]
assert de["url"] == "https://de.example/jwks.json" and de["type"] == "HTTP", de
assert de["thumbprint"] == "ab" * 32 and de["sslPublicKey"] == "MFkwEwYHKoZIzj0CAQ", de
assert de["keyStorageType"] == "JWKS" and de["name"] == "Robert Koch-Institut", de
assert de["uuid"] == "11111111-2222-4333-8444-555555555555", de
fr = [i for i in items if i["country"] == "FR"][0]
assert fr["type"] == "DID" and fr["thumbprint"] is None and fr["sslPublicKey"] is None, fr
assert '"thumbprint":null' in raw and '"keyStorageType":null' in raw
EOF
st=$(it_curl DE GET '/trustList/issuers?country=DE'); it_is "?country=DE" "$st:$(names)" "200:DE:Robert Koch-Institut"
st=$(it_curl DE GET '/trustList/issuers?country=DE,FR'); it_is "?country=DE,FR" "$st:$(names)" "200:DE:Robert Koch-Institut FR:DGS"
st=$(it_curl DE GET '/trustList/issuers?country=DE&country=IE'); it_is "?country=DE&country=IE" "$st:$(names)" "200:DE:Robert Koch-Institut IE:HSE"
st=$(it_curl DE GET '/trustList/issuers?country=FR,IE&country=DE'); it_is "comma list and repeated" "$st:$(jlen)" "200:3"
st=$(it_curl DE GET '/trustList/issuers?country=XX'); it_is "?country=XX" "$st:$(cat "$IT_BODY")" "200:[]"
st=$(it_curl DE GET '/trustList/issuers?country=de'); it_is "?country=de" "$st:$(jlen)" "200:1"
st=$(it_curl DE GET '/trustList/issuers?country=DE%2CFR'); it_is "?country=DE%2CFR" "$st:$(jlen)" "200:2"
st=$(it_curl DE GET '/trustList/issuers?other=1'); it_is "other parameters ignored" "$st:$(jlen)" "200:3"
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
ins NL "Rogue" https://x HTTP "$(openssl cms -sign -binary -in "$W/nl.txt" -signer "$W/rogue.pem" -inkey "$W/rogue.key" -outform DER 2>/dev/null | base64 -w0)"
ins NL "FTP" https://x FTP "$(tasign "NL;FTP;https://x;FTP;")"
ins NL "Good" https://nl.example DID "$(tasign "NL;Good;https://nl.example;DID;")"
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
	it_is "DE row with $change left out" "$st:$(jlen)" "200:3"
	it_sql "UPDATE trusted_issuer SET country='DE', name='Robert Koch-Institut', url='https://de.example/jwks.json', url_type='HTTP' WHERE uuid='11111111-2222-4333-8444-555555555555'"
done
st=$(it_curl DE GET /trustList/issuers)
it_is "restored row served again" "$st:$(jlen)" "200:4"
# Fields outside the signed string (as in the reference) do not matter.
it_sql "UPDATE trusted_issuer SET ssl_public_key='changed' WHERE uuid='11111111-2222-4333-8444-555555555555'"
st=$(it_curl DE GET '/trustList/issuers?country=DE')
it_is "unsigned fields may change" "$st:$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["sslPublicKey"])' "$IT_BODY")" "200:changed"

# --- removal -------------------------------------------------------------------------------
out=$(it_admin issuer remove --uuid 11111111-2222-4333-8444-555555555555); rc=$?
it_is "issuer remove --uuid" "$rc:$out" "0:issuer removed"
st=$(it_curl DE GET '/trustList/issuers?country=DE'); it_is "removed issuer gone" "$st:$(cat "$IT_BODY")" "200:[]"
out=$(it_admin issuer remove --uuid 11111111-2222-4333-8444-555555555555 2>&1); rc=$?
it_like "remove again" "$rc:$out" "^1:.*no such issuer"
id=$(it_sql "SELECT id FROM trusted_issuer WHERE country='IE'")
out=$(it_admin issuer remove --id "$id"); rc=$?
it_is "issuer remove --id" "$rc" 0
it_is "rows left" "$(it_sql "SELECT COUNT(*) FROM trusted_issuer")" 7
it_not "the application user cannot write trusted_issuer" mariadb --no-defaults --protocol=socket -S "$DGCG_DB_SOCKET" \
	-u "$DGCG_DB_APP_USER" -p"$(cat "$DGCG_DB_APP_PASSWORD_FILE")" "$DGCG_DB_NAME" \
	-e "DELETE FROM trusted_issuer"

it_done
