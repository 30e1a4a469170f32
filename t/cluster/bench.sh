#!/usr/bin/env bash
# bench.sh: make bench-cluster (not part of make check: figures, never
# assertions). In one run, side by side: the single-host stack (deploy/stack.sh
# on loopback, as make bench runs it) and the cluster (deploy/cluster, the
# client in its client namespace, through the balancer) with 1, 2 and 3
# hosts in rotation (the others drained through their health check), then 3
# hosts with db_causal_reads = no. Each: the full trust list (832 real DSCs,
# identity and gzip), /countrylist (a small authenticated answer) and
# verified DSC uploads; req/s, p50/p99 ms, and the server's CPU per request
# (user + system from /proc/PID/stat before and after: the balancer's
# nginx, the hosts' nginx and workers, the database nodes).
#
# Environment: DGCG_BUILDDIR (a build without --enable-asan), DGCG_SHARED,
# BENCH_N (requests per ab run, default 1000), BENCH_C (concurrency, default
# 4), BENCH_UPLOADS (DSC uploads per configuration, default 150). Root only.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
. "$DGCG_SRCDIR/t/bench/lib.sh"
N=${BENCH_N:-1000}
C=${BENCH_C:-4}
NU=${BENCH_UPLOADS:-150}
GEN=$DGCG_BUILDDIR/t/bench/dgcg-bench-gen
TL=$IT_TESTDATA/trustlist/trustlist_de_2023-12-26.json
say() { printf 'bench-cluster: %s\n' "$*" >&2; }
if nm "$DGCG_BUILDDIR/dgcg-fcgi" 2>/dev/null | grep -q __asan_init; then
	say "$DGCG_BUILDDIR is a sanitizer build: build without --enable-asan"
	exit 1
fi
[[ -x "$GEN" ]] || { say "no $GEN (make t/bench/dgcg-bench-gen)"; exit 1; }
export STACK_LOG_LEVEL=WARN
TICK=$(getconf CLK_TCK)
ROWS=()
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# measure LABEL KIND ARGS... -> a row: the figures and the CPU (ms per
# request) of each group of PIDS_* (set by the caller)
measure() {
	local label=$1 kind=$2 f t0=() t1=() g i n p cpu=""
	shift 2
	for g in "${GROUPS_[@]}"; do mapfile -t p < <(pids_of "$g"); t0+=("$(bench_ticks "${p[@]}")"); done
	if [[ "$kind" == get ]]; then
		read -r -a f <<<"$(ab_run "$@")"
		n=$N
	else
		read -r -a f <<<"$(post_run "$@")"
		n=${f[3]}
	fi
	for g in "${GROUPS_[@]}"; do mapfile -t p < <(pids_of "$g"); t1+=("$(bench_ticks "${p[@]}")"); done
	for i in "${!GROUPS_[@]}"; do
		cpu+=$(awk -v a="${t0[i]}" -v b="${t1[i]}" -v n="$n" -v t="$TICK" \
			'BEGIN { printf " %7.2f", n ? (b - a) * 1000 / t / n : 0 }')
	done
	ROWS+=("$(printf '%-40s %8s %7s %7s%s' "$label" "${f[0]}" "${f[1]}" "${f[2]}" "${cpu:-}")")
}

# set LABEL: the four rows of one configuration
set_rows() {
	local label=$1 first=$2
	measure "$label: /trustList (832 DSCs)" get /trustList -k
	measure "$label: /trustList gzip" get /trustList -k -H 'Accept-Encoding: gzip'
	measure "$label: /countrylist" get /countrylist -k
	measure "$label: DSC uploads, verified" post /signerCertificate application/cms "$B/bodies" "$first" "$NU" 201
	# the next configuration serves the same list
	run_sql "DELETE FROM signer_information WHERE id > $SI_MAX"
}

# --- the single-host stack -----------------------------------------------------------
say "single-host stack"
STACK_DIR=$(mktemp -d /tmp/dgcg-bcl.XXXXXX) || exit 1
export STACK_DIR STACK_PORT=0 STACK_COUNTRIES=DE STACK_POOLS=2 STACK_WORKERS=2
stack_down_bench() { stack_down >/dev/null 2>&1; rm -rf "$STACK_DIR"; }
trap stack_down_bench EXIT
stack_up >/dev/null || { say "stack_up failed"; exit 1; }
# shellcheck source=/dev/null
. "$STACK_DIR/env"
PKI=$DGCG_PKI B=$STACK_DIR/bench
mkdir -p "$B"
cat "$PKI/DE/auth.pem" "$PKI/DE/auth.key" >"$B/client.pem"
# shellcheck disable=SC2218
run_sql() { stack_sql "$1" >/dev/null; }
# the demo's DE CSCA and UPLOAD make way for the generated bodies' (make bench does so)
run_sql "DELETE FROM trusted_party WHERE country='DE' AND certificate_type IN ('CSCA','UPLOAD')"
"$GEN" real "$PKI/ta.pem" "$PKI/ta.key" "$TL" >"$B/real.sql" &&
	mariadb --no-defaults -S "$DGCG_DB_SOCKET" -u root "$DGCG_DB_NAME" <"$B/real.sql" || exit 1
