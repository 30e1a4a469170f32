#!/usr/bin/env bash
# Hostile input through nginx with mTLS: malformed and hostile requests to
# every endpoint (truncated and garbled base64 and CMS, bodies at and over
# the limit, wrong and missing content types, invalid UTF-8 and NUL bytes,
# deep and huge JSON, overlong headers, request lines and DNs, odd paths and
# methods, SQL metacharacters in every path, query, header and body field,
# forged X-SSL-Client-* headers, duplicate headers, raw HTTP nginx must
# refuse, slow clients). Every request asserts its status and problem code
# (and that an error is a problem report). Afterwards: no 5xx at all, the
# same worker pids, and a database dump that differs from the one taken
# before only by the rows of the few valid requests at the end and the audit
# events refused DSC uploads and deletes write by design.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
# a small limit: bodies at and just over it stay cheap
export STACK_BODY_MAX=65536
it_start
B=$W/body
mkdir -p "$B"
HC=$DGCG_SRCDIR/t/it/hostile_client.py
LIMIT=$STACK_BODY_MAX
requests=0
fivexx=0
audited=0	# audit_event rows the refused requests write by design

future=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)

# One Python coprocess for the whole run (hostile_client.py serve) judges
# every answer and sends the raw requests: verdict sets V to the last answer
# in one word, the problem code of a problem report ('' when empty), - for
# JSON that is no problem report, (empty), or what is wrong: (not json),
# (bad problem shape), (content type X).
coproc HOSTILE { python3 -u "$HC" serve 127.0.0.1 "$DGCG_PORT" "$DGCG_CACERT"; }
V=""
_ask() {
	local IFS=$'\t'
	printf '%s\n' "$*" >&"${HOSTILE[1]}"
	IFS= read -r V <&"${HOSTILE[0]}"
}
verdict() { _ask verdict "$IT_BODY" "$IT_HEADERS"; }
_count() {
	requests=$((requests + 1))
	[[ "$1" == 5* ]] && fivexx=$((fivexx + 1))
	return 0
}
# hx NAME STATUS CODE WHO METHOD PATH [curl args...]: one request, one
# assertion on "status code" (CODE as printed by verdict)
hx() {
	local name=$1 want="$2 $3" st
	shift 3
	st=$(it_curl "$@")
	_count "$st"
	verdict
	it_is "$name" "$st $V" "$want"
}
# hb NAME STATUS CODE WHO METHOD PATH CONTENT-TYPE FILE [AUDIT]: a request
# with a body (CONTENT-TYPE - sends none); AUDIT audit rows are expected
hb() {
	local name=$1 s=$2 c=$3 who=$4 meth=$5 path=$6 ct=$7 f=$8 a=${9:-0} ctarg
	if [[ "$ct" == - ]]; then ctarg='Content-Type:'; else ctarg="Content-Type: $ct"; fi
	hx "$name" "$s" "$c" "$who" "$meth" "$path" -H "$ctarg" --data-binary @"$f"
	audited=$((audited + a))
}
# raw NAME STATUS CODE WHO FILE: FILE's bytes as the whole request (WHO: a
# country or - for no client certificate)
raw() {
	local name=$1 want="$2 $3" who=$4 st cert=-
	[[ "$who" != - ]] && cert=$PKI/$who/auth
	_ask raw "$cert" "$5" "$IT_BODY" "$IT_HEADERS"
	st=$V
	_count "$st"
	verdict
	it_is "$name" "$st $V" "$want"
}
rawreq() { printf '%b' "$2" >"$B/$1"; printf '%s' "$B/$1"; }
# section NAME: a progress line with the seconds since the start
section() { printf '# %3ds %s\n' "$SECONDS" "$1"; }
dbdump() {
	mariadb-dump --no-defaults --protocol=socket -S "$DGCG_DB_SOCKET" -u "$(id -un)" \
		--no-create-info --skip-dump-date --order-by-primary --skip-extended-insert \
		--skip-comments --skip-triggers --hex-blob "$DGCG_DB_NAME" >"$1"
}

# --- setup: the rows hostile requests aim at, extra clients ------------------------------
it_ok "grant DE all roles" it_roles DE
it_ok "grant FR all roles" it_roles FR
openssl x509 -in "$PKI/DE/dsc.pem" -outform DER -out "$W/de-dsc.der"
it_cms "$W/de-dsc.der" DE "$B/dsc.b64"
hb "setup: DE uploads its DSC" 201 "(empty)" DE POST /signerCertificate application/cms "$B/dsc.b64"
it_rule "$W/r1.json"
it_cms "$W/r1.json" DE "$B/r1.b64"
hb "setup: DE uploads rule GR-DE-0001" 201 "(empty)" DE POST /rules application/cms-text "$B/r1.b64"
for cc in DE FR; do
	it_batch "$W/$cc-batch.json" "$cc" "$future" UCI AAAAAAAAAAAAAAAAAAAAAA==
	it_cms "$W/$cc-batch.json" "$cc" "$B/$cc-batch.b64"
	hb "setup: $cc uploads a batch" 201 "(empty)" "$cc" POST /revocation-list application/cms-text "$B/$cc-batch.b64"
	printf -v "BATCH_$cc" '%s' "$(it_header ETag)"
done
it_batch "$W/gone.json" DE "$future" UCI AAAAAAAAAAAAAAAAAAAAAA==
it_cms "$W/gone.json" DE "$B/gone.b64"
hb "setup: DE uploads a batch to delete" 201 "(empty)" DE POST /revocation-list application/cms-text "$B/gone.b64"
BATCH_GONE=$(it_header ETag)
printf '{"batchId":"%s"}' "$BATCH_GONE" >"$W/gone-del.json"
it_cms "$W/gone-del.json" DE "$B/gone-del.b64"
hb "setup: and deletes it" 204 "(empty)" DE DELETE /revocation-list application/cms-text "$B/gone-del.b64"
ID_DE_BATCH=$(it_sql "SELECT id FROM revocation_batch WHERE batch_id='$BATCH_DE'")
ID_FR_BATCH=$(it_sql "SELECT id FROM revocation_batch WHERE batch_id='$BATCH_FR'")
ID_DE_RULE=$(it_sql "SELECT id FROM validation_rule WHERE rule_id='GR-DE-0001'")
ID_DE_DSC=$(it_sql "SELECT id FROM signer_information WHERE country='DE'")
it_like "setup: row ids" "$ID_DE_BATCH $ID_FR_BATCH $ID_DE_RULE $ID_DE_DSC" '^[0-9]+ [0-9]+ [0-9]+ [0-9]+$'

# Client certificates of the client CA with hostile subjects. "comma" carries
# ",C=FR" inside its CN and is onboarded as a DE AUTHENTICATION certificate.
X=$PKI/extra
_pki_ca_issue "$X/noc" "/O=dgcg demo/CN=no country" &&
	_pki_ca_issue "$X/pct" "/C=DE/O=dgcg demo/CN=100%zz escape" &&
	_pki_ca_issue "$X/pct00" "/C=DE/O=dgcg demo/CN=nul %00 escape" &&
	_pki_ca_issue "$X/sql" "/C=DE/O=dgcg demo/CN=x' OR '1'='1'; --" &&
	_pki_ca_issue "$X/comma" "/C=DE/O=dgcg demo/CN=a,C=FR" &&
	_pki_ca_issue "$X/longc" "/C=DE/O=dgcg demo/CN=a,C=ABCDEFGHIJKLMNOPQRSTUVWXYZ" &&
	_pki_ca_issue "$X/longdn" "/C=DE/O=dgcg demo$(for i in $(seq 80); do printf '/OU=%s' "$(printf 'u%.0s' $(seq 60))$i"; done)/CN=long" &&
	pki_client stranger DE good >/dev/null 2>&1
it_ok "hostile client certificates made" test -s "$X/longdn.pem" -a -s "$X/stranger.pem"
it_ok "onboard the ',C=FR' certificate as DE" it_onboard DE AUTHENTICATION "$X/comma.pem"
DE_T=$(it_thumb_pem "$PKI/DE/auth.pem")
FR_T=$(it_thumb_pem "$PKI/FR/auth.pem")

