#!/usr/bin/env bash
# Make sure Podman and what its Docker-compatible API needs on these machines are installed, for the
# Podman test (test/integration/podman.test.ts): Debian's podman, netavark + aardvark-dns (without
# them, names on user networks do not resolve) and catatonit (`init: true`).
#
# - If all four are installed: print podman's version and exit 0 (fast).
# - On Debian as root: install them (no recommends); the package lists are refreshed
#   (`apt-get update`) only when the first install attempt fails.
# - Anywhere else: explain what to install and exit non-zero.
#
# It changes no system configuration: the test gives Podman its own containers.conf (CONTAINERS_CONF),
# storage and socket. Non-interactive; waits up to 10 min for another apt/dpkg run holding the lock.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
PACKAGES=(podman netavark aardvark-dns catatonit)

say() { printf '[berth ensure-podman] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

missing() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

if command -v dpkg-query >/dev/null 2>&1 && [[ -z "$(missing)" ]]; then
  echo "podman is installed: $(podman --version </dev/null)"
  exit 0
fi
command -v apt-get >/dev/null 2>&1 || die "podman is missing and this is not a Debian-like system: install podman, netavark, aardvark-dns and catatonit yourself."
[[ $(id -u) -eq 0 ]] || die "podman is missing; install it as root: apt-get install -y --no-install-recommends ${PACKAGES[*]}"

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
START=$(date +%s)
say "installing Debian's ${PACKAGES[*]}"
apt_install_packages "${PACKAGES[@]}"
say "installed in $(( $(date +%s) - START )) s: $(podman --version </dev/null)"
