/**
 * Copies volume contents engine-side: one short-lived helper container mounts every source at
 * /from/<i> and every target at /to/<i>, empties each target and copies with `cp -a` (owners, modes,
 * times and links kept), then is removed whatever happens. The data never leaves the engine.
 */
import { currentOwner } from "../cleanup/process-liveness.js";
import { BerthError } from "../errors.js";
import type { Runtime } from "../engine/runtime.js";
import type { Labels } from "../engine/types.js";
import { extraLabels, LABEL, projectLabels } from "../labels.js";
import { SNAPSHOT_LABEL } from "./labels.js";

/** The image the helper runs (needs `sh`, `rm`, `cp`, `sleep`): BERTH_HELPER_IMAGE, else busybox. */
export function helperImage(env: Record<string, string | undefined>, given?: string): string {
  return given ?? env.BERTH_HELPER_IMAGE ?? "busybox:1.36";
}

export interface CopyPair {
  from: string;
  to: string;
}

export interface CopyOptions {
  project: string;
  image: string;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
}

/** The shell script copying /from/<i> over /to/<i> for every pair (targets emptied first, dotfiles included). */
export function copyScript(count: number): string {
  const steps: string[] = [];
  for (let i = 0; i < count; i++) steps.push(`rm -rf /to/${i}/..?* /to/${i}/.[!.]* /to/${i}/* && cp -a /from/${i}/. /to/${i}/`);
  return `set -e; ${steps.join(" && ") || "true"}`;
}

/**
 * The helper's labels: the project's and this process's, so that `down` of the environment, `clean`
 * and the reaper remove a helper its process left behind (a one-off: never taken for a replica).
 */
function helperLabels(o: CopyOptions): Labels {
  return {
    ...extraLabels(o.env),
    ...projectLabels({
      project: o.project,
      kind: "test",
      lifetime: "process",
      owner: currentOwner(),
      createdAt: new Date(),
      configHash: "",
      files: [],
      workingDir: "",
    }),
    [LABEL.oneoff]: "true",
    [SNAPSHOT_LABEL.helper]: "true",
  };
}

export async function copyVolumes(runtime: Runtime, pairs: CopyPair[], o: CopyOptions): Promise<void> {
  if (pairs.length === 0) return;
  if (!(await runtime.inspectImage(o.image, { signal: o.signal }))) {
    throw new BerthError("IMAGE_NOT_FOUND", `the helper image ${o.image} that copies volume contents is not on the engine`, {
      hint: "Pull or build it, or name another image with `sh`, `cp` and `sleep` in BERTH_HELPER_IMAGE (or the helperImage option).",
    });
  }
  const name = `${o.project}_snapshot-helper_${process.pid}_${Math.random().toString(16).slice(2, 8)}`;
  const id = await runtime.createContainer(
    {
      name,
      image: o.image,
      labels: helperLabels(o),
      env: [],
      // Busybox as PID 1 ignores SIGTERM: the helper is removed with force (killed), never stopped.
      cmd: ["sleep", "3600"],
      exposedPorts: [],
      portBindings: {},
      mounts: pairs.flatMap((p, i) => [
        { type: "volume" as const, source: p.from, target: `/from/${i}` },
        { type: "volume" as const, source: p.to, target: `/to/${i}` },
      ]),
      networkMode: "none",
      runtime: {},
    },
    { signal: o.signal },
  );
  try {
    await runtime.startContainer(id, { signal: o.signal });
    const r = await runtime.exec(id, ["sh", "-c", copyScript(pairs.length)], { signal: o.signal });
    if (r.exitCode !== 0) {
      throw new BerthError("ENGINE_ERROR", `copying volume contents failed (exit ${r.exitCode}): ${r.output.trim().slice(0, 300)}`, {
        hint: "The helper container could not copy the data; check the volumes' free space and the helper image.",
      });
    }
  } finally {
    await runtime.removeContainer(id, { force: true });
  }
}
