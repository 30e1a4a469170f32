#!/usr/bin/env bash
# fake_complete.sh: t/fake_store.c stands in for lib/libdgcgstore.a, so it
# must define every store function that lib/libdgcg.a (domain, worker)
# calls, whichever modules a test links; and it defines nothing else of
# the store's name space that the store does not (nm on the build tree).
set -u
b=${DGCG_BUILDDIR:-.}
cd "$b" || exit 99
for f in lib/libdgcg.a lib/libdgcgstore.a t/libfakestore.a; do
	if [[ ! -f $f ]]; then
		printf 'not ok: %s/%s not built\n' "$b" "$f"
		exit 99
	fi
done
defs() { nm -g --defined-only "$@" | awk 'NF == 3 { print $3 }' | sort -u; }
store=$(defs lib/libdgcgstore.a)
fake=$(defs t/libfakestore.a)
need=$(comm -12 <(nm -u lib/libdgcg.a | awk '{ print $NF }' | sort -u) <(printf '%s\n' "$store"))
missing=$(comm -23 <(printf '%s\n' "$need") <(printf '%s\n' "$fake"))
extra=$(comm -13 <(printf '%s\n' "$store") <(printf '%s\n' "$fake") | grep -v '^fake_store_')
fail=0
if [[ -n "$missing" ]]; then
	printf 'not ok: t/fake_store.c lacks what lib/libdgcg.a calls:\n%s\n' "$missing"
	fail=1
fi
if [[ -n "$extra" ]]; then
	printf 'not ok: t/fake_store.c defines what the store does not:\n%s\n' "$extra"
	fail=1
fi
(( fail )) || printf 'ok: t/fake_store.c defines the %s store functions lib/libdgcg.a calls\n' \
	"$(printf '%s\n' "$need" | grep -c .)"
exit $fail
