# shellcheck shell=bash
# assert.sh: the assertions of the package test, sourced on the machine
# (t/pkg/test.sh) and inside the throwaway root (t/pkg/inside.sh), which has
# no python and no source tree. Output as t/lib.sh's: "ok N - name", and
# pkg_done prints "N passed, N failed".
#
#   pkg_is NAME GOT WANT     assert GOT = WANT
#   pkg_like NAME GOT REGEX  assert GOT matches the extended REGEX
#   pkg_ok NAME CMD...       assert CMD succeeds (its output is shown when not)
#   pkg_not NAME CMD...      assert CMD fails
#   pkg_step NAME            start a timed step; the previous one prints its time
#   pkg_step_end             end the current step (prints its time)
#   pkg_counts               print "PASS FAIL" (for adding up another shell's)
#   pkg_add PASS FAIL        add another shell's counts
#   pkg_done                 end the last step, print the totals; status 1 when any failed

_pkg_pass=0
_pkg_fail=0
_pkg_step=""
_pkg_step_t0=0

_pkg_result() {
	if [[ "$1" == ok ]]; then
		_pkg_pass=$((_pkg_pass + 1))
		printf 'ok %d - %s\n' "$((_pkg_pass + _pkg_fail))" "$2"
	else
		_pkg_fail=$((_pkg_fail + 1))
		printf 'not ok %d - %s\n' "$((_pkg_pass + _pkg_fail))" "$2"
		[[ -n "${3:-}" ]] && printf '#   %s\n' "$3"
	fi
	return 0
}

pkg_is() {
	if [[ "$2" == "$3" ]]; then
		_pkg_result ok "$1"
	else
		_pkg_result fail "$1" "got '$2', want '$3'"
	fi
}

pkg_like() {
	if [[ "$2" =~ $3 ]]; then
		_pkg_result ok "$1"
	else
		_pkg_result fail "$1" "'$2' does not match /$3/"
	fi
}

_pkg_cmd() {
	local name=$1 want=$2 out line got=0
	shift 2
	out=$("$@" 2>&1) || got=1
	if (( got == want )); then
		_pkg_result ok "$name"
		return 0
	fi
	if (( want == 0 )); then
		_pkg_result fail "$name" "command failed: $*"
	else
		_pkg_result fail "$name" "command succeeded: $*"
	fi
	[[ -n "$out" ]] && while IFS= read -r line; do printf '#     %s\n' "$line"; done <<<"$out"
	return 1
}

pkg_ok() {
	local name=$1
	shift
	_pkg_cmd "$name" 0 "$@"
}

pkg_not() {
	local name=$1
	shift
	_pkg_cmd "$name" 1 "$@"
}

_pkg_now() { date +%s%N; }

pkg_step_end() { _pkg_step_end; }

_pkg_step_end() {
	local ds
	[[ -n "$_pkg_step" ]] || return 0
	ds=$(( ($(_pkg_now) - _pkg_step_t0) / 100000000 ))
	printf '# step %-34s %4d.%d s\n' "$_pkg_step" $((ds / 10)) $((ds % 10))
	_pkg_step=""
}

pkg_step() {
	_pkg_step_end
	_pkg_step=$1
	_pkg_step_t0=$(_pkg_now)
	printf '# --- %s\n' "$1"
}

pkg_counts() { printf '%s %s\n' "$_pkg_pass" "$_pkg_fail"; }

pkg_add() {
	_pkg_pass=$((_pkg_pass + $1))
	_pkg_fail=$((_pkg_fail + $2))
}

pkg_done() {
	_pkg_step_end
	printf '%d passed, %d failed\n' "$_pkg_pass" "$_pkg_fail"
	(( _pkg_fail == 0 ))
}
