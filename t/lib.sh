# shellcheck shell=bash
# lib.sh: the integration-test harness, sourced by t/it/*.sh.
#
# A test starts a private stack (deploy/stack.sh: MariaDB, workers, nginx on a
# free loopback port, a fresh demo PKI), talks to it with real clients, counts
# assertions and ends with it_done. The stack is stopped and its directory
# removed on every exit path (set DGCG_KEEP=1 to keep the directory).
#
#   it_start                       start the stack; sets IT_DIR, PKI, IT_BODY, IT_HEADERS,
#                                  W (an empty directory for the test's own files)
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
#   it_json [-s SEP] PATH...       print the values at PATH of the JSON in $IT_BODY (a
#                                  top-level FIELD, or e.g. batches.0.batchId, *.kid;
#                                  t/tool.py): strings as is, other values as JSON, joined
#                                  by SEP (a space); status 1 when absent
#   it_jlen [PATH]                 the number of items of the list or object at PATH of $IT_BODY
#   it_keys [-s SEP] [PATH]        the keys, in order, of the object at PATH of $IT_BODY
#   it_rows [-s SEP] PATH KEY...   one line per item of the list at PATH of $IT_BODY: its KEYs
#   it_shape SPEC...               succeed when $IT_BODY has every SPEC (t/tool.py
#                                  check-shape: key order, formats, values), else print
#                                  what it lacks; an assertion through it_ok
#   it_header NAME                 print the value of response header NAME (case-insensitive)
#   it_log_has REGEX               assert the worker log matches (waits up to 3 s); also
#                                  returns the result, so it_not NAME it_log_has RE works
#   it_sql SQL                     run SQL as MariaDB root on the dgcg database (tab-separated)
#   it_app_sql SQL                 run SQL as the application user (output and errors)
#   it_count TABLE [WHERE]         the number of rows of TABLE (matching WHERE)
#   it_conf KEY                    the value of KEY in the stack's dgcg.conf
#   it_admin ARGS...               run dgcg-admin on the stack (stderr kept in log/admin.log)
#   it_ta_sign ARGS...             dgcg-admin ta-sign with the stack's trust anchor
#   it_onboard CC TYPE PEM         onboard PEM as CC's TYPE certificate (once; --force)
#   it_auth CC                     a demo auth certificate for CC, onboarded (once)
#   it_roles CC...                 grant every role to the auth certificate of each CC
#   it_thumb_pem FILE              SHA-256 (hex) of a PEM certificate's DER
#   it_kid_pem FILE                the kid of a PEM certificate (base64 of its SHA-256's first 8 bytes)
#   it_dsc BASE SUBJECT ISSUER     a DSC BASE.pem|der|key issued by a CSCA
#   it_selfsigned BASE SUBJECT [PROFILE]
#                                  a self-signed certificate BASE.pem|key
#   it_dated BASE SUBJECT NOTBEFORE NOTAFTER
#                                  a certificate BASE.pem|key (by the client CA) valid
#                                  from NOTBEFORE to NOTAFTER (YYYYMMDDHHMMSSZ): expired
#                                  or not yet valid signers
#   it_cms IN SIGNER [OUT [--detached] [OPTIONS...]]
#                                  the base64 of a CMS signed by SIGNER over IN's bytes
#   it_tamper IN OUT WHERE         a base64 CMS with one bit flipped
#   it_rule OUT [KEY=VALUE...]     write a valid validation rule (JSON) with overrides
#   it_batch OUT CC EXPIRES HASHTYPE ENTRIES [KID]
#                                  write a revocation batch (JSON)
#   it_package OUT TYPE ID CMS     write a CmsPackage (JSON) for POST /cms-migration
#   it_consumer_check TA           t/consumer-check on the stack's trust list (report, status)
#   it_need_testdata FILE...       exit 99 unless the shared test data has FILE...
#   it_done                        stop the stack, assert no sanitizer report in the worker and
#                                  admin logs and no secret (password, data key, private key:
#                                  stack_scan_secrets) in any log of the stack, print
#                                  "N passed, N failed"; exit 1 when any failed
#
# IT_TESTDATA is the shared public test data ($DGCG_TESTDATA, else
# $DGCG_SHARED/testdata, else ../shared/testdata beside the source tree);
# IT_TOOL is t/tool.py, the helpers' JSON and CMS program.
# Before it_start a test may set STACK_COUNTRIES, STACK_POOLS, STACK_WORKERS,
# STACK_BODY_MAX. The PKI has extra clients for the first country:
# $PKI/extra/{good,expired,untrusted,revoked} (see deploy/stack.sh).
# Exit statuses: 0 all passed, 1 an assertion failed, 99 the stack did not start
# (or the test data is missing).
#
# Cluster tests (t/cluster/*.sh, make check-cluster) use deploy/cluster instead
# of a stack, with a CLUSTER_DIR, namespace prefix and 198.18.X.0/24 of their
# own; every packet a test sends starts in the cluster's client namespace:
#   cl_start [CMD...]              ./deploy/cluster up (and CMD beside it, with W=$CL_DIR/it and
#                                  PKI=$CL_DIR/pki made already); sets CL_DIR, PKI, IT_BODY, IT_HEADERS
#                                  and everything in $CL_DIR/env (DGCG_URL of the balancer,
#                                  DGCG_GWn_URL, DGCG_DBn_HOST, DGCG_CONFIG, ...); down and
#                                  removed on every exit path (DGCG_KEEP=1 keeps the dir)
#   cl ARGS...                     ./deploy/cluster ARGS on the test's cluster
#   cl_in CMD...                   CMD in the client namespace
#   cl_curl WHO METHOD PATH [args] it_curl through the balancer, from the client namespace
#   cl_host_curl HOST CC METHOD PATH [args]
#                                  straight to gateway host HOST (gw1..) as the balancer
#                                  sends it: the balancer's certificate, CC's identity headers
#   cl_sql NODE SQL                deploy/cluster sql (admin user, tab-separated)
#   cl_checksum NODE               one line: "table=checksum ..." for every table of the
#                                  database on DB node NODE
#   cl_synced [TENTHS]             waits until every DB node is Synced, ready, size 3
#   cl_done                        ./deploy/cluster down, asserting it left no namespace,
#                                  process or route; then it_done's sanitizer and secret
#                                  checks over every host's logs; counts; exit status

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
IT_TESTDATA=${DGCG_TESTDATA:-${DGCG_SHARED:-$DGCG_SRCDIR/../shared}/testdata}
IT_TOOL=$DGCG_SRCDIR/t/tool.py

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
	W=$IT_DIR/w
	mkdir -p "$IT_DIR/it" "$W"
	IT_BODY=$IT_DIR/it/body
	IT_HEADERS=$IT_DIR/it/headers
	export PKI IT_DIR IT_BODY IT_HEADERS
}

