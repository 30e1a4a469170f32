#!/usr/bin/env bash
# dgcg-sync running against a real stack (issue 16):
#  1. requests and bytes: a first pull, an unchanged one (two 304s and an
#     empty delta), a changed one (a delta with the new DSC), a deletion (a
#     delta with its tombstone), full_every (a full pull that is a 304);
#  2. the shrink guard: 4 of 14 entries deleted is refused (the delta in
#     doubt, a full pull confirms), again on the next pull, then
#     --accept-shrink; every DSC deleted in MariaDB (an empty list) is refused,
#     and rows restored in MariaDB, which no delta shows, come back through
#     the full pull the doubt makes;
#  3. failures, DIR/current untouched: nginx stopped, MariaDB stopped (503), a
#     client certificate nginx does not trust, one it trusts but the gateway
#     does not know, a CA bundle that does not verify the server;
#  4. --daemon: a second pull meets the lock, SIGHUP pulls at once, SIGTERM
#     stops it;
#  5. push from a directory: uploads, a refused upload reported, a listed DSC
#     the directory lacks reported, --delete, and a re-run with nothing to do.
# shellcheck disable=SC2317
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
SYNC=$DGCG_BUILDDIR/dgcg-sync
[[ -x "$SYNC" ]] || { printf 'sync_live: %s not built\n' "$SYNC"; exit 99; }
STACK_COUNTRIES="DE FR"
STACK_POOLS=1
it_start
export ASAN_OPTIONS="log_path=$W/san${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$W/san:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
DAEMON_PID=
# the daemon of section 4 is stopped on every exit path; the test's status stays
_sync_exit() {
	local rc=$?
	[[ -n "$DAEMON_PID" ]] && kill "$DAEMON_PID" 2>/dev/null
	(exit "$rc")
	_it_exit
}
trap _sync_exit EXIT

# dsc NAME [CC]: a demo DSC issued by the country's demo CSCA, $W/NAME.pem.
dsc() { it_dsc "$W/$1" "/C=${2:-DE}/O=dgcg demo/CN=${2:-DE} $1" "${2:-DE}"; }
# signed METHOD PEM [CC]: upload (POST) or delete (DELETE) a DSC; the status.
signed() {
	local cc=${3:-DE}
	openssl x509 -in "$2" -outform DER -out "$W/x.der"
	it_cms "$W/x.der" "$cc" "$W/x.b64"
	it_curl "$cc" "$1" /signerCertificate -H 'Content-Type: application/cms' --data-binary @"$W/x.b64"
}
pull() {
	"$SYNC" pull -u "$DGCG_URL" -a "$DGCG_CACERT" -c "$PKI/DE/auth.pem" -k "$PKI/DE/auth.key" \
		-t "$PKI/ta.pem" -d "$W/out" --set log_file="$W/sync.log" "$@" >"$W/sync.out" 2>>"$W/sync.err"
}
status() { python3 "$IT_TOOL" json "$W/out/status.json" "$1"; }
modes() { printf '%s %s %s' "$(status transfer.lists.CSCA)" "$(status transfer.lists.UPLOAD)" "$(status transfer.lists.DSC)"; }
ndsc() { python3 "$IT_TOOL" jlen "$W/out/current/trustlist.json" "[certificateType=DSC]"; }
snap() { (cd "$W/out" && readlink current && find current/ -type f -print0 | sort -z |
	xargs -0 sha256sum) 2>/dev/null; }
# the trust-list requests nginx logged since mark: "PATH STATUS BYTES" lines
ACCESS=$DGCG_NGINX_ACCESS_LOG
mark() { MARK=$(wc -l <"$ACCESS"); }
since() { tail -n +"$((MARK + 1))" "$ACCESS" | grep -o '"GET /trustList[^"]*" [0-9]* [0-9]*' |
	sed 's/"GET \([^ ]*\) HTTP[^"]*" /\1 /'; }