# --- bodies ------------------------------------------------------------------------------
section "bodies"
# Mutations of a valid base64 CMS: NAME base64 -> file $B/NAME.MUT
mutate() {
	python3 - "$1" "$B/$2" <<'PY'
import base64, sys
src, out = sys.argv[1], sys.argv[2]
b64 = open(src, "rb").read().strip()
der = base64.b64decode(b64)
mid = len(b64) // 2
muts = {
    "empty": b"",
    "one-byte": b"A",
    "three-chars": b"AAA",
    "garbage": b"hello, world! this is not a CMS",
    "sql": b"' OR '1'='1'; DROP TABLE signer_information; -- /* */ UNION SELECT * FROM trusted_party",
    "b64-of-garbage": base64.b64encode(b"garbage that is no DER at all"),
    "b64-of-zeros": base64.b64encode(b"\0" * 300),
    "truncated-half": b64[: mid - mid % 4],
    "truncated-1": b64.rstrip(b"=")[:-1],
    "truncated-der": base64.b64encode(der[:-40]),
    "truncated-der-head": base64.b64encode(der[:12]),
    "invalid-char": b64[:mid] + b"*" + b64[mid:],
    "url-safe": b64.replace(b"+", b"-").replace(b"/", b"_") if (b"+" in b64 or b"/" in b64) else b"-" + b64,
    "extra-padding": b64 + b"=",
    "padding-inside": b64[:8] + b"==" + b64[8:],
    "lines-lf": b"\n".join(b64[i:i + 64] for i in range(0, len(b64), 64)),
    "lines-crlf": b"\r\n".join(b64[i:i + 76] for i in range(0, len(b64), 76)),
    "leading-space": b" " + b64,
    "trailing-newline": b64 + b"\n",
    "nul-inside": b64[:mid] + b"\0" + b64[mid:],
    "pct00-inside": b64[:mid] + b"%00" + b64[mid:],
    "invalid-utf8": b"\xff\xfe\xc3\x28" + b64,
    "raw-der": der,
    "pem-armour": b"-----BEGIN CMS-----\n" + b64 + b"\n-----END CMS-----\n",
    "b64-of-b64": base64.b64encode(b64),
    "der-trailing-junk": base64.b64encode(der + b"\x00\x01junk"),
}
for k, v in muts.items():
    open(out + "." + k, "wb").write(v)
PY
	it_tamper "$1" "$B/$2.sigflip" -20
}
MUTS=(empty one-byte three-chars garbage sql b64-of-garbage b64-of-zeros truncated-half truncated-1
	truncated-der truncated-der-head invalid-char url-safe extra-padding padding-inside lines-lf
	lines-crlf leading-space trailing-newline nul-inside pct00-inside invalid-utf8 raw-der
	pem-armour b64-of-b64)

# Slow clients run in the background while the hostile requests go on:
# two send their headers one byte a second, six declare a body and stall
# (more than the 4 workers: were they tied up, nothing else would answer).
slowpids=()
for i in 1 2; do
	python3 "$HC" slowheaders 127.0.0.1 "$DGCG_PORT" "$DGCG_CACERT" "$PKI/DE/auth" /countrylist 30 \
		>"$W/slow-h$i.out" 2>&1 &
	slowpids+=($!)
done
for i in 1 2 3 4 5 6; do
	python3 "$HC" slowbody 127.0.0.1 "$DGCG_PORT" "$DGCG_CACERT" "$PKI/DE/auth" /signerCertificate 30 \
		>"$W/slow-b$i.out" 2>&1 &
	slowpids+=($!)
done
python3 "$HC" raw 127.0.0.1 "$DGCG_PORT" "$DGCG_CACERT" "$PKI/DE/auth" "$(rawreq crlf.req '\r\n\r\n\r\n')" \
	"$W/crlf.body" "$W/crlf.headers" >"$W/crlf.out" 2>&1 &
slowpids+=($!)
sleep 2

# --- snapshot before --------------------------------------------------------------------
section "snapshot before"
pids_before=$(stack_worker_pids | sort | tr '\n' ' ')
it_like "worker pids recorded" "$pids_before" '^([0-9]+ ){4}$'
dbdump "$W/before.sql"
it_ok "database dump before" test -s "$W/before.sql"
a_before=$(it_count audit_event)

for p in /countrylist /trustList /valuesets /rules/DE /trustList/issuers /cms-migration; do
	st=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$DGCG_CACERT" \
		--cert "$PKI/DE/auth.pem" --key "$PKI/DE/auth.key" "$DGCG_URL$p")
	_count "$st"
	it_is "9 slow clients connected: GET $p still answers at once" "$st" 200
done

# --- paths -------------------------------------------------------------------------------
section "paths"
while IFS='|' read -r name st code path; do
	[[ -z "$name" ]] && continue
	hx "path $name" "$st" "$code" DE GET "$path"
done <<EOF
trailing slash|404|0x404|/countrylist/
upper case|404|0x404|/COUNTRYLIST
lower-case trustlist|404|0x404|/trustlist
one segment too many|404|0x404|/trustList/DSC/DE/x
two too many|404|0x404|/rules/DE/x/y
empty country segment|404|0x404|/rules/
empty type segment|404|0x404|/trustList//
valuesets trailing slash|404|0x404|/valuesets/
revocation-list trailing slash|404|0x404|/revocation-list/
unknown below cms-migration|404|0x404|/cms-migration/1
root|404|0x404|/
index.php|404|0x404|/index.php
backslash|404|0x404|/\\countrylist
percent-encoded backslash|404|0x404|/%5Ccountrylist
dot-dot above the root|400|0x001|/../countrylist
encoded dot-dot above the root|400|0x001|/%2e%2e/countrylist
encoded dot-dot, upper case|400|0x001|/%2E%2E/%2E%2E/etc/passwd
dot-dot to etc/passwd|400|0x001|/valuesets/../../etc/passwd
encoded slashes to etc/passwd|400|0x001|/valuesets/..%2F..%2F..%2Fetc%2Fpasswd
dot-dot inside (normalised)|200|-|/trustList/%2e%2e/countrylist
double slash (merged)|200|-|//countrylist
dot segment (removed)|200|-|/./countrylist
encoded slash between type and country|200|-|/trustList/DSC%2FDE
encoded dot-dot into another route|400|0x001|/trustList/DSC/DE%2F..%2F..%2Fcountrylist
NUL at the end|400|0x001|/countrylist%00
NUL as country|400|0x001|/trustList/DSC/%00E
NUL as valueset id|400|0x001|/valuesets/%00
NUL as batch id|400|0x001|/revocation-list/%00
malformed escape|400|0x001|/countr%ylist
truncated escape|400|0x001|/trustList/DSC/D%
double-encoded dot-dot|404|0x404|/%252e%252e/countrylist
overlong UTF-8 slash|404|0x404|/%c0%afcountrylist
invalid UTF-8 in type|400|0x001|/trustList/%ff%fe
control character in type|400|0x001|/trustList/%01%02
semicolon path parameter|404|0x404|/countrylist;jsessionid=1
path 2049 characters|404|0x404|/$(printf 'a%.0s' $(seq 2048))
type of 2000 characters|400|0x001|/trustList/$(printf 'D%.0s' $(seq 2000))
EOF
hx "request line over 16k (nginx 414)" 414 0x414 DE GET "/trustList/$(printf 'a%.0s' $(seq 17000))"

# --- methods -----------------------------------------------------------------------------
section "methods"
for m in PUT PATCH OPTIONS FOO DELETE POST; do
	hx "$m /countrylist" 405 0x405 DE "$m" /countrylist -H 'Content-Type: application/cms' --data-binary @"$B/dsc.b64"
done
it_like "405 names the allowed methods" "$(it_header Allow)" '^GET$'
for m in GET PUT PATCH; do
	hx "$m /signerCertificate" 405 0x405 DE "$m" /signerCertificate
done
hx "GET /signerCertificate/delete" 405 0x405 DE GET /signerCertificate/delete
hx "GET /rules" 405 0x405 DE GET /rules
hx "POST /rules/DE" 405 0x405 DE POST /rules/DE -H 'Content-Type: application/cms-text' --data-binary @"$B/r1.b64"
hx "PUT /revocation-list" 405 0x405 DE PUT /revocation-list
hx "DELETE /revocation-list/{batchId}" 405 0x405 DE DELETE "/revocation-list/$BATCH_DE"
hx "DELETE /cms-migration" 405 0x405 DE DELETE /cms-migration
hx "POST /trustList/DSC" 405 0x405 DE POST /trustList/DSC
hx "PATCH /valuesets/x" 405 0x405 DE PATCH /valuesets/x
hx "TRACE (nginx)" 405 0x405 DE TRACE /countrylist
raw "HEAD /countrylist: no body" 200 "(empty)" DE "$(rawreq head.req 'HEAD /countrylist HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')"
raw "HEAD on an unknown path: no body" 404 "(empty)" DE "$(rawreq head.req 'HEAD /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')"
hx "lower-case method (nginx)" 400 0x001 DE get /countrylist

# --- raw HTTP that curl will not send ------------------------------------------------------
section "raw HTTP that curl will not send"
while IFS='|' read -r name st code who req; do
	[[ -z "$name" ]] && continue
	raw "raw: $name" "$st" "$code" "$who" "$(rawreq raw.req "$req")"
