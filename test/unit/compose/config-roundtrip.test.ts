/**
 * `berth config` prints a compose file that loads back to the same project: every corpus case
 * that loads (test/fixtures/compose) is rendered, written to a new directory and loaded again;
 * the two models must be equal apart from what the move changes by construction (the file list,
 * the project directory, which values count as secrets).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { loadProject, renderConfig } from "../../../src/compose/index.js";
import { splitShellWords } from "../../../src/compose/shell-words.js";
import { formatDuration } from "../../../src/compose/to-compose.js";
import { comparable, loadCase, projectDir } from "./conformance-helpers.js";

const ROOT = resolve(__dirname, "../../fixtures/compose");
const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(ROOT, d.name, "expected.json")))
  .map((d) => d.name)
  .sort();

describe("berth config round-trips through berth", () => {
  it("has cases", () => expect(cases.length).toBeGreaterThan(15));
  for (const name of cases) {
    it(name, async () => {
      const first = await loadCase(join(ROOT, name));
      const text = renderConfig(first, "yaml", { showSecrets: true });
      const dir = projectDir({ "compose.yaml": text });
      const second = await loadProject({ cwd: dir, env: { HOME: "/home/tester" }, ...(first.profiles ? { profiles: first.profiles } : {}) });
      expect(comparable(second)).toEqual(comparable(first));
    });
  }
});

describe("the default output is a compose file, not berth's model", () => {
  it("has spec keys only, and --resolved keeps the model", async () => {
    const dir = projectDir({
      "compose.yaml":
        "services:\n  db:\n    image: postgres\n    x-berth: {probe: pg}\n    healthcheck:\n      test: [CMD, pg_isready]\n      interval: 90s\n    stop_grace_period: 1500ms\n",
    });
    const p = await loadProject({ cwd: dir, env: {} });
    const doc = parse(renderConfig(p, "yaml"));
    expect(doc).toEqual({
      services: {
        db: { image: "postgres", "x-berth": { probe: "pg" }, healthcheck: { test: ["CMD", "pg_isready"], interval: "1m30s" }, stop_grace_period: "1500ms" },
      },
    });
    const resolved = JSON.parse(renderConfig(p, "json", { resolved: true }));
    expect(resolved.services.db.healthcheck.interval_ms).toBe(90_000);
    expect(resolved.files).toEqual([join(dir, "compose.yaml")]);
  });
  it.each([
    [0, "0s"],
    [1500, "1500ms"],
    [90_000, "1m30s"],
    [3_600_000, "1h"],
    [3_661_000, "1h1m1s"],
  ])("formats %i ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

/**
 * Keys of the spec that docker-compose v1 predates: removed before v1 reads berth's output,
 * since v1 would reject them (the test is about the rest of the file).
 */
const V1_UNKNOWN: [string, (v: Record<string, unknown>) => void][] = [
  [
    "depends_on.*.required, .restart",
    (s) => Object.values((s.depends_on ?? {}) as Record<string, Record<string, unknown>>).forEach((d) => (delete d.required, delete d.restart)),
  ],
  ["ports[].host_ip", (s) => ((s.ports ?? []) as Record<string, unknown>[]).forEach((p) => delete p.host_ip)],
  [
    "volumes[].bind.create_host_path",
    (s) =>
      ((s.volumes ?? []) as { bind?: Record<string, unknown> }[]).forEach((v) =>
        v.bind ? (delete v.bind.create_host_path, Object.keys(v.bind).length === 0 && delete v.bind) : undefined,
      ),
  ],
];

function findV1(): string | undefined {
  try {
    return /version 1\./.test(execFileSync("docker-compose", ["version"], { encoding: "utf8", stdio: "pipe" })) ? "docker-compose" : undefined;
  } catch {
    return undefined;
  }
}
const v1 = findV1();
const V1_ROOT = resolve(__dirname, "../../fixtures/compose-v1");

describe.skipIf(!v1)(`berth config output read by docker-compose v1 ${v1 ? "" : "(skipped: no docker-compose v1; apt-get install docker-compose)"}`, () => {
  for (const name of readdirSync(V1_ROOT).sort()) {
    it(name, async () => {
      const dir = join(V1_ROOT, name);
      const opts = existsSync(join(dir, "case.json")) ? JSON.parse(readFileSync(join(dir, "case.json"), "utf8")) : {};
      const env: Record<string, string> = { HOME: "/home/tester", PATH: process.env.PATH ?? "", ...opts.env };
      const files: string[] = opts.files ?? [];
      const p = await loadProject({ cwd: dir, env, ...(files.length ? { files } : {}) });
      const doc = parse(renderConfig(p, "yaml", { showSecrets: true })) as { services: Record<string, Record<string, unknown>> };
      for (const s of Object.values(doc.services)) for (const [, strip] of V1_UNKNOWN) strip(s);
      const out = projectDir({ "compose.yaml": stringify(doc, { version: "1.1" }) });
      const run = (args: string[], cwd: string) =>
        parse(execFileSync(v1!, [...args, "config"], { cwd, env, encoding: "utf8", stdio: "pipe" })) as { services: Record<string, Record<string, unknown>> };
      const fromOutput = run(["-f", join(out, "compose.yaml")], out);
      const fromOriginal = run(
        files.flatMap((f) => ["-f", f]),
        dir,
      );
      const words = (v: unknown) => (typeof v === "string" ? splitShellWords(v) : v);
      // v1 reads both to the same images, commands and environment.
      const pick = (d: typeof fromOutput) =>
        Object.fromEntries(
          Object.entries(d.services).map(([n, s]) => [
            n,
            { image: s.image, command: words(s.command), entrypoint: words(s.entrypoint), environment: s.environment },
          ]),
        );
      expect(pick(fromOutput)).toEqual(pick(fromOriginal));
    });
  }
});
