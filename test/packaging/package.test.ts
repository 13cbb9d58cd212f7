/**
 * The package as a user gets it: `npm pack`, installed from the tarball into a fresh project (its
 * dependencies from the npm registry, or npm's cache when it has them), then used the ways users use
 * it — ES module import, CommonJS require (as Jest's CommonJS test files do), TypeScript under each
 * module resolution, `npx berth` — on Node 20, 22 and 24 (scripts/node-versions.mjs fetches the
 * other majors once per machine). No engine. BERTH_PACKAGE_TARBALL tests a tarball made elsewhere.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs helper shared with scripts/test-on-node.mjs (no declarations)
import { NODE_MAJORS, nodeBinary } from "../../scripts/node-versions.mjs";

const root = new URL("../..", import.meta.url).pathname;
const VERSION = (JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { version: string }).version;
const work = mkdtempSync(join(tmpdir(), "berth-package-"));
const consumer = join(work, "consumer");
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd = consumer, env: Record<string, string> = {}): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let tarball = process.env.BERTH_PACKAGE_TARBALL ?? "";
beforeAll(() => {
  if (!tarball) {
    const out = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], root)) as [{ filename: string }];
    tarball = join(work, out[0].filename);
  }
  run("mkdir", ["-p", consumer], work);
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball]);
}, 300_000);

describe("the published package", () => {
  it("holds only what users run: the bundles, their declarations, LICENSE, README, CHANGELOG", () => {
    const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((f) => f.replace(/^package\//, ""))
      .sort();
    for (const f of ["LICENSE", "README.md", "CHANGELOG.md", "package.json", "dist/bin/berth.js", "dist/cjs/index.js", "dist/esm/index.js"])
      expect(files).toContain(f);
    const unexpected = files.filter((f) => !/^(LICENSE|README\.md|CHANGELOG\.md|package\.json)$/.test(f) && !/^dist\/(bin|cjs|esm)\//.test(f));
    expect(unexpected).toEqual([]);
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(consumer, "node_modules/berth/package.json"), "utf8")) as Record<string, unknown>;
    for (const key of ["repository", "homepage", "bugs", "keywords", "license"]) expect(pkg[key], key).toBeDefined();
    // berth's code is ES modules: its CommonJS bundle (dependencies outside it) runs it strict too.
    expect(readFileSync(join(consumer, "node_modules/berth/dist/cjs/berth.js"), "utf8").split("\n")[0]).toBe('"use strict";');
  });

  it("types resolve under node16, nodenext and bundler, for import and require, without skipLibCheck", () => {
    const use = `
import { acquire, isBerthError, startStatusServer, type AcquireOptions, type Engine, type Environment } from "berth";
import { berthGlobalSetup, berthGlobalTeardown, environmentView } from "berth/jest";
const options: AcquireOptions = { files: ["compose.yml"] };
export async function use(engine?: Engine): Promise<string> {
  const env: Environment = await acquire(options);
  void engine; void startStatusServer; void berthGlobalSetup; void berthGlobalTeardown;
  try { return environmentView(env.toJSON() as never).project; } catch (e) { if (isBerthError(e)) return e.code; throw e; }
}
`;
    writeFileSync(join(consumer, "esm.mts"), use);
    writeFileSync(join(consumer, "cjs.cts"), use);
    const tsc = (module: string, resolution: string, files: string[]) =>
      run(process.execPath, [
        `${root}node_modules/typescript/bin/tsc`,
        "--noEmit",
        "--strict",
        "--skipLibCheck",
        "false",
        "--target",
        "es2022",
        "--module",
        module,
        "--moduleResolution",
        resolution,
        "--typeRoots",
        `${root}node_modules/@types`,
        "--types",
        "node",
        ...files,
      ]);
    for (const mode of ["node16", "nodenext"]) expect(tsc(mode, mode, ["esm.mts", "cjs.cts"])).toBe("");
    expect(tsc("esnext", "bundler", ["esm.mts"])).toBe("");
  });

  it.each(NODE_MAJORS as number[])("on Node %i: import and require reach the same module, the runner entries load, npx berth answers", (major) => {
    const node = nodeBinary(major) as string;
    const esm = run(node, [
      "--input-type=module",
      "-e",
      `
      import * as berth from "berth";
      import * as jest from "berth/jest";
      import * as vitest from "berth/vitest";
      import { createRequire } from "node:module";
      const required = createRequire(import.meta.url)("berth");
      console.log(JSON.stringify({
        node: process.versions.node.split(".")[0], version: berth.VERSION, same: berth.BerthError === required.BerthError && berth.acquire === required.acquire,
        names: Object.keys(berth).sort().join() === Object.keys(required).sort().join(),
        runners: typeof jest.berthGlobalSetup + typeof jest.berthGlobalTeardown + typeof vitest.berthGlobalSetup,
        pools: typeof jest.useBerthPoolEnvironment + typeof vitest.useBerthPoolEnvironment + typeof jest.berthEnvironment + typeof vitest.berthEnvironment,
        error: berth.isBerthError(new required.BerthError("USAGE", "x")),
      }));`,
    ]);
    expect(JSON.parse(esm)).toEqual({
      node: String(major),
      version: VERSION,
      same: true,
      names: true,
      runners: "functionfunctionfunction",
      pools: "functionfunctionfunctionfunction",
      error: true,
    });
    const cjs = run(node, [
      "-e",
      `
      const berth = require("berth"), jest = require("berth/jest"), vitest = require("berth/vitest");
      console.log(typeof berth.acquire, typeof jest.berthGlobalSetup, typeof vitest.environmentView, berth.VERSION);`,
    ]);
    expect(cjs).toBe(`function function function ${VERSION}\n`);
    // npx itself (npm, ~1 s of CPU) once, on this Node; the other Nodes run the same bin link.
    if (node === process.execPath) expect(run("npx", ["--no-install", "berth", "--version"])).toBe(`${VERSION}\n`);
    else expect(run(node, ["node_modules/.bin/berth", "--version"])).toBe(`${VERSION}\n`);
    expect(run(node, ["node_modules/.bin/berth", "config", "--help"])).toContain("Usage: berth config");
  });

  it("berth and berth/jest load in Jest's CommonJS runtime (a CommonJS test file, as ts-jest and most suites have)", () => {
    const dir = join(consumer, "jest-cjs");
    run("mkdir", ["-p", dir]);
    writeFileSync(
      join(dir, "berth.test.js"),
      `
const berth = require("berth");
const { berthGlobalSetup, berthGlobalTeardown, environmentView, berthEnvironment, useBerthPoolEnvironment } = require("berth/jest");
test("loads", () => {
  expect(typeof useBerthPoolEnvironment).toBe("function");
  expect(() => berthEnvironment({})).toThrow(/no berth environment/);
  expect(berth.isBerthError(new berth.BerthError("USAGE", "x"))).toBe(true);
  expect(typeof berthGlobalSetup({ files: ["compose.yml"] })).toBe("function");
  expect(typeof berthGlobalTeardown).toBe("function");
  expect(() => environmentView(undefined)).toThrow(/no berth environment/);
});`,
    );
    const r = spawnSync(process.execPath, [`${root}node_modules/jest/bin/jest.js`, "--rootDir", dir, "--ci"], { cwd: consumer, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("1 passed");
  });

  it("import('berth') leaves the status server's prom-client unloaded until it is used", () => {
    const out = run(process.execPath, [
      "--input-type=module",
      "-e",
      `
      import { createRequire } from "node:module";
      const cache = createRequire(import.meta.url).cache;
      const loaded = (name) => Object.keys(cache).some((f) => f.includes("/node_modules/" + name + "/"));
      const berth = await import("berth");
      const before = loaded("prom-client");
      const server = await berth.startStatusServer({ host: "127.0.0.1", port: 0, env: { DOCKER_HOST: "unix:///nonexistent/berth-test.sock" } });
      await server.close();
      console.log(JSON.stringify({ before, after: loaded("prom-client") }));`,
    ]);
    expect(JSON.parse(out)).toEqual({ before: false, after: true });
  });
});
