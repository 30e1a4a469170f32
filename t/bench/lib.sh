# shellcheck shell=bash
# bench/lib.sh: the load helpers of t/bench/run (make bench) and
# t/cluster/bench.sh (make bench-cluster). The caller sets B (a work dir
# holding client.pem, the DE client's certificate and key), N (requests per
# ab run), C (concurrency), DGCG_URL, DGCG_CACERT, PKI, and defines say; it
# may redefine bench_in, the prefix every client runs under (the cluster's
# client namespace).

bench_in() { "$@"; }

# ab_run URL [ab options...] -> "rps p50 p99" (ms)
ab_run() {
	local url=$1 out rps p50 p99
	shift
	out=$(bench_in ab -q -E "$B/client.pem" -n "$N" -c "$C" "$@" "$DGCG_URL$url" 2>&1)
	rps=$(awk '/^Requests per second/ {print $4}' <<<"$out")
	p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
	p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
	if [[ -z "$rps" ]] || grep -q '^Non-2xx responses' <<<"$out"; then
		say "ab $url: $(grep -E 'Non-2xx|Failed|apr_' <<<"$out" | tr '\n' ' ')"
	fi
	printf '%s %s %s\n' "${rps:-0}" "${p50:-0}" "${p99:-0}"
}

# post_run PATH CONTENT-TYPE DIR FIRST COUNT WANT -> "rate p50 p99 ok": parallel
# keep-alive POSTs of the distinct bodies DIR/FIRST.b64 ... (COUNT of them);
# rate counts the answers WANT.
post_run() {
	local path=$1 ctype=$2 dir=$3 first=$4 count=$5 want=$6 t0 t1 ok rate lat i
	: > "$B/curl.cfg"
	for (( i = first; i < first + count; i++ )); do
		# curl applies options per URL group; "next" starts a new one.
		(( i > first )) && printf 'next\n' >> "$B/curl.cfg"
		printf 'url = "%s%s"\ndata-binary = "@%s/%d.b64"\noutput = "/dev/null"\n' \
			"$DGCG_URL" "$path" "$dir" "$i" >> "$B/curl.cfg"
		printf 'cacert = "%s"\ncert = "%s"\nkey = "%s"\nheader = "Content-Type: %s"\nsilent\nwrite-out = "%%{http_code} %%{time_total}\\n"\n' \
			"$DGCG_CACERT" "$PKI/DE/auth.pem" "$PKI/DE/auth.key" "$ctype" >> "$B/curl.cfg"
	done
	t0=$(date +%s.%N)
	bench_in curl --parallel --parallel-max "$C" -K "$B/curl.cfg" > "$B/posts.txt"
	t1=$(date +%s.%N)
	ok=$(grep -c "^$want " "$B/posts.txt")
	rate=$(awk -v a="$t0" -v b="$t1" -v n="$ok" 'BEGIN { printf "%.1f", n / (b - a) }')
	lat=$(awk '{print $2 * 1000}' "$B/posts.txt" | sort -n | awk '{a[NR] = $1} END { printf "%.1f %.1f", a[int(NR * 0.5)], a[int(NR * 0.99)] }')
	printf '%s %s %s\n' "$rate" "$lat" "$ok"
}

# bulk_post PATH CONTENT-TYPE DIR COUNT LABEL WANT: post_run from body 0, as a row
bulk_post() {
	local f
	read -r -a f <<<"$(post_run "$1" "$2" "$3" 0 "$4" "$6")"
	ROWS+=("$(printf '%-44s %9s %7s %7s %9s %7s' "$5 (${f[3]} of $4 -> $6)" "${f[0]}" "${f[1]}" "${f[2]}" "-" "-")")
}

# bench_ticks PID...: CPU time used so far (user + system, clock ticks) by
# these processes
bench_ticks() {
	local p t=0 v
	for p in "$@"; do
		# fields 14 and 15 of /proc/PID/stat, after the ")" that ends comm
		v=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }')
		t=$((t + ${v:-0}))
	done
	echo "$t"
}
