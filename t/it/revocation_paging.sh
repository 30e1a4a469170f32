#!/usr/bin/env bash
# Revocation-list paging loses no batch (issue 11): a client that resends
# the last date while it gets 200 (dgc-lib's loop; "more" says when to)
# retrieves every batch, also when thousands share one second, when a page
# boundary falls inside a second, and while uploads go on in the second it
# reads. Only batches of the second that was still running when a page was
# read may come twice.
#  1. 1,010 batches uploaded as fast as 8 clients go, then paged at once;
#     later the same client asks again.
#  2. 2,500 uploaded while a client pages all the time.
#  3. Rows written by SQL: 2,500 in one second, 999 + 10 across a boundary.
# shellcheck disable=SC2317
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start
PC=$DGCG_SRCDIR/t/it/paging_client.py
client() { python3 "$PC" "$1" "$DGCG_URL" "$DGCG_CACERT" "$PKI/DE/auth.pem" "$PKI/DE/auth.key" "${@:2}"; }

it_ok "grant DE all roles" it_roles DE
it_batch "$W/batch.json" DE "$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)" SIGNATURE 3
it_cms "$W/batch.json" DE "$W/batch.b64"
hour_ago=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)

# check IDS PAGES: every uploaded id retrieved; no id more than twice; an
# id seen twice was first seen in the last listed second of its page (the
# one still running then); pages never split a listed second. Prints the
# figures.
check() {
	python3 - "$1" "$2" <<'EOF'
import collections, sys
ids = set(open(sys.argv[1]).read().split())
rows = [l.split() for l in open(sys.argv[2])]
pages = collections.defaultdict(list)
for p, d, b in rows:
    pages[int(p)].append((d, b))
seen = collections.Counter(b for _, _, b in rows)
missing = ids - set(seen)
assert not missing, "%d batches never retrieved, e.g. %s" % (len(missing), sorted(missing)[:3])
assert max(seen.values()) <= 2, "a batch came %d times" % max(seen.values())
first = {}
for p in sorted(pages):
    last = pages[p][-1][0]
    for d, b in pages[p]:
        if b not in first:
            first[b] = (d == last)
twice = [b for b, n in seen.items() if n == 2]
bad = [b for b in twice if not first[b]]
assert not bad, "%d batches came twice from inside a page" % len(bad)
ps = sorted(pages)
for a, b in zip(ps, ps[1:]):
    assert pages[a][-1][0] <= pages[b][0][0], "pages out of order"
sizes = [len(pages[p]) for p in ps]
print("batches %d, retrieved %d distinct, %d twice; %d pages with batches, sizes %s" %
      (len(ids), len(set(seen) & ids), len(twice), len(ps),
       sizes if len(sizes) <= 12 else sizes[:6] + ["..."] + sizes[-3:]))
EOF
}

# checked NAME IDS PAGES: check as a test case, its figures in the log.
checked() {
	local out rc
	out=$(check "$2" "$3" 2>&1); rc=$?
	it_is "$1" "$rc" 0
	printf '# %s\n' "$out"
}

# --- 1. 1,010 as fast as possible, paged at once ---------------------------
it_ok "1,010 uploads (8 clients)" client upload "$W/batch.b64" 1010 8 "$W/ids1"
it_is "1,010 stored" "$(it_count revocation_batch)" 1010
it_ok "paged at once until 204" client page "$hour_ago" "$W/pages1"
checked "every batch retrieved, pages never split a second" "$W/ids1" "$W/pages1"
it_like "the first page ends after all of its last second" \
	"$(sed -n 1p "$W/pages1.pages")" '^1 200 10[0-9][0-9] (true|false) '
printf '# pass 1 pages: %s\n' "$(tr '\n' ';' <"$W/pages1.pages")"
last=$(tail -n1 "$W/pages1" | cut -d' ' -f2)
# Once the uploads' last second is over, the same client asks again: the
# batches of that second (listed with the second before while it ran) come
# once more, then 204.
sleep 2
it_ok "asked again later" client page "$last" "$W/again1"
n_again=$(wc -l <"$W/again1")
it_is "again: only the last listed second comes again" \
	"$(python3 -c 'import sys
