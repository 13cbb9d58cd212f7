/**
 * Phase 6, normalize (project): the merged, validated document → `ProjectSpec`. Services are
 * normalized one by one (normalize-service.ts); top-level networks, volumes, secrets and configs
 * get their long forms here. Everything is sorted by name.
 */
import type { FileObjectSpec, NetworkSpec, ProjectSpec, ServiceSpec, VolumeSpec } from "./model.js";
import { hostPath, problem, type NormalizeContext } from "./normalize-context.js";
import { bool, stringMap } from "./normalize-fields.js";
import { normalizeService, sortKeys } from "./normalize-service.js";
import type { RawCompose, RawConfig, RawNetwork, RawSecret, RawVolume } from "./schema-project.js";

export function normalizeProject(ctx: NormalizeContext, doc: RawCompose, meta: { name: string | undefined; files: string[]; profiles: string[] }): ProjectSpec {
  const services: Record<string, ServiceSpec> = {};
  for (const [name, raw] of Object.entries(doc.services ?? {})) {
    services[name] = normalizeService(ctx, name, raw);
  }
  const networks: Record<string, NetworkSpec> = {};
  for (const [name, raw] of Object.entries(doc.networks ?? {})) networks[name] = network(ctx, name, raw);
  const usesDefault = Object.values(services).some((s) => "default" in s.networks);
  if (usesDefault && !("default" in networks)) networks.default = {};
  const volumes: Record<string, VolumeSpec> = {};
  for (const [name, raw] of Object.entries(doc.volumes ?? {})) volumes[name] = volume(ctx, name, raw);
  const project: ProjectSpec = {
    ...(meta.name !== undefined ? { name: meta.name } : {}),
    working_dir: ctx.projectDir,
    files: meta.files,
    services: sortKeys(services),
    networks: sortKeys(networks),
    volumes: sortKeys(volumes),
    extensions: topExtensions(doc),
  };
  if (doc.secrets) project.secrets = sortKeys(mapEntries(doc.secrets, (n, r) => fileObject(ctx, "secrets", n, r)));
  if (doc.configs) project.configs = sortKeys(mapEntries(doc.configs, (n, r) => fileObject(ctx, "configs", n, r)));
  if (doc.models) project.models = sortKeys(doc.models);
  if (meta.profiles.length > 0) project.profiles = [...meta.profiles].sort();
  return project;
}

function mapEntries<T, U>(o: Record<string, T>, fn: (k: string, v: T) => U): Record<string, U> {
  const out: Record<string, U> = {};
  for (const [k, v] of Object.entries(o)) out[k] = fn(k, v);
  return out;
}

function topExtensions(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(doc).sort()) if (k.startsWith("x-")) out[k] = doc[k];
  return out;
}

/** `external: {name: x}` (deprecated) and `external: "true"` → `external: true` + `name`. */
function externalOf(ctx: NormalizeContext, v: unknown, path: (string | number)[], ownName?: string): { external?: boolean; name?: string } {
  if (v === undefined) return {};
  if (typeof v === "object" && v !== null) {
    const n = (v as { name?: string }).name;
    if (n !== undefined && ownName !== undefined && n !== ownName) {
      problem(ctx, [...path, "name"], "name and external.name conflict", "external.name is deprecated: keep only name, with external: true");
    }
    return { external: true, ...(n !== undefined ? { name: n } : {}) };
  }
  const b = bool(ctx, v, path);
  return b === undefined ? {} : { external: b };
}

function stringValues(o: Record<string, string | number> | undefined): Record<string, string> | undefined {
  if (!o) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) out[k] = String(v);
  return out;
}

function network(ctx: NormalizeContext, name: string, raw: RawNetwork): NetworkSpec {
  if (!raw) return {};
  const path = ["networks", name];
  const ext = externalOf(ctx, raw.external, [...path, "external"], raw.name);
  if (ext.external) onlyNameWithExternal(ctx, "network", name, raw, path);
  const out: NetworkSpec = {};
  const nm = raw.name ?? ext.name;
  if (nm !== undefined) out.name = nm;
  if (raw.driver !== undefined) out.driver = raw.driver;
  const opts = stringValues(raw.driver_opts);
  if (opts) out.driver_opts = opts;
  for (const k of ["internal", "attachable", "enable_ipv6", "enable_ipv4"] as const) {
    const b = bool(ctx, raw[k], [...path, k]);
    if (b !== undefined) out[k] = b;
  }
  if (ext.external !== undefined) out.external = ext.external;
  if (raw.labels !== undefined) out.labels = stringMap(raw.labels);
  if (raw.ipam) out.ipam = raw.ipam;
  return out;
}

/**
 * The spec: an external network or volume is created elsewhere, so anything but its name is
 * an error rather than silently ignored (compose-go's checkExternal).
 */
function onlyNameWithExternal(ctx: NormalizeContext, what: string, name: string, raw: Record<string, unknown>, path: string[]): void {
  for (const k of Object.keys(raw)) {
    if (k === "name" || k === "external" || k.startsWith("x-")) continue;
    problem(ctx, [...path, k], `${what} "${name}" is external, so "${k}" cannot be set`, `remove ${k}, or make the ${what} non-external`);
  }
}

function volume(ctx: NormalizeContext, name: string, raw: RawVolume): VolumeSpec {
  if (!raw) return {};
  const path = ["volumes", name];
  const ext = externalOf(ctx, raw.external, [...path, "external"], raw.name);
  if (ext.external) onlyNameWithExternal(ctx, "volume", name, raw, path);
  const out: VolumeSpec = {};
  const nm = raw.name ?? ext.name;
  if (nm !== undefined) out.name = nm;
  if (raw.driver !== undefined) out.driver = raw.driver;
  const opts = stringValues(raw.driver_opts);
  if (opts) out.driver_opts = opts;
  if (ext.external !== undefined) out.external = ext.external;
  if (raw.labels !== undefined) out.labels = stringMap(raw.labels);
  return out;
}

function fileObject(ctx: NormalizeContext, kind: "secrets" | "configs", name: string, raw: RawSecret | RawConfig): FileObjectSpec {
  const path = [kind, name];
  const ext = externalOf(ctx, raw.external, [...path, "external"], raw.name);
  const out: FileObjectSpec = {};
  const nm = raw.name ?? ext.name;
  if (nm !== undefined) out.name = nm;
  if (raw.file !== undefined) out.file = hostPath(ctx, raw.file);
  if (raw.environment !== undefined) out.environment = raw.environment;
  if ("content" in raw && raw.content !== undefined) out.content = raw.content;
  if (ext.external !== undefined) out.external = ext.external;
  if (raw.labels !== undefined) out.labels = stringMap(raw.labels);
  if ("driver" in raw && raw.driver !== undefined) out.driver = raw.driver;
  if ("driver_opts" in raw && raw.driver_opts) out.driver_opts = stringValues(raw.driver_opts)!;
  if (raw.template_driver !== undefined) out.template_driver = raw.template_driver;
  const sources = [out.file, out.environment, out.content].filter((x) => x !== undefined).length;
  // A secret with a driver of its own may get its content from that driver (compose-go agrees).
  if (!out.external && (sources > 1 || (sources === 0 && out.driver === undefined))) {
    const what = kind === "configs" ? "file, environment or content" : "file or environment";
    problem(ctx, path, `${kind === "secrets" ? "secret" : "config"} "${name}" must set exactly one of ${what}${sources === 0 ? ", or external: true" : ""}`);
  }
  return out;
}
