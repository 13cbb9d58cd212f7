#!/usr/bin/env bash
# Make sure a headless-capable Chromium is installed at /usr/bin/chromium, for the dashboard test
# (test/integration/server-page.test.ts drives it through playwright-core).
#
# - If /usr/bin/chromium exists: print its version and exit 0 (fast).
# - On Debian as root: install Debian's `chromium` package (no recommends). The package lists are
#   refreshed (`apt-get update`) only when the first install attempt fails, because on most machines
#   they are fresh enough and an update costs tens of seconds.
# - Anywhere else: explain what to install and exit non-zero.
#
# Non-interactive (CI=true, no stdin): never prompts. Waits up to 5 min for another apt/dpkg run
# holding the package lock instead of failing at once.
#
# Environment:
#   BERTH_CHROMIUM   path to check (default /usr/bin/chromium)
set -euo pipefail

CHROMIUM="${BERTH_CHROMIUM:-/usr/bin/chromium}"
export DEBIAN_FRONTEND=noninteractive

say() { printf '[berth ensure-chromium] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

if [[ -x "$CHROMIUM" ]]; then
  echo "chromium is installed: $("$CHROMIUM" --version 2>/dev/null </dev/null || echo "$CHROMIUM")"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || die "$CHROMIUM is missing and this is not a Debian-like system: install Chromium (or Google Chrome) yourself and set BERTH_CHROMIUM to its path."
[[ $(id -u) -eq 0 ]] || die "$CHROMIUM is missing; install it as root: apt-get install -y --no-install-recommends chromium"

apt_install() {
  apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 chromium </dev/null
}

START=$(date +%s)
say "$CHROMIUM is missing: installing Debian's chromium package (apt-get install -y --no-install-recommends chromium)"
if ! apt_install; then
  say "install failed; refreshing the package lists (apt-get update) and trying once more"
  apt-get update -o DPkg::Lock::Timeout=300 </dev/null || die "apt-get update failed (is a Debian mirror reachable?)"
  apt_install || die "apt-get install chromium failed; see the output above"
fi
[[ -x "$CHROMIUM" ]] || die "the chromium package is installed but $CHROMIUM does not exist"
say "installed in $(( $(date +%s) - START )) s: $("$CHROMIUM" --version 2>/dev/null </dev/null || echo "$CHROMIUM")"
