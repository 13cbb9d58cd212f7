#!/bin/sh
# Makes the container's cgroup mounts writable for the inner runc (plain `remount,rw` fails;
# the bind remount works), makes / shared so inner mounts propagate, then becomes dockerd.
set -eu
mount -o remount,rw,bind /sys/fs/cgroup 2>/dev/null || true
for d in /sys/fs/cgroup/*; do
  [ -d "$d" ] && mount -o remount,rw,bind "$d" 2>/dev/null || true
done
mount --make-rshared /
rm -f /var/run/docker.pid
# --tls=false: Debian's 20.10 dockerd sleeps 15 s at start when it listens on TCP without it.
exec dockerd -H unix:///var/run/docker.sock -H tcp://0.0.0.0:2375 --tls=false \
  --storage-driver=overlay2 "$@"
