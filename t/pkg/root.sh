# shellcheck shell=bash
# root.sh: the throwaway Debian 12 root the package test installs dgcg into,
# sourced by t/run (preparation, needs the Debian mirror) and t/pkg/test.sh
# (use, needs nothing but this machine).
#
#   pkgroot_tarball     print the path of the cached base root for the current
#                       t/pkg/packages and PKGROOT_VERSION (it may not exist yet)
#   pkgroot_prepare     make that tarball when it is missing: debootstrap
#                       --variant=minbase bookworm, then apt-get install of
#                       t/pkg/packages and the security updates inside it. The
#                       only step that talks to the mirror; t/run runs it with
#                       the package installation, never a test. Idempotent.
#   pkgroot_unpack DIR  unpack the cached base into DIR (made empty)
#   pkgroot_run DIR CMD...  run CMD chrooted into DIR, in new mount, PID and
#                       network namespaces: the network holds only loopback
#                       (nothing inside can reach another address), /proc,
#                       /sys, /dev, a fresh /run and /tmp are mounted there and
#                       vanish with the namespace, and every process started
#                       inside (MariaDB, nginx, workers) dies when CMD exits.
#                       No mount is ever made in the machine's own namespace.
#   pkgroot_boot DIR PIDFILE   boot systemd as PID 1 of new mount, PID, network
#                       (loopback only), UTS, IPC and cgroup namespaces, its root
#                       pivoted to DIR (systemd's sandboxing needs a real mount
#                       point as /), in a cgroup of its own below the machine's
#                       cgroup2 hierarchy; getty and cron masked. Writes the
#                       (machine's) pid of that systemd to PIDFILE and waits
#                       until its boot is done (running or degraded).
#   pkgroot_exec PIDFILE CMD...  run CMD inside it (nsenter: all its namespaces,
#                       its root), with a clean environment
#   pkgroot_halt PIDFILE  kill it (SIGKILL to the namespace's PID 1 ends every
#                       process in it) and remove its cgroups
#
# Environment: DGCG_PKGROOT_CACHE (default /var/cache/dgcg-test): where the
# tarballs live; DGCG_MIRROR (default http://deb.debian.org/debian) and
# DGCG_SECURITY_MIRROR (default http://deb.debian.org/debian-security).
# Functions return non-zero with a message on stderr; they never exit.

# Bump when pkgroot_prepare makes a different root from the same package list.
PKGROOT_VERSION=1
_pkgroot_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

_pkgroot_err() { printf 'pkgroot: %s\n' "$*" >&2; }

_pkgroot_packages() {
	sed 's/#.*//' "$_pkgroot_here/packages" | tr -s ' \t' '\n\n' | sed '/^$/d'
}

pkgroot_tarball() {
	local key
	key=$( { printf 'v%s\n' "$PKGROOT_VERSION"; _pkgroot_packages; } | sha256sum | cut -c1-16)
	printf '%s/bookworm-%s.tar.gz\n' "${DGCG_PKGROOT_CACHE:-/var/cache/dgcg-test}" "$key"
}