done <<'EOF'
HTTP/1.0 without Host|200|-|DE|GET /countrylist HTTP/1.0\r\n\r\n
HTTP/1.1 without Host|400|0x001|DE|GET /countrylist HTTP/1.1\r\nConnection: close\r\n\r\n
absolute-form URI|200|-|DE|GET https://127.0.0.1/countrylist HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n
absolute-form URI of another host|200|-|DE|GET http://evil.example/countrylist HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n
HTTP/2.0 request line (nginx 505)|400|0x001|DE|GET /countrylist HTTP/2.0\r\nHost: x\r\nConnection: close\r\n\r\n
HTTP/9.9 request line (nginx 505)|400|0x001|DE|GET /countrylist HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n
HTTP/0.9 request line|400|0x001|DE|GET /countrylist HTTP/0.9\r\nHost: x\r\nConnection: close\r\n\r\n
HTTP/0.9 (no version): a bare body, no status line|000|-|DE|GET /countrylist\r\n
garbage method with a space|400|0x001|DE|G ET /countrylist HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n
method with a control character|400|0x001|DE|G\x01T /countrylist HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n
garbage line|400|0x001|DE|garbage\r\n\r\n
binary garbage|400|0x001|DE|\x16\x03\x01\x00\xff\xfe\r\n\r\n
asterisk-form|400|0x001|DE|GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n
relative path|400|0x001|DE|GET countrylist HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n
CONNECT (nginx)|400|0x001|DE|CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n
control character in the path|400|0x001|DE|GET /count\x01rylist HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n
space in the path|400|0x001|DE|GET /count rylist HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n
two Host headers|400|0x001|DE|GET /countrylist HTTP/1.1\r\nHost: x\r\nHost: y\r\nConnection: close\r\n\r\n
folded header line|400|0x001|DE|GET /countrylist HTTP/1.1\r\nHost: x\r\n X-Fold: y\r\nConnection: close\r\n\r\n
NUL in a header name|400|0x001|DE|GET /countrylist HTTP/1.1\r\nHost: x\r\nX-B\x00d: y\r\nConnection: close\r\n\r\n
header without a colon (ignored)|200|-|DE|GET /countrylist HTTP/1.1\r\nHost: x\r\nNoColon\r\nConnection: close\r\n\r\n
two Content-Length headers|400|0x001|DE|POST /signerCertificate HTTP/1.1\r\nHost: x\r\nContent-Type: application/cms\r\nContent-Length: 4\r\nContent-Length: 4\r\nConnection: close\r\n\r\nAAAA
two different Content-Length headers|400|0x001|DE|POST /signerCertificate HTTP/1.1\r\nHost: x\r\nContent-Type: application/cms\r\nContent-Length: 4\r\nContent-Length: 8\r\nConnection: close\r\n\r\nAAAAAAAA
negative Content-Length|400|0x001|DE|POST /signerCertificate HTTP/1.1\r\nHost: x\r\nContent-Type: application/cms\r\nContent-Length: -1\r\nConnection: close\r\n\r\n
Content-Length not a number|400|0x001|DE|POST /signerCertificate HTTP/1.1\r\nHost: x\r\nContent-Type: application/cms\r\nContent-Length: 4' OR 1=1\r\nConnection: close\r\n\r\nAAAA
Content-Length beyond 64 bits|400|0x001|DE|POST /signerCertificate HTTP/1.1\r\nHost: x\r\nContent-Type: application/cms\r\nContent-Length: 99999999999999999999999\r\nConnection: close\r\n\r\n
Content-Length and chunked|400|0x001|DE|POST /signerCertificate HTTP/1.1\r\nHost: x\r\nContent-Type: application/cms\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\nAAAA\r\n0\r\n\r\n
Transfer-Encoding gzip (nginx 501)|400|0x001|DE|POST /signerCertificate HTTP/1.1\r\nHost: x\r\nContent-Type: application/cms\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\nAAAA
malformed chunk size|400|0x001|DE|POST /signerCertificate HTTP/1.1\r\nHost: x\r\nContent-Type: application/cms\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nAAAA\r\n0\r\n\r\n
chunked without Content-Length|400|0x402|DE|POST /signerCertificate HTTP/1.1\r\nHost: x\r\nContent-Type: application/cms\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\nAAAA\r\n0\r\n\r\n
chunked, no client certificate|401|0x400|-|POST /signerCertificate HTTP/1.1\r\nHost: x\r\nContent-Type: application/cms\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\nAAAA\r\n0\r\n\r\n
underscore identity header (dropped by nginx)|200|-|DE|GET /countrylist HTTP/1.1\r\nHost: x\r\nX_SSL_Client_SHA256: 00\r\nX_SSL_Client_DN: C=FR\r\nConnection: close\r\n\r\n
EOF
hx "header line over 16k (nginx 400)" 400 0x001 DE GET /countrylist -H "X-Long: $(printf 'a%.0s' $(seq 17000))"
hx "header line just under 16k" 200 - DE GET /countrylist -H "X-Long: $(printf 'a%.0s' $(seq 16000))"
many=()
for i in $(seq 100); do many+=(-H "X-H$i: v"); done
hx "100 headers" 200 - DE GET /countrylist "${many[@]}"
many=()
for i in 1 2 3 4 5; do many+=(-H "X-L$i: $(printf 'b%.0s' $(seq 15000))"); done
hx "headers over 4 x 16k in total (nginx 400)" 400 0x001 DE GET /countrylist "${many[@]}"

# --- identity: forged X-SSL-Client-* headers, odd certificates --------------------------------
section "identity"
mig_de() { # the DE packages as seen without forged headers
	it_curl DE GET /cms-migration >/dev/null
	cp "$IT_BODY" "$W/mig-de.json"
}
mig_de
hx "no forgery: DE packages" 200 - DE GET /cms-migration
n=0
for hdrs in "X-SSL-Client-SHA256: $FR_T|X-SSL-Client-DN: CN=FR auth,O=dgcg demo,C=FR" \
	"x-ssl-client-sha256: $FR_T|x-ssl-client-dn: C=FR" \
	"X-SSL-CLIENT-SHA256: $FR_T|X-SSL-CLIENT-DN: C=FR" \
	"X-SSL-Client-SHA256: $FR_T|X-SSL-Client-SHA256: $FR_T" \
	"X-SSL-Client-DN: C=FR|X-SSL-Client-DN: C=FR,CN=x" \
	"X-SSL-Client-SHA256: |X-SSL-Client-DN: " \
	"X-SSL-Client-SHA256: ' OR '1'='1|X-SSL-Client-DN: C=FR' --" \
	"X-Ssl-Client-Sha256: ${FR_T^^}|X-Ssl-Client-Dn: C%3DFR"; do
	n=$((n + 1))
	h1=${hdrs%%|*} h2=${hdrs#*|}
	hx "DE forging FR ($n): still DE" 200 - DE GET /cms-migration -H "$h1" -H "$h2"
	it_ok "DE forging FR ($n): DE's packages" cmp -s "$IT_BODY" "$W/mig-de.json"
	hx "IE (no roles) forging DE ($n): 403" 403 0x403 IE GET /revocation-list \
		-H "If-Modified-Since: 2021-06-01T00:00:00Z" -H "${h1//$FR_T/$DE_T}" -H "${h2//FR/DE}"
	hx "stranger forging DE ($n): 401" 401 0x402 "$X/stranger" GET /countrylist \
		-H "${h1//$FR_T/$DE_T}" -H "${h2//FR/DE}"
	hx "no certificate forging DE ($n): 401" 401 0x400 - GET /countrylist \
		-H "${h1//$FR_T/$DE_T}" -H "${h2//FR/DE}"
done
it_cms "$W/FR-batch.json" FR "$B/fr-batch-2.b64"
hx "DE forging FR uploads an FR batch: refused as DE" 403 0x000 DE POST /revocation-list \
	-H "X-SSL-Client-SHA256: $FR_T" -H "X-SSL-Client-DN: C=FR" -H 'Content-Type: application/cms-text' \
	--data-binary @"$B/fr-batch-2.b64"
hx "certificate without C" 400 0x401 "$X/noc" GET /countrylist
hx "DN with a malformed %-escape" 400 0x001 "$X/pct" GET /countrylist
hx "DN with %00" 400 0x001 "$X/pct00" GET /countrylist
hx "DN with SQL metacharacters (not onboarded)" 401 0x402 "$X/sql" GET /countrylist
hx "DN over 4096 characters" 400 0x001 "$X/longdn" GET /countrylist
hx "DN with an overlong C in the CN" 400 0x001 "$X/longc" GET /countrylist
hx "DE certificate with ',C=FR' in its CN is never FR" 401 0x402 "$X/comma" GET /countrylist
hx "expired certificate (nginx)" 401 0x402 "$PKI/extra/expired" GET /countrylist
hx "revoked certificate (nginx)" 401 0x402 "$PKI/extra/revoked" GET /countrylist
hx "untrusted CA (nginx)" 401 0x402 "$PKI/extra/untrusted" GET /countrylist

# every route without a client certificate, with a body where it takes one
while read -r m p; do
	hx "no certificate: $m $p" 401 0x400 - "$m" "$p" -H 'Content-Type: application/cms' --data-binary @"$B/dsc.b64"
done <<EOF
GET /countrylist
POST /signerCertificate
DELETE /signerCertificate
POST /signerCertificate/delete
GET /trustList
GET /trustList/issuers
GET /trustList/DSC
GET /trustList/DSC/DE
POST /rules
DELETE /rules
POST /rules/delete
GET /rules/DE
GET /valuesets
GET /valuesets/country-2-codes
GET /revocation-list
POST /revocation-list
DELETE /revocation-list
POST /revocation-list/delete
GET /revocation-list/$BATCH_DE
GET /cms-migration
POST /cms-migration
EOF
# the not onboarded client with a body: refused before the body is looked at
for p in /signerCertificate /rules /revocation-list /cms-migration; do
	hx "stranger POST $p" 401 0x402 "$X/stranger" POST "$p" -H 'Content-Type: application/cms' --data-binary @"$B/dsc.b64"
done

# --- roles (403 before anything else is looked at) -------------------------------------------
section "roles (403 before anything else is looked at)"
printf 'garbage' >"$B/garbage.txt"
hx "IE lists batches" 403 0x403 IE GET /revocation-list -H "If-Modified-Since: ' OR 1=1 --"
hx "IE downloads a batch" 403 0x403 IE GET "/revocation-list/$BATCH_DE" -H 'Accept: text/html'
hx "IE downloads a hostile batch id" 403 0x403 IE GET "/revocation-list/'%20OR%20'1'='1"
for m in "POST /revocation-list" "DELETE /revocation-list" "POST /revocation-list/delete"; do
	hb "IE $m with garbage and a wrong type" 403 0x403 IE "${m% *}" "${m#* }" text/html "$B/garbage.txt"
done

# --- Accept (406) on the batch download ----------------------------------------------------------
section "Accept (406) on the batch download"
while IFS='|' read -r name st code accept; do
	[[ -z "$name" ]] && continue
	hx "Accept $name" "$st" "$code" DE GET "/revocation-list/$BATCH_DE" -H "Accept: $accept"
done <<'EOF'
text/html|406|0x406|text/html
application/json|406|0x406|application/json
SQL|406|0x406|' OR '1'='1'; --
cms with q=0|406|0x406|application/cms;q=0, application/cms-text;q=0
malformed q (range skipped)|406|0x406|application/cms;q=abc
q over 1 (range skipped)|406|0x406|application/cms;q=2
only commas|406|0x406|,,,,
application/* with q=0.000|406|0x406|application/*;q=0.000
cms among garbage|200|(not json)|text/html, ;;;, application/cms;q=0.1
wildcard|200|(not json)|*/*
EOF
it_is "the 200 above is the stored CMS, as application/cms" "$(it_header Content-Type)" application/cms-text

# --- content types (415) ------------------------------------------------------------------------
section "content types (415)"
ctypes=("-" "text/plain" "application/x-www-form-urlencoded" "application/cmsx"
	"application/cms' OR '1'='1" "application/cms%00" "multipart/form-data; boundary=x"
	"application/pkcs7-mime" "application/json;application/cms" "*/*")
for e in "POST /signerCertificate" "DELETE /signerCertificate" "POST /signerCertificate/delete" \
	"POST /rules" "DELETE /rules" "POST /rules/delete" "POST /revocation-list" \
	"DELETE /revocation-list" "POST /revocation-list/delete"; do
	for ct in "${ctypes[@]}"; do
		case $ct in
		- | text/plain | "application/cms' OR '1'='1" | "*/*") ;;
		*) [[ "$e" == *rules* || "$e" == *revocation* || "$ct" == application/cmsx ]] || continue ;;
		esac
		hb "$e, Content-Type '$ct'" 415 0x415 DE "${e% *}" "${e#* }" "$ct" "$B/dsc.b64"
	done