printf '# at %s s: %s\n' "$SECONDS" "1. requests and bytes"
it_is "DE demo DSC uploaded" "$(signed POST "$PKI/DE/dsc.pem")" 201
it_is "FR demo DSC uploaded" "$(signed POST "$PKI/FR/dsc.pem" FR)" 201
for i in 1 2 3 4 5 6 7 8; do
	dsc "d$i" && st=$(signed POST "$W/d$i.pem")
	it_is "DE DSC d$i uploaded" "$st" 201
done
# A delta overlaps the previous answer's Date by a second (doc/operator-guide.txt,
# Deltas): d8, uploaded in that second, would come again in the unchanged pull.
sleep 2
mark
pull
it_is "first pull: updated (0)" "$?" 0
it_is "... 2 CSCA, 2 UPLOAD, 10 DSC" "$(status current.CSCA) $(status current.UPLOAD) $(status current.DSC)" "2 2 10"
it_is "... three whole lists" "$(modes)" "full full full"
full=$(status transfer.bytes)
it_is "... nginx logged three 200s" "$(since | awk '{print $1, $2}' | tr '\n' ' ')" \
	"/trustList/CSCA 200 /trustList/UPLOAD 200 /trustList/DSC 200 "
printf '# first pull: %s bytes (%s)\n' "$full" "$(since | awk '{print $1 "=" $3}' | tr '\n' ' ')"
mark
pull
it_is "unchanged: 1" "$?" 1
it_is "... CSCA and UPLOAD 304, DSC an empty delta" "$(since | tr '\n' ' ')" \
	"/trustList/CSCA 304 0 /trustList/UPLOAD 304 0 /trustList/DSC 200 2 "
it_is "... status.json: not-modified, not-modified, delta; 3 requests" "$(modes) $(status transfer.requests)" \
	"not-modified not-modified delta 3"
small=$(status transfer.bytes)
it_ok "... under a tenth of the bytes ($small of $full)" test "$((small * 10))" -lt "$full"
printf '# unchanged pull: %s bytes\n' "$small"
dsc new && it_is "one more DSC uploaded" "$(signed POST "$W/new.pem")" 201
mark
pull
it_is "changed: updated (0) through a delta" "$?:$(modes)" "0:not-modified not-modified delta"
it_is "... 11 DSCs" "$(ndsc)" 11
delta_bytes=$(since | awk '$1 == "/trustList/DSC" {print $3}')
dsc_full=$(wc -c <"$W/out/current/trustlist.json")
it_ok "... the delta held one item ($delta_bytes bytes)" test "$delta_bytes" -lt 4000
printf '# delta with one new DSC: %s bytes of body; the published list: %s bytes\n' "$delta_bytes" "$dsc_full"
it_is "one DSC deleted" "$(signed DELETE "$W/new.pem")" 204
mark
pull
it_is "a deletion: updated (0) through a delta" "$?:$(modes)" "0:not-modified not-modified delta"
it_is "... its tombstone removed it: 10 DSCs" "$(ndsc)" 10
it_like "... the delta was a tombstone" "$(since | awk '$1 == "/trustList/DSC"')" "/trustList/DSC 200 [0-9]+"
pull --set full_every=1
it_is "full_every = 1 after a delta: a whole DSC list" "$?:$(status transfer.lists.DSC)" "1:full"
pull --set full_every=1
it_is "... then a delta" "$?:$(status transfer.lists.DSC)" "1:delta"
mark
pull --set full_every=1
it_is "... then a whole list asked with If-None-Match: 304" "$?:$(status transfer.lists.DSC)" "1:not-modified"
it_is "... nginx answered 304 three times" "$(since | awk '{print $2}' | tr '\n' ' ')" "304 304 304 "

printf '# at %s s: %s\n' "$SECONDS" "2. the guard"
before=$(snap)
for i in 1 2 3 4; do
	it_is "d$i deleted" "$(signed DELETE "$W/d$i.pem")" 204
