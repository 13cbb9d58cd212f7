/**
 * Whether the kernel killed a container's last run for lack of memory. The engine's flag alone
 * misses some: dockerd 20.10 sets it from the exit it handles and loses it when the kernel's OOM
 * notice arrives after the exit (several containers failing at once make that likely), so a run
 * that ended with 137 (SIGKILL) without the flag is looked up in the engine's event log.
 */
import type { Runtime } from "../engine/runtime.js";
import type { CallOptions, ContainerState } from "../engine/types.js";

export async function killedForMemory(
  engine: Runtime,
  id: string,
  s: Pick<ContainerState, "oomKilled" | "running" | "exitCode" | "startedAt">,
  options: CallOptions = {},
): Promise<boolean> {
  if (s.oomKilled) return true;
  const startedAt = Date.parse(s.startedAt ?? "");
  if (s.running || s.exitCode !== 137 || !Number.isFinite(startedAt)) return false;
  return engine.oomEventSince(id, startedAt, options);
}
