#!/bin/bash
# systemd.sh: the package test's part under systemd (run by t/pkg/test.sh
# through pkgroot_exec in a fresh throwaway root where pkgroot_boot made
# systemd PID 1 of private namespaces, loopback only). Where inside.sh runs
# the units' command lines by hand, here systemd runs the units themselves,
# with their whole sandbox: dpkg -i, the operator guide's setup, systemctl enable
# --now, mTLS requests, proof that the sandbox applies to the workers, the
# journal, the purge timer's service, an upgrade, a log file, dpkg -r and
# dpkg --purge.
#
# Usage: systemd.sh PASSED FAILED (the counts so far: numbering goes on).
# Input in /root/dgcg-test as for inside.sh; the totals go to counts.
set -u

T=/root/dgcg-test
# shellcheck source=t/pkg/assert.sh
. "$T/assert.sh"
pkg_add "${1:-0}" "${2:-0}"
P=$T/pki
URL=https://localhost

finish() {
	pkg_counts >"$T/counts"
	pkg_step_end
}
trap finish EXIT

wait_for() {
	local n=$1
	shift
	while (( n-- > 0 )); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

cc_curl() {
	local path=$1
	shift
	curl -s --max-time 20 --cacert "$P/server-ca.pem" --cert "$P/DE/auth.pem" \
		--key "$P/DE/auth.key" -o "$T/body" -w '%{http_code}' "$@" "$URL$path"
}

prop() { systemctl show -p "$2" --value "$1"; }

# status LINE of /proc/PID/status
pstatus() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"; }

pkg_step "systemd: dpkg -i"
deb=$(ls "$T"/dgcg_*.deb)
pkg_ok "dpkg -i (systemd running)" dpkg -i "$deb"
pkg_is "no dgcg unit active" "$(systemctl list-units --no-legend --state=active 'dgcg*' | wc -l)" 0
pkg_is "the timer is not enabled" "$(systemctl is-enabled dgcg-purge.timer 2>&1)" disabled
pkg_is "the socket template is not enabled" "$(systemctl is-enabled dgcg-fcgi@1.socket 2>&1)" disabled

pkg_step "systemd: the operator guide's setup"
pkg_is "mariadb.service runs (from the root's boot)" "$(systemctl is-active mariadb.service)" active
cd /etc/dgcg || exit 1
( umask 077 && openssl rand -hex 24 >admin.password && openssl rand -hex 24 >app.password )
chgrp dgcg app.password && chmod 0640 app.password
printf 's/@DB_NAME@/dgcg/g; s/@ADMIN_USER@/dgcg_admin/g; s/@ADMIN_PASSWORD@/%s/g\n' \
	"$(cat admin.password)" | sed -f /dev/stdin /usr/share/dgcg/sql/admin.sql.in >/root/admin.sql
pkg_ok "admin.sql.in" sh -c 'mariadb </root/admin.sql'
install -m 0644 "$P/ta.pem" trust-anchor.pem
pkg_ok "dgcg-admin migrate" dgcg-admin migrate
printf 's/@DB_NAME@/dgcg/g; s/@APP_USER@/dgcg_app/g; s/@APP_PASSWORD@/%s/g\n' \
	"$(cat app.password)" | sed -f /dev/stdin /usr/share/dgcg/sql/grants.sql.in >/root/grants.sql
pkg_ok "grants.sql.in" sh -c 'mariadb </root/grants.sql'
rm -f /root/admin.sql /root/grants.sql
for kind in auth upload csca; do
	case $kind in
	auth) type=AUTHENTICATION ;;
	upload) type=UPLOAD ;;
	csca) type=CSCA ;;
	esac
	sig=$(dgcg-admin ta-sign --ta-cert "$P/ta.pem" --ta-key "$P/ta.key" "$P/DE/$kind.pem")
	pkg_ok "onboard DE $type" dgcg-admin onboard --country DE --type "$type" \
		--cert "$P/DE/$kind.pem" --signature "$sig"
done
mkdir -p tls && cp "$P/server.pem" "$P/server.key" "$P/client-ca.pem" "$P/client-ca.crl" tls/ &&
	chmod 0600 tls/server.key
cd / || exit 1
ln -s ../sites-available/dgcg /etc/nginx/sites-enabled/dgcg
pkg_ok "nginx -t and systemctl reload nginx" sh -c 'nginx -t -q && systemctl reload nginx'

