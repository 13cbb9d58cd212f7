/**
 * The `x-berth` extension of a service: how berth decides it is ready. Docker Compose ignores `x-`
 * keys, so a file that uses them stays valid for it.
 *
 *   x-berth:
 *     ready:                       # one probe, a list (all must pass), or { all: [...] } / { any: [...] }
 *       - tcp: 5432                # or { port: 5432, from: network | host }
 *       - http: { port: 3000, path: /health, status: 200, body: "ok" }
 *       - log: "ready to accept connections"   # or { pattern, count }
 *       - exec: ["pg_isready", "-q"]           # or a shell string
 *       - healthcheck              # the service's (or image's) own healthcheck
 *       - completed                # a one-shot job: exited 0
 *     timeout: 30s                 # this service's own deadline, from when berth starts waiting
 *
 * Pure: parsing and validation only, with errors that name the service and the key.
 */
import { z } from "zod";
import type { ServiceSpec } from "../compose/model.js";
import { parseDuration } from "../compose/duration.js";
import { BerthError, isBerthError, type SourceProblem } from "../errors.js";
import type { Probe, Readiness, ReadinessSpec } from "./probe-model.js";

export type { Probe, ProbeFrom, ProbeInput, Readiness, ReadinessInput, ReadinessSpec, ServiceReadinessInput, StatusMatch } from "./probe-model.js";
export { describeProbe, describeReadiness, probesOf } from "./probe-model.js";

const port = z.number().int().min(1).max(65535);
const from = z.enum(["host", "network"]).default("network");
const status = z.union([z.number().int().min(100).max(599), z.string().regex(/^[1-5]xx$/, "a status code or a class such as 2xx")]);
const duration = z.union([z.number().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === "number") return v;
  const ms = parseDuration(v);
  if (ms === undefined) ctx.addIssue({ code: "custom", message: `"${v}" is not a duration (use 500ms, 10s, 1m30s)` });
  return ms ?? 0;
});
const regex = z
  .string()
  .min(1)
  .refine((s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  }, "not a valid regular expression");
const command = z.union([
  z
    .string()
    .min(1)
    .transform((s) => ["/bin/sh", "-c", s]),
  z.array(z.string()).min(1),
]);

const ProbeSchema: z.ZodType<Probe, unknown> = z.union([
  z.enum(["healthcheck", "running", "completed"]).transform((kind) => ({ kind })),
  z.strictObject({ healthcheck: z.literal(true) }).transform(() => ({ kind: "healthcheck" as const })),
  z.strictObject({ completed: z.literal(true) }).transform(() => ({ kind: "completed" as const })),
  z.strictObject({ running: z.literal(true) }).transform(() => ({ kind: "running" as const })),
  z
    .strictObject({ tcp: z.union([port.transform((p) => ({ port: p, from: "network" as const })), z.strictObject({ port, from })]) })
    .transform(({ tcp }) => ({ kind: "tcp" as const, ...tcp })),
  z
    .strictObject({
      http: z.strictObject({
        port,
        path: z.string().startsWith("/").default("/"),
        scheme: z.enum(["http", "https"]).default("http"),
        status: z.union([status, z.array(status).min(1)]).default("2xx"),
        body: regex.optional(),
        from,
      }),
    })
    .transform(({ http }) => ({ kind: "http" as const, ...http, status: Array.isArray(http.status) ? http.status : [http.status] })),
  z
    .strictObject({
      log: z.union([regex.transform((pattern) => ({ pattern, count: 1 })), z.strictObject({ pattern: regex, count: z.number().int().min(1).default(1) })]),
    })
    .transform(({ log }) => ({ kind: "log" as const, ...log })),
  z
    .strictObject({
      exec: z.union([command.transform((c) => ({ command: c, timeout: 10_000 })), z.strictObject({ command, timeout: duration.default(10_000) })]),
    })
    .transform(({ exec }) => ({ kind: "exec" as const, command: exec.command, timeoutMs: exec.timeout })),
]);

const ReadinessSchema: z.ZodType<Readiness, unknown> = z.lazy(() =>
  z.union([
    z
      .array(ReadinessSchema)
      .min(1)
      .transform((of) => (of.length === 1 ? of[0]! : { kind: "all" as const, of })),
    z.strictObject({ all: z.array(ReadinessSchema).min(1) }).transform(({ all }) => ({ kind: "all" as const, of: all })),
    z.strictObject({ any: z.array(ReadinessSchema).min(1) }).transform(({ any }) => ({ kind: "any" as const, of: any })),
    ProbeSchema.transform((probe) => ({ kind: "probe" as const, probe })),
  ]),
);

const XBerthSchema = z.strictObject({
  ready: ReadinessSchema.optional(),
  timeout: duration.optional(),
});

const READY_HINT =
  'x-berth.ready takes probes such as `tcp: 5432`, `http: { port: 3000, path: /health }`, `log: "ready"`, `exec: [cmd]`, `healthcheck`, `completed`, a list of them (all must pass) or { any: [...] }; see README "Readiness".';

interface Issue {
  code?: string;
  path: PropertyKey[];
  message: string;
  errors?: Issue[][];
}