mkdir -p "$B/bodies"
"$GEN" bodies "$PKI/ta.pem" "$PKI/ta.key" DE "$NU" "$B/bodies" >"$B/bodies.sql" || exit 1
mariadb --no-defaults -S "$DGCG_DB_SOCKET" -u root "$DGCG_DB_NAME" <"$B/bodies.sql" || exit 1
SI_MAX=$(stack_sql "SELECT MAX(id) FROM signer_information")
curl -s -o /dev/null --cacert "$DGCG_CACERT" --cert "$PKI/DE/auth.pem" --key "$PKI/DE/auth.key" "$DGCG_URL/trustList"
stack_pids() { # nginx (master and workers) and the worker pools
	local m
	m=$(<"$STACK_DIR/nginx/nginx.pid")
	echo "$m"; pgrep -P "$m"; stack_worker_pids
}
db_pids() { cat "$STACK_DIR/run/mysqld.pid"; }
pids_of() { case $1 in hosts) stack_pids ;; lb) ;; db) db_pids ;; esac; }
GROUPS_=(lb hosts db)
set_rows "1 host, no cluster" 0
stack_down_bench
trap - EXIT

# --- the cluster ---------------------------------------------------------------------
say "cluster up"
cl_start
trap '_cl_exit' EXIT
B=$CL_DIR/bench
mkdir -p "$B"
cat "$PKI/DE/auth.pem" "$PKI/DE/auth.key" >"$B/client.pem"
bench_in() { cl_in "$@"; }
admin_sql() { mariadb --defaults-extra-file="$DGCG_DB_ADMIN_CNF" -S "$DGCG_DB1_SOCKET" "$DGCG_DB_NAME"; }
run_sql() { cl_sql db1 "$1" && cl_synced 600; }
run_sql "DELETE FROM trusted_party WHERE country='DE' AND certificate_type IN ('CSCA','UPLOAD')"
"$GEN" real "$PKI/ta.pem" "$PKI/ta.key" "$TL" >"$B/real.sql" && admin_sql <"$B/real.sql" || exit 1
mkdir -p "$B/bodies"
"$GEN" bodies "$PKI/ta.pem" "$PKI/ta.key" DE $((4 * NU)) "$B/bodies" >"$B/bodies.sql" || exit 1
admin_sql <"$B/bodies.sql" || exit 1
cl_synced 600 || { say "not Synced after loading"; exit 1; }
SI_MAX=$(cl_sql db1 "SELECT MAX(id) FROM signer_information")
pids_of() {
	case $1 in
	lb) ip netns pids "$CLUSTER_NAME-lb" ;;
	hosts) for h in gw1 gw2 gw3; do ip netns pids "$CLUSTER_NAME-$h"; done ;;
	db) for d in db1 db2 db3; do ip netns pids "$CLUSTER_NAME-$d"; done ;;
	esac
}
# rotation N: hosts gw1..gwN in rotation, the others drained
rotation() {
	local i want=""
	for i in 1 2 3; do
		if (( i <= $1 )); then cl undrain "gw$i"; else cl drain "gw$i"; fi
	done
	(( $1 == 3 )) && want=none || want=$(seq $(($1 + 1)) 3 | sed 's/^/gw/' | paste -sd' ')
	for _ in $(seq 1 200); do
		[[ "$(tail -n 1 "$CL_DIR/lb/health.log" 2>/dev/null)" == *"out of rotation: $want ("* ]] && break
		(( $1 == 3 )) && [[ ! -s "$CL_DIR/lb/health.log" ]] && break
		sleep 0.1
	done
	sleep 2
	for i in 1 2 3; do cl_in curl -s -o /dev/null --cacert "$DGCG_CACERT" --cert "$PKI/DE/auth.pem" --key "$PKI/DE/auth.key" "$DGCG_URL/trustList"; done
}
for n in 1 2 3; do
	say "cluster, $n host(s) in rotation"
	rotation "$n"
	set_rows "cluster, $n host$( ((n > 1)) && echo s)" $(((n - 1) * NU))
done
say "cluster, 3 hosts, db_causal_reads = no"
for h in gw1 gw2 gw3; do
	cl stop "$h" && CLUSTER_CAUSAL_READS=no cl start "$h" || exit 1
done
causal=$(grep -h '^db_causal_reads' "$CL_DIR"/gw[1-3]/dgcg.conf | sort -u | tr '\n' ' ')
rotation 3
set_rows "3 hosts, db_causal_reads = no" $((3 * NU))

printf '\n'
printf 'dgcg bench-cluster, %s cores, %s; ab -c %s -n %s over mTLS, keep-alive; %s uploads each (curl --parallel %s)\n' \
	"$(nproc)" "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)" "$C" "$N" "$NU" "$C"
printf 'load average %s before, %s after (the machine is shared)\n' "$load0" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'hosts with db_causal_reads = no: %s\n' "${causal:-?}"
printf '%-40s %8s %7s %7s %7s %7s %7s\n' "what" "req/s" "p50 ms" "p99 ms" "lb ms" "gw ms" "db ms"
printf '%40s %8s %7s %7s %23s\n' "" "" "" "" "(server CPU per request)"
printf '%s\n' "${ROWS[@]}"
trap - EXIT
DGCG_KEEP=0
(exit 0)
_cl_exit