pkg_step "systemd: enable --now"
pkg_ok "systemctl enable --now dgcg-fcgi@1.socket dgcg-fcgi@2.socket dgcg-purge.timer" \
	systemctl enable --now dgcg-fcgi@1.socket dgcg-fcgi@2.socket dgcg-purge.timer
pkg_is "the sockets listen, the pools wait for a connection" \
	"$(systemctl is-active dgcg-fcgi@1.socket dgcg-fcgi@2.socket dgcg-fcgi@1.service | tr '\n' ' ')" \
	"active active inactive "
pkg_is "socket 0660 root:www-data" "$(stat -c '%a %U:%G' /run/dgcg/fcgi-1.sock 2>&1)" "660 root:www-data"
st=000
for _ in $(seq 100); do
	st=$(cc_curl /countrylist)
	[[ "$st" == 200 ]] && break
	sleep 0.1
done
pkg_is "GET /countrylist: 200 (the first connection starts the pool)" "$st" 200
pkg_is "the country list" "$(cat "$T/body")" '["DE"]'
openssl x509 -in "$P/DE/dsc.pem" -outform DER -out "$T/dsc.der"
openssl cms -sign -nodetach -binary -in "$T/dsc.der" -signer "$P/DE/upload.pem" \
	-inkey "$P/DE/upload.key" -outform DER | openssl base64 -A >"$T/dsc.cms.b64"
pkg_is "POST /signerCertificate: 201 (the sandboxed worker writes to MariaDB)" \
	"$(cc_curl /signerCertificate -H 'Content-Type: application/cms' --data-binary "@$T/dsc.cms.b64")" 201
pkg_is "GET /trustList: 200" "$(cc_curl /trustList)" 200
pkg_like "the DSC is in it" "$(cat "$T/body")" '"certificateType":"DSC"'
pkg_is "GET /trustList again (from the cache dir): 200" "$(cc_curl /trustList)" 200
cached=$(find /var/cache/dgcg -name 'tl-*.json' | head -n 1)
pkg_ok "the worker wrote the cache dir (ReadWritePaths)" test -n "$cached"
[[ -n "$cached" ]] && pkg_is "dgcg:www-data 0640" "$(stat -c '%a %U:%G' "$cached")" "640 dgcg:www-data"
pkg_like "health: UP" "$(curl -s --max-time 20 http://127.0.0.1:8081/health)" '"status":"UP"'

pkg_step "systemd: the sandbox applies"
main=$(prop dgcg-fcgi@1.service MainPID)
pkg_is "the pool's main process is multiwatch" "$(ps -o comm= -p "$main")" multiwatch
worker=$(pgrep -P "$main" -x dgcg-fcgi | head -n 1)
pkg_ok "a worker" test -n "$worker"
ngx=$(pgrep -x nginx | head -n 1)
if [[ -n "$worker" ]]; then
	pkg_is "the worker runs as dgcg" "$(ps -o user= -p "$worker" | tr -d ' ')" dgcg
	pkg_is "no capabilities (CapEff, CapBnd)" "$(pstatus "$worker" CapEff) $(pstatus "$worker" CapBnd)" \
		"0000000000000000 0000000000000000"
	pkg_is "NoNewPrivs" "$(pstatus "$worker" NoNewPrivs)" 1
	pkg_is "a seccomp filter (SystemCallFilter)" "$(pstatus "$worker" Seccomp)" 2
	pkg_not "a network namespace of its own (PrivateNetwork)" \
		test "$(readlink "/proc/$worker/ns/net")" = "$(readlink "/proc/$ngx/ns/net")"
	pkg_not "a user namespace of its own (PrivateUsers)" \
		test "$(readlink "/proc/$worker/ns/user")" = "$(readlink /proc/1/ns/user)"
	pkg_like "/ is read-only for it (ProtectSystem=strict)" \
		"$(awk '$5 == "/" {print $6}' "/proc/$worker/mountinfo" | head -n 1)" '^ro'
	pkg_like "the cache dir is writable for it" \
		"$(awk '$5 == "/var/cache/dgcg" {print $6}' "/proc/$worker/mountinfo" | tail -n 1)" '^rw'
