#!/usr/bin/env bash
# layers.sh: the archives' dependencies run one way (Makefile.am): lib/base
# includes nothing else of ours, lib/store only base and store, lib/pki
# only base and pki (dgcg-sync links it without the store). A quoted
# include outside that set fails (config.h is always allowed).
set -u
src=${DGCG_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$src" || exit 99
fail=0
check() {
	local dir=$1 allowed=$2 hits
	hits=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"' "$dir"/*.[ch] |
		grep -vE "\"(config\\.h|($allowed)/[a-z0-9_]+\\.h)\"")
	if [[ -n "$hits" ]]; then
		printf 'not ok: %s includes beyond %s:\n%s\n' "$dir" "$allowed" "$hits"
		fail=1
	else
		printf 'ok: %s includes only %s\n' "$dir" "$allowed"
	fi
}
check lib/base 'base'
check lib/store 'base|store'
check lib/pki 'base|pki'
exit $fail
