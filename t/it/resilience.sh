#!/usr/bin/env bash
# The workers survive a database outage and a dead worker: requests answer a
# problem report while MariaDB is down, the same workers recover when it is
# back, and a killed worker is replaced.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
# db_causal_reads on a server without Galera: the counter read runs under
# SET STATEMENT wsrep_sync_wait and everything works as without it
STACK_EXTRA_CONF='db_causal_reads = yes'
it_start

# The load balancer's health check: plain HTTP on its own loopback port, no
# client certificate; on the mTLS listener /health does not exist.
health() {
	: >"$IT_BODY"
	curl -s --max-time 30 -o "$IT_BODY" -D "$IT_HEADERS" -w '%{http_code}' "$@" "$DGCG_HEALTH_URL"
}
st=$(health)
it_is "health: up" "$st:$(it_json status):$(it_json database)" "200:UP:UP"
it_is "health: not cached" "$(it_header Cache-Control)" no-store
st=$(health -I)
it_is "health: HEAD" "$st" 200
st=$(health -X POST)
it_is "health: POST refused" "$st:$(it_json code)" "405:0x405"
st=$(health -H 'X-SSL-Client-SHA256: 00' -H 'Content-Type: application/cms')
it_is "health: client headers ignored" "$st:$(it_json status)" "200:UP"
hp=${DGCG_HEALTH_URL%/health}
st=$(curl -s --max-time 10 -o "$IT_BODY" -w '%{http_code}' "$hp/countrylist")
it_is "health listener serves nothing else" "$st:$(it_json code)" "404:0x404"
st=$(curl -s --max-time 10 -o "$IT_BODY" -w '%{http_code}' "$hp/health/../countrylist")
it_is "health listener: no way around" "$st:$(it_json code)" "404:0x404"
st=$(curl -s --max-time 10 --interface 127.0.0.2 -o "$IT_BODY" -w '%{http_code}' "$DGCG_HEALTH_URL")
it_is "health: refused from an address not allowed" "$st:$(it_json code)" "404:0x404"
st=$(it_curl DE GET /health)
it_is "no /health on the mTLS listener" "$st:$(it_json code)" "404:0x404"
st=$(it_curl DE GET /health -H 'DGCG-Health-Check: 1')
it_is "no /health on the mTLS listener, whatever the headers" "$st:$(it_json code)" "404:0x404"
it_ok "health listener on loopback only" grep -q "listen 127.0.0.1:${hp##*:};" "$IT_DIR/nginx/nginx.conf"

st=$(it_curl DE GET /countrylist)
it_is "before the outage" "$st" 200
before=$(stack_worker_pids | sort | tr '\n' ' ')
it_ok "workers running" test -n "$before"

stack_db_stop
start=$(date +%s)
st=$(it_curl DE GET /countrylist)
took=$(( $(date +%s) - start ))
it_is "database down: 503" "$st" 503
it_is "database down: code" "$(it_json code)" 0x503
it_ok "database down: answered within db_timeout + slack (${took}s)" test "$took" -le 15
st=$(it_curl DE GET /trustList)
it_is "database down: trust list 503" "$st:$(it_json code)" "503:0x503"
it_log_has "Database connection"
start=$(date +%s)
st=$(health)
took=$(( $(date +%s) - start ))
it_is "health: database down" "$st:$(it_json status):$(it_json database):$(it_json reason)" \
	"503:DOWN:DOWN:the database is not reachable"
it_ok "health: answered within db_timeout + slack (${took}s)" test "$took" -le 15
it_log_has "Health check failed"

stack_db_start
st=$(health)
it_is "health: database back" "$st:$(it_json status)" "200:UP"
st=$(it_curl DE GET /countrylist)
it_is "database back: the next request works" "$st" 200
for i in 1 2 3 4 5 6; do
	st=$(it_curl FR GET /countrylist)
	it_is "database back: request $i" "$st" 200
done
after=$(stack_worker_pids | sort | tr '\n' ' ')
it_is "same workers after the outage (no restart)" "$after" "$before"

# A worker killed with SIGKILL is replaced by its supervisor.
victim=$(stack_worker_pids | head -n 1)
kill -KILL "$victim"
replaced=0
for _ in $(seq 1 50); do
	n=$(stack_worker_pids | wc -l)
	if [ "$n" -eq "$(echo "$before" | wc -w)" ] && ! stack_worker_pids | grep -qx "$victim"; then
		replaced=1
		break
	fi
	sleep 0.1
done
it_is "killed worker replaced" "$replaced" 1
for i in 1 2 3 4; do
	st=$(it_curl IE GET /countrylist)
	it_is "after the kill: request $i" "$st" 200
done

# Repeated deaths (a request that crashes its worker, sent again and again):
# multiwatch keeps replacing a worker that had run for over 2 s (-t 2000),
# however often; it gives up only on one that dies at start (-r 3).
nw=$(echo "$before" | wc -w)
for k in 1 2 3 4 5; do
	sleep 2.5
	victim=$(stack_worker_pids | sort -n | tail -n 1)
	kill -KILL "$victim"
	replaced=0
	for _ in $(seq 1 50); do
		if [ "$(stack_worker_pids | wc -l)" -eq "$nw" ] && ! stack_worker_pids | grep -qx "$victim"; then
			replaced=1
			break
		fi
		sleep 0.1
	done
	it_is "worker killed again ($k of 5): replaced" "$replaced" 1
done
st=$(it_curl DE GET /countrylist)
it_is "after five kills" "$st" 200

it_done
