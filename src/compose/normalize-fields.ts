/**
 * Normalization of the service fields that have several syntaxes: key/value lists, ports,
 * volumes, healthchecks, commands, sizes. Each function takes the validated raw value and the
 * field path (for positioned problems) and returns the long form of the model.
 */
import { parseDuration } from "./duration.js";
import type { HealthcheckSpec, PortSpec, UlimitSpec, VolumeMountSpec } from "./model.js";
import { hostPath, problem, type NormalizeContext } from "./normalize-context.js";
import type { Path } from "./origins.js";
import { parsePortShort, parsePublished, PortSyntaxError } from "./ports.js";
import { scalarText } from "./scalar-text.js";
import type { RawService } from "./schema-service.js";
import { ShellWordsError, splitShellWords } from "./shell-words.js";
import { parseBool, parseBytes, parseInteger } from "./units.js";
import { parseVolumeShort } from "./volume-syntax.js";

type Scalar = string | number | boolean | null;

/** `["A=1", "B"]` or `{A: 1, B: null}` → `{A: "1", B: null}`. */
export function keyValues(v: Record<string, Scalar> | string[] | undefined): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(v)) {
    for (const item of v) {
      const at = item.indexOf("=");
      if (at < 0) out[item] = null;
      else out[item.slice(0, at)] = item.slice(at + 1);
    }
  } else if (v) {
    for (const [k, val] of Object.entries(v)) out[k] = val === null ? null : String(val);
  }
  return out;
}

/** Like keyValues, but a key without a value becomes "" (labels, sysctls, build args do so). */
export function stringMap(v: Record<string, Scalar> | string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(keyValues(v))) out[k] = val ?? "";
  return out;
}

export function toStringList(v: string | string[] | undefined): string[] | undefined {
  return v === undefined ? undefined : Array.isArray(v) ? v : [v];
}

export function command(ctx: NormalizeContext, v: string | string[] | null | undefined, path: Path): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v;
  try {
    return splitShellWords(v);
  } catch (e) {
    if (!(e instanceof ShellWordsError)) throw e;
    problem(ctx, path, `cannot split command "${v}": ${e.message}`, "close the quote, or write the command as a list");
    return undefined;
  }
}

export function ports(ctx: NormalizeContext, raw: RawService["ports"], path: Path): PortSpec[] {
  const out: PortSpec[] = [];
  (raw ?? []).forEach((p, i) => {
    try {
      if (typeof p === "string" || typeof p === "number") {
        out.push(...parsePortShort(p));
        return;
      }
      const target = parseInteger(p.target);
      if (target === undefined || target < 1 || target > 65535) {
        problem(ctx, [...path, i, "target"], `invalid container port "${String(p.target)}": expected 1-65535`);
        return;
      }
      const protocol = (p.protocol ?? "tcp").toLowerCase();
      if (protocol !== "tcp" && protocol !== "udp" && protocol !== "sctp") {
        problem(ctx, [...path, i, "protocol"], `invalid protocol "${p.protocol}": expected tcp, udp or sctp`);
        return;
      }
      const mode = p.mode;
      if (mode !== undefined && mode !== "host" && mode !== "ingress") {
        problem(ctx, [...path, i, "mode"], `invalid port mode "${mode}": expected host or ingress`);
        return;
      }
      const spec: PortSpec = { target, protocol };
      if (p.published !== undefined && p.published !== "") spec.published = parsePublished(p.published);
      if (p.host_ip !== undefined) spec.host_ip = p.host_ip;
      if (mode !== undefined) spec.mode = mode;
      if (p.name !== undefined) spec.name = p.name;
      if (p.app_protocol !== undefined) spec.app_protocol = p.app_protocol;
      out.push(spec);
    } catch (e) {
      if (!(e instanceof PortSyntaxError)) throw e;
      problem(ctx, [...path, i], e.message);
    }
  });
  return out;
}

