/**
 * Copies chosen container paths (paths.ts) into snapshot volumes and back, through the engine's
 * archive endpoints (Runtime.copyArchive: the engine's own tar, streamed, owners, modes and times
 * kept). A helper container mounts the snapshot volumes at /snap/<i>; it is created but never
 * started (the engine reads and writes the mounts of a created container all the same), so its
 * image needs nothing, and it is removed whatever happens. Saving streams each path of its
 * (stopped) container into /snap/<i>, which then holds the path under its base name; restoring
 * streams /snap/<i>/<base name> back into the path's parent folder, replacing what is there.
 */
import { posix } from "node:path";
import type { Runtime } from "../engine/runtime.js";
import { BerthError } from "../errors.js";
import { helperLabels, type CopyOptions } from "./copy-volumes.js";
import type { PathSource } from "./paths.js";

/** A path of a container and the snapshot volume that holds it. */
export type PathCopy = Pick<PathSource, "container" | "path" | "service" | "number"> & { volume: string };

/** NOT_FOUND for a path that its container does not have (asked before anything is stopped). */
export async function checkPathsExist(runtime: Runtime, sources: PathSource[], signal?: AbortSignal): Promise<void> {
  const kinds = await Promise.all(sources.map((s) => runtime.pathKind(s.container, s.path, { signal })));
  const missing = sources.find((_, i) => kinds[i] === "missing");
  if (missing) {
    throw new BerthError("NOT_FOUND", `service ${missing.service} (replica ${missing.number}) has no ${missing.path} to save`, {
      hint: "Name a path that exists in the service's containers.",
    });
  }
}

/** A created (never started) helper mounting `volumes` at /snap/<i>; its id. */
async function createPathHelper(runtime: Runtime, volumes: string[], o: CopyOptions): Promise<string> {
  if (!(await runtime.inspectImage(o.image, { signal: o.signal }))) {
    throw new BerthError("IMAGE_NOT_FOUND", `the helper image ${o.image} that holds the snapshot's paths is not on the engine`, {
      hint: "Pull or build it, or name another image in BERTH_HELPER_IMAGE (or the helperImage option).",
    });
  }
  return runtime.createContainer(
    {
      name: `${o.project}_snapshot-paths_${process.pid}_${Math.random().toString(16).slice(2, 8)}`,
      image: o.image,
      labels: helperLabels({ ...o, standby: undefined }),
      env: [],
      cmd: ["true"],
      exposedPorts: [],
      portBindings: {},
      mounts: volumes.map((v, i) => ({ type: "volume" as const, source: v, target: `/snap/${i}` })),
      networkMode: "none",
      runtime: {},
    },
    { signal: o.signal },
  );
}

async function withPathHelper(runtime: Runtime, copies: PathCopy[], o: CopyOptions, fn: (helper: string) => Promise<void>): Promise<void> {
  if (copies.length === 0) return;
  const helper = await createPathHelper(
    runtime,
    copies.map((c) => c.volume),
    o,
  );
  try {
    await fn(helper);
  } finally {
    await runtime.removeContainer(helper, { force: true });
  }
}

/** Streams each path of its container into its snapshot volume. */
export async function savePaths(runtime: Runtime, copies: PathCopy[], o: CopyOptions): Promise<void> {
  await withPathHelper(runtime, copies, o, async (helper) => {
    for (const [i, c] of copies.entries()) {
      await runtime.copyArchive({ container: c.container, path: c.path }, { container: helper, dir: `/snap/${i}` }, { signal: o.signal });
    }
  });
}

/** Puts each saved path back into its (stopped) container: exactly the saved contents, what was added since is gone. */
export async function restorePaths(runtime: Runtime, copies: PathCopy[], o: CopyOptions): Promise<void> {
  await withPathHelper(runtime, copies, o, async (helper) => {
    for (const [i, c] of copies.entries()) {
      await runtime.copyArchive(
        { container: helper, path: `/snap/${i}/${posix.basename(c.path)}` },
        { container: c.container, dir: posix.dirname(c.path) },
        { signal: o.signal, replace: true },
      );
    }
  });
}