fi
line=$(journalctl -u 'dgcg-fcgi@*' -o cat --no-pager | grep -m 1 'message="Successful Authentication"')
pkg_like "the journal has the design document's lines" "$line" \
	'^timestamp="[0-9-]+T[0-9:.]+Z", level="INFO", hostname="[^"]*", pid="[0-9]+", traceId="[0-9a-f]{32}", spanId="[0-9a-f]+", thread="main", class="auth", message="Successful Authentication"'

pkg_step "systemd: the purge timer's service"
pkg_is "the timer is waiting" "$(systemctl is-active dgcg-purge.timer)" active
pkg_ok "systemctl start dgcg-purge.service" systemctl start dgcg-purge.service
pkg_is "it succeeded" "$(prop dgcg-purge.service Result)" success
pkg_like "its output is in the journal" "$(journalctl -u dgcg-purge.service -o cat --no-pager)" \
	'revocation batch tombstones'

pkg_step "systemd: restart, upgrade, stop"
ino=$(stat -c %i /run/dgcg/fcgi-1.sock)
pkg_ok "systemctl restart dgcg-fcgi@1.service" systemctl restart dgcg-fcgi@1.service
pkg_is "the socket is the same one (systemd keeps it)" "$(stat -c %i /run/dgcg/fcgi-1.sock)" "$ino"
before=$(prop dgcg-fcgi@1.service MainPID)
pkg_ok "dpkg -i again (an upgrade)" dpkg -i "$deb"
pkg_ok "the postinst restarted the pool" wait_for 100 sh -c \
	"test \"\$(systemctl show -p MainPID --value dgcg-fcgi@1.service)\" != $before"
pkg_is "GET /countrylist after it: 200" "$(cc_curl /countrylist)" 200
pkg_is "the enabled timer runs again after it" "$(systemctl is-active dgcg-purge.timer)" active
pkg_is "a timer never enabled stays stopped after it" "$(systemctl is-active dgcg-federation.timer)" inactive
pkg_ok "systemctl stop dgcg-fcgi@2.service" systemctl stop dgcg-fcgi@2.service
pkg_is "stopped cleanly (SIGTERM to multiwatch, SIGUSR1 to the workers)" \
	"$(prop dgcg-fcgi@2.service Result) $(prop dgcg-fcgi@2.service ExecMainStatus)" "success 0"

pkg_step "systemd: a log file"
sed -i 's|^log_file = .*|log_file = /var/log/dgcg/dgcg.log|' /etc/dgcg/dgcg.conf
pkg_ok "systemctl restart dgcg-fcgi@1.service" systemctl restart dgcg-fcgi@1.service
pkg_is "a request" "$(cc_curl /countrylist)" 200
pkg_is "LogsDirectory made /var/log/dgcg" "$(stat -c '%a %U:%G' /var/log/dgcg 2>&1)" "750 dgcg:dgcg"
pkg_ok "the line is in /var/log/dgcg/dgcg.log" wait_for 30 grep -q 'Successful Authentication' \
	/var/log/dgcg/dgcg.log
pkg_ok "logrotate -f /etc/logrotate.d/dgcg" logrotate -f /etc/logrotate.d/dgcg
pkg_is "a request after the rotation" "$(cc_curl /countrylist)" 200
pkg_like "its line starts the emptied file" "$(head -c 11 /var/log/dgcg/dgcg.log 2>&1)" '^timestamp="$'

pkg_step "systemd: dpkg -r, dpkg --purge"
pkg_ok "dpkg -r" dpkg -r dgcg
pkg_is "the prerm stopped the sockets, pools and timer" \
	"$(systemctl list-units --no-legend --state=active 'dgcg*' | wc -l)" 0
pkg_not "no worker left" pgrep -x 'dgcg-fcgi|multiwatch'
pkg_not "the site is disabled" test -L /etc/nginx/sites-enabled/dgcg
pkg_ok "systemctl reload nginx" sh -c 'nginx -t -q && systemctl reload nginx'
pkg_ok "dpkg --purge" dpkg --purge dgcg
for d in /var/cache/dgcg /var/log/dgcg /run/dgcg /etc/dgcg/dgcg.conf /lib/systemd/system/dgcg-fcgi@.service; do
	pkg_not "$d is gone" test -e "$d"
done
pkg_ok "the user dgcg is kept" id -u dgcg
