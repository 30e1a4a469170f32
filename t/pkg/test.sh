#!/usr/bin/env bash
# test.sh DIST-TARBALL: the Debian package test (make check-package, run by
# ./t/run after make check; doc/operator-guide.txt, "Installing the package").
#
# On the machine: unpacks the dist tarball, builds the package with
# dpkg-buildpackage -b -uc -us, runs lintian on it, checks that make install
# gives the package's layout (DESTDIR-clean, nothing but Debian's docs
# added), makes a demo PKI (deploy/pki.sh). Then in a throwaway Debian 12
# root (t/pkg/root.sh: the cached base unpacked into a temp dir, used in
# private namespaces, loopback only, never the machine's own /etc):
# t/pkg/inside.sh installs the .deb with dpkg -i and runs it for real, the
# units' command lines started by hand as systemd would; then in a second
# such root booted with systemd as its PID 1 (pkgroot_boot), t/pkg/systemd.sh
# does it again with the units themselves and their whole sandbox.
#
# Needs the cached base root that t/run prepares (pkgroot_prepare, the only
# step that uses the network); fails (never skips) without it.
# DGCG_BUILDDIR: a configured build tree (default prefix) for the make
# install check. DGCG_KEEP=1 keeps the temp dir. Exit status 1 on any
# failed assertion.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${DGCG_SRCDIR:-$(cd "$here/../.." && pwd)}
# shellcheck source=t/pkg/assert.sh
. "$here/assert.sh"
# shellcheck source=t/pkg/root.sh
. "$here/root.sh"
# shellcheck source=deploy/pki.sh
. "$src/deploy/pki.sh"

tarball=${1:-}
if [[ ! -s "$tarball" ]]; then
	echo "usage: t/pkg/test.sh DIST-TARBALL (make check-package)" >&2
	exit 64
fi
if [[ $EUID -ne 0 ]]; then
	echo "t/pkg/test.sh: needs root (chroot, namespaces)" >&2
	exit 1
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/dgcg-pkg.XXXXXX") || exit 1

cleanup() {
	local rc=$?
	trap - EXIT
	pkgroot_halt "$T/systemd.pid"
	if [[ "${DGCG_KEEP:-0}" == 1 ]]; then
		echo "# kept $T"
	else
		_pkgroot_rm "$T"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tailof() {
	printf '# --- the end of %s\n' "$1"
	tail -n "${2:-40}" "$1" | sed 's/^/#   /'
}

# --- build ------------------------------------------------------------------
pkg_step "dpkg-buildpackage -b -uc -us"
mkdir -p "$T/src" && tar -C "$T/src" -xzf "$tarball" || exit 1
pkgsrc=$(find "$T/src" -mindepth 1 -maxdepth 1 -type d | head -n 1)
if ! pkg_ok "dpkg-buildpackage -b -uc -us" sh -c "cd '$pkgsrc' && dpkg-buildpackage -b -uc -us >'$T/build.log' 2>&1"; then
	tailof "$T/build.log" 60
fi
version=$(cd "$pkgsrc" && dpkg-parsechangelog -S Version)
arch=$(dpkg --print-architecture)
deb=$T/src/dgcg_${version}_${arch}.deb
changes=$T/src/dgcg_${version}_${arch}.changes
pkg_ok "dgcg_${version}_${arch}.deb" test -s "$deb"
pkg_ok "the automatic dgcg-dbgsym" test -s "$T/src/dgcg-dbgsym_${version}_${arch}.deb"
grep -E '^(PASS|FAIL|ERROR|# (TOTAL|PASS|FAIL))' "$T/build.log" | sed 's/^/#   dh_auto_test: /'
dpkg-deb -f "$deb" Depends Recommends | sed 's/^/#   /'

pkg_step "lintian"
lintian --fail-on error,warning --display-info --pedantic --info "$changes" >"$T/lintian.log" 2>&1
rc=$?
sed 's/^/#   lintian: /' "$T/lintian.log"
pkg_is "lintian: no error or warning" "$rc" 0
pkg_is "lintian: no information or pedantic tag either" "$(grep -c '^[EWIPX]: ' "$T/lintian.log")" 0

# --- make install ---------------------------------------------------------------
pkg_step "make install DESTDIR"
# the package's own build tree (prefix /usr, Debian's dirs): plain make
# install gives the .deb's files, less what only debhelper adds (docs,
# compressed manuals, the changelog, md5sums)
( cd "$pkgsrc" && make install DESTDIR="$T/stage" >"$T/install.log" 2>&1 )
pkg_is "make install DESTDIR in the package's build tree" "$?" 0
(cd "$T/stage" && find . ! -type d | sed 's|^\.||' | sort) >"$T/stage.list"
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $6}' | sed -e 's|^\.||' -e 's|\.gz$||' |
	grep -v -e '^/usr/share/doc/' -e '^/usr/share/lintian/overrides/' | sort >"$T/deb.list"