last = sys.argv[1]
again = [l.split()[2] for l in open(sys.argv[2])]
first = {l.split()[2]: l.split()[1] for l in open(sys.argv[3])}
print(all(first[b] == last for b in again))' "$last" "$W/again1" "$W/pages1")" True
printf '# pass 1: asked again later, %s batches of its last second came again\n' "$n_again"
st=$(it_curl DE GET /revocation-list -H "If-Modified-Since: $(tail -n1 "$W/again1" 2>/dev/null | cut -d' ' -f2)")
[[ -s "$W/again1" ]] || st=204
it_is "and then 204" "$st" 204

# --- 2. 2,500 uploaded while a client pages all the time -------------------
it_sql "DELETE FROM revocation_batch"
since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sleep 1
( client page "$since" "$W/pages2" "$W/stop" >"$W/pager.out" 2>&1; echo $? >"$W/pager.rc" ) &
pager=$!
it_ok "2,500 uploads (8 clients) while paging" client upload "$W/batch.b64" 2500 8 "$W/ids2"
: >"$W/stop"
wait "$pager"
it_is "the pager ended well" "$(cat "$W/pager.rc")" 0
it_is "2,500 stored" "$(it_count revocation_batch)" 2500
checked "every batch retrieved while uploads went on" "$W/ids2" "$W/pages2"
printf '# pass 2: %s requests, %s of them 204\n' "$(wc -l <"$W/pages2.pages")" \
	"$(grep -c ' 204 ' "$W/pages2.pages")"
# The same 2,500 paged from the start afterwards: pages of at least 1,000,
# each ending with all of its last second.
it_ok "2,500 paged afterwards" client page "$since" "$W/pages2b"
checked "afterwards: every batch once" "$W/ids2" "$W/pages2b"
it_is "afterwards: no batch twice" "$(cut -d' ' -f3 "$W/pages2b" | sort | uniq -d | wc -l)" 0
it_ok "afterwards: full pages before the last" python3 -c 'import sys
p = [l.split() for l in open(sys.argv[1]) if " 200 " in l]
assert all(int(x[2]) >= 1000 and x[3] == "true" for x in p[:-1]), p
assert p[-1][3] == "false", p' "$W/pages2b.pages"
printf '# pass 2 afterwards: %s\n' "$(tr '\n' ';' <"$W/pages2b.pages")"

# --- 3. written by SQL: thousands in one second; a boundary inside one -----
it_sql "DELETE FROM revocation_batch"
ins() {	# N ROWS AT "SQL TIME" WITH PREFIX P
	it_sql "INSERT INTO revocation_batch (batch_id, country, changed, expires, deleted, type, kid, signed_batch) SELECT CONCAT('$3', LPAD(seq, 7, '0'), '-0000-4000-8000-000000000000'), 'DE', $2, UTC_TIMESTAMP() + INTERVAL 30 DAY, 0, 'SIGNATURE', NULL, 'MIIB' FROM seq_1_to_$1"
}
ins 2500 "UTC_TIMESTAMP() - INTERVAL 3 HOUR" a
ins 10 "UTC_TIMESTAMP() - INTERVAL 2 HOUR" b
ins 999 "UTC_TIMESTAMP() - INTERVAL 90 MINUTE" c
ins 10 "UTC_TIMESTAMP() - INTERVAL 80 MINUTE" d
ins 5 "UTC_TIMESTAMP() - INTERVAL 70 MINUTE" e
it_sql "SELECT batch_id FROM revocation_batch" >"$W/ids3"
it_ok "paged" client page "$(date -u -d '-4 hour' +%Y-%m-%dT%H:%M:%SZ)" "$W/pages3"
checked "every batch once" "$W/ids3" "$W/pages3"
it_is "pages: 2,500 of one second, 10 + 999 (the 1,000th is inside a second), 10 + 5, then 204" \
	"$(cut -d' ' -f2-4 "$W/pages3.pages" | tr '\n' ';')" "200 2500 true;200 1009 true;200 15 false;204 0 -;"

it_done
