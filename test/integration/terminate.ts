import type { ChildProcess } from "node:child_process";

/** Sends SIGTERM to a child process this test started and waits until it has exited (nothing when it already has). */
export async function terminate(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once("exit", r));
  proc.kill("SIGTERM");
  await exited;
}
