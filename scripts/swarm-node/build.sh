#!/usr/bin/env bash
# Builds berth's swarm test-bed node image (berth-swarm/node:1) when it is missing or its inputs
# changed: the image carries dev.berth.fixture.hash=<sha256 of this folder + the base image id>,
# so a warm check costs one `docker image inspect`.
#
#   bash scripts/swarm-node/build.sh [--force]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TAG=${BERTH_SWARM_NODE_IMAGE:-berth-swarm/node:1}
export DOCKER_BUILDKIT=0
say() { printf '[berth swarm-node] %s\n' "$*" >&2; }

bash "$ROOT/scripts/build-images.sh" debian >/dev/null
BASE_ID=$(docker image inspect -f '{{.Id}}' berth-fixtures/debian:bookworm)
HASH=$( (cat "$HERE/Dockerfile" "$HERE/entrypoint.sh"; echo "$BASE_ID") | sha256sum | cut -c1-32)
HAVE=$(docker image inspect -f '{{index .Config.Labels "dev.berth.fixture.hash"}}' "$TAG" 2>/dev/null || true)
if [[ "${1:-}" != "--force" && "$HAVE" == "$HASH" ]]; then
  say "$TAG is up to date"
  exit 0
fi
# Several test runs may build at once: one at a time, the second finds the image built.
exec 9>"${TMPDIR:-/tmp}/berth-swarm-node-build.lock"
flock 9
HAVE=$(docker image inspect -f '{{index .Config.Labels "dev.berth.fixture.hash"}}' "$TAG" 2>/dev/null || true)
[[ "${1:-}" != "--force" && "$HAVE" == "$HASH" ]] && { say "$TAG is up to date"; exit 0; }
T0=$(date +%s)
LOG=$(mktemp "${TMPDIR:-/tmp}/berth-swarm-node-build.XXXXXX.log")
if ! docker build -q --label dev.berth.fixture=true --label "dev.berth.fixture.hash=$HASH" -t "$TAG" "$HERE" >"$LOG" 2>&1; then
  say "building $TAG failed; log: $LOG"
  tail -n 30 "$LOG" >&2
  exit 1
fi
rm -f "$LOG"
say "built $TAG in $(( $(date +%s) - T0 )) s"
