/**
 * Where a command's environment runs, chosen once per command from `--on` (and `--engine`): one
 * Docker engine (default) or a swarm manager. Commands parse their options, then hand the request
 * to the Target; each Target does the whole operation its way and prints its own output.
 */
import { Option, type Command } from "commander";
import { BerthError } from "../../errors.js";
import { parseDuration, type CliContext, type GlobalOptions } from "../context.js";

export interface PlatformOptions {
  on?: string;
  engine?: string;
}

export type Platform = "engine" | "swarm";

/** Adds `--on <engine|swarm>` and `--engine <url>` to a command. */
export function addPlatformOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option("--on <platform>", "where the environment runs: engine (one Docker engine, default) or swarm (services on a swarm manager)")
        .choices(["engine", "swarm"])
        .default("engine"),
    )
    .option("--engine <url>", "the engine (with --on swarm: a swarm manager) to use, e.g. tcp://manager:2375; default DOCKER_HOST");
}

/** The platform the options name; `--engine` is only for a swarm manager (one engine uses DOCKER_HOST). */
export function platformOf(o: PlatformOptions): Platform {
  if (o.on !== "swarm" && o.engine) {
    // --engine without --on swarm would silently be ignored by the engine path: say so.
    throw new BerthError("USAGE", "--engine is only used with --on swarm; for one engine set DOCKER_HOST", {
      hint: "Add --on swarm, or use DOCKER_HOST=tcp://HOST:2375.",
    });
  }
  return o.on === "swarm" ? "swarm" : "engine";
}

export interface UpRequest {
  /** `up SERVICE…`. */
  services: string[];
  /** --env: the environment kind. */
  kind?: string;
  keepOnFailure?: boolean;
  ports?: string;
  /** --scale values as given (SERVICE=N). */
  scale?: string[];
  build?: boolean;
  /** --pull as given: always, missing, never or build. */
  pull?: string;
  forceRecreate?: boolean;
  /** false with --no-wait. */
  wait?: boolean;
}

export interface DownRequest {
  project?: string;
  volumes?: boolean;
  all?: boolean;
  /** -t/--timeout: seconds a container that holds data gets to stop (default: its stop_grace_period). */
  stopTimeoutSec?: number;
}

export interface StatusRequest {
  project?: string;
  /** false with --no-stats. */
  stats: boolean;
  probe?: boolean;
  /** --format json: one compose-shaped JSON object per container (`ps --format json`). */
  format?: "table" | "json";
  /** --services: only the services' names. */
  servicesOnly?: boolean;
}

export interface LogsRequest {
  services: string[];
  follow?: boolean;
  tail?: number;
  /** --since as given (see sinceMs). */
  since?: string;
  timestamps?: boolean;
  /** false with --no-prefix. */
  prefix?: boolean;
}

export type ServiceOp = "restart" | "stop" | "start" | "wait";

export interface ServiceOpRequest {
  services: string[];
  /** --stop-timeout as given (whole seconds). */
  stopTimeout?: string;
  /** false with --no-wait. */
  wait?: boolean;
}

export interface CleanRequest {
  all?: boolean;
  olderThanMs?: number;
  volumes?: boolean;
  dryRun?: boolean;
  filter: Record<string, string>;
  signal?: AbortSignal;
}

/** The operations of the commands that run on either platform. */
export interface Target {
  readonly platform: Platform;
  up(r: UpRequest): Promise<void>;
  down(r: DownRequest): Promise<void>;
  status(r: StatusRequest): Promise<void>;
  logs(r: LogsRequest): Promise<void>;
  serviceOp(op: ServiceOp, r: ServiceOpRequest): Promise<void>;
  clean(r: CleanRequest): Promise<void>;
}

/** The Target the command's options choose; its code is loaded only then. */
export async function resolveTarget(ctx: CliContext, g: GlobalOptions, o: PlatformOptions): Promise<Target> {
  if (platformOf(o) === "swarm") return new (await import("./swarm-target.js")).SwarmTarget(ctx, g, o.engine);
  return new (await import("./engine-target.js")).EngineTarget(ctx, g);
}

/** `--scale api=3` (repeatable) → { api: 3 }. */
export function parseScale(values: string[] = []): Record<string, number> | undefined {
  if (values.length === 0) return undefined;
  const out: Record<string, number> = {};
  for (const v of values) {
    const m = /^([^=]+)=(\d+)$/.exec(v);
    if (!m) throw new BerthError("USAGE", `--scale ${v}: expected SERVICE=N, e.g. --scale api=3`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** --since: a duration back from now (10m) or a date/time (2026-11-24T10:00:00Z). */
export function sinceMs(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const t = Date.parse(text);
  if (!Number.isNaN(t) && /\d{4}-\d\d-\d\d/.test(text)) return t;
  return Date.now() - parseDuration(text, 0, "--since");
}
