/**
 * Shared environments: processes asking for the same configuration meet in one environment, which
 * survives the first release and goes with the last.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { engine, resourcesOf, root, stack } from "./helpers.js";

class Child {
  readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  constructor(file: string) {
    this.proc = spawn(process.execPath, [`${root}test/integration/shared-child.mjs`, file], { cwd: root, env: process.env });
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
});
