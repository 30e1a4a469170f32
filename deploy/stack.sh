# shellcheck shell=bash
# stack.sh: a private dgcg stack on loopback (MariaDB, FastCGI workers, nginx),
# sourced by deploy/local and t/lib.sh. Nothing here needs systemd or touches
# state outside $STACK_DIR; every server is stopped by the pid in its pid file.
#
# Functions:
#   stack_up        start whatever of the stack is not running (idempotent)
#   stack_down      stop nginx, the workers and MariaDB by pid; bounded waits
#   stack_status    print pids and the URL; non-zero unless everything runs
#   stack_reload    make nginx re-read its config, certificates and CRL
#                   (alias stack_reload_nginx)
#   stack_restart_workers   stop the worker pools and start them again (they
#                   read $STACK_DIR/dgcg.conf anew); waits until they answer
#   stack_sql SQL   run SQL as the MariaDB root user on the dgcg database
#                   (batch mode: tab-separated, no column names)
#   stack_free_port print a free TCP port on 127.0.0.1
#   stack_scan_secrets [FILE...]  print the logs that hold a secret (non-zero
#                   when any does)
#   stack_worker_pids   the pids of the dgcg-fcgi workers
#   stack_install_packages   apt-get install what deploy/packages lists and is
#                    missing; upgrade the NAME>=VERSION ones (STACK_UPGRADE)
#   stack_db_provision   provision a MariaDB the stack does not run (the one
#                    at STACK_DB_SOCKET, as its root user): the database, the
#                    admin user, the migrations, the app user's grants, the
#                    onboarded countries, the value sets; writes dgcg.conf
#                    and secrets/ in STACK_DIR (deploy/cluster, on its first
#                    Galera node)
#
# Environment:
#   STACK_DIR        state dir (required); created when missing
#   DGCG_SRCDIR      source tree (default: the parent of this file's directory)
#   DGCG_BUILDDIR    where dgcg-fcgi and dgcg-admin are (default: DGCG_SRCDIR)
#   STACK_PORT       TLS port; 0 or unset = a free port, chosen once and kept
#                    in $STACK_DIR/port
#   STACK_HEALTH_PORT  the load balancer's health-check port (plain HTTP,
#                    127.0.0.1 only, GET /health); 0 or unset = a free port,
#                    kept in $STACK_DIR/health_port
#   STACK_COUNTRIES  onboarded countries (default "DE FR IE")
#   STACK_POOLS      spawn-fcgi sockets nginx balances over (default 2)
#   STACK_WORKERS    workers per socket, supervised by multiwatch (default 2)
#   STACK_BODY_MAX   largest request body in bytes (default 1048576)
#   STACK_LOG_LEVEL  worker log level (default DEBUG)
#   STACK_EXTRA_CONF lines appended to the generated dgcg.conf (e.g.
#                    "check_dsc_expiry = no"); default none
#   STACK_WORKER_USER  user the FastCGI workers and nginx's workers run as
#                    when the stack is started by root (default: dgcg when
#                    that user exists, else nobody); its primary group may
#                    read dgcg.conf, the app password and the trust anchor,
#                    never the admin password, private keys or the database
#                    files. Ignored (the invoking user) when not root.
#   STACK_DB_TLS     1: MariaDB also listens on a free 127.0.0.1 port
#                    (kept in $STACK_DIR/dbport) with TLS (pki/server.pem)
#                    and require_secure_transport; the app and admin users
#                    get 127.0.0.1 accounts with REQUIRE SSL, and dgcg.conf
#                    connects there with db_tls = yes, db_tls_ca =
#                    pki/server-ca.pem. Default 0 (unix socket only).
#   STACK_DB_TLS_FROM  the host part of those REQUIRE SSL accounts (default
#                    127.0.0.1; deploy/cluster: its network, e.g. 198.18.1.%)
#   STACK_DB_HOST    a MariaDB elsewhere (deploy/cluster: a Galera node): the
#                    stack runs no MariaDB and provisions nothing; dgcg.conf
#                    connects to STACK_DB_HOST:STACK_DB_PORT (default 3306)
#                    with db_tls = yes, db_tls_ca = server-ca.pem of the PKI.
#                    The database and its users must exist (stack_db_provision)
#                    and $STACK_DIR/secrets/app.password must hold the app
#                    user's password. With stack_db_provision: the address
#                    the dgcg.conf it writes connects to (with STACK_DB_TLS=1).
#   STACK_DB_SOCKET  stack_db_provision: the unix socket of that MariaDB
#                    (default: the stack's own, run/mysqld.sock)
#   STACK_PKI        the PKI directory (default $STACK_DIR/pki); several
#                    stacks may share one (deploy/cluster)
#   STACK_ADDR       the address of nginx's TLS listener and of DGCG_URL
#                    (default 127.0.0.1; deploy/cluster: a host's address in
#                    its network namespace)
#   STACK_SERVER_CERT, STACK_SERVER_KEY  nginx's certificate and key (default
#                    pki/server.pem|key, whose subjectAltName is 127.0.0.1)
#   STACK_PROXY_DN   a gateway host behind a load balancer (deploy/cluster):
#                    the TLS listener accepts only a client certificate of
#                    STACK_CLIENT_CA (the balancer's own CA) with this subject
#                    (RFC 2253), and takes the client identity from the
#                    balancer's X-SSL-Client-SHA256 / X-SSL-Client-DN headers
#                    (SecReq-011) and its X-Request-Id. Default: none, nginx
#                    does the national backends' mutual TLS itself.
#   STACK_CLIENT_CA, STACK_CLIENT_CRL  the CA bundle and CRLs client
#                    certificates are checked against (default
#                    pki/client-bundle.pem, pki/client-ca.crl)
#   STACK_DB_ENCRYPT 1: data at rest encrypted (file_key_management, key
#                    file $STACK_DIR/keys/keyfile, outside the datadir;
#                    InnoDB tables, redo log, temporary files, Aria tables).
#                    Chosen when the datadir is created. Default 0.
#
# Layout of $STACK_DIR: pki/ (deploy/pki.sh), data/ (MariaDB), run/ (sockets,
# pid files), secrets/ (passwords, 0600), keys/ (the data-at-rest key file,
# 0600; STACK_DB_ENCRYPT), log/ (dgcg.log, mariadb.err,
# spawn-N.log), nginx/ (prefix: nginx.conf, logs/, tmp/, js/, errors/),
# cache/ (cache_dir), state/ (the workers': metrics, their metrics_file),
# dgcg.conf, port, health_port, env (sourceable: DGCG_URL, DGCG_CACERT, DGCG_PKI,
# DGCG_HEALTH_URL, DGCG_METRICS_URL, ...).
#
# The PKI holds, besides the onboarded countries, client certificates for
# tests in pki/extra/ (all for the first country): good (trusted by nginx,
# not onboarded), expired, untrusted (unknown CA), revoked (in the CRL).
#
# Functions return non-zero with a message on stderr; they never exit.

