/**
 * Safe by construction, on the real engine: reaping after SIGKILL with no further command,
 * conflicts with berth's own orphans resolved, foreign resources never touched (whatever their
 * names), fixed ports naming their holder, `berth clean`, Ctrl-C.
 */
import { execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createResolvingConflicts } from "../../src/cleanup/conflicts.js";
import type { ContainerCreateRequest } from "../../src/engine/types.js";
import { extraLabels, LABEL, projectLabels, type Lifetime } from "../../src/labels.js";
import { FOREIGN } from "./foreign-fixtures.js";
import { berth, engine, lastJson, resourcesOf, shopFile, uniqueName } from "./helpers.js";
import { caseEnv, caseResources, spawnAcquirer, tempDir, waitGone } from "./safety-helpers.js";

const TINY = `services:
  app:
    image: berth-fixtures/busybox:1
    init: true
    command: ["sleep", "3600"]
`;

const docker = (args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const exists = (kind: "container" | "network" | "volume", name: string) => {
  try {
    return execFileSync("docker", [kind, "inspect", "-f", kind === "volume" ? "{{.Name}}" : "{{.Id}}", name], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return undefined;
  }
};

/** A pid that certainly belonged to a process which has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "0"]);
  await new Promise((r) => child.on("exit", r));
  return child.pid!;
}

/** The labels of an environment `caseId` of this (live) test process, as berth puts them on what it creates. */
function ownLabels(caseId: string): Record<string, string> {
  return {
    ...extraLabels(caseEnv(caseId)),
    ...projectLabels({
      project: caseId,
      kind: "test",
      lifetime: "process",
      owner: { host: hostname(), pid: process.pid, started: Math.round(performance.timeOrigin) },
      createdAt: new Date(),
      configHash: "x",
      files: [],
      workingDir: "/",
    }),
  };
}

/** `docker create` of a container carrying berth's labels, as a killed berth process would have left it (or, given this pid, a live one's). */
async function strandedContainer(name: string, project: string, caseId: string, lifetime: Lifetime, pid?: number): Promise<string> {
  const labels = {
    ...extraLabels(caseEnv(caseId)),
    ...projectLabels({
      project,
      kind: "test",
      lifetime,
      owner: pid
        ? { host: hostname(), pid, started: Math.round(performance.timeOrigin) }
        : { host: hostname(), pid: await deadPid(), started: Date.now() - 60_000 },
      createdAt: new Date(Date.now() - 60_000),
      configHash: "x",
      files: [],
      workingDir: "/",
    }),
    [LABEL.service]: "app",
  };
  return docker([
    "create",
    "--init",
    "--name",
    name,
    ...Object.entries(labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]),
    "berth-fixtures/busybox:1",
    "sleep",
    "3600",
  ]);
}

describe("reaping: a killed owner leaves nothing, with no further command", () => {
  it("SIGKILL mid-acquire and after acquire of the example stack: all gone within 10 s", async () => {
    const e = await engine();
    const dir = tempDir("berth-safety-kill-");
    for (const when of ["mid-acquire", "after-acquire"] as const) {
      const caseId = uniqueName(`kill-${when}`);
      const a = spawnAcquirer(dir, shopFile, "hold", caseEnv(caseId));
      if (when === "mid-acquire") await a.waitFor((ev) => ev.type === "step" && ev.kind === "start-container" && ev.phase === "done");
      else await a.waitFor((ev) => ev.type === "acquired");
      expect((await caseResources(e, caseId)).length).toBeGreaterThan(1);
      a.child.kill("SIGKILL");
      await a.exited;
      const { left, elapsedMs } = await waitGone(e, caseId, 10_000);
      process.stderr.write(`[safety] SIGKILL ${when}: everything gone ${elapsedMs} ms after the kill\n`);
      expect(left, `left ${elapsedMs} ms after SIGKILL ${when}`).toEqual([]);
    }
  });
});

describe("foreign resources are never touched", () => {
  it("they exist throughout the run, and `clean --all` (even unscoped, as a dry run) never selects them", async () => {
    for (const c of FOREIGN.containers) expect(exists("container", c), c).toBeTruthy();
    for (const n of FOREIGN.networks) expect(exists("network", n), n).toBeTruthy();
    for (const v of FOREIGN.volumes) expect(exists("volume", v), v).toBeTruthy();
    const dry = await berth(["clean", "--all", "--dry-run", "--json"]);
    expect(dry.code, dry.stderr).toBe(0);
    const listed = (lastJson<{ removed: { name: string }[] }>(dry.stdout).removed ?? []).map((i) => i.name);
    for (const name of [...FOREIGN.containers, ...FOREIGN.networks, ...FOREIGN.volumes]) expect(listed).not.toContain(name);

    // A real `clean --all`, narrowed to this test's own environment so as not to take concurrent tests'.
    const caseId = uniqueName("clean-all");
    const dir = tempDir("berth-safety-clean-");
    writeFileSync(join(dir, "compose.yml"), TINY);
    const up = await berth(["up", "-f", join(dir, "compose.yml"), "-q"], { env: caseEnv(caseId) });
    expect(up.code, up.stderr).toBe(0);
    const before = FOREIGN.containers.map((c) => exists("container", c));
    const r = await berth(["clean", "--all", "--label", `dev.berth.test-case=${caseId}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Removed container ${up.stdout.trim()}-app-1`);
    expect(await caseResources(await engine(), caseId)).toEqual([]);
    expect(FOREIGN.containers.map((c) => exists("container", c))).toEqual(before);
  });

  it("a foreign container holding the name berth wants is left alone and the error names it", async () => {
    // Project "berth", service "shop" → berth wants container "berth-shop-1", which is foreign.
    const dir = tempDir("berth-safety-foreign-");
    writeFileSync(join(dir, "compose.yml"), TINY.replace("app:", "shop:"));
    const id = exists("container", "berth-shop-1");
    const r = await berth(["up", "-f", join(dir, "compose.yml"), "-p", "berth"], { env: caseEnv(uniqueName("foreign")) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('container name "berth-shop-1" is taken by container berth-shop-1');
    expect(r.stderr).toContain("which berth did not create");
    expect(exists("container", "berth-shop-1")).toBe(id);
    expect(await resourcesOf(await engine(), "berth")).toEqual([]);
  });
});

describe("conflicts with berth's own orphans", () => {
  it("a stale berth container of a dead owner holding the wanted name is removed and creation retried, with the cause logged", async () => {
    const e = await engine();
    const caseId = uniqueName("stale");
    const name = `${caseId}-app-1`;
    const staleId = await strandedContainer(name, `${caseId}-old`, caseId, "process");
    const labels = ownLabels(caseId);
    const req = {
      name,
      image: "berth-fixtures/busybox:1",
      labels,
      env: [],
      cmd: ["sleep", "3600"],
      init: true,
      exposedPorts: [],
      portBindings: {},
      mounts: [],
      runtime: {},
    } as unknown as ContainerCreateRequest;
    const causes: string[] = [];
    const id = await createResolvingConflicts(e, { kind: "container", name }, () => e.createContainer(req), { onRetry: (_n, cause) => causes.push(cause) });
    try {
      expect(causes).toEqual([`container name ${name} was held by an orphan of ${caseId}-old (owner-dead); removed it`]);
      expect(exists("container", staleId)).toBeUndefined();
      expect((await e.inspectContainer(id)).labels[LABEL.project]).toBe(caseId);
    } finally {
      await e.removeContainer(id, { force: true });
    }
  });

  it("a live berth environment's name is not taken: the error names the project and its owner", async () => {
    const e = await engine();
    const caseId = uniqueName("live");
    const name = `${caseId}-app-1`;
    const holder = await strandedContainer(name, `${caseId}-other`, caseId, "process", process.pid);
    try {
      const req = {
        name,
        image: "berth-fixtures/busybox:1",
        labels: {},
        env: [],
        exposedPorts: [],
        portBindings: {},
        mounts: [],
        runtime: {},
      } as unknown as ContainerCreateRequest;
      const err = await createResolvingConflicts(e, { kind: "container", name }, () => e.createContainer(req)).then(
        async (id) => (await e.removeContainer(id, { force: true }), new Error("created over a live environment's container")),
        (x: unknown) => x as Error,
      );
      expect(err.message).toContain(`is used by berth environment ${caseId}-other of pid ${process.pid}`);
    } finally {
      await e.removeContainer(holder, { force: true });
    }
  });

  it("berth up succeeds over a stale container of a dead owner with the name it wants", async () => {
    const caseId = uniqueName("stale-up");
    const staleId = await strandedContainer(`${caseId}-app-1`, caseId, caseId, "process");
    const dir = tempDir("berth-safety-stale-");
    writeFileSync(join(dir, "compose.yml"), TINY);
    const r = await berth(["up", "-f", join(dir, "compose.yml"), "-p", caseId, "-q"], { env: caseEnv(caseId) });
    try {
      expect(r.code, r.stderr).toBe(0);
      expect(exists("container", staleId)).toBeUndefined();
      expect(exists("container", `${caseId}-app-1`)).toBeTruthy();
    } finally {
      await berth(["down", caseId]);
    }
    expect(await caseResources(await engine(), caseId)).toEqual([]);
  });
});

describe("two removers of one container", () => {
  it("the second, told the removal is already in progress, returns once the container is gone", async () => {
    const e = await engine();
    const caseId = uniqueName("two-removers");
    const labels = ownLabels(caseId);
    const req = {
      name: `${caseId}-app-1`,
      image: "berth-fixtures/busybox:1",
      labels,
      env: [],
      // Ignores SIGTERM and has no init: a forced removal has to kill it, which takes a moment.
      cmd: ["sh", "-c", "trap '' TERM; while :; do sleep 1; done"],
      exposedPorts: [],
      portBindings: {},
      mounts: [],
      runtime: {},
    } as unknown as ContainerCreateRequest;
    const id = await e.createContainer(req);
    await e.startContainer(id);
    const first = e.removeContainer(id, { force: true });
    await new Promise((r) => setTimeout(r, 20));
    await Promise.all([first, e.removeContainer(id, { force: true })]);
    expect(exists("container", id)).toBeUndefined();
  });
});

describe("fixed ports", () => {
  it("a fixed port held by a plain process: the error names port and holder; with dynamic ports it succeeds", async () => {
    const holder = spawn(
      process.execPath,
      ["-e", "const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port));setInterval(()=>{},1e6)"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      const port = Number(await new Promise<string>((resolve) => holder.stdout.once("data", (d: Buffer) => resolve(d.toString().trim()))));
      const dir = tempDir("berth-safety-port-");
      const file = join(dir, "compose.yml");
      writeFileSync(
        file,
        `services:\n  web:\n    image: berth-fixtures/busybox:1\n    init: true\n    command: ["httpd", "-f", "-p", "8080"]\n    ports: ["127.0.0.1:${port}:8080"]\n`,
      );
      const caseId = uniqueName("port");
      const fixed = await berth(["up", "-f", file], { env: caseEnv(caseId, { BERTH_PORTS: "file" }) });
      expect(fixed.code).toBe(1);
      expect(fixed.stderr).toContain(`127.0.0.1:${port}`);
      expect(fixed.stderr).toContain(`pid ${holder.pid} (`);
      expect(await caseResources(await engine(), caseId)).toEqual([]);

      const dynamic = await berth(["up", "-f", file, "-q"], { env: caseEnv(caseId, { BERTH_PORTS: "dynamic" }) });
      expect(dynamic.code, dynamic.stderr).toBe(0);
      await berth(["down", dynamic.stdout.trim()]);
      expect(await caseResources(await engine(), caseId)).toEqual([]);
    } finally {
      holder.kill("SIGKILL");
    }
  });
});

describe("resource guards", () => {
  it("refuse before anything is created, saying what was measured and what to change", async () => {
    const dir = tempDir("berth-safety-guards-");
    const file = join(dir, "compose.yml");
    writeFileSync(file, TINY + TINY.replace("services:\n", "").replace("app:", "other:"));
    const caseId = uniqueName("guards");
    const capped = await berth(["up", "-f", file], { env: caseEnv(caseId, { BERTH_MAX_CONTAINERS: "1" }) });
    expect(capped.code).toBe(1);
    // It can never fit: refused at once rather than queued until its timeout (docs/guards.md).
    expect(capped.stderr).toMatch(/this environment alone has 2 containers, above the cap of 1 berth containers on this engine/);
    expect(capped.stderr).toContain("BERTH_MAX_CONTAINERS");
    const memory = await berth(["up", "-f", file], { env: caseEnv(caseId, { BERTH_MIN_FREE_MEMORY: "100000g" }) });
    expect(memory.code).toBe(1);
    expect(memory.stderr).toMatch(
      /not enough host memory: [\d.]+ GiB available, this environment declares 0 MiB of memory limits, and berth keeps 100000.0 GiB free/,
    );
    expect(await caseResources(await engine(), caseId)).toEqual([]);
  });
});

describe("berth clean", () => {
  it("removes orphans of dead owners; a dead owner's detached environment only with --older-than; --dry-run removes nothing", async () => {
    const caseId = uniqueName("clean");
    const orphan = await strandedContainer(`${caseId}-a-1`, `${caseId}-a`, caseId, "process");
    const detached = await strandedContainer(`${caseId}-b-1`, `${caseId}-b`, caseId, "detached");
    const scope = ["--label", `dev.berth.test-case=${caseId}`];

    try {
      const dry = await berth(["clean", "--dry-run", ...scope]);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toBe(`Would remove container ${caseId}-a-1 (environment ${caseId}-a: its owner process is gone)\n`);
      expect(exists("container", orphan)).toBeTruthy();

      const r = await berth(["clean", ...scope]);
      expect(r.stdout).toBe(`Removed container ${caseId}-a-1 (environment ${caseId}-a: its owner process is gone)\n`);
      expect(exists("container", orphan)).toBeUndefined();
      expect(exists("container", detached)).toBeTruthy();

      const old = await berth(["clean", "--older-than", "30s", ...scope]);
      expect(old.stdout).toBe(`Removed container ${caseId}-b-1 (environment ${caseId}-b: older than --older-than)\n`);
    } finally {
      // Whatever an assertion left: this test's own stranded containers, selected by its label.
      const e = await engine();
      for (const c of await e.listContainers({ "dev.berth.test-case": caseId })) await e.removeContainer(c.id, { force: true });
    }
    expect(await caseResources(await engine(), caseId)).toEqual([]);
  });
});

describe("Ctrl-C", () => {
  it("SIGINT during `berth up` of the example: everything released, exit 130", async () => {
    const caseId = uniqueName("sigint");
    let pid = 0;
    const run = berth(["up", "-f", shopFile, "--json"], { env: caseEnv(caseId), onSpawn: (p) => (pid = p) });
    const e = await engine();
    for (let i = 0; i < 200 && (await caseResources(e, caseId)).filter((x) => x.startsWith("container")).length < 2; i++)
      await new Promise((r) => setTimeout(r, 50));
    process.kill(pid, "SIGINT");
    const r = await run;
    expect(r.code).toBe(130);
    expect(await caseResources(e, caseId)).toEqual([]);
  });
});