it_curl() {
	_it_curl "" "$DGCG_URL" "$@"
}

# _it_curl RUNNER BASE WHO METHOD PATH [curl args]: it_curl against BASE,
# curl run by RUNNER (a command prefix such as cl_in; "" for none).
_it_curl() {
	local run=$1 base=$2 who=$3 method=$4 path=$5 id=() m=()
	shift 5
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
	$run curl -s -g --path-as-is --max-time 60 --cacert "$DGCG_CACERT" "${id[@]}" "${m[@]}" \
		-o "$IT_BODY" -D "$IT_HEADERS" -w '%{http_code}' "$@" "$base$path"
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
	local sep=()
	if [[ "${1:-}" == -s ]]; then sep=(-s "$2"); shift 2; fi
	python3 "$IT_TOOL" json "${sep[@]}" "$IT_BODY" "$@"
}

# shellcheck disable=SC2120 # PATH is optional
it_jlen() { python3 "$IT_TOOL" jlen "$IT_BODY" "$@"; }

it_keys() {
	local sep=()
	if [[ "${1:-}" == -s ]]; then sep=(-s "$2"); shift 2; fi
	python3 "$IT_TOOL" keys "${sep[@]}" "$IT_BODY" "$@"
}

it_rows() {
	local sep=()
	if [[ "${1:-}" == -s ]]; then sep=(-s "$2"); shift 2; fi
	python3 "$IT_TOOL" rows "${sep[@]}" "$IT_BODY" "$@"
}

