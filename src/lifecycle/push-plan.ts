/**
 * Which images `berth push` (and `berth build --push`) push, decided from the compose model alone,
 * as `docker compose push` decides: only a service that is built (`build:`) and names where its
 * image goes (`image:`) is pushed, under that name and each of `build.tags`; the others are
 * skipped (an image the file only pulls is someone else's to push). For `build --push` a built
 * service without `image:` is an error, as in compose: the name berth gives it is local.
 * A tag two services share is pushed once.
 */
import type { ProjectSpec } from "../compose/model.js";
import { BerthError } from "../errors.js";

export type PushItem = { service: string; action: "push"; images: string[] } | { service: string; action: "skip"; reason: string };

export function pushPlan(spec: ProjectSpec, services: readonly string[], o: { imageMandatory?: boolean } = {}): PushItem[] {
  const names = services.length ? [...services] : Object.keys(spec.services).sort();
  if (o.imageMandatory) {
    const unnamed = names.filter((n) => spec.services[n]!.build && !spec.services[n]!.image);
    if (unnamed.length) {
      throw new BerthError("USAGE", `--push: ${unnamed.join(", ")} ${unnamed.length === 1 ? "has" : "have"} a build: section but no image: to push to`, {
        hint: "Give each service that should be pushed an image: naming its registry and repository (e.g. registry.example.com/team/api:1.2), or build without --push.",
        details: { services: unnamed },
      });
    }
  }
  const seen = new Set<string>();
  return names.map((name): PushItem => {
    const s = spec.services[name]!;
    if (!s.build) return { service: name, action: "skip", reason: "no build: section (its image is pulled, not built here)" };
    if (!s.image) return { service: name, action: "skip", reason: "no image: naming where to push" };
    const images = [s.image, ...(s.build.tags ?? [])].filter((t) => !seen.has(t));
    for (const t of images) seen.add(t);
    if (images.length === 0) return { service: name, action: "skip", reason: "same image as another service" };
    return { service: name, action: "push", images };
  });
}
