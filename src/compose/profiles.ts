/**
 * Profiles: a service with `profiles:` runs only when one of them is active (`--profile`,
 * `COMPOSE_PROFILES`, or `*` for all); services without profiles always run. Services that an
 * enabled service depends on are enabled too, so that an active profile never yields a
 * project whose dependencies are missing.
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
  const queue = [...enabled];
  while (queue.length > 0) {
    const s = services[queue.pop()!];
    for (const dep of Object.keys(s?.depends_on ?? {})) {
      if (services[dep] && !enabled.has(dep)) {
        enabled.add(dep);
        queue.push(dep);
      }
    }
  }
  return enabled;
}
