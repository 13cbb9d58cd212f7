/**
 * Bind mounts of host paths that do not exist. The engine's mount API refuses them ("bind source
 * path does not exist"); Compose creates the directory for the short syntax (`./data:/data`,
 * which implies `bind.create_host_path: true`) and refuses the long syntax unless it asks for
 * creation. berth does the same, before anything is created. Only for an engine on this machine:
 * the host paths of a remote engine are on its host, where berth cannot look.
 */
import { existsSync, mkdirSync } from "node:fs";
import type { ProjectSpec } from "../compose/model.js";
import { BerthError, type SourceProblem } from "../errors.js";

/**
 * Creates the missing host directories that may be created and returns them; throws one
 * COMPOSE_INVALID naming every bind source that is missing and may not be created.
 */
export function ensureBindSources(spec: ProjectSpec): string[] {
  const file = spec.files[0] ?? "compose.yaml";
  const problems: SourceProblem[] = [];
  const toCreate = new Set<string>();
  for (const s of Object.values(spec.services)) {
    s.volumes.forEach((v, i) => {
      if (v.type !== "bind" || !v.source || existsSync(v.source)) return;
      if (v.bind?.create_host_path) toCreate.add(v.source);
      else {
        problems.push({
          file,
          path: `services.${s.name}.volumes[${i}]`,
          message: `bind mount source ${v.source} does not exist`,
          hint: `create it (mkdir -p ${v.source}), fix the path, or set bind.create_host_path: true so that berth creates it`,
        });
      }
    });
  }
  if (problems.length) {
    throw new BerthError("COMPOSE_INVALID", `${problems.length} bind mount source${problems.length > 1 ? "s do" : " does"} not exist`, {
      problems,
      hint: problems.length === 1 ? problems[0]!.hint : "create the host paths listed above, or set bind.create_host_path: true",
    });
  }
  const created = [...toCreate].sort();
  for (const dir of created) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      const users = Object.values(spec.services)
        .filter((s) => s.volumes.some((v) => v.source === dir))
        .map((s) => s.name);
      throw new BerthError("USAGE", `cannot create the host directory ${dir} for the bind mount of service ${users.join(", ")}: ${(error as Error).message}`, {
        hint: "Create it yourself with the right owner, or fix the path in the compose file.",
        cause: error,
      });
    }
  }
  return created;
}
