/**
 * A project's secrets and configs as swarm objects: those its services use, created as
 * `<project>_<key>` with the project's labels, or, when `external`, looked up by name.
 */
import { readFile } from "node:fs/promises";
import type { ProjectSpec } from "../compose/model.js";
import type { Swarm } from "../engine/swarm.js";
import type { Labels } from "../engine/types.js";
import { BerthError } from "../errors.js";
import { SWARM_LABEL, swarmObjectName } from "./labels.js";

export type FileObjectKind = "secret" | "config";
type FileObjectSpec = NonNullable<ProjectSpec["secrets"]>[string];
/** Secret/config key → the swarm object made or found for it. */
export type FileObjects = Record<string, { id: string; name: string }>;

export interface FileObjectContext {
  swarm: Swarm;
  spec: ProjectSpec;
  project: string;
  baseLabels: Labels;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
}

export async function createFileObjects(kind: FileObjectKind, c: FileObjectContext): Promise<FileObjects> {
  const objects = (kind === "secret" ? c.spec.secrets : c.spec.configs) ?? {};
  const used = new Set(Object.values(c.spec.services).flatMap((s) => (kind === "secret" ? s.secrets : s.configs)?.map((r) => r.source) ?? []));
  const out: FileObjects = {};
  for (const key of [...used].sort()) {
    const obj = objects[key];
    if (!obj) throw new BerthError("COMPOSE_INVALID", `a service uses ${kind} ${key}, which the file does not define under ${kind}s:`);
    out[key] = obj.external ? await findExternal(kind, key, obj.name ?? key, c) : await createOne(kind, key, obj, c);
  }
  return out;
}

async function findExternal(kind: FileObjectKind, key: string, name: string, c: FileObjectContext): Promise<{ id: string; name: string }> {
  const all = kind === "secret" ? await c.swarm.listSecrets({}, c.signal) : await c.swarm.listConfigs({}, c.signal);
  const found = all.find((x) => x.name === name);
  if (!found)
    throw new BerthError("NOT_FOUND", `external ${kind} ${name} (${kind}s.${key}) does not exist on the swarm`, {
      hint: `Create it first: docker ${kind} create ${name} FILE.`,
    });
  return { id: found.id, name };
}

async function createOne(kind: FileObjectKind, key: string, obj: FileObjectSpec, c: FileObjectContext): Promise<{ id: string; name: string }> {
  const name = swarmObjectName(c.project, key);
  const data = await objectData(kind, key, obj, c.env);
  const labels = { ...(obj.labels ?? {}), ...c.baseLabels, [kind === "secret" ? SWARM_LABEL.secret : SWARM_LABEL.config]: key };
  const id = kind === "secret" ? await c.swarm.createSecret(name, data, labels, c.signal) : await c.swarm.createConfig(name, data, labels, c.signal);
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