done
hb "signer takes no application/cms-text" 415 0x415 DE POST /signerCertificate application/cms-text "$B/dsc.b64"
for ct in - application/cms "application/json' OR '1'='1" text/json "application/jsonx"; do
	hb "POST /cms-migration, Content-Type '$ct'" 415 0x415 DE POST /cms-migration "$ct" "$B/dsc.b64"
done
hx "415 echoes the hostile type as sendValue, escaped" 415 0x415 DE POST /rules \
	-H "Content-Type: application/\"cms\\\"; x=<script>" --data-binary @"$B/r1.b64"
it_is "sendValue" "$(it_json sendValue)" 'application/"cms\"; x=<script>'
hx "two Content-Type headers: nginx keeps the first (cms)" 409 0x002 DE POST /signerCertificate \
	-H 'Content-Type: application/cms' -H 'Content-Type: application/json' --data-binary @"$B/dsc.b64"
hx "two Content-Type headers: json first" 415 0x415 DE POST /signerCertificate \
	-H 'Content-Type: application/json' -H 'Content-Type: application/cms' --data-binary @"$B/dsc.b64"
hx "Content-Type with charset and spaces" 409 0x002 DE POST /signerCertificate \
	-H 'Content-Type:   APPLICATION/CMS ; charset=utf-8' --data-binary @"$B/dsc.b64"

# --- body sizes (limit $LIMIT bytes, nginx and worker) -----------------------------------------
section "body sizes (limit $LIMIT bytes, nginx and worker)"
# A rule CMS whose base64 is exactly the limit: its payload is no JSON (0x200),
# so the answer proves the whole body was read and verified.
k=$((LIMIT * 3 / 4 - 1200))
for _ in 1 2 3 4 5 6; do
	head -c "$k" /dev/zero | tr '\0' x >"$W/fill.txt"
	it_cms "$W/fill.txt" DE "$B/exact.b64"
	sz=$(stat -c %s "$B/exact.b64")
	(( sz == LIMIT )) && break
	k=$((k + (LIMIT - sz) * 3 / 4))
	(( sz < LIMIT && (LIMIT - sz) < 4 )) && k=$((k + 1))
done
it_is "a CMS body of exactly the limit made" "$(stat -c %s "$B/exact.b64")" "$LIMIT"
{ cat "$B/exact.b64"; printf '='; } >"$B/over.b64"
head -c $((LIMIT - 4)) "$B/exact.b64" >"$B/under.b64"
head -c $((1024 * 1024)) /dev/zero | tr '\0' A >"$B/1mb.b64"
printf '{"s": "%s"}\n' "$(head -c $((1024 * 1024)) /dev/zero | tr '\0' x)" >"$W/1mb.json"
for e in "POST /rules" "DELETE /rules" "POST /rules/delete"; do
	hb "$e: body of exactly the limit" 400 "$([[ $e == "POST /rules" ]] && echo 0x200 || echo 0x250)" \
		DE "${e% *}" "${e#* }" application/cms-text "$B/exact.b64"
done
hb "POST /rules: 4 bytes under the limit (truncated CMS)" 400 0x402 DE POST /rules application/cms-text "$B/under.b64"
hb "POST /revocation-list: body of exactly the limit" 400 0x000 DE POST /revocation-list application/cms-text "$B/exact.b64"
hb "POST /signerCertificate: body of exactly the limit" 400 0x402 DE POST /signerCertificate application/cms "$B/exact.b64"
hb "POST /cms-migration: body of exactly the limit" 400 0x001 DE POST /cms-migration application/json "$B/exact.b64"
for e in "POST /signerCertificate" "DELETE /signerCertificate" "POST /rules" "POST /revocation-list" \
	"POST /revocation-list/delete" "POST /cms-migration"; do
	ct=application/cms
	[[ "$e" == *migration* ]] && ct=application/json
	hb "$e: limit + 1" 413 0x413 DE "${e% *}" "${e#* }" "$ct" "$B/over.b64"
	hx "$e: limit + 1, chunked" 413 0x413 DE "${e% *}" "${e#* }" -H "Content-Type: $ct" \
		-H 'Transfer-Encoding: chunked' --data-binary @"$B/over.b64"
done
hx "POST /rules: exactly the limit, chunked" 400 0x200 DE POST /rules -H 'Content-Type: application/cms' \
	-H 'Transfer-Encoding: chunked' --data-binary @"$B/exact.b64"
hb "POST /rules: 1 MB" 413 0x413 DE POST /rules application/cms-text "$B/1mb.b64"
hb "POST /cms-migration: 1 MB JSON string" 413 0x413 DE POST /cms-migration application/json "$W/1mb.json"
hx "413 on a GET route with a body" 413 0x413 DE GET /countrylist --data-binary @"$B/1mb.b64"
hx "over the limit without a certificate: 401 first" 401 0x400 - POST /rules \
	-H 'Content-Type: application/cms' --data-binary @"$B/1mb.b64"
hx "over the limit, expired certificate: 401 first" 401 0x402 "$PKI/extra/expired" POST /rules \
	-H 'Content-Type: application/cms' --data-binary @"$B/1mb.b64"
hx "over the limit, not onboarded: 413 (nginx, before any worker)" 413 0x413 "$X/stranger" POST /rules \
	-H 'Content-Type: application/cms' --data-binary @"$B/1mb.b64"
hx "over the limit, wrong type: 413 (nginx checks size first)" 413 0x413 DE POST /rules \
	-H 'Content-Type: text/plain' --data-binary @"$B/1mb.b64"

# --- garbled, truncated and hostile CMS bodies on every CMS endpoint -------------------------------
section "garbled, truncated and hostile CMS bodies on every CMS endpoint"
mutate "$B/dsc.b64" dsc
mutate "$B/r1.b64" rule
mutate "$B/DE-batch.b64" batch
for e in "POST /signerCertificate dsc 0x009" "DELETE /signerCertificate dsc 0x009" \
	"POST /signerCertificate/delete dsc 0x009" "POST /rules rule 0x260" "DELETE /rules rule 0x260" \
	"POST /rules/delete rule 0x260" "POST /revocation-list batch 0x260" \
	"DELETE /revocation-list batch 0x260" "POST /revocation-list/delete batch 0x260"; do
	read -r m p base flip <<<"$e"
	ct=application/cms
	[[ "$p" != /signerCertificate* ]] && ct=application/cms-text
	for mu in "${MUTS[@]}"; do
		hb "$m $p: $mu" 400 0x402 DE "$m" "$p" "$ct" "$B/$base.$mu"
	done
	hb "$m $p: signature byte flipped" 400 "$flip" DE "$m" "$p" "$ct" "$B/$base.sigflip"
