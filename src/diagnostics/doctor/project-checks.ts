/** Doctor checks that need berth's view of the engine or a compose file: images, orphans, the container cap. */
import type { ProjectSpec } from "../../compose/model.js";
import { findCleanable } from "../../cleanup/orphans.js";
import type { Engine } from "../../engine/engine.js";
import { guardSettings } from "../../guards/resources.js";
import { LABEL } from "../../labels.js";
import { builtImageName } from "../../lifecycle/build.js";
import { fail, pass, warn, type DoctorCheck } from "./check.js";

/** berth's own fixture and example images come from one script. */
const FIXTURE_IMAGE = /^berth-(fixtures|example)\//;

interface ImageNeed {
  image: string;
  services: string[];
  buildable: boolean;
}

/** Which images the file's services need, and whether `up` can build each. */
export function imagesNeeded(spec: ProjectSpec, env: Record<string, string | undefined>): ImageNeed[] {
  const production = /^(1|true|yes|on)$/i.test(env.USE_PRODUCTION_IMAGES ?? "");
  const needs = new Map<string, ImageNeed>();
  for (const s of Object.values(spec.services)) {
    const image = s.build ? builtImageName(spec, s, env) : s.image;
    if (!image) continue;
    const n = needs.get(image) ?? { image, services: [], buildable: false };
    n.services.push(s.name);
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
      checks.push(warn("images", `${m.image} (${who}) is missing; it has a build: section`, `\`berth up -f ${file}\` builds it before starting (\`berth up --build\` rebuilds it).`));
    } else {
      const how = FIXTURE_IMAGE.test(m.image)
        ? "build it with `bash scripts/build-images.sh`"
        : `berth never pulls: build it (\`DOCKER_BUILDKIT=0 docker build -t ${m.image} DIR\`), load it (\`docker load -i FILE.tar\`), or tag an existing image (\`docker tag SOURCE ${m.image}\`)`;
      checks.push(fail("images", `${m.image} (${who}) is not on the engine${present ? `; ${present} other${present === 1 ? "" : "s"} present` : ""}`, `${how[0]!.toUpperCase()}${how.slice(1)}.`));
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

export async function containerCapCheck(engine: Engine, env: Record<string, string | undefined>, signal?: AbortSignal): Promise<DoctorCheck> {
  const max = guardSettings(env).maxContainers;
  const running = (await engine.listContainers({ [LABEL.managed]: "true" }, { signal })).filter((c) => c.state === "running").length;
  if (max === 0) return pass("berth containers", `${running} running; no cap (BERTH_MAX_CONTAINERS=0)`);
  const detail = `${running} of at most ${max} running (BERTH_MAX_CONTAINERS)`;
  const fix = "Release environments you no longer need (`berth status`, `berth down <project>`), or raise BERTH_MAX_CONTAINERS.";
  if (running >= max) return fail("berth containers", `${detail}: \`berth up\` will refuse`, fix);
  if (running >= max * 0.8) return warn("berth containers", `${detail}: close to the cap`, fix);
  return pass("berth containers", detail);
}
