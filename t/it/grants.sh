#!/usr/bin/env bash
# The application database user: what it may and may not do.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start

out=$(it_app_sql "INSERT INTO audit_event (timestamp, country, uploader_sha256_fingerprint, authentication_sha256_fingerprint, event, description) VALUES (NOW(), 'DE', 'u', 'a', 'TEST', 'grants test')"); rc=$?
it_is "app user may INSERT audit_event" "$rc" 0
n=$(it_sql "SELECT COUNT(*) FROM audit_event WHERE event='TEST'")
it_is "audit row written" "$n" 1
out=$(it_app_sql "UPDATE audit_event SET description='forged'"); rc=$?
it_ok "app user may not UPDATE audit_event" test "$rc" -ne 0
it_like "UPDATE denied message" "$out" "command denied"
out=$(it_app_sql "DELETE FROM audit_event"); rc=$?
it_ok "app user may not DELETE audit_event" test "$rc" -ne 0
it_like "DELETE denied message" "$out" "command denied"
n=$(it_sql "SELECT COUNT(*) FROM audit_event WHERE event='TEST' AND description='grants test'")
it_is "audit row unchanged" "$n" 1
out=$(it_app_sql "SELECT COUNT(*) FROM trusted_party"); rc=$?
it_is "app user may read trusted_party" "$rc" 0
out=$(it_app_sql "DELETE FROM trusted_party"); rc=$?
it_ok "app user may not DELETE trusted_party" test "$rc" -ne 0
out=$(it_app_sql "UPDATE trusted_party SET country='XX'"); rc=$?
it_ok "app user may not UPDATE trusted_party" test "$rc" -ne 0
out=$(it_app_sql "DROP TABLE audit_event"); rc=$?
it_ok "app user may not DROP tables" test "$rc" -ne 0
out=$(it_app_sql "CREATE TABLE x (i INT)"); rc=$?
it_ok "app user may not CREATE tables" test "$rc" -ne 0
n=$(it_count trusted_party)
it_ok "trusted parties intact" test "$n" -ge 9

it_done
