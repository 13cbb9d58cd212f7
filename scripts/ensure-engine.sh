#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine.
#
# - If `docker` already talks to an engine: print one line and exit 0 (fast).
# - On Debian as root: install docker.io (+ iptables) if dockerd is missing, start dockerd
#   detached (setsid, logging to $BERTH_DOCKERD_LOG) and wait until it answers.
# - Anywhere else: explain how to get an engine and exit non-zero.
#
# It never stops an engine and never starts a second dockerd.
#
# Environment:
#   BERTH_DOCKERD_LOG      dockerd log file (default /var/log/berth-dockerd.log)
#   BERTH_ENGINE_TIMEOUT   seconds to wait for the engine to answer (default 60)
set -euo pipefail

LOG_FILE="${BERTH_DOCKERD_LOG:-/var/log/berth-dockerd.log}"
WAIT_SECS="${BERTH_ENGINE_TIMEOUT:-60}"
export DEBIAN_FRONTEND=noninteractive

say() { printf '[berth ensure-engine] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

now_ms() { date +%s%3N; }
START_MS=$(now_ms)
elapsed() { local ms=$(( $(now_ms) - START_MS )); printf '%d.%01ds' $((ms / 1000)) $(((ms % 1000) / 100)); }

# Prints "<server version> <api version>" when the engine answers, fails otherwise.
engine_version() {
  command -v docker >/dev/null 2>&1 || return 1
  timeout 5 docker version --format '{{.Server.Version}} {{.Server.APIVersion}}' </dev/null 2>/dev/null
}

# pid of a running dockerd (scans /proc: pgrep may be missing on minimal systems).
dockerd_pid() {
  local d comm
  for d in /proc/[0-9]*; do
    { read -r comm <"$d/comm"; } 2>/dev/null || continue
    if [[ "$comm" == dockerd ]]; then echo "${d#/proc/}"; return 0; fi
  done
  return 1
}

report_up() {
  local v=$1
  echo "docker engine is up: version ${v% *}, API ${v#* }${DOCKER_HOST:+ (DOCKER_HOST=$DOCKER_HOST)}"
}

# 1. Fast path: an engine already answers.
if v=$(engine_version); then
  report_up "$v"
  exit 0
fi

how_to() {
  cat >&2 <<'EOF'
[berth ensure-engine] berth needs a Docker engine. Options:
  - install Docker (https://docs.docker.com/engine/install/) or, on Debian/Ubuntu as root:
      apt-get install docker.io iptables
  - start it (e.g. `systemctl start docker`, `service docker start`, or run `dockerd` as root)
  - or point the docker CLI at a running engine with DOCKER_HOST (e.g. DOCKER_HOST=tcp://host:2375
    or DOCKER_HOST=unix:///path/to/docker.sock)
EOF
}

# A remote/custom DOCKER_HOST that does not answer: starting a local dockerd would not help.
if [[ -n "${DOCKER_HOST:-}" && "${DOCKER_HOST}" != "unix:///var/run/docker.sock" && "${DOCKER_HOST}" != "unix:///run/docker.sock" ]]; then
  say "DOCKER_HOST=$DOCKER_HOST does not answer."
  how_to
  exit 1
fi

is_debian() { [[ -r /etc/debian_version ]] && command -v apt-get >/dev/null 2>&1; }
if [[ $(id -u) -ne 0 ]] || ! is_debian; then
  if [[ $(id -u) -ne 0 ]]; then
    say "no Docker engine answers, and this script can only start one as root (you are $(id -un))."
  else
    say "no Docker engine answers, and this script can only install one on Debian."
  fi
  if dockerd_pid >/dev/null; then
    say "note: a dockerd process exists; you may lack permission on its socket (group 'docker')."
  fi
  how_to
  exit 1
fi

say "no Docker engine answers; setting one up (Debian, root)."

# 2. Install dockerd if missing.
if ! command -v dockerd >/dev/null 2>&1 || ! command -v iptables >/dev/null 2>&1; then
  candidate=$(apt-cache policy docker.io 2>/dev/null | awk '/Candidate:/ {print $2}')
  if [[ -z "$candidate" || "$candidate" == "(none)" ]]; then
    say "apt has no candidate for docker.io: running apt-get update (failures of single sources tolerated)"
    apt-get update -q </dev/null >&2 || say "apt-get update reported errors; continuing"
  fi
  say "installing docker.io iptables with apt-get ($(elapsed))"
  if ! apt-get install -y -q --no-install-recommends docker.io iptables </dev/null >&2; then
    say "install failed; retrying after apt-get update"
    apt-get update -q </dev/null >&2 || say "apt-get update reported errors; continuing"
    apt-get install -y -q --no-install-recommends docker.io iptables </dev/null >&2 \
      || die "apt-get install docker.io iptables failed"
  fi
  say "installed $(dockerd --version 2>/dev/null || echo dockerd) ($(elapsed))"
fi

started_here=
start_dockerd() {
  started_here=1
  mkdir -p "$(dirname "$LOG_FILE")"
  log_from=$(( $(stat -c %s "$LOG_FILE" 2>/dev/null || echo 0) + 1 ))
  say "starting dockerd detached; log: $LOG_FILE"
  printf '\n==== berth ensure-engine: starting dockerd at %s ====\n' "$(date -Is)" >>"$LOG_FILE"
  # Detached: own session, stdio on the log, and no other inherited descriptors (a caller's pipe
  # held open by dockerd would never reach EOF).
  (
    for fd in /proc/self/fd/*; do
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec ${fd}>&-" 2>/dev/null || true; fi
    done
    exec setsid dockerd
  ) </dev/null >>"$LOG_FILE" 2>&1 &
  pid=$!
  disown "$pid" 2>/dev/null || true
}

# dockerd 20.10 can crash under load (moby/moby#45804: a health check's exec timing out) and leave
# its network store half-written; every later start then panics in libnetwork's reservePools and
# the engine never comes back. That store only describes networks (containers, images and volumes
# are elsewhere), so it is moved aside, not deleted, together with the bridges of the networks it
# described, and dockerd is started once more. Only for that exact panic, only for a dockerd this
# script started (never one somebody else runs), and only once.
network_store_recovered=
log_from=$(( $(stat -c %s "$LOG_FILE" 2>/dev/null || echo 0) + 1 )) # only what dockerd logs from now on counts
recover_network_store() {
  [[ -n "$started_here" && -z "$network_store_recovered" ]] || return 1
  local since store=/var/lib/docker/network/files/local-kv.db
  since=$(tail -c "+${log_from:-1}" "$LOG_FILE" 2>/dev/null) || return 1
  grep -q 'panic: runtime error: index out of range' <<<"$since" && grep -q 'reservePools' <<<"$since" || return 1
  [[ -f "$store" ]] || return 1
  network_store_recovered=1
  local aside="$store.corrupt-$(date +%Y%m%dT%H%M%S)"
  say "dockerd cannot start: its network store is corrupt (libnetwork reservePools panic, left by an earlier dockerd crash)."
  say "moving $store to $aside (networks are forgotten and re-created by whoever needs them; containers, images and volumes stay)"
  mv "$store" "$aside" || return 1
  if command -v ip >/dev/null 2>&1; then
    local br
    for br in $(ip -o link show 2>/dev/null | grep -oE '^[0-9]+: br-[0-9a-f]{12}[:@]' | grep -oE 'br-[0-9a-f]{12}'); do
      say "removing bridge $br of a forgotten network"
      ip link delete "$br" 2>/dev/null || true
    done
  fi
  return 0
}

# 3. Start dockerd unless one is already running (then just wait for it).

if pid=$(dockerd_pid); then
  say "dockerd is already running (pid $pid) but not answering yet; waiting for it (not starting another)"
else
  for pidfile in /var/run/docker.pid /run/docker.pid; do
    if [[ -f "$pidfile" ]]; then
      old=$(cat "$pidfile" 2>/dev/null || true)
      if [[ -z "$old" ]] || ! kill -0 "$old" 2>/dev/null; then
        say "removing stale $pidfile (pid ${old:-?} is gone)"
        rm -f "$pidfile"
      fi
    fi
  done
  start_dockerd
fi

# 4. Wait for the engine.
deadline=$(( $(date +%s) + WAIT_SECS ))
while :; do
  if v=$(engine_version); then
    say "engine answers after $(elapsed)"
    report_up "$v"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null && ! dockerd_pid >/dev/null; then
    say "dockerd (pid $pid) exited"
    # The dockerd found running was on its way out (shutting down): now that it is gone, start one.
    if [[ -z "$started_here" ]]; then
      start_dockerd
      deadline=$(( $(date +%s) + WAIT_SECS ))
      continue
    fi
    if recover_network_store; then
      start_dockerd
      deadline=$(( $(date +%s) + WAIT_SECS ))
      continue
    fi
    break
  fi
  if (( $(date +%s) >= deadline )); then
    say "engine did not answer within ${WAIT_SECS}s"
    break
  fi
  sleep 0.2
done

say "last lines of $LOG_FILE:"
tail -n 30 "$LOG_FILE" >&2 2>/dev/null || true
die "could not get a Docker engine up"
