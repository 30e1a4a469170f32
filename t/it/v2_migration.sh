#!/usr/bin/env bash
# A v1 database moves over to v2 (issue 15, Schema): a second database on
# the stack's MariaDB is made with the v1 migrations only (001-004, through
# dgcg-admin migrate with a sql_dir holding just them) and filled with the
# stack's v1 rows (trusted parties, a DSC and its tombstone, an issuer);
# then dgcg-admin migrate applies 005_v2. Every v1 table and column stays
# as it was (name, type, nullability, default), every v1 value too; the new
# columns hold TNG's defaults (domain DCC, version 1); the trusted parties
# still pass the integrity check; the migration is idempotent.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start
M=dgcg_v1m
V1_TABLES="trusted_party trusted_party_roles signer_information validation_rule valueset
	revocation_batch trusted_issuer audit_event shedlock data_version schema_version"

# conf SQLDIR: a copy of the stack's dgcg.conf on database M with sql_dir SQLDIR
conf() {
	sed -e "s|^db_name *=.*|db_name = $M|" -e "s|^sql_dir *=.*|sql_dir = $1|" "$DGCG_CONFIG" >"$W/dgcg-$2.conf"
	printf '%s' "$W/dgcg-$2.conf"
}
# columns: every column of the v1 tables of M, one line each
columns() {
	it_sql "SELECT CONCAT_WS('|', TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COALESCE(COLUMN_DEFAULT, '-'), COALESCE(COLLATION_NAME, '-')) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '$M' AND TABLE_NAME IN ($(printf "'%s'," $V1_TABLES | sed 's/,$//')) ORDER BY TABLE_NAME, ORDINAL_POSITION"
}
# digest TABLE COLS: an MD5 over the values (NULL apart from '') of COLS of
# every row of M.TABLE, by id
digest() {
	it_sql "SET SESSION group_concat_max_len = 1048576; SELECT MD5(COALESCE(GROUP_CONCAT(MD5(CONCAT_WS('|', QUOTE(${2//,/), QUOTE(}))) ORDER BY id), '')) FROM $M.$1"
}
# cols TABLE: the columns of M.TABLE, comma-separated
cols() { it_sql "SELECT GROUP_CONCAT(COLUMN_NAME ORDER BY ORDINAL_POSITION) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '$M' AND TABLE_NAME = '$1'"; }

