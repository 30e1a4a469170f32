# shellcheck shell=bash
# lib.sh: the integration-test harness, sourced by t/it/*.sh.
#
# A test starts a private stack (deploy/stack.sh: MariaDB, workers, nginx on a
# free loopback port, a fresh demo PKI), talks to it with real clients, counts
# assertions and ends with it_done. The stack is stopped and its directory
# removed on every exit path (set DGCG_KEEP=1 to keep the directory).
#
#   it_start                       start the stack; sets IT_DIR, PKI, IT_BODY, IT_HEADERS
#                                  and everything in $STACK_DIR/env (DGCG_URL, DGCG_PKI,
#                                  DGCG_CACERT, DGCG_LOG, DGCG_CONFIG, DGCG_ADMIN, ...)
#   it_curl WHO METHOD PATH [curl args...]
#                                  one request; body -> $IT_BODY, headers -> $IT_HEADERS;
#                                  prints the HTTP status (000 when none). WHO: a country
#                                  (its $PKI/CC/auth.pem|key), a path prefix such as
#                                  $PKI/extra/expired (NAME.pem|key), or - (no certificate)
#   it_is NAME GOT WANT            assert GOT = WANT
#   it_ok NAME COMMAND...          assert COMMAND succeeds (its output is shown when not)
#   it_not NAME COMMAND...         assert COMMAND fails
#   it_like NAME STRING REGEX      assert STRING matches the extended REGEX
#   it_json FIELD                  print top-level FIELD of the JSON in $IT_BODY
#                                  (strings as is, other values as JSON); status 1 when absent
#   it_header NAME                 print the value of response header NAME (case-insensitive)
#   it_log_has REGEX               assert the worker log matches (waits up to 3 s); also
#                                  returns the result, so it_not NAME it_log_has RE works
#   it_sql SQL                     run SQL as MariaDB root on the dgcg database (tab-separated)
#   it_rule OUT [KEY=VALUE...]     write a valid validation rule (JSON) with overrides
#   it_admin ARGS...               run dgcg-admin on the stack (stderr kept in log/admin.log)
#   it_thumb_pem FILE              SHA-256 (hex) of a PEM certificate's DER
#   it_done                        stop the stack, assert no sanitizer report in the worker and
#                                  admin logs and no secret (password, data key, private key:
#                                  stack_scan_secrets) in any log of the stack, print
#                                  "N passed, N failed"; exit 1 when any failed
#
# Before it_start a test may set STACK_COUNTRIES, STACK_POOLS, STACK_WORKERS,
# STACK_BODY_MAX. The PKI has extra clients for the first country:
# $PKI/extra/{good,expired,untrusted,revoked} (see deploy/stack.sh).
# Exit statuses: 0 all passed, 1 an assertion failed, 99 the stack did not start.

set -u

_it_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ -z "${DGCG_SRCDIR:-}" ]]; then
	DGCG_SRCDIR=$(cd "$_it_here/.." && pwd)
fi
if [[ -z "${DGCG_BUILDDIR:-}" ]]; then
	if [[ -x "$DGCG_SRCDIR/build/dgcg-fcgi" ]]; then
		DGCG_BUILDDIR=$DGCG_SRCDIR/build
	else
		DGCG_BUILDDIR=$DGCG_SRCDIR
	fi
fi
export DGCG_SRCDIR DGCG_BUILDDIR

IT_DIR=""
IT_BODY=/dev/null
IT_HEADERS=/dev/null
_it_pass=0
_it_fail=0

# shellcheck source=deploy/stack.sh
. "$DGCG_SRCDIR/deploy/stack.sh"

_it_tail() {
	[[ -s "$1" ]] || return 0
	printf -- '--- %s (last %s lines)\n' "$1" "$2"
	tail -n "$2" "$1"
}

# _it_dump: what a failed run leaves for the reader of the test log.
_it_dump() {
	local f
	printf 'it: FAILED; stack state in %s (DGCG_KEEP=1 keeps it)\n' "$IT_DIR"
	_it_tail "$IT_DIR/log/dgcg.log" 60
	_it_tail "$IT_DIR/nginx/logs/error.log" 30
	_it_tail "$IT_DIR/nginx/logs/access.log" 20
	_it_tail "$IT_DIR/log/admin.log" 20
	for f in "$IT_DIR"/log/spawn-*.log; do
		_it_tail "$f" 20
	done
	_it_tail "$IT_DIR/log/mariadb.err" 20
}

