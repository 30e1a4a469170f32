#!/bin/bash
# boot.sh CGROUP ROOT: systemd as PID 1 of new mount, PID, network (loopback
# only), UTS, IPC and cgroup namespaces, in CGROUP (a cgroup2 directory made
# for it), its root pivoted to ROOT. Run by pkgroot_boot (t/pkg/root.sh);
# never returns while that systemd runs. Every mount is made in the new
# mount namespace and goes with it.
set -e
echo $$ >"$1/cgroup.procs"
exec unshare --mount --pid --net --uts --ipc --cgroup --fork --kill-child bash -c '
set -e
root=$1
ip link set lo up
# systemd sets up its services'"'"' mount namespaces with pivot_root and
# friends: / must be a mount point, so no chroot
mount --bind "$root" "$root"
mount -t proc proc "$root/proc"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"
mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$root/sys/fs/cgroup"
# a /dev of its own (the machine'"'"'s ttys stay the machine'"'"'s)
mount -t tmpfs -o mode=0755,nosuid tmpfs "$root/dev"
for n in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
	IFS=: read -r name ma mi <<<"$n"
	mknod -m 0666 "$root/dev/$name" c "$ma" "$mi"
done
mkdir -p "$root/dev/pts" "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/dev/shm"
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$root/run"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/tmp"
mkdir -p "$root/.oldroot"
cd "$root"
pivot_root . .oldroot
cd /
umount -l /.oldroot
rmdir /.oldroot
exec /usr/bin/env -i container=dgcg-test PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	/lib/systemd/systemd --log-level=info
' boot "$2"
