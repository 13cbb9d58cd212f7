/**
 * Which images `berth pull` pulls, decided from the compose model alone, as `docker compose pull`
 * decides: a service without `image:` has nothing to pull; `pull_policy: never` or `build` is
 * skipped; `missing` / `if_not_present` pulls only when the engine lacks the image; an image two
 * services share is pulled once. A service that also has `build:` may fail to pull (it can be
 * built instead), and `--ignore-buildable` skips such services altogether. `--policy missing|always`
 * stands for every service's own pull_policy (also `never` and `build`), as compose's does.
 */
import type { ProjectSpec } from "../compose/model.js";

export type PullItem =
  | { service: string; image: string; action: "pull"; onlyIfMissing: boolean; buildable: boolean }
  | { service: string; image?: string; action: "skip"; reason: string };

export function pullPlan(spec: ProjectSpec, services: readonly string[], o: { ignoreBuildable?: boolean; policy?: "missing" | "always" } = {}): PullItem[] {
  const names = services.length ? [...services] : Object.keys(spec.services).sort();
  const seen = new Set<string>();
  return names.map((name): PullItem => {
    const s = spec.services[name]!;
    if (!s.image) return { service: name, action: "skip", reason: "no image: to pull (built from its build: section)" };
    const policy = (o.policy ?? s.pull_policy)?.replace(/-/g, "_");
    if (policy === "never" || policy === "build") return { service: name, image: s.image, action: "skip", reason: `pull_policy: ${s.pull_policy}` };
    if (s.build && o.ignoreBuildable) return { service: name, image: s.image, action: "skip", reason: "it can be built (--ignore-buildable)" };
    if (seen.has(s.image)) return { service: name, image: s.image, action: "skip", reason: "same image as another service" };
    seen.add(s.image);
    return { service: name, image: s.image, action: "pull", onlyIfMissing: policy === "missing" || policy === "if_not_present", buildable: !!s.build };
  });
}
