#!/usr/bin/env bash
# The database side of the security configuration (issue 7, item 5), on a
# stack with STACK_DB_TLS=1 and STACK_DB_ENCRYPT=1 (deploy/stack.sh): the
# workers reach MariaDB over TCP with TLS (dgcg.conf db_tls), which the
# server requires; the data is encrypted at rest with a key file outside
# the datadir, and the gateway works on it. The unencrypted control (the
# same marker readable in the table file) is in t/it/security.sh.
# shellcheck disable=SC2016,SC2119,SC2317
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
STACK_DB_TLS=1
STACK_DB_ENCRYPT=1
export STACK_DB_TLS STACK_DB_ENCRYPT
it_start
DATA=$IT_DIR/data

# --- TLS to the database ----------------------------------------------------
it_is "dgcg.conf: db_tls" "$(it_conf db_tls)" yes
it_is "dgcg.conf: db_host" "$(it_conf db_host)" 127.0.0.1
it_is "dgcg.conf: db_port" "$(it_conf db_port)" "$DGCG_DB_PORT"
it_is "dgcg.conf: no unix socket" "$(it_conf db_socket)" ""
it_is "dgcg.conf: db_tls_ca" "$(it_conf db_tls_ca)" "$PKI/server-ca.pem"
it_is "server requires secure transport" "$(it_sql 'SELECT @@require_secure_transport')" 1
it_is "server has TLS" "$(it_sql "SELECT @@have_ssl")" YES
it_is "app and admin accounts over TCP require TLS" \
	"$(it_sql "SELECT GROUP_CONCAT(CONCAT(user, ':', ssl_type) ORDER BY user)
		FROM mysql.user WHERE host = '127.0.0.1'")" "dgcg_admin:ANY,dgcg_app:ANY"

st=$(it_curl DE GET /countrylist)
it_is "the gateway answers over a TLS database connection" "$st" 200
it_is "countrylist" "$(tr -d ' \n' <"$IT_BODY")" '["DE","FR","IE"]'
it_like "the workers are connected over TCP" \
	"$(it_sql "SELECT GROUP_CONCAT(DISTINCT SUBSTRING_INDEX(host, ':', 1))
		FROM information_schema.PROCESSLIST WHERE user = 'dgcg_app'")" '^127\.0\.0\.1$'
it_ok "the server has accepted TLS connections" \
	test "$(it_sql "SHOW GLOBAL STATUS LIKE 'Ssl_accepts'" | cut -f2)" -ge 1

# A client: with TLS and the CA it gets in, without TLS it is refused.
read -r APP_PW <"$DGCG_DB_APP_PASSWORD_FILE"
( umask 077 && printf '[client]\npassword=%s\n' "$APP_PW" >"$W/app.cnf" )
tcp() {
	mariadb --defaults-extra-file="$W/app.cnf" --protocol=tcp -h 127.0.0.1 -P "$DGCG_DB_PORT" \
		-u "$DGCG_DB_APP_USER" "$DGCG_DB_NAME" -N -B "$@" 2>&1
}
out=$(tcp --ssl --ssl-ca="$PKI/server-ca.pem" --ssl-verify-server-cert \
	-e "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_version'")
it_like "app user over TLS" "$out" '^TLSv1\.[23]$'
out=$(tcp --skip-ssl -e 'SELECT 1'); rc=$?
it_ok "app user without TLS refused" test "$rc" -ne 0
it_like "without TLS: refused by the server" "$out" 'insecure transport|Access denied'

# dgcg-admin uses the same connection code: a wrong CA is refused by the
# client (MYSQL_OPT_SSL_VERIFY_SERVER_CERT), the right one works.
it_ok "admin over TLS works" "$DGCG_ADMIN" -c "$DGCG_CONFIG" list
sed "s|^db_tls_ca = .*|db_tls_ca = $PKI/client-ca.pem|" "$DGCG_CONFIG" >"$W/wrongca.conf"
out=$("$DGCG_ADMIN" -c "$W/wrongca.conf" list 2>&1); rc=$?
it_ok "admin with a wrong CA fails" test "$rc" -ne 0
it_like "wrong CA: the certificate is refused" "$out" '[Cc]ertificate|SSL|TLS'

