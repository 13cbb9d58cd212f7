/**
 * Files into and out of a service's container, as `docker cp` does (Testcontainers'
 * copyFilesToContainer / copyContentToContainer / copyArchiveFromContainer).
 */
import { lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from "node:fs/promises";
import { basename, join, posix } from "node:path";
import type { Runtime } from "../engine/runtime.js";
import type { EnvironmentRuntime } from "./environment-runtime.js";
import type { TarEntry } from "../engine/tar.js";
import { BerthError } from "../errors.js";
import { projectContainers } from "./operations.js";

export interface CopyOptions {
  /** Which replica (default 1). */
  replica?: number;
  /** Permission bits of a copied Buffer (default 0o644); files keep their own. */
  mode?: number;
  signal?: AbortSignal;
}

export async function containerOf(engine: Runtime, project: string, service: string, o: { replica?: number; signal?: AbortSignal }): Promise<string> {
  const replica = o.replica ?? 1;
  const c = (await projectContainers(engine, project, { services: [service], signal: o.signal })).find((x) => x.number === replica);
  if (!c) throw new BerthError("NOT_FOUND", `service ${service} of ${project} has no replica ${replica}`, { hint: "Replicas are numbered from 1." });
  return c.id;
}

/** A host file or directory (recursively) as tar entries named under `name`. */
async function hostEntries(source: string, name: string): Promise<TarEntry[]> {
  const s = await lstat(source);
  const common = { path: name, mode: s.mode & 0o7777, mtimeMs: s.mtimeMs };
  if (s.isSymbolicLink()) return [{ ...common, type: "symlink", linkTarget: await readlink(source) }];
  if (s.isFile()) return [{ ...common, type: "file", data: await readFile(source) }];
  if (!s.isDirectory()) throw new BerthError("USAGE", `copyTo: ${source} is neither a file nor a directory`);
  const out: TarEntry[] = [{ ...common, type: "directory" }];
  for (const child of (await readdir(source)).sort()) out.push(...(await hostEntries(join(source, child), `${name}/${child}`)));
  return out;
}

/**
 * Copies a host file or directory, or a Buffer's bytes, to `containerPath` (the full path of the
 * file or directory it becomes). Its parent directory must exist in the container.
 */
export async function copyToContainer(
  engine: EnvironmentRuntime,
  project: string,
  service: string,
  source: string | Buffer,
  containerPath: string,
  o: CopyOptions = {},
): Promise<void> {
  if (!posix.isAbsolute(containerPath) || containerPath === "/") {
    throw new BerthError("USAGE", `copyTo: container path "${containerPath}" must be an absolute path below /`, {
      hint: "Give the full path the file or directory becomes, e.g. /etc/app/config.json.",
    });
  }
  const target = posix.normalize(containerPath).replace(/\/$/, "");
  const name = posix.basename(target);
  const entries = Buffer.isBuffer(source)
    ? [{ path: name, type: "file" as const, mode: o.mode ?? 0o644, data: source }]
    : await hostEntries(source, name).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") throw new BerthError("USAGE", `copyTo: ${source} does not exist on this machine`);
        throw error;
      });
  const id = await containerOf(engine, project, service, o);
  try {
    await engine.putArchive(id, posix.dirname(target), entries, { signal: o.signal });
  } catch (error) {
    if ((error as BerthError).code === "NOT_FOUND") {
      throw new BerthError("NOT_FOUND", `copyTo ${service}:${target}: the directory ${posix.dirname(target)} does not exist in the container`, {
        hint: `Create it first, e.g. env.exec("${service}", ["mkdir", "-p", "${posix.dirname(target)}"]).`,
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Copies the container's file or directory `containerPath` to `hostPath`, as `docker cp` does: a
 * file becomes `hostPath` (or goes inside it when it is an existing directory); a directory's
 * contents go into `hostPath` (created), or into `hostPath/<name>` when `hostPath` exists.
 */
export async function copyFromContainer(
  engine: EnvironmentRuntime,
  project: string,
  service: string,
  containerPath: string,
  hostPath: string,
  o: CopyOptions = {},
): Promise<void> {
  const id = await containerOf(engine, project, service, o);
  const entries = await engine.getArchive(id, containerPath, { signal: o.signal });
  const root = entries[0];
  if (!root) throw new BerthError("NOT_FOUND", `copyFrom ${service}:${containerPath}: the engine returned nothing`);
  const into = await stat(hostPath).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const base = into ? join(hostPath, basename(root.path)) : hostPath;
  for (const e of entries) {
    const rel = e.path === root.path ? "" : e.path.slice(root.path.length + 1);
    // The engine names entries under the copied path; anything else would escape hostPath.
    if (!(e.path === root.path || e.path.startsWith(`${root.path}/`)) || rel.split("/").includes("..")) continue;
    const dest = rel ? join(base, rel) : base;
    if (e.type === "directory") await mkdir(dest, { recursive: true, mode: e.mode || 0o755 });
    else if (e.type === "file") await writeFile(dest, e.data ?? Buffer.alloc(0), { mode: e.mode || 0o644 });
    else
      await symlink(e.linkTarget ?? "", dest).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "EEXIST") throw error;
      });
  }
}
