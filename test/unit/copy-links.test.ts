/**
 * docker cp's -L and -a decisions in berth's copy: the engine's path stat read (directory, symlink
 * with its target, anything else), the followed source renamed to the link's name, and owner ids
 * written into the archive only when asked, through the in-memory runtime.
 */
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readPathStat } from "../../src/engine/archive.js";
import { LABEL } from "../../src/labels.js";
import { copyFromContainer, copyToContainer, followedPath, rebase } from "../../src/lifecycle/copy.js";
import { liveLabels } from "./support/acquire-harness.js";
import { MemoryRuntime } from "./support/memory-runtime.js";

const header = (stat: object) => Buffer.from(JSON.stringify(stat)).toString("base64");
const work = mkdtempSync(join(tmpdir(), "berth-copy-links-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function web(rt: MemoryRuntime) {
  return rt.seedContainer({ name: "t1-web-1", labels: { ...liveLabels("t1"), [LABEL.service]: "web", [LABEL.number]: "1" } });
}

describe("readPathStat", () => {
  it("tells a directory, a symlink with its target, and anything else by Go's mode bits", () => {
    expect(readPathStat(header({ name: "etc", mode: 0x80000000 | 0o755 }))).toEqual({ kind: "directory" });
    expect(readPathStat(header({ name: "l", mode: 0x8000000 | 0o777, linkTarget: "/etc/hosts" }))).toEqual({ kind: "symlink", linkTarget: "/etc/hosts" });
    expect(readPathStat(header({ name: "f", mode: 0o644 }))).toEqual({ kind: "other" });
    expect(readPathStat(undefined)).toEqual({ kind: "other" });
  });
});

describe("rebase", () => {
  it("renames the top entry and what is under it, and nothing that only shares its prefix", () => {
    const entries = [
      { path: "target", type: "directory" as const, mode: 0o755 },
      { path: "target/a", type: "file" as const, mode: 0o644 },
      { path: "targets", type: "file" as const, mode: 0o644 },
    ];
    expect(rebase(entries, "target", "link").map((e) => e.path)).toEqual(["link", "link/a", "targets"]);
    expect(entries[0]!.path).toBe("target"); // a copy: the engine's answer is left as it was
  });
});

describe("copy with -L and -a", () => {
  it("follows a source link only when asked, and copies its target out under the link's name", async () => {
    const rt = new MemoryRuntime();
    const c = web(rt);
    rt.links.set(`${c.id}:/www/link`, "/www/target.txt");
    rt.archives.set(`${c.id}:/www/target.txt`, [{ path: "target.txt", type: "file", mode: 0o644, data: Buffer.from("hi") }]);
    rt.archives.set(`${c.id}:/www/link`, [{ path: "link", type: "symlink", mode: 0o777, linkTarget: "/www/target.txt" }]);

    expect(await followedPath(rt, c.id, "/www/link")).toEqual({ path: "/www/target.txt", rename: "link" });
    expect(await followedPath(rt, c.id, "/www/target.txt")).toEqual({ path: "/www/target.txt" });

    await copyFromContainer(rt, "t1", "web", "/www/link", join(work, "out"), { followLink: true });
    await copyFromContainer(rt, "t1", "web", "/www/link", join(work, "kept-link"));
    expect(readFileSync(join(work, "out"), "utf8")).toBe("hi");
    expect(readlinkSync(join(work, "kept-link"))).toBe("/www/target.txt");
  });

  it("writes the host files' owner ids only with archive; -L reads through a host link", async () => {
    const rt = new MemoryRuntime();
    const c = web(rt);
    writeFileSync(join(work, "f.txt"), "x");
    symlinkSync(join(work, "f.txt"), join(work, "f-link"));
    const { uid, gid } = statSync(join(work, "f.txt"));

    await copyToContainer(rt, "t1", "web", join(work, "f.txt"), "/www/plain.txt");
    await copyToContainer(rt, "t1", "web", join(work, "f.txt"), "/www/owned.txt", { archive: true });
    await copyToContainer(rt, "t1", "web", join(work, "f-link"), "/www/as-link");
    await copyToContainer(rt, "t1", "web", join(work, "f-link"), "/www/as-file", { followLink: true });
    expect(rt.archives.get(`${c.id}:/www/plain.txt`)?.[0]).not.toHaveProperty("uid");
    expect(rt.archives.get(`${c.id}:/www/owned.txt`)?.[0]).toMatchObject({ uid, gid });
    expect(rt.archives.get(`${c.id}:/www/as-link`)?.[0]).toMatchObject({ type: "symlink", linkTarget: join(work, "f.txt") });
    expect(rt.archives.get(`${c.id}:/www/as-file`)?.[0]).toMatchObject({ type: "file", data: Buffer.from("x") });
  });
});
