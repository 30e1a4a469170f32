#!/usr/bin/env bash
# build.sh: builds the fuzz targets of t/fuzz/ with clang and libFuzzer
# (AddressSanitizer and UndefinedBehaviorSanitizer), makes their seeds from
# the shared test data and runs each for a bounded time (make fuzz).
#
#   t/fuzz/build.sh [TARGET...]        default: every target
#
# Environment:
#   DGCG_SRCDIR     source tree (default: two levels above this file)
#   DGCG_BUILDDIR   a configured build tree: its config.h is used, and the
#                   output goes to $DGCG_BUILDDIR/t/fuzz/ (default: DGCG_SRCDIR)
#   DGCG_TESTDATA   the shared test data (default: $DGCG_SHARED/testdata,
#                   DGCG_SHARED defaulting to ../shared beside the source)
#   FUZZ_SECONDS    run time per target (default 60); 0 = build only
#   FUZZ_SEEDS      seeds per target (default 300)
#   CLANG           the compiler (default clang)
#
# Output in $DGCG_BUILDDIR/t/fuzz/: bin/fuzz_<t>, seeds/<t>/ (regenerated),
# corpus/<t>/ (kept between runs), crash/<t>/ (what libFuzzer saved),
# log/<t>.log. Prints per target: executions, executions per second, crashes.
# Exit 0 when no target crashed, 1 when one did, 2 when the build failed.
#
# A crash input belongs, minimised (bin/fuzz_<t> -minimize_crash=1 ...), in
# t/fuzz/regress/<t>/ once the bug is fixed: make check replays those
# (t/fuzz/regress.sh) with gcc and AddressSanitizer, without libFuzzer.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${DGCG_SRCDIR:-$(cd "$here/../.." && pwd)}
build=${DGCG_BUILDDIR:-$src}
shared=${DGCG_SHARED:-$src/../shared}
td=${DGCG_TESTDATA:-$shared/testdata}
secs=${FUZZ_SECONDS:-60}
nseeds=${FUZZ_SEEDS:-300}
cc=${CLANG:-clang}
ALL="cms dn thumb ims rule batch request v2"

say() { printf 'fuzz: %s\n' "$*" >&2; }

if [[ ! -f "$build/config.h" ]]; then
	say "$build/config.h not found: configure first (DGCG_BUILDDIR)"
	exit 2
fi
if ! command -v "$cc" >/dev/null; then
	say "$cc not found"
	exit 2
fi
if [[ ! "$secs" =~ ^[0-9]+$ || ! "$nseeds" =~ ^[0-9]+$ ]]; then
	say "FUZZ_SECONDS and FUZZ_SEEDS must be numbers"
	exit 2
fi
targets=("$@")
(( ${#targets[@]} )) || read -r -a targets <<<"$ALL"
for t in "${targets[@]}"; do
	if [[ ! -f "$here/fuzz_$t.c" ]]; then
		say "no target $t (have: $ALL)"
		exit 2
	fi
done

out=$build/t/fuzz
mkdir -p "$out/obj" "$out/bin" "$out/log" || exit 2

# shellcheck disable=SC2207
pkg=($(pkg-config --cflags libcrypto json-c zlib libmariadb)) || exit 2
# shellcheck disable=SC2207
libs=($(pkg-config --libs libcrypto json-c zlib)) || exit 2
# shellcheck disable=SC2054
cflags=(-std=c11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Wno-unused-parameter
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
	-I"$build" -I"$src/lib" -I"$src/fcgi" -I"$src/t/fuzz"
	-DDGCG_SYSCONFDIR='"/etc"' -DDGCG_SQLDIR='"/usr/share/dgcg/sql"' "${pkg[@]}")

# The library objects, instrumented for coverage (fuzzer-no-link). lib/store/db.c
# is built as it is; fake_mysql.c stands in for libmariadb.
srcs=("$src"/lib/*/*.c "$src"/fcgi/req.c "$src"/fcgi/route.c "$src"/fcgi/api_*.c
	"$here/fuzz_util.c" "$here/fake_mysql.c")
newest_h=$(stat -c %Y "$build/config.h" "$src"/lib/*/*.h "$src"/fcgi/*.h "$here"/*.h | sort -n | tail -n 1)
objs=()
fail=0
pids=()
for f in "${srcs[@]}"; do
	rel=${f#"$src"/}
	o=$out/obj/${rel//\//_}
	o=${o%.c}.o
	objs+=("$o")
	if [[ -f "$o" && $(stat -c %Y "$o") -ge $(stat -c %Y "$f") && $(stat -c %Y "$o") -ge $newest_h ]]; then
		continue
	fi
	"$cc" "${cflags[@]}" -fsanitize=fuzzer-no-link -c "$f" -o "$o" &
	pids+=($!)
	if (( ${#pids[@]} >= ${FUZZ_JOBS:-2} )); then
		wait "${pids[0]}" || fail=1
		pids=("${pids[@]:1}")
	fi
done
for p in "${pids[@]}"; do
	wait "$p" || fail=1
done
if (( fail )); then
	say "compiling the library with $cc failed"
	exit 2
fi
rm -f "$out/libfuzzdgcg.a"
ar rcs "$out/libfuzzdgcg.a" "${objs[@]}" || exit 2

for t in "${targets[@]}"; do
	if ! "$cc" "${cflags[@]}" -fsanitize=fuzzer "$here/fuzz_$t.c" "$out/libfuzzdgcg.a" \
		"${libs[@]}" -o "$out/bin/fuzz_$t"; then
		say "linking fuzz_$t failed"
		exit 2
	fi
done
say "built ${targets[*]} in $out/bin"
(( secs > 0 )) || exit 0

if [[ ! -d "$td" ]]; then
	say "no test data in $td (set DGCG_TESTDATA or DGCG_SHARED)"
	exit 2
fi
rm -rf "$out/seeds"
if ! python3 "$here/seeds.py" "$td" "$out/seeds" "$nseeds"; then
	say "making seeds failed"
	exit 2
fi

crashed=0
printf '%-8s %12s %10s %8s %8s\n' target executions exec/s corpus crashes
for t in "${targets[@]}"; do
	mkdir -p "$out/corpus/$t" "$out/crash/$t" "$out/seeds/$t"
	log=$out/log/$t.log
	regress=()
	[[ -d "$src/t/fuzz/regress/$t" ]] && regress=("$src/t/fuzz/regress/$t")
	dict=()
	[[ -s "$out/seeds/$t.dict" ]] && dict=(-dict="$out/seeds/$t.dict")
	# -rss_limit_mb: OpenSSL and the sanitizers together stay well below.
	# Leak detection stays on: a leak in a request path is a finding.
	"$out/bin/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=2048 \
		-max_len=65536 -timeout=10 -artifact_prefix="$out/crash/$t/" "${dict[@]}" \
		"$out/corpus/$t" "$out/seeds/$t" "${regress[@]}" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	ncorp=$(find "$out/corpus/$t" -type f | wc -l)
	ncrash=$(find "$out/crash/$t" -type f -newer "$out/bin/fuzz_$t" | wc -l)
	if (( rc != 0 && ncrash == 0 )); then
		ncrash=1	# died without an artifact (e.g. out of memory at start)
	fi
	printf '%-8s %12s %10s %8s %8s\n' "$t" "${execs:-?}" "${rate:-?}" "$ncorp" "$ncrash"
	if (( ncrash > 0 )); then
		crashed=1
		say "fuzz_$t: see $log and $out/crash/$t/"
		grep -m 3 -E 'ERROR: |runtime error:|contract broken' "$log" >&2
	fi
done
exit "$crashed"