# --- v1 rows on the stack: a DSC uploaded through v1, one deleted, an issuer --------------------
openssl x509 -in "$PKI/DE/dsc.pem" -outform DER -out "$W/dsc.der"
st=$(it_curl DE POST /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$(it_cms "$W/dsc.der" DE)")
it_is "a v1 DSC upload" "$st" 201
it_dsc "$W/gone" "/C=DE/O=dgcg test/CN=DE deleted" DE
st=$(it_curl DE POST /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$(it_cms "$W/gone.der" DE)")
it_is "a second one" "$st" 201
st=$(it_curl DE DELETE /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$(it_cms "$W/gone.der" DE)")
it_is "... deleted (a tombstone)" "$st" 204
s=$(it_admin issuer string --country DE --name "DE issuer" --url https://de.example/keys --url-type HTTP)
it_ok "a trusted issuer" it_admin issuer add --country DE --name "DE issuer" --url https://de.example/keys \
	--url-type HTTP --signature "$(it_ta_sign --string "$s")"

# --- the v1 database -------------------------------------------------------------------------------
admin=$(it_conf db_admin_user)
it_sql "CREATE DATABASE $M CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
it_sql "GRANT ALL PRIVILEGES ON $M.* TO '$admin'@'localhost'"
mkdir -p "$W/sql_v1/migrations"
cp "$(it_conf sql_dir)"/migrations/00[1-4]_*.sql "$W/sql_v1/migrations/"
out=$("$DGCG_ADMIN" -c "$(conf "$W/sql_v1" v1)" migrate 2>&1); rc=$?
it_like "migrate with the v1 migrations only" "$rc:$out" '^0:.*schema version 4 \(4 applied\)'
before=$(columns)
it_is "no v2 table at version 4" "$(it_sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$M' AND TABLE_NAME IN ('trusted_reference', 'federation_gateway')")" 0
declare -A C D
for t in trusted_party signer_information trusted_issuer audit_event; do
	C[$t]=$(cols "$t")
	it_sql "INSERT INTO $M.$t (${C[$t]}) SELECT ${C[$t]} FROM $DGCG_DB_NAME.$t"
	D[$t]=$(digest "$t" "${C[$t]}")
done
it_is "v1 rows copied: the trusted parties, 2 signer rows (1 tombstone), 1 issuer" \
	"$(it_sql "SELECT CONCAT_WS(' ', (SELECT COUNT(*) FROM $M.trusted_party), (SELECT COUNT(*) FROM $M.signer_information), (SELECT COUNT(*) FROM $M.signer_information WHERE deleted_at IS NOT NULL), (SELECT COUNT(*) FROM $M.trusted_issuer))")" \
	"$(it_sql "SELECT CONCAT_WS(' ', (SELECT COUNT(*) FROM trusted_party), 2, 1, 1)")"

# --- 005_v2 ------------------------------------------------------------------------------------------
C5=$(conf "$(it_conf sql_dir)" v2)
out=$("$DGCG_ADMIN" -c "$C5" migrate 2>&1); rc=$?
it_like "migrate applies 005_v2" "$rc:$out" '^0:.*applied 005_v2\.sql.*schema version 5 \(1 applied\)'
after=$(columns)
# The one change to a v1 column, on purpose (005_v2.sql): trusted_issuer.domain
# grows from 10 to TNG's 32 characters.
it_like "v1: trusted_issuer.domain is VARCHAR(10)" "$before" "trusted_issuer\|domain\|varchar\(10\)\|YES\|'DCC'\|"
want=$(sed "s/^trusted_issuer|domain|varchar(10)|/trusted_issuer|domain|varchar(32)|/" <<<"$before")
it_ok "every other v1 column is still there as it was (name, type, null, default, collation)" \
	bash -c 'diff <(printf "%s\n" "$1") <(printf "%s\n" "$2" | grep -Fxf <(printf "%s\n" "$1"))' _ "$want" "$after"
it_is "... and in its place (only columns after them are new)" \
	"$(printf '%s\n' "$after" | grep -Fxf <(printf '%s\n' "$want"))" "$want"
for t in trusted_party signer_information trusted_issuer audit_event; do
	it_is "$t: every v1 value unchanged" "$(digest "$t" "${C[$t]}")" "${D[$t]}"
done
it_is "trusted_party: domain DCC, version 1, no kid, not federated" \
	"$(it_sql "SELECT CONCAT_WS(' ', COUNT(*), SUM(domain = 'DCC'), SUM(version = 1), SUM(kid IS NULL), SUM(source_gateway_id IS NULL)) FROM $M.trusted_party")" \
	"$(it_sql "SELECT CONCAT_WS(' ', COUNT(*), COUNT(*), COUNT(*), COUNT(*), COUNT(*)) FROM trusted_party")"
it_is "signer_information: domain DCC, version 1, no kid, no properties, not federated" \
	"$(it_sql "SELECT CONCAT_WS(' ', SUM(domain = 'DCC'), SUM(version = 1), SUM(kid IS NULL), SUM(properties IS NULL), SUM(source_gateway_id IS NULL)) FROM $M.signer_information")" \
	"2 2 2 2 2"
it_is "the v1 certificate_type values stay (AUTHENTICATION, UPLOAD, CSCA, DSC)" \
	"$(it_sql "SELECT GROUP_CONCAT(DISTINCT certificate_type ORDER BY certificate_type) FROM (SELECT certificate_type FROM $M.trusted_party UNION ALL SELECT certificate_type FROM $M.signer_information) t")" \
	"AUTHENTICATION,CSCA,DSC,UPLOAD"
it_is "the v2 tables exist, empty" \
	"$(it_sql "SELECT CONCAT_WS(' ', (SELECT COUNT(*) FROM $M.trusted_reference), (SELECT COUNT(*) FROM $M.federation_gateway))")" "0 0"
it_is "data_version counts trusted_reference" \
	"$(it_sql "SELECT COUNT(*) FROM $M.data_version WHERE name = 'trusted_reference'")" 1
out=$("$DGCG_ADMIN" -c "$C5" verify 2>&1); rc=$?
it_like "the moved trusted parties pass the integrity check" "$rc:$out" "^0:.*$(it_count trusted_party) rows checked, 0 failed"
out=$("$DGCG_ADMIN" -c "$C5" migrate 2>&1); rc=$?
it_like "migrate again applies nothing" "$rc:$out" '^0:.*schema version 5 \(0 applied\)'
it_sql "DROP DATABASE $M"

it_done
