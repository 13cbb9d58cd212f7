/** Shared helpers for integration tests: run the real `berth` binary, inspect the real engine. */
import { spawn } from "node:child_process";
import { connectEngine } from "../../src/engine/connect.js";
import type { Engine } from "../../src/engine/engine.js";
import { managedFilter } from "../../src/labels.js";

export const root = new URL("../..", import.meta.url).pathname;
export const shopFile = `${root}examples/shop/compose.yml`;
export const stack = (name: string) => `${root}test/fixtures/stacks/${name}`;

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/bin/berth.js ...args` (the built binary, as users get it); `input`: its stdin, a pipe that ends after it. */
export function berth(
  args: string[],
  o: { env?: Record<string, string | undefined>; onSpawn?: (pid: number) => void; input?: string | Buffer } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${root}dist/bin/berth.js`, ...args], {
      cwd: root,
      env: { ...process.env, ...o.env },
      stdio: [o.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (o.input !== undefined) child.stdin?.end(o.input);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    if (child.pid) o.onSpawn?.(child.pid);
  });
}

/** The last JSON line a `--json` run printed. */
export function lastJson<T = Record<string, unknown>>(stdout: string): T {
  const lines = stdout
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("{"));
  return JSON.parse(lines[lines.length - 1] ?? "{}") as T;
}

export async function engine(): Promise<Engine> {
  return connectEngine({ env: process.env });
}

/** Everything on the engine that carries a project's labels. */
export async function resourcesOf(e: Engine, project: string): Promise<string[]> {
  const f = managedFilter(project);
  const [c, n, v] = await Promise.all([e.listContainers(f), e.listNetworks(f), e.listVolumes(f)]);
  return [...c.map((x) => `container ${x.name}`), ...n.map((x) => `network ${x.name}`), ...v.map((x) => `volume ${x.name}`)];
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
}
