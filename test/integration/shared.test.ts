/**
 * Shared environments: processes asking for the same configuration meet in one environment, which
 * survives the first release and goes with the last.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { berth, engine, lastJson, resourcesOf, root, stack, uniqueName } from "./helpers.js";

class Child {
  readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  constructor(file: string, project?: string) {
    this.proc = spawn(process.execPath, [`${root}test/integration/shared-child.mjs`, file, ...(project ? [project] : [])], { cwd: root, env: process.env });
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
    this.proc.stderr.on("data", (d: Buffer) => process.stderr.write(d));
  }
  async next<T>(): Promise<T> {
    const r = await this.lines.next();
    if (r.done) throw new Error("child ended without answering");
    return JSON.parse(r.value) as T;
  }
  send(line: string): void {
    this.proc.stdin.write(`${line}\n`);
  }
}

describe("shared environments", () => {
  it("two processes get the same environment; it survives the first release and goes with the last", async () => {
    const file = stack("small.yml");
    const a = new Child(file);
    const first = await a.next<{ project: string; db: string }>();
    const b = new Child(file);
    const second = await b.next<{ project: string; db: string }>();
    const e = await engine();
    try {
      expect(first.project).toMatch(/^berth-dev-shared-[0-9a-f]{12}$/);
      expect(second.project).toBe(first.project);
      expect(second.db).toBe(first.db);

      a.send("release");
      expect(await a.next<{ released: boolean }>()).toEqual({ released: false });
      expect((await resourcesOf(e, first.project)).filter((r) => r.startsWith("container"))).toHaveLength(3);

      b.send("release");
      expect(await b.next<{ released: boolean }>()).toEqual({ released: true });
      expect(await resourcesOf(e, first.project)).toEqual([]);
    } finally {
      a.proc.kill();
      b.proc.kill();
      if ((await resourcesOf(e, first.project)).length) {
        const { releaseProject } = await import("../../src/index.js");
        await releaseProject(e, first.project);
      }
    }
  });

  it("a shared environment whose every user was killed is abandoned: clean removes it, and only it", async () => {
    const project = uniqueName("berth-abandoned");
    const only = ["--label", `dev.berth.project=${project}`];
    const e = await engine();
    const a = new Child(stack("small.yml"), project);
    try {
      await a.next();
      a.proc.kill("SIGKILL");
      await new Promise((r) => a.proc.once("exit", r));
      const dry = await berth(["clean", "--dry-run", "--json", ...only]);
      const listed = lastJson<{ removed: { kind: string; reason: string }[] }>(dry.stdout).removed;
      expect(listed.map((i) => i.reason)).toEqual(listed.map(() => "users-gone"));
      expect(listed.filter((i) => i.kind === "container")).toHaveLength(3);
      expect(listed.some((i) => i.kind === "volume")).toBe(true); // the dead user's lease
      const clean = await berth(["clean", ...only]);
      expect(clean.code, clean.stderr).toBe(0);
      expect(clean.stdout).toContain("a shared environment whose every user process is gone");
      expect(await resourcesOf(e, project)).toEqual([]);
    } finally {
      a.proc.kill("SIGKILL");
      await berth(["down", project]);
    }
  });

  it("`berth up` pins a shared environment: users' releases and clean leave it; `berth down` removes it", async () => {
    const project = uniqueName("berth-pinned");
    const e = await engine();
    try {
      const up = await berth(["up", "--env", "dev", "-p", project, "-f", stack("small.yml"), "-q"]);
      expect(up.code, up.stderr).toBe(0);
      const user = new Child(stack("small.yml"), project);
      expect((await user.next<{ project: string }>()).project).toBe(project);
      user.send("release");
      expect(await user.next<{ released: boolean }>()).toEqual({ released: false });
      const clean = await berth(["clean", "--label", `dev.berth.project=${project}`]);
      expect(clean.stdout).toContain("Nothing to clean.");
      expect((await resourcesOf(e, project)).filter((r) => r.startsWith("container"))).toHaveLength(3);
    } finally {
      const down = await berth(["down", project]);
      expect(down.code, down.stderr).toBe(0);
      expect(await resourcesOf(e, project)).toEqual([]);
    }
  });
});
