#!/usr/bin/env bash
# Security configuration of the default stack (issue 7, item 5): what TLS
# nginx speaks, a revoked client certificate, the application database
# user's privileges, the workers' user, and that no secret reaches a log.
# The control of the data-at-rest test is here too: without encryption a
# row's text is readable in the table file (t/it/security_db.sh shows that
# it is not with STACK_DB_ENCRYPT=1).
# The helpers below also run through it_ok and it_not, which shellcheck
# cannot follow; grant patterns hold literal backquotes.
# shellcheck disable=SC2317,SC2016,SC2119
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start

# --- TLS: versions and cipher suites (openssl s_client) -----------------
# sclient ARGS...: one handshake with DE's client certificate; prints the
# transcript and fails when the handshake fails. @SECLEVEL=0 lets the client
# offer what Debian's defaults would not, so a refusal is nginx's: it answers
# with an alert (70 protocol version, 40 handshake failure).
sclient() {
	openssl s_client -connect "127.0.0.1:$DGCG_PORT" -servername localhost \
		-CAfile "$DGCG_CACERT" -verify_return_error \
		-cert "$PKI/DE/auth.pem" -key "$PKI/DE/auth.key" "$@" </dev/null 2>&1
}
for v in tls1 tls1_1; do
	out=$(sclient "-$v" -cipher 'DEFAULT@SECLEVEL=0'); rc=$?
	it_ok "$v refused" test "$rc" -ne 0
	it_like "$v: nginx answers protocol_version" "$out" 'alert protocol version'
	it_not "$v: no cipher negotiated" grep -q 'Cipher is [A-Z]' <<<"$out"
done
# No forward secrecy, CBC, SHA-1 MACs, no encryption at all.
for c in AES128-SHA AES256-GCM-SHA384 ECDHE-ECDSA-AES128-SHA ECDHE-ECDSA-AES256-SHA \
	ECDHE-ECDSA-AES128-SHA256 ECDHE-ECDSA-AES256-SHA384 ECDHE-ECDSA-NULL-SHA; do
	out=$(sclient -tls1_2 -cipher "$c@SECLEVEL=0"); rc=$?
	it_ok "TLS 1.2 $c refused" test "$rc" -ne 0
	it_like "TLS 1.2 $c: nginx answers handshake_failure" "$out" 'alert handshake failure'
done
for c in ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-ECDSA-AES256-GCM-SHA384 \
	ECDHE-ECDSA-CHACHA20-POLY1305; do
	out=$(sclient -tls1_2 -cipher "$c"); rc=$?
	it_is "TLS 1.2 $c accepted" "$rc" 0
	it_like "TLS 1.2 $c negotiated" "$out" "New, TLSv1\\.2, Cipher is $c"
done
for c in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256; do
	out=$(sclient -tls1_3 -ciphersuites "$c"); rc=$?
	it_is "TLS 1.3 $c accepted" "$rc" 0
	it_like "TLS 1.3 $c negotiated" "$out" "New, TLSv1\\.3, Cipher is $c"
done
st=$(it_curl DE GET /countrylist --tlsv1.2 --tls-max 1.2)
it_is "HTTPS over TLS 1.2" "$st" 200
st=$(it_curl DE GET /countrylist --tlsv1.3)
it_is "HTTPS over TLS 1.3" "$st" 200
out=$(sclient -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256 -no_ticket -sess_out "$W/sess")
it_not "no session tickets" grep -q 'TLS session ticket:' <<<"$out"

# --- a client certificate on the CRL (SecReq-009; also t/it/auth.sh) ------
pki_client revoked DE revoked >/dev/null
stack_reload_nginx 2>/dev/null
it_ok "revoked certificate is on the CRL" bash -c "openssl crl -in '$PKI/client-ca.crl' -noout -text |
	grep -qi \"serial number: \$(openssl x509 -in '$PKI/extra/revoked.pem' -noout -serial | cut -d= -f2)\""
st=$(it_curl "$PKI/extra/revoked" GET /countrylist)
it_is "revoked certificate refused" "$st" 401
it_is "revoked certificate code" "$(it_json code)" 0x402
it_like "revoked: nginx says why" "$(it_json details)" 'certificate revoked'
it_not "revoked certificate never reached a worker" grep -q 'CN=revoked' "$DGCG_LOG"

