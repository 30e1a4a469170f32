#!/usr/bin/env bash
# The cluster's topology (deploy/cluster): up from nothing; a status line per
# node; mutual TLS through the load balancer; a write through it visible on
# every host and identical on every database node; identity headers that no
# one but the balancer can set; TLS on the database and replication hops;
# nothing of the cluster in the machine's own namespace but the blackhole
# route; up twice is harmless; down leaves nothing.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"

cl_start
printf '# up from nothing: %ss\n' "$CL_UP_SECONDS"
W=$CL_DIR/it
NET=$DGCG_CLUSTER_NET

# --- status ---------------------------------------------------------------------
st=$(cl status)
it_is "status: exit 0 (all running, hosts UP, DB nodes Synced)" "$?" 0
printf '%s\n' "$st" | sed 's/^/# /'
it_is "status: one line per node" "$(cut -d' ' -f1 <<<"$st" | tr '\n' ' ')" "lb gw1 gw2 gw3 db1 db2 db3 "
for n in db1 db2 db3; do
	it_like "status: $n Synced in a primary component of 3" "$(grep "^$n " <<<"$st")" \
		"^$n +running +pid [0-9]+ +Synced +ready=ON +size=3 +Primary +$NET\\.3[1-3]:3306$"
done
for n in gw1 gw2 gw3; do
	it_like "status: $n health UP" "$(grep "^$n " <<<"$st")" "^$n +running +pid [0-9]+ +health UP +https://"
done
for _ in $(seq 1 30); do
	grep -q 'gw1=UP gw2=UP gw3=UP' "$CL_DIR/lb/health.state" 2>/dev/null && break
	sleep 0.1
done
it_like "status: the balancer's health checks see every host UP" "$(cl status | grep '^lb ')" \
	"^lb +running .*health checks: gw1=UP gw2=UP gw3=UP$"

# --- mutual TLS through the balancer, from the client namespace -------------------
for cc in DE FR IE; do
	st=$(cl_curl "$cc" GET /countrylist)
	it_is "$cc: /countrylist through the balancer" "$st:$(cat "$IT_BODY")" '200:["DE","FR","IE"]'
done
st=$(cl_curl DE GET /trustList)
it_is "/trustList through the balancer" "$st" 200
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$IT_BODY")
it_is "/trustList: the 9 onboarded certificates (3 countries x AUTHENTICATION, UPLOAD, CSCA)" "$n" 9
st=$(cl_curl - GET /countrylist)
it_is "no client certificate: 401" "$st:$(it_json code)" "401:0x400"
for k in expired untrusted revoked; do
	st=$(cl_curl "$PKI/extra/$k" GET /countrylist)
	it_is "$k client certificate: refused by the balancer" "$st" 401
done
st=$(cl_curl "$PKI/extra/good" GET /countrylist)
it_is "trusted by the balancer but not onboarded: refused by the gateway" "$st" 401
# Every host serves: round robin over the three.
a0=$(wc -l <"$DGCG_LB_ACCESS_LOG")
for _ in 1 2 3 4 5 6; do cl_curl FR GET /countrylist >/dev/null; done
ups=$(tail -n +"$((a0 + 1))" "$DGCG_LB_ACCESS_LOG" | grep -oE 'upstream=[0-9.:]+' | sort -u | tr '\n' ' ')
it_is "the balancer spreads requests over the three hosts" "$ups" \
	"upstream=$NET.21:8443 upstream=$NET.22:8443 upstream=$NET.23:8443 "
# One request id: the balancer's, in the host's log as the traceId.
cl_curl DE GET /countrylist >/dev/null
rid=$(it_header X-Request-Id)
it_like "X-Request-Id from the balancer" "$rid" '^[0-9a-f]{32}$'
it_is "the host logs the balancer's request id" \
	"$(cat "$CL_DIR"/gw[1-3]/log/dgcg.log | grep -c "traceId=\"$rid\".*Successful Authentication")" 1

