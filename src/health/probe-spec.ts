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
import { BerthError, type SourceProblem } from "../errors.js";
import type { Probe, Readiness, ReadinessSpec } from "./probe-model.js";

export type { Probe, ProbeFrom, Readiness, ReadinessSpec, StatusMatch } from "./probe-model.js";
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
const regex = z.string().min(1).refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, "not a valid regular expression");
const command = z.union([z.string().min(1).transform((s) => ["/bin/sh", "-c", s]), z.array(z.string()).min(1)]);

const ProbeSchema: z.ZodType<Probe, unknown> = z.union([
  z.enum(["healthcheck", "running", "completed"]).transform((kind) => ({ kind })),
  z.strictObject({ healthcheck: z.literal(true) }).transform(() => ({ kind: "healthcheck" as const })),
  z.strictObject({ completed: z.literal(true) }).transform(() => ({ kind: "completed" as const })),
  z.strictObject({ running: z.literal(true) }).transform(() => ({ kind: "running" as const })),
  z.strictObject({ tcp: z.union([port.transform((p) => ({ port: p, from: "network" as const })), z.strictObject({ port, from })]) })
    .transform(({ tcp }) => ({ kind: "tcp" as const, ...tcp })),
  z.strictObject({
    http: z.strictObject({
      port,
      path: z.string().startsWith("/").default("/"),
      scheme: z.enum(["http", "https"]).default("http"),
      status: z.union([status, z.array(status).min(1)]).default("2xx"),
      body: regex.optional(),
      from,
    }),
  }).transform(({ http }) => ({ kind: "http" as const, ...http, status: Array.isArray(http.status) ? http.status : [http.status] })),
  z.strictObject({ log: z.union([regex.transform((pattern) => ({ pattern, count: 1 })), z.strictObject({ pattern: regex, count: z.number().int().min(1).default(1) })]) })
    .transform(({ log }) => ({ kind: "log" as const, ...log })),
  z.strictObject({ exec: z.union([command.transform((c) => ({ command: c, timeout: 10_000 })), z.strictObject({ command, timeout: duration.default(10_000) })]) })
    .transform(({ exec }) => ({ kind: "exec" as const, command: exec.command, timeoutMs: exec.timeout })),
]) as unknown as z.ZodType<Probe, unknown>;

const ReadinessSchema: z.ZodType<Readiness, unknown> = z.lazy(() =>
  z.union([
    z.array(ReadinessSchema).min(1).transform((of) => (of.length === 1 ? of[0]! : { kind: "all" as const, of })),
    z.strictObject({ all: z.array(ReadinessSchema).min(1) }).transform(({ all }) => ({ kind: "all" as const, of: all })),
    z.strictObject({ any: z.array(ReadinessSchema).min(1) }).transform(({ any }) => ({ kind: "any" as const, of: any })),
    ProbeSchema.transform((probe) => ({ kind: "probe" as const, probe })),
  ]),
) as unknown as z.ZodType<Readiness, unknown>;

const XBerthSchema = z.strictObject({
  ready: ReadinessSchema.optional(),
  timeout: duration.optional(),
});

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
      hint: "x-berth.ready takes probes such as `tcp: 5432`, `http: { port: 3000, path: /health }`, `log: \"ready\"`, `exec: [cmd]`, `healthcheck`, `completed`, a list of them (all must pass) or { any: [...] }; see README \"Readiness\".",
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
  for (const name of Object.keys(services).sort()) {
    try {
      out[name] = readinessOf(services[name]!);
    } catch (error) {
      if (!(error instanceof BerthError)) throw error;
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) {
    const names = errors.map((e) => e.details.service as string);
    throw new BerthError("COMPOSE_INVALID", `services ${names.join(", ")}: invalid x-berth readiness`, {
      problems: errors.flatMap((e) => e.problems),
      hint: errors[0]!.hint,
      details: { services: names },
    });
  }
  return out;
}