it_shape() { python3 "$IT_TOOL" check-shape "$IT_BODY" "$@"; }

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

# it_app_sql SQL: runs SQL as the application user (its password through a
# 0600 option file, never on the command line); prints rows (tab-separated,
# no header) and errors; the mariadb client's exit status.
it_app_sql() {
	local cnf=$IT_DIR/it/app.cnf pw
	if [[ ! -s "$cnf" ]]; then
		read -r pw <"$DGCG_DB_APP_PASSWORD_FILE" || return 1
		( umask 077 && printf '[client]\npassword=%s\n' "$pw" >"$cnf" ) || return 1
	fi
	mariadb --defaults-extra-file="$cnf" --protocol=socket -S "$DGCG_DB_SOCKET" \
		-u "$DGCG_DB_APP_USER" "$DGCG_DB_NAME" -N -B -e "$1" 2>&1
}

# it_count TABLE [WHERE]: the number of rows of TABLE (that match WHERE).
it_count() { it_sql "SELECT COUNT(*) FROM $1${2:+ WHERE $2}"; }

# it_conf KEY: the value of KEY in the stack's dgcg.conf (empty when not set).
it_conf() { sed -n "s/^$1 *= *//p" "$DGCG_CONFIG"; }

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

# it_ta_sign ARGS...: dgcg-admin ta-sign with the stack's trust anchor
# ($PKI/ta.pem|key): the base64 signature of a certificate, or --string TEXT.
it_ta_sign() { it_admin ta-sign --ta-cert "$PKI/ta.pem" --ta-key "$PKI/ta.key" "$@"; }

# it_onboard CC TYPE PEM: signs PEM with the trust anchor and onboards it as
# CC's TYPE certificate (dgcg-admin onboard --force: the tests onboard real,
# mostly expired certificates and deliberately odd ones, so the linter's
# findings are warnings here; t/it/expiry.sh tests the refusal); nothing
# when that row exists.
it_onboard() {
	local sig
	[[ "$(it_count trusted_party "certificate_type='$2' AND country='$1' AND thumbprint='$(it_thumb_pem "$3")'")" == 0 ]] ||
		return 0
	sig=$(it_ta_sign "$3") || return 1
	it_admin onboard --force --country "$1" --type "$2" --cert "$3" --signature "$sig" >/dev/null
}

# it_auth CC: a demo AUTHENTICATION certificate for CC, $PKI/extra/auth-CC.pem|key
# (issued by the client CA nginx trusts), onboarded; nothing when it exists.
it_auth() { pki_client "auth-$1" "$1" >/dev/null && it_onboard "$1" AUTHENTICATION "$PKI/extra/auth-$1.pem"; }

# it_roles CC...: grants every role (dgcg-admin roles grant ALL) to the
# AUTHENTICATION certificate of each CC ($PKI/CC/auth.pem).
it_roles() {
	local cc
	for cc in "$@"; do
		it_admin roles grant --cert "$PKI/$cc/auth.pem" ALL || return 1
	done
}

# it_thumb_pem FILE: the lower-case hex SHA-256 of a PEM certificate's DER.
it_thumb_pem() { openssl x509 -in "$1" -outform DER | sha256sum | cut -c1-64; }

# it_kid_pem FILE: the kid of a PEM certificate, the base64 of the first 8
# bytes of its DER's SHA-256.
it_kid_pem() { openssl x509 -in "$1" -outform DER | openssl dgst -sha256 -binary | head -c 8 | base64; }

# _it_prefix WHO ROLE: the path prefix (NAME.pem|key) of WHO: a country CC
# means $PKI/CC/ROLE, anything else is a prefix already.
_it_prefix() {
	if [[ "$1" =~ ^[A-Z]{2}$ ]]; then
		printf '%s' "$PKI/$1/$2"
	else
		printf '%s' "$1"
	fi
}

