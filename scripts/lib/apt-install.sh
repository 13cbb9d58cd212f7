# Sourced by the scripts/ensure-*.sh scripts: installs Debian packages without recommends, waiting up
# to 10 min for another apt/dpkg run holding the lock; refreshes the package lists (`apt-get update`)
# only when the first attempt fails. Needs `say` and `die` from the sourcing script.
apt_install_packages() {
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "$@" </dev/null; then
    say "install failed; refreshing the package lists (apt-get update) and trying once more"
    apt-get update -o DPkg::Lock::Timeout=600 </dev/null || die "apt-get update failed (is a Debian mirror reachable?)"
    apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "$@" </dev/null || die "apt-get install $* failed; see the output above"
  fi
}