pkgroot_prepare() {
	local tar dir mirror secmirror rc pkgs=()
	tar=$(pkgroot_tarball) || return 1
	[[ -s "$tar" ]] && return 0
	if [[ $EUID -ne 0 ]]; then
		_pkgroot_err "making $tar needs root (debootstrap)"
		return 1
	fi
	for p in debootstrap unshare chroot; do
		command -v "$p" >/dev/null || { _pkgroot_err "$p not found (deploy/packages)"; return 1; }
	done
	mirror=${DGCG_MIRROR:-http://deb.debian.org/debian}
	secmirror=${DGCG_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
	mapfile -t pkgs < <(_pkgroot_packages)
	mkdir -p "$(dirname "$tar")" || return 1
	dir=$(mktemp -d "$(dirname "$tar")/prepare.XXXXXX") || return 1
	_pkgroot_err "making $tar (debootstrap and apt-get: a few minutes, once)"
	if ! debootstrap --variant=minbase bookworm "$dir/root" "$mirror" \
		>"$dir/debootstrap.log" 2>&1; then
		_pkgroot_err "debootstrap failed, the end of its log:"
		tail -n 20 "$dir/debootstrap.log" >&2
		_pkgroot_rm "$dir"
		return 1
	fi
	cat >"$dir/root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $secmirror bookworm-security main
EOF
	# Nothing a package installs is started while the root is made.
	printf '#!/bin/sh\nexit 101\n' >"$dir/root/usr/sbin/policy-rc.d"
	chmod 0755 "$dir/root/usr/sbin/policy-rc.d"
	# A private mount and PID namespace (network shared: apt needs the
	# mirror): whatever a maintainer script starts dies with it.
	unshare --mount --pid --fork --kill-child --mount-proc="$dir/root/proc" \
		chroot "$dir/root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 /bin/sh -c '
		apt-get update -q &&
		apt-get install -y -q --no-install-recommends "$@" &&
		apt-get upgrade -y -q &&
		apt-get clean' sh "${pkgs[@]}" >"$dir/apt.log" 2>&1
	rc=$?
	rm -f "$dir/root/usr/sbin/policy-rc.d"
	rm -rf "$dir/root/var/lib/apt/lists/"*
	if (( rc != 0 )); then
		_pkgroot_err "apt-get in the root failed, the end of its log:"
		tail -n 20 "$dir/apt.log" >&2
		_pkgroot_rm "$dir"
		return 1
	fi
	if ! tar -C "$dir/root" --numeric-owner -czf "$dir/root.tar.gz" . ||
	    ! mv -f "$dir/root.tar.gz" "$tar"; then
		_pkgroot_err "could not write $tar"
		_pkgroot_rm "$dir"
		return 1
	fi
	_pkgroot_rm "$dir"
	_pkgroot_err "made $tar ($(du -h "$tar" | cut -f1))"
}

# _pkgroot_rm DIR: rm -rf DIR, but only when nothing below it is mounted.
_pkgroot_rm() {
	if [[ -n "$(findmnt -rn -o TARGET | awk -v d="$1" 'index($0, d) == 1')" ]]; then
		_pkgroot_err "something is mounted below $1; not removing it"
		return 1
	fi
	rm -rf -- "$1"
}

pkgroot_unpack() {
	local tar
	tar=$(pkgroot_tarball) || return 1
	if [[ ! -s "$tar" ]]; then
		_pkgroot_err "no cached root $tar: run t/run (or pkgroot_prepare) to make it"
		return 1
	fi
	mkdir -p "$1" || return 1
	tar -C "$1" --numeric-owner -xzf "$tar"
}

pkgroot_run() {
	local root=$1
	shift
	unshare --mount --pid --net --fork --kill-child --mount-proc="$root/proc" \
		/bin/bash -c '
		set -e
		root=$1
		shift
		ip link set lo up
		mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"
		mount --rbind /dev "$root/dev"
		mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$root/run"
		mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/tmp"
		exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			LC_ALL=C.UTF-8 HOME=/root TERM=dumb "$@"' pkgroot "$root" "$@"
}

# _pkgroot_cgroup2: the machine's cgroup2 mount (pure or hybrid hierarchy).
_pkgroot_cgroup2() {
	local d
	for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
		if [[ "$(stat -f -c %T "$d" 2>/dev/null)" == cgroup2fs ]]; then
			printf '%s\n' "$d"
			return 0
		fi
	done
	_pkgroot_err "no cgroup2 hierarchy (needed for systemd as PID 1)"
	return 1
}

pkgroot_boot() {
	local root=$1 pidfile=$2 cg u n pid state
	cg=$(_pkgroot_cgroup2) || return 1
	cg=$cg/dgcg-pkgtest.$$
	mkdir -p "$cg" || return 1
	printf '%s\n' "$cg" >"$pidfile.cgroup"
	for u in getty.target getty@.service serial-getty@.service console-getty.service \
		cron.service e2scrub_reap.service; do
		ln -sf /dev/null "$root/etc/systemd/system/$u"
	done
	setsid bash "$_pkgroot_here/boot.sh" "$cg" "$root" </dev/null >"$pidfile.log" 2>&1 &
	pid=$!
	# the namespace's PID 1 is unshare's child
	for (( n = 100; n > 0; n-- )); do
		u=$(ps -o pid= --ppid "$pid" 2>/dev/null | tr -d ' ')
		[[ -n "$u" ]] && [[ "$(ps -o comm= -p "$u")" == systemd ]] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if [[ -z "$u" || "$(ps -o comm= -p "$u" 2>/dev/null)" != systemd ]]; then
		_pkgroot_err "systemd did not start, see $pidfile.log"
		tail -n 20 "$pidfile.log" >&2
		kill -KILL "$pid" 2>/dev/null
		return 1
	fi
	printf '%s\n' "$u" >"$pidfile"
	# until systemd answers (its socket comes a moment after its start),
	# then until its boot is done
	for (( n = 1200; n > 0; n-- )); do
		state=$(timeout 120 nsenter -t "$u" -a -r -w /usr/bin/env -i \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin systemctl is-system-running --wait 2>&1)
		case $state in
		running | degraded) return 0 ;;
		*"Failed to connect"* | *"Host is down"*) sleep 0.1 ;;
		*) break ;;
		esac
	done
	_pkgroot_err "systemd's boot ended: $state"
	return 1
}

pkgroot_exec() {
	local pid
	read -r pid <"$1" || return 1
	shift
	nsenter -t "$pid" -a -r -w /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LC_ALL=C.UTF-8 HOME=/root TERM=dumb "$@"
}

pkgroot_halt() {
	local pid cg n
	if [[ -s "$1" ]] && read -r pid <"$1" && [[ "$(ps -o comm= -p "$pid" 2>/dev/null)" == systemd ]]; then
		kill -KILL "$pid"
		for (( n = 100; n > 0; n-- )); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	fi
	rm -f "$1"
	if [[ -s "$1.cgroup" ]] && read -r cg <"$1.cgroup" && [[ "$cg" == */dgcg-pkgtest.* ]]; then
		# every process is gone with the namespace: the cgroups are empty
		for (( n = 50; n > 0; n-- )); do
			find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
			[[ -d "$cg" ]] || break
			sleep 0.1
		done
		[[ -d "$cg" ]] && _pkgroot_err "could not remove $cg"
	fi
	rm -f "$1.cgroup"
	return 0
}
