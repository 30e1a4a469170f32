#!/usr/bin/env bash
# dgcg-sync against a fake gateway (issue 16): t/it/fake_gateway.py, a python3
# HTTPS server with mutual TLS on 127.0.0.1, serves lists that a real dgcg
# never serves (t/it/sync_craft.py crafts them from a demo PKI):
#  1. the good lists: all verified, published, exports written; a second pull
#     is unchanged and asks with If-None-Match and If-Modified-Since;
#  2. one crafted item per reason the real gateway filters (MALFORMED,
#     WRONG_TYPE, BAD_CERTIFICATE, THUMBPRINT_MISMATCH, KID_MISMATCH,
#     DUPLICATE, NO_SIGNATURE, BAD_CMS, SIGNATURE_INVALID, NOT_TRUST_ANCHOR,
#     SIGNER_NOT_UPLOAD, SIGNER_OTHER_COUNTRY, NO_CSCA, ISSUER_OTHER_COUNTRY,
#     NOT_YET_VALID): each rejected with exactly that reason, the rest stays;
#  3. failures in the middle of a pull (a 500, an empty list, a body cut
#     short, a connection closed, JSON cut short, an unknown server
#     certificate, a client certificate the server refuses): DIR/current
#     untouched, the exit status says failed or refused;
#  4. the shrink guard, and --accept-shrink;
#  5. --api v2 against TNG-shaped items;
#  6. push: 409 and 404 are a re-run's outcomes, a 400 a difference, a 503
#     a failure.
# No MariaDB, no nginx: only the demo PKI of deploy/pki.sh.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
SYNC=$DGCG_BUILDDIR/dgcg-sync
if [[ ! -x "$SYNC" ]]; then
	printf 'sync_fake: %s not built\n' "$SYNC"
	exit 99
fi
W=$(mktemp -d "${TMPDIR:-/tmp}/dgcg-sync-fake.XXXXXX") || exit 99
FAKE_PID=
cleanup() {
	local rc=$?
	if [[ -n "$FAKE_PID" ]]; then
		kill "$FAKE_PID" 2>/dev/null
		wait "$FAKE_PID" 2>/dev/null
	fi
	if (( rc != 0 )); then
		printf 'sync_fake: failed; state in %s\n' "$W"
		tail -n 20 "$W/fake.log" "$W/fake.err" "$W/sync.err" 2>/dev/null
	fi
	[[ "${DGCG_KEEP:-0}" == 1 ]] || rm -rf "$W"
	exit "$rc"
}
trap cleanup EXIT
# sanitizer reports of the --enable-asan build go to files, looked for at the end
export ASAN_OPTIONS="log_path=$W/san${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$W/san:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

PKI=$W/pki
# shellcheck source=deploy/pki.sh
. "$DGCG_SRCDIR/deploy/pki.sh"
it_ok "demo PKI" pki_all DE FR
it_ok "a client certificate of an unknown CA" pki_client untrusted DE untrusted
it_ok "crafted lists" python3 "$DGCG_SRCDIR/t/it/sync_craft.py" "$PKI" "$W/craft"
ROOT=$W/root
mkdir -p "$ROOT"