_stack_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# shellcheck source=deploy/pki.sh
. "$_stack_here/pki.sh"

_stack_err() { printf 'stack: %s\n' "$*" >&2; }

# _stack_bin NAME: NAME's path; daemons live in /usr/sbin, off a user's PATH.
_stack_bin() {
	local p
	if p=$(command -v "$1"); then
		printf '%s\n' "$p"
	elif [[ -x "/usr/sbin/$1" ]]; then
		printf '%s\n' "/usr/sbin/$1"
	else
		_stack_err "$1 not found (see deploy/packages)"
		return 1
	fi
}
_stack_say() { printf 'stack: %s\n' "$*" >&2; }

# _stack_init: checks the environment and sets the _stack_* paths.
_stack_init() {
	if [[ -z "${STACK_DIR:-}" ]]; then
		_stack_err "STACK_DIR is not set"
		return 1
	fi
	mkdir -p "$STACK_DIR" || return 1
	STACK_DIR=$(cd "$STACK_DIR" && pwd) || return 1
	_stack_src=${DGCG_SRCDIR:-$(cd "$_stack_here/.." && pwd)}
	_stack_src=$(cd "$_stack_src" && pwd) || return 1
	_stack_build=${DGCG_BUILDDIR:-$_stack_src}
	_stack_build=$(cd "$_stack_build" && pwd) || return 1
	_stack_mariadbd=$(_stack_bin mariadbd) && _stack_nginx=$(_stack_bin nginx) || return 1
	_stack_countries=${STACK_COUNTRIES:-DE FR IE}
	_stack_pools=${STACK_POOLS:-2}
	_stack_workers=${STACK_WORKERS:-2}
	_stack_body_max=${STACK_BODY_MAX:-1048576}
	_stack_pki=${STACK_PKI:-$STACK_DIR/pki}
	mkdir -p "$_stack_pki" && _stack_pki=$(cd "$_stack_pki" && pwd) || return 1
	_stack_addr=${STACK_ADDR:-127.0.0.1}
	_stack_db_host=${STACK_DB_HOST:-}
	_stack_db_port=${STACK_DB_PORT:-3306}
	_stack_tls_from=${STACK_DB_TLS_FROM:-127.0.0.1}
	_stack_proxy_dn=${STACK_PROXY_DN:-}
	_stack_run=$STACK_DIR/run
	_stack_log=$STACK_DIR/log
	_stack_ngx=$STACK_DIR/nginx
	_stack_data=$STACK_DIR/data
	_stack_secrets=$STACK_DIR/secrets
	_stack_conf=$STACK_DIR/dgcg.conf
	_stack_dbsock=${STACK_DB_SOCKET:-$_stack_run/mysqld.sock}
	_stack_dbpid=$_stack_run/mysqld.pid
	_stack_db=dgcg
	_stack_app_user=dgcg_app
	_stack_admin_user=dgcg_admin
	_stack_keys=$STACK_DIR/keys
	_stack_db_tls=${STACK_DB_TLS:-0}
	_stack_db_encrypt=${STACK_DB_ENCRYPT:-0}
	if [[ $EUID -eq 0 ]]; then
		_stack_dbroot=root
		_stack_wuser=${STACK_WORKER_USER:-}
		if [[ -z "$_stack_wuser" ]]; then
			_stack_wuser=nobody
			id -u dgcg >/dev/null 2>&1 && _stack_wuser=dgcg
		fi
		if ! _stack_wgroup=$(id -gn "$_stack_wuser" 2>/dev/null); then
			_stack_err "STACK_WORKER_USER: no user $_stack_wuser"
			return 1
		fi
		if [[ "$(id -u "$_stack_wuser")" == 0 ]]; then
			_stack_err "STACK_WORKER_USER must not be root"
			return 1
		fi
	else
		_stack_dbroot=$(id -un)
		_stack_wuser=$_stack_dbroot
		_stack_wgroup=$(id -gn)
	fi
	if [[ ! "$_stack_pools" =~ ^[1-9][0-9]*$ || ! "$_stack_workers" =~ ^[1-9][0-9]*$ ]]; then
		_stack_err "STACK_POOLS and STACK_WORKERS must be positive integers"
		return 1
	fi
	if [[ ! "$_stack_body_max" =~ ^[1-9][0-9]*$ ]]; then
		_stack_err "STACK_BODY_MAX must be a number of bytes"
		return 1
	fi
	# sun_path holds 108 bytes
	if (( ${#_stack_run} + 16 > 107 )); then
		_stack_err "STACK_DIR path too long for unix sockets: $STACK_DIR"
		return 1
	fi
	mkdir -p "$_stack_run" "$_stack_log" "$_stack_ngx" "$STACK_DIR/tmp" || return 1
	( umask 077 && mkdir -p "$_stack_secrets" ) || return 1
}

stack_free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# _stack_pid FILE WORD: prints the pid in FILE when that process is alive and
# its command line contains WORD (guards against a stale file and a reused pid).
_stack_pid() {
	local pid
	[[ -s "$1" ]] || return 1
	pid=$(<"$1") || return 1
	pid=${pid//[[:space:]]/}
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2" || return 1
	printf '%s\n' "$pid"
}

# _stack_wait_gone TENTHS PID...: waits until all PIDs are gone.
_stack_wait_gone() {
	local tenths=$1 pid alive
	shift
	while (( tenths-- > 0 )); do
		alive=0
		for pid in "$@"; do
			kill -0 "$pid" 2>/dev/null && alive=1
		done
		(( alive )) || return 0
		sleep 0.1
	done
	return 1
}

# _stack_stop TENTHS SIGNAL PID...: signal, wait, then SIGKILL what is left.
_stack_stop() {
	local tenths=$1 sig=$2 pid
	shift 2
	(( $# )) || return 0
	kill "-$sig" "$@" 2>/dev/null
	_stack_wait_gone "$tenths" "$@" && return 0
	for pid in "$@"; do
		if kill -0 "$pid" 2>/dev/null; then
			_stack_say "pid $pid did not stop after SIG$sig, killing it"
			kill -KILL "$pid" 2>/dev/null
		fi
	done
	_stack_wait_gone 50 "$@"
}

# _stack_subst IN OUT KEY VALUE...: copies IN to OUT replacing @KEY@ by VALUE;
# fails when a placeholder is left.
_stack_subst() {
	local in=$1 out=$2 text k v left
	shift 2
	text=$(<"$in") || return 1
	while (( $# >= 2 )); do
		k=$1 v=$2
		shift 2
		text=${text//"@$k@"/"$v"}
	done
	left=$(grep -oE '@[A-Z_]+@' <<<"$text" | sort -u | tr '\n' ' ')
	if [[ -n "$left" ]]; then
		_stack_err "$in: no value for $left"
		return 1
	fi
	printf '%s\n' "$text" >"$out.tmp" && mv -f "$out.tmp" "$out"
}

_stack_mariadb() {
	mariadb --no-defaults --protocol=socket -S "$_stack_dbsock" -u "$_stack_dbroot" "$@"
}

stack_sql() {
	_stack_init || return 1
	_stack_mariadb -D "$_stack_db" -N -B -e "$1"
}

# _stack_sql_template FILE KEY VALUE...: runs a *.sql.in as root.
_stack_sql_template() {
	local in=$1 tmp
	shift
	tmp=$STACK_DIR/tmp/$(basename "$in" .in)
	( umask 077 && _stack_subst "$in" "$tmp" "$@" ) || return 1
	if ! _stack_mariadb <"$tmp"; then
		_stack_err "$in failed"
		rm -f "$tmp"
		return 1
	fi
	rm -f "$tmp"
}

_stack_pki_up() {
	local cc first
	PKI=$_stack_pki
	# shellcheck disable=SC2086
	pki_all $_stack_countries || { _stack_err "PKI generation failed"; return 1; }
	read -r first _ <<<"$_stack_countries"
	if ! { pki_client good "$first" good && pki_client expired "$first" expired &&
		pki_client untrusted "$first" untrusted && pki_client revoked "$first" revoked; }; then
		_stack_err "PKI extra clients failed"
		return 1
	fi
	cat "$_stack_pki/client-ca.pem" >"$_stack_pki/client-bundle.pem.tmp" &&
		mv -f "$_stack_pki/client-bundle.pem.tmp" "$_stack_pki/client-bundle.pem"
	for cc in $_stack_countries; do
		[[ -s "$_stack_pki/$cc/auth.pem" ]] || return 1
	done
}

# _stack_db_keyfile: the data-at-rest keys (file_key_management format
# "id;hex"), 0600 in $STACK_DIR/keys, outside the datadir; kept once made.
_stack_db_keyfile() {
	local i
	[[ -s "$_stack_keys/keyfile" ]] && return 0
	( umask 077 && mkdir -p "$_stack_keys" &&
		for i in 1 2; do
			printf '%s;%s\n' "$i" "$(openssl rand -hex 32)" || exit 1
		done >"$_stack_keys/keyfile.tmp" &&
		mv -f "$_stack_keys/keyfile.tmp" "$_stack_keys/keyfile" )
}

# _stack_db_opts: the mariadbd options of STACK_DB_ENCRYPT and STACK_DB_TLS
# into the array _stack_dbopts (encryption ones first: mariadb-install-db
# gets those too).
_stack_db_opts() {
	_stack_dbopts=()
	if [[ "$_stack_db_encrypt" == 1 ]]; then
		_stack_db_keyfile || { _stack_err "cannot write $_stack_keys/keyfile"; return 1; }
		_stack_dbopts+=(--plugin-load-add=file_key_management
			--file-key-management-filename="$_stack_keys/keyfile"
			--file-key-management-encryption-algorithm=AES_CTR
			--innodb-encrypt-tables=FORCE --innodb-encrypt-log=ON
			--innodb-encrypt-temporary-tables=ON --innodb-encryption-threads=2
			--encrypt-tmp-disk-tables=ON --encrypt-tmp-files=ON --aria-encrypt-tables=ON)
	fi
	_stack_dbopts_install=("${_stack_dbopts[@]}")
	if [[ "$_stack_db_tls" == 1 ]]; then
		if [[ ! -s "$STACK_DIR/dbport" ]]; then
			stack_free_port >"$STACK_DIR/dbport" || return 1
		fi
		read -r _stack_dbport <"$STACK_DIR/dbport" || return 1
		_stack_dbopts+=(--bind-address=127.0.0.1 --port="$_stack_dbport"
			--ssl-cert="$_stack_pki/server.pem" --ssl-key="$_stack_pki/server.key"
			--ssl-ca="$_stack_pki/server-ca.pem" --require-secure-transport=ON)
	else
		_stack_dbopts+=(--skip-networking)
	fi
}

_stack_mariadb_up() {
	local tenths userarg=() bgpid
	_stack_db_opts || return 1
	if _stack_pid "$_stack_dbpid" mariadbd >/dev/null; then
		return 0
	fi
	[[ $EUID -eq 0 ]] && userarg=(--user=root)
	if [[ ! -d "$_stack_data/mysql" ]]; then
		_stack_say "initialising MariaDB in $_stack_data"
		# --user: with socket authentication, also creates that user's
		# account (root, or the invoking user) with all privileges
		# --tmpdir: a private one; parallel installs sharing /tmp can
		# collide on their temporary table names.
		mkdir -p "$STACK_DIR/tmp"
		if ! mariadb-install-db --no-defaults --datadir="$_stack_data" --user="$_stack_dbroot" \
			--auth-root-authentication-method=socket --skip-test-db \
			--tmpdir="$STACK_DIR/tmp" "${_stack_dbopts_install[@]}" \
			>"$_stack_log/mariadb-install.log" 2>&1; then
			_stack_err "mariadb-install-db failed, see $_stack_log/mariadb-install.log"
			tail -n 20 "$_stack_log/mariadb-install.log" >&2
			return 1
		fi
	fi
	rm -f "$_stack_dbpid"
	"$_stack_mariadbd" --no-defaults --datadir="$_stack_data" --socket="$_stack_dbsock" \
		--pid-file="$_stack_dbpid" --log-error="$_stack_log/mariadb.err" \
		"${_stack_dbopts[@]}" --skip-name-resolve --tmpdir="$STACK_DIR/tmp" \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
		--default-time-zone=+00:00 --innodb-buffer-pool-size=64M \
		"${userarg[@]}" </dev/null >>"$_stack_log/mariadb.out" 2>&1 &
	bgpid=$!
	tenths=600
	while (( tenths-- > 0 )); do
		if ! kill -0 "$bgpid" 2>/dev/null; then
			_stack_err "mariadbd exited, see $_stack_log/mariadb.err"
			tail -n 20 "$_stack_log/mariadb.out" "$_stack_log/mariadb.err" >&2 2>/dev/null
			return 1
		fi
		if mariadb-admin --no-defaults --protocol=socket -S "$_stack_dbsock" \
			-u "$_stack_dbroot" ping >/dev/null 2>&1 && [[ -s "$_stack_dbpid" ]]; then
			return 0
		fi
		sleep 0.1
	done
	_stack_err "MariaDB did not answer within 60 s, see $_stack_log/mariadb.err"
	return 1
}

_stack_secret() {
	[[ -s "$1" ]] && return 0
	( umask 077 && openssl rand -hex 24 >"$1" )
}

_stack_db_up() {
	local app_pw admin_pw
	_stack_secret "$_stack_secrets/app.password" &&
		_stack_secret "$_stack_secrets/admin.password" || return 1
	read -r app_pw <"$_stack_secrets/app.password"
	read -r admin_pw <"$_stack_secrets/admin.password"
	_stack_sql_template "$_stack_src/sql/admin.sql.in" DB_NAME "$_stack_db" \
		ADMIN_USER "$_stack_admin_user" ADMIN_PASSWORD "$admin_pw" || return 1
	_stack_conf_write || return 1
	if [[ ! -x "$_stack_build/dgcg-admin" ]]; then
		_stack_err "$_stack_build/dgcg-admin not found (build first)"
		return 1
	fi
	if ! "$_stack_build/dgcg-admin" -c "$_stack_conf" migrate >>"$_stack_log/admin.log" 2>&1; then
		_stack_err "dgcg-admin migrate failed, see $_stack_log/admin.log"
		tail -n 20 "$_stack_log/admin.log" >&2
		return 1
	fi
	_stack_sql_template "$_stack_src/sql/grants.sql.in" DB_NAME "$_stack_db" \
		APP_USER "$_stack_app_user" APP_PASSWORD "$app_pw" || return 1
	if [[ "$_stack_db_tls" == 1 ]]; then
		_stack_db_tls_user "$_stack_app_user" "$app_pw" &&
			_stack_db_tls_user "$_stack_admin_user" "$admin_pw" || return 1
		if [[ -n "$_stack_db_host" ]]; then
			_stack_conf_tls "$_stack_db_host" "$_stack_db_port"
		else
			_stack_conf_tls 127.0.0.1 "$_stack_dbport"
		fi
	fi
}

# _stack_conf_write: dgcg.conf from deploy/dgcg.conf.in (connecting over
# the unix socket) and STACK_EXTRA_CONF.
_stack_conf_write() {
	_stack_subst "$_stack_src/deploy/dgcg.conf.in" "$_stack_conf" \
		DB_SOCKET "$_stack_dbsock" DB_NAME "$_stack_db" \
		APP_USER "$_stack_app_user" APP_PASSWORD_FILE "$_stack_secrets/app.password" \
		ADMIN_USER "$_stack_admin_user" ADMIN_PASSWORD_FILE "$_stack_secrets/admin.password" \
		TRUST_ANCHOR "$_stack_pki/ta.pem" LOG_FILE "$_stack_log/dgcg.log" \
		LOG_LEVEL "${STACK_LOG_LEVEL:-DEBUG}" BODY_MAX "$_stack_body_max" \
		SQL_DIR "$_stack_src/sql" CACHE_DIR "$STACK_DIR/cache" \
		METRICS_FILE "$STACK_DIR/state/metrics" || return 1
	mkdir -p "$STACK_DIR/cache" "$STACK_DIR/state" || return 1
	if [[ -n "${STACK_EXTRA_CONF:-}" ]]; then
		printf '%s\n' "$STACK_EXTRA_CONF" >>"$_stack_conf" || return 1
	fi
}

# _stack_conf_tls HOST PORT: dgcg.conf's socket line becomes a TLS
# connection to HOST:PORT, the server certificate checked against the PKI's
# server CA (and its name against HOST).
_stack_conf_tls() {
	sed -i "s|^db_socket = .*|db_host = $1\\ndb_port = $2\\ndb_tls = yes\\ndb_tls_ca = $_stack_pki/server-ca.pem|" \
		"$_stack_conf"
}

# _stack_db_external: STACK_DB_HOST: only dgcg.conf, for a provisioned
# database elsewhere.
_stack_db_external() {
	if [[ ! -s "$_stack_secrets/app.password" ]]; then
		_stack_err "STACK_DB_HOST: no $_stack_secrets/app.password"
		return 1
	fi
	_stack_conf_write && _stack_conf_tls "$_stack_db_host" "$_stack_db_port"
}

stack_db_provision() {
	_stack_init || return 1
	read -r _stack_first _ <<<"$_stack_countries"
	_stack_pki_up && _stack_db_up && _stack_onboard && _stack_valuesets && _stack_perms
}

# _stack_db_tls_user USER PASSWORD: USER@STACK_DB_TLS_FROM (127.0.0.1) with
# REQUIRE SSL and the same privileges as USER@localhost (the SQL goes through
# stdin, never argv).
_stack_db_tls_user() {
	local u=$1 pw=$2 h=$_stack_tls_from g sql
	sql="CREATE USER IF NOT EXISTS '$u'@'$h' IDENTIFIED BY '$pw';
ALTER USER '$u'@'$h' IDENTIFIED BY '$pw' REQUIRE SSL;
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '$u'@'$h';"
	while IFS= read -r g; do
		[[ "$g" == "GRANT USAGE "* || "$g" != GRANT* ]] && continue
		sql+=$'\n'"${g//@\`localhost\`/@\`$h\`};"
	done < <(_stack_mariadb -N -B -e "SHOW GRANTS FOR '$u'@'localhost'")
	if ! _stack_mariadb <<<"$sql"; then
		_stack_err "could not make $u@$h"
		return 1
	fi
}

# _stack_perms: when root starts the stack, the workers run as
# $_stack_wuser:$_stack_wgroup. That group may enter $STACK_DIR and read
# dgcg.conf, the app password and the certificates (keys stay 0600 root);
# the worker user owns its log, cache and state. Everything else stays root's.
_stack_perms() {
	[[ $EUID -eq 0 ]] || return 0
	chgrp "$_stack_wgroup" "$STACK_DIR" "$_stack_secrets" "$_stack_secrets/app.password" \
		"$_stack_conf" &&
		chmod 0710 "$STACK_DIR" "$_stack_secrets" &&
		chmod 0640 "$_stack_secrets/app.password" "$_stack_conf" || return 1
	if [[ -e "$_stack_secrets/admin.password" ]]; then
		chmod 0600 "$_stack_secrets/admin.password" || return 1
	fi
	touch "$_stack_log/dgcg.log" &&
		chown "$_stack_wuser:$_stack_wgroup" "$_stack_log/dgcg.log" &&
		chmod 0640 "$_stack_log/dgcg.log" &&
		chown -R "$_stack_wuser:$_stack_wgroup" "$STACK_DIR/cache" "$STACK_DIR/state"
}

# _stack_onboard: AUTHENTICATION, UPLOAD and CSCA of each country, signed by the TA.
_stack_onboard() {
	local admin=$_stack_build/dgcg-admin cc kind type cert tp n sig rc
	for cc in $_stack_countries; do
		for kind in auth upload csca; do
			case $kind in
			auth) type=AUTHENTICATION ;;
			upload) type=UPLOAD ;;
			csca) type=CSCA ;;
			esac
			cert=$_stack_pki/$cc/$kind.pem
			tp=$(openssl x509 -in "$cert" -outform DER | sha256sum) || return 1
			tp=${tp%% *}
			n=$(stack_sql "SELECT COUNT(*) FROM trusted_party WHERE thumbprint = '$tp'") || return 1
			[[ "$n" == 0 ]] || continue
			if ! sig=$("$admin" -c "$_stack_conf" ta-sign --ta-cert "$_stack_pki/ta.pem" \
				--ta-key "$_stack_pki/ta.key" "$cert" 2>>"$_stack_log/admin.log"); then
				_stack_err "dgcg-admin ta-sign $cert failed, see $_stack_log/admin.log"
				return 1
			fi
			"$admin" -c "$_stack_conf" onboard --country "$cc" --type "$type" --cert "$cert" \
				--signature "$sig" >>"$_stack_log/admin.log" 2>&1
			rc=$?
			if (( rc != 0 && rc != 3 )); then
				_stack_err "dgcg-admin onboard $cc $type failed ($rc), see $_stack_log/admin.log"
				tail -n 20 "$_stack_log/admin.log" >&2
				return 1
			fi
		done
	done
}

# _stack_valuesets: imports the 8 real value sets of the shared test data
# ($DGCG_SHARED/testdata/valuesets, DGCG_SHARED defaulting to ../shared beside
# the source tree) with dgcg-admin, once, into an empty valueset table.
_stack_valuesets() {
	local shared=${DGCG_SHARED:-$_stack_src/../shared} dir f n files=()
	dir=${DGCG_TESTDATA:-$shared/testdata}/valuesets
	n=$(stack_sql "SELECT COUNT(*) FROM valueset") || return 1
	[[ "$n" == 0 ]] || return 0
	if [[ ! -d "$dir" ]]; then
		_stack_say "warning: $dir not found, no value sets imported (set DGCG_SHARED)"
		return 0
	fi
	for f in "$dir"/*.json; do
		[[ "$(basename "$f")" == index.json ]] || files+=("$f")
	done
	if ! "$_stack_build/dgcg-admin" -c "$_stack_conf" valuesets import "${files[@]}" \
		>>"$_stack_log/admin.log" 2>&1; then
		_stack_err "dgcg-admin valuesets import failed, see $_stack_log/admin.log"
		tail -n 20 "$_stack_log/admin.log" >&2
		return 1
	fi
}

# _stack_workers_up: one pool per socket, run by deploy/dgcg-pool (the one
# definition of how workers run: spawn-fcgi binds the socket and becomes
# multiwatch supervising STACK_WORKERS workers, in the same process, so the
# workers' stderr, e.g. sanitizer reports, lands in log/spawn-N.log; the pid
# file is written here). SIGTERM to it stops the workers with SIGUSR1, on
# which they finish the request in progress and exit normally (so
# sanitizers report leaks).
_stack_workers_up() {
	local i sock pidf log tenths pid uid=()
	[[ $EUID -eq 0 ]] && uid=(-u "$_stack_wuser" -g "$_stack_wgroup")
	if [[ ! -x "$_stack_build/dgcg-fcgi" ]]; then
		_stack_err "$_stack_build/dgcg-fcgi not found (build first)"
		return 1
	fi
	for (( i = 1; i <= _stack_pools; i++ )); do
		sock=$_stack_run/fcgi-$i.sock
		pidf=$_stack_run/spawn-$i.pid
		log=$_stack_log/spawn-$i.log
		_stack_pid "$pidf" multiwatch >/dev/null && continue
		rm -f "$pidf"
		"$_stack_here/dgcg-pool" -s "$sock" -M 0666 "${uid[@]}" -n "$_stack_workers" \
			-c "$_stack_conf" -w "$_stack_build/dgcg-fcgi" </dev/null >>"$log" 2>&1 &
		pid=$!
		printf '%s\n' "$pid" >"$pidf"
		tenths=100
		while (( tenths-- > 0 )); do
			if ! kill -0 "$pid" 2>/dev/null; then
				_stack_err "spawn-fcgi for $sock exited, see $log"
				tail -n 10 "$log" >&2
				return 1
			fi
			[[ -S "$sock" ]] && _stack_pid "$pidf" multiwatch >/dev/null && break
			sleep 0.1
		done
		if [[ ! -S "$sock" ]]; then
			_stack_err "no socket $sock after 10 s, see $log"
			return 1
		fi
	done
}

_stack_nginx_up() {
	local port=$1 ups="" i out f id peer=""
	_stack_pid "$_stack_ngx/nginx.pid" nginx >/dev/null && return 0
	mkdir -p "$_stack_ngx/logs" "$_stack_ngx/tmp" "$_stack_ngx/js" "$_stack_ngx/errors" || return 1
	cp "$_stack_src/nginx/dgcg.js" "$_stack_ngx/js/dgcg.js" || return 1
	mkdir -p "$_stack_ngx/extra" || return 1
	for f in "$_stack_src"/nginx/errors/*.json; do
		cp "$f" "$_stack_ngx/errors/" || return 1
	done
	for (( i = 1; i <= _stack_pools; i++ )); do
		ups+="    server unix:$_stack_run/fcgi-$i.sock max_fails=0;"$'\n'
	done
	# where the client identity comes from (see nginx/dgcg-site.conf.in)
	id=(CLIENT_SHA256 '$dgcg_client_sha256' CLIENT_DN '$ssl_client_s_dn' REQUEST_ID '$request_id')
	if [[ -n "$_stack_proxy_dn" ]]; then
		if [[ "$_stack_proxy_dn" == *[\"\\\$\'\{\}\;]* ]]; then
			_stack_err "STACK_PROXY_DN: quotes, \\, \$, braces and ; are not allowed"
			return 1
		fi
		id=(CLIENT_SHA256 '$http_x_ssl_client_sha256' CLIENT_DN '$http_x_ssl_client_dn'
			REQUEST_ID '$dgcg_lb_request_id')
		peer="        # Only the load balancer: its certificate's subject (STACK_PROXY_DN)."$'\n'
		peer+="        if (\$ssl_client_s_dn != \"$_stack_proxy_dn\") {"$'\n'
		peer+="            return 403 '{\"code\":\"0x403\",\"problem\":\"Only the load balancer may connect\",\"sendValue\":\"\",\"details\":\"\"}';"$'\n'
		peer+="        }"
	fi
	# the gateway's site (the same template the package installs), then
	# the whole nginx.conf around it
	_stack_subst "$_stack_src/nginx/dgcg-site.conf.in" "$_stack_ngx/site.conf" \
		LISTEN "$_stack_addr:$port" SERVER_NAME localhost "${id[@]}" PEER_CHECK "$peer" \
		SERVER_CERT "${STACK_SERVER_CERT:-$_stack_pki/server.pem}" \
		SERVER_KEY "${STACK_SERVER_KEY:-$_stack_pki/server.key}" \
		CLIENT_CA "${STACK_CLIENT_CA:-$_stack_pki/client-bundle.pem}" \
		CLIENT_CRL "${STACK_CLIENT_CRL:-$_stack_pki/client-ca.crl}" \
		DRAIN_FILE "$_stack_ngx/drain" \
		BODY_MAX "$_stack_body_max" UPSTREAMS "${ups%$'\n'}" \
		HEALTH_LISTEN "127.0.0.1:$_stack_hport" HEALTH_ALLOW 127.0.0.1 \
		ACCESS_LOG "$_stack_ngx/logs/access.log" JS_FILE "$_stack_ngx/js/dgcg.js" \
		ERRORS_DIR "$_stack_ngx/errors" CACHE_DIR "$STACK_DIR/cache" \
		EXTRA_CONF "$_stack_ngx/extra/*.conf" || return 1
	_stack_subst "$_stack_src/nginx/dgcg.conf.in" "$_stack_ngx/nginx.conf" \
		PREFIX "$_stack_ngx" NGINX_USER "$_stack_wuser $_stack_wgroup" \
		SITE "$(<"$_stack_ngx/site.conf")" || return 1
	rm -f "$_stack_ngx/site.conf"
	if ! out=$("$_stack_nginx" -p "$_stack_ngx/" -e "$_stack_ngx/logs/error.log" -c "$_stack_ngx/nginx.conf" -t 2>&1); then
		_stack_err "nginx -t failed: $out"
		return 1
	fi
	rm -f "$_stack_ngx/nginx.pid"
	if ! out=$("$_stack_nginx" -p "$_stack_ngx/" -e "$_stack_ngx/logs/error.log" -c "$_stack_ngx/nginx.conf" </dev/null 2>&1); then
		_stack_err "nginx failed to start: $out"
		return 1
	fi
}

# _stack_wait_http PORT: waits until nginx answers through a worker (behind
# a load balancer, STACK_PROXY_DN: on the health listener, as no national
# backend's certificate opens the TLS listener).
_stack_wait_http() {
	local port=$1 tenths=150 st=000 req
	req=(--cacert "$_stack_pki/server-ca.pem" --cert "$_stack_pki/$_stack_first/auth.pem"
		--key "$_stack_pki/$_stack_first/auth.key" "https://$_stack_addr:$port/countrylist")
	[[ -n "$_stack_proxy_dn" ]] && req=("http://127.0.0.1:$_stack_hport/health")
	while (( tenths-- > 0 )); do
		st=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "${req[@]}")
		case $st in
		000 | 502 | 503 | 504) sleep 0.1 ;;
		*) return 0 ;;
		esac
	done
	if [[ "$st" == 000 ]]; then
		_stack_err "nginx does not answer on $_stack_addr:$port, see $_stack_ngx/logs/error.log"
		tail -n 10 "$_stack_ngx/logs/error.log" >&2
		return 1
	fi
	_stack_say "warning: the workers answer nothing but $st yet, see $_stack_log/dgcg.log"
	return 0
}

# _stack_port FILE WANT: the port kept in $STACK_DIR/FILE; WANT 0 = a free
# one, chosen once. A running nginx keeps the ports it was started with.
_stack_port() {
	local file=$STACK_DIR/$1 port=${2:-0}
	if [[ -s "$file" ]] && _stack_pid "$_stack_ngx/nginx.pid" nginx >/dev/null; then
		read -r port <"$file"
	elif [[ "$port" == 0 ]]; then
		if [[ -s "$file" ]]; then
			read -r port <"$file"
		else
			port=$(stack_free_port) || return 1
		fi
	fi
	if [[ ! "$port" =~ ^[0-9]+$ ]] || (( port < 1 || port > 65535 )); then
		_stack_err "bad port '$port'"
		return 1
	fi
	printf '%s\n' "$port" >"$file"
	printf '%s\n' "$port"
}

_stack_write_env() {
	local port=$1
	{
		printf '# dgcg stack environment (written by deploy/stack.sh stack_up)\n'
		printf 'export DGCG_STACK_DIR=%q\n' "$STACK_DIR"
		printf 'export DGCG_PORT=%q\n' "$port"
		printf 'export DGCG_URL=%q\n' "https://$_stack_addr:$port"
		printf 'export DGCG_CACERT=%q\n' "$_stack_pki/server-ca.pem"
		printf 'export DGCG_HEALTH_URL=%q\n' "http://127.0.0.1:$_stack_hport/health"
		printf 'export DGCG_METRICS_URL=%q\n' "http://127.0.0.1:$_stack_hport/metrics"
		printf 'export DGCG_PKI=%q\n' "$_stack_pki"
		printf 'export DGCG_DB_SOCKET=%q\n' "$_stack_dbsock"
		printf 'export DGCG_DB_NAME=%q\n' "$_stack_db"
		printf 'export DGCG_DB_ADMIN_USER=%q\n' "$_stack_admin_user"
		printf 'export DGCG_DB_ADMIN_PASSWORD_FILE=%q\n' "$_stack_secrets/admin.password"
		printf 'export DGCG_DB_APP_USER=%q\n' "$_stack_app_user"
		printf 'export DGCG_DB_APP_PASSWORD_FILE=%q\n' "$_stack_secrets/app.password"
		printf 'export DGCG_CONFIG=%q\n' "$_stack_conf"
		printf 'export DGCG_ADMIN=%q\n' "$_stack_build/dgcg-admin"
		printf 'export DGCG_FCGI=%q\n' "$_stack_build/dgcg-fcgi"
		printf 'export DGCG_LOG=%q\n' "$_stack_log/dgcg.log"
		printf 'export DGCG_NGINX_ERROR_LOG=%q\n' "$_stack_ngx/logs/error.log"
		printf 'export DGCG_NGINX_ACCESS_LOG=%q\n' "$_stack_ngx/logs/access.log"
		printf 'export DGCG_WORKER_USER=%q\n' "$_stack_wuser"
		printf 'export DGCG_WORKER_GROUP=%q\n' "$_stack_wgroup"
		if [[ -n "$_stack_db_host" ]]; then
			printf 'export DGCG_DB_HOST=%q\n' "$_stack_db_host"
			printf 'export DGCG_DB_PORT=%q\n' "$_stack_db_port"
		elif [[ "$_stack_db_tls" == 1 ]]; then
			printf 'export DGCG_DB_PORT=%q\n' "$_stack_dbport"
		fi
		if [[ "$_stack_db_encrypt" == 1 ]]; then
			printf 'export DGCG_DB_KEYFILE=%q\n' "$_stack_keys/keyfile"
		fi
	} >"$STACK_DIR/env.tmp" && mv -f "$STACK_DIR/env.tmp" "$STACK_DIR/env"
}

stack_up() {
	local port
	_stack_init || return 1
	read -r _stack_first _ <<<"$_stack_countries"
	port=$(_stack_port port "${STACK_PORT:-0}") || return 1
	_stack_hport=$(_stack_port health_port "${STACK_HEALTH_PORT:-0}") || return 1
	_stack_pki_up || return 1
	if [[ -n "$_stack_db_host" ]]; then
		_stack_db_external || return 1
	else
		_stack_mariadb_up || return 1
		_stack_db_up || return 1
		_stack_onboard || return 1
		_stack_valuesets || return 1
	fi
	_stack_write_env "$port" || return 1
	_stack_perms || { _stack_err "setting permissions for $_stack_wuser failed"; return 1; }
	_stack_workers_up || return 1
	_stack_nginx_up "$port" || return 1
	_stack_wait_http "$port" || return 1
	_stack_say "up: https://$_stack_addr:$port (env: $STACK_DIR/env)"
}

stack_reload() {
	local pid old
	_stack_init || return 1
	pid=$(_stack_pid "$_stack_ngx/nginx.pid" nginx) || { _stack_err "nginx is not running"; return 1; }
	if ! old=$("$_stack_nginx" -p "$_stack_ngx/" -e "$_stack_ngx/logs/error.log" -c "$_stack_ngx/nginx.conf" -t 2>&1); then
		_stack_err "nginx -t failed: $old"
		return 1
	fi
	old=$(ps -o pid= --ppid "$pid")
	kill -HUP "$pid" || return 1
	# done when the old worker processes are gone (new ones have the new config)
	# shellcheck disable=SC2086
	_stack_wait_gone 100 $old || _stack_say "warning: old nginx workers still running"
	return 0
}

stack_reload_nginx() { stack_reload "$@"; }

stack_restart_workers() {
	local pid pidf pids=() kids=() port
	_stack_init || return 1
	read -r _stack_first _ <<<"$_stack_countries"
	for pidf in "$_stack_run"/spawn-*.pid; do
		[[ -e "$pidf" ]] || continue
		if pid=$(_stack_pid "$pidf" multiwatch); then
			pids+=("$pid")
			# shellcheck disable=SC2207
			kids+=($(ps -o pid= --ppid "$pid" 2>/dev/null))
		fi
	done
	_stack_stop 100 TERM "${pids[@]}"
	if (( ${#kids[@]} )) && ! _stack_wait_gone 50 "${kids[@]}"; then
		_stack_stop 10 KILL "${kids[@]}"
	fi
	rm -f "$_stack_run"/spawn-*.pid "$_stack_run"/fcgi-*.sock
	_stack_workers_up || return 1
	read -r port <"$STACK_DIR/port" || return 1
	[[ -s "$STACK_DIR/health_port" ]] && read -r _stack_hport <"$STACK_DIR/health_port"
	_stack_wait_http "$port"
}

stack_down() {
	local pid pidf pids=() kids=() ngx
	_stack_init || return 1
	# nginx and every worker pool at once (on TERM multiwatch sends SIGUSR1
	# to its workers and exits when they are gone), then MariaDB.
	if ngx=$(_stack_pid "$_stack_ngx/nginx.pid" nginx); then
		pids+=("$ngx")
		# shellcheck disable=SC2207
		kids+=($(ps -o pid= --ppid "$ngx" 2>/dev/null))
	fi
	for pidf in "$_stack_run"/spawn-*.pid; do
		[[ -e "$pidf" ]] || continue
		if pid=$(_stack_pid "$pidf" multiwatch); then
			pids+=("$pid")
			# shellcheck disable=SC2207
			kids+=($(ps -o pid= --ppid "$pid" 2>/dev/null))
		fi
	done
	_stack_stop 100 TERM "${pids[@]}"
	if (( ${#kids[@]} )) && ! _stack_wait_gone 50 "${kids[@]}"; then
		_stack_stop 10 KILL "${kids[@]}"
	fi
	rm -f "$_stack_ngx/nginx.pid" "$_stack_run"/spawn-*.pid "$_stack_run"/fcgi-*.sock
	if pid=$(_stack_pid "$_stack_dbpid" mariadbd); then
		_stack_stop 600 TERM "$pid"
	fi
	rm -f "$_stack_dbpid"
	return 0
}

# stack_db_stop [SIGNAL] / stack_db_start: stop MariaDB by pid (SIGTERM, a
# clean shutdown; KILL: a crash, InnoDB recovers at the next start), start it
# again (for fault tests; the workers are left running and must reconnect by
# themselves).
stack_db_stop() {
	local pid sig=${1:-TERM}
	_stack_init || return 1
	if pid=$(_stack_pid "$_stack_dbpid" mariadbd); then
		_stack_stop 600 "$sig" "$pid"
	fi
	rm -f "$_stack_dbpid"
}

stack_db_start() {
	_stack_init || return 1
	_stack_mariadb_up
}

# stack_scan_secrets [FILE...]: prints every log of the stack (log/,
# nginx/logs/) that holds a secret: a database password (secrets/), a
# data-at-rest key (keys/keyfile), the start of any private key of pki/, a
# PEM private key header, or the first line of one of the FILEs (more
# secrets a test made). Returns 1 when it printed any.
stack_scan_secrets() {
	local pat f line clean=1
	_stack_init || return 1
	pat=$STACK_DIR/tmp/secret-patterns
	( umask 077 && : >"$pat" ) || return 1
	for f in "$_stack_secrets"/*.password "$@"; do
		[[ -s "$f" ]] && read -r line <"$f" && [[ -n "$line" ]] && printf '%s\n' "$line" >>"$pat"
	done
	if [[ -s "$_stack_keys/keyfile" ]]; then
		cut -d';' -f2 "$_stack_keys/keyfile" >>"$pat"
	fi
	while IFS= read -r f; do
		sed -n 2p "$f" | cut -c1-40 >>"$pat"
	done < <(find "$_stack_pki" -name '*.key' -type f)
	sed -i '/^$/d' "$pat"
	while IFS= read -r f; do
		clean=0
		printf '%s\n' "$f"
	done < <( { grep -rlaF -f "$pat" -- "$_stack_log" "$_stack_ngx/logs"
		grep -rlaE -- '-----BEGIN ([A-Z]+ )?PRIVATE KEY-----' "$_stack_log" "$_stack_ngx/logs"
		} 2>/dev/null | sort -u)
	rm -f "$pat"
	(( clean ))
}

# stack_worker_pids: the pids of the running dgcg-fcgi workers, one a line.
stack_worker_pids() {
	local pidf pid
	_stack_init || return 1
	for pidf in "$_stack_run"/spawn-*.pid; do
		[[ -e "$pidf" ]] || continue
		if pid=$(_stack_pid "$pidf" multiwatch); then
			ps -o pid= --ppid "$pid" 2>/dev/null | tr -d ' '
		fi
	done
}

stack_status() {
	local pid pidf rc=0 port=""
	_stack_init || return 1
	[[ -s "$STACK_DIR/port" ]] && read -r port <"$STACK_DIR/port"
	if [[ -n "$_stack_db_host" ]]; then
		printf 'mariadb  external  %s:%s (TLS)\n' "$_stack_db_host" "$_stack_db_port"
	elif pid=$(_stack_pid "$_stack_dbpid" mariadbd); then
		printf 'mariadb  running  pid %s  socket %s\n' "$pid" "$_stack_dbsock"
	else
		printf 'mariadb  stopped\n'
		rc=1
	fi
	pidf=""
	for pidf in "$_stack_run"/spawn-*.pid; do
		[[ -e "$pidf" ]] || { pidf=""; break; }
		if pid=$(_stack_pid "$pidf" multiwatch); then
			printf 'workers  running  pid %s (multiwatch: %s)  %s\n' "$pid" \
				"$(ps -o pid= --ppid "$pid" | xargs)" "$(basename "$pidf" .pid)"
		else
			printf 'workers  stopped  %s\n' "$(basename "$pidf" .pid)"
			rc=1
		fi
	done
	if [[ -z "$pidf" ]]; then
		printf 'workers  stopped\n'
		rc=1
	fi
	if pid=$(_stack_pid "$_stack_ngx/nginx.pid" nginx); then
		printf 'nginx    running  pid %s  https://%s:%s\n' "$pid" "$_stack_addr" "$port"
	else
		printf 'nginx    stopped\n'
		rc=1
	fi
	if [[ -s "$STACK_DIR/health_port" && -n "$pid" ]]; then
		local hport body
		read -r hport <"$STACK_DIR/health_port"
		body=$(curl -s --max-time 20 "http://127.0.0.1:$hport/health")
		if [[ "$body" == *'"status":"UP"'* ]]; then
			printf 'health   UP  http://127.0.0.1:%s/health\n' "$hport"
		else
			printf 'health   DOWN  http://127.0.0.1:%s/health  %s\n' "$hport" "$body"
			rc=1
		fi
	fi
	printf 'env      %s\n' "$STACK_DIR/env"
	return "$rc"
}

# _stack_deb_version PKG: the installed version of PKG, or nothing.
_stack_deb_version() {
	dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null |
		sed -n 's/^[a-z]* ok installed //p'
}

# _stack_deb_held PKG: true when PKG is on hold (apt-mark hold): its version
# is the administrator's choice, and stack_install_packages keeps it.
_stack_deb_held() {
	[[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == hold\ * ]]
}

# _stack_deb_candidate PKG: the version apt would install, or nothing.
_stack_deb_candidate() {
	apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -v '(none)'
}

# stack_install_packages: installs what deploy/packages lists and dpkg lacks,
# and upgrades each package listed as NAME>=VERSION (the libraries dgcg
# links, and their tools) to the archive's candidate, Debian 12's current
# security release, when an older one is installed: a machine image may
# carry older ones, and `apt-get install` of an installed package does not
# upgrade it. apt-get update runs first when anything is to be done (sudo
# when not root). STACK_UPGRADE=0 keeps what is installed (to test with the
# oldest versions); it still installs what is missing and warns below
# VERSION. A package on hold (apt-mark hold) is installed already and kept
# as it is, with a warning below VERSION. Fails when a NAME>=VERSION package
# that is not held stays below VERSION.
stack_install_packages() {
	local list tokens=() missing=() upgrade=() mins=() t p min have cand sudo=() rc=0
	list=${DGCG_SRCDIR:-$(cd "$_stack_here/.." && pwd)}/deploy/packages
	read -r -d '' -a tokens < <(sed 's/#.*//' "$list") || true
	for t in "${tokens[@]}"; do
		p=${t%%>=*}
		min=
		[[ "$t" == *'>='* ]] && min=${t#*>=} && mins+=("$p>=$min")
		have=$(_stack_deb_version "$p")
		if [[ -z "$have" ]]; then
			missing+=("$p")
		elif [[ -n "$min" && "${STACK_UPGRADE:-1}" != 0 ]] && ! _stack_deb_held "$p"; then
			cand=$(_stack_deb_candidate "$p")
			if dpkg --compare-versions "$have" lt "$min" ||
			    { [[ -n "$cand" ]] && dpkg --compare-versions "$have" lt "$cand"; }; then
				upgrade+=("$p")
			fi
		fi
	done
	[[ $EUID -eq 0 ]] || sudo=(sudo)
	if (( ${#missing[@]} + ${#upgrade[@]} )); then
		_stack_say "installing ${missing[*]:-nothing new}; upgrading ${upgrade[*]:-nothing}"
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q || return 1
		if (( ${#missing[@]} )); then
			"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
				--no-install-recommends "${missing[@]}" || return 1
		fi
		if (( ${#upgrade[@]} )) && [[ "${STACK_UPGRADE:-1}" != 0 ]]; then
			"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
				--no-install-recommends --only-upgrade "${upgrade[@]}" || return 1
		fi
	fi
	for t in "${mins[@]}"; do
		p=${t%%>=*} min=${t#*>=}
		have=$(_stack_deb_version "$p")
		[[ -n "$have" ]] && dpkg --compare-versions "$have" ge "$min" && continue
		if _stack_deb_held "$p"; then
			_stack_say "warning: $p $have is older than $min and on hold (apt-mark hold): kept"
		elif [[ "${STACK_UPGRADE:-1}" == 0 ]]; then
			_stack_say "warning: $p ${have:-missing} is older than $min (STACK_UPGRADE=0 keeps it)"
		else
			_stack_say "$p ${have:-missing} is older than $min, and apt offers ${cand:-nothing newer}"
			rc=1
		fi
	done
	return "$rc"
}
