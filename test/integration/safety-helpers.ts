/** Shared by the safety tests: a child process that acquires through the API, and label-scoped checks. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Engine } from "../../src/engine/engine.js";
import { LABEL } from "../../src/labels.js";
import { root } from "./helpers.js";

export const CASE_LABEL = "dev.berth.test-case";

const CHILD = `
import { acquire } from ${JSON.stringify(`${root}dist/index.js`)};
const [file, mode] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\\n");
const env = await acquire({ files: [file], onEvent: (e) => out(e) });
out({ type: "acquired", project: env.project });
if (mode === "release") { await env.release(); out({ type: "released" }); process.exit(0); }
setInterval(() => {}, 60_000);
`;

const made: string[] = [];
/** A temporary directory, removed when the test file's worker exits. */
export function tempDir(prefix: string): string {
  if (made.length === 0) process.once("exit", () => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A unique label value for one test case, added to the run's BERTH_LABELS. */
export function caseEnv(caseId: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, BERTH_LABELS: `${process.env.BERTH_LABELS ?? ""},${CASE_LABEL}=${caseId}` };
}

export interface Acquirer {
  child: ChildProcess;
  events: Record<string, unknown>[];
  /** Resolves with the first event matching, or rejects when the child exits first. */
  waitFor(match: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

/** Starts `node <script> file mode`: acquires through berth's API, prints its events as JSON lines. */
export function spawnAcquirer(dir: string, file: string, mode: "hold" | "release", env: Record<string, string>): Acquirer {
  const script = join(dir, "acquirer.mjs");
  writeFileSync(script, CHILD);
  const child = spawn(process.execPath, [script, file, mode], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const events: Record<string, unknown>[] = [];
  const waiters: { match: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on("line", (line) => {
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    events.push(e);
    for (const w of waiters.splice(0)) {
      if (w.match(e)) w.resolve(e);
      else waiters.push(w);
    }
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`acquirer exited (${code}) before the awaited event; stderr: ${stderr.slice(-2000)}`));
      resolve(code);
    }),
  );
  return {
    child,
    events,
    exited,
    waitFor: (match) => {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => waiters.push({ match, resolve, reject }));
    },
  };
}

/** Everything carrying the test case's label: containers, networks, volumes. */
export async function caseResources(e: Engine, caseId: string): Promise<string[]> {
  const f = { [LABEL.managed]: "true", [CASE_LABEL]: caseId };
  const [c, n, v] = await Promise.all([e.listContainers(f), e.listNetworks(f), e.listVolumes(f)]);
  return [...c.map((x) => `container ${x.name}`), ...n.map((x) => `network ${x.name}`), ...v.map((x) => `volume ${x.name}`)];
}

/** Polls until nothing of the case is left or `ms` pass; returns what is left and how long it took. */
export async function waitGone(e: Engine, caseId: string, ms: number): Promise<{ left: string[]; elapsedMs: number }> {
  const t0 = Date.now();
  for (;;) {
    const left = await caseResources(e, caseId);
    if (left.length === 0 || Date.now() - t0 > ms) return { left, elapsedMs: Date.now() - t0 };
    await new Promise((r) => setTimeout(r, 100));
  }
}
