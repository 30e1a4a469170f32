#!/usr/bin/env bash
# sql_in_store.sh: SQL text lives only in the store files (lib/store/*.c,
# one per table, and the engine lib/store/db.c). A C string literal that
# starts like a statement anywhere else in lib/, fcgi/ or admin/ fails.
set -u
src=${DGCG_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$src" || exit 99
pat='"[[:space:]]*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|ALTER|DROP|TRUNCATE|START TRANSACTION|COMMIT|ROLLBACK|GRANT|SET)[[:space:]]'
hits=$(grep -rnE --include='*.c' --include='*.h' "$pat" lib fcgi admin | grep -v '^lib/store/')
if [[ -n "$hits" ]]; then
	printf 'not ok: SQL outside lib/store/:\n%s\n' "$hits"
	exit 1
fi
printf 'ok: SQL only in %s\n' "$(ls lib/store/*.c | tr '\n' ' ')"