# it_dsc BASE SUBJECT ISSUER: a DSC with SUBJECT issued by ISSUER (a country
# CC: its CSCA, $PKI/CC/csca; else a prefix NAME.pem|key) with the demo PKI's
# DSC profile (deploy/pki.sh): BASE.pem, BASE.der and its new key BASE.key.
# An existing BASE.pem is kept (as deploy/pki.sh does).
it_dsc() {
	_pki_issued "$1" "$2" dsc "$PKI_DSC_DAYS" "$(_it_prefix "$3" csca)" &&
		openssl x509 -in "$1.pem" -outform DER -out "$1.der"
}

# it_selfsigned BASE SUBJECT [PROFILE]: a self-signed certificate BASE.pem
# with its new key BASE.key; PROFILE is one of deploy/pki.sh (default
# signing: an end-entity signing certificate, as an upload certificate).
it_selfsigned() { _pki_selfsigned "$1" "$2" "${3:-signing}" "$PKI_DAYS"; }

# it_dated BASE SUBJECT NOTBEFORE NOTAFTER: BASE.pem|key issued by the demo
# client CA with fixed dates (OpenSSL 3.0's x509 has no -not_before; openssl
# ca has -startdate/-enddate).
it_dated() { _pki_ca_issue "$1" "$2" -startdate "$3" -enddate "$4"; }

