#!/usr/bin/env bash
# Faults under load: MariaDB stopped while clients download and upload (every
# answer a problem report in bounded time, the same workers recover by
# themselves, no partial row and no orphan audit event); workers killed with
# SIGKILL while clients download (replaced, and nginx retries the idempotent
# GETs on the other pool, so no client sees a failure), and while an upload is
# between its two statements (not retried, nothing stored); a failure
# injected with MariaDB triggers at the first and at the second statement of
# every state-changing endpoint (nothing stored, nothing audited; without the
# trigger the same request stores its row and its audit event once).
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start

# Background jobs (load clients, a lock-holding mariadb client) are stopped by
# pid on every exit path, before the harness stops the stack.
BG=()
LOCKFD=""
bg_stop() {
	local p
	rm -f "$W/load.run"
	if [[ -n "$LOCKFD" ]]; then
		exec {LOCKFD}>&-
		LOCKFD=""
	fi
	LOCKPID=""
	for p in "${BG[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${BG[@]}"; do
		wait "$p" 2>/dev/null
	done
	BG=()
}
_faults_exit() {
	local rc=$?
	bg_stop
	(exit "$rc")
	_it_exit
}
trap _faults_exit EXIT

CC3=(DE FR IE)
DB_TIMEOUT=$(it_conf db_timeout)
DB_TIMEOUT=${DB_TIMEOUT:-5}		# dgcg.conf(5) default
BOUND=$((DB_TIMEOUT * 2 + 10))		# slowest answer allowed while MariaDB is away
# rule_json OUT CC ID [OUT CC ID]...: it_rule's valid Acceptance rule as rule ID of CC
# (ValidFrom now+3d, ValidTo now+7d), all in one go
rule_json() {
	local a=()
	while (( $# >= 3 )); do
		a+=("$1" "Identifier=\"$3\"" "Country=\"$2\"" \
			"Description=[{\"lang\":\"en\",\"desc\":\"fault test rule $3\"}]" --)
		shift 3
	done
	it_rule "${a[@]}"
}
# The audit descriptions the code writes (lib/domain/signer.c, rules.c, revocation.c).
DSC_UP_OK="postVerificationInformation successful executed"
DSC_DEL_OK="revokeVerificationInformation triggered SUCCESS"
rule_desc_sql="CONCAT('Created Validation Rule with ID ', v.rule_id, ' (', v.version, ')')"

# --- load clients ----------------------------------------------------------------------
# client ID CC MODE: requests until $W/load.run goes; one line per request in
# $W/load-ID: start (epoch s), kind, what (thumbprint or rule id of an upload,
# else -), problem code (- when none), status, seconds, X-Request-Id.
# MODE mixed: GETs and uploads of the pre-made bodies $W/up/ID-N.{dsc,rule};
# MODE get: GETs only.
client() {
	local cid=$1 cc=$2 mode=$3 i=0 dn=0 rn=0 kind path what code res body args
	local out=$W/load-$cid cert=(--cert "$PKI/$2/auth.pem" --key "$PKI/$2/auth.key")
	local kinds=(countrylist dsc trustlist rules rule valuesets trustlist-dsc)
	[[ "$mode" == get ]] && kinds=(countrylist trustlist rules valuesets trustlist-dsc)
	: >"$out"
	while [[ -e "$W/load.run" ]]; do
		kind=${kinds[i++ % ${#kinds[@]}]}
		what=-
		args=()
		case $kind in
		countrylist) path=/countrylist ;;
		trustlist) path=/trustList ;;
		trustlist-dsc) path=/trustList/DSC/$cc ;;
		rules) path=/rules/$cc ;;
		valuesets) path=/valuesets ;;
		dsc)
			[[ -s "$W/up/$cid-$dn.dsc" ]] || continue
			read -r what <"$W/up/$cid-$dn.dsc.tp"
			path=/signerCertificate
			args=(-H 'Content-Type: application/cms' --data-binary @"$W/up/$cid-$dn.dsc")
			dn=$((dn + 1))
			;;
		rule)
			[[ -s "$W/up/$cid-$rn.rule" ]] || continue
			what=$(<"$W/up/$cid-$rn.rule.id")
			path=/rules
			args=(-H 'Content-Type: application/cms-text' --data-binary @"$W/up/$cid-$rn.rule")
			rn=$((rn + 1))
			;;
		esac
		start=$EPOCHREALTIME
		res=$(curl -s -g --max-time 60 --cacert "$DGCG_CACERT" "${cert[@]}" -o "$out.body" \
			-w '%{http_code} %{time_total} %header{x-request-id}' "${args[@]}" "$DGCG_URL$path")
		code=-
		body=$(<"$out.body")
		[[ "$body" =~ \"code\":\"([^\"]*)\" ]] && code=${BASH_REMATCH[1]}
		printf '%s %s %s %s %s\n' "$start" "$kind" "$what" "$code" "$res" >>"$out"
		[[ "$res" == 503* ]] && sleep 0.05
	done
}
# load_start MODE: four clients (DE FR IE DE)
load_start() {
	local id
	: >"$W/load.run"
	for id in 1 2 3 4; do
		client "$id" "${CC3[(id - 1) % 3]}" "$1" &
		BG+=($!)
	done
}
# load_stop: the clients (and any other background job) finish their
# current request and end
load_stop() {
	local p
	rm -f "$W/load.run"
	for p in "${BG[@]}"; do
		wait "$p" 2>/dev/null
	done
	BG=()
}
load_lines() { cat "$W"/load-[1-4]; }
# fields of a load line for awk: $1 start $2 kind $3 what $4 code $5 status $6 time $7 rid
access_from() { tail -n +"$(($1 + 1))" "$DGCG_NGINX_ACCESS_LOG"; }
access_lines() { wc -l <"$DGCG_NGINX_ACCESS_LOG"; }

# lock_hold SQL: a root session runs SQL (LOCK TABLES ...) and keeps it until
# lock_release (or until MariaDB goes away).
LOCKPID=""
lock_hold() {
	rm -f "$W/lock.fifo" "$W/lock.out"
	mkfifo "$W/lock.fifo"
	mariadb --no-defaults --protocol=socket -S "$DGCG_DB_SOCKET" -u "$(id -un)" -D "$DGCG_DB_NAME" \
		-N -B -n <"$W/lock.fifo" >"$W/lock.out" 2>&1 &
	LOCKPID=$!
	BG+=("$LOCKPID")
	exec {LOCKFD}>"$W/lock.fifo"
	printf '%s\nSELECT "held";\n' "$1" >&"$LOCKFD"
	for _ in $(seq 1 100); do
		grep -q held "$W/lock.out" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
lock_release() {
	# a subshell: when MariaDB went away first, the write gets SIGPIPE
	[[ -n "$LOCKFD" ]] && ( printf 'UNLOCK TABLES;\n' >&"$LOCKFD" ) 2>/dev/null
	exec {LOCKFD}>&-
	LOCKFD=""
	wait "$LOCKPID" 2>/dev/null
}
# app_waiting N: waits until N statements of the workers wait for a table lock
app_waiting() {
	local n=0
	for _ in $(seq 1 100); do
		n=$(it_sql "SELECT COUNT(*) FROM information_schema.processlist WHERE user = '$DGCG_DB_APP_USER' AND state = 'Waiting for table metadata lock'")
		(( n >= $1 )) && return 0
		sleep 0.1
	done
	return 1
}
# nothing_left WHAT CC RULE DSC: after a rule and a DSC upload of CC were cut
# off, no row and no audit event is left of them (against the snap_* counts),
# and sending them again stores each with one audit event.
nothing_left() {
	it_is "$1 uploads: no DSC row" "$(it_count signer_information)" "$snap_si"
	it_is "$1 uploads: no rule row" "$(it_count validation_rule)" "$snap_vr"
	it_is "$1 uploads: no audit event" "$(it_count audit_event)" "$snap_a"
	st=$(it_curl "$2" POST /rules -H 'Content-Type: application/cms-text' --data-binary @"$3")
	it_is "$1 rule upload sent again: 201 (nothing was left of it)" "$st" 201
	st=$(it_curl "$2" POST /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$4")
	it_is "$1 DSC upload sent again: 201" "$st" 201
	it_is "$1, sent again: one audit event each" "$(it_count audit_event)" "$((snap_a + 2))"
}
# post_bg NAME CC PATH TYPE FILE: an upload in the background (its pid is
# ${BG[-1]}); status and problem code land in $W/NAME.res
post_bg() {
	( st=$(curl -s --max-time 60 --cacert "$DGCG_CACERT" --cert "$PKI/$2/auth.pem" --key "$PKI/$2/auth.key" \
		-H "Content-Type: $4" --data-binary @"$5" -o "$W/$1.body" -w '%{http_code} %header{x-request-id}' \
		"$DGCG_URL$3")
	  code=-
	  body=$(<"$W/$1.body")
	  [[ "$body" =~ \"code\":\"([^\"]*)\" ]] && code=${BASH_REMATCH[1]}
	  printf '%s %s\n' "${st%% *}" "$code" >"$W/$1.res" ) &
	BG+=($!)
}

# ======================================================================================
# 1. MariaDB stopped under load
# ======================================================================================
mkdir -p "$W/up"
NUP=30
rargs=()
for id in 1 2 3 4; do
	cc=${CC3[(id - 1) % 3]}
	for ((k = 0; k < NUP; k++)); do
		rid=$(printf 'GR-%s-%d%03d' "$cc" "$id" "$k")
		printf '%s' "$rid" >"$W/up/$id-$k.rule.id"
		rargs+=("$W/up/$id-$k.json" "$cc" "$rid")
	done
done
rule_json "${rargs[@]}"
for id in 1 2 3 4; do
	cc=${CC3[(id - 1) % 3]}
	for ((k = 0; k < NUP; k++)); do
		it_dsc "$W/up/$id-$k" "/C=$cc/O=dgcg demo/CN=$cc fault DSC" "$cc"
		it_cms "$W/up/$id-$k.der" "$cc" "$W/up/$id-$k.dsc"
		it_cms "$W/up/$id-$k.json" "$cc" "$W/up/$id-$k.rule"
	done
done
sha256sum "$W"/up/*.der | while read -r tp f; do
	printf '%s\n' "$tp" >"${f%.der}.dsc.tp"
done
it_is "pre-made upload bodies" "$(find "$W/up" -name '*.dsc' -o -name '*.rule' | wc -l)" $((4 * NUP * 2))

pids_before=$(stack_worker_pids | sort | tr '\n' ' ')
si0=$(it_count signer_information)
vr0=$(it_count validation_rule)
acc0=$(access_lines)
load_start mixed
# some traffic before the outage
for _ in $(seq 1 100); do
	(( $(load_lines | wc -l) >= 40 )) && break
	sleep 0.1
done
t_stop=$EPOCHREALTIME
stack_db_stop
t_down=$EPOCHREALTIME
sleep 4
t_start=$EPOCHREALTIME
stack_db_start
t_up=$EPOCHREALTIME
sleep 4
load_stop
acc1=$(access_lines)
load_lines >"$W/phase1.txt"

n_all=$(wc -l <"$W/phase1.txt")
n_out=$(awk -v a="$t_down" -v b="$t_start" '$1 >= a && $1 + $6 < b' "$W/phase1.txt" | wc -l)
n_503=$(awk '$5 == 503' "$W/phase1.txt" | wc -l)
n_after=$(awk -v a="$t_up" '$1 >= a' "$W/phase1.txt" | wc -l)
n_stopping=$(awk -v a="$t_stop" -v b="$t_down" '$1 >= a && $1 < b' "$W/phase1.txt" | wc -l)
max_t=$(awk 'BEGIN { m = 0 } $6 > m { m = $6 } END { print m }' "$W/phase1.txt")
printf '# phase 1: %d requests, %d while MariaDB stopped, %d while it was down, %d answered 503, %d after it was back, slowest %ss\n' \
	"$n_all" "$n_stopping" "$n_out" "$n_503" "$n_after" "$max_t"
it_ok "outage: requests were made while MariaDB was down ($n_out)" test "$n_out" -ge 8
it_ok "outage: requests were made after MariaDB was back ($n_after)" test "$n_after" -ge 8
it_is "outage: every answer is a success or 503 0x503" \
	"$(awk '!(($5 ~ /^20[01]$/ && $4 == "-") || ($5 == 503 && $4 == "0x503"))' "$W/phase1.txt" | head -n 5)" ""
it_is "outage: every request made while MariaDB was down answered 503 0x503" \
	"$(awk -v a="$t_down" -v b="$t_start" '$1 >= a && $1 + $6 < b && !($5 == 503 && $4 == "0x503")' "$W/phase1.txt" | head -n 5)" ""
it_ok "outage: slowest answer ${max_t}s <= ${BOUND}s (db_timeout $DB_TIMEOUT)" \
	awk -v m="$max_t" -v b="$BOUND" 'BEGIN { exit !(m <= b) }'
it_is "outage: every request made after MariaDB was back succeeded" \
	"$(awk -v a="$t_up" '$1 >= a && $5 !~ /^20[01]$/' "$W/phase1.txt" | head -n 5)" ""
for kind in countrylist trustlist trustlist-dsc rules valuesets dsc rule; do
	it_ok "outage: $kind succeeded after MariaDB was back" \
		awk -v a="$t_up" -v k="$kind" '$1 >= a && $2 == k && $5 ~ /^20[01]$/ { ok = 1 } END { exit !ok }' "$W/phase1.txt"
done
# The 503s came from the workers, not from nginx: no request went to a second
# worker and none failed upstream (502/504 would be nginx's own 503 page).
it_is "outage: nginx saw only worker answers (200/201/503, one upstream each)" \
	"$(access_from "$acc0" | head -n "$((acc1 - acc0))" | grep -vE 'upstream_status=(200|201|503)$' | head -n 3)" ""
it_is "outage: no worker restarted" "$(stack_worker_pids | sort | tr '\n' ' ')" "$pids_before"
it_log_has 'Database connection failed'

# Database consistency. Uploads answered 201 are stored; uploads answered 503
# are not, except where the COMMIT itself was cut off (the server may have
# committed before the connection broke): then the worker logged "Transaction
# end failed" for that request, and row and audit event exist together.
awk '$2 == "dsc" || $2 == "rule"' "$W/phase1.txt" >"$W/uploads.txt"
n_up201=$(awk '$5 == 201' "$W/uploads.txt" | wc -l)
n_up503=$(awk '$5 == 503' "$W/uploads.txt" | wc -l)
printf '# phase 1 uploads: %d answered 201, %d answered 503\n' "$n_up201" "$n_up503"
it_ok "outage: some uploads were stored ($n_up201)" test "$n_up201" -ge 4
it_ok "outage: some uploads were refused with 503 ($n_up503)" test "$n_up503" -ge 2
unstored="" present="" amb_dsc=0 amb_rule=0
it_sql "SELECT thumbprint FROM signer_information" >"$W/stored.txt"
it_sql "SELECT rule_id FROM validation_rule" >>"$W/stored.txt"
while read -r _ kind what _ st _ rid; do
	n=$(grep -cx -- "$what" "$W/stored.txt")
	if [[ "$st" == 201 && "$n" != 1 ]]; then
		unstored+="$kind:$what "
	elif [[ "$st" == 503 && "$n" != 0 ]]; then
		if [[ -n "$rid" ]] && grep -q "traceId=\"$rid\".*Transaction end failed" "$DGCG_LOG"; then
			[[ "$kind" == dsc ]] && amb_dsc=$((amb_dsc + 1))
			[[ "$kind" == rule ]] && amb_rule=$((amb_rule + 1))
		else
			present+="$kind:$what "
		fi
	fi
done <"$W/uploads.txt"
printf '# phase 1: %d DSC and %d rule uploads answered 503 after a cut-off COMMIT and stored\n' "$amb_dsc" "$amb_rule"
it_is "outage: every upload answered 201 is stored once" "$unstored" ""
it_is "outage: no upload answered 503 is stored (unless its COMMIT was cut off)" "$present" ""
it_is "outage: DSC rows = DSC uploads answered 201" "$(it_count signer_information)" \
	"$((si0 + $(awk '$2 == "dsc" && $5 == 201' "$W/uploads.txt" | wc -l) + amb_dsc))"
it_is "outage: rule rows = rule uploads answered 201" "$(it_count validation_rule)" \
	"$((vr0 + $(awk '$2 == "rule" && $5 == 201' "$W/uploads.txt" | wc -l) + amb_rule))"
# Every row has exactly its audit event and every upload event its row: rules
# name id and version in the description; DSC events do not name the
# certificate, so they are counted per country (one upload certificate each).
it_is "outage: every rule row has exactly one CREATED audit event" \
	"$(it_sql "SELECT v.rule_id FROM validation_rule v WHERE (SELECT COUNT(*) FROM audit_event a WHERE a.event = 'CREATED' AND a.country = v.country AND a.description = $rule_desc_sql) <> 1 LIMIT 3")" ""
it_is "outage: every rule CREATED audit event has its row" \
	"$(it_sql "SELECT a.id FROM audit_event a WHERE a.event = 'CREATED' AND a.description LIKE 'Created Validation Rule %' AND NOT EXISTS (SELECT 1 FROM validation_rule v WHERE v.country = a.country AND a.description = $rule_desc_sql) LIMIT 3")" ""
it_is "outage: DSC rows per country = DSC upload audit events per country" \
	"$(it_sql "SELECT country, COUNT(*) FROM audit_event WHERE event = 'SUCCESS' AND description = '$DSC_UP_OK' GROUP BY country ORDER BY country" | tr '\t\n' ': ')" \
	"$(it_sql "SELECT country, COUNT(*) FROM signer_information GROUP BY country ORDER BY country" | tr '\t\n' ': ')"
it_is "outage: DSC upload audit events carry the country's upload certificate" \
	"$(it_sql "SELECT COUNT(*) FROM audit_event WHERE event = 'SUCCESS' AND description = '$DSC_UP_OK'")" \
	"$(for cc in "${CC3[@]}"; do
		it_count audit_event "event = 'SUCCESS' AND description = '$DSC_UP_OK' AND country = '$cc' AND uploader_sha256_fingerprint = '$(it_thumb_pem "$PKI/$cc/upload.pem")'"
	done | awk '{ s += $1 } END { print s + 0 }')"
it_is "outage: no audit event other than the uploads' was written" \
	"$(it_sql "SELECT CONCAT(event, ':', description) FROM audit_event WHERE NOT ((event = 'SUCCESS' AND description = '$DSC_UP_OK') OR (event = 'CREATED' AND description LIKE 'Created Validation Rule %')) LIMIT 3")" ""


# --- uploads waiting between their two statements when MariaDB stops -----------------
# A root session holds audit_event: each upload has inserted its row in its
# transaction and waits to insert its audit event when the server goes away.
it_dsc "$W/mid" "/C=DE/O=dgcg demo/CN=DE fault DSC" DE
it_cms "$W/mid.der" DE "$W/mid.dsc"
rule_json "$W/mid.json" DE GR-DE-0700
it_cms "$W/mid.json" DE "$W/mid.rule"
snap_si=$(it_count signer_information) snap_vr=$(it_count validation_rule) snap_a=$(it_count audit_event)
lock_hold "LOCK TABLES audit_event WRITE;"
it_is "audit_event locked by a root session" "$?" 0
post_bg middsc DE /signerCertificate application/cms "$W/mid.dsc"
middsc_pid=${BG[-1]}
post_bg midrule DE /rules application/cms-text "$W/mid.rule"
midrule_pid=${BG[-1]}
it_ok "both uploads wait for their audit event" app_waiting 2
# A crash (SIGKILL): every connection drops at once. A clean shutdown kills
# the sessions one by one, and when the lock holder goes first the waiting
# uploads may still finish and commit (201, complete) before their turn.
stack_db_stop KILL
wait "$middsc_pid" "$midrule_pid"
lock_release
load_stop
it_is "MariaDB stopped between the statements of a DSC upload: 503 0x503" "$(cat "$W/middsc.res")" "503 0x503"
it_is "MariaDB stopped between the statements of a rule upload: 503 0x503" "$(cat "$W/midrule.res")" "503 0x503"
stack_db_start
nothing_left cut-off DE "$W/mid.rule" "$W/mid.dsc"

printf '# phase 1 done after %ds\n' "$SECONDS"

# ======================================================================================
# 2. Workers killed with SIGKILL under load
# ======================================================================================
NW=$(stack_worker_pids | wc -l)
pools=$(find "$IT_DIR/run" -name 'spawn-*.pid' | wc -l)
it_is "the stack runs 2 pools (STACK_POOLS) of 2 workers" "$pools:$NW" "2:4"
# The system call an idle worker sits in (accept), read while nothing runs.
idle_sc=$(for p in $(stack_worker_pids); do read -r s _ 2>/dev/null <"/proc/$p/syscall" && echo "$s"; done |
	sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }')
# victim MIN_AGE [WAIT]: a worker at least MIN_AGE seconds old that is
# serving a request (not in the idle system call); an old idle one when none
# is seen within WAIT seconds (default 5). multiwatch stops restarting a slot
# whose worker died 3 times within 10 s of its start, so the repeated kills
# pick workers older than that; MIN_AGE 1 keeps a replacement that is still
# starting up (not yet in accept) from being taken for a busy worker.
victim() {
	local p s k end=$((SECONDS + ${2:-5})) old=()
	while (( SECONDS < end )); do
		old=()
		for p in $(stack_worker_pids); do
			[[ " $kv " == *" $p "* ]] && continue
			(( $(ps -o etimes= -p "$p" 2>/dev/null || echo 0) >= $1 )) && old+=("$p")
		done
		if (( ${#old[@]} == 0 )); then
			sleep 0.5
			continue
		fi
		for ((k = 0; k < 500; k++)); do
			for p in "${old[@]}"; do
				read -r s _ 2>/dev/null <"/proc/$p/syscall" || continue
				if [[ "$s" != "$idle_sc" ]]; then
					printf '%s\n' "$p"
					return 0
				fi
			done
		done
	done
	(( ${#old[@]} )) || return 1
	printf '%s\n' "${old[0]}"
}
# replaced PID: waits until PID is gone and the pools have NW workers again
replaced() {
	local now
	for _ in $(seq 1 100); do
		now=$(stack_worker_pids)
		if [[ $(grep -c . <<<"$now") == "$NW" ]] && ! grep -qx "$1" <<<"$now"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

kv=""
acc2=$(access_lines)
load_start get
sleep 2
kills=0 repl=0 retried=0
while (( kills < 8 )); do
	v=$(victim 11 12) || break
	kill -KILL "$v"
	kills=$((kills + 1))
	replaced "$v" && repl=$((repl + 1))
	retried=$(access_from "$acc2" | grep -cE 'upstream_status=[0-9]+, [0-9]+$')
	(( kills >= 3 && retried >= 1 )) && break
	sleep 1
done
sleep 1
load_stop
load_lines >"$W/phase2.txt"
access_from "$acc2" >"$W/access2.txt"
n2=$(wc -l <"$W/phase2.txt")
printf '# phase 2: %d GETs, %d kills, %d requests retried by nginx\n' "$n2" "$kills" "$retried"
grep -E 'upstream_status=[0-9]+, [0-9]+$' "$W/access2.txt" | sed 's/^/#   /' | head -n 5
it_ok "kills: at least 3 workers killed ($kills)" test "$kills" -ge 3
it_is "kills: each killed worker replaced" "$repl" "$kills"
it_is "kills: every pool still supervised, $NW workers" "$(stack_worker_pids | wc -l)" "$NW"
it_ok "kills: stack status" stack_status
it_ok "kills: GETs were made ($n2)" test "$n2" -ge 50
it_is "kills: every GET answered 200" "$(awk '$5 != 200' "$W/phase2.txt" | head -n 3)" ""
it_is "kills: nginx answered every request 200" "$(grep -vE '" 200 [0-9]+ ' "$W/access2.txt" | head -n 3)" ""
it_ok "kills: nginx retried a request on another worker ($retried)" test "$retried" -ge 1
it_is "kills: every retried request succeeded on its second worker" \
	"$(grep -E 'upstream_status=[0-9]+, [0-9]+$' "$W/access2.txt" | grep -vE 'upstream_status=502, 200$' | head -n 3)" ""

# --- a GET whose worker dies on both pools: the pools stay in rotation --------------
# Requests wait for data_version (every request reads it first) while the
# worker serving the GET is killed, then the one serving nginx's retry. The
# GET fails (both tries used), but neither pool may be taken out of rotation:
# the next requests must all be served (nginx/dgcg-site.conf.in, max_fails=0).
lock_hold "LOCK TABLES data_version WRITE;"
it_is "data_version locked by a root session" "$?" 0
acc4=$(access_lines)
( curl -s --max-time 60 --cacert "$DGCG_CACERT" --cert "$PKI/IE/auth.pem" --key "$PKI/IE/auth.key" \
	-o "$W/both.body" -w '%{http_code}' "$DGCG_URL/countrylist" >"$W/both.res" ) &
BG+=($!)
both_pid=$!
kv=""
app_waiting 1
for _ in 1 2; do
	v=$(victim 1) && kill -KILL "$v" && kv+="$v "
done
wait "$both_pid"
lock_release
load_stop
it_is "GET killed on both pools: 503 0x503" "$(cat "$W/both.res") $(grep -o '"code":"[^"]*"' "$W/both.body")" '503 "code":"0x503"'
it_is "GET killed on both pools: two upstream attempts" \
	"$(access_from "$acc4" | grep -c 'GET /countrylist .*upstream_status=502, 502$')" 1
for v in $kv; do
	it_ok "worker $v replaced" replaced "$v"
done
ok=0
for _ in $(seq 1 20); do
	[[ "$(it_curl IE GET /countrylist)" == 200 ]] && ok=$((ok + 1))
done
it_is "after it, every request is served (no pool out of rotation)" "$ok" 20

# --- uploads in flight when their workers die: not retried, nothing stored ------------
it_dsc "$W/kill" "/C=FR/O=dgcg demo/CN=FR fault DSC" FR
it_cms "$W/kill.der" FR "$W/kill.dsc"
rule_json "$W/kill.json" FR GR-FR-0800
it_cms "$W/kill.json" FR "$W/kill.rule"
snap_si=$(it_count signer_information) snap_vr=$(it_count validation_rule) snap_a=$(it_count audit_event)
acc3=$(access_lines)
lock_hold "LOCK TABLES audit_event WRITE;"
it_is "audit_event locked by a root session" "$?" 0
post_bg killdsc FR /signerCertificate application/cms "$W/kill.dsc"
killdsc_pid=${BG[-1]}
post_bg killrule FR /rules application/cms-text "$W/kill.rule"
killrule_pid=${BG[-1]}
it_ok "both uploads wait for their audit event" app_waiting 2
kv=""
for _ in 1 2; do
	v=$(victim 1) && kill -KILL "$v" && kv+="$v "
done
wait "$killdsc_pid" "$killrule_pid"
lock_release
load_stop
it_is "two busy workers killed" "$(wc -w <<<"$kv")" 2
it_is "DSC upload whose worker died: 503 0x503 (nginx)" "$(cat "$W/killdsc.res")" "503 0x503"
it_is "rule upload whose worker died: 503 0x503 (nginx)" "$(cat "$W/killrule.res")" "503 0x503"
# nginx writes its access line after the answer: on a loaded machine that
# can take seconds, so wait up to 30 s for both lines
for _ in $(seq 1 300); do
	access_from "$acc3" | grep -E '"POST /(signerCertificate|rules) ' >"$W/access3.txt"
	(( $(wc -l <"$W/access3.txt") >= 2 )) && break
	sleep 0.1
done
retried="$(grep -c 'upstream_status=502$' "$W/access3.txt"):$(grep -c ', ' "$W/access3.txt")"
it_is "nginx did not retry the POSTs (one upstream, 502)" "$retried" "2:0"
[[ "$retried" == "2:0" ]] || { echo "# the access lines:"; sed 's/^/#   /' "$W/access3.txt"; }
for v in $kv; do
	it_ok "worker $v replaced" replaced "$v"
done
nothing_left killed FR "$W/kill.rule" "$W/kill.dsc"

printf '# phase 2 done after %ds\n' "$SECONDS"

# ======================================================================================
# 3. A failure injected at each statement of every state-changing endpoint
# ======================================================================================
# inject NAME TIMING EVENT TABLE / uninject NAME: a trigger that fails the statement
inject() {
	it_sql "CREATE TRIGGER fault_$1 $2 $3 ON $4 FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected fault $1'"
}
uninject() { it_sql "DROP TRIGGER fault_$1"; }
snapshot() {
	it_sql "SET SESSION group_concat_max_len = 16000000; SELECT CONCAT_WS('|',
	(SELECT GROUP_CONCAT(CONCAT_WS(',', id, thumbprint, COALESCE(deleted_at, '-'), MD5(COALESCE(signature, ''))) ORDER BY id) FROM signer_information),
	(SELECT GROUP_CONCAT(CONCAT_WS(',', id, batch_id, deleted, changed, MD5(COALESCE(signed_batch, ''))) ORDER BY id) FROM revocation_batch),
	(SELECT GROUP_CONCAT(CONCAT_WS(',', id, rule_id, version, MD5(signature)) ORDER BY id) FROM validation_rule),
	(SELECT COUNT(*) FROM audit_event))"
}
# faulted NAME TRIGGER STATUS CODE WHO METHOD PATH CURL-ARGS...: with the
# trigger TRIGGER ("name timing event table") in place the request answers
# STATUS CODE, changes no row and writes no audit event.
faulted() {
	local name=$1 trig=$2 status=$3 code=$4 before st
	shift 4
	# shellcheck disable=SC2086
	inject $trig
	before=$(snapshot)
	st=$(it_curl "$@")
	it_is "$name: $status $code" "$st:$(it_json code)" "$status:$code"
	it_is "$name: no row changed, no audit event" "$(snapshot)" "$before"
	uninject "${trig%% *}"
}
# audits EVENT DESCRIPTION CC: the number of such audit events
audits() { it_count audit_event "event = '$1' AND description = '$2' AND country = '$3'"; }

# roles for the revocation endpoints
it_roles DE >/dev/null

# DSC upload: INSERT signer_information, INSERT audit_event
it_dsc "$W/f" "/C=DE/O=dgcg demo/CN=DE fault DSC" DE
it_cms "$W/f.der" DE "$W/f.dsc"
ftp=$(it_thumb_pem "$W/f.pem")
dscup=(DE POST /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$W/f.dsc")
faulted "DSC upload, audit event fails" "a BEFORE INSERT audit_event" 503 0x503 "${dscup[@]}"
faulted "DSC upload, row fails" "d BEFORE INSERT signer_information" 503 0x503 "${dscup[@]}"
it_log_has 'Database statement failed.*injected fault a'
a0=$(it_count audit_event)
st=$(it_curl "${dscup[@]}")
it_is "DSC upload without fault: 201" "$st" 201
it_is "DSC upload: one live row" "$(it_sql "SELECT COUNT(*) FROM signer_information WHERE thumbprint = '$ftp' AND deleted_at IS NULL AND signature IS NOT NULL")" 1
it_is "DSC upload: one audit event" "$(it_count audit_event):$(it_sql "SELECT CONCAT(event, '|', description) FROM audit_event ORDER BY id DESC LIMIT 1")" \
	"$((a0 + 1)):SUCCESS|$DSC_UP_OK"

# DSC delete: UPDATE signer_information, INSERT audit_event
dscdel=(DE DELETE /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$W/f.dsc")
faulted "DSC delete, audit event fails" "a BEFORE INSERT audit_event" 503 0x503 "${dscdel[@]}"
faulted "DSC delete, row fails" "d BEFORE UPDATE signer_information" 503 0x503 "${dscdel[@]}"
a0=$(it_count audit_event)
st=$(it_curl "${dscdel[@]}")
it_is "DSC delete without fault: 204" "$st" 204
it_is "DSC delete: a tombstone" "$(it_sql "SELECT COUNT(*) FROM signer_information WHERE thumbprint = '$ftp' AND deleted_at IS NOT NULL AND signature IS NULL")" 1
it_is "DSC delete: one audit event" "$(it_count audit_event):$(it_sql "SELECT CONCAT(event, '|', description) FROM audit_event ORDER BY id DESC LIMIT 1")" \
	"$((a0 + 1)):SUCCESS|$DSC_DEL_OK"

# DSC upload over its tombstone: DELETE tombstone, INSERT row, INSERT audit_event
faulted "DSC re-upload, audit event fails (tombstone kept)" "a BEFORE INSERT audit_event" 503 0x503 "${dscup[@]}"
faulted "DSC re-upload, new row fails (tombstone kept)" "d BEFORE INSERT signer_information" 503 0x503 "${dscup[@]}"
faulted "DSC re-upload, tombstone removal fails" "r BEFORE DELETE signer_information" 503 0x503 "${dscup[@]}"
a0=$(it_count audit_event)
st=$(it_curl "${dscup[@]}")
it_is "DSC re-upload without fault: 201" "$st" 201
it_is "DSC re-upload: one live row, no tombstone" "$(it_sql "SELECT CONCAT(COUNT(*), ' ', SUM(deleted_at IS NULL)) FROM signer_information WHERE thumbprint = '$ftp'")" "1 1"
it_is "DSC re-upload: one audit event" "$(it_count audit_event)" "$((a0 + 1))"
FID=$(it_sql "SELECT id FROM signer_information WHERE thumbprint = '$ftp'")

# rule upload: INSERT validation_rule, INSERT audit_event
rule_json "$W/f.json" DE GR-DE-0900
it_cms "$W/f.json" DE "$W/f.rule"
ruleup=(DE POST /rules -H 'Content-Type: application/cms-text' --data-binary @"$W/f.rule")
faulted "rule upload, audit event fails" "a BEFORE INSERT audit_event" 500 0x299 "${ruleup[@]}"
faulted "rule upload, row fails" "d BEFORE INSERT validation_rule" 500 0x299 "${ruleup[@]}"
a0=$(it_count audit_event)
st=$(it_curl "${ruleup[@]}")
it_is "rule upload without fault: 201" "$st" 201
it_is "rule upload: one row" "$(it_sql "SELECT COUNT(*) FROM validation_rule WHERE rule_id = 'GR-DE-0900'")" 1
it_is "rule upload: one audit event" "$(it_count audit_event):$(audits CREATED 'Created Validation Rule with ID GR-DE-0900 (1.0.0)' DE)" "$((a0 + 1)):1"
RID=$(it_sql "SELECT id FROM validation_rule WHERE rule_id = 'GR-DE-0900'")

# revocation batch upload: INSERT revocation_batch, INSERT audit_event
it_batch "$W/f.batch" DE "$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)" SIGNATURE AAAAAAAAAAAAAAAAAAAAAA==
it_cms "$W/f.batch" DE "$W/f.batch.b64"
revup=(DE POST /revocation-list -H 'Content-Type: application/cms-text' --data-binary @"$W/f.batch.b64")
faulted "revocation upload, audit event fails" "a BEFORE INSERT audit_event" 503 0x503 "${revup[@]}"
faulted "revocation upload, row fails" "d BEFORE INSERT revocation_batch" 503 0x503 "${revup[@]}"
a0=$(it_count audit_event)
st=$(it_curl "${revup[@]}")
it_is "revocation upload without fault: 201" "$st" 201
BID=$(it_header ETag)
it_is "revocation upload: one row" "$(it_sql "SELECT COUNT(*) FROM revocation_batch WHERE batch_id = '$BID' AND deleted = 0")" 1
it_is "revocation upload: one audit event" "$(it_count audit_event):$(audits CREATED "Uploaded Revocation Batch ($BID)" DE)" "$((a0 + 1)):1"
BROW=$(it_sql "SELECT id FROM revocation_batch WHERE batch_id = '$BID'")

# CMS migration: SELECT ... FOR UPDATE, UPDATE the row's CMS, INSERT audit_event
it_cms "$W/f.der" DE "$W/m-dsc.cms"
it_package "$W/m-dsc.json" DSC "$FID" "@$W/m-dsc.cms"
it_cms "$W/f.batch" DE "$W/m-rb.cms"
it_package "$W/m-rb.json" REVOCATION_LIST "$BROW" "@$W/m-rb.cms"
it_cms "$W/f.json" DE "$W/m-vr.cms"
it_package "$W/m-vr.json" VALIDATION_RULE "$RID" "@$W/m-vr.cms"
for m in "dsc signer_information Signer Certificate ($FID)" "rb revocation_batch Revocation Batch ($BID)" \
	"vr validation_rule Validation Rule ($RID)"; do
	read -r t tbl what <<<"$m"
	mig=(DE POST /cms-migration -H 'Content-Type: application/json' --data-binary @"$W/m-$t.json")
	faulted "migration $tbl, audit event fails" "a BEFORE INSERT audit_event" 503 0x503 "${mig[@]}"
	faulted "migration $tbl, update fails" "d BEFORE UPDATE $tbl" 503 0x503 "${mig[@]}"
	a0=$(it_count audit_event)
	before=$(snapshot)
	st=$(it_curl "${mig[@]}")
	it_is "migration $tbl without fault: 204" "$st" 204
	it_ok "migration $tbl: the CMS changed" test "$(snapshot)" != "$before"
	it_is "migration $tbl: one audit event" "$(it_count audit_event):$(audits UPDATED "Updated $what" DE)" "$((a0 + 1)):1"
done
case $(it_sql "SELECT signature = '$(cat "$W/m-vr.cms")' FROM validation_rule WHERE id = $RID") in
1) it_is "migration: the rule's CMS is the new one" 1 1 ;;
*) it_is "migration: the rule's CMS is the new one" 0 1 ;;
esac

# rule delete: DELETE validation_rule, INSERT audit_event
printf 'GR-DE-0900' >"$W/f.del"
it_cms "$W/f.del" DE "$W/f.del.b64"
ruledel=(DE DELETE /rules -H 'Content-Type: application/cms-text' --data-binary @"$W/f.del.b64")
faulted "rule delete, audit event fails" "a BEFORE INSERT audit_event" 500 0x299 "${ruledel[@]}"
faulted "rule delete, row fails" "d BEFORE DELETE validation_rule" 500 0x299 "${ruledel[@]}"
a0=$(it_count audit_event)
st=$(it_curl "${ruledel[@]}")
it_is "rule delete without fault: 204" "$st" 204
it_is "rule delete: row gone" "$(it_sql "SELECT COUNT(*) FROM validation_rule WHERE rule_id = 'GR-DE-0900'")" 0
it_is "rule delete: one audit event" "$(it_count audit_event):$(audits DELETED 'Deleted Validation Rule with ID GR-DE-0900' DE)" "$((a0 + 1)):1"

# revocation batch delete: SELECT ... FOR UPDATE, UPDATE revocation_batch, INSERT audit_event
printf '{"batchId":"%s"}' "$BID" >"$W/f.bdel"
it_cms "$W/f.bdel" DE "$W/f.bdel.b64"
revdel=(DE DELETE /revocation-list -H 'Content-Type: application/cms-text' --data-binary @"$W/f.bdel.b64")
faulted "revocation delete, audit event fails" "a BEFORE INSERT audit_event" 503 0x503 "${revdel[@]}"
faulted "revocation delete, row fails" "d BEFORE UPDATE revocation_batch" 503 0x503 "${revdel[@]}"
a0=$(it_count audit_event)
st=$(it_curl "${revdel[@]}")
it_is "revocation delete without fault: 204" "$st" 204
it_is "revocation delete: a tombstone" "$(it_sql "SELECT CONCAT(deleted, ' ', signed_batch IS NULL) FROM revocation_batch WHERE batch_id = '$BID'")" "1 1"
it_is "revocation delete: one audit event" "$(it_count audit_event):$(audits DELETED "Deleted Revocation Batch ($BID)" DE)" "$((a0 + 1)):1"
it_is "no injected trigger left" "$(it_sql "SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = '$DGCG_DB_NAME' AND trigger_name LIKE 'fault%'")" 0
printf '# phase 3 done after %ds\n' "$SECONDS"
it_is "no worker restarted by the faults" "$(stack_worker_pids | wc -l)" "$NW"

it_done
