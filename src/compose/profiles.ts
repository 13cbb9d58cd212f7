/**
 * Profiles: a service with `profiles:` runs only when one of them is active (`--profile`,
 * `COMPOSE_PROFILES`, or `*` for all); services without profiles always run.
 *
 * The spec makes a model invalid when an enabled service depends on a service whose profiles
 * are all inactive; compose-go reports it ("depends on undefined service") unless the
 * dependency is `required: false`, in which case the dependency is dropped. Disabled services
 * are never pulled in silently.
 */
import type { ServiceSpec } from "./model.js";

export function parseProfiles(list: string[] | undefined, env: Record<string, string | undefined>): string[] {
  const raw = list && list.length > 0 ? list : (env.COMPOSE_PROFILES ?? "").split(",");
  return [...new Set(raw.map((p) => p.trim()).filter((p) => p !== ""))].sort();
}

export function enabledServices(services: Record<string, ServiceSpec>, active: string[]): Set<string> {
  const all = active.includes("*");
  const enabled = new Set<string>();
  for (const [name, s] of Object.entries(services)) {
    if (!s.profiles || s.profiles.length === 0 || all || s.profiles.some((p) => active.includes(p))) enabled.add(name);
  }
  return enabled;
}

export interface DisabledDependency {
  service: string;
  dependency: string;
  profiles: string[];
}

/**
 * The enabled services with their dependencies on disabled services settled: optional ones
 * are dropped, required ones are returned as problems.
 */
export function applyProfiles(
  services: Record<string, ServiceSpec>,
  active: string[],
): { services: Record<string, ServiceSpec>; problems: DisabledDependency[] } {
  const enabled = enabledServices(services, active);
  const out: Record<string, ServiceSpec> = {};
  const problems: DisabledDependency[] = [];
  for (const [name, s] of Object.entries(services)) {
    if (!enabled.has(name)) continue;
    const deps = Object.entries(s.depends_on ?? {});
    const kept = deps.filter(([dep, cfg]) => {
      if (enabled.has(dep) || !services[dep]) return true;
      if (cfg.required) problems.push({ service: name, dependency: dep, profiles: services[dep].profiles ?? [] });
      return false;
    });
    out[name] = kept.length === deps.length ? s : { ...s, depends_on: Object.fromEntries(kept) };
  }
  return { services: out, problems };
}