done

# CMS that parse but are wrong in kind
printf 'hello' >"$W/hello.txt"
printf '\xff\xfe{"a":1}' >"$W/latin1.bin"
printf '{"a":"\x00"}' >"$W/nul.bin"
: >"$W/empty.bin"
it_cms "$W/hello.txt" DE "$B/text-payload.b64"
it_cms "$W/latin1.bin" DE "$B/latin1-payload.b64"
it_cms "$W/nul.bin" DE "$B/nul-payload.b64"
it_cms "$W/empty.bin" DE "$B/empty-payload.b64"
it_cms "$W/de-dsc.der" DE "$B/two-certs.b64" -certfile "$PKI/FR/upload.pem"
it_cms "$W/hello.txt" DE "$B/two-certs-text.b64" -certfile "$PKI/FR/upload.pem"
it_cms "$W/de-dsc.der" DE "$B/detached.b64" --detached
it_cms "$W/r1.json" DE "$B/detached-rule.b64" --detached
openssl cms -encrypt -binary -in "$W/hello.txt" -outform DER "$PKI/DE/upload.pem" 2>/dev/null |
	openssl base64 -A >"$B/enveloped.b64"
it_cms "$W/de-dsc.der" DE "$B/not-data.b64" -econtent_type id-smime-ct-receipt
for p in "POST /signerCertificate" "DELETE /signerCertificate" "POST /signerCertificate/delete"; do
	for f in text-payload latin1-payload nul-payload empty-payload two-certs detached enveloped not-data; do
		hb "$p: CMS with $f" 400 0x402 DE "${p% *}" "${p#* }" application/cms "$B/$f.b64"
	done
done
for p in "POST /rules" "DELETE /rules" "POST /revocation-list" "DELETE /revocation-list"; do
	for f in latin1-payload nul-payload two-certs-text detached-rule enveloped not-data; do
		hb "$p: CMS with $f" 400 0x402 DE "${p% *}" "${p#* }" application/cms-text "$B/$f.b64"
	done
done

# --- DSC upload and delete: wrong signers, wrong country (audited by design) -------------------------
section "DSC upload and delete"
it_cms "$W/de-dsc.der" FR "$B/dsc-by-fr.b64"
it_cms "$W/de-dsc.der" "$PKI/DE/csca" "$B/dsc-by-csca.b64"
openssl x509 -in "$PKI/FR/dsc.pem" -outform DER -out "$W/fr-dsc.der"
it_cms "$W/fr-dsc.der" DE "$B/frdsc-by-de.b64"
it_dsc "$W/sqlsubj" "/C=DE/O=x' OR '1'='1/CN=\"; DROP TABLE signer_information; --" DE
it_cms "$W/sqlsubj.der" DE "$B/sqlsubj.b64"
it_dsc "$W/frcsca" "/C=DE/CN=issued by FR" FR
it_cms "$W/frcsca.der" DE "$B/frcsca.b64"
it_dsc "$W/newde" "/C=DE/CN=never uploaded" DE
it_cms "$W/newde.der" DE "$B/newde.b64"
it_cms "$W/hello.txt" DE "$B/hello-by-de.b64"
a0=$(it_count audit_event)
hb "DSC signed by FR's upload cert" 400 0x004 DE POST /signerCertificate application/cms "$B/dsc-by-fr.b64" 1
hb "DSC signed by DE's CSCA" 400 0x004 DE POST /signerCertificate application/cms "$B/dsc-by-csca.b64" 1
hb "FR's DSC uploaded by DE" 400 0x004 DE POST /signerCertificate application/cms "$B/frdsc-by-de.b64" 1
hb "DE DSC issued by FR's CSCA" 400 0x004 DE POST /signerCertificate application/cms "$B/frcsca.b64" 1
hb "FR uploads DE's DSC with DE's upload cert" 400 0x004 FR POST /signerCertificate application/cms "$B/dsc.b64" 1
hb "duplicate upload" 409 0x002 DE POST /signerCertificate application/cms "$B/dsc.b64"
hb "delete signed by FR's upload cert" 400 0x007 DE DELETE /signerCertificate application/cms "$B/dsc-by-fr.b64" 1
hb "delete FR's DSC as DE" 400 0x007 DE POST /signerCertificate/delete application/cms "$B/frdsc-by-de.b64" 1
hb "FR deletes DE's DSC" 400 0x007 FR DELETE /signerCertificate application/cms "$B/dsc.b64" 1
hb "delete a DSC never uploaded" 404 0x005 DE DELETE /signerCertificate application/cms "$B/newde.b64" 1
hb "delete a DSC with SQL in its subject, never uploaded" 404 0x005 DE POST /signerCertificate/delete \
	application/cms "$B/sqlsubj.b64" 1
it_is "refused DSC requests wrote their audit rows, nothing else" "$(it_count audit_event)" $((a0 + 10))

# --- rules: hostile JSON in a correctly signed CMS --------------------------------------------------
section "rules"
rb() { # NAME STATUS CODE JSON-FILE [SIGNER] [WHO]: sign and upload a rule
	it_cms "$4" "${5:-DE}" "$4.b64"
	hb "rule: $1" "$2" "$3" "${6:-DE}" POST /rules application/cms-text "$4.b64"
}
n=0
for kv in 'Identifier="GR-DE-0001'"'"' OR '"'"'1'"'"'='"'"'1"' 'Identifier="GR-DE-0001; --"' \
	'Type="Acceptance'"'"'--"' 'Country="D'"'"'"' 'Country="DE'"'"' OR 1=1 --"' \
	'Region="BW'"'"';--"' 'Version="1.0.0'"'"'; DROP TABLE validation_rule; --"' \
	'SchemaVersion="1.0.0 UNION SELECT 1"' 'EngineVersion="1.0.0/*"' \
	'CertificateType="General'"'"' OR '"'"'a'"'"'='"'"'a"' \
	'Description=[{"lang":"en'"'"'--","desc":"Description of the dummy rule for tests"}]' \
	'ValidFrom="2030-01-01T00:00:00Z'"'"' OR 1=1"' 'ValidTo="\\\\x27; SELECT SLEEP(10)"' \
	'Identifier="GR-DE-0001\u0000"' 'Identifier=1' 'Logic={}' 'AffectedFields=[]' \
	'Description="\u0027"' 'Extra="UNION SELECT password FROM mysql.user"' \
	"Identifier=\"$(printf 'G%.0s' $(seq 40000))\""; do
	n=$((n + 1))
	it_rule "$W/rj$n.json" "$kv"
	rb "${kv:0:60}" 400 0x200 "$W/rj$n.json"
done
printf '{"Logic":%s%s}' "$(printf '[%.0s' $(seq 10000))" "$(printf ']%.0s' $(seq 10000))" >"$W/deep.json"
rb "10000 nested arrays" 400 0x200 "$W/deep.json"
printf '%s1%s' "$(printf '{"a":%.0s' $(seq 5000))" "$(printf '}%.0s' $(seq 5000))" >"$W/deepo.json"
rb "5000 nested objects" 400 0x200 "$W/deepo.json"
printf '{' >"$W/open.json"
rb "an unclosed object" 400 0x200 "$W/open.json"
it_rule "$W/dup.json"
sed 's/^{/{"Country":"FR",/' "$W/dup.json" >"$W/dup2.json"
rb "duplicate member names" 400 0x200 "$W/dup2.json"
{ cat "$W/dup.json"; printf ' {"x":1}'; } >"$W/trail.json"
rb "a second object after the rule" 400 0x200 "$W/trail.json"
printf '\xef\xbb\xbf' | cat - "$W/dup.json" >"$W/bom.json"
rb "a BOM" 400 0x200 "$W/bom.json"
printf '[]' >"$W/arr.json"
rb "an array" 400 0x200 "$W/arr.json"
printf 'NaN' >"$W/nan.json"
rb "NaN" 400 0x200 "$W/nan.json"
sed 's/"BW"/"\\ud800"/' "$W/dup.json" >"$W/surrogate.json"
rb "a lone surrogate escape" 400 0x200 "$W/surrogate.json"
printf '%s' "$(sed 's/"aField"/"a\xc3\x28"/' "$W/dup.json")" >"$W/badutf8.json"
rb "invalid UTF-8 inside a string" 400 0x402 "$W/badutf8.json"
rb "signed by FR's upload cert" 400 0x230 "$W/dup.json" "$PKI/FR/upload"
rb "signed by the DE CSCA" 400 0x230 "$W/dup.json" "$PKI/DE/csca"
it_rule "$W/rfr.json" Country='"FR"'
rb "Country FR from DE" 403 0x210 "$W/rfr.json"
it_rule "$W/ridfr.json" Identifier='"GR-FR-0001"'
rb "Identifier GR-FR- from DE" 403 0x210 "$W/ridfr.json"
it_rule "$W/rvr.json" Identifier='"VR-DE-0001"'
rb "VR prefix with CertificateType General" 400 0x250 "$W/rvr.json"
it_rule "$W/rold.json" Version='"0.9.9"'
rb "version below the stored one" 400 0x220 "$W/rold.json"
it_rule "$W/rlong.json" Version='"1.0.1000000000000000000000000000000"'
rb "version of 35 characters" 400 0x220 "$W/rlong.json"
it_rule "$W/rpast.json" Identifier='"GR-DE-0002"' ValidFrom=@-3600
rb "ValidFrom in the past" 400 0x240 "$W/rpast.json"
rb "FR uploads DE's rule with DE's cert" 400 0x230 "$W/dup.json" "$PKI/DE/upload" FR

