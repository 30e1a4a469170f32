#!/usr/bin/env bash
# DSC upload and delete, and the trust list, through nginx with mTLS:
# the reference's SignerCertificateIntegrationTest, TrustListIntegrationTest
# and the TXR-2059..2973 / 6359..6431 cases, with openssl cms + curl as the
# client (reference-gateway.md 12.1).
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start

upload() { it_curl "$1" POST /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$2"; }

# --- upload -----------------------------------------------------------------
DSC=$PKI/DE/dsc.pem
openssl x509 -in "$DSC" -outform DER -out "$W/dsc.der"
body=$(it_cms "$W/dsc.der" DE)
a0=$(it_count audit_event)
st=$(upload DE "$body")
it_is "valid upload" "$st" 201
it_is "one DSC row" "$(it_count signer_information)" 1
it_is "row fields" "$(it_sql "SELECT CONCAT(country,' ',certificate_type,' ',thumbprint) FROM signer_information")" \
	"DE DSC $(it_thumb_pem "$DSC")"
it_is "raw_data is the DER" "$(it_sql 'SELECT raw_data FROM signer_information')" \
	"$(openssl x509 -in "$DSC" -outform DER | base64 -w0)"
it_is "audit +1" "$(it_count audit_event)" $((a0 + 1))
it_is "audit SUCCESS row" "$(it_sql "SELECT CONCAT(event,'|',description,'|',uploader_sha256_fingerprint) FROM audit_event ORDER BY id DESC LIMIT 1")" \
	"SUCCESS|postVerificationInformation successful executed|$(it_thumb_pem "$PKI/DE/upload.pem")"
it_sql 'SELECT signature FROM signer_information' | base64 -d > "$W/stored.der"
it_ok "stored signature verifies detached against the upload cert" openssl cms -verify -binary \
	-inform DER -in "$W/stored.der" -content "$W/dsc.der" -noverify -certfile "$PKI/DE/upload.pem" -out /dev/null
it_ok "stored signature is detached" bash -c "openssl cms -cmsout -print -inform DER -in '$W/stored.der' | grep -q 'eContent: <ABSENT>'"
it_log_has "Saving new SignerInformation Entity.*uploadCertThumbprint=\"$(it_thumb_pem "$PKI/DE/upload.pem")\".*cscaCertThumbprint=\"$(it_thumb_pem "$PKI/DE/csca.pem")\""

a0=$(it_count audit_event)
st=$(upload DE "$body")
it_is "same upload twice" "$st" 409
it_is "duplicate code" "$(it_json code)" 0x002
it_is "duplicate problem" "$(it_json problem)" "You cant upload an existing certificate."
it_is "duplicate: no audit" "$(it_count audit_event)" "$a0"

# --- refusals, each with its audit row and no DSC row ---------------------------
refused() { # name, who, body, status, code, details-regex, audited(1/0)
	local a b st
	a=$(it_count audit_event); b=$(it_count signer_information)
	st=$(upload "$2" "$3")
	it_is "$1: status" "$st" "$4"
	it_is "$1: code" "$(it_json code)" "$5"
	[ -n "$6" ] && it_like "$1: details" "$(it_json details)" "$6"
	it_is "$1: audit rows" "$(it_count audit_event)" $((a + $7))
	it_is "$1: no DSC row" "$(it_count signer_information)" "$b"
}
it_dsc "$W/ta-signed" "/C=DE/CN=signed by TA" "$PKI/ta"
refused "DSC signed by the TA" DE "$(it_cms "$W/ta-signed.der" DE)" 400 0x004 "not issued .* by a CSCA of country DE" 1
it_dsc "$W/fr-csca" "/C=DE/CN=DE subject, FR CSCA" FR
refused "DSC signed by another country's CSCA" DE "$(it_cms "$W/fr-csca.der" DE)" 400 0x004 "CSCA of country DE" 1
it_dsc "$W/fr-subj" "/C=FR/CN=FR subject" DE
refused "DSC with another country's C" DE "$(it_cms "$W/fr-subj.der" DE)" 400 0x004 "not issued for uploader country" 1
it_dsc "$W/no-c" "/CN=no country" DE
refused "DSC without C" DE "$(it_cms "$W/no-c.der" DE)" 400 0x004 "no country property" 1
it_dsc "$W/two-c" "/C=DE/C=FR/CN=two countries" DE
refused "DSC with two C" DE "$(it_cms "$W/two-c.der" DE)" 400 0x004 "more than one country property" 1
it_dsc "$W/good2" "/C=DE/CN=DE DSC two" DE
refused "CMS signed by another country's upload cert" DE "$(it_cms "$W/good2.der" FR)" 400 0x004 "Could not find upload certificate" 1
refused "CMS signed by the CSCA instead of the upload cert" DE "$(it_cms "$W/good2.der" "$PKI/DE/csca")" 400 0x004 "Could not find upload certificate" 1
# OpenSSL 3.0 has no -not_before: sign through openssl ca with fixed dates.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/C=DE/CN=DE expired" \
	-keyout "$W/expired.key" -out "$W/expired.csr" 2>/dev/null
mkdir -p "$W/ca/newcerts"; : > "$W/ca/index.txt"; echo 01 > "$W/ca/serial"
printf '[ca]\ndefault_ca=d\n[d]\ndir=%s\ndatabase=$dir/index.txt\nnew_certs_dir=$dir/newcerts\nserial=$dir/serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\ncopy_extensions=none\nx509_extensions=e\n[p]\ncountryName=optional\ncommonName=supplied\n[e]\nbasicConstraints=CA:FALSE\n' "$W/ca" > "$W/ca/ca.cnf"
openssl ca -batch -config "$W/ca/ca.cnf" -cert "$PKI/DE/csca.pem" -keyfile "$PKI/DE/csca.key" \
	-in "$W/expired.csr" -out "$W/expired.pem" -startdate 20200101000000Z -enddate 20210101000000Z \
	-notext 2>/dev/null
openssl x509 -in "$W/expired.pem" -outform DER -out "$W/expired.der"
refused "expired DSC (design document)" DE "$(it_cms "$W/expired.der" DE)" 400 0x004 "expired on 2021-01-01" 1

# Client mistakes that are not audited: the body is not a usable CMS.
printf 'this is not base64!' > "$W/bad.b64"
refused "not base64" DE "$W/bad.b64" 400 0x402 "" 0
it_is "not base64 problem" "$(it_json problem)" "Invalid Base64 CMS Message"
printf 'SGVsbG8gd29ybGQ=' > "$W/notcms.b64"
refused "not CMS" DE "$W/notcms.b64" 400 0x402 "" 0
it_is "not CMS problem" "$(it_json problem)" "Could not parse CMS Message"
it_cms "$W/dsc.der" DE "$W/detached.b64" --detached
refused "detached CMS" DE "$W/detached.b64" 400 0x402 "" 0
it_like "detached CMS problem" "$(it_json problem)" "attached"
printf 'hello' > "$W/text.txt"
it_cms "$W/text.txt" DE "$W/text.b64"
refused "text payload" DE "$W/text.b64" 400 0x402 "" 0
it_is "text payload problem" "$(it_json problem)" "CMS Message payload needs to be a DER encoded X509 certificate"
it_cms "$W/good2.der" DE "$W/twocerts.b64" -certfile "$PKI/DE/csca.pem"
refused "two certificates" DE "$W/twocerts.b64" 400 0x402 "" 0
it_is "two certificates problem" "$(it_json problem)" "CMS Message needs to contain exactly one X509 certificate"
good2=$(it_cms "$W/good2.der" DE)
it_tamper "$good2" "$W/tampered.b64" -20
refused "tampered signature" DE "$W/tampered.b64" 400 0x009 "" 0
it_is "tampered problem" "$(it_json problem)" "Invalid CMS Signature"
st=$(it_curl DE POST /signerCertificate -H 'Content-Type: application/json' --data-binary @"$good2")
it_is "wrong content type" "$st" 415
it_is "wrong content type code" "$(it_json code)" 0x415
st=$(it_curl - POST /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$good2")
it_is "unauthenticated upload (TXR-2060)" "$st" 401

# KID collision: a stored row whose thumbprint shares the first 16 hex digits.
T2=$(it_thumb_pem "$W/good2.pem")
FAKE=${T2:0:16}$(printf '%048d' 0)
it_sql "INSERT INTO signer_information (created_at, country, thumbprint, raw_data, signature, certificate_type) VALUES (UTC_TIMESTAMP(), 'DE', '$FAKE', 'AA==', NULL, 'DSC')"
st=$(upload DE "$good2")
it_is "KID collision" "$st" 400
it_is "KID collision details" "$(it_json details)" "A certificate with KID of uploaded certificate already exists"
it_sql "DELETE FROM signer_information WHERE thumbprint='$FAKE'"
st=$(upload DE "$good2")
it_is "second DSC after the collision is gone" "$st" 201

# --- delete -----------------------------------------------------------------
a0=$(it_count audit_event)
st=$(it_curl DE DELETE /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$body")
it_is "delete" "$st" 204
it_is "delete keeps a tombstone" "$(it_sql "SELECT CONCAT(signature IS NULL, ' ', deleted_at IS NOT NULL) FROM signer_information WHERE thumbprint='$(it_thumb_pem "$DSC")'")" "1 1"
it_is "delete audited" "$(it_sql "SELECT description FROM audit_event ORDER BY id DESC LIMIT 1")" \
	"revokeVerificationInformation triggered SUCCESS"
st=$(it_curl DE DELETE /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$body")
it_is "delete again (reference: 204)" "$st" 204
it_dsc "$W/unknown" "/C=DE/CN=never uploaded" DE
unknown=$(it_cms "$W/unknown.der" DE)
st=$(it_curl DE POST /signerCertificate/delete -H 'Content-Type: application/cms' --data-binary @"$unknown")
it_is "delete unknown" "$st" 404
it_is "delete unknown code" "$(it_json code)" 0x005
it_is "delete unknown audited" "$(it_sql "SELECT event FROM audit_event ORDER BY id DESC LIMIT 1")" EXIST_CHECK_FAILED
st=$(it_curl FR DELETE /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$(it_cms "$W/good2.der" FR)")
it_is "FR deletes DE's DSC (TXR-2070)" "$st" 400
it_is "FR deletes DE's DSC code" "$(it_json code)" 0x007
it_is "DE's DSC untouched" "$(it_sql "SELECT signature IS NOT NULL FROM signer_information WHERE thumbprint='$T2'")" 1
st=$(it_curl DE DELETE /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$W/notcms.b64")
it_is "delete with a bad CMS" "$st" 400
it_is "delete with a bad CMS code" "$(it_json code)" 0x402

# Re-upload after delete: one row, signature restored, new id.
old_id=$(it_sql "SELECT id FROM signer_information WHERE thumbprint='$(it_thumb_pem "$DSC")'")
st=$(upload DE "$body")
it_is "re-upload after delete" "$st" 201
it_is "re-upload: one row" "$(it_sql "SELECT COUNT(*) FROM signer_information WHERE thumbprint='$(it_thumb_pem "$DSC")'")" 1
it_ok "re-upload: new id" test "$(it_sql "SELECT id FROM signer_information WHERE thumbprint='$(it_thumb_pem "$DSC")'")" != "$old_id"
it_is "re-upload: signature restored" "$(it_sql "SELECT signature IS NOT NULL AND deleted_at IS NULL FROM signer_information WHERE thumbprint='$(it_thumb_pem "$DSC")'")" 1

# --- trust list -----------------------------------------------------------------
st=$(it_curl FR GET /trustList)
it_is "trustList" "$st" 200
n=$(it_jlen)
it_is "trustList: 9 trusted parties + 2 DSCs" "$n" 11
it_ok "trustList: sorted by kid, field order, formats" it_shape '*.kid^' \
	'*:kid,timestamp,country,certificateType,thumbprint,signature,rawData' \
	'*.kid~kid' '*.timestamp~time' '*.thumbprint~hex64' '*~trust-entry'
etag=$(it_header ETag)
it_like "trustList ETag" "$etag" '^"[0-9a-f]{32}"$'
cp "$IT_BODY" "$W/identity.json"
it_ok "the full list is a pre-rendered file in the cache dir" test -s "$IT_DIR/cache/tl-${etag//\"/}.json"
it_ok "... and its gzip" test -s "$IT_DIR/cache/tl-${etag//\"/}.json.gz"
st=$(it_curl FR GET /trustList --compressed)
it_is "trustList gzip" "$st" 200
it_like "trustList gzip: Content-Encoding" "$(cat "$IT_HEADERS")" '[Cc]ontent-[Ee]ncoding: gzip'
it_ok "trustList gzip: same JSON" cmp -s "$IT_BODY" "$W/identity.json"
it_is "trustList gzip: same ETag" "$(it_header ETag)" "$etag"
st=$(it_curl FR GET /trustList -H "If-None-Match: $etag")
it_is "If-None-Match unchanged: 304" "$st" 304
it_is "304 has no body" "$(wc -c < "$IT_BODY")" 0
it_log_has 'Downloaded TrustList.*downloadedKeys="11".*downloadedKeysCountry="FR"'

for t in AUTHENTICATION UPLOAD CSCA; do
	st=$(it_curl DE GET "/trustList/$t"); it_is "/trustList/$t" "$st:$(it_jlen)" "200:3"
	st=$(it_curl DE GET "/trustList/$t/DE"); it_is "/trustList/$t/DE" "$st:$(it_jlen)" "200:1"
done
st=$(it_curl DE GET /trustList/DSC); it_is "/trustList/DSC" "$st:$(it_jlen)" "200:2"
st=$(it_curl DE GET /trustList/dsc/de); it_is "lower-case type and country" "$st:$(it_jlen)" "200:2"
st=$(it_curl DE GET /trustList/aUtHeNtiCaTiOn/fr); it_is "mixed-case type" "$st:$(it_jlen)" "200:1"
st=$(it_curl DE GET /trustList/DSC/FR); it_is "/trustList/DSC/FR empty" "$st:$(cat "$IT_BODY")" "200:[]"
st=$(it_curl DE GET /trustList/XXX); it_is "/trustList/XXX" "$st:$(it_json code)" "400:0x001"
st=$(it_curl DE GET /trustList/DSC/XXX); it_is "/trustList/DSC/XXX" "$st:$(it_json code)" "400:0x001"

# paging (TXR-6359, 6423, 6429, 6430)
st=$(it_curl DE GET '/trustList?pagesize=5'); it_is "pagesize=5" "$st:$(it_jlen)" "200:5"
st=$(it_curl DE GET '/trustList?page=1&pagesize=5'); it_is "page=1 pagesize=5" "$st:$(it_jlen)" "200:5"
st=$(it_curl DE GET '/trustList?page=2&pagesize=5'); it_is "page=2 pagesize=5" "$st:$(it_jlen)" "200:1"
st=$(it_curl DE GET '/trustList?page=3&pagesize=5'); it_is "page past the end" "$st:$(cat "$IT_BODY")" "200:[]"
st=$(it_curl DE GET '/trustList?page=0'); it_is "page=0, default pagesize 100" "$st:$(it_jlen)" "200:11"
st=$(it_curl DE GET '/trustList?page=-1&pagesize=-1'); it_is "negative page and pagesize: no paging" "$st:$(it_jlen)" "200:11"
all=$(it_curl DE GET /trustList >/dev/null; it_json '*.kid')
pages=""
for p in 0 1 2 3 4 5; do
	it_curl DE GET "/trustList?page=$p&pagesize=2" >/dev/null
	pages="$pages $(it_json '*.kid')"
done
it_is "pages of 2 give the same set in the same order" "$(echo $pages)" "$(echo $all)"
st=$(it_curl DE GET '/trustList?pagesize=0'); it_is "pagesize=0 (reference: 500)" "$st:$(it_json code)" "400:0x001"
st=$(it_curl DE GET '/trustList?page=abc'); it_is "page=abc" "$st:$(it_json code)" "400:0x001"
st=$(it_curl DE GET '/trustList?page=%zz'); it_is "page=%zz" "$st:$(it_json code)" "400:0x001"

# If-Modified-Since: deltas with tombstones (TXR-6424/6425/6426/6427/6431)
st=$(upload DE "$unknown")
it_is "third DSC" "$st" 201
st=$(it_curl DE DELETE /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$unknown")
it_is "third DSC deleted" "$st" 204
T3=$(it_thumb_pem "$W/unknown.pem")
st=$(it_curl DE GET /trustList/DSC); it_is "no tombstone without IMS" "$st:$(grep -c "$T3" "$IT_BODY")" "200:0"
since=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)
st=$(it_curl DE GET /trustList/DSC -H "If-Modified-Since: $since")
it_is "IMS ISO-8601" "$st" 200
it_ok "IMS: tombstone with null signature and rawData" it_shape "[thumbprint=$T3]#1" \
	"[thumbprint=$T3].*.signature=null" "[thumbprint=$T3].*.rawData=null" '+"signature":null'
it_is "IMS: 3 DSC entries" "$(it_jlen)" 3
http=$(date -u -d '-1 hour' '+%a, %d %b %Y %H:%M:%S GMT')
st=$(it_curl DE GET /trustList/DSC -H "If-Modified-Since: $http")
it_is "IMS RFC 1123 (reference: 400, its #174)" "$st:$(it_jlen)" "200:3"
# The three HTTP-date forms of RFC 9110 5.6.7 answer what the same instant in ISO-8601 does;
# a 1st of the month, so that the IMF-fixdate has a 1-digit day.
first=2021-06-01T00:00:00Z
st=$(it_curl DE GET /trustList/DSC -H "If-Modified-Since: $first"); want="$st:$(it_jlen)"
cp "$IT_BODY" "$W/ims_first.json"
it_is "IMS ISO-8601 $first" "$want" "200:3"
while IFS='|' read -r name fmt; do
	ims=$(LC_ALL=C date -u -d "$first" "+$fmt")
	st=$(it_curl DE GET /trustList/DSC -H "If-Modified-Since: $ims")
	it_is "IMS $name ($ims)" "$st:$(it_jlen)" "$want"
	it_ok "IMS $name: the same delta" cmp "$IT_BODY" "$W/ims_first.json"
done <<'EOF2'
IMF-fixdate, 1-digit day|%a, %-d %b %Y %H:%M:%S GMT
RFC 850|%A, %d-%b-%y %H:%M:%S GMT
asctime, space-padded day|%a %b %e %H:%M:%S %Y
EOF2
st=$(it_curl DE GET /trustList/DSC -H "If-Modified-Since: $(LC_ALL=C date -u -d '-1 hour' '+%A, %d-%b-%y %H:%M:%S GMT')")
it_is "IMS RFC 850, an hour ago" "$st:$(it_jlen)" "200:3"
st=$(it_curl DE GET /trustList/DSC -H "If-Modified-Since: $(LC_ALL=C date -u -d '-1 hour' '+%a %b %e %H:%M:%S %Y')")
it_is "IMS asctime, an hour ago" "$st:$(it_jlen)" "200:3"
st=$(it_curl DE GET /trustList -H "If-Modified-Since: $(LC_ALL=C date -u -d "$first" '+%a, %-d %b %Y %H:%M:%S gmt')")
it_is "IMS IMF-fixdate with gmt in lower case" "$st:$(it_json code)" "400:0x001"
st=$(it_curl DE GET /trustList -H "If-Modified-Since: $(LC_ALL=C date -u -d "$first" '+%a %b %-d %H:%M:%S %Y')")
it_is "IMS asctime with an unpadded day" "$st:$(it_json code)" "400:0x001"
st=$(it_curl DE GET /trustList -H "If-Modified-Since: $(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%S+00:00)")
it_is "IMS in the future: empty delta" "$st:$(cat "$IT_BODY")" "200:[]"
st=$(it_curl DE GET /trustList -H "If-Modified-Since: yesterday")
it_is "IMS malformed" "$st:$(it_json code)" "400:0x001"
st=$(it_curl DE GET '/trustList/DSC?page=0&pagesize=1' -H "If-Modified-Since: $since")
it_is "IMS with paging" "$st:$(it_jlen)" "200:1"

# Freshness: changes made directly in MariaDB show in the very next response.
st=$(it_curl DE GET /trustList/DSC); e1=$(it_header ETag); n1=$(it_jlen)
it_sql "UPDATE signer_information SET signature=CONCAT(SUBSTRING(signature,1,100),'A',SUBSTRING(signature,102)) WHERE thumbprint='$T2'"
st=$(it_curl DE GET /trustList/DSC)
it_is "tampered DSC row left out at once" "$st:$(it_jlen)" "200:$((n1 - 1))"
it_ok "ETag changed" test "$(it_header ETag)" != "$e1"
it_log_has "DSC row left out of the trust list.*certVerifyThumbprint=\"$T2\""
st=$(it_curl DE GET /trustList); it_is "whole list still served" "$st:$(it_jlen)" "200:10"
orig=$(it_cms "$W/good2.der" DE - --detached)
it_sql "UPDATE signer_information SET signature='$orig' WHERE thumbprint='$T2'"
st=$(it_curl DE GET /trustList/DSC); it_is "re-signed DSC row back at once" "$st:$(it_jlen)" "200:$n1"
# A DSC row signed by a key that is not an onboarded upload cert is left out.
it_selfsigned "$W/rogue" "/C=DE/CN=rogue"
rogue=$(it_cms "$W/good2.der" "$W/rogue" - --detached)
it_sql "UPDATE signer_information SET signature='$rogue' WHERE thumbprint='$T2'"
st=$(it_curl DE GET /trustList/DSC); it_is "DSC signed by a rogue key left out" "$st:$(it_jlen)" "200:$((n1 - 1))"
it_sql "UPDATE signer_information SET signature='$orig' WHERE thumbprint='$T2'"
# A trusted party inserted with SQL appears in the next response.
pki_client nl-auth NL >/dev/null
NL_SIG=$(it_ta_sign "$PKI/extra/nl-auth.pem")
it_sql "INSERT INTO trusted_party (created_at, country, thumbprint, raw_data, signature, certificate_type) VALUES (NOW(), 'NL', '$(it_thumb_pem "$PKI/extra/nl-auth.pem")', '$(openssl x509 -in "$PKI/extra/nl-auth.pem" -outform DER | base64 -w0)', '$NL_SIG', 'AUTHENTICATION')"
st=$(it_curl DE GET /trustList/AUTHENTICATION); it_is "SQL-inserted trusted party served at once" "$st:$(it_jlen)" "200:4"
it_sql "UPDATE trusted_party SET signature='$(it_sql "SELECT signature FROM trusted_party WHERE country='DE' AND certificate_type='CSCA'")' WHERE country='NL'"
st=$(it_curl DE GET /trustList/AUTHENTICATION); it_is "trusted party with a wrong TA signature left out at once" "$st:$(it_jlen)" "200:3"

# Deltas and the boundary second (issue 11): a client sends the Date of its
# previous download as If-Modified-Since (README); a DSC stored or deleted
# right after that download, in the same second, is in the delta.
same=0
for i in 1 2 3; do
	it_dsc "$W/race$i" "/C=DE/CN=DE race $i" DE
	body=$(it_cms "$W/race$i.der" DE)
	st=$(it_curl DE GET /trustList/DSC); d=$(it_header Date)
	st=$(upload DE "$body")
	it_is "race $i: uploaded right after a download" "$st" 201
	tr=$(it_thumb_pem "$W/race$i.pem")
	[[ "$(it_sql "SELECT UNIX_TIMESTAMP(created_at) FROM signer_information WHERE thumbprint='$tr'")" == "$(date -u -d "$d" +%s)" ]] && same=$((same + 1))
	st=$(it_curl DE GET /trustList/DSC -H "If-Modified-Since: $d")
	it_is "race $i: in the delta since that download's Date" "$st:$(grep -c "$tr" "$IT_BODY")" "200:1"
	st=$(it_curl DE GET /trustList/DSC); d=$(it_header Date)
	st=$(it_curl DE DELETE /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$body")
	it_is "race $i: deleted right after a download" "$st" 204
	st=$(it_curl DE GET /trustList/DSC -H "If-Modified-Since: $d")
	it_ok "race $i: the tombstone is in the delta since that Date" it_shape "[thumbprint=$tr]#1" \
		"[thumbprint=$tr].*.rawData=null"
done
printf '# %d of 3 uploads landed in the same second as the download before them\n' "$same"
# The same second made certain: a DSC stamped with the very second of a
# download's Date.
st=$(it_curl DE GET /trustList/DSC); d=$(it_header Date)
it_sql "UPDATE signer_information SET created_at = FROM_UNIXTIME($(date -u -d "$d" +%s)) WHERE thumbprint='$(it_thumb_pem "$DSC")'"
st=$(it_curl DE GET /trustList/DSC -H "If-Modified-Since: $d")
it_is "a DSC of the download's own second is in the delta" "$st:$(grep -c "$(it_thumb_pem "$DSC")" "$IT_BODY")" "200:1"

# --- housekeeping ---------------------------------------------------------------
it_sql "UPDATE signer_information SET deleted_at = UTC_TIMESTAMP() - INTERVAL 15 DAY WHERE thumbprint='$T3'"
it_sql "UPDATE signer_information SET deleted_at = UTC_TIMESTAMP() - INTERVAL 3 DAY, signature=NULL WHERE thumbprint='$T2'"
out=$(it_admin purge); rc=$?
it_is "purge exit" "$rc" 0
it_like "purge output" "$out" "purged 1 signer certificate tombstones older than 14 days"
it_is "old tombstone purged" "$(it_sql "SELECT COUNT(*) FROM signer_information WHERE thumbprint='$T3'")" 0
it_is "recent tombstone kept" "$(it_sql "SELECT COUNT(*) FROM signer_information WHERE thumbprint='$T2'")" 1
it_is "live DSC kept" "$(it_sql "SELECT COUNT(*) FROM signer_information WHERE thumbprint='$(it_thumb_pem "$DSC")'")" 1

it_done
