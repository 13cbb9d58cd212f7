/**
 * The command of `berth run -- CMD` (dedicated or claimed from a pool) must not outlive berth,
 * even when berth is SIGKILLed, which it cannot forward: CMD would go on against an environment
 * that is being removed or reset under it.
 *
 * Beside CMD, berth starts a tiny `sh` watchdog whose stdin is a pipe from berth. The kernel closes
 * that pipe when berth ends, however it ends; berth itself stops the watchdog (SIGKILL) as soon as
 * CMD has exited. The watchdog starts before CMD and berth writes CMD's pid to the pipe the moment
 * CMD is spawned: started after CMD, it left a window (its own fork and exec, milliseconds on a
 * loaded machine, while CMD already ran) in which a SIGKILL of berth left CMD unwatched; a CI run
 * met it. End-of-file before the pid: berth died before CMD was spawned, nothing to do. End-of-file
 * after it: berth died while CMD still ran, so the watchdog sends SIGTERM to CMD and its
 * descendants, and SIGKILL 5 s later to those still running (as the reaper does for a dedicated
 * environment, see cleanup/owned-children.ts). It ignores the terminal's signals (Ctrl-C reaches
 * berth and CMD, never it) and holds none of berth's output.
 *
 * Why beside CMD and not in front of it: CMD is spawned exactly as before (its own pid, stdio,
 * exit status and the signals berth forwards are untouched). Why not PR_SET_PDEATHSIG: Node cannot
 * set it (see owned-children.ts), and it would reach CMD alone, not its children. Works on Linux and
 * macOS (`ps`, else /proc for the process tree); not on Windows, which has no `sh`.
 */
import { spawn } from "node:child_process";

/**
 * Reads CMD's pid, then waits: once berth's pipe ends, SIGTERM to CMD's tree, SIGKILL after 5 s to
 * what is left. The pid counts only while it names the process it named when it came: CMD may end
 * and its pid go to another process just before berth dies, and that one is not berth's to stop.
 * `born` is a process's start time (/proc/PID/stat's 22nd field, clock ticks since boot; empty
 * where there is no /proc, and then the pid alone is trusted, as before).
 *
 * $1 is the token CMD carries in its environment (WATCH_VARIABLE): berth can die in the moment
 * between CMD's start and its pid's write (CMD runs as soon as it is exec'd, before spawn() returns
 * in berth), and then the watchdog finds CMD and its children by it in /proc (Linux; elsewhere such
 * a CMD is left, as before).
 */
export const WATCHDOG_SCRIPT = `trap '' INT TERM HUP QUIT PIPE
token=$1
read -r cmd || cmd=
case $cmd in *[!0-9]*) cmd= ;; esac
born() { l=$(cat "/proc/$1/stat" 2>/dev/null) || return 0; set -- \${l##*) }; echo "\${20}"; }
if [ -n "$cmd" ]; then
  start=$(born "$cmd")
  read -r _ && exit 0
  kill -0 "$cmd" 2>/dev/null || exit 0
  [ "$(born "$cmd")" = "$start" ] || exit 0
else
  [ -n "$token" ] || exit 0
  for f in /proc/[0-9]*/environ; do
    case $(tr '\\000' '\\n' < "$f" 2>/dev/null) in *"BERTH_RUN_WATCH=$token"*) p=\${f#/proc/}; cmd="$cmd \${p%/environ}" ;; esac
  done
  [ -n "$cmd" ] || exit 0
fi
procs() {
  ps -A -o pid= -o ppid= 2>/dev/null && return
  for f in /proc/[0-9]*/stat; do
    read -r l 2>/dev/null < "$f" || continue
    p=\${f#/proc/}; set -- \${l##*) }; echo "\${p%/stat} $2"
  done
}
all=$(procs); tree=$cmd; new=$cmd
while [ -n "$new" ]; do
  next=
  while read -r p pp; do
    for n in $new; do [ "$pp" = "$n" ] && next="$next $p"; done
  done <<EOF
$all
EOF
  tree="$tree $next"; new=$next
done
kill -TERM $tree 2>/dev/null
i=0
while [ $i -lt 50 ]; do
  left=
  for p in $tree; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
  [ -z "$left" ] && exit 0
  sleep 0.1 2>/dev/null || sleep 1
  i=$((i + 1))
done
kill -KILL $left 2>/dev/null
exit 0`;

/** The variable CMD is started with, holding the watchdog's token (see WATCHDOG_SCRIPT). */
export const WATCH_VARIABLE = "BERTH_RUN_WATCH";

export interface Watchdog {
  /** For CMD's environment: WATCH_VARIABLE and the token (none where there is no watchdog). */
  env: Record<string, string>;
  /** CMD was spawned as `pid`: watched from now on (berth's end ends it). */
  watch(pid: number): void;
  /** CMD has exited, or never started: the watchdog goes without doing anything. */
  stop(): void;
}

/** Starts the watchdog, before CMD (see above); a no-op where there is no `sh`. */
export function startWatchdog(o: { platform?: NodeJS.Platform; shell?: string } = {}): Watchdog {
  if ((o.platform ?? process.platform) === "win32") return { env: {}, watch: () => undefined, stop: () => undefined };
  const token = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const dog = spawn(o.shell ?? "/bin/sh", ["-c", WATCHDOG_SCRIPT, "berth-watchdog", token], { stdio: ["pipe", "ignore", "ignore"] });
  // Without sh CMD still runs, only unwatched; the pipe fails the same way.
  dog.on("error", () => undefined);
  dog.stdin?.on("error", () => undefined);
  // Neither keeps berth running: berth waits for CMD, not for its watchdog.
  dog.unref();
  (dog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    env: { [WATCH_VARIABLE]: token },
    // A few bytes into an empty pipe: written at once, before this returns.
    watch: (pid) => void dog.stdin?.write(`${pid}\n`),
    stop: () => {
      dog.kill("SIGKILL");
      dog.stdin?.destroy();
    },
  };
}