# --- the application database user (sql/grants.sql.in; also t/it/grants.sh)
read -r ADMIN_PW <"$DGCG_DB_ADMIN_PASSWORD_FILE"
denied() {
	local out rc
	out=$(it_app_sql "$2"); rc=$?
	if (( rc != 0 )) && [[ "$out" =~ denied|ERROR\ 1142|ERROR\ 1044|ERROR\ 1045|ERROR\ 1227 ]]; then
		it_ok "app user may not $1" true
	else
		it_ok "app user may not $1" false "rc=$rc: $out"
	fi
}
it_is "app user works" "$(it_app_sql 'SELECT COUNT(*) > 0 FROM trusted_party')" 1
denied "read audit_event" "SELECT COUNT(*) FROM audit_event"
denied "UPDATE audit_event" "UPDATE audit_event SET description = 'x'"
denied "DELETE audit_event" "DELETE FROM audit_event"
denied "TRUNCATE audit_event" "TRUNCATE TABLE audit_event"
denied "ALTER TABLE" "ALTER TABLE signer_information ADD COLUMN x INT"
denied "CREATE INDEX" "CREATE INDEX x ON signer_information (country)"
denied "DROP TABLE" "DROP TABLE revocation_batch"
denied "CREATE TABLE" "CREATE TABLE x (i INT)"
denied "CREATE TRIGGER" "CREATE TRIGGER x BEFORE INSERT ON signer_information FOR EACH ROW SET @x = 1"
denied "CREATE PROCEDURE" "CREATE PROCEDURE x() SELECT 1"
denied "DROP DATABASE" "DROP DATABASE dgcg"
denied "CREATE DATABASE" "CREATE DATABASE x"
denied "write trusted_party" "UPDATE trusted_party SET country = 'XX'"
denied "write trusted_party_roles" "DELETE FROM trusted_party_roles"
denied "write schema_version" "DELETE FROM schema_version"
denied "write data_version" "UPDATE data_version SET version = 0"
denied "read mysql.user" "SELECT * FROM mysql.user"
denied "read mysql.global_priv" "SELECT * FROM mysql.global_priv"
denied "CREATE USER" "CREATE USER x@localhost"
denied "GRANT" "GRANT SELECT ON dgcg.audit_event TO dgcg_app@localhost"
denied "SET GLOBAL" "SET GLOBAL general_log = ON"
denied "write files" "SELECT 1 INTO OUTFILE '/tmp/dgcg-security-outfile'"
it_is "app user may not read files" "$(it_app_sql "SELECT LOAD_FILE('/etc/passwd') IS NULL")" 1
it_is "app user sees only its database" "$(it_app_sql 'SHOW DATABASES' | sort | tr '\n' ' ')" \
	"dgcg information_schema "
grants=$(it_app_sql "SHOW GRANTS")
it_not "no global privilege but USAGE" grep -E 'ON \*\.\*' <<<"$(grep -v '^GRANT USAGE ON \*\.\*' <<<"$grants")"
it_not "no database-wide privilege" grep -E 'ON `dgcg`\.\*' <<<"$grants"
it_not "no schema or grant privileges on any table" \
	grep -Ei 'ALTER|DROP|CREATE|INDEX|TRIGGER|REFERENCES|GRANT OPTION' <<<"$(grep -v '^GRANT USAGE' <<<"$grants")"
it_like "audit_event: INSERT only" "$(grep 'audit_event' <<<"$grants")" \
	'^GRANT INSERT ON `dgcg`\.`audit_event` TO'
it_is "the app account is local only" \
	"$(it_sql "SELECT GROUP_CONCAT(host) FROM mysql.user WHERE user = '$DGCG_DB_APP_USER'")" localhost

# --- the workers run unprivileged -----------------------------------------
mapfile -t wpids < <(stack_worker_pids)
it_ok "workers are running" test "${#wpids[@]}" -ge 2
for p in "${wpids[@]}"; do
	it_is "worker $p runs as $DGCG_WORKER_USER" "$(ps -o user= -p "$p" | tr -d ' ')" "$DGCG_WORKER_USER"
	# real, effective, saved and filesystem uid and gid; no capabilities
	it_not "worker $p has no root uid" grep -Eq '^Uid:.*\b0\b' "/proc/$p/status"
	it_not "worker $p has no root gid" grep -Eq '^Gid:.*\b0\b' "/proc/$p/status"
	it_like "worker $p has no capabilities" "$(grep '^CapEff:' "/proc/$p/status")" 'CapEff:[[:space:]]+0+$'
	ppid=$(ps -o ppid= -p "$p" | tr -d ' ')
	it_not "its supervisor $ppid is not root" test "$(ps -o uid= -p "$ppid" | tr -d ' ')" = 0
done
ngx=$(<"$IT_DIR/nginx/nginx.pid")
mapfile -t npids < <(ps -o pid= --ppid "$ngx" | tr -d ' ')
it_ok "nginx has workers" test "${#npids[@]}" -ge 1
for p in "${npids[@]}"; do
	it_not "nginx worker $p is not root" test "$(ps -o uid= -p "$p" | tr -d ' ')" = 0
