/**
 * `berth config`: the normalized model as YAML or JSON, like `docker compose config`. Keys come
 * out in a stable order; values that came from env files are replaced by a placeholder unless
 * the caller asks for them, so the output can be pasted into an issue or a CI log.
 */
import { stringify } from "yaml";
import type { ProjectSpec } from "./model.js";

export const REDACTED = "********";

export function renderConfig(project: ProjectSpec, format: "yaml" | "json", opts: { showSecrets?: boolean } = {}): string {
  const shown = opts.showSecrets ? project : redact(project);
  const sorted = sortDeep(shown);
  return format === "json" ? `${JSON.stringify(sorted, null, 2)}\n` : stringify(sorted, { lineWidth: 0, aliasDuplicateObjects: false });
}

function redact(project: ProjectSpec): ProjectSpec {
  const services: ProjectSpec["services"] = {};
  for (const [name, svc] of Object.entries(project.services)) {
    const secret = new Set(svc.secret_env_keys ?? []);
    if (secret.size === 0) {
      services[name] = svc;
      continue;
    }
    const environment: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(svc.environment)) environment[k] = secret.has(k) && v !== null ? REDACTED : v;
    services[name] = { ...svc, environment };
  }
  return { ...project, services };
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
