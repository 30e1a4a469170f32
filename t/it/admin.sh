#!/usr/bin/env bash
# dgcg-admin: ta-sign output, onboarding refusals, offboarding, migrations.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start
A=("$DGCG_ADMIN" -c "$DGCG_CONFIG")

# ta-sign: one base64 line, a detached CMS verifiable with openssl.
pki_client pl-auth PL >/dev/null
sig=$("$DGCG_ADMIN" ta-sign --ta-cert "$PKI/ta.pem" --ta-key "$PKI/ta.key" "$PKI/extra/pl-auth.pem")
it_is "ta-sign prints one line" "$(printf '%s\n' "$sig" | wc -l)" 1
printf '%s' "$sig" | base64 -d > "$IT_DIR/sig.der"
openssl x509 -in "$PKI/extra/pl-auth.pem" -outform DER -out "$IT_DIR/cert.der"
it_ok "ta-sign verifies with openssl cms" openssl cms -verify -binary -inform DER \
	-in "$IT_DIR/sig.der" -content "$IT_DIR/cert.der" -CAfile "$PKI/ta.pem" -out /dev/null
it_ok "ta-sign is detached" bash -c "openssl cms -cmsout -print -inform DER -in '$IT_DIR/sig.der' | grep -q 'eContent: <ABSENT>'"

# onboard refusals
out=$("${A[@]}" onboard --country FR --type AUTHENTICATION --cert "$PKI/extra/pl-auth.pem" --signature "$sig" 2>&1); rc=$?
it_is "country mismatch refused" "$rc" 1
it_like "country mismatch message" "$out" "exactly one C equal to FR"
badsig=$("$DGCG_ADMIN" ta-sign --ta-cert "$PKI/ta.pem" --ta-key "$PKI/ta.key" "$PKI/DE/auth.pem")
out=$("${A[@]}" onboard --country PL --type AUTHENTICATION --cert "$PKI/extra/pl-auth.pem" --signature "$badsig" 2>&1); rc=$?
it_is "signature of another cert refused" "$rc" 1
it_like "bad signature message" "$out" "refused: "
out=$("${A[@]}" onboard --country PL --type DSC --cert "$PKI/extra/pl-auth.pem" --signature "$sig" 2>&1); rc=$?
it_is "type DSC refused" "$rc" 64
out=$("${A[@]}" onboard --country PL --type AUTHENTICATION --cert "$PKI/extra/pl-auth.pem" --signature "not-base64!" 2>&1); rc=$?
it_is "garbage signature refused" "$rc" 1
n=$(it_sql "SELECT COUNT(*) FROM trusted_party WHERE country='PL'")
it_is "nothing inserted by refusals" "$n" 0

# onboard, then the client gets in; twice is 'already onboarded'.
printf '%s\n' "$sig" > "$IT_DIR/sig.b64"
out=$("${A[@]}" onboard --country PL --type AUTHENTICATION --cert "$PKI/extra/pl-auth.pem" --signature "@$IT_DIR/sig.b64" 2>&1); rc=$?
it_is "onboard PL" "$rc" 0
st=$(it_curl "$PKI/extra/pl-auth" GET /countrylist)
it_is "PL gets in" "$st" 200
out=$("${A[@]}" onboard --country PL --type AUTHENTICATION --cert "$PKI/extra/pl-auth.pem" --signature "$sig" 2>&1); rc=$?
it_is "onboard twice" "$rc" 3
out=$("${A[@]}" list); rc=$?
it_is "list exit" "$rc" 0
it_like "list shows PL" "$out" "PL AUTHENTICATION"

# offboard: the client is refused again.
out=$("${A[@]}" offboard --cert "$PKI/extra/pl-auth.pem" 2>&1); rc=$?
it_is "offboard PL" "$rc" 0
st=$(it_curl "$PKI/extra/pl-auth" GET /countrylist)
it_is "PL refused after offboard" "$st" 401
out=$("${A[@]}" offboard --cert "$PKI/extra/pl-auth.pem" 2>&1); rc=$?
it_is "offboard unknown" "$rc" 1

# migrate is idempotent.
out=$("${A[@]}" migrate); rc=$?
it_is "migrate again exit" "$rc" 0
it_like "migrate again applies nothing" "$out" "\(0 applied\)"
v=$(it_sql "SELECT MAX(version) FROM schema_version")
it_ok "schema version recorded" test "$v" -ge 1

# A bad configuration names file, line and key.
printf 'db_port = 99999\n' > "$IT_DIR/bad.conf"
out=$("$DGCG_ADMIN" -c "$IT_DIR/bad.conf" list 2>&1); rc=$?
it_is "bad config exit" "$rc" 78
it_like "bad config message" "$out" "bad.conf:1: db_port"

it_done