export function volumes(ctx: NormalizeContext, raw: RawService["volumes"], path: Path): VolumeMountSpec[] {
  const out: VolumeMountSpec[] = [];
  (raw ?? []).forEach((v, i) => {
    let m: VolumeMountSpec;
    if (typeof v === "string") {
      m = parseVolumeShort(v); // validated by the schema already
    } else {
      m = { type: v.type, target: v.target };
      if (v.source !== undefined) m.source = v.source;
      const ro = parseBool(v.read_only);
      if (ro !== undefined) m.read_only = ro;
      if (v.consistency !== undefined) m.consistency = v.consistency;
      if (v.bind) {
        const create = parseBool(v.bind.create_host_path);
        m.bind = {
          ...(v.bind.propagation !== undefined ? { propagation: v.bind.propagation } : {}),
          ...(create !== undefined ? { create_host_path: create } : {}),
          ...(v.bind.selinux !== undefined ? { selinux: v.bind.selinux } : {}),
          ...(v.bind.recursive !== undefined ? { recursive: v.bind.recursive } : {}),
        };
      }
      if (v.volume) {
        const nocopy = parseBool(v.volume.nocopy);
        m.volume = {
          ...(nocopy !== undefined ? { nocopy } : {}),
          ...(v.volume.subpath !== undefined ? { subpath: v.volume.subpath } : {}),
          ...(v.volume.labels !== undefined ? { labels: stringMap(v.volume.labels) } : {}),
        };
      }
      if (v.tmpfs) {
        const size = v.tmpfs.size === undefined ? undefined : parseBytes(v.tmpfs.size);
        const mode = v.tmpfs.mode === undefined ? undefined : typeof v.tmpfs.mode === "number" ? v.tmpfs.mode : parseInt(v.tmpfs.mode, 8);
        m.tmpfs = { ...(size !== undefined ? { size } : {}), ...(mode !== undefined && !Number.isNaN(mode) ? { mode } : {}) };
      }
      if (v.image) m.image = { ...v.image };
      if (m.type === "bind" && m.source === undefined) {
        problem(ctx, [...path, i], "a bind mount needs a source", "add source: ./path/on/host");
        return;
      }
      if (!m.target.startsWith("/") && m.type !== "npipe") {
        problem(ctx, [...path, i, "target"], `the container path "${m.target}" is not absolute`, "container paths start with /");
        return;
      }
    }
    if (m.type === "bind" && m.source !== undefined) m.source = hostPath(ctx, m.source);
    out.push(m);
  });
  return out;
}

const DURATIONS = ["interval", "timeout", "start_period", "start_interval"] as const;

export function healthcheck(ctx: NormalizeContext, raw: RawService["healthcheck"], path: Path): HealthcheckSpec | undefined {
  if (!raw) return undefined;
  const hc: HealthcheckSpec = {};
  if (raw.test !== undefined) {
    const t = typeof raw.test === "string" ? ["CMD-SHELL", raw.test] : raw.test;
    if (t.length > 0 && !["CMD", "CMD-SHELL", "NONE"].includes(t[0]!)) {
      problem(
        ctx,
        [...path, "test"],
        `invalid healthcheck test: the first item must be CMD, CMD-SHELL or NONE, got "${t[0]}"`,
        'write ["CMD", "prog", "arg"], ["CMD-SHELL", "shell command"] or a plain string',
      );
    }
    hc.test = t;
  }
  for (const k of DURATIONS) {
    const v = raw[k];
    if (v !== undefined) hc[`${k}_ms`] = parseDuration(v)!;
  }
  if (raw.retries !== undefined) {
    const r = parseInteger(raw.retries);
    if (r === undefined || r < 0) problem(ctx, [...path, "retries"], `invalid retries "${String(raw.retries)}": expected a whole number`);
    else hc.retries = r;
  }
  const disable = parseBool(raw.disable);
  if (disable) hc.disable = true;
  if (hc.test?.[0] === "NONE") hc.disable = true;
  return hc;
}

export function integer(ctx: NormalizeContext, v: unknown, path: Path, what = "a whole number"): number | undefined {
  if (v === undefined) return undefined;
  const n = parseInteger(v);
  if (n === undefined) problem(ctx, path, `invalid value "${scalarText(v)}": expected ${what}`);
  return n;
}

export function bool(ctx: NormalizeContext, v: unknown, path: Path): boolean | undefined {
  if (v === undefined) return undefined;
  const b = parseBool(v);
  if (b === undefined) problem(ctx, path, `invalid value "${scalarText(v)}": expected true or false`);
  return b;
}

export function size(ctx: NormalizeContext, v: unknown, path: Path): number | undefined {
  if (v === undefined) return undefined;
  if (v === -1 || v === "-1") return -1;
  const n = parseBytes(v);
  if (n === undefined) problem(ctx, path, `invalid size "${scalarText(v)}": use a number of bytes or a size such as 512m or 2g`);
  return n;
}

export function ulimits(ctx: NormalizeContext, raw: RawService["ulimits"], path: Path): Record<string, UlimitSpec> | undefined {
  if (!raw) return undefined;
  const out: Record<string, UlimitSpec> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === "object") {
      const soft = integer(ctx, v.soft, [...path, k, "soft"]);
      const hard = integer(ctx, v.hard, [...path, k, "hard"]);
      if (soft !== undefined && hard !== undefined) out[k] = { soft, hard };
    } else {
      const n = integer(ctx, v, [...path, k]);
      if (n !== undefined) out[k] = { soft: n, hard: n };
    }
  }
  return out;
}

/** `["host:ip"]`, `["host=ip"]` or `{host: ip | [ip]}` → `["host:ip"]`. */
export function extraHosts(v: Record<string, string | string[]> | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v.map((e) => (e.includes("=") ? e.replace("=", ":") : e));
  return Object.entries(v).flatMap(([h, ips]) => (Array.isArray(ips) ? ips : [ips]).map((ip) => `${h}:${ip}`));
}
