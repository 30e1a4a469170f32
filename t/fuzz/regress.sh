#!/usr/bin/env bash
# regress.sh: the fuzz targets' regression inputs under make check. Each
# t/fuzz/regress_<target> (gcc, the configured sanitizers, no libFuzzer)
# replays every file of t/fuzz/regress/<target>/ (crash inputs kept after
# their fix) and a few seeds made from the shared test data
# (t/fuzz/seeds.py). An input that breaks a contract or trips a sanitizer
# fails the test.
set -u

src=${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${DGCG_BUILDDIR:-$src}
td=${DGCG_TESTDATA:-${DGCG_SHARED:-$src/../shared}/testdata}
targets="cms dn thumb ims rule batch request v2"
n=0
failed=0

if [[ ! -d "$td" ]]; then
	printf 'regress: no test data in %s (set DGCG_TESTDATA or DGCG_SHARED)\n' "$td"
	exit 99
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dgcg-fuzz.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
if ! python3 "$src/t/fuzz/seeds.py" "$td" "$tmp" 12; then
	printf 'regress: making seeds failed\n'
	exit 99
fi
for t in $targets; do
	n=$((n + 1))
	bin=$build/t/fuzz/regress_$t
	dirs=("$tmp/$t")
	[[ -d "$src/t/fuzz/regress/$t" ]] && dirs+=("$src/t/fuzz/regress/$t")
	if [[ ! -x "$bin" ]]; then
		printf 'not ok %d - %s: %s not built\n' "$n" "$t" "$bin"
		failed=1
		continue
	fi
	if out=$("$bin" "${dirs[@]}" 2>"$tmp/$t.err"); then
		printf 'ok %d - %s (%s)\n' "$n" "$t" "${out##*: }"
	else
		printf 'not ok %d - %s\n' "$n" "$t"
		tail -n 40 "$tmp/$t.err"
		failed=1
	fi
done
exit "$failed"