# --- a write through the balancer, read back from every host ------------------------
# causal reads come from the hosts (db_causal_reads: the one counter read per
# request waits), not from a server-wide wsrep_sync_wait that every read pays
for n in db1 db2 db3; do
	it_is "$n: wsrep_sync_wait is 0 server-wide" "$(cl_sql "$n" "SELECT @@GLOBAL.wsrep_sync_wait")" 0
done
for h in gw1 gw2 gw3; do
	it_is "$h: dgcg.conf asks for causal reads" "$(sed -n 's/^db_causal_reads *= *//p' "$CL_DIR/$h/dgcg.conf")" yes
done
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' >"$W/dsc.ext"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/C=DE/O=dgcg demo/CN=DE cluster DSC" \
	-keyout "$W/dsc.key" -out "$W/dsc.csr" 2>/dev/null
openssl x509 -req -in "$W/dsc.csr" -CA "$PKI/DE/csca.pem" -CAkey "$PKI/DE/csca.key" -set_serial 0x4d5a01 \
	-days 365 -extfile "$W/dsc.ext" -outform DER -out "$W/dsc.der" 2>/dev/null
openssl cms -sign -nodetach -binary -in "$W/dsc.der" -signer "$PKI/DE/upload.pem" -inkey "$PKI/DE/upload.key" \
	-outform DER 2>/dev/null | base64 -w0 >"$W/dsc.b64"