# rules delete: hostile ids in a correctly signed CMS
rd() { # NAME STATUS CODE ID [SIGNER] [METHOD PATH]
	printf '%s' "$4" >"$W/rd.txt"
	it_cms "$W/rd.txt" "${5:-DE}" "$B/rd.b64"
	hb "rule delete: $1" "$2" "$3" DE "${6:-DELETE}" "${7:-/rules}" application/cms-text "$B/rd.b64"
}
rd "id with OR 1=1" 404 0x270 "GR-DE-0001' OR '1'='1"
rd "id with a LIKE wildcard" 404 0x270 "GR-DE-%"
rd "id with an underscore wildcard" 404 0x270 "GR-DE-000_"
rd "id with a trailing backslash" 404 0x270 "GR-DE-0001\\"
rd "id with ; --" 404 0x270 "GR-DE-0001;--"
rd "id with /* */" 404 0x270 "GR-DE-0001/* */" "" POST /rules/delete
rd "DROP TABLE" 400 0x250 "'; DROP TABLE validation_rule; #"
rd "UNION SELECT" 400 0x250 "x UNION SELECT * FROM trusted_party"
rd "four parts" 400 0x250 "GR-DE-0001-1"
rd "middle of three characters" 400 0x250 "GR-DEU-0001"
rd "empty id" 400 0x250 ""
rd "only dashes" 400 0x250 "---"
rd "middle with a quote" 403 0x210 "GR-D'-0001"
rd "middle FR" 403 0x210 "GR-FR-0001" "" POST /rules/delete
rd "lower-case de" 403 0x210 "GR-de-0001"
rd "signed by FR's upload cert" 400 0x230 "GR-DE-0001" "$PKI/FR/upload"
rd "40k id" 400 0x250 "$(printf 'x%.0s' $(seq 40000))"

# --- revocation: hostile JSON in a correctly signed CMS ---------------------------------------------
section "revocation"
bb() { # NAME STATUS CODE JSON [SIGNER] [WHO]
	printf '%s' "$4" >"$W/bb.json"
	it_cms "$W/bb.json" "${5:-DE}" "$B/bb.b64"
	hb "batch: $1" "$2" "$3" "${6:-DE}" POST /revocation-list application/cms-text "$B/bb.b64"
}
E='"entries":[{"hash":"AAAAAAAAAAAAAAAAAAAAAA=="}]'
bb "country D' (2 characters)" 403 0x000 "{\"country\":\"D'\",\"expires\":\"$future\",\"hashType\":\"UCI\",$E}"
bb "country with OR 1=1" 400 0x000 "{\"country\":\"DE' OR 1=1 --\",\"expires\":\"$future\",\"hashType\":\"UCI\",$E}"
bb "country ;" 403 0x000 "{\"country\":\"\\\";\",\"expires\":\"$future\",\"hashType\":\"UCI\",$E}"
bb "kid DROP TABLE" 400 0x000 "{\"country\":\"DE\",\"expires\":\"$future\",\"kid\":\"'; DROP TABLE revocation_batch; --\",\"hashType\":\"UCI\",$E}"
bb "hashType with OR" 400 0x000 "{\"country\":\"DE\",\"expires\":\"$future\",\"hashType\":\"UCI' OR '1'='1\",$E}"
bb "expires with SQL" 400 0x000 "{\"country\":\"DE\",\"expires\":\"$future' OR 1=1\",\"hashType\":\"UCI\",$E}"
bb "expires SLEEP" 400 0x000 "{\"country\":\"DE\",\"expires\":\"SLEEP(10)\",\"hashType\":\"UCI\",$E}"
bb "hash with SQL" 400 0x000 "{\"country\":\"DE\",\"expires\":\"$future\",\"hashType\":\"UCI\",\"entries\":[{\"hash\":\"' OR 1=1;--AAAAAAAAAAAAA==\"}]}"
bb "hash UNION SELECT" 400 0x000 "{\"country\":\"DE\",\"expires\":\"$future\",\"hashType\":\"UCI\",\"entries\":[{\"hash\":\"UNION SELECT * FROM x\"}]}"
bb "country NUL" 400 0x000 "{\"country\":\"D\\u0000\",\"expires\":\"$future\",\"hashType\":\"UCI\",$E}"
bb "kid NUL" 400 0x000 "{\"country\":\"DE\",\"expires\":\"$future\",\"kid\":\"AAAAAAAAAA\\u0000\",\"hashType\":\"UCI\",$E}"
bb "country a number" 400 0x000 "{\"country\":49,\"expires\":\"$future\",\"hashType\":\"UCI\",$E}"
bb "entries an object" 400 0x000 "{\"country\":\"DE\",\"expires\":\"$future\",\"hashType\":\"UCI\",\"entries\":{\"hash\":\"x\"}}"
bb "entries of strings" 400 0x000 "{\"country\":\"DE\",\"expires\":\"$future\",\"hashType\":\"UCI\",\"entries\":[\"' OR 1=1\"]}"
bb "duplicate country" 400 0x000 "{\"country\":\"DE\",\"country\":\"FR\",\"expires\":\"$future\",\"hashType\":\"UCI\",$E}"
bb "array" 400 0x000 "[{\"country\":\"DE\"}]"
bb "a string" 400 0x000 "\"' OR 1=1 --\""
bb "unclosed" 400 0x000 "{\"country\":\"DE\""
bb "trailing garbage" 400 0x000 "{\"country\":\"DE\",\"expires\":\"$future\",\"hashType\":\"UCI\",$E}; DROP TABLE x"
bb "expired" 400 0x000 "{\"country\":\"DE\",\"expires\":\"2021-01-01T00:00:00Z\",\"hashType\":\"UCI\",$E}"
bb "year 10000" 400 0x000 "{\"country\":\"DE\",\"expires\":\"10000-01-01T00:00:00Z\",\"hashType\":\"UCI\",$E}"
bb "40k kid" 400 0x000 "{\"country\":\"DE\",\"expires\":\"$future\",\"kid\":\"$(printf 'k%.0s' $(seq 40000))\",\"hashType\":\"UCI\",$E}"
bb "10000 nested arrays in entries" 400 0x000 "{\"country\":\"DE\",\"entries\":$(printf '[%.0s' $(seq 10000))$(printf ']%.0s' $(seq 10000))}"
bb "signed by FR's upload cert" 403 0x000 "{\"country\":\"DE\",\"expires\":\"$future\",\"hashType\":\"UCI\",$E}" "$PKI/FR/upload"
bb "FR sends a DE batch" 403 0x000 "{\"country\":\"DE\",\"expires\":\"$future\",\"hashType\":\"UCI\",$E}" "$PKI/FR/upload" FR

bd() { # NAME STATUS CODE JSON [METHOD PATH]
	printf '%s' "$4" >"$W/bd.json"
	it_cms "$W/bd.json" DE "$B/bd.b64"
	hb "batch delete: $1" "$2" "$3" DE "${5:-DELETE}" "${6:-/revocation-list}" application/cms-text "$B/bd.b64"
}
bd "batchId OR 1=1" 400 0x000 "{\"batchId\":\"' OR '1'='1\"}"
bd "batchId with ; --" 400 0x000 "{\"batchId\":\"${BATCH_DE:0:35}'; --\"}" POST /revocation-list/delete
bd "batchId upper case" 400 0x000 "{\"batchId\":\"${BATCH_DE^^}\"}"
bd "batchId with a wildcard" 400 0x000 "{\"batchId\":\"${BATCH_DE:0:35}%\"}"
bd "batchId 37 characters" 400 0x000 "{\"batchId\":\"${BATCH_DE}0\"}"
bd "batchId a number" 400 0x000 '{"batchId":1}'
bd "batchId null" 400 0x000 '{"batchId":null}'
bd "no batchId" 400 0x000 '{"batchid":"x"}'
bd "not JSON" 400 0x000 "DELETE FROM revocation_batch"
bd "unknown batch" 404 0x000 '{"batchId":"00000000-0000-4000-8000-000000000000"}'
bd "FR's batch" 403 0x000 "{\"batchId\":\"$BATCH_FR\"}"
bd "a deleted batch" 410 0x000 "{\"batchId\":\"$BATCH_GONE\"}" POST /revocation-list/delete

# --- GET paths, queries and headers with SQL metacharacters -------------------------------------------
section "GET paths, queries and headers with SQL metacharacters"
while IFS='|' read -r name st code path; do
	[[ -z "$name" ]] && continue
	hx "GET $name" "$st" "$code" DE GET "$path" -H 'Accept: application/cms-text'
