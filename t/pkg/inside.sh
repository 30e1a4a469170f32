#!/bin/bash
# inside.sh: the package test's part inside the throwaway root (run by
# t/pkg/test.sh through pkgroot_run: PID 1 of new PID, mount and network
# namespaces, loopback only). Installs the .deb, checks what it put where,
# checks the units with systemd-analyze, sets the gateway up as
# doc/operator-guide.txt, "Installing the package", says, starts MariaDB, the worker pools and nginx
# the way their units would, answers mTLS requests, then removes and purges
# the package. Everything it started dies with the namespace when it exits.
#
# Usage: inside.sh [PASSED FAILED] (the counts so far: numbering goes on).
# Input in /root/dgcg-test: dgcg_*.deb, pki/ (deploy/pki.sh, country DE),
# assert.sh, unit.sh. Output: TAP-like lines, "# step" timings, and the
# total counts in /root/dgcg-test/counts ("PASS FAIL").
set -u

T=/root/dgcg-test
# shellcheck source=t/pkg/assert.sh
. "$T/assert.sh"
# shellcheck source=t/pkg/unit.sh
. "$T/unit.sh"
pkg_add "${1:-0}" "${2:-0}"
P=$T/pki
LOGS=$T/logs
mkdir -p "$LOGS"
URL=https://localhost
HEALTH=http://127.0.0.1:8081/health
SERVICES=(dgcg-fcgi@1.service dgcg-purge.service)
UNITS=(dgcg-fcgi@1.socket dgcg-fcgi@1.service dgcg-purge.service dgcg-purge.timer)

finish() {
	pkg_counts >"$T/counts"
	pkg_step_end
}
trap finish EXIT

# show FILE...: the end of each log, for a failure
show() {
	local f
	for f in "$@"; do
		[[ -s "$f" ]] || continue
		printf '# --- %s\n' "$f"
		tail -n 30 "$f" | sed 's/^/#   /'
	done
}

