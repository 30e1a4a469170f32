#!/usr/bin/env bash
# man.sh: the manuals list exactly what the programs read from outside.
# FASTCGI PARAMETERS of dgcg-fcgi(8) names every FCGX_GetParam("NAME") of
# fcgi/ plus the CGI names of the default header_thumbprint and header_dn
# (lib/base/conf.c), and nothing else; ENVIRONMENT of dgcg-fcgi(8) names every
# getenv("NAME") of fcgi/ and lib/, that of dgcg-admin(8) every one of admin/
# and lib/, and nothing else. The keys of dgcg.conf(5) are t/check_conf's.
# Reads the manuals as built (DGCG_BUILDDIR) and the sources (DGCG_SRCDIR).
set -u
src=${DGCG_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${DGCG_BUILDDIR:-$src}
pass=0 fail=0

# names FILE SECTION: the Ev names of the .It lines of SECTION (.Sh), sorted.
names() {
	awk -v sec="$2" '
		/^\.Sh / { on = (substr($0, 5) == sec); next }
		on && /^\.It / {
			for (i = 2; i <= NF; i++)
				if ($i == "Ev" && i < NF) print $(i + 1)
		}' "$1" | sort -u
}

# literals FUNCTION DIR...: the string literals FUNCTION("NAME" is called with.
literals() {
	local fn=$1
	shift
	grep -ho "\\b$fn(\"[A-Za-z0-9_]*\"" "$@" | sed 's/.*("\(.*\)"/\1/' | sort -u
}

# same NAME WANT GOT: assert two sorted lists are equal.
same() {
	if [[ "$2" == "$3" ]]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $1"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed -n 's/^</  read but not documented:/p; s/^>/  documented but not read:/p'
	fi
}

fcgi_man=$build/man/dgcg-fcgi.8
admin_man=$build/man/dgcg-admin.8
for f in "$fcgi_man" "$admin_man" "$src/fcgi/io.c" "$src/lib/base/conf.c"; do
	if [[ ! -r "$f" ]]; then
		echo "man.sh: $f is missing (run through make check)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

# The identity headers' CGI names: "HTTP_" and the default header name
# upper-cased with '-' as '_' (fcgi/io.c cgi_name).
headers=$(grep -E '"header_(thumbprint|dn)"' -A1 "$src/lib/base/conf.c" |
	grep -o '"X-[A-Za-z0-9-]*"' | tr -d '"' | tr 'a-z-' 'A-Z_' | sed 's/^/HTTP_/')
want=$({ literals FCGX_GetParam "$src"/fcgi/*.c; printf '%s\n' "$headers"; } | sort -u)
same "dgcg-fcgi.8 FASTCGI PARAMETERS = the parameters fcgi/ reads" \
	"$want" "$(names "$fcgi_man" "FASTCGI PARAMETERS")"
if [[ $(printf '%s\n' "$headers" | wc -l) -ne 2 ]]; then
	fail=$((fail + 1))
	echo "FAIL: the two default identity headers not found in lib/base/conf.c"
fi

want=$(literals '\(secure_\)\?getenv' "$src"/fcgi/*.c "$src"/lib/*.c)
same "dgcg-fcgi.8 ENVIRONMENT = the variables fcgi/ and lib/ read" \
	"$want" "$(names "$fcgi_man" ENVIRONMENT)"
want=$(literals '\(secure_\)\?getenv' "$src"/admin/*.c "$src"/lib/*.c)
same "dgcg-admin.8 ENVIRONMENT = the variables admin/ and lib/ read" \
	"$want" "$(names "$admin_man" ENVIRONMENT)"

# dgcg-sync(1): what sync/ reads, plus the proxy variables libcurl reads for it
sync_man=$build/man/dgcg-sync.1
if [[ -r "$sync_man" ]]; then
	want=$({ literals '\(secure_\)\?getenv' "$src"/sync/*.c
		printf '%s\n' https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY; } | sort -u)
	same "dgcg-sync.1 ENVIRONMENT = the variables sync/ and libcurl read" \
		"$want" "$(names "$sync_man" ENVIRONMENT)"
else
	fail=$((fail + 1))
	echo "FAIL: $sync_man is missing (run through make check)"
fi

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
