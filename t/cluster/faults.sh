#!/usr/bin/env bash
# Faults of the cluster (deploy/cluster) under a small load from the client
# namespace (four clients: GETs, DSC and rule uploads through the balancer):
#   1. a gateway host killed (SIGKILL) and started again: the balancer fails
#      over, every GET is answered (nginx retries idempotent requests);
#   2. a database node killed mid-load and started again: it rejoins by IST
#      (not SST), and every node then holds the same rows;
#   3. a database node's replication link cut (it goes non-primary while its
#      host still reaches it) and healed: its host's /health is DOWN
#      meanwhile and the balancer takes the host out; it catches up by IST;
#   4. concurrent uploads through all three hosts (Galera certification
#      conflicts on the same rows): every answer 201 or a retryable 503;
#   5. a rolling restart of the three hosts under load, as doc/cluster.txt's
#      "Rolling upgrade" does it (drain, no more requests to it, stop,
#      start, undrain, UP, next): no failed request at all (every GET 200,
#      every upload 201), and one audit event per acknowledged upload;
#   6. dgcg-admin purge on the three hosts at once, each against its own
#      database node: every run succeeds, the work (DSC tombstones removed,
#      expired batches marked, batch tombstones removed) is done and counted
#      once, with one audit event per row.
# In every phase: no acknowledged write (201) is lost, on any node; the
# counts (requests, writes acknowledged and found, 503s and for how long)
# are printed; it ends with the three nodes' table checksums compared.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

# Load clients run in the client namespace; stopped by pid on every exit path.
BG=()
bg_stop() {
	local p
	[[ -n "${W:-}" ]] && rm -f "$W/load.run"
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
	_cl_exit
}

CC3=(DE FR IE)

# --- upload bodies: DSCs (one key per country, a fresh serial each) and rules -------
NUP=${CL_FAULTS_UPLOADS:-100}
NBURST=5
SERIAL=$((0x4d000000))
# bodies DIR N TAG: for clients 1..4 (DE FR IE DE), N DSC uploads DIR/ID-K.dsc
# (.dsc.tp its thumbprint) and N rule uploads DIR/ID-K.rule (.rule.id)
bodies() {
	local dir=$1 n=$2 tag=$3 id k cc rid rargs=()
	mkdir -p "$dir"
	[[ -s "$W/dsc.ext" ]] || printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' >"$W/dsc.ext"
	for id in 1 2 3 4; do
		cc=${CC3[(id - 1) % 3]}
		for ((k = 0; k < n; k++)); do
			rid=$(printf 'GR-%s-%d%d%02d' "$cc" "$tag" "$id" "$k")
			printf '%s' "$rid" >"$dir/$id-$k.rule.id"
			rargs+=("$dir/$id-$k.json" "$cc" "$rid")
		done
	done
	python3 - "${rargs[@]}" <<'EOF'
import datetime, json, sys
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
at = lambda d: (now + datetime.timedelta(days=d)).strftime("%Y-%m-%dT%H:%M:%SZ")
d = {"Identifier": "", "Type": "Acceptance", "Country": "", "Version": "1.0.0",
     "SchemaVersion": "1.0.0", "Engine": "CERTLOGIC", "EngineVersion": "1.0.0",
     "CertificateType": "General", "Description": [],
     "ValidFrom": at(3), "ValidTo": at(7), "AffectedFields": ["aField"],
     "Logic": {"and": [{">": [{"var": "hcert.v.0.dn"}, 0]}]}, "Region": "BW"}
a = sys.argv[1:]
for out, cc, ident in zip(a[0::3], a[1::3], a[2::3]):
    d["Identifier"], d["Country"] = ident, cc
    d["Description"] = [{"lang": "en", "desc": "cluster fault test rule " + ident}]
    open(out, "w", encoding="utf-8").write(json.dumps(d))
EOF
	for id in 1 2 3 4; do
		cc=${CC3[(id - 1) % 3]}
		for ((k = 0; k < n; k++)); do
			SERIAL=$((SERIAL + 1))
			openssl x509 -req -in "$W/dsc-$cc.csr" -CA "$PKI/$cc/csca.pem" -CAkey "$PKI/$cc/csca.key" \
				-set_serial "$SERIAL" -days 365 -extfile "$W/dsc.ext" -outform DER -out "$dir/$id-$k.der" 2>/dev/null
			sha256sum <"$dir/$id-$k.der" | cut -c1-64 >"$dir/$id-$k.dsc.tp"
			openssl cms -sign -nodetach -binary -in "$dir/$id-$k.der" -signer "$PKI/$cc/upload.pem" \
				-inkey "$PKI/$cc/upload.key" -outform DER 2>/dev/null | base64 -w0 >"$dir/$id-$k.dsc"
			openssl cms -sign -nodetach -binary -in "$dir/$id-$k.json" -signer "$PKI/$cc/upload.pem" \
				-inkey "$PKI/$cc/upload.key" -outform DER 2>/dev/null | base64 -w0 >"$dir/$id-$k.rule"
		done
	done
}
# all_bodies: every upload body, made while the cluster comes up (cl_start)
all_bodies() {
	local cc
	for cc in "${CC3[@]}"; do
		openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/C=$cc/O=dgcg demo/CN=$cc fault DSC" \
			-keyout "$W/dsc-$cc.key" -out "$W/dsc-$cc.csr" 2>/dev/null || return 1
	done
	bodies "$W/up" "$NUP" 1 && bodies "$W/burst-up" "$NBURST" 2 || return 1
	# revocation batches for the burst (ID-K.batch), 5 hashes each
	local id j future
	future=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)
	for id in 1 2 3 4; do
		cc=${CC3[(id - 1) % 3]}
		for ((j = 0; j < NBURST; j++)); do
			python3 -c 'import base64, json, os, sys
