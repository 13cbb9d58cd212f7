#!/usr/bin/env bash
# Make sure Debian's `docker-registry` (CNCF distribution, the registry Docker Hub runs) and
# `htpasswd` (apache2-utils) are installed, for the pull tests (test/integration/registry.test.ts),
# which start their own registries on loopback ports with storage in temporary folders.
#
# - Both present: exit 0 at once.
# - On Debian as root: apt-get install them (no recommends), waiting up to 10 min for another
#   apt/dpkg run; the package lists are refreshed only when the packages are not found.
# - Anywhere else: say what to install and exit non-zero.
# The package also sets up a system service on :5000; the tests never use it.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

say() { printf '[berth ensure-registry] %s\n' "$*" >&2; }

if command -v docker-registry >/dev/null 2>&1 && command -v htpasswd >/dev/null 2>&1; then exit 0; fi
command -v apt-get >/dev/null 2>&1 || { say "install docker-registry (CNCF distribution) and htpasswd yourself"; exit 1; }
[[ $(id -u) -eq 0 ]] || { say "run as root: apt-get install -y --no-install-recommends docker-registry apache2-utils"; exit 1; }

install() { apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends docker-registry apache2-utils </dev/null; }
START=$(date +%s)
say "installing docker-registry and apache2-utils"
if ! install; then
  say "not found; refreshing the package lists (apt-get update) and trying once more"
  apt-get -o DPkg::Lock::Timeout=600 update </dev/null
  install
fi
say "installed in $(($(date +%s) - START)) s"