# wait_for TENTHS CMD...: until CMD succeeds
wait_for() {
	local n=$1
	shift
	while (( n-- > 0 )); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# cc_curl PATH [ARGS...]: a request as DE's AUTHENTICATION certificate;
# body in $T/body, prints the status
cc_curl() {
	local path=$1
	shift
	curl -s --max-time 20 --cacert "$P/server-ca.pem" --cert "$P/DE/auth.pem" \
		--key "$P/DE/auth.key" -o "$T/body" -D "$T/headers" -w '%{http_code}' "$@" "$URL$path"
}

stop_pid() {
	local pid=$1 n=100
	kill -TERM "$pid" 2>/dev/null || return 0
	while (( n-- > 0 )) && kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		return 1
	fi
}

# The pools' pids (multiwatch) are kept in a file: pkg_ok runs its command
# in a subshell.
POOLS=$T/pools.pid
start_pools() {
	local i pid
	: >"$POOLS"
	for i in 1 2; do
		pid=$(unit_start_socket dgcg-fcgi "$i" "$LOGS/journal-dgcg-fcgi@$i.log") || return 1
		printf '%s\n' "$pid" >>"$POOLS"
	done
	for i in 1 2; do
		wait_for 100 test -S "/run/dgcg/fcgi-$i.sock" || return 1
	done
	# spawn-fcgi execs, so the pid becomes multiwatch
	for pid in $(cat "$POOLS"); do
		wait_for 100 sh -c "ps -o comm= -p $pid | grep -qx multiwatch" || return 1
	done
}

# stop_pools: SIGTERM to each multiwatch (as systemd's KillMode=mixed); the
# workers get SIGUSR1 from it, finish and exit; fails when one had to be killed
stop_pools() {
	local pid rc=0
	[[ -s "$POOLS" ]] || return 1
	for pid in $(cat "$POOLS"); do
		stop_pid "$pid" || rc=1
	done
	: >"$POOLS"
	wait_for 100 sh -c '! pgrep -x dgcg-fcgi' || rc=1
	return "$rc"
}

# --- install ------------------------------------------------------------------
pkg_step "dpkg -i"
deb=$(ls "$T"/dgcg_*.deb)
pkg_ok "dpkg -i installs the package, no other needed" dpkg -i "$deb"
pkg_ok "the user dgcg is made" id -u dgcg
pkg_like "dgcg is a system user without a login" "$(getent passwd dgcg | cut -d: -f3,6,7)" \
	'^[1-9][0-9]{0,2}:/nonexistent:/usr/sbin/nologin$'
pkg_is "/etc/dgcg is 0750 root:dgcg" "$(stat -c '%a %U:%G' /etc/dgcg)" "750 root:dgcg"
pkg_is "dgcg.conf is 0640 root:dgcg" "$(stat -c '%a %U:%G' /etc/dgcg/dgcg.conf)" "640 root:dgcg"
pkg_is "the cache dir (tmpfiles.d) is 2750 dgcg:www-data" \
	"$(stat -c '%a %U:%G' /var/cache/dgcg 2>&1)" "2750 dgcg:www-data"
pkg_is "the runtime dir (tmpfiles.d) is 0755 root:root" "$(stat -c '%a %U:%G' /run/dgcg 2>&1)" \
	"755 root:root"
conffiles=$(dpkg-query -W -f='${Conffiles}\n' dgcg | awk 'NF {print $1}' | sort | tr '\n' ' ')
pkg_is "conffiles" "$conffiles" "/etc/dgcg/dgcg.conf /etc/logrotate.d/dgcg /etc/nginx/sites-available/dgcg "
for f in /usr/sbin/dgcg-fcgi /usr/sbin/dgcg-admin /usr/sbin/dgcg-pool; do
	pkg_ok "$f is installed" test -x "$f"
done
for m in man8/dgcg-fcgi.8 man8/dgcg-admin.8 man8/dgcg-pool.8 man5/dgcg.conf.5; do
	pkg_ok "manual $m names /etc/dgcg/dgcg.conf" sh -c "zcat /usr/share/man/$m.gz | grep -q /etc/dgcg/dgcg.conf"
done
pkg_ok "migrations in /usr/share/dgcg/sql (sql_dir's default)" \
	test -s /usr/share/dgcg/sql/migrations/001_init.sql -a -s /usr/share/dgcg/sql/grants.sql.in
pkg_ok "dgcg.conf: sql_dir is /usr/share/dgcg/sql" grep -qx 'sql_dir = /usr/share/dgcg/sql' /etc/dgcg/dgcg.conf
for u in dgcg-fcgi@.socket dgcg-fcgi@.service dgcg-purge.service dgcg-purge.timer \
	dgcg-federation.service dgcg-federation.timer; do
	pkg_ok "unit $u installed" test -s "/lib/systemd/system/$u"
done
pkg_ok "tmpfiles.d, sysusers.d, logrotate.d" test -s /usr/lib/tmpfiles.d/dgcg.conf \
	-a -s /usr/lib/sysusers.d/dgcg.conf -a -s /etc/logrotate.d/dgcg
pkg_ok "the nginx site is installed" test -s /etc/nginx/sites-available/dgcg
pkg_not "the nginx site is not enabled" test -e /etc/nginx/sites-enabled/dgcg
pkg_is "no unit is enabled" "$(find /etc/systemd/system -name 'dgcg*' | tr '\n' ' ')" ""
pkg_not "nothing is started (no dgcg-fcgi, dgcg-pool, multiwatch, spawn-fcgi)" \
	pgrep -x 'dgcg-fcgi|dgcg-pool|multiwatch|spawn-fcgi'
pkg_is "no socket yet" "$(find /run/dgcg -mindepth 1 | tr '\n' ' ')" ""
dpkg -L dgcg | sort >"$T/filelist"

# --- systemd-analyze ------------------------------------------------------------
pkg_step "systemd-analyze verify"
for u in "${UNITS[@]}"; do
	# --man=no: the root has no man(1); the manuals are checked above
	pkg_ok "systemd-analyze verify $u" systemd-analyze verify --man=no "$u"
done
pkg_step "systemd-analyze security"
for u in "${SERVICES[@]}"; do
	out=$(systemd-analyze security --offline=true --no-pager "$u" 2>&1)
	printf '%s\n' "$out" | sed 's/^/#   /'
	level=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
	pkg_like "$u: an exposure level" "$level" '^[0-9]+\.[0-9]$'
	pkg_ok "$u: exposure $level is at most 2.0" awk -v l="$level" 'BEGIN { exit !(l != "" && l <= 2.0) }'
done

# --- the operator's setup (doc/operator-guide.txt, "Installing the package") -------------------
pkg_step "MariaDB (as mariadb.service's User, UMask)"
# Its ExecStart is a shell line (galera_recovery, which prints nothing
# without Galera, then exec mariadbd): run mariadbd the same way, directly.
# /run/mysqld is made by mariadb's tmpfiles.d at boot.
install -d -o mysql -g mysql -m 0755 /run/mysqld
dbpid=$(unit_start /lib/systemd/system/mariadb.service "$LOGS/journal-mariadb.log" /usr/sbin/mariadbd)
pkg_ok "MariaDB answers" wait_for 300 mariadb-admin ping
pkg_step "schema, grants, onboarding"
( umask 077 && openssl rand -hex 24 >/etc/dgcg/admin.password && openssl rand -hex 24 >/etc/dgcg/app.password )
chgrp dgcg /etc/dgcg/app.password && chmod 0640 /etc/dgcg/app.password
# as doc/operator-guide.txt, "Installing the package", says
printf 's/@DB_NAME@/dgcg/g; s/@ADMIN_USER@/dgcg_admin/g; s/@ADMIN_PASSWORD@/%s/g\n' \
	"$(cat /etc/dgcg/admin.password)" | sed -f /dev/stdin /usr/share/dgcg/sql/admin.sql.in >/root/admin.sql
pkg_ok "admin.sql.in (database, admin user)" sh -c 'mariadb </root/admin.sql'
install -m 0644 "$P/ta.pem" /etc/dgcg/trust-anchor.pem
pkg_ok "dgcg-admin migrate (sql_dir's default)" dgcg-admin migrate
printf 's/@DB_NAME@/dgcg/g; s/@APP_USER@/dgcg_app/g; s/@APP_PASSWORD@/%s/g\n' \
	"$(cat /etc/dgcg/app.password)" | sed -f /dev/stdin /usr/share/dgcg/sql/grants.sql.in >/root/grants.sql
pkg_ok "grants.sql.in (the workers' user)" sh -c 'mariadb </root/grants.sql'
rm -f /root/admin.sql /root/grants.sql
for kind in auth upload csca; do
	case $kind in
	auth) type=AUTHENTICATION ;;
	upload) type=UPLOAD ;;
	csca) type=CSCA ;;
	esac
	sig=$(dgcg-admin ta-sign --ta-cert "$P/ta.pem" --ta-key "$P/ta.key" "$P/DE/$kind.pem" 2>"$LOGS/admin.err")
	pkg_ok "onboard DE $type" dgcg-admin onboard --country DE --type "$type" \
		--cert "$P/DE/$kind.pem" --signature "$sig"