done <<EOF
batch id OR 1=1|400|0x001|/revocation-list/'%20OR%20'1'='1
batch id ; --|400|0x001|/revocation-list/${BATCH_DE:0:33}';--
batch id upper case|400|0x001|/revocation-list/${BATCH_DE^^}
batch id with %25|400|0x001|/revocation-list/${BATCH_DE:0:35}%25
batch id UNION|400|0x001|/revocation-list/1%20UNION%20SELECT%20signed_batch%20FROM%20revocation_batch
batch id 37 characters|400|0x001|/revocation-list/${BATCH_DE}0
batch id with a quote escaped|400|0x001|/revocation-list/%27
unknown batch|404|0x000|/revocation-list/00000000-0000-4000-8000-000000000000
deleted batch|410|0x000|/revocation-list/$BATCH_GONE
type OR 1=1|400|0x001|/trustList/DSC'%20OR%20'1'='1
type ; --|400|0x001|/trustList/DSC;--
type UNION|400|0x001|/trustList/DSC%20UNION%20SELECT%201/DE
type with a quote only|400|0x001|/trustList/'
type with a backslash|400|0x001|/trustList/DSC%5C
country OR 1=1|400|0x001|/trustList/DSC/DE'%20OR%20'1'='1
country ;--|400|0x001|/trustList/DSC/;--
country of three|400|0x001|/trustList/DSC/DEU
country ' and a letter|200|-|/trustList/DSC/D'
country two quotes|200|-|/trustList/CSCA/''
country \\\\|200|-|/trustList/UPLOAD/%5C%5C
country %|200|-|/trustList/DSC/%25%25
country *'|200|-|/trustList/AUTHENTICATION/%2A%27
country */ (decoded slash: a third segment)|404|0x404|/trustList/AUTHENTICATION/%2A%2F
rules OR 1=1|200|-|/rules/DE'%20OR%20'1'='1
rules D'|200|-|/rules/D'
rules ;--|200|-|/rules/;--
rules %|200|-|/rules/%25%25
rules \\\\'|200|-|/rules/%5C'
rules UNION|200|-|/rules/DE%20UNION%20SELECT%20signature%20FROM%20validation_rule
valueset OR 1=1|404|0x100|/valuesets/'%20OR%20'1'='1
valueset id then --|404|0x100|/valuesets/country-2-codes'--
valueset %|404|0x100|/valuesets/%25
valueset _|404|0x100|/valuesets/country-2-code_
valueset UNION|404|0x100|/valuesets/x%20UNION%20SELECT%20json%20FROM%20valueset
valueset 2000 characters|404|0x100|/valuesets/$(printf 'v%.0s' $(seq 2000))
valueset with a NUL escape as text|404|0x100|/valuesets/%2500
issuers country OR|400|0x001|/trustList/issuers?country=DE'%20OR%20'1'='1
issuers country ' and a letter|200|-|/trustList/issuers?country=D'
issuers country list with SQL|400|0x001|/trustList/issuers?country=DE,FR,'%3B--
issuers country NUL|400|0x001|/trustList/issuers?country=D%00
issuers country malformed escape|400|0x001|/trustList/issuers?country=%zz
issuers 65 countries|400|0x001|/trustList/issuers?country=$(for i in $(seq 65); do printf 'AA,'; done)AA
issuers empty value|400|0x001|/trustList/issuers?country=&country=DE
page OR 1=1|400|0x001|/trustList?page=1'%20OR%20'1'='1
page ;|400|0x001|/trustList/DSC?page=0;
page NUL|400|0x001|/trustList/DSC/DE?page=%00
pagesize UNION|400|0x001|/trustList?pagesize=1%20UNION%20SELECT%201
pagesize zero|400|0x001|/trustList?pagesize=0
pagesize 2^31|400|0x001|/trustList?pagesize=2147483648
page 2^63|400|0x001|/trustList?page=9223372036854775808
page malformed escape|400|0x001|/trustList?page=%zz
page hex|400|0x001|/trustList?page=0x10
page and pagesize huge|200|-|/trustList?page=2147483647&pagesize=2147483647
unknown query SQL|200|-|/countrylist?x=';DROP%20TABLE%20trusted_party;--
cms-migration with a query|200|-|/cms-migration?type=DSC'%20OR%201=1
EOF
while IFS='|' read -r name st code path ims; do
	[[ -z "$name" ]] && continue
	hx "If-Modified-Since $name" "$st" "$code" DE GET "$path" -H "If-Modified-Since: $ims"
done <<EOF
OR 1=1 (trust list)|400|0x001|/trustList/DSC|' OR '1'='1
date then SQL (trust list)|400|0x001|/trustList|2021-06-01T00:00:00Z'; DROP TABLE signer_information; --
SLEEP (trust list)|400|0x001|/trustList/DSC/DE|SLEEP(10)
month 13 (trust list)|400|0x001|/trustList|2021-13-01T00:00:00Z
no offset (trust list)|400|0x001|/trustList|2021-06-01T00:00:00
8000 characters (trust list)|400|0x001|/trustList|$(printf '2%.0s' $(seq 8000))
OR 1=1 (batch list)|400|0x001|/revocation-list|' OR '1'='1
date then SQL (batch list)|400|0x001|/revocation-list|2021-06-01T00:00:00Z' UNION SELECT 1 --
RFC 1123 then SQL (batch list)|400|0x001|/revocation-list|Tue, 01 Jun 2021 00:00:00 GMT'--
year 99999 (batch list)|400|0x001|/revocation-list|99999-01-01T00:00:00Z
in the future (batch list)|400|''|/revocation-list|9999-12-31T23:59:59Z
valid, long ago (batch list)|200|-|/revocation-list|2000-01-01T00:00:00+14:00
EOF
hx "If-None-Match with SQL: the full list" 200 - DE GET /trustList -H "If-None-Match: \"' OR 1=1 --\", *x"
hx "two If-Modified-Since headers" 400 0x001 DE GET /revocation-list \
	-H 'If-Modified-Since: 2021-06-01T00:00:00Z' -H "If-Modified-Since: ' OR 1=1"

# --- cms-migration: hostile CmsPackage JSON -----------------------------------------------------------
section "cms-migration"
mp() { # NAME STATUS CODE JSON
	printf '%b' "$4" >"$W/mp.json"
	hb "migration: $1" "$2" "$3" DE POST /cms-migration application/json "$W/mp.json"
}
C=$(cat "$B/dsc.b64")
RC=$(cat "$B/r1.b64")
BC=$(cat "$B/DE-batch.b64")
mp "empty body" 400 0x001 ""
mp "not JSON" 400 0x001 "' OR 1=1 --"
mp "array" 400 0x001 "[]"
mp "10000 nested arrays" 400 0x001 "$(printf '[%.0s' $(seq 10000))$(printf ']%.0s' $(seq 10000))"
mp "10000 nested objects" 400 0x001 "$(printf '{"a":%.0s' $(seq 10000))1$(printf '}%.0s' $(seq 10000))"
mp "invalid UTF-8" 400 0x001 '{"cms":"\xff\xfe","entityId":1,"type":"DSC"}'
mp "NUL byte" 400 0x001 '{"cms":"a\x00b","entityId":1,"type":"DSC"}'
mp "escaped NUL in cms" 400 0x001 "{\"cms\":\"${C:0:20}\\\\u0000\",\"entityId\":$ID_DE_DSC,\"type\":\"DSC\"}"
mp "type OR 1=1" 400 0x001 "{\"cms\":\"$C\",\"entityId\":$ID_DE_DSC,\"type\":\"DSC' OR '1'='1\"}"
mp "type lower case" 400 0x001 "{\"cms\":\"$C\",\"entityId\":$ID_DE_DSC,\"type\":\"dsc\"}"
mp "no type" 400 0x001 "{\"cms\":\"$C\",\"entityId\":$ID_DE_DSC}"
mp "type a number" 400 0x001 "{\"cms\":\"$C\",\"entityId\":$ID_DE_DSC,\"type\":1}"
mp "entityId OR 1=1" 400 0x001 "{\"cms\":\"$C\",\"entityId\":\"1 OR 1=1\",\"type\":\"DSC\"}"
mp "entityId ;--" 400 0x001 "{\"cms\":\"$C\",\"entityId\":\"$ID_DE_DSC;--\",\"type\":\"DSC\"}"
mp "entityId negative" 400 0x001 "{\"cms\":\"$C\",\"entityId\":-1,\"type\":\"DSC\"}"
mp "entityId 2^64" 400 0x001 "{\"cms\":\"$C\",\"entityId\":18446744073709551616,\"type\":\"DSC\"}"
mp "entityId a fraction" 400 0x001 "{\"cms\":\"$C\",\"entityId\":1.5,\"type\":\"DSC\"}"
mp "entityId 1e3" 400 0x001 "{\"cms\":\"$C\",\"entityId\":1e3,\"type\":\"DSC\"}"
mp "entityId an array" 400 0x001 "{\"cms\":\"$C\",\"entityId\":[1],\"type\":\"DSC\"}"
mp "cms a number" 400 0x001 "{\"cms\":1,\"entityId\":$ID_DE_DSC,\"type\":\"DSC\"}"
mp "duplicate type" 400 0x001 "{\"cms\":\"$C\",\"entityId\":$ID_DE_DSC,\"type\":\"DSC\",\"type\":\"VALIDATION_RULE\"}"
mp "trailing garbage" 400 0x001 "{\"cms\":\"$C\",\"entityId\":$ID_DE_DSC,\"type\":\"DSC\"} --"
mp "cms OR 1=1" 400 0x260 "{\"cms\":\"' OR '1'='1\",\"entityId\":$ID_DE_DSC,\"type\":\"DSC\"}"
mp "cms null" 400 0x260 "{\"cms\":null,\"entityId\":$ID_DE_DSC,\"type\":\"DSC\"}"
mp "cms missing" 400 0x260 "{\"entityId\":$ID_DE_DSC,\"type\":\"REVOCATION_LIST\"}"
mp "cms truncated" 400 0x260 "{\"cms\":\"${C:0:400}\",\"entityId\":$ID_DE_DSC,\"type\":\"DSC\"}"
mp "cms with a text payload as DSC" 400 0x260 "{\"cms\":\"$(cat "$B/hello-by-de.b64")\",\"entityId\":$ID_DE_DSC,\"type\":\"DSC\"}"
mp "cms 40k of garbage" 400 0x260 "{\"cms\":\"$(printf 'Z%.0s' $(seq 40001))\",\"entityId\":$ID_DE_DSC,\"type\":\"VALIDATION_RULE\"}"
mp "DSC id that does not exist" 409 0x010 "{\"cms\":\"$C\",\"entityId\":999999999,\"type\":\"DSC\"}"
mp "batch id that does not exist" 409 0x020 "{\"cms\":\"$BC\",\"entityId\":999999999,\"type\":\"REVOCATION_LIST\"}"
mp "rule id that does not exist" 409 0x030 "{\"cms\":\"$RC\",\"entityId\":999999999,\"type\":\"VALIDATION_RULE\"}"
mp "FR's batch" 400 0x021 "{\"cms\":\"$BC\",\"entityId\":$ID_FR_BATCH,\"type\":\"REVOCATION_LIST\"}"
mp "DE's batch with another payload" 400 0x022 "{\"cms\":\"$(cat "$B/hello-by-de.b64")\",\"entityId\":$ID_DE_BATCH,\"type\":\"REVOCATION_LIST\"}"
mp "DE's rule with another payload" 400 0x032 "{\"cms\":\"$BC\",\"entityId\":$ID_DE_RULE,\"type\":\"VALIDATION_RULE\"}"
mp "DE's DSC with FR's DSC" 400 0x004 "{\"cms\":\"$(cat "$B/frdsc-by-de.b64")\",\"entityId\":$ID_DE_DSC,\"type\":\"DSC\"}"
mp "DE's DSC signed by FR's upload cert" 400 0x004 "{\"cms\":\"$(cat "$B/dsc-by-fr.b64")\",\"entityId\":$ID_DE_DSC,\"type\":\"DSC\"}"
mp "DE's rule, the rule id as a string with SQL" 400 0x001 "{\"cms\":\"$RC\",\"entityId\":\"$ID_DE_RULE' OR '1'='1\",\"type\":\"VALIDATION_RULE\"}"

