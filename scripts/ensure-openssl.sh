#!/usr/bin/env bash
# Make sure the openssl binary is installed, for the TLS engine test (test/integration/tls-engine.test.ts
# makes its CA, server and client certificates with it).
#
# - If `openssl` is on PATH: print its version and exit 0 (fast).
# - On Debian as root: install Debian's `openssl` package (no recommends); the package lists are
#   refreshed (`apt-get update`) only when the first install attempt fails.
# - Anywhere else: explain what to install and exit non-zero.
#
# Non-interactive: never prompts; waits up to 10 min for another apt/dpkg run holding the lock.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

say() { printf '[berth ensure-openssl] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

if command -v openssl >/dev/null 2>&1; then
  echo "openssl is installed: $(openssl version </dev/null)"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || die "openssl is missing and this is not a Debian-like system: install OpenSSL yourself."
[[ $(id -u) -eq 0 ]] || die "openssl is missing; install it as root: apt-get install -y --no-install-recommends openssl"

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
START=$(date +%s)
say "openssl is missing: installing Debian's openssl package"
apt_install_packages openssl
command -v openssl >/dev/null 2>&1 || die "the openssl package is installed but openssl is not on PATH"
say "installed in $(( $(date +%s) - START )) s: $(openssl version </dev/null)"
