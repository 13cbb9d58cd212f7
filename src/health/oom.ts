/**
 * Whether the kernel killed a container's last run for lack of memory. The engine's flag alone
 * misses some: dockerd 20.10 sets it from the exit it handles and loses it when the kernel's OOM
 * notice arrives after the exit (several containers failing at once make that likely), so a run
 * that ended with 137 (SIGKILL) without the flag is looked up in the engine's event log.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { Runtime } from "../engine/runtime.js";
import type { CallOptions, ContainerState } from "../engine/types.js";

/**
 * `settleMs`: a run that ended less than this long ago and has no OOM event yet is asked about once
 * more when that time is up. The kernel's notice can reach the engine's log after the exit (seen in
 * CI: `berth troubleshoot` right after a failed `up`, on a loaded machine, found no event and
 * reported a plain SIGKILL). For readers that are asked for a verdict, not for speed.
 */
export async function killedForMemory(
  engine: Pick<Runtime, "oomEventSince">,
  id: string,
  s: Pick<ContainerState, "oomKilled" | "running" | "exitCode" | "startedAt" | "finishedAt">,
  options: CallOptions & { settleMs?: number } = {},
): Promise<boolean> {
  if (s.oomKilled) return true;
  const startedAt = Date.parse(s.startedAt ?? "");
  if (s.running || s.exitCode !== 137 || !Number.isFinite(startedAt)) return false;
  const { settleMs = 0, ...call } = options;
  if (await engine.oomEventSince(id, startedAt, call)) return true;
  const wait = Date.parse(s.finishedAt ?? "") + settleMs - Date.now();
  if (!(wait > 0)) return false;
  await delay(Math.min(wait, settleMs), undefined, call.signal ? { signal: call.signal } : undefined);
  return engine.oomEventSince(id, startedAt, call);
}