done
pkg_ok "dgcg-admin verify" dgcg-admin verify
mkdir -p /etc/dgcg/tls
install -m 0644 "$P/server.pem" /etc/dgcg/tls/server.pem
install -m 0600 "$P/server.key" /etc/dgcg/tls/server.key
install -m 0644 "$P/client-ca.pem" /etc/dgcg/tls/client-ca.pem
install -m 0644 "$P/client-ca.crl" /etc/dgcg/tls/client-ca.crl
operator_files=$(cd /etc/dgcg && find . -mindepth 1 ! -name dgcg.conf | sort | tr '\n' ' ')

# --- the services -----------------------------------------------------------------
pkg_step "worker pools (the units' ExecStart)"
if ! pkg_ok "pools 1 and 2 listen (dgcg-fcgi@.socket, dgcg-fcgi@.service)" start_pools; then
	show "$LOGS"/journal-dgcg-fcgi@*.log
fi
pkg_is "socket 0660 root:www-data" "$(stat -c '%a %U:%G' /run/dgcg/fcgi-1.sock 2>&1)" "660 root:www-data"
pkg_step "nginx (nginx.service's ExecStartPre, ExecStart)"
ln -s ../sites-available/dgcg /etc/nginx/sites-enabled/dgcg
unit_exec_words /lib/systemd/system/nginx.service ExecStartPre
pkg_ok "nginx -t with the site enabled, unchanged" "${_unit_words[@]}"
unit_exec_words /lib/systemd/system/nginx.service ExecStart
if ! pkg_ok "nginx starts" "${_unit_words[@]}"; then
	show /var/log/nginx/error.log
fi

pkg_step "requests through nginx (mTLS)"
st=000
for _ in $(seq 100); do
	st=$(cc_curl /countrylist)
	[[ "$st" == 200 ]] && break
	sleep 0.1