tp=$(sha256sum <"$W/dsc.der" | cut -c1-64)
st=$(cl_curl DE POST /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$W/dsc.b64")
it_is "DSC upload through the balancer" "$st" 201
for h in gw1 gw2 gw3; do
	st=$(cl_host_curl "$h" FR GET /trustList/DSC/DE)
	it_is "$h: the new DSC, read from the host directly (causal read)" "$st:$(grep -c "$tp" "$IT_BODY")" "200:1"
done
for n in db1 db2 db3; do
	it_is "$n: the DSC row" "$(cl_sql "$n" "SELECT COUNT(*) FROM signer_information WHERE thumbprint = '$tp'")" 1
done
c1=$(cl_checksum db1)
it_like "db1: a checksum of every table" "$c1" '(^| )audit_event=[0-9]+ .*signer_information=[0-9]+ .*trusted_party=[0-9]+'
it_is "db2 holds exactly db1's rows" "$(cl_checksum db2)" "$c1"
it_is "db3 holds exactly db1's rows" "$(cl_checksum db3)" "$c1"
st=$(cl_curl DE POST /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$W/dsc.b64")
it_is "the same upload again, through the balancer (another host): 409" "$st" 409

# --- the identity headers (SecReq-011) ---------------------------------------------
# Through the balancer: whatever a client sends in X-SSL-Client-* is replaced
# by its own certificate's identity.
de_tp=$(it_thumb_pem "$PKI/DE/auth.pem")
fr_tp=$(it_thumb_pem "$PKI/FR/auth.pem")
for hdr in X-SSL-Client-SHA256 x-ssl-client-sha256 X_SSL_Client_SHA256; do
	st=$(cl_curl "$PKI/extra/good" GET /countrylist -H "$hdr: $de_tp" -H "${hdr/SHA256/DN}: CN=DE auth,O=dgcg demo,C=DE")
	it_is "not onboarded, forging DE's identity as $hdr through the balancer: 401" "$st" 401
done
cl_curl DE GET /countrylist -H "X-SSL-Client-SHA256: $fr_tp" -H "X-SSL-Client-DN: CN=FR auth,O=dgcg demo,C=FR" >/dev/null
rid=$(it_header X-Request-Id)
line=$(cat "$CL_DIR"/gw[1-3]/log/dgcg.log | grep "traceId=\"$rid\".*Successful Authentication")
it_like "DE claiming FR's identity: authenticated as DE" "$line" "dnString=\"CN=DE auth,O=dgcg demo,C=DE\", thumbprint=\"$de_tp\""
# Straight to a host: only the balancer's certificate opens its listener.
for h in gw1 gw2 gw3; do
	url=DGCG_${h^^}_URL
	st=$(_it_curl cl_in "${!url}" DE GET /countrylist -H "X-SSL-Client-SHA256: $de_tp" -H "X-SSL-Client-DN: CN=DE auth,O=dgcg demo,C=DE")
	it_is "$h directly, with DE's own certificate and identity headers: 401" "$st" 401
done
st=$(_it_curl cl_in "$DGCG_GW1_URL" - GET /countrylist -H "X-SSL-Client-SHA256: $de_tp" -H "X-SSL-Client-DN: CN=DE auth,O=dgcg demo,C=DE")
it_is "gw1 directly, without a certificate: 401" "$st:$(it_json code)" "401:0x400"
st=$(_it_curl cl_in "$DGCG_GW1_URL" "$PKI/nodes/db1" GET /countrylist -H "X-SSL-Client-SHA256: $de_tp" -H "X-SSL-Client-DN: CN=DE auth,O=dgcg demo,C=DE")
it_is "gw1 directly, with a database node's certificate (the server CA's): 401" "$st" 401
( PKI=$CL_DIR/pki && pki_proxy intruder ) || exit 99
st=$(_it_curl cl_in "$DGCG_GW1_URL" "$CL_DIR/pki/proxy/intruder" GET /countrylist -H "X-SSL-Client-SHA256: $de_tp" -H "X-SSL-Client-DN: CN=DE auth,O=dgcg demo,C=DE")
it_is "gw1 directly, with another certificate of the balancer's CA: 403" "$st:$(it_json code)" "403:0x403"
st=$(cl_host_curl gw1 DE GET /countrylist)
it_is "gw1 directly, as the balancer (its certificate): 200" "$st" 200
st=$(cl_in curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$NET.21:8081/health")
it_is "a host's health listener is not reachable from the network" "$st" 000
it_ok "a host's health listener is bound to its loopback" grep -q 'listen 127.0.0.1:8081;' "$CL_DIR/gw1/nginx/nginx.conf"

# --- drain (rolling upgrades): the health check takes a host out of rotation -----
cl drain gw1
for _ in $(seq 1 100); do
	grep -q 'gw1=DRAIN' "$CL_DIR/lb/health.state" && grep -q 'out of rotation: gw1 ' "$CL_DIR/lb/health.log" && break
	sleep 0.1
done
it_like "drain gw1: the balancer took it out of rotation" "$(tail -n 1 "$CL_DIR/lb/health.log")" 'out of rotation: gw1 \('
sleep 1
a0=$(wc -l <"$DGCG_LB_ACCESS_LOG")
for _ in 1 2 3 4 5 6; do cl_curl IE GET /countrylist >/dev/null; done
it_is "drained: no request reaches gw1" \
	"$(tail -n +"$((a0 + 1))" "$DGCG_LB_ACCESS_LOG" | grep -c "upstream=$NET.21:")" 0
it_is "drained: every request answered" \
	"$(tail -n +"$((a0 + 1))" "$DGCG_LB_ACCESS_LOG" | grep -c '" 200 ')" 6
cl undrain gw1
for _ in $(seq 1 100); do
	grep -q 'gw1=UP' "$CL_DIR/lb/health.state" && grep -q 'out of rotation: none' "$CL_DIR/lb/health.log" && break
	sleep 0.1
done
it_like "undrain gw1: back in rotation" "$(tail -n 1 "$CL_DIR/lb/health.log")" 'out of rotation: none'

# --- TLS on the database hops -------------------------------------------------------
it_not "the client namespace cannot connect to the database without TLS" \
	cl_in mariadb --defaults-extra-file="$DGCG_DB_ADMIN_CNF" -h "$DGCG_DB1_HOST" -P "$DGCG_DB1_PORT" \
	--skip-ssl -N -B -e 'SELECT 1'
it_is "the admin user over TLS, server certificate checked" \
	"$(cl_in mariadb --defaults-extra-file="$DGCG_DB_ADMIN_CNF" -h "$DGCG_DB2_HOST" -P "$DGCG_DB2_PORT" \
		--ssl-ca="$DGCG_CACERT" --ssl-verify-server-cert -N -B \
		-e "SHOW STATUS LIKE 'Ssl_version'" 2>&1 | cut -f2)" TLSv1.3
it_is "the network accounts require TLS" \
	"$(mariadb --no-defaults -S "$DGCG_DB1_SOCKET" -u root -N -B -e "SELECT CONCAT(user, '@', host, ':', ssl_type) FROM mysql.user WHERE host <> 'localhost' ORDER BY user" | tr '\n' ' ')" \
	"dgcg_admin@$NET.%:ANY dgcg_app@$NET.%:ANY "
it_is "the hosts' workers connect with TLS" \
	"$(grep -h '^db_tls = yes$' "$CL_DIR"/gw[1-3]/dgcg.conf | wc -l):$(grep -h '^db_host = ' "$CL_DIR"/gw[1-3]/dgcg.conf | tr '\n' ' ')" \
	"3:db_host = $NET.31 db_host = $NET.32 db_host = $NET.33 "
it_ok "Galera replication over TLS" grep -q "ssl://$NET.13" "$CL_DIR/db2/log/mariadb.err"
it_ok "SST through stunnel, the peer checked" grep -q "Using stunnel for SSL encryption.*VERIFY_IDENTITY" "$CL_DIR/db2/log/mariadb.err"
it_not "the client namespace cannot reach the replication network" \
	cl_in timeout 3 bash -c "exec 3<>/dev/tcp/$NET.131/4567"

# --- the machine's own namespace ---------------------------------------------------
it_is "no address of the cluster in the machine's namespace" "$(ip -o addr show | grep -cF " $NET.")" 0
it_is "no interface of the cluster in the machine's namespace" \
	"$(ip -o link show | grep -cE '^[0-9]+: (lb|gw[1-3]|db[1-3]r?|client)(-p)?[@:]')" 0
it_is "the blackhole route, while up" "$(ip route show type blackhole | grep -cE "^blackhole ${NET//./\\.}\\.0/24( |\$)")" 1
it_is "no other route into the range" "$(ip route show | grep -F "$NET." | grep -vc '^blackhole')" 0
it_is "each namespace has lo up" \
	"$(for n in client lb gw1 db1; do ip -n "$CLUSTER_NAME-$n" -o link show lo | grep -c 'LOOPBACK,UP'; done | tr -d '\n')" 1111

# --- up twice ----------------------------------------------------------------------
pids0=$(cat "$CL_DIR"/db[1-3]/run/mysqld.pid "$CL_DIR"/gw[1-3]/nginx/nginx.pid "$CL_DIR"/lb/nginx.pid | tr '\n' ' ')
t0=$EPOCHREALTIME
cl up
it_is "up again: exit 0" "$?" 0
printf '# up again (everything running): %ss\n' "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
it_is "up again: the same processes" "$(cat "$CL_DIR"/db[1-3]/run/mysqld.pid "$CL_DIR"/gw[1-3]/nginx/nginx.pid "$CL_DIR"/lb/nginx.pid | tr '\n' ' ')" "$pids0"
it_is "up again: one blackhole route" "$(ip route show type blackhole | grep -cF "$NET.0/24")" 1
st=$(cl_curl DE GET /countrylist)
it_is "up again: serving" "$st" 200
it_is "up again: the DSC is still there" "$(cl_sql db3 "SELECT COUNT(*) FROM signer_information WHERE thumbprint = '$tp'")" 1

cl_done