print(json.dumps({"country": sys.argv[1], "expires": sys.argv[2], "hashType": "SIGNATURE",
    "entries": [{"hash": base64.b64encode(os.urandom(16)).decode()} for _ in range(5)]}))' \
				"$cc" "$future" >"$W/burst-up/$id-$j.batch.json" || return 1
			openssl cms -sign -nodetach -binary -in "$W/burst-up/$id-$j.batch.json" -signer "$PKI/$cc/upload.pem" \
				-inkey "$PKI/$cc/upload.key" -outform DER 2>/dev/null | base64 -w0 >"$W/burst-up/$id-$j.batch"
		done
	done
}

cl_start all_bodies
trap _faults_exit EXIT
printf '# up: %ss\n' "$CL_UP_SECONDS"
W=$CL_DIR/it
NET=$DGCG_CLUSTER_NET
it_is "pre-made upload bodies" "$(find "$W/up" "$W/burst-up" -name '*.dsc' -o -name '*.rule' -o -name '*.batch' | wc -l)" \
	$((4 * (NUP + NBURST) * 2 + 4 * NBURST))
printf '# %d upload bodies made beside up\n' $((4 * (NUP + NBURST) * 2 + 4 * NBURST))

# --- load --------------------------------------------------------------------------
load_start() {
	local id
	: >"$W/load.run"
	for id in 1 2 3 4; do
		rm -f "$W/load-$id"
		cl_in bash "$HERE/load.sh" "$id" "${CC3[(id - 1) % 3]}" "$1" "$W" &
		BG+=($!)
	done
}
load_stop() {
	local p
	rm -f "$W/load.run"
	for p in "${BG[@]}"; do
		wait "$p" 2>/dev/null
	done
	BG=()
	cat "$W"/load-[1-4] >"$W/$1.txt"
}
# wait_lines N: until the clients have made N requests (at most 30 s)
wait_lines() {
	for _ in $(seq 1 300); do
		(( $(cat "$W"/load-[1-4] 2>/dev/null | wc -l) >= $1 )) && return 0
		sleep 0.1
	done
	return 1
}
now() { printf '%s\n' "$EPOCHREALTIME"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# stored_everywhere PHASE: every upload of PHASE answered 201 is on every DB
# node; prints the counts line, sets MISSING.
stored_everywhere() {
	local f=$W/$1.txt n kind what st
	MISSING=""
	for n in db1 db2 db3; do
		{ cl_sql "$n" "SELECT thumbprint FROM signer_information"
		  cl_sql "$n" "SELECT rule_id FROM validation_rule"; } | sort -u >"$W/stored-$n.txt"
	done
	while read -r _ kind what _ st _; do
		[[ "$st" == 201 && ( "$kind" == dsc || "$kind" == rule ) ]] || continue
		for n in db1 db2 db3; do
			grep -qxF -- "$what" "$W/stored-$n.txt" || MISSING+="$n:$kind:$what "
		done
	done <"$f"
}

# report PHASE T_FAULT: prints the figures of a phase
report() {
	local f=$W/$1.txt t=$2
	awk -v name="$1" -v t="$t" '
		{ n++ }
		$2 != "dsc" && $2 != "rule" { g++; if ($5 == 200) g200++ }
		$2 == "dsc" || $2 == "rule" { u++; if ($5 == 201) u201++; if ($5 == 503) u503++ }
		$5 == 503 { s++; if (first == "" || $1 < first) first = $1; if ($1 + $6 > last) last = $1 + $6 }
		$5 != 200 && $5 != 201 && $5 != 503 { other++ }
		$6 > max { max = $6 }
		END {
			span = s ? sprintf("%.1fs from %+.1fs", last - first, first - t) : "none"
			printf "# %s: %d requests: %d GETs (%d answered 200), %d uploads (%d acknowledged 201, %d 503), %d other answers; 503s: %d, %s; slowest %.2fs\n",
				name, n, g, g200, u, u201, u503, other + 0, s + 0, span, max
		}' "$f"
}
# non_get_ok PHASE: uploads answered anything but 201/409 or 503 0x503
bad_uploads() {
	awk '($2 == "dsc" || $2 == "rule") && !($5 == 201 || ($5 == 503 && $4 == "0x503"))' "$W/$1.txt" | head -n 5
}
bad_gets() { awk '$2 != "dsc" && $2 != "rule" && $5 != 200' "$W/$1.txt" | head -n 5; }

# ======================================================================================
# 1. A gateway host killed under load, then started again
# ======================================================================================
a0=$(wc -l <"$DGCG_LB_ACCESS_LOG")
load_start mixed
wait_lines 30
t_kill=$(now)
cl kill gw2
# SIGKILLed processes leave the namespace's list when the kernel has reaped them
for _ in $(seq 1 50); do [[ -z "$(ip netns pids "$CLUSTER_NAME-gw2")" ]] && break; sleep 0.1; done
it_is "gw2 killed: no process left in its namespace" "$(ip netns pids "$CLUSTER_NAME-gw2" | wc -l)" 0
sleep 4
t_start=$(now)
cl start gw2
it_is "gw2 started again" "$?" 0
for _ in $(seq 1 100); do
	grep -q 'gw2=UP' "$CL_DIR/lb/health.state" && break
	sleep 0.1
done
sleep 3
load_stop gw
report gw "$t_kill"
it_ok "gw: requests were made while gw2 was dead" \
	awk -v a="$t_kill" -v b="$t_start" '$1 > a && $1 < b { n++ } END { exit !(n >= 8) }' "$W/gw.txt"
it_is "gw: every GET answered 200 (failed over; idempotent requests retried)" "$(bad_gets gw)" ""
it_is "gw: every upload answered 201 or 503 0x503" "$(bad_uploads gw)" ""
it_ok "gw: the balancer retried requests on another host" \
	bash -c "tail -n +$((a0 + 1)) '$DGCG_LB_ACCESS_LOG' | grep -qE 'upstream=$NET\\.22:8443, $NET\\.2[13]:8443'"
it_ok "gw: requests were served by gw2 after its restart" \
	bash -c "tail -n +$((a0 + 1)) '$DGCG_LB_ACCESS_LOG' | grep -q 'upstream=$NET.22:8443 upstream_status=200'"
stored_everywhere gw
it_is "gw: every acknowledged upload is on every DB node" "$MISSING" ""
printf '# gw: %d acknowledged uploads, all found on db1, db2 and db3: %s\n' \
	"$(awk '($2 == "dsc" || $2 == "rule") && $5 == 201' "$W/gw.txt" | wc -l)" "$([[ -z "$MISSING" ]] && echo yes || echo no)"
it_like "gw: gw2 UP again" "$(cl status | grep '^gw2 ')" 'health UP'

# ======================================================================================
# 2. A database node killed mid-load, then started again (IST)
# ======================================================================================
err2=$CL_DIR/db2/log/mariadb.err
l0=$(wc -l <"$err2")
load_start mixed
wait_lines 30
t_kill=$(now)
cl kill db2
# SIGKILLed processes leave the namespace's list when the kernel has reaped them
for _ in $(seq 1 50); do [[ -z "$(ip netns pids "$CLUSTER_NAME-db2")" ]] && break; sleep 0.1; done
it_is "db2 killed: no process left in its namespace" "$(ip netns pids "$CLUSTER_NAME-db2" | wc -l)" 0
for _ in $(seq 1 100); do
	[[ "$(cl sql db1 "SHOW STATUS LIKE 'wsrep_cluster_size'" | cut -f2)" == 2 ]] && break
	sleep 0.1
done
it_is "db: db1 sees a cluster of 2, still primary" \
	"$(cl sql db1 "SHOW STATUS WHERE Variable_name IN ('wsrep_cluster_size','wsrep_cluster_status')" | cut -f2 | tr '\n' ' ')" "2 Primary "
sleep 4
t_start=$(now)
cl start db2 2>"$W/db2-start.err"
it_is "db2 started again" "$?" 0
t_synced=$(now)
it_like "db2: position recovered after the crash" "$(cat "$W/db2-start.err")" 'recovered position [0-9a-f-]{36}:[0-9]+'
tail -n +"$((l0 + 1))" "$err2" >"$W/db2-rejoin.err"
# (the rsync SST script runs for an IST too, and then copies nothing)
it_ok "db2 rejoined by IST" grep -q 'Receiving IST' "$W/db2-rejoin.err"
it_not "db2 rejoined without SST (no data files copied)" \
	grep -qE 'rsync SST completed on joiner|Transfer of InnoDB data files done' "$W/db2-rejoin.err"
printf '# db: db2 rejoined %ss after its start (killed %ss before)\n' "$(secs "$t_start" "$t_synced")" "$(secs "$t_kill" "$t_start")"
it_ok "db: all three Synced" cl_synced 300
sleep 3
load_stop db
report db "$t_kill"
it_ok "db: requests were made while db2 was dead" \
	awk -v a="$t_kill" -v b="$t_start" '$1 > a && $1 < b { n++ } END { exit !(n >= 8) }' "$W/db.txt"
it_is "db: every GET answered 200 (gw2 answered 503, the balancer went on)" "$(bad_gets db)" ""
it_is "db: every upload answered 201 or 503 0x503" "$(bad_uploads db)" ""
stored_everywhere db
it_is "db: every acknowledged upload is on every DB node" "$MISSING" ""
c1=$(cl_checksum db1)
it_like "db: db1 has a checksum of every table" "$c1" '(^| )audit_event=[0-9]+ .*signer_information=[0-9]+ .*validation_rule=[0-9]+'
it_is "db: db2 holds exactly db1's rows" "$(cl_checksum db2)" "$c1"
it_is "db: db3 holds exactly db1's rows" "$(cl_checksum db3)" "$c1"
printf '# db: %d acknowledged uploads; checksums equal on the three nodes: %s\n' \
	"$(awk '($2 == "dsc" || $2 == "rule") && $5 == 201' "$W/db.txt" | wc -l)" \
	"$([[ "$(cl_checksum db2)" == "$c1" && "$(cl_checksum db3)" == "$c1" ]] && echo yes || echo no)"

# ======================================================================================
# 3. A database node's replication link cut (non-primary), then healed
# ======================================================================================
err3=$CL_DIR/db3/log/mariadb.err
l0=$(wc -l <"$err3")
h0=$(wc -l <"$CL_DIR/lb/health.log")
load_start mixed
wait_lines 30
t_cut=$(now)
cl partition db3 repl
np="" down=""
for _ in $(seq 1 150); do
	# (SHOW STATUS sorts by name: wsrep_cluster_status, wsrep_ready)
	if [[ -z "$np" ]] && [[ "$(cl sql db3 "SHOW STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_cluster_status')" | cut -f2 | tr '\n' ' ')" == "non-Primary OFF " ]]; then
		np=$(now)
	fi
	if [[ -z "$down" ]] && grep -q 'gw3=DOWN' "$CL_DIR/lb/health.state"; then
		down=$(now)
	fi
	[[ -n "$np" && -n "$down" ]] && break
	sleep 0.1
done
it_ok "partition: db3 non-primary (wsrep_ready OFF)" test -n "$np"
[[ -n "$np" ]] && printf '# partition: db3 non-primary %ss after the cut\n' "$(secs "$t_cut" "$np")"
it_ok "partition: gw3's /health DOWN while db3 is non-primary" test -n "$down"
hb=$(cl health gw3)
printf '# partition: gw3 /health: %s\n' "$hb"
it_like "partition: gw3's /health names the node's state" "$hb" \
	'^\{"status":"DOWN","database":"DOWN","reason":"(wsrep_ready is not ON|not in the primary component)"\} 503$'
[[ -n "$down" ]] && printf '# partition: gw3 /health DOWN %ss after the cut\n' "$(secs "$t_cut" "$down")"
it_is "partition: db1 and db2 still primary, size 2" \
	"$(cl sql db1 "SHOW STATUS WHERE Variable_name IN ('wsrep_cluster_size','wsrep_cluster_status')" | cut -f2 | tr '\n' ' ')" "2 Primary "
sleep 3
it_like "partition: the balancer took gw3 out of rotation" "$(tail -n +"$((h0 + 1))" "$CL_DIR/lb/health.log")" 'out of rotation: gw3 '
t_heal=$(now)
cl heal db3
it_ok "heal: all three Synced again" cl_synced 300
t_synced=$(now)
printf '# heal: db3 Synced %ss after the heal\n' "$(secs "$t_heal" "$t_synced")"
tail -n +"$((l0 + 1))" "$err3" >"$W/db3-rejoin.err"
it_not "heal: db3 caught up without SST" \
	grep -qE 'rsync SST completed on joiner|Transfer of InnoDB data files done' "$W/db3-rejoin.err"
for _ in $(seq 1 100); do
	grep -q 'gw3=UP' "$CL_DIR/lb/health.state" && break
	sleep 0.1
done
sleep 3
load_stop part
report part "$t_cut"
it_is "partition: every GET answered 200" "$(bad_gets part)" ""
it_is "partition: every upload answered 201 or 503 0x503" "$(bad_uploads part)" ""
stored_everywhere part
it_is "partition: every acknowledged upload is on every DB node" "$MISSING" ""
c1=$(cl_checksum db1)
it_like "partition: db1 has a checksum of every table" "$c1" '(^| )audit_event=[0-9]+ .*signer_information=[0-9]+ .*validation_rule=[0-9]+'
it_is "partition: db2 holds exactly db1's rows" "$(cl_checksum db2)" "$c1"
it_is "partition: db3 holds exactly db1's rows" "$(cl_checksum db3)" "$c1"
it_like "partition: gw3 back in rotation" "$(cl status | grep '^gw3 ')" 'health UP'

# ======================================================================================
# 4. Concurrent uploads through the three hosts: certification conflicts
# ======================================================================================
# Every upload bumps its table's counter row in data_version (a trigger):
# concurrent commits on different nodes conflict there, and Galera fails
# the later ones with 1213 at COMMIT. DSC and rule uploads run their
# transaction again (DGCG_DB_TX_TRIES); revocation batches do not.
for cc in "${CC3[@]}"; do
	cl_in "$DGCG_ADMIN" -c "$DGCG_CONFIG" roles grant --cert "$PKI/$cc/auth.pem" ALL \
		>>"$CL_DIR/admin/log/admin.log" 2>&1
done
mkdir -p "$W/burst"
pids=()
k=0
for id in 1 2 3 4; do
	cc=${CC3[(id - 1) % 3]}
	for ((j = 0; j < NBURST; j++)); do
		for kind in dsc rule batch; do
			f=$W/burst-up/$id-$j.$kind
			case $kind in
			dsc) ct=application/cms path=/signerCertificate what=$(<"$f.tp") ;;
			rule) ct=application/cms-text path=/rules what=$(<"$f.id") ;;
			batch) ct=application/cms-text path=/revocation-list what=- ;;
			esac
			k=$((k + 1))
			( st=$(cl_in curl -s --max-time 60 --cacert "$DGCG_CACERT" --cert "$PKI/$cc/auth.pem" \
				--key "$PKI/$cc/auth.key" -H "Content-Type: $ct" --data-binary @"$f" \
				-o "$W/burst/$k.body" -D "$W/burst/$k.hdr" -w '%{http_code}' "$DGCG_URL$path")
			  [[ "$kind" == batch ]] && what=$(sed -n 's/^[Ee][Tt][Aa][Gg]: *"\{0,1\}\([0-9a-f-]*\).*/\1/p' "$W/burst/$k.hdr")
			  printf '%s %s %s\n' "$st" "$kind" "${what:--}" >"$W/burst/$k.st" ) &
			pids+=($!)
		done
	done