done
pkg_is "GET /countrylist with DE's certificate: 200" "$st" 200
pkg_is "the country list" "$(cat "$T/body")" '["DE"]'
pkg_like "X-Request-Id" "$(tr -d '\r' <"$T/headers")" $'X-Request-Id: [0-9a-f]{32}'
st=$(curl -s --max-time 20 --cacert "$P/server-ca.pem" -o "$T/body" -w '%{http_code}' "$URL/countrylist")
pkg_is "no client certificate: 401" "$st" 401
pkg_like "a problem report" "$(cat "$T/body")" '"code":"0x'
openssl x509 -in "$P/DE/dsc.pem" -outform DER -out "$T/dsc.der"
openssl cms -sign -nodetach -binary -in "$T/dsc.der" -signer "$P/DE/upload.pem" \
	-inkey "$P/DE/upload.key" -outform DER | openssl base64 -A >"$T/dsc.cms.b64"
pkg_is "POST /signerCertificate (a DSC): 201" \
	"$(cc_curl /signerCertificate -H 'Content-Type: application/cms' --data-binary "@$T/dsc.cms.b64")" 201
pkg_is "GET /trustList: 200" "$(cc_curl /trustList)" 200
pkg_like "the trust list holds the DSC" "$(cat "$T/body")" '"certificateType":"DSC"'
pkg_is "GET /trustList again (now X-Accel-Redirect to the cache dir): 200" "$(cc_curl /trustList)" 200
cached=$(find /var/cache/dgcg -name 'tl-*.json' | head -n 1)
pkg_ok "a rendered list in /var/cache/dgcg" test -n "$cached"
[[ -n "$cached" ]] && pkg_is "it is dgcg:www-data 0640 (setgid dir, UMask=0027)" \
	"$(stat -c '%a %U:%G' "$cached")" "640 dgcg:www-data"
pkg_is "health check: 200" "$(curl -s --max-time 20 -o "$T/body" -w '%{http_code}' "$HEALTH")" 200
pkg_like "health: UP" "$(cat "$T/body")" '"status":"UP"'
# drain (doc/operator-guide.txt, "Installing the package"): the site's
# DRAIN_FILE is /run/dgcg/drain
touch /run/dgcg/drain
pkg_is "drained (/run/dgcg/drain): health 503" \
	"$(curl -s --max-time 20 -o "$T/body" -w '%{http_code}' "$HEALTH")" 503
pkg_like "health: DOWN, drain" "$(cat "$T/body")" '"status":"DOWN".*"drain":true'
pkg_is "a drained host still serves requests: 200" "$(cc_curl /countrylist)" 200
rm -f /run/dgcg/drain
pkg_is "undrained: health 200 again" "$(curl -s --max-time 20 -o /dev/null -w '%{http_code}' "$HEALTH")" 200
# Prometheus on the internal listener: both pools count into one
# metrics_file (/var/lib/dgcg/metrics, tmpfiles.d)
pkg_is "metrics: 200" "$(curl -s --max-time 20 -o "$T/metrics" -w '%{http_code}' "${HEALTH%/health}/metrics")" 200
pkg_ok "metrics: the host's counters (metrics_file attached)" grep -qx 'dgcg_metrics_shared 1' "$T/metrics"
pkg_is "metrics_file is the workers' (dgcg 600)" "$(stat -c '%U %a' /var/lib/dgcg/metrics 2>&1)" "dgcg 600"

pkg_step "processes, logs"
pkg_is "workers run as dgcg" "$(ps -o user= -C dgcg-fcgi | sort -u | tr -d ' \n')" dgcg
pkg_is "their supervisor runs as dgcg" "$(ps -o user= -C multiwatch | sort -u | tr -d ' \n')" dgcg
pkg_is "4 workers (2 pools of DGCG_POOL_WORKERS=2)" "$(pgrep -c -x dgcg-fcgi)" 4
pkg_like "nginx's workers run as www-data" "$(ps -o user=,args= -C nginx | grep 'worker process' | sort -u)" \
	'^www-data +nginx: worker process'
line=$(grep -h 'message="Successful Authentication"' "$LOGS"/journal-dgcg-fcgi@*.log | head -n 1)
pkg_like "the workers' stderr (the journal) has the design document's lines" "$line" \
	'^timestamp="[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z", level="INFO", hostname="[^"]*", pid="[0-9]+", traceId="[0-9a-f]{32}", spanId="[0-9a-f]+", thread="main", class="[a-z]+", message="Successful Authentication", exception="", dnString="[^"]*C=DE", thumbprint="[0-9a-f]{64}"'
