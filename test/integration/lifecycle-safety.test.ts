/**
 * Nothing lost, nothing leaked (issue 16, items 1, 3, 5), on the real engine: scaling a running
 * environment keeps its containers and their data; a changed data-holding container is recreated
 * only with --force-recreate and keeps its anonymous volume; an interrupted scale removes nothing
 * that existed before; status names a missing container; a half-made environment whose `up` and
 * reaper were killed together is reaped; `berth run`'s command does not outlive a killed berth.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { processStartMs } from "../../src/cleanup/process-liveness.js";
import { listEnvironments } from "../../src/lifecycle/status.js";
import { berth, engine, lastJson, resourcesOf, root, stack, uniqueName } from "./helpers.js";
import { caseEnv, caseResources, tempDir, waitGone } from "./safety-helpers.js";

const file = stack("data-scale.yml");
const docker = (args: string[]) => execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
const idOf = (name: string) => {
  try {
    return docker(["inspect", "-f", "{{.Id}}", name]);
  } catch {
    return undefined;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A berth process whose stdout lines (JSON events, or the command's output) can be awaited. */
function spawnBerth(args: string[], env: Record<string, string>, o: { detached?: boolean } = {}) {
  const child = spawn(process.execPath, [`${root}dist/bin/berth.js`, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: o.detached,
  });
  const lines: string[] = [];
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const waiters: { match: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  createInterface({ input: child.stdout }).on("line", (l) => {
    lines.push(l);
    for (const w of waiters.splice(0)) {
      if (w.match(l)) w.resolve(l);
      else waiters.push(w);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const line = (match: (l: string) => boolean) =>
    Promise.race([
      new Promise<string>((resolve) => {
        const seen = lines.find(match);
        if (seen) resolve(seen);
        else waiters.push({ match, resolve });
      }),
      exited.then((code) => Promise.reject(new Error(`berth exited (${code}) first: ${stderr.slice(-2000)}`))),
    ]);
  return { child, line, exited, stderr: () => stderr };
}

const stepDone = (kind: string, service: string) => (l: string) =>
  l.includes('"type":"step"') && l.includes(`"kind":"${kind}"`) && l.includes(`"service":"${service}"`) && l.includes('"phase":"done"');

function alive(pid: number): boolean {
  return processStartMs(pid) != null;
}

describe("changing a running environment keeps what it holds", () => {
  it("--scale keeps db-1 and its data; a changed data-holding container needs --force-recreate, which keeps its anonymous volume", async () => {
    const p = uniqueName("scale");
    const up = (args: string[] = [], env: Record<string, string> = {}) => berth(["up", "-p", p, "-f", file, "--json", ...args], { env });
    try {
      const first = await up();
      expect(first.code, first.stderr).toBe(0);
      const id1 = idOf(`${p}-db-1`);
      docker(["exec", `${p}-db-1`, "sh", "-c", "echo kept > /data/f"]);

      const scaled = await up(["--scale", "db=2"]);
      expect(scaled.code, scaled.stderr).toBe(0);
      expect(idOf(`${p}-db-1`), "db-1 was recreated by a scale change").toBe(id1);
      expect(docker(["exec", `${p}-db-1`, "cat", "/data/f"])).toBe("kept");
      expect(idOf(`${p}-db-2`)).toBeTruthy();

      const refused = await up(["--scale", "db=2"], { DB_MODE: "two" });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("--force-recreate");
      expect(refused.stderr).toContain(`${p}-db-1 (service db): anonymous volume at /data`);
      expect(idOf(`${p}-db-1`), "a refused recreate changed nothing").toBe(id1);

      const forced = await up(["--scale", "db=2", "--force-recreate"], { DB_MODE: "two" });
      expect(forced.code, forced.stderr).toBe(0);
      expect(idOf(`${p}-db-1`)).not.toBe(id1);
      expect(docker(["exec", `${p}-db-1`, "sh", "-c", "echo $MODE; cat /data/f"])).toBe("two\nkept");
    } finally {
      await berth(["down", p]);
    }
    expect(await resourcesOf(await engine(), p)).toEqual([]);
  });

  it("an interrupted scale-up (SIGINT, SIGKILL) removes nothing that existed before it", async () => {
    const p = uniqueName("scale-kill");
    try {
      const first = await berth(["up", "-p", p, "-f", file, "--json"]);
      expect(first.code, first.stderr).toBe(0);
      const before = { db: idOf(`${p}-db-1`), app: idOf(`${p}-app-1`) };
      for (const signal of ["SIGINT", "SIGKILL"] as const) {
        const run = spawnBerth(["up", "-p", p, "-f", file, "--json", "--scale", "db=3"], {});
        await run.line(stepDone("create-container", "db"));
        run.child.kill(signal);
        await run.exited;
        // SIGINT rolls back before exiting; after SIGKILL the reaper removes what the killed `up` created.
        for (let i = 0; i < 150 && (idOf(`${p}-db-2`) || idOf(`${p}-db-3`)); i++) await sleep(100);
        expect(idOf(`${p}-db-2`), `db-2 left after ${signal}`).toBeUndefined();
        expect(idOf(`${p}-db-1`), `db-1 lost after ${signal}`).toBe(before.db);
        expect(idOf(`${p}-app-1`), `app-1 lost after ${signal}`).toBe(before.app);
        expect(docker(["inspect", "-f", "{{.State.Running}}", `${p}-db-1`])).toBe("true");
      }
    } finally {
      await berth(["down", p]);
    }
  });

  it("status names a service that lost its container instead of looking healthy", async () => {
    const p = uniqueName("missing");
    try {
      const first = await berth(["up", "-p", p, "-f", file, "--json"]);
      expect(first.code, first.stderr).toBe(0);
      docker(["rm", "-f", "-v", `${p}-db-1`]);
      const json = await berth(["status", p, "--json", "--no-stats"]);
      expect(json.code, json.stderr).toBe(0);
      const [env] = lastJson<{ environments: { missing?: unknown[] }[] }>(json.stdout).environments;
      expect(env?.missing).toEqual([{ service: "db", expected: 1, found: 0 }]);
      const text = await berth(["status", p, "--no-stats"]);
      expect(text.stdout).toMatch(/db\s+MISSING \(0 of 1 container\)/);
    } finally {
      await berth(["down", p]);
    }
    expect(await resourcesOf(await engine(), p)).toEqual([]);
  });
});

/** The pid of each reaper recorded in `dir` (`<key>.pid` holds its JSON record). */
function reaperPids(dir: string): number[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".pid"))
    .map((f) => (JSON.parse(readFileSync(join(dir, f), "utf8")) as { pid: number }).pid);
}

describe("a half-made environment whose `up` and reaper were killed together", () => {
  it("shows never-started containers as STOPPED (not started), and is reaped by `clean`; a completed one is not", async () => {
    const caseId = uniqueName("half-made");
    const reapers = tempDir("berth-half-made-");
    const env = caseEnv(caseId, { BERTH_REAPER_DIR: reapers, DB_DELAY: "60" });
    const scope = ["--label", `dev.berth.test-case=${caseId}`];
    const done = `${caseId}-done`;
    const half = `${caseId}-half`;
    let run: ReturnType<typeof spawnBerth> | undefined;
    try {
      const completed = await berth(["up", "-p", done, "-f", file, "--json"], { env: { ...env, DB_DELAY: "0" } });
      expect(completed.code, completed.stderr).toBe(0);

      // Its own process group, as a CI job's: killed as a whole, with the reaper (its own session) at the same moment.
      run = spawnBerth(["up", "-p", half, "-f", file, "--json"], env, { detached: true });
      await run.line(stepDone("create-container", "app"));
      const alivePending = await berth(["clean", "--dry-run", ...scope], { env });
      expect(alivePending.stdout, "an environment whose `up` is alive is not selected").toBe("Nothing would be removed.\n");
      let pids: number[] = [];
      for (let i = 0; i < 50 && (pids = reaperPids(reapers)).length === 0; i++) await sleep(100);
      expect(pids.length).toBeGreaterThan(0);
      process.kill(-run.child.pid!, "SIGKILL");
      for (const pid of pids) process.kill(pid, "SIGKILL");
      await run.exited;
      await sleep(2000); // nothing reaps it now: no owner, no reaper

      const e = await engine();
      const [listed] = await listEnvironments(e, { project: half });
      const app = listed?.services.app?.containers[0];
      expect(app?.state).toBe("STOPPED");
      expect(app?.notStarted).toBe(true);
      expect(app?.exitCode).toBeUndefined();
      expect((await resourcesOf(e, half)).length).toBeGreaterThan(0);

      const dry = await berth(["clean", "--dry-run", ...scope], { env });
      expect(dry.stdout).toContain(`(environment ${half}: its \`up\` was killed with its reaper before the environment was complete)`);
      expect(dry.stdout).not.toContain(done);
      const cleaned = await berth(["clean", ...scope], { env });
      expect(cleaned.code, cleaned.stderr).toBe(0);
      expect(await resourcesOf(e, half)).toEqual([]);
      expect((await resourcesOf(e, done)).length, "a completed detached environment stays").toBeGreaterThan(0);
      // The killed owner's pending file, which no reaper will ever remove, goes too.
      expect(readdirSync(reapers).filter((f) => f.includes(".pending-"))).toEqual([]);
    } finally {
      if (run?.child.pid) killQuietly(-run.child.pid);
      await berth(["down", half], { env });
      await berth(["down", done], { env });
    }
    expect(await caseResources(await engine(), caseId)).toEqual([]);
  });

  it("is reaped by the next berth command's orphan sweep", async () => {
    const caseId = uniqueName("half-made-sweep");
    const reapers = tempDir("berth-half-made-");
    const env = caseEnv(caseId, { BERTH_REAPER_DIR: reapers, DB_DELAY: "60" });
    const half = `${caseId}-half`;
    const run = spawnBerth(["up", "-p", half, "-f", file, "--json"], env, { detached: true });
    try {
      await run.line(stepDone("create-container", "app"));
      let pids: number[] = [];
      for (let i = 0; i < 50 && (pids = reaperPids(reapers)).length === 0; i++) await sleep(100);
      process.kill(-run.child.pid!, "SIGKILL");
      for (const pid of pids) process.kill(pid, "SIGKILL");
      await run.exited;
      expect((await resourcesOf(await engine(), half)).length).toBeGreaterThan(0);
      const r = await berth(["status", "--no-stats"], { env }); // any command that touches the engine sweeps first
      expect(r.code, r.stderr).toBe(0);
      expect(await resourcesOf(await engine(), half)).toEqual([]);
    } finally {
      if (run.child.pid) killQuietly(-run.child.pid);
      await berth(["down", half], { env });
    }
  });
});

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // gone
  }
}