# --- slow clients: nginx dropped them, no worker was tied up ------------------------------------------
section "slow clients"
st=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$DGCG_CACERT" \
	--cert "$PKI/DE/auth.pem" --key "$PKI/DE/auth.key" "$DGCG_URL/countrylist")
_count "$st"
it_is "a normal request after the slow clients" "$st" 200
for p in "${slowpids[@]}"; do
	wait "$p"
done
for f in "$W"/slow-h*.out "$W"/slow-b*.out; do
	it_like "slow client $(basename "$f" .out) dropped by nginx ($(cat "$f") s)" "$(cat "$f")" \
		'^dropped (9|1[0-9]|2[0-5])$'
done
it_ok "nginx logged the 9 timeouts (408) without an upstream" test \
	"$(grep -c '" 408 .*upstream=- ' "$DGCG_NGINX_ACCESS_LOG")" -ge 9
it_is "no timed-out request reached a worker" "$(grep '" 408 ' "$DGCG_NGINX_ACCESS_LOG" | grep -vc 'upstream=- ')" 0
it_is "empty lines only: dropped without an answer" "$(cat "$W/crlf.out")" 000

# --- the valid requests; then pids and the database ----------------------------------------------------
section "the valid requests; then pids and the database"
hb "valid: DE uploads a DSC with SQL in its subject" 201 "(empty)" DE POST /signerCertificate application/cms "$B/sqlsubj.b64"
it_rule "$W/valid.json" Identifier='"GR-DE-0002"' \
	Engine="\"CERTLOGIC'; DROP TABLE validation_rule; --\"" \
	AffectedFields='["a'"'"' OR '"'"'1'"'"'='"'"'1", "\"; --", "/* */", "\\\\", "%00", "UNION SELECT"]' \
	Description='[{"lang":"en","desc":"Robert'"'"'); DROP TABLE validation_rule;-- \u00e4\u4e2d"}]'
it_cms "$W/valid.json" DE "$B/valid-rule.b64"
hb "valid: DE uploads a rule with SQL in its free-text fields" 201 "(empty)" DE POST /rules application/cms-text "$B/valid-rule.b64"
it_batch "$W/valid-batch.json" DE "$future" UCI AAAAAAAAAAAAAAAAAAAAAA== "'OR'1'='1'#"
it_cms "$W/valid-batch.json" DE "$B/valid-batch.b64"
hb "valid: DE uploads a batch whose kid is SQL" 201 "(empty)" DE POST /revocation-list application/cms-text "$B/valid-batch.b64"
it_is "the kid is stored as sent" "$(it_sql "SELECT kid FROM revocation_batch WHERE batch_id='$(it_header ETag)'")" "'OR'1'='1'#"
it_is "the rule is stored as sent" "$(it_sql "SELECT signature FROM validation_rule WHERE rule_id='GR-DE-0002'")" "$(cat "$B/valid-rule.b64")"

pids_after=$(stack_worker_pids | sort | tr '\n' ' ')
it_is "no worker restarted (same pids)" "$pids_after" "$pids_before"
dbdump "$W/after.sql"
it_is "audit rows: the refused DSC requests' and the 3 valid uploads'" "$(it_count audit_event)" \
	$((a_before + audited + 3))
it_ok "the database differs only by the valid requests' rows and the audit rows" \
	python3 - "$W/before.sql" "$W/after.sql" "$audited" "$(it_thumb_pem "$W/sqlsubj.pem")" <<'PY'
import collections, re, sys
before = open(sys.argv[1], encoding="utf-8", errors="replace").read().splitlines()
after = open(sys.argv[2], encoding="utf-8", errors="replace").read().splitlines()
audited, thumb = int(sys.argv[3]), sys.argv[4]
gone = collections.Counter(before) - collections.Counter(after)
new = collections.Counter(after) - collections.Counter(before)
def table(line):
    m = re.match(r"INSERT INTO `([a-z_]+)` VALUES", line)
    return m.group(1) if m else None
bad = []
dv = lambda lines: {re.match(r"INSERT INTO `data_version` VALUES \('([a-z_]+)',", l).group(1)
                    for l in lines if table(l) == "data_version"}
for l in gone:
    if table(l) != "data_version":
        bad.append("gone: " + l[:200])
if dv(gone) != {"signer_information", "validation_rule", "revocation_batch"}:
    bad.append("data_version rows changed: %s" % sorted(dv(gone)))
if dv(new) != {"signer_information", "validation_rule", "revocation_batch"}:
    bad.append("data_version rows new: %s" % sorted(dv(new)))
want = {"signer_information": 1, "validation_rule": 1, "revocation_batch": 1,
        "audit_event": audited + 3}
got = collections.Counter(table(l) for l in new.elements() if table(l) != "data_version")
if dict(got) != want:
    bad.append("new rows per table: %s, want %s" % (dict(got), want))
si = [l for l in new if table(l) == "signer_information"]
if len(si) != 1 or thumb not in si[0]:
    bad.append("the new DSC row is not the valid upload")
vr = [l for l in new if table(l) == "validation_rule"]
if len(vr) != 1 or "'GR-DE-0002'" not in vr[0]:
    bad.append("the new rule row is not GR-DE-0002")
def event(l):
    m = re.search(r"'(BAD_REQUEST|EXIST_CHECK_FAILED|SUCCESS|CREATED|DELETED|UPDATED|UPLOAD_FAILED|DELETE_FAILED)'", l)
    return m.group(1) if m else l[:120]
ev = collections.Counter(event(l) for l in new.elements() if table(l) == "audit_event")
if ev["SUCCESS"] != 1 or ev["CREATED"] != 2 or ev["BAD_REQUEST"] + ev["EXIST_CHECK_FAILED"] != audited \
        or sum(ev.values()) != audited + 3:
    bad.append("audit events: %s" % dict(ev))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY

# --- totals ---------------------------------------------------------------------------------------
section "totals"
it_is "no 5xx answer in the whole run" "$fivexx" 0
it_is "nginx logged no 5xx either" "$(awk '$0 ~ /" 5[0-9][0-9] / { n++ } END { print n + 0 }' "$DGCG_NGINX_ACCESS_LOG")" 0
it_ok "at least 300 hostile requests ($requests)" test "$requests" -ge 300
printf '# %d requests\n' "$requests"
it_done
