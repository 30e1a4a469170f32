#!/usr/bin/env bash
# The workers survive a database outage and a dead worker: requests answer a
# problem report while MariaDB is down, the same workers recover when it is
# back, and a killed worker is replaced.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start

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

stack_db_start
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

it_done