describe("berth run's command does not outlive berth", () => {
  const CHILD = "console.log(process.env.BERTH_PROJECT + ' ' + process.pid); setInterval(() => {}, 1000)";

  it("SIGKILL of berth run: its command is stopped and the environment removed", async () => {
    const caseId = uniqueName("run-kill");
    const run = spawnBerth(["run", "-f", file, "-q", "--", "node", "-e", CHILD], caseEnv(caseId));
    let childPid = 0;
    try {
      const [, pid] = (await run.line((l) => /^berth-test-\S+ \d+$/.test(l))).split(" ");
      childPid = Number(pid);
      expect(alive(childPid)).toBe(true);
      run.child.kill("SIGKILL");
      await run.exited;
      for (let i = 0; i < 150 && alive(childPid); i++) await sleep(100);
      expect(alive(childPid), "the command still runs after berth run was killed").toBe(false);
      const { left } = await waitGone(await engine(), caseId, 15_000);
      expect(left).toEqual([]);
    } finally {
      if (childPid) killQuietly(childPid);
    }
  });

  it("SIGTERM to berth run: forwarded to the command as SIGTERM, and the environment released", async () => {
    const caseId = uniqueName("run-term");
    const marks = tempDir("berth-run-term-");
    const mark = join(marks, "got");
    const child = `const fs = require("fs");
      for (const s of ["SIGTERM", "SIGINT"]) process.on(s, () => { fs.writeFileSync(${JSON.stringify(mark)}, s); process.exit(0); });
      ${CHILD}`;
    const run: { child: ChildProcess } & ReturnType<typeof spawnBerth> = spawnBerth(["run", "-f", file, "-q", "--", "node", "-e", child], caseEnv(caseId));
    await run.line((l) => /^berth-test-\S+ \d+$/.test(l));
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(130);
    expect(readFileSync(mark, "utf8")).toBe("SIGTERM");
    expect(await caseResources(await engine(), caseId)).toEqual([]);
  });
});