done
wait "${pids[@]}"
cat "$W"/burst/*.st >"$W/burst.txt"
conflicts=$(cat "$CL_DIR"/gw[1-3]/log/dgcg.log | grep -c '1213')
for kind in dsc rule batch; do
	printf '# burst: %s: %s\n' "$kind" "$(awk -v k="$kind" '$2 == k { n[$1]++ } END { for (s in n) printf "%s x%d ", s, n[s] }' "$W/burst.txt")"
done
printf '# burst: %d concurrent uploads; %d statements failed with 1213 (deadlock or certification conflict) in the whole test\n' \
	"$k" "$conflicts"
it_is "burst: DSC and rule uploads (run again on 1213) all answered 201" \
	"$(awk '($2 == "dsc" || $2 == "rule") && $1 != 201' "$W/burst.txt" | head -n 3)" ""
# NOTE: fails while lib/revocation.c does not run a batch upload's
# transaction again on 1213 as lib/signer.c and lib/rules.c do: the batch
# then answers 503 although nothing but the counter row conflicted.
it_is "burst: revocation batch uploads all answered 201 (needs the lib change: retry on 1213)" \
	"$(awk '$2 == "batch" && $1 != 201' "$W/burst.txt" | head -n 3)" ""
it_is "burst: every answer 201 or a retryable 503 (never 500)" \
	"$(awk '$1 != 201 && $1 != 503' "$W/burst.txt" | head -n 3)" ""
for n in db1 db2 db3; do
	{ cl_sql "$n" "SELECT thumbprint FROM signer_information"
	  cl_sql "$n" "SELECT rule_id FROM validation_rule"
	  cl_sql "$n" "SELECT batch_id FROM revocation_batch"; } | sort -u >"$W/stored-$n.txt"
done
missing=$(awk '$1 == 201 { print $3 }' "$W/burst.txt" | while read -r what; do
	for n in db1 db2 db3; do
		grep -qxF -- "$what" "$W/stored-$n.txt" || echo "$n:$what"
	done
done | head -n 3)
it_is "burst: every acknowledged upload is on every DB node" "$missing" ""
c1=$(cl_checksum db1)
it_like "burst: db1 has a checksum of every table" "$c1" '(^| )audit_event=[0-9]+ .*signer_information=[0-9]+ .*validation_rule=[0-9]+'
it_is "burst: db2 holds exactly db1's rows" "$(cl_checksum db2)" "$c1"
it_is "burst: db3 holds exactly db1's rows" "$(cl_checksum db3)" "$c1"

# ======================================================================================
# 5. A rolling restart of the three hosts under load (doc/cluster.txt)
# ======================================================================================
# quiet_host IP: until the balancer's access log has shown no request to
# the host for 1.5 s (at most 20 s): its requests in flight have finished.
quiet_host() {
	local n0 n k k0=0
	n0=$(grep -c "upstream=$1:" "$DGCG_LB_ACCESS_LOG")
	for k in $(seq 1 200); do
		sleep 0.1
		n=$(grep -c "upstream=$1:" "$DGCG_LB_ACCESS_LOG")
		if (( n != n0 )); then
			n0=$n k0=$k
		elif (( k - k0 >= 15 )); then
			return 0
		fi
	done
	return 1
}
audit0=$(cl_sql db1 "SELECT COUNT(*) FROM audit_event")
a0=$(wc -l <"$DGCG_LB_ACCESS_LOG")
load_start mixed
wait_lines 20
t_roll=$(now)
i=0
for h in gw1 gw2 gw3; do
	i=$((i + 1))
	ip=$NET.2$i
	t_h=$(now)
	cl drain "$h"
	for _ in $(seq 1 100); do
		grep -q "out of rotation: $h (" <(tail -n 1 "$CL_DIR/lb/health.log") && break
		sleep 0.1
	done
	it_like "rolling: $h drained, out of rotation" "$(tail -n 1 "$CL_DIR/lb/health.log")" "out of rotation: $h \\("
	it_ok "rolling: no more requests to $h" quiet_host "$ip"
	cl stop "$h"
	it_is "rolling: $h stopped" "$(ip netns pids "$CLUSTER_NAME-$h" | wc -l)" 0
	cl start "$h"
	it_is "rolling: $h started" "$?" 0
	cl undrain "$h"
	for _ in $(seq 1 150); do
		grep -q "$h=UP" "$CL_DIR/lb/health.state" && grep -q 'out of rotation: none' <(tail -n 1 "$CL_DIR/lb/health.log") && break
		sleep 0.1
	done
	it_like "rolling: $h back in rotation" "$(tail -n 1 "$CL_DIR/lb/health.log")" 'out of rotation: none'
	printf '# rolling: %s drained, stopped, started, back in %ss\n' "$h" "$(secs "$t_h" "$(now)")"
done
sleep 3
load_stop roll
report roll "$t_roll"
printf '# rolling: the three hosts in %ss\n' "$(secs "$t_roll" "$(now)")"
it_ok "rolling: uploads were made during the restart" \
	awk '($2 == "dsc" || $2 == "rule") { n++ } END { exit !(n >= 10) }' "$W/roll.txt"
it_is "rolling: every GET answered 200" "$(bad_gets roll)" ""
it_is "rolling: every upload answered 201 (no 503 either)" \
	"$(awk '($2 == "dsc" || $2 == "rule") && $5 != 201' "$W/roll.txt" | head -n 5)" ""
for i in 1 2 3; do
	it_ok "rolling: gw$i served requests after its restart" \
		bash -c "tail -n +$((a0 + 1)) '$DGCG_LB_ACCESS_LOG' | grep -q 'upstream=$NET.2$i:8443 upstream_status=20[01]'"
done
stored_everywhere roll
it_is "rolling: every acknowledged upload is on every DB node" "$MISSING" ""
acked=$(awk '($2 == "dsc" || $2 == "rule") && $5 == 201' "$W/roll.txt" | wc -l)
for n in db1 db2 db3; do
	it_is "rolling: one audit event per acknowledged upload, on $n" \
		"$(( $(cl_sql "$n" "SELECT COUNT(*) FROM audit_event") - audit0 ))" "$acked"
done
printf '# rolling: %d acknowledged uploads, %d audit events\n' "$acked" \
	"$(( $(cl_sql db1 "SELECT COUNT(*) FROM audit_event") - audit0 ))"
c1=$(cl_checksum db1)
it_like "rolling: db1 has a checksum of every table" "$c1" '(^| )audit_event=[0-9]+ .*signer_information=[0-9]+ .*validation_rule=[0-9]+'
it_is "rolling: db2 holds exactly db1's rows" "$(cl_checksum db2)" "$c1"
it_is "rolling: db3 holds exactly db1's rows" "$(cl_checksum db3)" "$c1"

# ======================================================================================
# 6. dgcg-admin purge on the three hosts at once
# ======================================================================================
# 12 of the DSCs acknowledged above become tombstones of 30 days; 30 live
# batches expired an hour ago; 20 batch tombstones of 30 days.
tps=$(awk '$2 == "dsc" && $5 == 201 { print "\x27" $3 "\x27" }' "$W/roll.txt" | head -n 12 | paste -sd,)
it_is "purge: 12 DSCs to make tombstones of" "$(tr ',' '\n' <<<"$tps" | grep -c .)" 12
cl_sql db1 "UPDATE signer_information SET deleted_at = UTC_TIMESTAMP() - INTERVAL 30 DAY, signature = NULL WHERE thumbprint IN ($tps)"
cl_sql db2 "INSERT INTO revocation_batch (batch_id, country, changed, expires, deleted, type, kid, signed_batch) SELECT CONCAT(LPAD(seq, 8, '0'), '-1313-4313-8313-131313131313'), 'FR', UTC_TIMESTAMP() - INTERVAL 1 DAY, UTC_TIMESTAMP() - INTERVAL 1 HOUR, 0, 'UCI', NULL, 'MIIB' FROM seq_1_to_30"
cl_sql db3 "INSERT INTO revocation_batch (batch_id, country, changed, expires, deleted, type, kid, signed_batch) SELECT CONCAT(LPAD(seq, 8, '0'), '-1414-4414-8414-141414141414'), 'IE', UTC_TIMESTAMP() - INTERVAL 30 DAY, UTC_TIMESTAMP() + INTERVAL 1 DAY, 1, 'UCI', NULL, NULL FROM seq_1_to_20"
it_ok "purge: the rows replicated" cl_synced 300
audit0=$(cl_sql db1 "SELECT COUNT(*) FROM audit_event")
id0=$(cl_sql db1 "SELECT COALESCE(MAX(id), 0) FROM audit_event")
pids=()
rm -f "$W/purge.go"
for i in 1 2 3; do
	# gwN's own dgcg-admin configuration: the admin user on dbN
	sed "s/^db_host = .*/db_host = $NET.3$i/" "$DGCG_CONFIG" >"$W/purge-gw$i.conf"
	( while [[ ! -e "$W/purge.go" ]]; do sleep 0.01; done
	  ip netns exec "$CLUSTER_NAME-gw$i" "$DGCG_ADMIN" -c "$W/purge-gw$i.conf" purge \
		>"$W/purge.$i.out" 2>"$W/purge.$i.err"
	  echo $? >"$W/purge.$i.rc" ) &
	pids+=($!)
