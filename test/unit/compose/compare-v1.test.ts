/**
 * Agreement with Debian's docker-compose v1 (`docker-compose config`, which needs no engine):
 * for each case under test/fixtures/compose-v1 — files v1 understands — berth's normalized
 * model and v1's output, both reduced to the fields that matter (images, commands, env,
 * ports, volumes, depends_on conditions, health checks, limits), must be equal.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadProject } from "../../../src/compose/index.js";
import type { ProjectSpec } from "../../../src/compose/index.js";
import { parseDuration } from "../../../src/compose/duration.js";
import { parsePortShort } from "../../../src/compose/ports.js";
import { splitShellWords } from "../../../src/compose/shell-words.js";
import { parseBytes } from "../../../src/compose/units.js";
import { parseVolumeShort } from "../../../src/compose/volume-syntax.js";

const ROOT = resolve(__dirname, "../../fixtures/compose-v1");

function findV1(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const p = join(dir, "docker-compose");
    if (!existsSync(p)) continue;
    try {
      if (/version 1\./.test(execFileSync(p, ["version"], { encoding: "utf8" }))) return p;
    } catch {
      // not runnable: keep looking
    }
  }
  return undefined;
}

const v1 = findV1();
const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

type Comparable = Record<string, unknown>;

const portKey = (p: { host_ip?: string; published?: string | number; target: number; protocol?: string }) =>
  `${p.host_ip ?? ""}:${p.published ?? ""}:${p.target}/${p.protocol ?? "tcp"}`;

function fromBerth(p: ProjectSpec): Record<string, Comparable> {
  const out: Record<string, Comparable> = {};
  for (const [name, s] of Object.entries(p.services)) {
    out[name] = {
      image: s.image,
      build: s.build?.context,
      command: s.command,
      entrypoint: s.entrypoint,
      environment: s.environment,
      ports: s.ports.map(portKey).sort(),
      volumes: s.volumes.map((v) => `${v.type}:${v.source ?? ""}:${v.target}:${v.read_only ? "ro" : "rw"}`).sort(),
      depends_on: Object.fromEntries(Object.entries(s.depends_on).map(([k, d]) => [k, d.condition])),
      healthcheck: s.healthcheck && {
        test: s.healthcheck.test,
        interval: s.healthcheck.interval_ms,
        timeout: s.healthcheck.timeout_ms,
        retries: s.healthcheck.retries,
        start_period: s.healthcheck.start_period_ms,
      },
      mem_limit: s.mem_limit,
      cpus: s.cpus,
      logging: s.logging,
      deploy_limits: s.deploy?.resources?.limits,
    };
  }
  return out;
}

interface V1Port {
  host_ip?: string;
  published?: string | number;
  target: number;
  protocol?: string;
}

interface V1Volume {
  type: string;
  source?: string;
  target: string;
  read_only?: boolean;
}

/** A service of v1's `config` output, the fields compared here. */
interface V1Service {
  image?: string;
  build?: { context?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null>;
  ports?: (string | number | V1Port)[];
  volumes?: (string | V1Volume)[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string | string[]; interval?: string; timeout?: string; retries?: number; start_period?: string };
  mem_limit?: string | number;
  cpus?: number;
  logging?: unknown;
  deploy?: { resources?: { limits?: { cpus?: string | number; memory?: string | number } } };
}

// v1 prints a mix of short and long syntaxes; berth's own parsers turn them into one form.
function fromV1(doc: { services: Record<string, V1Service> }, dir: string): Record<string, Comparable> {
  const out: Record<string, Comparable> = {};
  for (const [name, s] of Object.entries(doc.services)) {
    const hc = s.healthcheck;
    const cmd = (c: unknown) => (c === undefined ? undefined : typeof c === "string" ? splitShellWords(c) : c);
    const limits = s.deploy?.resources?.limits;
    out[name] = {
      image: s.image,
      build: s.build?.context,
      command: cmd(s.command),
      entrypoint: cmd(s.entrypoint),
      // v1 prints `$` escaped as `$$` so that its output can be loaded again.
      environment: Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, v === null ? null : String(v).replaceAll("$$", "$")])),
      ports: (s.ports ?? [])
        .flatMap((p): V1Port[] =>
          typeof p === "object" ? [{ ...p, published: p.published === undefined ? undefined : String(p.published) }] : parsePortShort(p),
        )
        .map(portKey)
        .sort(),
      volumes: (s.volumes ?? [])
        .map((v) => (typeof v === "string" ? parseVolumeShort(v) : v))
        .map((v) => `${v.type}:${v.source ? (v.type === "bind" ? resolve(dir, v.source) : v.source) : ""}:${v.target}:${v.read_only ? "ro" : "rw"}`)
        .sort(),
      depends_on: Object.fromEntries(Object.entries(s.depends_on ?? {}).map(([k, d]) => [k, d.condition])),
      healthcheck: hc && {
        test: typeof hc.test === "string" ? ["CMD-SHELL", hc.test] : hc.test,
        interval: hc.interval && parseDuration(hc.interval),
        timeout: hc.timeout && parseDuration(hc.timeout),
        retries: hc.retries,
        start_period: hc.start_period && parseDuration(hc.start_period),
      },
      mem_limit: s.mem_limit === undefined ? undefined : parseBytes(s.mem_limit),
      cpus: s.cpus,
      logging: s.logging,
      deploy_limits: limits && {
        ...limits,
        ...(limits.cpus !== undefined ? { cpus: Number(limits.cpus) } : {}),
        ...(limits.memory !== undefined ? { memory: parseBytes(limits.memory) } : {}),
      },
    };
  }
  return out;
}

function clean(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

describe.skipIf(!v1)(`agreement with docker-compose v1 ${v1 ? "" : "(skipped: no docker-compose v1 binary on PATH; apt-get install docker-compose)"}`, () => {
  for (const name of cases) {
    it(name, async () => {
      const dir = join(ROOT, name);
      const opts = existsSync(join(dir, "case.json")) ? JSON.parse(readFileSync(join(dir, "case.json"), "utf8")) : {};
      const env: Record<string, string> = { HOME: "/home/tester", PATH: process.env.PATH ?? "", ...opts.env };
      const files: string[] = opts.files ?? [];
      const text = execFileSync(v1!, [...files.flatMap((f) => ["-f", f]), "config"], { cwd: dir, env, encoding: "utf8" });
      const theirs = fromV1(parse(text), dir);
      const ours = fromBerth(await loadProject({ cwd: dir, env, ...(files.length ? { files } : {}) }));
      expect(clean(ours)).toEqual(clean(theirs));
    });
  }
});