pkg_is "the same files as the .deb (but Debian's docs and lintian overrides)" \
	"$(diff "$T/stage.list" "$T/deb.list" | grep '^[<>]' | tr '\n' ' ')" ""
if [[ -f "${DGCG_BUILDDIR:-}/Makefile" ]]; then
	# the CI build tree (default prefix /usr/local): everything below it
	( cd "$DGCG_BUILDDIR" && make install DESTDIR="$T/local" >"$T/install-local.log" 2>&1 )
	pkg_is "make install DESTDIR in $DGCG_BUILDDIR" "$?" 0
	pkg_is "it installs below the prefix only" \
		"$(cd "$T/local" && find . ! -type d | grep -v "^\./usr/local/" | tr '\n' ' ')" ""
	for f in etc/dgcg/dgcg.conf etc/nginx/sites-available/dgcg etc/logrotate.d/dgcg \
		lib/systemd/system/dgcg-fcgi@.socket lib/systemd/system/dgcg-purge.timer \
		lib/tmpfiles.d/dgcg.conf lib/sysusers.d/dgcg.conf share/dgcg/sql/grants.sql.in \
		share/dgcg/nginx/dgcg.js; do
		pkg_ok "/usr/local/$f" test -s "$T/local/usr/local/$f"
	done
	pkg_is "dgcg.conf 0640" "$(stat -c %a "$T/local/usr/local/etc/dgcg/dgcg.conf" 2>&1)" 640
	pkg_ok "the units name the configured paths" grep -q '^ExecStart=/usr/local/sbin/dgcg-pool ' \
		"$T/local/usr/local/lib/systemd/system/dgcg-fcgi@.service"
	( cd "$DGCG_BUILDDIR" && make uninstall DESTDIR="$T/local" >>"$T/install-local.log" 2>&1 )
	pkg_is "make uninstall leaves no file" "$(cd "$T/local" && find . ! -type d | tr '\n' ' ')" ""
fi

# --- the throwaway root -----------------------------------------------------------
pkg_step "demo PKI (deploy/pki.sh)"
PKI=$T/pki
pkg_ok "pki_all DE" pki_all DE

pkg_step "unpack the cached root"
pkg_ok "pkgroot_unpack ($(pkgroot_tarball))" pkgroot_unpack "$T/root"
mkdir -p "$T/root/root/dgcg-test" &&
	cp "$deb" "$here/assert.sh" "$here/unit.sh" "$here/inside.sh" "$T/root/root/dgcg-test/" &&
	cp -r "$PKI" "$T/root/root/dgcg-test/pki" || exit 1

pkg_step "in the root (t/pkg/inside.sh)"
# inside.sh goes on counting from here and leaves the totals in counts
read -r p0 f0 < <(pkg_counts)
timeout 900 bash -c '. "$1"; shift; pkgroot_run "$@"' pkgroot "$here/root.sh" "$T/root" \
	/bin/bash /root/dgcg-test/inside.sh "$p0" "$f0"
rc=$?
if [[ -s "$T/root/root/dgcg-test/counts" ]]; then
	read -r p f <"$T/root/root/dgcg-test/counts"
	pkg_add $((p - p0)) $((f - f0))
else
	pkg_is "t/pkg/inside.sh ran to its end" "$rc" 0
fi

# --- the same under systemd --------------------------------------------------------
pkg_step "a fresh root, systemd as PID 1 (pkgroot_boot)"
_pkgroot_rm "$T/root"
pkg_ok "pkgroot_unpack" pkgroot_unpack "$T/sroot"
mkdir -p "$T/sroot/root/dgcg-test" &&
	cp "$deb" "$here/assert.sh" "$here/systemd.sh" "$T/sroot/root/dgcg-test/" &&
	cp -r "$PKI" "$T/sroot/root/dgcg-test/pki" || exit 1
if pkg_ok "systemd boots in the root" pkgroot_boot "$T/sroot" "$T/systemd.pid"; then
	pkg_step "under systemd (t/pkg/systemd.sh)"
	read -r p0 f0 < <(pkg_counts)
	timeout 600 bash -c '. "$1"; shift; pkgroot_exec "$@"' pkgroot "$here/root.sh" "$T/systemd.pid" \
		/bin/bash /root/dgcg-test/systemd.sh "$p0" "$f0"
	rc=$?
	if [[ -s "$T/sroot/root/dgcg-test/counts" ]]; then
		read -r p f <"$T/sroot/root/dgcg-test/counts"
		pkg_add $((p - p0)) $((f - f0))
	else
		pkg_is "t/pkg/systemd.sh ran to its end" "$rc" 0
	fi
else
	tailof "$T/systemd.pid.log" 30
fi
pkgroot_halt "$T/systemd.pid"
pkg_done
