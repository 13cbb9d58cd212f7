/**
 * The base images of `build:` services, pulled by berth before the build. The classic builder
 * pulls a missing base image by itself, but anonymously (it gets no registry credentials), which
 * fails against a registry that asks for them. So berth reads each Dockerfile's bases
 * (dockerfile-bases.ts) and pulls them as the pull phase pulls service images (runPulls: the docker
 * CLI's credentials, the per-image cross-process lock, progress events, retries, IMAGE_PULL_FAILED
 * naming the base image and its services): when absent, always with `build.pull: true` or
 * `--pull always`, never with `--pull never` (the builder then does what it does by itself).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { ServiceSpec } from "../compose/model.js";
import { dockerfileBases, type DockerfileBases } from "./dockerfile-bases.js";
import { presentImages, pullsOf, runPulls, type PullContext } from "./pull-phase.js";
import { decidePulls, type ImageUse, type PullOverride } from "./pull-policy.js";

type Env = Record<string, string | undefined>;

/** The bases of a service's build, from its Dockerfile; undefined when berth cannot read it (the build then says why). */
export function serviceBases(s: ServiceSpec, env: Env): DockerfileBases | undefined {
  const b = s.build;
  if (!b) return undefined;
  let text = b.dockerfile_inline;
  if (text === undefined) {
    try {
      text = readFileSync(resolve(b.context, b.dockerfile ?? "Dockerfile"), "utf8");
    } catch {
      return undefined;
    }
  }
  return dockerfileBases(text, { args: b.args, target: b.target ?? (env.BUILD_TARGET || undefined) });
}

/** The pull policy of a service's base images. */
export function basePolicy(s: ServiceSpec, override: PullOverride | undefined): "always" | "missing" | "never" {
  if (override === "always" || override === "never") return override;
  return s.build?.pull ? "always" : "missing";
}

/**
 * Pulls the base images of `services`' builds as their policies say. Returns the services whose
 * every base berth found and handled: their builder need not pull anything itself.
 */
export async function pullBaseImages(ctx: PullContext, services: readonly ServiceSpec[], override?: PullOverride): Promise<Set<string>> {
  const complete = new Set<string>();
  const uses: ImageUse[] = [];
  for (const s of services) {
    const found = serviceBases(s, ctx.env);
    if (!found) continue;
    if (found.unresolved.length === 0) complete.add(s.name);
    const pullPolicy = basePolicy(s, override);
    for (const b of found.bases) uses.push({ service: s.name, image: b.image, platform: b.platform, pullPolicy, buildable: false });
  }
  if (uses.length === 0) return complete;
  const present = await presentImages(ctx.engine, uses, ctx.signal);
  const decidedAt = Date.now();
  await runPulls(ctx, pullsOf(decidePulls(uses, { present, lastPulled: {}, now: decidedAt })), decidedAt, "base");
  return complete;
}