/** How many leading keys of `path` the input actually has: the alternative the user meant writes them. */
function matched(input: unknown, path: string[]): number {
  let n = 0;
  let at = input;
  for (const key of path) {
    if (typeof at !== "object" || at === null || !(key in at)) break;
    at = (at as Record<string, unknown>)[key];
    n++;
  }
  return n;
}

/**
 * A union's "invalid input" says nothing about which key is wrong: report the issues of the
 * alternative that matches most of what was written (then the deepest), e.g. `http.port` rather
 * than the whole rule.
 */
function closestIssues(issue: Issue, input: unknown): { path: string[]; message: string }[] {
  const at = issue.path.map(String);
  if (issue.code !== "invalid_union" || !issue.errors?.length) return [{ path: at, message: issue.message }];
  const here = at.reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined), input);
  const branches = issue.errors.map((b) => b.flatMap((i) => closestIssues(i, here)));
  const score = (b: { path: string[] }[]) => Math.max(0, ...b.map((i) => matched(here, i.path) * 1000 + i.path.length));
  const best = branches.reduce((a, b) => (score(b) > score(a) ? b : a));
  return score(best) === 0 ? [{ path: at, message: issue.message }] : best.map((i) => ({ path: [...at, ...i.path], message: i.message }));
}

/** Whether a `readiness` option value is the `{ ready, timeout }` form rather than a bare rule. */
function isXBerthForm(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === "object" && raw !== null && !Array.isArray(raw) && ("ready" in raw || "timeout" in raw);
}

/**
 * Readiness rules given in code (acquire's `readiness` option), checked with the schema of
 * `x-berth` and turned into that key's shape. Problems name the option path
 * (`readiness.db.log`), all of them at once.
 */
export function readinessOptionAsXBerth(rules: Record<string, unknown>): Record<string, { ready?: unknown; timeout?: unknown }> {
  const problems: SourceProblem[] = [];
  const out: Record<string, { ready?: unknown; timeout?: unknown }> = {};
  for (const name of Object.keys(rules).sort()) {
    const raw = rules[name];
    const x = isXBerthForm(raw) ? raw : { ready: raw };
    const parsed = XBerthSchema.safeParse(x);
    if (parsed.success) out[name] = x;
    // The bare form's issues are under `ready`, which the user did not write.
    else
      for (const i of parsed.error.issues.flatMap((i) => closestIssues(i, x)))
        problems.push({ file: "", path: ["readiness", name, ...i.path.slice(isXBerthForm(raw) ? 0 : 1)].join("."), message: i.message });
  }
  if (problems.length) {
    throw new BerthError("USAGE", `invalid readiness option for ${[...new Set(problems.map((p) => (p.path ?? "").split(".")[1]))].join(", ")}`, {
      problems,
      hint: READY_HINT.replace("x-berth.ready takes", "readiness.<service> takes the same rules as x-berth.ready:"),
    });
  }
  return out;
}

/**
 * The service's readiness rule: `x-berth.ready` when declared; else its healthcheck when the
 * service or its image has one; else the first published port accepting connections; else running.
 * `imageHasHealthcheck` comes from the engine (the image's own HEALTHCHECK).
 */
export function readinessOf(service: ServiceSpec, imageHasHealthcheck = false): ReadinessSpec {
  const raw = service.extensions["x-berth"];
  const parsed = XBerthSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems: SourceProblem[] = parsed.error.issues.map((i) => ({
      file: "",
      path: ["services", service.name, "x-berth", ...i.path.map(String)].join("."),
      message: i.message,
    }));
    throw new BerthError("COMPOSE_INVALID", `service ${service.name}: invalid x-berth readiness`, {
      problems,
      hint: READY_HINT,
      details: { service: service.name },
    });
  }
  const x = parsed.data;
  if (x.ready) return { ready: x.ready, timeoutMs: x.timeout, declared: true };
  return { ready: { kind: "probe", probe: defaultProbe(service, imageHasHealthcheck) }, timeoutMs: x.timeout, declared: false };
}

function defaultProbe(service: ServiceSpec, imageHasHealthcheck: boolean): Probe {
  const hc = service.healthcheck;
  const disabled = hc?.disable === true || hc?.test?.[0] === "NONE";
  if (!disabled && (hc?.test?.length || imageHasHealthcheck)) return { kind: "healthcheck" };
  const first = service.ports.find((p) => p.protocol === "tcp");
  if (first) return { kind: "tcp", port: first.target, from: "network" };
  return { kind: "running" };
}

/** Every service's rule, validated before anything is created; all invalid services reported together. */
export function readinessRules(services: Record<string, ServiceSpec>): Record<string, ReadinessSpec> {
  const out: Record<string, ReadinessSpec> = {};
  const errors: BerthError[] = [];
  const names: string[] = [];
  for (const name of Object.keys(services).sort()) {
    try {
      out[name] = readinessOf(services[name]!);
    } catch (error) {
      if (!isBerthError(error)) throw error;
      errors.push(error);
      names.push(name);
    }
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) {
    throw new BerthError("COMPOSE_INVALID", `services ${names.join(", ")}: invalid x-berth readiness`, {
      problems: errors.flatMap((e) => e.problems),
      hint: errors[0]!.hint,
      details: { services: names },
    });
  }
  return out;
}