done
sleep 0.5
: >"$W/purge.go"
wait "${pids[@]}"
ok=1 dsc=0 marked=0 purged=0 skipped=0
for i in 1 2 3; do
	sed "s/^/# purge gw$i: /" "$W/purge.$i.out" "$W/purge.$i.err"
	[[ "$(<"$W/purge.$i.rc")" == 0 ]] || ok=0
	# what a run logs (a transaction rerun after a certification conflict
	# is a warning on stderr): shown, not an error
	[[ -s "$W/purge.$i.err" ]] && sed "s/^/# purge $i stderr: /" "$W/purge.$i.err"
	m=$(sed -n 's/^purged \([0-9]*\) signer.*/\1/p' "$W/purge.$i.out"); dsc=$((dsc + ${m:-0}))
	m=$(sed -n 's/^marked \([0-9]*\) expired.*/\1/p' "$W/purge.$i.out"); marked=$((marked + ${m:-0}))
	m=$(sed -n 's/^purged \([0-9]*\) revocation.*/\1/p' "$W/purge.$i.out"); purged=$((purged + ${m:-0}))
	grep -q skipped "$W/purge.$i.out" && skipped=$((skipped + 1))
done
it_is "purge: the three runs all exit 0" "$ok" 1
it_is "purge: 12 DSC tombstones purged once in total" "$dsc" 12
it_is "purge: 30 expired batches marked once in total" "$marked" 30
it_is "purge: 20 batch tombstones purged once in total" "$purged" 20
it_is "purge: each run did the batch part or skipped it" \
	"$(( skipped + $(grep -l '^marked' "$W"/purge.[1-3].out | wc -l) ))" 3
