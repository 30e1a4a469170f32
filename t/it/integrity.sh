#!/usr/bin/env bash
# The trust-anchor integrity check on trusted_party rows changed directly in
# MariaDB: the client is refused, the log says why, dgcg-admin verify names
# the row. Also: the reference's plain INSERT still onboards.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start

FR_T=$(it_thumb_pem "$PKI/FR/auth.pem")
sel() { it_sql "SELECT $1 FROM trusted_party WHERE thumbprint='$FR_T'"; }
RAW=$(sel raw_data)
SIG=$(sel signature)
FR_ID=$(sel id)

st=$(it_curl FR GET /countrylist)
it_is "FR before tampering" "$st" 200
it_ok "verify passes before tampering" "$DGCG_ADMIN" -c "$DGCG_CONFIG" verify

# Swap one base64 character in the middle of a column: a valid-looking edit.
flip() {
	local s=$1 i=$((${#1} / 2)) c=A
	[[ "${s:i:1}" == A ]] && c=B
	printf '%s\n' "${s:0:i}$c${s:i+1}"
}

tamper() { # name, SQL assignment, expected log regex
	local name=$1 set=$2 logre=$3 out rc
	it_sql "UPDATE trusted_party SET $set WHERE id=$FR_ID"
	st=$(it_curl FR GET /countrylist)
	it_is "$name: FR refused" "$st" 401
	it_is "$name: code" "$(it_json code)" 0x402
	it_log_has "$logre"
	out=$("$DGCG_ADMIN" -c "$DGCG_CONFIG" verify 2>/dev/null); rc=$?
	it_is "$name: verify exit status" "$rc" 1
	it_like "$name: verify names the row" "$out" "FAILED id=$FR_ID country=FR type=AUTHENTICATION"
	it_sql "UPDATE trusted_party SET thumbprint='$FR_T', raw_data='$RAW', signature='$SIG' WHERE id=$FR_ID"
	st=$(it_curl FR GET /countrylist)
	it_is "$name: FR back after restore" "$st" 200
}

tamper "raw data changed" "raw_data='$(flip "$RAW")'" \
	'Raw certificate data does not contain a valid x509Certificate|Thumbprint in database does not match'
# Another valid certificate under FR's thumbprint: the hash no longer matches.
IE_RAW=$(it_sql "SELECT raw_data FROM trusted_party WHERE country='IE' AND certificate_type='UPLOAD'")
tamper "raw data replaced" "raw_data='$IE_RAW'" \
	"Thumbprint in database does not match thumbprint of stored certificate.*certVerifyThumbprint=\"$FR_T\""
# Thumbprint column changed: the client's real hash no longer finds a row,
# and the scan reports the row.
BAD_T=$(printf '%s' "$FR_T" | sed 's/^./0/;s/^00/01/')
[ "$BAD_T" = "$FR_T" ] && BAD_T=$(printf '%s' "$FR_T" | sed 's/^./1/')
tamper "thumbprint changed" "thumbprint='$BAD_T'" "Unknown client certificate"
tamper "signature changed" "signature='$(flip "$SIG")'" \
	'TrustAnchor Verification failed|Verification of certificate signature failed'

# A signature made by a key that is not the trust anchor.
mkdir -p "$IT_DIR/fake"
it_selfsigned "$IT_DIR/fake/ta" "/C=EU/CN=fake trust anchor" ta
FAKE_SIG=$(it_admin ta-sign --ta-cert "$IT_DIR/fake/ta.pem" --ta-key "$IT_DIR/fake/ta.key" "$PKI/FR/auth.pem")
it_ok "fake TA signature made" test -n "$FAKE_SIG"
tamper "signed by a non-TA key" "signature='$FAKE_SIG'" \
	"TrustAnchor Verification failed: Certificate was not signed by known TrustAnchor.*certVerifyThumbprint=\"$FR_T\""

# Onboarding with the reference's plain INSERT works.
pki_client nl-auth NL >/dev/null
NL_T=$(it_thumb_pem "$PKI/extra/nl-auth.pem")
NL_RAW=$(openssl x509 -in "$PKI/extra/nl-auth.pem" -outform DER | base64 -w0)
NL_SIG=$(it_ta_sign "$PKI/extra/nl-auth.pem")
st=$(it_curl "$PKI/extra/nl-auth" GET /countrylist)
it_is "NL before INSERT" "$st" 401
it_sql "INSERT INTO trusted_party (created_at, country, thumbprint, raw_data, signature, certificate_type) VALUES (NOW(), 'NL', '$NL_T', '$NL_RAW', '$NL_SIG', 'AUTHENTICATION')"
st=$(it_curl "$PKI/extra/nl-auth" GET /countrylist)
it_is "NL after plain INSERT" "$st" 200
it_is "NL listed" "$(tr -d ' \n' < "$IT_BODY")" '["DE","FR","IE","NL"]'
# Upper-case thumbprint in the column (the reference's collation made it match).
it_sql "UPDATE trusted_party SET thumbprint=UPPER(thumbprint) WHERE country='NL'"
st=$(it_curl "$PKI/extra/nl-auth" GET /countrylist)
it_is "NL with upper-case thumbprint column" "$st" 200
# The same row relabelled to another country: the DN's C no longer matches.
it_sql "UPDATE trusted_party SET country='DE' WHERE country='NL'"
st=$(it_curl "$PKI/extra/nl-auth" GET /countrylist)
it_is "NL row moved to DE refused" "$st" 401

it_done