done
pull
it_is "4 of 14 gone (29 %): refused (2)" "$?" 2
it_is "... the delta was in doubt: a full pull decided" "$(status transfer.retriedFull)" true
it_like "... the figures" "$(status message)" "drops 4 of the 14 current entries \(more than max_shrink = 20 %\)"
it_is "... current untouched" "$(snap)" "$before"
pull
it_is "refused again" "$?" 2
it_is "... current untouched" "$(snap)" "$before"
pull --set max_shrink=30
it_is "max_shrink = 30: updated" "$?:$(ndsc)" "0:6"
before=$(snap)
it_sql "UPDATE signer_information SET deleted_at = NOW() WHERE deleted_at IS NULL"
it_curl DE GET /trustList/DSC >/dev/null
it_is "every DSC deleted in MariaDB: the gateway serves []" "$(cat "$IT_BODY")" "[]"
pull
it_is "... refused (2)" "$?" 2
it_like "... no verified DSC" "$(status message)" "no verified DSC entry"
it_is "... current untouched" "$(snap)" "$before"
it_sql "UPDATE signer_information SET deleted_at = NULL WHERE signature IS NOT NULL"
it_sql "UPDATE signer_information SET deleted_at = NOW() WHERE signature IS NULL"
pull
it_is "restored in MariaDB (no delta shows it): the doubt's full pull finds the list: unchanged" \
	"$?:$(status transfer.retriedFull)" "1:true"
it_is "... current untouched" "$(snap)" "$before"

printf '# at %s s: %s\n' "$SECONDS" "3. failures"
ngx=$(<"$IT_DIR/nginx/nginx.pid")
kill "$ngx"
for _ in $(seq 100); do kill -0 "$ngx" 2>/dev/null || break; sleep 0.1; done
pull
it_is "nginx stopped: failed (3)" "$?" 3
it_like "... the message" "$(status message)" "GET https://127.0.0.1:[0-9]+/trustList/CSCA: .*(onnect|refused)"
it_is "... current untouched" "$(snap)" "$before"
it_is "... status.json: failed" "$(status result):$(status exitStatus)" "failed:3"
# (with this test's countries: stack_up onboards the default DE FR IE otherwise)
it_ok "nginx started again" env STACK_COUNTRIES="$STACK_COUNTRIES" \
	bash -c 'STACK_DIR=$IT_DIR; . "$DGCG_SRCDIR/deploy/stack.sh"; stack_up 2>/dev/null'
STACK_DIR=$IT_DIR stack_db_stop
pull --full
it_is "MariaDB stopped: failed (3)" "$?" 3
it_like "... an HTTP 503" "$(status message)" "HTTP 503"
it_is "... current untouched" "$(snap)" "$before"
STACK_DIR=$IT_DIR stack_db_start
"$SYNC" pull -u "$DGCG_URL" -a "$DGCG_CACERT" -c "$PKI/extra/untrusted.pem" -k "$PKI/extra/untrusted.key" \
	-t "$PKI/ta.pem" -d "$W/out" >"$W/sync.out" 2>>"$W/sync.err"
it_is "a client certificate nginx does not trust: failed (3)" "$?" 3
it_is "... current untouched" "$(snap)" "$before"
"$SYNC" pull -u "$DGCG_URL" -a "$DGCG_CACERT" -c "$PKI/extra/good.pem" -k "$PKI/extra/good.key" \
	-t "$PKI/ta.pem" -d "$W/out" >"$W/sync.out" 2>>"$W/sync.err"
it_is "a client certificate the gateway does not know: failed (3)" "$?" 3
it_like "... 401" "$(status message)" "HTTP 401"
"$SYNC" pull -u "$DGCG_URL" -a "$PKI/client-ca.pem" -c "$PKI/DE/auth.pem" -k "$PKI/DE/auth.key" \
	-t "$PKI/ta.pem" -d "$W/out" >"$W/sync.out" 2>>"$W/sync.err"
it_is "a CA bundle that does not verify the server: failed (3)" "$?" 3
it_like "... a certificate problem" "$(status message)" "(certificate|SSL)"
it_is "... current untouched" "$(snap)" "$before"
pull
it_is "all back: unchanged (1)" "$?" 1

printf '# at %s s: %s\n' "$SECONDS" "4. --daemon"
"$SYNC" pull -u "$DGCG_URL" -a "$DGCG_CACERT" -c "$PKI/DE/auth.pem" -k "$PKI/DE/auth.key" \
	-t "$PKI/ta.pem" -d "$W/out" --daemon --interval 600 --set log_file="$W/daemon.log" \
	>"$W/daemon.out" 2>&1 &