# serve SET: the fake gateway's lists become craft/SET-*.json, no behaviours.
serve() {
	local t
	rm -f "$ROOT"/*.status "$ROOT"/*.mode "$ROOT"/signer.*
	for t in CSCA UPLOAD DSC; do
		cp "$W/craft/$1-$t.json" "$ROOT/$t.json"
		cp "$W/craft/v2-$t.json" "$ROOT/v2-$t.json"
	done
}
serve good
python3 "$DGCG_SRCDIR/t/it/fake_gateway.py" --root "$ROOT" --cert "$PKI/server.pem" \
	--key "$PKI/server.key" --client-ca "$PKI/client-ca.pem" --port-file "$W/port" \
	--log "$W/fake.log" 2>"$W/fake.err" &
FAKE_PID=$!
for _ in $(seq 100); do
	[[ -s "$W/port" ]] && break
	sleep 0.1
done
it_ok "fake gateway up" test -s "$W/port"
URL=https://127.0.0.1:$(<"$W/port")

# pull DIR ARGS...: dgcg-sync pull, stdout in $W/sync.out; its exit status.
pull() {
	local d=$1
	shift
	"$SYNC" pull -u "$URL" -a "$PKI/server-ca.pem" -c "$PKI/DE/auth.pem" -k "$PKI/DE/auth.key" \
		-t "$PKI/ta.pem" -d "$W/$d" --set log_file="$W/sync.log" "$@" >"$W/sync.out" 2>"$W/sync.err"
}
# snap DIR: what DIR/current is (its link and every file's hash).
snap() {
	(cd "$W/$1" && readlink current && find current/ -type f -print0 | sort -z |
		xargs -0 sha256sum) 2>/dev/null
}
# status DIR KEY: a member of DIR/status.json (dots for nesting).
status() { python3 "$IT_TOOL" json "$W/$1/status.json" "$2"; }
# rejected DIR: "type kid reason" lines of DIR/current/rejected.json, sorted.
rejected() { python3 "$IT_TOOL" rows "$W/$1/current/rejected.json" "" certificateType kid reason | sort; }
count_log() { grep -c -- "$1" "$W/fake.log"; }

printf '# %s\n' "1. the good lists"
pull a
it_is "good lists: updated (0)" "$?" 0
it_like "... all verified" "$(cat "$W/sync.out")" "verified: 2 CSCA, 2 UPLOAD, 2 DSC; rejected: 0 CSCA, 0 UPLOAD, 0 DSC"
it_ok "current is a link to a generation" test -L "$W/a/current"
it_ok "trustlist.json = the served items, sorted by kid, in the gateway's shape" python3 - "$W" <<'EOF'
import json, sys
w = sys.argv[1]
served = []
for t in ("CSCA", "UPLOAD", "DSC"):
    served += json.load(open("%s/craft/good-%s.json" % (w, t)))
got = json.load(open(w + "/a/current/trustlist.json"))
key = lambda i: (i["kid"], i["certificateType"] == "DSC", i["thumbprint"])
assert got == sorted(served, key=key), "differs"
assert all(list(i) == ["kid", "timestamp", "country", "certificateType", "thumbprint",
                       "signature", "rawData"] for i in got)
EOF
it_is "rejected.json empty" "$(cat "$W/a/current/rejected.json")" "[]"
it_is "pem/DE.pem and pem/FR.pem" "$(cd "$W/a/current/pem" && ls)" $'DE.pem\nFR.pem'
it_ok "kids.json and jwks.json name the 2 DSCs" python3 - "$W/a/current" <<'EOF'
import json, sys
d = sys.argv[1]
kids = json.load(open(d + "/kids.json"))
jwks = json.load(open(d + "/jwks.json"))
assert len(kids) == 2 and sorted(kids) == sorted(k["kid"] for k in jwks["keys"])
EOF
: >"$W/fake.log"
pull a
it_is "the same lists again: unchanged (1)" "$?" 1
it_is "... CSCA and UPLOAD with If-None-Match: 304" "$(grep -c ' 304 0 inm="' "$W/fake.log")" 2
it_like "... DSC with If-Modified-Since: the Date minus one second" \
	"$(grep 'GET /trustList/DSC' "$W/fake.log")" 'ims=[A-Z][a-z][a-z], [0-9]{2} [A-Z][a-z]{2} 20[0-9]{2} [0-9:]{8} GMT$'
it_is "status.json says unchanged" "$(status a result):$(status a exitStatus)" "unchanged:1"
it_is "metrics: result 1, 2 DSC" "$(grep -E '^dgcg_sync_(result|entries\{type="DSC"\})' "$W/a/metrics.prom" |
	awk '{print $2}' | tr '\n' ' ')" "1 2 "

printf '# %s\n' "2. one crafted item per reason"
serve bad
pull a
it_is "bad items added: updated (0; nothing dropped)" "$?" 0
it_like "... the good ones stay, with the IE UPLOAD" "$(cat "$W/sync.out")" "verified: 2 CSCA, 3 UPLOAD, 2 DSC; rejected: 1 CSCA, 0 UPLOAD, 14 DSC"
want=$(python3 "$IT_TOOL" rows "$W/craft/expected.json" "" 0 1 2 | sort)
it_is "rejected.json: each crafted item with its reason" "$(rejected a)" "$want"
it_is "15 reasons covered" "$(rejected a | awk '{print $3}' | sort -u | wc -l)" 15
it_like "status.json counts them by reason" "$(status a rejectedByReason)" '"SIGNER_OTHER_COUNTRY": 1'
kid=$(python3 -c 'import json, sys
print([k for t, k, r in json.load(open(sys.argv[1])) if r == "ISSUER_OTHER_COUNTRY"][0])' "$W/craft/expected.json")
"$SYNC" pull -u "$URL" -a "$PKI/server-ca.pem" -c "$PKI/DE/auth.pem" -k "$PKI/DE/auth.key" \
	-t "$PKI/ta.pem" -d "$W/a" --offline --explain "$kid" >"$W/explain.out" 2>&1
it_is "--explain --offline: found (0)" "$?" 0
it_like "... the verdict" "$(head -n 1 "$W/explain.out")" "^DSC DE kid=.*REJECTED ISSUER_OTHER_COUNTRY"
it_like "... the issuer check names the FR CSCA" "$(cat "$W/explain.out")" "issuer +FAIL +ISSUER_OTHER_COUNTRY: CSCA kid=[^ ]+ of FR"
it_is "... all 14 checks listed" "$(grep -cE '^  [a-z0-9]+ +(pass|FAIL|off|skipped)' "$W/explain.out")" 14
"$SYNC" pull -d "$W/a" -t "$PKI/ta.pem" --offline --explain NOSUCHKID >/dev/null 2>&1
it_is "--explain of an unknown kid: 1" "$?" 1

printf '# %s\n' "3. failures in the middle of a pull"
before=$(snap a)
ok_before=$(status a lastSuccess)
check_kept() { # NAME WANT-EXIT GOT-EXIT
	it_is "$1: exit $2" "$3" "$2"
	it_is "$1: current untouched" "$(snap a)" "$before"
}
echo 500 >"$ROOT/DSC.status"
pull a --full
check_kept "DSC list answers 500" 3 "$?"
it_like "... the message names it" "$(cat "$W/sync.out")" "^failed: GET https://127.0.0.1:[0-9]+/trustList/DSC: HTTP 500"
it_is "... status.json: failed, lastSuccess kept" "$(status a result) $(status a lastSuccess)" "failed $ok_before"
it_is "... metrics: result 3" "$(grep '^dgcg_sync_result ' "$W/a/metrics.prom")" "dgcg_sync_result 3"
rm -f "$ROOT/DSC.status"
echo '[]' >"$ROOT/DSC.json"
pull a --full
check_kept "an empty DSC list" 2 "$?"
it_like "... refused: no verified DSC" "$(cat "$W/sync.out")" "^refused: the new list has no verified DSC entry"
cp "$W/craft/bad-DSC.json" "$ROOT/DSC.json"
echo '[]' >"$ROOT/CSCA.json"
pull a --full
check_kept "an empty CSCA list (dgc-lib would empty its DSC list)" 2 "$?"
it_like "... refused: no verified CSCA" "$(cat "$W/sync.out")" "^refused: the new list has no verified CSCA entry"
cp "$W/craft/bad-CSCA.json" "$ROOT/CSCA.json"
echo truncate >"$ROOT/DSC.mode"
pull a --full
check_kept "a DSC body cut short (Content-Length not reached)" 3 "$?"
rm -f "$ROOT/DSC.mode"
echo close >"$ROOT/UPLOAD.mode"
pull a --full
check_kept "UPLOAD: the connection closed without an answer" 3 "$?"
rm -f "$ROOT/UPLOAD.mode"
head -c 5000 "$W/craft/bad-DSC.json" >"$ROOT/DSC.json"
pull a --full
check_kept "a 200 whose JSON is cut short" 3 "$?"
it_like "... not JSON" "$(cat "$W/sync.out")" "not JSON"
cp "$W/craft/bad-DSC.json" "$ROOT/DSC.json"
"$SYNC" pull -u "$URL" -a "$PKI/client-ca.pem" -c "$PKI/DE/auth.pem" -k "$PKI/DE/auth.key" \
	-t "$PKI/ta.pem" -d "$W/a" --set log_file="$W/sync.log" >"$W/sync.out" 2>&1
check_kept "a server certificate the CA bundle does not verify" 3 "$?"
it_like "... a TLS failure" "$(cat "$W/sync.out")" "(certificate|SSL)"
"$SYNC" pull -u "$URL" -a "$PKI/server-ca.pem" -c "$PKI/extra/untrusted.pem" \
	-k "$PKI/extra/untrusted.key" -t "$PKI/ta.pem" -d "$W/a" --set log_file="$W/sync.log" \
	>"$W/sync.out" 2>&1
check_kept "a client certificate the server refuses (mutual TLS)" 3 "$?"
"$SYNC" pull -u "http://127.0.0.1:1" -a "$PKI/server-ca.pem" -c "$PKI/DE/auth.pem" \
	-k "$PKI/DE/auth.key" -t "$PKI/ta.pem" -d "$W/a" >"$W/sync.out" 2>&1
check_kept "a plain-http url: no such mode" 4 "$?"
it_like "... the option named" "$(cat "$W/sync.out")" "command line \(url\): url: must start with https://"
pull a
it_is "the lists back: unchanged (1)" "$?" 1

printf '# %s\n' "4. the shrink guard"
# the fake answers If-Modified-Since with the whole list, which as a delta
# removes nothing: these pulls ask for whole lists (deltas = no)
serve good
pull a
it_is "good lists drop the crafted IE UPLOAD (1 of 7 = 14 %): updated" "$?" 0
python3 - "$ROOT/DSC.json" <<'EOF'
import json, sys
l = json.load(open(sys.argv[1]))
json.dump([i for i in l if i["country"] != "FR"], open(sys.argv[1], "w"))
EOF
before=$(snap a)
pull a --set max_shrink=15 --set deltas=no
check_kept "1 of 6 dropped (17 %) with max_shrink 15" 2 "$?"
it_like "... refused, with the figures" "$(cat "$W/sync.out")" "drops 1 of the 6 current entries \(more than max_shrink = 15 %\)"
pull a --set max_shrink=15 --set deltas=no
check_kept "refused again on the next pull (a 304)" 2 "$?"
it_like "... the lists came as 304" "$(cat "$W/sync.out")" "CSCA not-modified, UPLOAD not-modified, DSC not-modified"
pull a --set max_shrink=15 --set deltas=no --accept-shrink
it_is "--accept-shrink publishes it" "$?" 0
it_is "... 1 DSC left" "$(python3 "$IT_TOOL" jlen "$W/a/current/trustlist.json" "[certificateType=DSC]")" 1
it_is "... previous names the generation before" "$(readlink "$W/a/previous")" "$(head -n 1 <<<"$before")"
it_is "... lists/ keeps two generations" "$(ls "$W/a/lists" | wc -l)" 2

printf '# %s\n' "5. --api v2"
: >"$W/fake.log"
pull v2 --api v2
it_is "v2 items: updated" "$?" 0
it_like "... all verified" "$(cat "$W/sync.out")" "verified: 2 CSCA, 2 UPLOAD, 2 DSC; rejected: 0"
it_is "... three /trustList/certificate?group= requests" \
	"$(grep -c 'GET /trustList/certificate?group=\(CSCA\|UPLOAD\|DSC\) 200' "$W/fake.log")" 3
it_ok "... written as TrustListItems: computed thumbprints, null timestamps" python3 - "$W" <<'EOF'
import json, sys
w = sys.argv[1]
got = json.load(open(w + "/v2/current/trustlist.json"))
want = []
for t in ("CSCA", "UPLOAD", "DSC"):
    want += json.load(open("%s/craft/good-%s.json" % (w, t)))
for i in want:
    i["timestamp"] = None
key = lambda i: (i["kid"], i["certificateType"] == "DSC", i["thumbprint"])
assert got == sorted(want, key=key)
EOF
pull v2 --api v2
it_is "... again: unchanged, no delta (v2 has none)" "$?:$(grep -c 'ims=-$' "$W/fake.log")" "1:6"

printf '# %s\n' "6. push: 409 and 404 are re-runs"
mkdir -p "$W/own"
cp "$PKI/DE/dsc.pem" "$W/own/dsc.pem"
cp "$W/craft/extra/other.pem" "$W/own/other.pem"
push() {
	"$SYNC" push -u "$URL" -a "$PKI/server-ca.pem" -c "$PKI/DE/auth.pem" -k "$PKI/DE/auth.key" \
		-U "$PKI/DE/upload.pem" -K "$PKI/DE/upload.key" "$@" >"$W/push.out" 2>&1
}
serve good
echo 409 >"$ROOT/signer.POST"
push "$W/own"
it_is "409 for the one missing: done (0)" "$?" 0
it_like "... already there" "$(cat "$W/push.out")" "already there kid="
cp "$PKI/FR/dsc.pem" "$W/own/fr.pem"
push "$W/own"
it_is "a DSC of FR in DE's directory: a difference (1)" "$?" 1
it_like "... named" "$(cat "$W/push.out")" "DIFFERENCE kid=.*\(fr.pem\): a DSC of FR, not of DE"
rm -f "$W/own/fr.pem" "$W/own/dsc.pem"
echo 404 >"$ROOT/signer.DELETE"
push --delete "$W/own"
it_is "--delete, 404: done (0)" "$?" 0
it_like "... already gone" "$(cat "$W/push.out")" "already gone kid="
push "$W/own"
it_is "without --delete the listed one is a difference (1)" "$?" 1
it_like "... named" "$(cat "$W/push.out")" "DIFFERENCE kid=.*: listed, not in .*--delete removes it"
echo 400 >"$ROOT/signer.POST"
push --delete "$W/own"
it_is "a 400 for an upload: a difference (1)" "$?" 1
it_like "... with the gateway's problem" "$(cat "$W/push.out")" "upload refused: HTTP 400 0x190: fake gateway 400"
echo 503 >"$ROOT/signer.POST"
push --delete "$W/own"
it_is "a 503: failed (3)" "$?" 3
it_like "... named" "$(cat "$W/push.out")" "FAILED: POST /signerCertificate kid=.*: HTTP 503"
rm -f "$ROOT/signer.POST"
sent=$(grep -c '^POST\|^DELETE' "$W/fake.log")
push --delete --dry-run "$W/own"
it_is "--dry-run: what it would do is a difference (1)" "$?" 1
it_is "... nothing sent" "$(grep -c '^POST\|^DELETE' "$W/fake.log")" "$sent"

it_is "no sanitizer report from dgcg-sync" "$(ls "$W"/san.* 2>/dev/null)" ""
it_done
