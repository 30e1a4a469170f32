#!/usr/bin/env bash
# Prometheus metrics (GET /metrics on the internal listener): exactly N
# requests of each kind, sent by several clients at once over real mTLS to
# workers of two pools, are exactly N in the scrape; uploads and deletes by
# outcome; worker starts, also after a killed worker and a restart of the
# pools (the counters outlive them); database failures and reconnects; the
# integrity gauges with a tampered and a missing trusted_party row; the
# expiry gauges against openssl x509 -enddate; the data generation; and no
# /metrics on the mTLS listener. Every scrape passes promtool check metrics.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
export STACK_POOLS=2 STACK_WORKERS=2
WORKERS=$((STACK_POOLS * STACK_WORKERS))
it_start
W=$IT_DIR/w
mkdir -p "$W"

N=30	# requests of each kind
C=3	# clients sending them at once, N/C each
UP=2	# upload + delete rounds per country (3 countries)

# scrape: GET /metrics into $S (the text), checked by promtool.
ns=0
scrape() {
	local st
	ns=$((ns + 1))
	S=$W/scrape.$ns
	st=$(curl -s --max-time 60 -o "$S" -D "$S.h" -w '%{http_code}' "$DGCG_METRICS_URL")
	if [[ "$st" != 200 ]]; then
		_it_result fail "scrape $ns" "status $st"
		return 1
	fi
	if ! promtool check metrics <"$S" >"$S.lint" 2>&1; then
		_it_result fail "scrape $ns passes promtool check metrics" "$(head -5 "$S.lint")"
		return 1
	fi
}
# val SAMPLE: the value of SAMPLE (name{labels} as we write them) in $S, 0 when absent.
val() { awk -v k="$1 " 'index($0, k) == 1 { v = $NF } END { print (v == "" ? 0 : v) }' "$S"; }
# has SAMPLE: whether $S holds SAMPLE.
has() { awk -v k="$1 " 'index($0, k) == 1 { f = 1 } END { exit !f }' "$S"; }
req() { printf 'dgcg_requests_total{method="%s",route="%s",status="%s"}' "$1" "$2" "$3"; }
prob() { printf 'dgcg_problems_total{code="%s",name="%s"}' "$1" "$2"; }
wr() { printf 'dgcg_writes_total{resource="%s",operation="%s",outcome="%s"}' "$1" "$2" "$3"; }
cache() { printf 'dgcg_cache_%s_total{cache="%s"}' "$1" "$2"; }
tp() { printf 'dgcg_trusted_party_%s{type="%s",country="%s"}' "$1" "$2" "$3"; }
expiry() { printf 'dgcg_certificate_expiry_seconds{country="%s",type="%s",thumbprint="%s"}' "$1" "$2" "$3"; }
enddate() { date -u -d "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)" +%s; }

# --- the internal listener ----------------------------------------------------
scrape
it_is "scrape: content type" "$(grep -i '^content-type:' "$S.h" | tr -d '\r')" \
	"Content-Type: text/plain; version=0.0.4; charset=utf-8"
it_is "scrape: not cached" "$(grep -i '^cache-control:' "$S.h" | tr -d '\r')" "Cache-Control: no-store"
it_ok "scrape: HELP and TYPE of the requests" grep -qx '# TYPE dgcg_requests_total counter' "$S"
it_is "counters shared by the host's workers" "$(val dgcg_metrics_shared)" 1
it_is "database up" "$(val dgcg_database_up)" 1
# wait_starts WANT: scrapes until the workers counted WANT starts or more (a
# worker counts its start once it is up; at most 30 s).
wait_starts() {
	local i
	for (( i = 0; i < 300; i++ )); do
		scrape
		(( $(val dgcg_worker_starts_total) >= $1 )) && return 0
		sleep 0.1
	done
}
wait_starts "$WORKERS"
it_is "worker starts: the $WORKERS workers of $STACK_POOLS pools" "$(val dgcg_worker_starts_total)" "$WORKERS"
it_is "worker starts = the log's Worker started lines" "$(grep -c 'message="Worker started"' "$DGCG_LOG")" "$WORKERS"
it_is "nothing dropped" "$(val dgcg_metrics_dropped_total)" 0
st=$(curl -s --max-time 30 -o "$W/head" -w '%{http_code}' -I "$DGCG_METRICS_URL")
it_is "scrape: HEAD" "$st:$(grep -c '^dgcg_' "$W/head")" "200:0"
st=$(curl -s --max-time 30 -o "$IT_BODY" -w '%{http_code}' -X POST "$DGCG_METRICS_URL")
it_is "scrape: POST refused" "$st:$(it_json code)" "405:0x405"
st=$(curl -s --max-time 10 --interface 127.0.0.2 -o "$IT_BODY" -w '%{http_code}' "$DGCG_METRICS_URL")
it_is "scrape: refused from an address not allowed" "$st:$(it_json code)" "404:0x404"

