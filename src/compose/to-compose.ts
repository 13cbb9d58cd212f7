/**
 * The resolved model written back as a Compose file: what `berth config` prints by default, so
 * that its output can be fed to berth, `docker compose` or other tools again. Every field uses
 * the spec's long form; berth's internal fields (durations in milliseconds, `extensions`,
 * `files`, `working_dir`, `secret_env_keys`, the default `scale`) become spec keys or are left
 * out, and the collections every service has (environment, labels, ports, …) are omitted when
 * empty. Every `$` in a value is written `$$`, so that reading the file back does not
 * interpolate again what was already interpolated (docker compose config does the same).
 */
import type { ProjectSpec, ServiceSpec } from "./model.js";

type Dict = Record<string, unknown>;

/** `90000` → "1m30s", `1500` → "1500ms" (Compose durations; Go's time.ParseDuration syntax). */
export function formatDuration(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const out = `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s ? `${s}s` : ""}`;
  return out === "" ? "0s" : out;
}

/** Byte sizes, written as strings of bytes as compose-go does (docker-compose v1 wants strings). */
const SIZES = new Set(["mem_limit", "mem_reservation", "memswap_limit", "shm_size", "memory", "size"]);

/**
 * Keys ending in `_ms` become the spec's duration keys (`interval_ms` → `interval: "30s"`);
 * byte sizes become strings.
 */
function durations(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(durations);
  if (typeof v !== "object" || v === null) return v;
  const out: Dict = {};
  for (const [k, val] of Object.entries(v)) {
    if (k.endsWith("_ms") && typeof val === "number") out[k.slice(0, -3)] = formatDuration(val);
    else if (SIZES.has(k) && typeof val === "number") out[k] = String(val);
    else out[k] = durations(val);
  }
  return out;
}

/** Fields the model always has; an empty one says nothing and is left out. */
const ALWAYS_PRESENT = new Set(["environment", "labels", "ports", "volumes", "depends_on"]);

/** `$` → `$$` in every string value (keys are never interpolated). */
function escapeDollars(v: unknown): unknown {
  if (typeof v === "string") return v.replaceAll("$", "$$$$");
  if (Array.isArray(v)) return v.map(escapeDollars);
  if (typeof v !== "object" || v === null) return v;
  return Object.fromEntries(Object.entries(v).map(([k, val]) => [k, escapeDollars(val)]));
}

const isEmpty = (v: unknown) =>
  v === undefined || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);

export function serviceToCompose(s: ServiceSpec): Dict {
  const { name: _name, extensions, secret_env_keys: _secret, scale, networks, ...rest } = s;
  void _name;
  void _secret;
  const out: Dict = {};
  for (const [k, v] of Object.entries(durations(rest) as Dict)) if (v !== undefined && !(ALWAYS_PRESENT.has(k) && isEmpty(v))) out[k] = v;
  // The implicit default network is not written: Compose attaches it anyway.
  const onlyDefault = Object.keys(networks).length === 1 && "default" in networks && isEmpty(networks.default);
  if (!onlyDefault && !isEmpty(networks)) out.networks = networks;
  if (scale !== 1 && s.deploy?.replicas === undefined) out.scale = scale;
  Object.assign(out, extensions);
  return out;
}

export function projectToCompose(project: ProjectSpec): Dict {
  const out: Dict = {};
  if (project.name !== undefined) out.name = project.name;
  out.services = Object.fromEntries(Object.entries(project.services).map(([n, s]) => [n, serviceToCompose(s)]));
  const networks = Object.fromEntries(Object.entries(project.networks).filter(([n, v]) => !(n === "default" && isEmpty(v))));
  for (const [key, value] of [
    ["networks", networks],
    ["volumes", project.volumes],
    ["secrets", project.secrets],
    ["configs", project.configs],
    ["models", project.models],
  ] as const) {
    if (!isEmpty(value)) out[key] = value;
  }
  Object.assign(out, project.extensions);
  return escapeDollars(out) as Dict;
}
