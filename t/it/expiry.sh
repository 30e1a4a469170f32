#!/usr/bin/env bash
# Certificate expiry and the onboarding linter through the real dgcg-admin
# (issue 14): `expiry` lists the trusted parties and DSCs expiring within N
# days, soonest first, with what each UPLOAD certificate signed (live DSCs,
# rules, batches: CMS migration work), and exits 1 for cron when it lists
# anything; `lint` prints every finding with its rule; `onboard` refuses a
# certificate with findings unless --force.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start

future=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)
up() { it_curl DE POST /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$1"; }
batch() { it_curl DE POST /revocation-list -H 'Content-Type: application/cms-text' --data-binary @"$1"; }
# ex ARGS...: dgcg-admin expiry ARGS; its stdout in $W/ex.out, the status printed
ex() { it_admin expiry "$@" >"$W/ex.out" 2>"$W/ex.err"; echo $?; }
# rows: the listing without its header, as "status type cc thumbprint dscs rules batches"
rows() { awk 'NR > 1 { print $1, $4, $5, $6, $7, $8, $9 }' "$W/ex.out"; }
# lint ARGS...: dgcg-admin lint ARGS; its stdout in $W/lint.out, the status printed
lint() { it_admin lint "$@" >"$W/lint.out" 2>"$W/lint.err"; echo $?; }

# --- a fresh stack: nothing expires within 30 days ------------------------------------------
it_is "expiry on the fresh stack: exit 0" "$(ex)" 0
it_is "... and silent (cron mails any output)" "$(cat "$W/ex.out" "$W/ex.err")" ""
it_is "--days x: usage" "$(ex --days x)" 64
it_is "--days -1: usage" "$(ex --days -1)" 64
it_is "an operand: usage" "$(ex 30)" 64

# --- lint through the binary ----------------------------------------------------------------------
it_is "DE's demo UPLOAD certificate: clean" "$(lint "$PKI/DE/upload.pem" --type UPLOAD --country DE)" 0
it_is "... prints 0 findings" "$(cat "$W/lint.out")" "0 findings"
it_is "options first, then CERT: same" "$(lint --type UPLOAD --country DE "$PKI/DE/upload.pem")" 0
it_is "DE's CSCA as CSCA and its auth as AUTHENTICATION: clean" \
	"$(lint "$PKI/DE/csca.pem" --type CSCA --country DE):$(lint "$PKI/DE/auth.pem" --type AUTHENTICATION --country DE)" 0:0
it_is "the UPLOAD certificate as a CSCA: 1" "$(lint "$PKI/DE/upload.pem" --type CSCA --country DE)" 1
it_is "... keyCertSign and CA:TRUE missing" "$(cat "$W/lint.out")" \
	"usage: KeyUsage lacks keyCertSign, required for CSCA
usage: BasicConstraints CA:TRUE required for CSCA (CA:FALSE)
2 findings"
it_is "the CSCA as AUTHENTICATION: no clientAuth" "$(lint "$PKI/DE/csca.pem" --type AUTHENTICATION --country DE)" 1
it_like "... usage finding" "$(cat "$W/lint.out")" '^usage: no ExtendedKeyUsage: TLS client authentication'
it_is "DE's auth certificate for FR: 1" "$(lint "$PKI/DE/auth.pem" --type AUTHENTICATION --country FR)" 1
it_is "... country finding" "$(head -1 "$W/lint.out")" "country: the subject has C=DE, C=FR required"
it_is "DE's DSC as a DSC: clean" "$(lint "$PKI/DE/dsc.pem" --type DSC --country DE)" 0
# explicit EC parameters, RSA-1024 with SHA-1, two C attributes: made with openssl
openssl ecparam -name prime256v1 -param_enc explicit -genkey -noout -out "$W/explicit.key" 2>/dev/null
openssl req -x509 -new -key "$W/explicit.key" -subj "/C=DE/CN=explicit" -days 365 -sha256 \
	-config "$PKI/ca/req.cnf" -extensions signing -out "$W/explicit.pem" 2>/dev/null
it_is "explicit EC parameters: 1" "$(lint "$W/explicit.pem" --type UPLOAD --country DE)" 1
it_like "... ec-params finding" "$(cat "$W/lint.out")" '^ec-params: EC key with explicit curve parameters'
openssl req -x509 -new -newkey rsa:1024 -nodes -keyout "$W/rsa1024.key" -subj "/C=DE/C=FR/CN=weak" \
	-days 365 -sha1 -config "$PKI/ca/req.cnf" -extensions signing -out "$W/rsa1024.pem" 2>/dev/null
it_is "RSA-1024, SHA-1, two C: 1" "$(lint "$W/rsa1024.pem" --type UPLOAD --country DE)" 1
it_is "... three findings in rule order" "$(cut -d: -f1 "$W/lint.out" | tr '\n' ' ')" "key sig-hash country 3 findings "
it_is "--type FOO: usage" "$(lint "$PKI/DE/upload.pem" --type FOO --country DE)" 64
it_is "--country de: usage" "$(lint "$PKI/DE/upload.pem" --type UPLOAD --country de)" 64
it_is "--min-days x: usage" "$(lint "$PKI/DE/upload.pem" --type UPLOAD --country DE --min-days x)" 64
it_is "no --country: usage" "$(lint "$PKI/DE/upload.pem" --type UPLOAD)" 64
it_is "no such file: 2" "$(lint "$W/none.pem" --type UPLOAD --country DE)" 2
it_is "not a certificate: 2" "$(lint "$W/explicit.key" --type UPLOAD --country DE)" 2
it_is "an unreadable configuration: 78" \
	"$("$DGCG_ADMIN" -c "$W/none.conf" lint "$PKI/DE/upload.pem" --type UPLOAD --country DE >/dev/null 2>&1; echo $?)" 78

# --- a DE UPLOAD certificate valid for 10 days, refused by the linter -------------------------
_pki_selfsigned "$W/short" "/C=DE/O=dgcg demo/CN=DE upload short" signing 10
sig=$(it_ta_sign "$W/short.pem")
it_is "lint: 9 (or 10) days left, at least 30 required" "$(lint "$W/short.pem" --type UPLOAD --country DE)" 1
it_like "... min-days finding" "$(head -1 "$W/lint.out")" '^min-days: valid until .*: (9|10) days left, at least 30 required$'
it_is "... --min-days 5: clean" "$(lint "$W/short.pem" --type UPLOAD --country DE --min-days 5)" 0
out=$(it_admin onboard --country DE --type UPLOAD --cert "$W/short.pem" --signature "$sig" 2>&1); rc=$?
it_is "onboard refuses it: exit 1" "$rc" 1
it_like "... with the finding and the way out" "$out" \
	'dgcg-admin: lint: min-days: .* days left.*dgcg-admin: refused: 1 lint finding \(--force onboards anyway\)'
it_is "... and stores nothing" "$(it_count trusted_party "thumbprint='$(it_thumb_pem "$W/short.pem")'")" 0
out=$(it_admin onboard --country DE --type UPLOAD --cert "$W/short.pem" --signature "$sig" --min-days 5 2>&1); rc=$?
it_is "onboard --min-days 5 takes it" "$rc" 0
SHORT=$(it_thumb_pem "$W/short.pem")
# an expired FR AUTHENTICATION certificate, onboarded with --force
pki_client old FR expired >/dev/null
sig=$(it_ta_sign "$PKI/extra/old.pem")
out=$(it_admin onboard --country FR --type AUTHENTICATION --cert "$PKI/extra/old.pem" --signature "$sig" 2>&1); rc=$?
it_is "onboard refuses the expired one" "$rc" 1
out=$(it_admin onboard --force --country FR --type AUTHENTICATION --cert "$PKI/extra/old.pem" --signature "$sig" 2>&1); rc=$?
it_is "onboard --force takes it" "$rc" 0
it_like "... warning of the finding" "$out" 'dgcg-admin: lint: validity: expired on 2021-01-01T00:00:00Z.*--force: onboarding despite 1 lint finding'
OLD=$(it_thumb_pem "$PKI/extra/old.pem")

# --- what the short UPLOAD certificate signs: 3 DSCs (one deleted), 1 rule, 2 batches ------------
it_ok "grant DE the revocation roles" it_roles DE
for i in 1 2 3; do
	it_dsc "$W/dsc$i" "/C=DE/O=dgcg demo/CN=DE dsc $i" DE
	it_cms "$W/dsc$i.der" "$W/short" "$W/dsc$i.b64"
	it_is "DSC $i signed by the short certificate: 201" "$(up "$W/dsc$i.b64")" 201
done
st=$(it_curl DE DELETE /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$W/dsc3.b64")
it_is "DSC 3 deleted (a tombstone signs nothing)" "$st" 204
for i in 1 2; do
	it_batch "$W/batch$i.json" DE "$future" UCI "$i"
	it_cms "$W/batch$i.json" "$W/short" "$W/batch$i.b64"
	it_is "batch $i signed by the short certificate: 201" "$(batch "$W/batch$i.b64")" 201
done
printf '{"Identifier":"GR-DE-0001","Version":"1.0.0"}' >"$W/rule.json"
it_cms "$W/rule.json" "$W/short" "$W/rule.b64"
it_sql "INSERT INTO validation_rule (created_at, rule_id, signature, valid_from, valid_to, version, country, type) VALUES (UTC_TIMESTAMP(), 'GR-DE-0001', '$(cat "$W/rule.b64")', UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL 10 DAY, '1.0.0', 'DE', 'ACCEPTANCE')"
# a DSC valid for 5 days, uploaded with DE's regular upload certificate
PKI_DSC_DAYS=5 it_dsc "$W/dsc-short" "/C=DE/O=dgcg demo/CN=DE dsc short" DE
it_cms "$W/dsc-short.der" DE "$W/dsc-short.b64"
it_is "the 5-day DSC signed by DE's upload certificate: 201" "$(up "$W/dsc-short.b64")" 201
DSCS=$(it_thumb_pem "$W/dsc-short.pem")
# a FR batch by FR's own upload certificate: counted for FR's, not DE's
it_ok "grant FR the revocation roles" it_roles FR
it_batch "$W/fr.json" FR "$future" UCI 1
it_cms "$W/fr.json" FR "$W/fr.b64"
it_is "a FR batch: 201" "$(it_curl FR POST /revocation-list -H 'Content-Type: application/cms-text' --data-binary @"$W/fr.b64")" 201

# --- the listing ----------------------------------------------------------------------------------
it_is "expiry: exit 1" "$(ex)" 1
it_is "the header line" "$(head -1 "$W/ex.out")" \
	"$(printf '%-10s %6s %-20s %-14s %-2s %-64s %5s %5s %7s' status days not_after type cc thumbprint dscs rules batches)"
it_is "soonest first: the expired FR auth, the 5-day DSC, the 10-day UPLOAD with 2 DSCs, 1 rule, 2 batches" \
	"$(rows)" "EXPIRED AUTHENTICATION FR $OLD - - -
EXPIRING DSC DE $DSCS - - -
EXPIRING UPLOAD DE $SHORT 2 1 2"
it_like "days: negative once expired, 4 and 9 left" "$(awk 'NR > 1 { printf "%s ", $2 }' "$W/ex.out")" '^-[0-9]+ (4|5) (9|10) $'
it_is "not_after of the expired one" "$(awk 'NR == 2 { print $3 }' "$W/ex.out")" 2021-01-01T00:00:00Z
TOTAL=$(( $(it_count trusted_party) + $(it_count signer_information "deleted_at IS NULL") ))
it_is "11 trusted parties and 3 live DSCs" "$TOTAL" 14
it_like "stderr: 3 of the 14" "$(cat "$W/ex.err")" '^dgcg-admin: expiry: 3 of 14 certificates expired or expiring within 30 days$'
it_is "--days 0: only the expired one, exit 1" "$(ex --days 0):$(rows | cut -d' ' -f1-3)" "1:EXPIRED AUTHENTICATION FR"
it_is "--days 7: the expired one and the DSC" "$(ex --days 7):$(rows | cut -d' ' -f2 | tr '\n' ' ')" "1:AUTHENTICATION DSC "
# every certificate with --days 1000: DE's regular upload certificate signed 1 DSC, FR's 1 batch
it_is "--days 1000: every one of the 14" "$(ex --days 1000):$(rows | wc -l)" 1:14
it_is "DE's regular UPLOAD certificate: 1 DSC, 0 rules, 0 batches" \
	"$(rows | awk -v t="$(it_thumb_pem "$PKI/DE/upload.pem")" '$4 == t { print $5, $6, $7 }')" "1 0 0"
it_is "FR's UPLOAD certificate: 0 DSCs, 0 rules, 1 batch" \
	"$(rows | awk -v t="$(it_thumb_pem "$PKI/FR/upload.pem")" '$4 == t { print $5, $6, $7 }')" "0 0 1"
it_is "IE's UPLOAD certificate: nothing" \
	"$(rows | awk -v t="$(it_thumb_pem "$PKI/IE/upload.pem")" '$4 == t { print $5, $6, $7 }')" "0 0 0"

# --- a stored CMS that does not parse, a trusted party that is no certificate -------------------
it_sql "UPDATE validation_rule SET signature = 'bm90IGEgQ01T' WHERE rule_id = 'GR-DE-0001'"
it_is "a broken rule CMS: exit 1 still" "$(ex)" 1
it_is "... the rule is no longer counted" "$(rows | awk -v t="$SHORT" '$4 == t { print $5, $6, $7 }')" "2 0 2"
it_like "... and stderr says so" "$(cat "$W/ex.err")" '; 1 stored CMS without a readable signer$'
it_sql "INSERT INTO trusted_party (created_at, country, thumbprint, raw_data, signature, certificate_type) VALUES (UTC_TIMESTAMP(), 'IE', '$(printf '%064d' 0)', 'bm90IGEgY2VydA==', 'x', 'CSCA')"
it_is "a trusted party that is no certificate: exit 1" "$(ex --days 0)" 1
it_is "... listed first as UNREADABLE" "$(awk 'NR == 2 { print $1, $2, $3, $4, $5 }' "$W/ex.out")" "UNREADABLE - - CSCA IE"
it_sql "DELETE FROM trusted_party WHERE thumbprint = '$(printf '%064d' 0)'"

# --- after offboarding the expired one and migrating away, nothing within 3 days ----------------
it_ok "offboard the expired FR certificate" it_admin offboard --thumbprint "$OLD"
it_is "--days 3: exit 0, only the header and the broken rule's count" "$(ex --days 3):$(rows | wc -l)" 0:0
it_like "... on stderr" "$(cat "$W/ex.err")" '^dgcg-admin: expiry: 0 of 13 .*; 1 stored CMS without a readable signer$'
it_sql "DELETE FROM validation_rule WHERE rule_id = 'GR-DE-0001'"
it_is "... without it: silent" "$(ex --days 3):$(cat "$W/ex.out" "$W/ex.err")" 0:

it_done
