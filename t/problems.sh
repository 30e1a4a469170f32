#!/usr/bin/env bash
# problems.sh: every problem the gateway answers with is a row of the one
# table (lib/domain/problem.c), used by name:
#  - every DGCG_P_ row is used somewhere outside problem.[ch];
#  - no file outside problem.c writes a problem code literal ("0x...") or
#    hands a code/text to a reply (only rows are).
set -u
src=${DGCG_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
fail=0 n=0
cd "$src" || exit 99
code=(lib fcgi admin sync)

rows=$(sed -n 's/^\tDGCG_P_\([A-Z0-9_]*\),.*/\1/p' lib/domain/problem.h | grep -v '^_')
for r in $rows; do
	n=$((n + 1))
	if [[ "$r" == NONE ]]; then
		continue
	fi
	if ! grep -rqw --include='*.c' --include='*.h' "DGCG_P_$r" "${code[@]}" \
	    --exclude=problem.c --exclude=problem.h; then
		printf 'not ok: the row %s is never used\n' "$r"
		fail=1
	fi
done
printf '%d rows, each used\n' "$n"

# A problem code is a string like "0x004"; only the table holds them.
lits=$(grep -rnE --include='*.c' --include='*.h' '"0x[0-9a-fA-F]{3}"' "${code[@]}" |
	grep -v '^lib/domain/problem\.[ch]:')
if [[ -n "$lits" ]]; then
	printf 'not ok: problem code literals outside lib/domain/problem.c:\n%s\n' "$lits"
	fail=1
fi
if (( fail == 0 )); then
	printf 'ok: no problem code literal outside the table\n'
fi
exit "$fail"
