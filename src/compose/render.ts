/**
/**
 * `berth config`: the project as YAML or JSON, like `docker compose config`. By default a valid
 * Compose file (to-compose.ts) that berth and Compose read back to the same project; with
 * `resolved`, berth's own normalized model. Keys come out in a stable order. Secret-looking values
 * are replaced by a placeholder unless the caller asks for them, so the output can be pasted into
 * an issue or a CI log: `environment` and build `args` entries whose name looks like a secret
 * (secrets-mask.ts) or whose value came from an env file (`env_file:`, `.env`, `--env-file`;
 * `secret_env_keys`), and the password of any `scheme://user:password@host` URL (where a
 * secret-looking variable usually ends up).
 */
import { createHash } from "node:crypto";
import { stringify } from "yaml";
import type { ProjectSpec, ServiceSpec } from "./model.js";
import { isSecretName, maskUrlPasswords, REDACTED } from "./secrets-mask.js";
import { projectToCompose, serviceToCompose } from "./to-compose.js";

export { REDACTED };

export interface RenderOptions {
  showSecrets?: boolean;
  /** berth's resolved model (milliseconds, extensions, files, …) instead of a Compose file. */
  resolved?: boolean;
}

export function renderConfig(project: ProjectSpec, format: "yaml" | "json", opts: RenderOptions = {}): string {
  const shown = opts.showSecrets ? project : redact(project);
  const sorted = sortDeep(opts.resolved ? shown : projectToCompose(shown));
  // YAML 1.1 output quotes yes/no/on/off, so that YAML 1.1 readers (docker-compose v1) get strings.
  return format === "json" ? `${JSON.stringify(sorted, null, 2)}\n` : stringify(sorted, { lineWidth: 0, aliasDuplicateObjects: false, version: "1.1" });
}

function redact(project: ProjectSpec): ProjectSpec {
  const services: ProjectSpec["services"] = {};
  for (const [name, svc] of Object.entries(project.services)) services[name] = redactService(svc);
  return { ...project, services };
}

function redactService(svc: ServiceSpec): ServiceSpec {
  const secret = new Set(svc.secret_env_keys ?? []);
  const mask = <V extends string | null>(entries: Record<string, V>): Record<string, V | string> => {
    const out: Record<string, V | string> = {};
    for (const [k, v] of Object.entries(entries)) out[k] = v !== null && (secret.has(k) || isSecretName(k)) ? REDACTED : v;
    return out;
  };
  const out: ServiceSpec = { ...svc, environment: mask(svc.environment) };
  if (svc.build?.args) out.build = { ...svc.build, args: mask(svc.build.args) };
  return maskUrls(out) as ServiceSpec;
}

/** Every string with URL passwords masked (connection strings in commands, labels, healthchecks). */
function maskUrls(v: unknown): unknown {
  if (typeof v === "string") return maskUrlPasswords(v);
  if (Array.isArray(v)) return v.map(maskUrls);
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskUrls(x)]));
  return v;
}

/** Sorted object keys at every level; arrays keep their order (it is meaningful). */
function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const val = (v as Record<string, unknown>)[k];
      if (val !== undefined) out[k] = sortDeep(val);
    }
    return out;
  }
  return v;
}

/**
 * A digest of each service's configuration (the Compose form, secrets included), for
 * `berth config --hash`: it changes exactly when the service's configuration does.
 */
export function serviceHashes(project: ProjectSpec): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, s] of Object.entries(project.services)) {
    out[name] = createHash("sha256")
      .update(JSON.stringify(sortDeep(serviceToCompose(s))))
      .digest("hex");
  }
  return out;
}