for n in db1 db2 db3; do
	it_is "purge: one audit event per purged or marked row, on $n" \
		"$(cl_sql "$n" "SELECT CONCAT(k, ':', n) FROM (SELECT SUBSTRING_INDEX(description, ' ', 3) AS k, COUNT(*) AS n FROM audit_event WHERE id > $id0 GROUP BY k) AS t ORDER BY k" | tr '\n' ' ')" \
		"Expired revocation batch:30 Purged DSC tombstone:12 Purged revocation batch:20 "
done
it_is "purge: nothing left to purge" \
	"$(cl_sql db2 "SELECT CONCAT((SELECT COUNT(*) FROM signer_information WHERE thumbprint IN ($tps)), ' ', (SELECT COUNT(*) FROM revocation_batch WHERE batch_id LIKE '%-1414-4414-8414-141414141414'), ' ', (SELECT COUNT(*) FROM revocation_batch WHERE batch_id LIKE '%-1313-4313-8313-131313131313' AND deleted = 1 AND signed_batch IS NULL))")" "0 0 30"
printf '# purge: 3 concurrent runs: %d DSC tombstones, %d batches marked, %d batch tombstones; %d runs skipped the batch part; %d audit events\n' \
	"$dsc" "$marked" "$purged" "$skipped" "$(( $(cl_sql db1 "SELECT COUNT(*) FROM audit_event") - audit0 ))"
it_ok "purge: all three Synced" cl_synced 300
c1=$(cl_checksum db1)
it_like "purge: db1 has a checksum of every table" "$c1" '(^| )audit_event=[0-9]+ .*signer_information=[0-9]+ .*validation_rule=[0-9]+'
it_is "purge: db2 holds exactly db1's rows" "$(cl_checksum db2)" "$c1"
it_is "purge: db3 holds exactly db1's rows" "$(cl_checksum db3)" "$c1"

printf '# faults done after %ds\n' "$SECONDS"
bg_stop
cl_done
