/** Doctor checks that need berth's view of the engine or a compose file: images, orphans, the container cap. */
import type { ProjectSpec } from "../../compose/model.js";
import { findCleanable } from "../../cleanup/orphans.js";
import type { Engine } from "../../engine/engine.js";
import { queueReport } from "../../guards/admission-report.js";
import { guardSettings } from "../../guards/resources.js";
import { parsePullPolicy } from "../../images/pull-policy.js";
import { builtImageName } from "../../lifecycle/build.js";
import { registryOf } from "../../registry/reference.js";
import { fail, pass, warn, type DoctorCheck } from "./check.js";

/** berth's own fixture and example images come from one script. */
const FIXTURE_IMAGE = /^berth-(fixtures|example)\//;

interface ImageNeed {
  image: string;
  services: string[];
  buildable: boolean;
  /** Some service using it may pull it (pull_policy is not never). */
  pullable: boolean;
}

/** Which images the file's services need, and whether `up` can build each. */
export function imagesNeeded(spec: ProjectSpec, env: Record<string, string | undefined>): ImageNeed[] {
  const production = /^(1|true|yes|on)$/i.test(env.USE_PRODUCTION_IMAGES ?? "");
  const needs = new Map<string, ImageNeed>();
  for (const s of Object.values(spec.services)) {
    const image = s.build ? builtImageName(spec, s, env) : s.image;
    if (!image) continue;
    const n = needs.get(image) ?? { image, services: [], buildable: false, pullable: false };
    n.services.push(s.name);
    n.pullable ||= !s.build && parsePullPolicy(s.pull_policy)?.kind !== "never";
    n.buildable ||= !!s.build && !production;
    needs.set(image, n);
  }
  return [...needs.values()].sort((a, b) => a.image.localeCompare(b.image));
}

export async function imageChecks(engine: Engine, spec: ProjectSpec, env: Record<string, string | undefined>, signal?: AbortSignal): Promise<DoctorCheck[]> {
  const needs = imagesNeeded(spec, env);
  const file = spec.files[0] ?? "compose.yaml";
  const found = await Promise.all(needs.map(async (n) => ({ ...n, present: (await engine.inspectImage(n.image, { signal })) !== null })));
  const missing = found.filter((n) => !n.present);
  const checks: DoctorCheck[] = [];
  const present = found.length - missing.length;
  if (missing.length === 0) checks.push(pass("images", `all ${found.length} image${found.length === 1 ? "" : "s"} of ${file} present`));
  for (const m of missing) {
    const who = `service${m.services.length > 1 ? "s" : ""} ${m.services.join(", ")}`;
    if (m.buildable) {
      checks.push(
        warn(
          "images",
          `${m.image} (${who}) is missing; it has a build: section`,
          `\`berth up -f ${file}\` builds it before starting (\`berth up --build\` rebuilds it).`,
        ),
      );
    } else if (m.pullable && !FIXTURE_IMAGE.test(m.image)) {
      checks.push(
        warn(
          "images",
          `${m.image} (${who}) is not on the engine; \`berth up\` pulls it from ${registryOf(m.image)}`,
          `\`berth pull -f ${file}\` pulls it now (credentials from the docker CLI's config, as \`docker pull\`).`,
        ),
      );
    } else {
      const how = FIXTURE_IMAGE.test(m.image)
        ? "build it with `bash scripts/build-images.sh`"
        : `pull_policy never: pull it (\`berth pull\`), build it (\`DOCKER_BUILDKIT=0 docker build -t ${m.image} DIR\`), load it (\`docker load -i FILE.tar\`), or tag an existing image (\`docker tag SOURCE ${m.image}\`)`;
      checks.push(
        fail(
          "images",
          `${m.image} (${who}) is not on the engine${present ? `; ${present} other${present === 1 ? "" : "s"} present` : ""}`,
          `${how[0]!.toUpperCase()}${how.slice(1)}.`,
        ),
      );
    }
  }
  return checks;
}

export async function orphanCheck(engine: Engine, signal?: AbortSignal): Promise<DoctorCheck> {
  const items = await findCleanable(engine, { signal });
  if (items.length === 0) return pass("orphans", "no berth orphans (dead owner or expired)");
  const projects = [...new Set(items.map((i) => i.project))].sort();
  const count = (k: string) => items.filter((i) => i.kind === k).length;
  return warn(
    "orphans",
    `${projects.length} orphaned environment${projects.length === 1 ? "" : "s"} (${count("container")} containers, ${count("network")} networks, ${count("volume")} volumes): ${projects.slice(0, 5).join(", ")}${projects.length > 5 ? ", …" : ""}`,
    "`berth clean` removes them (`berth clean --dry-run` lists them first); any other berth command also reaps them.",
  );
}

/** The container cap and the admission queue (docs/guards.md): containers in use against the cap, and who waits. */
export async function containerCapCheck(engine: Engine, env: Record<string, string | undefined>, signal?: AbortSignal): Promise<DoctorCheck[]> {
  const setting = guardSettings(env).maxContainers;
  const q = await queueReport(engine, env, signal);
  const fix = "Release environments you no longer need (`berth status`, `berth down <project>`), or raise BERTH_MAX_CONTAINERS.";
  const waiting = q.tickets.filter((t) => !t.admitted);
  const admitted = q.tickets.length - waiting.length;
  const list = q.tickets
    .slice(0, 8)
    .map((t) => `${t.project} (${t.containers} containers, ${t.admitted ? "admitted" : `waiting #${t.position}`})`)
    .join(", ");
  const queue =
    q.tickets.length === 0
      ? pass("admission queue", "empty: no acquire is waiting for capacity")
      : (waiting.length ? warn : pass)("admission queue", `${admitted} admitted, ${waiting.length} waiting: ${list}${q.tickets.length > 8 ? ", …" : ""}`, fix);
  if (setting === 0) return [pass("berth containers", `${q.containers} on the engine; no cap (BERTH_MAX_CONTAINERS=0)`), queue];
  const source = setting === "auto" ? "the default cap for this engine's CPUs; BERTH_MAX_CONTAINERS sets another" : "BERTH_MAX_CONTAINERS";
  const detail = `${q.inUse} of at most ${q.cap} in use (${source})`;
  if (q.inUse >= q.cap) return [warn("berth containers", `${detail}: new environments wait for capacity (\`--no-wait\` refuses)`, fix), queue];
  if (q.inUse >= q.cap * 0.8) return [warn("berth containers", `${detail}: close to the cap`, fix), queue];
  return [pass("berth containers", detail), queue];
}