pkg_step "dgcg-purge.service's ExecStart"
unit_exec_words /lib/systemd/system/dgcg-purge.service ExecStart
pkg_ok "dgcg-admin purge, as the unit runs it" unit_run_as /lib/systemd/system/dgcg-purge.service \
	"${_unit_words[@]}"
pkg_step "dgcg-federation.service's ExecStart"
unit_exec_words /lib/systemd/system/dgcg-federation.service ExecStart
pkg_ok "dgcg-admin federation run (no peer), as the unit runs it" \
	unit_run_as /lib/systemd/system/dgcg-federation.service "${_unit_words[@]}"

pkg_step "a log file and logrotate.d/dgcg"
pkg_ok "the pools stop on SIGTERM" stop_pools
sed -i 's|^log_file = .*|log_file = /var/log/dgcg/dgcg.log|' /etc/dgcg/dgcg.conf
pkg_ok "pools started with log_file in /var/log/dgcg" start_pools
pkg_ok "LogsDirectory: /var/log/dgcg is dgcg's" test "$(stat -c '%a %U' /var/log/dgcg)" = "750 dgcg"
pkg_is "a request" "$(cc_curl /countrylist)" 200
pkg_ok "the line is in the log file" wait_for 30 grep -q 'message="Successful Authentication"' /var/log/dgcg/dgcg.log
pkg_ok "logrotate -d /etc/logrotate.d/dgcg" logrotate -d /etc/logrotate.d/dgcg
pkg_ok "logrotate -f (copytruncate)" logrotate -f -s "$T/logrotate.state" /etc/logrotate.d/dgcg
pkg_ok "rotated: dgcg.log.1 holds the old lines" grep -q 'Successful Authentication' /var/log/dgcg/dgcg.log.1
pkg_is "a request after the rotation" "$(cc_curl /countrylist)" 200
pkg_ok "its line is in the emptied dgcg.log" wait_for 30 grep -q 'Successful Authentication' /var/log/dgcg/dgcg.log
pkg_like "written from its start (O_APPEND: no hole of NUL bytes)" "$(head -c 11 /var/log/dgcg/dgcg.log)" '^timestamp="$'

pkg_step "reinstall (the upgrade path)"
pkg_ok "dpkg -i again, the pools running" dpkg -i "$deb"
pkg_is "dgcg.conf is still 0640 root:dgcg, and changed" \
	"$(stat -c '%a %U:%G' /etc/dgcg/dgcg.conf) $(grep -c '^log_file = /var/log' /etc/dgcg/dgcg.conf)" \
	"640 root:dgcg 1"
pkg_is "the pools still answer" "$(cc_curl /countrylist)" 200

# --- remove and purge -------------------------------------------------------------
pkg_step "dpkg -r"
stop_pools
nginx -s quit 2>/dev/null
wait_for 50 sh -c '! pgrep -x nginx'
pkg_ok "dpkg -r removes the package" dpkg -r dgcg
pkg_not "the programs are gone" test -e /usr/sbin/dgcg-fcgi
pkg_ok "the conffiles stay" test -s /etc/dgcg/dgcg.conf -a -s /etc/nginx/sites-available/dgcg
pkg_not "the site is disabled (its files are gone)" test -L /etc/nginx/sites-enabled/dgcg
pkg_ok "nginx -t passes" nginx -t -q
pkg_step "dpkg --purge"
pkg_ok "dpkg --purge" dpkg --purge dgcg
left=
while IFS= read -r f; do
	[[ -d "$f" ]] && continue
	[[ -e "$f" || -L "$f" ]] && left+="$f "
done <"$T/filelist"
pkg_is "every file of the package is gone" "$left" ""
for d in /usr/share/dgcg /usr/share/doc/dgcg /var/cache/dgcg /var/lib/dgcg /var/log/dgcg /run/dgcg; do
	pkg_not "$d is gone" test -e "$d"
done
pkg_is "/etc/dgcg keeps the operator's files only" \
	"$(cd /etc/dgcg 2>/dev/null && find . -mindepth 1 | sort | tr '\n' ' ')" "$operator_files"
pkg_not "no dgcg.conf.dpkg-* left" sh -c 'ls /etc/dgcg/dgcg.conf* 2>/dev/null | grep -q .'
pkg_ok "the user dgcg is kept (Debian policy)" id -u dgcg
pkg_ok "nginx -t passes after the purge" nginx -t -q
pkg_is "dpkg no longer knows dgcg" "$(dpkg-query -W -f='${Status}' dgcg 2>&1 | grep -c ' installed$')" 0
stop_pid "$dbpid" || true