# A drained host (the file drain in nginx's prefix) is out of rotation, but
# still scraped.
touch "$STACK_DIR/nginx/drain"
st=$(curl -s --max-time 30 -o "$IT_BODY" -w '%{http_code}' "$DGCG_HEALTH_URL")
it_is "drained: /health says DOWN" "$st:$(it_json drain)" "503:true"
st=$(curl -s --max-time 30 -o "$W/drained" -w '%{http_code}' "$DGCG_METRICS_URL")
it_is "drained: /metrics still answers" "$st:$(grep -c '^# TYPE dgcg_requests_total counter$' "$W/drained")" "200:1"
rm -f "$STACK_DIR/nginx/drain"
st=$(curl -s --max-time 30 -o "$IT_BODY" -w '%{http_code}' "$DGCG_HEALTH_URL")
it_is "undrained: /health UP" "$st:$(it_json status)" "200:UP"

# --- never on the mTLS listener -----------------------------------------------
scrape
u0=$(val "$(req GET unmatched 404)")
st=$(it_curl DE GET /metrics)
it_is "no /metrics on the mTLS listener" "$st:$(it_json code)" "404:0x404"
st=$(it_curl DE GET /metrics -H 'DGCG-Health-Check: 1')
it_is "no /metrics on the mTLS listener, whatever the headers" "$st:$(it_json code)" "404:0x404"
it_ok "the answer is a problem report" grep -q '"problem":"Not Found"' "$IT_BODY"
scrape
it_is "both counted as an unknown path" "$(( $(val "$(req GET unmatched 404)") - u0 ))" 2