# The requirement is enforced: workers started with db_tls = no get no
# connection (503), and connect again once it is back.
# respawn: stops every worker; multiwatch starts new ones, which read
# dgcg.conf anew. Returns when as many new workers run.
respawn() {
	local old new p tenths=100 same
	mapfile -t old < <(stack_worker_pids)
	kill -TERM "${old[@]}" || return 1
	while (( tenths-- > 0 )); do
		sleep 0.1
		mapfile -t new < <(stack_worker_pids)
		(( ${#new[@]} == ${#old[@]} )) || continue
		same=0
		for p in "${old[@]}"; do
			[[ " ${new[*]} " == *" $p "* ]] && same=1
		done
		(( same )) || return 0
	done
	return 1
}
sed -i 's/^db_tls = yes$/db_tls = no/' "$DGCG_CONFIG"
it_ok "workers restarted with db_tls = no" respawn
st=$(it_curl DE GET /trustList/DSC)
it_is "db_tls = no: 503" "$st" 503
it_log_has "Database connection failed.*dgcg_app'@'127\\.0\\.0\\.1"
sed -i 's/^db_tls = no$/db_tls = yes/' "$DGCG_CONFIG"
it_ok "workers restarted with db_tls = yes" respawn
st=$(it_curl DE GET /trustList/DSC)
it_is "db_tls = yes again: 200" "$st" 200

# --- data at rest -------------------------------------------------------------
it_is "key management plugin active" \
	"$(it_sql "SELECT PLUGIN_STATUS FROM information_schema.PLUGINS
		WHERE PLUGIN_NAME = 'file_key_management'")" ACTIVE
it_is "the key file is the stack's" "$(it_sql 'SELECT @@file_key_management_filename')" \
	"$DGCG_DB_KEYFILE"
real_data=$(realpath "$DATA")
real_key=$(realpath "$DGCG_DB_KEYFILE")
it_ok "the key file is outside the datadir" test "${real_key#"$real_data"/}" = "$real_key"
it_is "the key file is 0600" "$(stat -c %a "$DGCG_DB_KEYFILE")" 600
it_ok "the key is not in the datadir" bash -c "! grep -rqaF -f <(cut -d';' -f2 '$DGCG_DB_KEYFILE') '$DATA'"
it_is "tables encrypted by force" "$(it_sql 'SELECT @@innodb_encrypt_tables')" FORCE
it_is "redo log encrypted" "$(it_sql 'SELECT @@innodb_encrypt_log')" 1
it_is "temporary files encrypted" "$(it_sql 'SELECT @@encrypt_tmp_files')" 1

# Every table of the gateway is encrypted (wait for the key rotation threads).
tables=$(it_sql "SELECT COUNT(*) FROM information_schema.TABLES
	WHERE TABLE_SCHEMA = 'dgcg' AND TABLE_TYPE = 'BASE TABLE'")
it_ok "the gateway has tables" test "$tables" -ge 10
rot=1
for _ in $(seq 100); do
	rot=$(it_sql "SELECT COUNT(*) FROM information_schema.INNODB_TABLESPACES_ENCRYPTION
		WHERE ENCRYPTION_SCHEME = 0 OR ROTATING_OR_FLUSHING = 1")
	[[ "$rot" == 0 ]] && break
	sleep 0.1
done
it_is "no tablespace left unencrypted" "$rot" 0
it_is "every table of the gateway is encrypted" \
	"$(it_sql "SELECT COUNT(*) FROM information_schema.INNODB_TABLESPACES_ENCRYPTION
		WHERE NAME LIKE 'dgcg/%' AND ENCRYPTION_SCHEME = 1")" "$tables"
it_is "the system tablespace is encrypted" \
	"$(it_sql "SELECT ENCRYPTION_SCHEME FROM information_schema.INNODB_TABLESPACES_ENCRYPTION
		WHERE NAME = 'innodb_system'")" 1

# The gateway works on it: a DSC upload is stored and listed.
it_dsc "$W/dsc" "/C=DE/CN=at rest DSC" DE
it_cms "$W/dsc.der" DE "$W/dsc.b64"
DSC_T=$(it_thumb_pem "$W/dsc.pem")
st=$(it_curl DE POST /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$W/dsc.b64")
it_is "DSC upload on the encrypted database" "$st" 201
st=$(it_curl DE GET /trustList/DSC/DE)
it_is "trust list on the encrypted database" "$st" 200
it_like "the new DSC is listed" "$(cat "$IT_BODY")" "$DSC_T"

# A marker in a row, and the rows the gateway wrote: readable through the
# server, nowhere in the datadir's files (tables, redo log, system
# tablespace), even after the pages were flushed.
marker=plain-$(openssl rand -hex 12)
it_sql "INSERT INTO audit_event (timestamp, country, uploader_sha256_fingerprint,
	authentication_sha256_fingerprint, event, description)
	VALUES (UTC_TIMESTAMP(), 'DE', 'u', 'a', 'TEST', '$marker')" >/dev/null
it_is "the marker reads back" \
	"$(it_sql "SELECT COUNT(*) FROM audit_event WHERE description = '$marker'")" 1
it_sql "FLUSH TABLES audit_event, signer_information, trusted_party FOR EXPORT; UNLOCK TABLES" >/dev/null
it_ok "the table files are there" test -s "$DATA/dgcg/audit_event.ibd"
it_not "the marker is in no file of the datadir" grep -rqaF "$marker" "$DATA"
it_not "the DSC's thumbprint is in no file of the datadir" grep -rqaF "$DSC_T" "$DATA"
DE_T=$(it_thumb_pem "$PKI/DE/auth.pem")
it_not "an onboarded thumbprint is in no file of the datadir" grep -rqaF "$DE_T" "$DATA"
it_not "the DSC's subject is in no file of the datadir" grep -rqaF "at rest DSC" "$DATA"

# Without its key the data cannot be read: the server starts, the tables
# do not open, the gateway answers 503; with the key back all is well. The
# workers keep running throughout: after the restart their TLS connection
# fails with CR_SSL_CONNECTION_ERROR, which must make them reconnect.
stack_db_stop
mv "$DGCG_DB_KEYFILE" "$W/keyfile.away"
stack_db_start 2>/dev/null
out=$(it_sql "SELECT COUNT(*) FROM trusted_party" 2>&1); rc=$?
it_ok "without the key file the tables cannot be read" test "$rc" -ne 0
st=$(it_curl DE GET /trustList/DSC)
it_is "without the key file: 503" "$st" 503
stack_db_stop
mv "$W/keyfile.away" "$DGCG_DB_KEYFILE"
stack_db_start
it_ok "with the key file the tables read again" test "$(it_sql "SELECT COUNT(*) FROM trusted_party")" -ge 9
st=$(it_curl DE GET /trustList/DSC)
it_is "with the key file: 200" "$st" 200

it_ok "no secret in any log" test -z "$(STACK_DIR=$IT_DIR stack_scan_secrets)"
it_done