_it_exit() {
	local rc=$?
	trap - EXIT INT TERM
	if [[ -n "$IT_DIR" && -d "$IT_DIR" ]]; then
		(( rc != 0 )) && _it_dump
		STACK_DIR=$IT_DIR stack_down
		if [[ "${DGCG_KEEP:-0}" == 1 ]]; then
			printf 'it: kept %s\n' "$IT_DIR"
		else
			rm -rf "$IT_DIR"
		fi
	fi
	exit "$rc"
}

it_start() {
	IT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dgcg-it.XXXXXX") || exit 99
	trap _it_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	export STACK_DIR=$IT_DIR STACK_PORT=0
	if ! stack_up; then
		printf 'it_start: stack_up failed\n'
		exit 99
	fi
	# shellcheck source=/dev/null
	. "$IT_DIR/env"
	PKI=$DGCG_PKI
	mkdir -p "$IT_DIR/it"
	IT_BODY=$IT_DIR/it/body
	IT_HEADERS=$IT_DIR/it/headers
	export PKI IT_DIR IT_BODY IT_HEADERS
}

it_curl() {
	local who=$1 method=$2 path=$3 id=() m=()
	shift 3
	case $who in
	-) ;;
	*/*) id=(--cert "$who.pem" --key "$who.key") ;;
	*) id=(--cert "$PKI/$who/auth.pem" --key "$PKI/$who/auth.key") ;;
	esac
	if [[ "$method" == HEAD ]]; then
		m=(-I)
	else
		m=(-X "$method")
	fi
	: >"$IT_BODY"
	: >"$IT_HEADERS"
	curl -s -g --path-as-is --max-time 60 --cacert "$DGCG_CACERT" "${id[@]}" "${m[@]}" \
		-o "$IT_BODY" -D "$IT_HEADERS" -w '%{http_code}' "$@" "$DGCG_URL$path"
	return 0
}

_it_result() {
	if [[ "$1" == ok ]]; then
		_it_pass=$((_it_pass + 1))
		printf 'ok %d - %s\n' "$((_it_pass + _it_fail))" "$2"
	else
		_it_fail=$((_it_fail + 1))
		printf 'not ok %d - %s\n' "$((_it_pass + _it_fail))" "$2"
		[[ -n "${3:-}" ]] && printf '#   %s\n' "$3"
	fi
	return 0
}

it_is() {
	if [[ "$2" == "$3" ]]; then
		_it_result ok "$1"
	else
		_it_result fail "$1" "got '$2', want '$3'"
	fi
}

it_like() {
	if [[ "$2" =~ $3 ]]; then
		_it_result ok "$1"
	else
		_it_result fail "$1" "'$2' does not match /$3/"
	fi
}

# _it_cmd NAME WANT COMMAND...: WANT 0 = COMMAND must succeed, 1 = must fail.
_it_cmd() {
	local name=$1 want=$2 out line got=0
	shift 2
	out=$("$@" 2>&1) || got=1
	if (( got == want )); then
		_it_result ok "$name"
		return 0
	fi
	if (( want == 0 )); then
		_it_result fail "$name" "command failed: $*"
	else
		_it_result fail "$name" "command succeeded: $*"
	fi
	[[ -n "$out" ]] && while IFS= read -r line; do printf '#     %s\n' "$line"; done <<<"$out"
	return 0
}

it_ok() {
	local name=$1
	shift
	_it_cmd "$name" 0 "$@"
}

it_not() {
	local name=$1
	shift
	_it_cmd "$name" 1 "$@"
}

it_json() {
	python3 -c 'import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        d = json.load(f)
except (OSError, ValueError):
    sys.exit(1)
if not isinstance(d, dict) or sys.argv[2] not in d:
    sys.exit(1)
v = d[sys.argv[2]]
print(v if isinstance(v, str) else json.dumps(v))' "$IT_BODY" "$1"
}

it_header() {
	local name line
	name=$(tr '[:upper:]' '[:lower:]' <<<"$1")
	while IFS= read -r line; do
		line=${line%$'\r'}
		if [[ "$(tr '[:upper:]' '[:lower:]' <<<"${line%%:*}")" == "$name" ]]; then
			line=${line#*:}
			line=${line#"${line%%[![:space:]]*}"}
			printf '%s\n' "$line"
			return 0
		fi
	done <"$IT_HEADERS"
	return 1
}

it_log_has() {
	local tenths=30
	while (( tenths-- > 0 )); do
		if grep -Eq -- "$1" "$DGCG_LOG" 2>/dev/null; then
			_it_result ok "log has /$1/"
			return 0
		fi
		sleep 0.1
	done
	_it_result fail "log has /$1/" "no line of $DGCG_LOG matches"
	return 1
}

it_sql() {
	STACK_DIR=$IT_DIR stack_sql "$1"
}

# it_admin ARGS...: dgcg-admin -c $DGCG_CONFIG ARGS; its stderr goes to the
# test's stderr and to log/admin.log (for it_done's sanitizer check).
it_admin() {
	local rc
	"$DGCG_ADMIN" -c "$DGCG_CONFIG" "$@" 2>"$IT_DIR/it/admin.err"
	rc=$?
	cat "$IT_DIR/it/admin.err" >>"$IT_DIR/log/admin.log"
	cat "$IT_DIR/it/admin.err" >&2
	return $rc
}

# it_thumb_pem FILE: the lower-case hex SHA-256 of a PEM certificate's DER.
it_thumb_pem() { openssl x509 -in "$1" -outform DER | sha256sum | cut -c1-64; }

# it_rule OUT [KEY=JSON | KEY=@SECONDS | KEY=-]...: writes to OUT the
# reference's dummy validation rule (GR-DE-0001, Acceptance, General,
# ValidFrom now+3d, ValidTo now+7d, Region BW) with overrides: KEY=JSON sets
# a field, KEY=@N the UTC time now+N seconds (now: $RULE_NOW, epoch seconds,
# when set), KEY=- removes it.
it_rule() {
	local out=$1
	shift
	python3 - "$out" "$@" <<'PY'
import datetime, json, os, sys
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
if os.environ.get("RULE_NOW"):
    now = datetime.datetime.fromtimestamp(int(os.environ["RULE_NOW"]), datetime.timezone.utc)
def at(s):
    return (now + datetime.timedelta(seconds=int(s))).strftime("%Y-%m-%dT%H:%M:%SZ")
d = {"Identifier": "GR-DE-0001", "Type": "Acceptance", "Country": "DE", "Version": "1.0.0",
     "SchemaVersion": "1.0.0", "Engine": "CERTLOGIC", "EngineVersion": "1.0.0",
     "CertificateType": "General",
     "Description": [{"lang": "en", "desc": "Description of the dummy rule for tests"}],
     "ValidFrom": at(3 * 86400), "ValidTo": at(7 * 86400), "AffectedFields": ["aField"],
     "Logic": {"and": [{">": [{"var": "hcert.v.0.dn"}, 0]}]}, "Region": "BW"}
for a in sys.argv[2:]:
    k, v = a.split("=", 1)
    if v == "-":
        d.pop(k, None)
    elif v.startswith("@"):
        d[k] = at(v[1:])
    else:
        d[k] = json.loads(v)
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write(json.dumps(d, ensure_ascii=False))
PY
}

# it_done: stops the stack first, so that workers built with sanitizers write
# their exit-time reports (leaks), then counts any sanitizer report in the
# worker and admin logs, and any secret in the stack's logs, as one more
# failed assertion each.
it_done() {
	local f hits=()
	if [[ -n "$IT_DIR" && -d "$IT_DIR" ]]; then
		STACK_DIR=$IT_DIR stack_down
		for f in "$IT_DIR"/log/spawn-*.log "$IT_DIR/log/admin.log"; do
			[[ -s "$f" ]] || continue
			if grep -Eq 'ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:' "$f"; then
				hits+=("$f")
			fi
		done
		if (( ${#hits[@]} )); then
			_it_result fail "no sanitizer reports" "see ${hits[*]}"
			for f in "${hits[@]}"; do
				grep -E -A12 'ERROR: [A-Za-z]+Sanitizer|runtime error:' "$f" | head -n 60
			done
		else
			_it_result ok "no sanitizer reports"
		fi
		# Every test's logs, whatever it did: a secret must never be logged.
		f=$(STACK_DIR=$IT_DIR stack_scan_secrets)
		it_is "no secret in the logs" "$f" ""
	fi
	printf '%d passed, %d failed\n' "$_it_pass" "$_it_fail"
	(( _it_fail == 0 )) || exit 1
	exit 0
}
