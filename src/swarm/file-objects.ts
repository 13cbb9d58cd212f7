/**
 * A project's secrets and configs as swarm objects: those its services use, created as
 * `<project>_<key>` with the project's labels (a plan step each, steps/create-file-object.ts),
 * or, when `external`, looked up by name before anything is created.
 */
import { readFile } from "node:fs/promises";
import type { ProjectSpec } from "../compose/model.js";
import type { Swarm } from "../engine/swarm.js";
import type { Labels } from "../engine/types.js";
import { BerthError } from "../errors.js";
import { usedFileObjects, type FileObjectKind } from "../plan/swarm-reconcile.js";
import { SWARM_LABEL, swarmObjectName } from "./labels.js";
import type { SwarmRuntime } from "./runtime.js";

export type { FileObjectKind } from "../plan/swarm-reconcile.js";
type FileObjectSpec = NonNullable<ProjectSpec["secrets"]>[string];
/** Secret/config key → the swarm object made or found for it. */
export type FileObjects = Record<string, { id: string; name: string }>;

const definitions = (spec: ProjectSpec, kind: FileObjectKind) => (kind === "secret" ? spec.secrets : spec.configs) ?? {};

/**
 * Checks that every secret and config the services use is defined, and finds the external ones
 * on the swarm (NOT_FOUND when one is missing): before the deploy creates anything.
 */
export async function findExternalObjects(
  swarm: Pick<Swarm, "listSecrets" | "listConfigs">,
  spec: ProjectSpec,
  signal?: AbortSignal,
): Promise<Record<FileObjectKind, FileObjects>> {
  const out: Record<FileObjectKind, FileObjects> = { secret: {}, config: {} };
  for (const kind of ["secret", "config"] as const) {
    const defined = definitions(spec, kind);
    const used = usedFileObjects(spec, kind);
    for (const key of used) {
      if (!defined[key]) throw new BerthError("COMPOSE_INVALID", `a service uses ${kind} ${key}, which the file does not define under ${kind}s:`);
    }
    const external = used.filter((key) => defined[key]!.external);
    if (external.length === 0) continue;
    const all = kind === "secret" ? await swarm.listSecrets({}, signal) : await swarm.listConfigs({}, signal);
    for (const key of external) {
      const name = defined[key]!.name ?? key;
      const found = all.find((x) => x.name === name);
      if (!found)
        throw new BerthError("NOT_FOUND", `external ${kind} ${name} (${kind}s.${key}) does not exist on the swarm`, {
          hint: `Create it first: docker ${kind} create ${name} FILE.`,
        });
      out[kind][key] = { id: found.id, name };
    }
  }
  return out;
}

export interface FileObjectContext {
  swarm: Pick<SwarmRuntime, "createSecret" | "createConfig">;
  spec: ProjectSpec;
  project: string;
  baseLabels: Labels;
  env: Record<string, string | undefined>;
}

/** Creates the project's (non-external) secret or config `key` with its data and labels. */
export async function createFileObject(kind: FileObjectKind, key: string, c: FileObjectContext): Promise<{ id: string; name: string }> {
  const obj = definitions(c.spec, kind)[key]!;
  const name = swarmObjectName(c.project, key);
  const data = await objectData(kind, key, obj, c.env);
  const labels = { ...(obj.labels ?? {}), ...c.baseLabels, [kind === "secret" ? SWARM_LABEL.secret : SWARM_LABEL.config]: key };
  // Not cancelled half-way (as every creating step): an aborted request does not stop the swarm from creating it.
  const id = kind === "secret" ? await c.swarm.createSecret(name, data, labels) : await c.swarm.createConfig(name, data, labels);
  return { id, name };
}

/** The bytes of a non-external secret or config: its file, an environment variable, or inline content. */
async function objectData(kind: FileObjectKind, key: string, obj: FileObjectSpec, env: Record<string, string | undefined>): Promise<Buffer> {
  if (obj.file) {
    try {
      return await readFile(obj.file);
    } catch (error) {
      throw new BerthError("COMPOSE_INVALID", `${kind}s.${key}.file: cannot read ${obj.file}: ${(error as Error).message}`, {
        hint: "Fix the path (relative paths are relative to the compose file).",
      });
    }
  }
  if (obj.environment !== undefined) {
    const v = env[obj.environment];
    if (v === undefined)
      throw new BerthError("COMPOSE_INVALID", `${kind}s.${key}.environment: the variable ${obj.environment} is not set`, {
        hint: `Set ${obj.environment} in berth's environment.`,
      });
    return Buffer.from(v);
  }
  return Buffer.from(obj.content ?? "");
}
