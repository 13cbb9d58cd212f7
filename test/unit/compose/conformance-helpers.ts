/** Shared by the conformance tests: temporary projects, a comparable model, a printed summary. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { isBerthError } from "../../../src/errors.js";
import { loadProject, type ProjectSpec } from "../../../src/compose/index.js";

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

export function projectDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "berth-conf-"));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/**
 * The model without what differs by construction (file list, name), or the problems as
 * "path: message" without positions (the cases put the same key on different lines).
 */
export async function modelOrProblems(p: Promise<ProjectSpec>): Promise<unknown> {
  try {
    const { files: _f, name: _n, ...rest } = await p;
    void _f;
    void _n;
    return rest;
  } catch (e) {
    if (isBerthError(e, "COMPOSE_INVALID"))
      return { problems: [...new Set(e.problems.map((x) => `${x.path ?? ""}: ${x.message}`.replace(/\/tmp\/berth-conf-\w+/g, ".")))].sort() };
    throw e;
  }
}

/** Counts agreements and prints one line per table after its tests ran. */
export function conformanceSummary(table: string) {
  const results = new Map<string, boolean>();
  return {
    record: (name: string, agreed: boolean) => results.set(name, agreed),
    print: () => {
      const agreed = [...results.values()].filter(Boolean).length;
      const differ = [...results].filter(([, ok]) => !ok).map(([n]) => n);
      console.log(`conformance: ${table}: ${results.size} cases, ${agreed} agree${differ.length ? `; differ: ${differ.join(", ")}` : ""}`);
    },
  };
}

/** Loads a corpus case (test/fixtures/compose/<case>) with the options of its case.json. */
export function loadCase(dir: string): Promise<ProjectSpec> {
  const optsFile = join(dir, "case.json");
  const opts: { files?: string[]; env?: Record<string, string>; envFiles?: string[]; profiles?: string[]; projectName?: string; cwd?: string } = existsSync(
    optsFile,
  )
    ? JSON.parse(readFileSync(optsFile, "utf8"))
    : {};
  return loadProject({
    cwd: opts.cwd ? join(dir, opts.cwd) : dir,
    env: { HOME: "/home/tester", ...opts.env },
    ...(opts.files ? { files: opts.files } : {}),
    ...(opts.envFiles ? { envFiles: opts.envFiles } : {}),
    ...(opts.profiles ? { profiles: opts.profiles } : {}),
    ...(opts.projectName ? { projectName: opts.projectName } : {}),
  });
}

/**
 * The model without what a re-load of `berth config` output from another directory changes by
 * construction (the file list, the project directory, which values count as secrets).
 */
export function comparable(p: ProjectSpec): unknown {
  const { files: _f, working_dir: _w, profiles: _p, ...rest } = p;
  void _f;
  void _w;
  void _p;
  const services = Object.fromEntries(Object.entries(p.services).map(([n, s]) => [n, { ...s, secret_env_keys: undefined }]));
  return JSON.parse(JSON.stringify({ ...rest, services }));
}
