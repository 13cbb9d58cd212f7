/**
 * What `berth config` prints besides the project itself, with `docker compose config`'s
 * flags: `--services`, `--images`, `--profiles`, `--hash`. Each is one item per line so that
 * scripts can read it.
 */
import type { ProjectSpec } from "../compose/model.js";
import { BerthError } from "../errors.js";

export interface ConfigListOptions {
  services?: boolean;
  images?: boolean;
  profiles?: boolean;
  hash?: string;
}

/** The lines to print for a list flag, or undefined when none was given. */
export async function configList(spec: ProjectSpec, o: ConfigListOptions, env: Record<string, string | undefined>): Promise<string | undefined> {
  if (o.services) return Object.keys(spec.services).sort().join("\n");
  if (o.profiles) return [...new Set(Object.values(spec.services).flatMap((s) => s.profiles ?? []))].sort().join("\n");
  if (o.images) {
    const { builtImageName } = await import("../lifecycle/build.js");
    return Object.values(spec.services)
      .map((s) => builtImageName(spec, s, env))
      .join("\n");
  }
  if (o.hash !== undefined) {
    const { serviceHashes } = await import("../compose/index.js");
    const hashes = serviceHashes(spec);
    const wanted =
      o.hash === "*"
        ? Object.keys(hashes)
        : o.hash
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean);
    const unknown = wanted.filter((n) => !(n in hashes));
    if (unknown.length > 0)
      throw new BerthError("USAGE", `--hash: no such service: ${unknown.join(", ")}`, { hint: `services: ${Object.keys(hashes).join(", ")}` });
    return wanted.map((n) => `${n} ${hashes[n]}`).join("\n");
  }
  return undefined;
}