done
if [[ $EUID -eq 0 ]]; then
	# what the worker user may touch: run as it
	as_worker() { setpriv --reuid="$DGCG_WORKER_USER" --regid="$DGCG_WORKER_GROUP" --clear-groups -- "$@"; }
	it_not "the worker user is not root" test "$(id -u "$DGCG_WORKER_USER")" = 0
	it_ok "worker user reads dgcg.conf" as_worker cat "$DGCG_CONFIG"
	it_ok "worker user reads the app password" as_worker cat "$DGCG_DB_APP_PASSWORD_FILE"
	it_ok "worker user reads the trust anchor" as_worker cat "$PKI/ta.pem"
	it_not "worker user cannot read the admin password" as_worker cat "$DGCG_DB_ADMIN_PASSWORD_FILE"
	it_not "worker user cannot read the trust anchor key" as_worker cat "$PKI/ta.key"
	it_not "worker user cannot read the TLS server key" as_worker cat "$PKI/server.key"
	it_not "worker user cannot read the database files" as_worker ls "$IT_DIR/data/dgcg"
	it_not "worker user cannot change dgcg.conf" as_worker sh -c ": >>'$DGCG_CONFIG'"
	it_not "worker user cannot write the secrets dir" as_worker touch "$IT_DIR/secrets/x"
	it_not "others cannot enter the stack dir" setpriv --reuid=4242 --regid=4242 --clear-groups \
		ls "$IT_DIR"
else
	printf '# not root: the stack runs as %s; no separate worker user to check\n' "$(id -un)"
fi

# --- data at rest, control: without encryption the text is in the file ----
marker=plain-$(openssl rand -hex 12)
it_sql "INSERT INTO audit_event (timestamp, country, uploader_sha256_fingerprint,
	authentication_sha256_fingerprint, event, description)
	VALUES (UTC_TIMESTAMP(), 'DE', 'u', 'a', 'TEST', '$marker')" >/dev/null
# flushes the table's pages to its file
it_sql "FLUSH TABLES audit_event FOR EXPORT; UNLOCK TABLES" >/dev/null
it_ok "unencrypted: the marker is in audit_event.ibd" grep -qaF "$marker" "$IT_DIR/data/dgcg/audit_event.ibd"
it_ok "unencrypted: the marker is in the redo log" grep -qaF "$marker" "$IT_DIR/data/ib_logfile0"
DE_T=$(it_thumb_pem "$PKI/DE/auth.pem")
it_sql "FLUSH TABLES trusted_party FOR EXPORT; UNLOCK TABLES" >/dev/null
it_ok "unencrypted: a thumbprint is in trusted_party.ibd" grep -qaF "$DE_T" "$IT_DIR/data/dgcg/trusted_party.ibd"

# --- no secret in any log -------------------------------------------------
# Exercise what logs most: a database outage (connection errors), a failing
# admin login, authentication failures, uploads.
stack_db_stop
st=$(it_curl DE GET /trustList/DSC)
it_is "database down: 503" "$st" 503
it_log_has 'Database connection failed'
stack_db_start
st=$(it_curl DE GET /trustList/DSC)
it_is "database back: 200" "$st" 200
( umask 077 && printf 'wrong-%s\n' "$(openssl rand -hex 8)" >"$W/wrong.password" )
sed "s|^db_admin_password_file = .*|db_admin_password_file = $W/wrong.password|" "$DGCG_CONFIG" >"$W/wrong.conf"
it_not "admin with a wrong password fails" bash -c "'$DGCG_ADMIN' -c '$W/wrong.conf' list >>'$IT_DIR/log/admin.log' 2>&1"
read -r WRONG_PW <"$W/wrong.password"
it_curl "$PKI/extra/untrusted" GET /countrylist >/dev/null
it_curl DE POST /signerCertificate -H 'Content-Type: application/cms' --data-binary 'bm90IGEgQ01T' >/dev/null

# stack_scan_secrets (deploy/stack.sh) looks for the passwords, the data
# keys and every private key of the stack in log/ and nginx/logs/.
mapfile -t logs < <(find "$IT_DIR/log" "$IT_DIR/nginx/logs" -type f)
it_ok "there are logs to scan" test "${#logs[@]}" -ge 6
it_ok "the worker log is not empty" test -s "$DGCG_LOG"
# the scan finds what it looks for
printf 'x %s y\n' "$ADMIN_PW" >"$IT_DIR/log/leak-test-1.log"
printf 'x %s y\n' "$WRONG_PW" >"$IT_DIR/log/leak-test-2.log"
cp "$PKI/DE/auth.key" "$IT_DIR/nginx/logs/leak-test-3.log"
sed -n 2p "$PKI/ta.key" >"$IT_DIR/log/leak-test-4.log"
it_is "scan finds a password, a key and its PEM" \
	"$(STACK_DIR=$IT_DIR stack_scan_secrets "$W/wrong.password" | grep -c leak-test-)" 4
rm -f "$IT_DIR"/log/leak-test-* "$IT_DIR"/nginx/logs/leak-test-*
leaks=$(STACK_DIR=$IT_DIR stack_scan_secrets "$W/wrong.password")
it_is "no secret in any log (${#logs[@]} files)" "$leaks" ""

it_done