DAEMON_PID=$!
wait_pulls() { # N: until the daemon logged N pulls (30 s at most)
	local t
	for t in $(seq 300); do
		(( $(grep -c 'message="pull"' "$W/daemon.log" 2>/dev/null) >= $1 )) && return 0
		sleep 0.1
	done
	return 1
}
it_ok "the daemon's first pull" wait_pulls 1
pull
it_is "a second dgcg-sync on the same DIR: failed (3)" "$?" 3
it_like "... the lock" "$(cat "$W/sync.err")" "another dgcg-sync works on"
dsc late && it_is "a DSC uploaded" "$(signed POST "$W/late.pem")" 201
kill -HUP "$DAEMON_PID"
it_ok "SIGHUP: a pull at once" wait_pulls 2
it_like "... a full one, which published the DSC" "$(grep 'message="pull"' "$W/daemon.log" | tail -n 1)" \
	'result="updated".*dscList="full"'
it_is "... 7 DSCs" "$(ndsc)" 7
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID"
it_is "SIGTERM: the daemon exits 0" "$?" 0
DAEMON_PID=
it_like "... and says so" "$(cat "$W/daemon.log")" 'message="daemon stopped"'

printf '# at %s s: %s\n' "$SECONDS" "5. push"
mkdir -p "$W/own"
cp "$PKI/DE/dsc.pem" "$W/d5.pem" "$W/d6.pem" "$W/d7.pem" "$W/d8.pem" "$W/own/"
dsc p1 && dsc p2 && cp "$W/p1.pem" "$W/p2.pem" "$W/own/"
it_selfsigned "$W/own/self" "/C=DE/O=dgcg demo/CN=DE self-signed" && rm "$W/own/self.key"
push() {
	"$SYNC" push -u "$DGCG_URL" -a "$DGCG_CACERT" -c "$PKI/DE/auth.pem" -k "$PKI/DE/auth.key" \
		-U "$PKI/DE/upload.pem" -K "$PKI/DE/upload.key" "$@" >"$W/push.out" 2>>"$W/sync.err"
}
push "$W/own"
it_is "push: differences remain (1)" "$?" 1
sed 's/^/# push: /' "$W/push.out"
it_is "... p1 and p2 uploaded" "$(grep -c '^uploaded kid=' "$W/push.out")" 2
it_like "... the self-signed one refused, with the gateway's details" "$(cat "$W/push.out")" \
	"DIFFERENCE kid=.*\(self.pem\): upload refused: HTTP 400 0x004: Uploaded certificate is not issued"
it_like "... the late DSC listed, not in the directory" "$(cat "$W/push.out")" \
	"DIFFERENCE kid=$(it_kid_pem "$W/late.pem" | sed 's/[+/]/\\&/g'): listed, not in"
rm -f "$W/own/self.pem"
push --delete "$W/own"
it_is "push --delete: done (0)" "$?" 0
it_like "... the late DSC deleted" "$(cat "$W/push.out")" "^deleted kid="
it_like "... nothing else to do" "$(tail -n 1 "$W/push.out")" "uploaded 0, already there 0, deleted 1, already gone 0; 0 differences"
push --delete "$W/own"
it_is "a re-run: done (0), nothing to do" "$?:$(tail -n 1 "$W/push.out" | sed 's/.*listed; //')" \
	"0:uploaded 0, already there 0, deleted 0, already gone 0; 0 differences"
pull
it_is "pull: updated" "$?" 0
it_is "... the DE DSCs are the directory's" "$(python3 -c 'import json,sys
print(sum(1 for i in json.load(open(sys.argv[1])) if i["certificateType"] == "DSC" and i["country"] == "DE"))' \
	"$W/out/current/trustlist.json")" "$(ls "$W/own" | wc -l)"

it_is "no sanitizer report from dgcg-sync" "$(ls "$W"/san.* 2>/dev/null)" ""
it_done
