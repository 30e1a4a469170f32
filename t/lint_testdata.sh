#!/usr/bin/env bash
# lint_testdata.sh: dgcg-admin lint over every certificate of the shared test
# data, each with the type it is meant as (dsc/ DSC, csca/ CSCA, upload/
# UPLOAD, negative/csca-same-dn-other-key CSCA, negative/upload-cert-* UPLOAD)
# and the country of its folder (dsc/common, no country's: XX). Prints one
# line per finding, "kind type cc file rule", then the summary tables of
# doc/operator-guide.txt ("Onboarding linter"). Not part of make check: the
# result depends on the date (validity, min-days).
#   usage: t/lint_testdata.sh [DGCG_ADMIN] > out    (DGCG_TESTDATA or DGCG_SHARED)
set -u
src=${DGCG_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
admin=${1:-${DGCG_ADMIN:-$src/build/dgcg-admin}}
td=${DGCG_TESTDATA:-${DGCG_SHARED:-$src/../shared}/testdata}
[[ -x "$admin" && -d "$td" ]] || { echo "usage: $0 DGCG_ADMIN (and DGCG_SHARED)" >&2; exit 64; }
cd "$td" || exit 1
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT
find dsc csca upload negative -name '*.pem' | LC_ALL=C sort | while IFS= read -r f; do
	case $f in
	dsc/*) kind=dsc type=DSC ;;
	csca/*) kind=csca type=CSCA ;;
	upload/*) kind=upload type=UPLOAD ;;
	negative/csca-*) kind=negative type=CSCA ;;
	negative/upload-*) kind=negative type=UPLOAD ;;
	*) continue ;;
	esac
	cc=$(basename "$(dirname "$f")")
	[[ "$cc" =~ ^[A-Z]{2}$ ]] || cc=XX
	out=$("$admin" -c /dev/null lint "$f" --type "$type" --country "$cc" 2>&1)
	rc=$?
	if (( rc == 0 )); then
		echo "$kind $type $cc $f clean"
	elif (( rc == 1 )); then
		sed -n 's/^\([a-z0-9-]*\): .*/\1/p' <<<"$out" | sort -u | sed "s|^|$kind $type $cc $f |"
	else
		echo "$kind $type $cc $f error($rc)"
	fi
done | tee "$tmp"
python3 - "$tmp" <<'PY'
import sys, collections
rules = ["key", "ec-params", "sig-hash", "x509-v3", "country", "validity", "min-days", "usage"]
files = collections.defaultdict(set)          # (kind) -> files
hits = collections.defaultdict(set)           # (kind, rule) -> files
clean = collections.defaultdict(set)
cfiles = collections.defaultdict(set)         # (cc) -> files
chits = collections.defaultdict(set)          # (cc, rule) -> files
for line in open(sys.argv[1]):
    kind, typ, cc, f, rule = line.split()
    files[kind].add(f); cfiles[cc].add(f)
    if rule == "clean":
        clean[kind].add(f)
    else:
        hits[(kind, rule)].add(f); chits[(cc, rule)].add(f)
kinds = ["dsc", "csca", "upload", "negative"]
print()
print("%-10s %6s %6s " % ("folder", "files", "clean") + " ".join("%9s" % r for r in rules))
for k in kinds + ["all"]:
    ks = kinds if k == "all" else [k]
    n = sum(len(files[x]) for x in ks); c = sum(len(clean[x]) for x in ks)
    print("%-10s %6d %6d " % (k, n, c) + " ".join("%9d" % sum(len(hits[(x, r)]) for x in ks) for r in rules))
print()
print("%-4s %6s %6s " % ("cc", "files", "clean") + " ".join("%9s" % r for r in rules))
for cc in sorted(cfiles):
    n = len(cfiles[cc]); bad = set().union(*[chits[(cc, r)] for r in rules])
    print("%-4s %6d %6d " % (cc, n, n - len(bad)) + " ".join("%9d" % len(chits[(cc, r)]) for r in rules))
PY
