#!/usr/bin/env bash
# Runs a test command as N shards at once on this Docker host, each shard inside its own berth
# environment (`berth run`: unique project, own network, engine-assigned ports, released
# afterwards whatever happens). The first failing shard fails the script; each shard's output is
# in shard-<n>.log.
#
#   SHARDS=4 COMPOSE_FILE=compose.yml examples/ci/parallel-shards.sh npm test -- --shard='{shard}/{shards}'
#
# {shard} and {shards} in the command are replaced per shard. BERTH overrides how berth is run
# (default: npx berth); LOG_DIR where the logs go (default: .).
set -euo pipefail
shards="${SHARDS:-4}"
compose="${COMPOSE_FILE:?set COMPOSE_FILE to the compose file(s), colon-separated}"
berth="${BERTH:-npx berth}"
logs="${LOG_DIR:-.}"
[ "$#" -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]  (see the header of this script)" >&2; exit 2; }

files=()
IFS=: read -r -a list <<< "$compose"
for f in "${list[@]}"; do files+=(-f "$f"); done

pids=()
for shard in $(seq 1 "$shards"); do
  cmd=()
  for arg in "$@"; do arg="${arg//\{shard\}/$shard}"; cmd+=("${arg//\{shards\}/$shards}"); done
  # A label per CI run and shard: `berth clean --label ci.shard=3` finds exactly one shard's leftovers.
  BERTH_LABELS="${BERTH_LABELS:+$BERTH_LABELS,}ci.shard=$shard" $berth "${files[@]}" run --timeout 3m -- "${cmd[@]}" > "$logs/shard-$shard.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!pids[@]}"; do
  code=0
  wait "${pids[$i]}" || code=$?
  if [ "$code" -ne 0 ]; then
    echo "shard $((i + 1)) failed (exit $code); see $logs/shard-$((i + 1)).log" >&2
    status=$code
  fi
done
exit "$status"