# --- N requests of each kind from C clients at once ---------------------------
pki_client stranger NL >/dev/null
printf 'not base64!' >"$W/bad.b64"
# burst FILE WHO METHOD PATH COUNT [curl args...]: COUNT requests over one
# connection, their statuses appended to FILE.
burst() {
	local out=$1 who=$2 method=$3 path=$4 k=$5 i urls=()
	shift 5
	for (( i = 0; i < k; i++ )); do
		urls+=(-o /dev/null "$DGCG_URL$path")
	done
	case $who in
	*/*) ;;
	*) who=$PKI/$who/auth ;;
	esac
	curl -s -g --max-time 300 --cacert "$DGCG_CACERT" --cert "$who.pem" --key "$who.key" \
		-X "$method" -w '%{http_code}\n' "$@" "${urls[@]}" >>"$out"
}
# the kinds: name, who, method, path, expected status, curl args
KINDS=(
	"cl|DE|GET|/countrylist|200|"
	"tl|FR|GET|/trustList/DSC|200|"
	"nf|IE|GET|/nothing/here|404|"
	"me|DE|POST|/countrylist|405|"
	"un|$PKI/extra/stranger|GET|/countrylist|401|"
	"bu|DE|POST|/signerCertificate|400|cms"
	"bd|FR|DELETE|/rules|400|cms"
)
# updown CC: UP rounds of upload (201) and delete (204) of CC's DSC.
updown() {
	local cc=$1 i body=$W/dsc.$1.b64
	for (( i = 0; i < UP; i++ )); do
		burst "$W/st.up.$cc" "$cc" POST /signerCertificate 1 -H 'Content-Type: application/cms' \
			--data-binary @"$body"
		burst "$W/st.del.$cc" "$cc" DELETE /signerCertificate 1 -H 'Content-Type: application/cms' \
			--data-binary @"$body"
	done
}
for cc in DE FR IE; do
	openssl x509 -in "$PKI/$cc/dsc.pem" -outform DER -out "$W/dsc.$cc.der"
	openssl cms -sign -nodetach -binary -in "$W/dsc.$cc.der" -signer "$PKI/$cc/upload.pem" \
		-inkey "$PKI/$cc/upload.key" -outform DER | openssl base64 -A >"$W/dsc.$cc.b64"
done

scrape
declare -A before
sample_list=(
	"$(req GET /countrylist 200)" "$(req GET '/trustList/{type}' 200)" "$(req GET unmatched 404)"
	"$(req POST /countrylist 405)" "$(req GET /countrylist 401)" "$(req POST /signerCertificate 400)"
	"$(req DELETE /rules 400)" "$(req POST /signerCertificate 201)" "$(req DELETE /signerCertificate 204)"
	"$(prob 0x404 NOT_FOUND)" "$(prob 0x405 METHOD)" "$(prob 0x402 AUTH_UNKNOWN)"
	"$(prob 0x402 CMS_BASE64)"
	"$(wr signerCertificate upload rejected)" "$(wr rules delete rejected)"
	"$(wr signerCertificate upload ok)" "$(wr signerCertificate delete ok)"
	"$(cache hits countrylist)" "$(cache misses countrylist)"
)
for s in "${sample_list[@]}"; do
	before[$s]=$(val "$s")
done
pids=()
for k in "${KINDS[@]}"; do
	IFS='|' read -r name who method path want extra <<<"$k"
	args=()
	[[ "$extra" == cms ]] && args=(-H 'Content-Type: application/cms' --data-binary @"$W/bad.b64")
	for (( c = 0; c < C; c++ )); do
		burst "$W/st.$name" "$who" "$method" "$path" $((N / C)) "${args[@]}" &
		pids+=($!)
	done
done
for cc in DE FR IE; do
	updown "$cc" &
	pids+=($!)
done
wait "${pids[@]}"
for k in "${KINDS[@]}"; do
	IFS='|' read -r name who method path want extra <<<"$k"
	it_is "$name: $N requests answered $want" "$(grep -c "^$want\$" "$W/st.$name")" "$N"
done
it_is "uploads: all 201" "$(cat "$W"/st.up.* | grep -c '^201$')" $((3 * UP))
it_is "deletes: all 204" "$(cat "$W"/st.del.* | grep -c '^204$')" $((3 * UP))

scrape
d() { echo $(( $(val "$1") - ${before[$1]} )); }
it_is "requests: GET /countrylist 200" "$(d "$(req GET /countrylist 200)")" "$N"
it_is "requests: GET /trustList/{type} 200" "$(d "$(req GET '/trustList/{type}' 200)")" "$N"
it_is "requests: unknown path 404" "$(d "$(req GET unmatched 404)")" "$N"
it_is "requests: POST /countrylist 405" "$(d "$(req POST /countrylist 405)")" "$N"
it_is "requests: GET /countrylist 401" "$(d "$(req GET /countrylist 401)")" "$N"
it_is "requests: POST /signerCertificate 400" "$(d "$(req POST /signerCertificate 400)")" "$N"
it_is "requests: DELETE /rules 400" "$(d "$(req DELETE /rules 400)")" "$N"
it_is "requests: POST /signerCertificate 201" "$(d "$(req POST /signerCertificate 201)")" $((3 * UP))
it_is "requests: DELETE /signerCertificate 204" "$(d "$(req DELETE /signerCertificate 204)")" $((3 * UP))
it_is "problems: 0x404 NOT_FOUND" "$(d "$(prob 0x404 NOT_FOUND)")" "$N"
it_is "problems: 0x405 METHOD" "$(d "$(prob 0x405 METHOD)")" "$N"
it_is "problems: 0x402 AUTH_UNKNOWN" "$(d "$(prob 0x402 AUTH_UNKNOWN)")" "$N"
it_is "problems: 0x402 CMS_BASE64 (upload and rule delete)" "$(d "$(prob 0x402 CMS_BASE64)")" $((2 * N))
it_is "writes: DSC uploads rejected" "$(d "$(wr signerCertificate upload rejected)")" "$N"
it_is "writes: rule deletes rejected" "$(d "$(wr rules delete rejected)")" "$N"
it_is "writes: DSC uploads ok" "$(d "$(wr signerCertificate upload ok)")" $((3 * UP))
it_is "writes: DSC deletes ok" "$(d "$(wr signerCertificate delete ok)")" $((3 * UP))
it_is "cache: one countrylist lookup per 200" \
	"$(( $(d "$(cache hits countrylist)") + $(d "$(cache misses countrylist)") ))" "$N"
it_ok "cache: countrylist hits" test "$(d "$(cache hits countrylist)")" -gt 0
it_is "nothing dropped under load" "$(val dgcg_metrics_dropped_total)" 0
nsig=$(it_sql "SELECT version FROM data_version WHERE name='signer_information'")
it_is "data generation: signer_information" \
	"$(val 'dgcg_data_generation{table="signer_information"}')" "$nsig"
it_ok "data generation moved with the uploads" test "$nsig" -ge $((6 * UP))

# --- expiry ---------------------------------------------------------------------
st=$(it_curl DE POST /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$W/dsc.DE.b64")
it_is "DE's DSC uploaded" "$st" 201
t0=$(date +%s)
scrape
t1=$(date +%s)
# near NAME GOT END: GOT is END - now, now between t0 and t1 (2 s slack).
near() {
	if (( $2 >= $3 - t1 - 2 && $2 <= $3 - t0 + 2 )); then
		_it_result ok "$1"
	else
		_it_result fail "$1" "$2 is not notAfter $3 minus now ($t0..$t1)"
	fi
}
for cc in DE FR IE; do
	for kind in auth:AUTHENTICATION upload:UPLOAD csca:CSCA; do
		f=$PKI/$cc/${kind%%:*}.pem
		s=$(expiry "$cc" "${kind#*:}" "$(it_thumb_pem "$f")")
		it_ok "expiry gauge of $cc ${kind#*:}" has "$s"
		near "expiry of $cc ${kind#*:} = openssl x509 -enddate - now" "$(val "$s")" "$(enddate "$f")"
	done
done
it_is "one expiry gauge per onboarded certificate" "$(grep -c '^dgcg_certificate_expiry_seconds{' "$S")" 9
near "earliest DSC expiry of DE" "$(val 'dgcg_dsc_earliest_expiry_seconds{country="DE"}')" \
	"$(enddate "$PKI/DE/dsc.pem")"
it_not "no DSC expiry for FR (its DSC deleted)" has 'dgcg_dsc_earliest_expiry_seconds{country="FR"}'

# --- integrity ------------------------------------------------------------------
for cc in DE FR IE; do
	for t in AUTHENTICATION UPLOAD CSCA; do
		it_is "$cc $t verified" "$(val "$(tp verified $t $cc)"):$(val "$(tp failing $t $cc)")" "1:0"
	done
done
FR_T=$(it_thumb_pem "$PKI/FR/auth.pem")
RAW=$(it_sql "SELECT raw_data FROM trusted_party WHERE thumbprint='$FR_T'")
flip() { python3 -c 'import sys; s=sys.argv[1]; i=len(s)//2; c="A" if s[i]!="A" else "B"; print(s[:i]+c+s[i+1:])' "$1"; }
it_sql "UPDATE trusted_party SET raw_data='$(flip "$RAW")' WHERE thumbprint='$FR_T'"
scrape
it_is "tampered FR AUTHENTICATION: failing" "$(val "$(tp failing AUTHENTICATION FR)")" 1
it_is "tampered FR AUTHENTICATION: not verified" "$(has "$(tp verified AUTHENTICATION FR)" && val "$(tp verified AUTHENTICATION FR)")" 0
it_is "FR UPLOAD still verified" "$(val "$(tp verified UPLOAD FR)"):$(val "$(tp failing UPLOAD FR)")" "1:0"
it_not "no expiry gauge for the tampered row" has "$(expiry FR AUTHENTICATION "$FR_T")"
it_not "a scrape does not log the failure" \
	grep -Eq 'Raw certificate data does not contain|Thumbprint in database does not match' "$DGCG_LOG"
it_sql "UPDATE trusted_party SET raw_data='$RAW' WHERE thumbprint='$FR_T'"
# The reference's outage #182: a country's CSCA gone.
DE_CSCA=$(it_sql "SELECT CONCAT_WS(' ', thumbprint, raw_data, signature) FROM trusted_party WHERE country='DE' AND certificate_type='CSCA'")
it_sql "DELETE FROM trusted_party WHERE country='DE' AND certificate_type='CSCA'"
scrape
it_is "DE without its CSCA: CSCA verified 0" "$(has "$(tp verified CSCA DE)" && val "$(tp verified CSCA DE)")" 0
it_is "FR restored" "$(val "$(tp verified AUTHENTICATION FR)"):$(val "$(tp failing AUTHENTICATION FR)")" "1:0"
read -r t r g <<<"$DE_CSCA"
it_sql "INSERT INTO trusted_party (created_at, country, thumbprint, raw_data, signature, certificate_type) VALUES (NOW(), 'DE', '$t', '$r', '$g', 'CSCA')"
scrape
it_is "DE's CSCA back" "$(val "$(tp verified CSCA DE)")" 1

# --- worker starts: a killed worker, a restart of the pools ---------------------
tl=$(val "$(req GET '/trustList/{type}' 200)")
victim=$(stack_worker_pids | head -n 1)
kill -KILL "$victim"
wait_starts $((WORKERS + 1))
it_is "a killed worker's replacement counted" "$(val dgcg_worker_starts_total)" $((WORKERS + 1))
it_not "the killed worker is gone" kill -0 "$victim"
stack_restart_workers
wait_starts $((2 * WORKERS + 1))
it_is "restarted pools counted" "$(val dgcg_worker_starts_total)" $((2 * WORKERS + 1))
it_is "restarted pools: the log agrees" "$(grep -c 'message="Worker started"' "$DGCG_LOG")" \
	$((2 * WORKERS + 1))
it_is "counters outlive the workers" "$(val "$(req GET '/trustList/{type}' 200)")" "$tl"

# --- the database gone and back -------------------------------------------------
e0=$(val 'dgcg_db_errors_total{kind="connect"}')
r0=$(val dgcg_db_reconnects_total)
u0=$(val "$(req GET '/trustList/{type}' 503)")
stack_db_stop
for (( i = 0; i < 3; i++ )); do
	st=$(it_curl DE GET /trustList/DSC)
	it_is "database down: 503 ($i)" "$st:$(it_json code)" "503:0x503"
done
scrape
it_is "database down: database_up 0" "$(val dgcg_database_up)" 0
it_not "database down: no integrity gauges" grep -q '^dgcg_trusted_party_verified{' "$S"
it_is "database down: the 503s counted" "$(( $(val "$(req GET '/trustList/{type}' 503)") - u0 ))" 3
it_ok "database down: connect errors counted" test "$(val 'dgcg_db_errors_total{kind="connect"}')" -gt "$e0"
stack_db_start
for (( i = 0; i < 8; i++ )); do
	it_curl DE GET /countrylist >/dev/null
done
scrape
it_is "database back: database_up 1" "$(val dgcg_database_up)" 1
it_ok "database back: reconnects counted" test "$(val dgcg_db_reconnects_total)" -gt "$r0"

# --- the examples in deploy/monitoring -------------------------------------------
MON=$DGCG_SRCDIR/deploy/monitoring
it_ok "example alert rules pass promtool check rules" promtool check rules "$MON/dgcg-alerts.yml"
it_ok "example dashboard is JSON" python3 -m json.tool "$MON/dgcg-dashboard.json"
# every dgcg_ name the examples use is a metric of the scrape
names=$(cat "$MON/dgcg-alerts.yml" "$MON/dgcg-dashboard.json" | grep -o 'dgcg_[a-z_]*' | sort -u)
for n in $names; do
	it_ok "the examples' $n is in the scrape" grep -q "^# TYPE $n " "$S"
done

cp "$S" "$W/last-scrape.txt"
grep -E '^dgcg_(requests|writes|problems)_total|^dgcg_trusted_party|^dgcg_(certificate|dsc)_|^dgcg_worker|^dgcg_db_|^dgcg_cache|^dgcg_data|^dgcg_metrics|^dgcg_database' "$S" | sed 's/^/# /'
it_done