# it_cms IN SIGNER [OUT [--detached] [OPTION...]]: the base64 (one line, no
# newline) of a CMS over IN's bytes signed by SIGNER (a country CC: its upload
# certificate, $PKI/CC/upload; else a prefix NAME.pem|key), attached unless
# --detached, with more `openssl cms -sign` OPTIONs (e.g. -certfile). It goes
# to OUT; to stdout for OUT -; without OUT to IN.TAG.b64 (TAG: the signer's
# directory and name, e.g. DE-upload), and that path is printed.
it_cms() {
	local in=$1 signer out=${3:-} attach=(-nodetach)
	local -
	set -o pipefail
	signer=$(_it_prefix "$2" upload)
	shift $(( $# < 3 ? $# : 3 ))
	if [[ "${1:-}" == --detached ]]; then
		attach=()
		shift
	fi
	if [[ -z "$out" ]]; then
		out=$in.$(basename "$(dirname "$signer")")-$(basename "$signer").b64
		printf '%s' "$out"
	fi
	[[ "$out" == - ]] && out=/dev/stdout
	openssl cms -sign "${attach[@]}" -binary -in "$in" -signer "$signer.pem" -inkey "$signer.key" \
		-outform DER "$@" | openssl base64 -A >"$out"
}

# it_tamper IN OUT WHERE: OUT is the base64 CMS of IN with the low bit of one
# byte of its DER flipped: at offset WHERE (negative: from the end, e.g. -20
# inside the signature value) or, for WHERE TEXT+N, N bytes after TEXT.
it_tamper() { python3 "$IT_TOOL" tamper "$@"; }

# it_rule OUT [KEY=JSON | KEY=@SECONDS | KEY=-]... [-- OUT [KEY=...]...]...:
# writes to OUT the reference's dummy validation rule (GR-DE-0001, Acceptance,
# General, ValidFrom now+3d, ValidTo now+7d, Region BW) with overrides: KEY=JSON
# sets a field, KEY=@N the UTC time now+N seconds (now: $RULE_NOW, epoch
# seconds, when set), KEY=- removes it. Several rules (each after --) in one go.
it_rule() { python3 "$IT_TOOL" rule "$@"; }

# it_batch OUT CC EXPIRES HASHTYPE ENTRIES [KID]: writes to OUT a revocation
# batch (compact JSON: country, expires, kid, hashType, entries); ENTRIES is a
# number N (N random 16-byte hashes) or HASH[,HASH...].
it_batch() { python3 "$IT_TOOL" batch "$@"; }

# it_package OUT TYPE ENTITYID CMS: writes to OUT the CmsPackage
# {"cms", "entityId", "type"}; CMS @FILE takes the text of FILE.
it_package() { python3 "$IT_TOOL" package "$@"; }

# it_consumer_check TA: t/consumer-check on the stack's trust list, as DE
# ($PKI/DE/auth), with the trust anchor certificate TA; prints its report
# (and errors), returns its exit status.
it_consumer_check() {
	bash "$DGCG_SRCDIR/t/consumer-check" -u "$DGCG_URL" -a "$DGCG_CACERT" -c "$PKI/DE/auth.pem" \
		-k "$PKI/DE/auth.key" -t "$1" 2>&1
}

# it_need_testdata FILE...: exits 99 (the test cannot run) unless every FILE
# (relative to $IT_TESTDATA) is there and not empty.
it_need_testdata() {
	local f
	for f in "$@"; do
		if [[ ! -s "$IT_TESTDATA/$f" ]]; then
			printf '%s: no test data in %s (set DGCG_TESTDATA or DGCG_SHARED)\n' \
				"$(basename "$0" .sh)" "$IT_TESTDATA"
			exit 99
		fi
	done
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

# --- cluster tests -------------------------------------------------------------

CL_DIR=""
CL_CMD=$DGCG_SRCDIR/deploy/cluster

cl() { CLUSTER_DIR=$CL_DIR "$CL_CMD" "$@"; }
cl_in() { ip netns exec "$DGCG_CLUSTER_CLIENT_NS" "$@"; }

# _cl_net: a 198.18.X (X 100..249) no cluster uses and nothing in the
# machine's namespace routes to.
_cl_net() {
	local x k
	for k in $(seq 1 40); do
		x=$((100 + (SRANDOM % 150)))
		ip route show | grep -qF "198.18.$x." && continue
		ip -o addr show | grep -qF " 198.18.$x." && continue
		printf '198.18.%s\n' "$x"
		return 0
	done
	return 1
}

_cl_dump() {
	local f
	printf 'cl: FAILED; cluster state in %s (DGCG_KEEP=1 keeps it)\n' "$CL_DIR"
	cl status 2>&1
	_it_tail "$CL_DIR/lb/logs/error.log" 20
	_it_tail "$CL_DIR/lb/health.log" 20
	for f in "$CL_DIR"/gw[0-9]/log/dgcg.log "$CL_DIR"/gw[0-9]/nginx/logs/error.log; do
		_it_tail "$f" 15
	done
	for f in "$CL_DIR"/db[0-9]/log/mariadb.err; do
		_it_tail "$f" 15
	done
}

_cl_exit() {
	local rc=$?
	trap - EXIT INT TERM
	if [[ -n "$CL_DIR" && -d "$CL_DIR" ]]; then
		(( rc != 0 )) && _cl_dump
		cl down
		if [[ "${DGCG_KEEP:-0}" == 1 ]]; then
			printf 'cl: kept %s\n' "$CL_DIR"
		else
			rm -rf "$CL_DIR"
		fi
	fi
	exit "$rc"
}

cl_start() {
	local net
	[[ $EUID -eq 0 ]] || { printf 'cl_start: cluster tests need root (network namespaces)\n'; exit 99; }
	CL_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dgcg-cl.XXXXXX") || exit 99
	trap _cl_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	net=$(_cl_net) || { printf 'cl_start: no free 198.18.X.0/24\n'; exit 99; }
	export CLUSTER_NAME=dt$$ CLUSTER_NET=$net
	CL_T0=$EPOCHREALTIME
	mkdir -p "$CL_DIR/it"
	if (( $# )); then
		# the demo PKI first (deploy/cluster keeps it), then CMD beside up
		# shellcheck disable=SC2086
		( PKI=$CL_DIR/pki && pki_all ${STACK_COUNTRIES:-DE FR IE} ) || exit 99
		PKI=$CL_DIR/pki W=$CL_DIR/it "$@" >"$CL_DIR/it/beside-up.log" 2>&1 &
		_cl_beside=$!
	fi
	if ! cl up; then
		printf 'cl_start: deploy/cluster up failed\n'
		exit 99
	fi
	if [[ -n "${_cl_beside:-}" ]] && ! wait "$_cl_beside"; then
		printf 'cl_start: %s failed:\n' "$*"
		cat "$CL_DIR/it/beside-up.log"
		exit 99
	fi
	CL_UP_SECONDS=$(awk -v a="$CL_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	# shellcheck source=/dev/null
	. "$CL_DIR/env"
	PKI=$DGCG_PKI
	IT_BODY=$CL_DIR/it/body
	IT_HEADERS=$CL_DIR/it/headers
	IT_DIR=""
	export PKI IT_BODY IT_HEADERS
}

cl_curl() { _it_curl cl_in "$DGCG_URL" "$@"; }

cl_host_curl() {
	local host=$1 cc=$2 method=$3 path=$4 url tp dn
	shift 4
	url=DGCG_${host^^}_URL
	tp=$(it_thumb_pem "$PKI/$cc/auth.pem")
	dn=$(openssl x509 -in "$PKI/$cc/auth.pem" -noout -subject -nameopt RFC2253)
	dn=${dn#subject=}
	_it_curl cl_in "${!url}" "${DGCG_LB_PROXY_CERT%.pem}" "$method" "$path" \
		-H "X-SSL-Client-SHA256: $tp" -H "X-SSL-Client-DN: $dn" "$@"
}

cl_sql() { cl sql "$1" "$2"; }

cl_checksum() {
	local t list=""
	for t in $(cl_sql "$1" "SELECT table_name FROM information_schema.tables WHERE table_schema = 'dgcg' ORDER BY table_name"); do
		list+="${list:+, }\`$t\`"
	done
	cl_sql "$1" "CHECKSUM TABLE $list" | sed 's/^dgcg\.//' | awk -F '\t' '{ printf "%s%s=%s", (NR > 1 ? " " : ""), $1, $2 } END { print "" }'
}

cl_synced() {
	local tenths=${1:-600} n
	while (( tenths-- > 0 )); do
		n=$(cl status 2>/dev/null | grep -cE '^db[0-9] +running .* Synced +ready=ON +size=3 ')
		(( n == 3 )) && return 0
		sleep 0.1
	done
	return 1
}

cl_done() {
	local f hits=() n t0
	if [[ -n "$CL_DIR" && -d "$CL_DIR" ]]; then
		t0=$EPOCHREALTIME
		cl down
		it_is "down: exit status" "$?" 0
		printf '# down took %ss\n' "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
		it_is "down: no namespace left" "$(ip netns list | grep -c "^$CLUSTER_NAME-")" 0
		it_is "down: no blackhole route left" "$(ip route show | grep -cF "$DGCG_CLUSTER_RANGE")" 0
		n=$(for f in "$CL_DIR"/db[0-9]/run/mysqld.pid "$CL_DIR"/gw[0-9]/nginx/nginx.pid \
			"$CL_DIR"/gw[0-9]/run/spawn-*.pid "$CL_DIR"/lb/nginx.pid "$CL_DIR"/lb/checker.pid; do
			[[ -s "$f" ]] && kill -0 "$(<"$f")" 2>/dev/null && echo "$f"
		done | wc -l)
		it_is "down: no process of the cluster left" "$n" 0
		for f in "$CL_DIR"/gw[0-9]/log/spawn-*.log "$CL_DIR"/admin/log/admin.log; do
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
		for f in "$CL_DIR"/gw[0-9] "$CL_DIR"/admin; do
			it_is "no secret in the logs of $(basename "$f")" "$(STACK_DIR=$f STACK_PKI=$CL_DIR/pki stack_scan_secrets "$CL_DIR/admin/secrets/admin.password")" ""
		done
		if (( _it_fail )); then
			_cl_dump
		fi
		if [[ "${DGCG_KEEP:-0}" == 1 ]]; then
			printf 'cl: kept %s\n' "$CL_DIR"
		else
			rm -rf "$CL_DIR"
		fi
		CL_DIR=""
	fi
	printf '%d passed, %d failed\n' "$_it_pass" "$_it_fail"
	(( _it_fail == 0 )) || exit 1
	exit 0
}
