/**
 * `build:` sections, built through the Engine API before anything of the environment is created.
 *
 * Built images are named like Compose names them (the service's `image:`, else
 * `<compose project>-<service>`), so environments of the same file share one build rather than
 * piling up a tag per environment; the builder's layer cache makes a rebuild of an unchanged
 * context cheap. An image is built when it is missing, or always with `build: true` (`up --build`),
 * `pull_policy: build` or `--pull build`.
 * Environment variables: DOCKER_TAG is the tag of built images that name none (default
 * "latest"); BUILD_TARGET is the stage built when the file names none; USE_PRODUCTION_IMAGES=true
 * builds nothing and requires every image to exist.
 *
 * Before the builds, berth pulls their base images itself (images/base-pulls.ts: with the docker
 * CLI's credentials, which the classic builder never gets): absent ones, or all of them with
 * `build.pull: true`. The builder is asked to pull (`build.pull`) only when berth could not read
 * every base from the Dockerfile.
 */
import { basename } from "node:path";
import type { ProjectSpec, ServiceSpec } from "../compose/model.js";
import type { Runtime } from "../engine/runtime.js";
import { BerthError } from "../errors.js";
import type { EventListener } from "../events.js";
import { pullBaseImages } from "../images/base-pulls.js";
import { rebuildsAlways, type PullOverride } from "../images/pull-policy.js";
import { sanitizeProjectName } from "../plan/naming.js";

export interface BuildOptions {
  engine: Runtime;
  project: string;
  env: Record<string, string | undefined>;
  /** Rebuild even when the image exists. */
  always?: boolean;
  /** Build without the builder's layer cache (`berth build --no-cache`). */
  noCache?: boolean;
  /** The builder's output, line by line (`berth build` prints it). */
  onLine?: (service: string, line: string) => void;
  /** `--pull` / the API's `pull`: `build` rebuilds every image, `always`/`never` decide the base images' pulls. */
  pull?: PullOverride;
  emit: EventListener;
  signal?: AbortSignal;
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && /^(1|true|yes|on)$/i.test(v);
}

/** The image name a built service gets. */
export function builtImageName(spec: ProjectSpec, service: ServiceSpec, env: Record<string, string | undefined>): string {
  if (service.image) return service.image;
  const base = sanitizeProjectName(spec.name ?? basename(spec.working_dir));
  return `${base}-${service.name}:${env.DOCKER_TAG || "latest"}`;
}

/** Builds what needs building; returns the spec with every built service's `image` set. */
export async function buildServices(spec: ProjectSpec, o: BuildOptions): Promise<ProjectSpec> {
  const toBuild = Object.values(spec.services).filter((s) => s.build);
  if (toBuild.length === 0) return spec;
  const production = truthy(o.env.USE_PRODUCTION_IMAGES);
  const services = { ...spec.services };
  const builds: { s: ServiceSpec; tag: string }[] = [];
  for (const s of toBuild) {
    const tag = builtImageName(spec, s, o.env);
    services[s.name] = { ...s, image: tag };
    if (production) {
      if (!s.image) {
        throw new BerthError("USAGE", `USE_PRODUCTION_IMAGES is set but service ${s.name} has only a build: section and no image:`, {
          hint: "Give the service an image: naming the production image, or unset USE_PRODUCTION_IMAGES.",
        });
      }
      continue;
    }
    if (!o.always && !rebuildsAlways(s.pull_policy, o.pull) && (await o.engine.inspectImage(tag, { signal: o.signal }))) continue;
    const context = s.build!.context;
    if (/^[a-z]+:\/\//i.test(context) || context.startsWith("git@")) {
      throw new BerthError("USAGE", `service ${s.name}: build context ${context} is remote; berth builds from local directories only`, {
        hint: "Check the repository out and point build.context at the directory.",
      });
    }
    builds.push({ s, tag });
  }
  if (builds.length === 0) return { ...spec, services };
  const basesHandled = await pullBaseImages(
    { project: o.project, engine: o.engine, env: o.env, emit: o.emit, signal: o.signal },
    builds.map((x) => x.s),
    o.pull,
  );
  for (const { s, tag } of builds) {
    const b = s.build!;
    const t0 = Date.now();
    o.emit({ type: "build", project: o.project, service: s.name, image: tag, phase: "begin", at: t0 });
    await o.engine.buildImage(
      {
        context: b.context,
        dockerfile: b.dockerfile,
        tag,
        ...(b.tags?.length ? { extraTags: b.tags } : {}),
        args: b.args,
        target: b.target ?? (o.env.BUILD_TARGET || undefined),
        labels: b.labels,
        ...(o.noCache ? { noCache: true } : {}),
        // berth pulled every base already, with credentials; the builder's own pull would be anonymous.
        ...(b.pull && !basesHandled.has(s.name) ? { pull: true } : {}),
      },
      { signal: o.signal, ...(o.onLine ? { onLine: (line: string) => o.onLine!(s.name, line) } : {}) },
    );
    o.emit({ type: "build", project: o.project, service: s.name, image: tag, phase: "done", at: Date.now(), elapsedMs: Date.now() - t0 });
  }
  return { ...spec, services };
}
