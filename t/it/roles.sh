#!/usr/bin/env bash
# Client roles (reference-gateway.md 2.4): dgcg-admin roles grant, revoke
# and list; every revocation endpoint refuses a caller without its role with
# 403 0x403 before reading the body; other endpoints need no role.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start

DE_AUTH=$(it_thumb_pem "$PKI/DE/auth.pem")
ims=(-H "If-Modified-Since: $(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)")
uuid=$(cat /proc/sys/kernel/random/uuid)
printf '{"batchId":"%s"}' "$uuid" > "$W/del.json"
it_cms "$W/del.json" DE "$W/del.b64"
cms=(-H 'Content-Type: application/cms-text' --data-binary @"$W/del.b64")

# Which status each revocation endpoint gives DE now.
endpoints() {
	local s1 s2 s3 s4 s5
	s1=$(it_curl DE GET /revocation-list "${ims[@]}")
	s2=$(it_curl DE GET "/revocation-list/$uuid")
	s3=$(it_curl DE POST /revocation-list "${cms[@]}")
	s4=$(it_curl DE DELETE /revocation-list "${cms[@]}")
	s5=$(it_curl DE POST /revocation-list/delete "${cms[@]}")
	printf '%s %s %s %s %s' "$s1" "$s2" "$s3" "$s4" "$s5"
}

# No roles: every revocation endpoint is 403 0x403, nothing else is.
it_is "no roles: list, download, upload, delete, delete alias" "$(endpoints)" "403 403 403 403 403"
st=$(it_curl DE GET /revocation-list "${ims[@]}")
it_is "403 code and problem" "$(it_json code):$(it_json problem)" "0x403:Client is not authorized to access the endpoint"
it_like "403 names the missing role" "$(it_json details)" "REVOCATION_LIST_READER"
it_log_has "Client is not authorized to access the endpoint.*missingRole=\"REVOCATION_LIST_READER\".*country=\"DE\""
st=$(it_curl DE GET /trustList/UPLOAD)
it_is "other endpoints need no role" "$st" 200
st=$(it_curl DE GET /cms-migration)
it_is "cms-migration needs no role" "$st" 200
# The role check comes before the content type and the body.
st=$(it_curl DE POST /revocation-list -H 'Content-Type: application/json' --data 'x')
it_is "no role beats a wrong content type" "$st:$(it_json code)" "403:0x403"
st=$(it_curl DE GET "/revocation-list/$uuid" -H 'Accept: application/json')
it_is "no role beats a wrong Accept" "$st:$(it_json code)" "403:0x403"
st=$(it_curl - GET /revocation-list "${ims[@]}")
it_is "authentication comes first" "$st" 401

# grant, one role at a time
out=$(it_admin roles grant --cert "$PKI/DE/auth.pem" REVOCATION_LIST_READER); rc=$?
it_is "grant READER" "$rc" 0
it_like "grant output" "$out" "^granted REVOCATION_LIST_READER id=[0-9]+ country=DE thumbprint=$DE_AUTH$"
it_is "READER: list and download pass the role check" "$(endpoints)" "204 404 403 403 403"
it_ok "grant UPLOADER by thumbprint (upper-case hex)" it_admin roles grant --thumbprint "$(tr a-f A-F <<<"$DE_AUTH")" uploader
it_is "READER+UPLOADER: upload passes the role check (then the JSON is refused)" "$(endpoints)" "204 404 400 403 403"
out=$(it_admin roles grant --thumbprint "$DE_AUTH" REVOCATION_DELETER READER); rc=$?
it_like "grant DELETER, READER already held" "$rc:$out" "^0:granted REVOCATION_LIST_READER .* \(already held\)"
it_is "all roles: delete passes (unknown batch: 404)" "$(endpoints)" "204 404 400 404 404"
it_is "three rows in trusted_party_roles" "$(it_sql "SELECT GROUP_CONCAT(role ORDER BY role) FROM trusted_party_roles r JOIN trusted_party t ON t.id = r.trusted_party_entity_id WHERE t.thumbprint='$DE_AUTH'")" \
	"REVOCATION_DELETER,REVOCATION_LIST_READER,REVOCATION_UPLOADER"

out=$(it_admin roles list); rc=$?
it_is "list exit" "$rc" 0
it_like "list shows DE's roles" "$out" "DE +AUTHENTICATION +$DE_AUTH +REVOCATION_LIST_READER,REVOCATION_UPLOADER,REVOCATION_DELETER"

# revoke takes effect at the next request
out=$(it_admin roles revoke --cert "$PKI/DE/auth.pem" REVOCATION_UPLOADER); rc=$?
it_like "revoke UPLOADER" "$rc:$out" "^0:revoked REVOCATION_UPLOADER "
it_is "without UPLOADER only the upload is refused" "$(endpoints)" "204 404 403 404 404"
st=$(it_curl DE POST /revocation-list "${cms[@]}")
it_like "... naming the role" "$(it_json details)" "REVOCATION_UPLOADER"
out=$(it_admin roles revoke --cert "$PKI/DE/auth.pem" UPLOADER); rc=$?
it_like "revoke a role not held" "$rc:$out" "\(was not held\)"
it_ok "revoke ALL" it_admin roles revoke --cert "$PKI/DE/auth.pem" ALL
it_is "all revoked" "$(endpoints)" "403 403 403 403 403"

# Refusals of the admin tool.
out=$(it_admin roles grant --cert "$PKI/DE/upload.pem" READER 2>&1); rc=$?
it_like "roles only on AUTHENTICATION rows" "$rc:$out" "^1:.*not an AUTHENTICATION certificate"
out=$(it_admin roles grant --thumbprint "$(printf '%064d' 0)" READER 2>&1); rc=$?
it_like "unknown thumbprint" "$rc:$out" "^1:.*no trusted party"
out=$(it_admin roles grant --cert "$PKI/DE/auth.pem" REVOCATION_EVERYTHING 2>&1); rc=$?
it_like "unknown role" "$rc:$out" "^64:.*unknown role"
out=$(it_admin roles grant READER 2>&1); rc=$?
it_is "no target: usage" "$rc" 64
it_is "no role rows left" "$(it_count trusted_party_roles)" 0

# Roles are not covered by the trust-anchor signature (as in the reference):
# a row written with SQL counts at the next request; the app user cannot
# write one (sql/grants.sql.in).
id=$(it_sql "SELECT id FROM trusted_party WHERE thumbprint='$DE_AUTH'")
it_sql "INSERT INTO trusted_party_roles (trusted_party_entity_id, role) VALUES ($id, 'REVOCATION_LIST_READER'), ($id, 'SOMETHING_ELSE')"
st=$(it_curl DE GET /revocation-list "${ims[@]}")
it_is "a role row inserted with SQL counts" "$st" 204
out=$(it_admin roles list)
it_like "unknown role values are listed as such" "$out" "REVOCATION_LIST_READER,SOMETHING_ELSE \(unknown\)"
it_not "the application user cannot write roles" it_app_sql \
	"INSERT INTO trusted_party_roles VALUES ($id, 'REVOCATION_UPLOADER')"
# Offboarding the certificate removes its roles with it.
it_ok "offboard DE auth" it_admin offboard --cert "$PKI/DE/auth.pem"
it_is "roles gone with the row" "$(it_count trusted_party_roles "trusted_party_entity_id=$id")" 0
st=$(it_curl DE GET /revocation-list "${ims[@]}")
it_is "an offboarded client is not authenticated" "$st" 401

it_done
