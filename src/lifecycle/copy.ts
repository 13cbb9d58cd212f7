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
  /**
   * Into a container: keep the host files' owner ids (uid, gid), as `docker cp -a` promises;
   * without it everything copied belongs to the container's root user.
   */
  archive?: boolean;
  /**
   * Follow the source path if it is a symlink (`docker cp -L`): its target is copied, under the
   * link's name. Links inside a copied directory stay links.
   */
  followLink?: boolean;
  signal?: AbortSignal;
}

export async function containerOf(engine: Runtime, project: string, service: string, o: { replica?: number; signal?: AbortSignal }): Promise<string> {
  const replica = o.replica ?? 1;
  const c = (await projectContainers(engine, project, { services: [service], signal: o.signal })).find((x) => x.number === replica);
  if (!c) throw new BerthError("NOT_FOUND", `service ${service} of ${project} has no replica ${replica}`, { hint: "Replicas are numbered from 1." });
  return c.id;
}

/**
 * A host file or directory (recursively) as tar entries named under `name`. `o.follow`: the
 * top path is followed if it is a symlink; `o.owners`: the entries carry the files' uid and gid.
 */
async function hostEntries(source: string, name: string, o: { follow?: boolean; owners?: boolean } = {}): Promise<TarEntry[]> {
  const s = o.follow ? await stat(source) : await lstat(source);
  const common = { path: name, mode: s.mode & 0o7777, mtimeMs: s.mtimeMs, ...(o.owners ? { uid: s.uid, gid: s.gid } : {}) };
  if (s.isSymbolicLink()) return [{ ...common, type: "symlink", linkTarget: await readlink(source) }];
  if (s.isFile()) return [{ ...common, type: "file", data: await readFile(source) }];
  if (!s.isDirectory()) throw new BerthError("USAGE", `copyTo: ${source} is neither a file nor a directory`);
  const out: TarEntry[] = [{ ...common, type: "directory" }];
  const inner = { owners: o.owners };
  for (const child of (await readdir(source)).sort()) out.push(...(await hostEntries(join(source, child), `${name}/${child}`, inner)));
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
    : await hostEntries(source, name, { follow: o.followLink, owners: o.archive }).catch((error: NodeJS.ErrnoException) => {
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
  const source = o.followLink ? await followedPath(engine, id, containerPath, o.signal) : { path: containerPath };
  const archived = await engine.getArchive(id, source.path, { signal: o.signal });
  const entries = source.rename && archived[0] ? rebase(archived, archived[0].path, source.rename) : archived;
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

/**
 * The path to copy out for `docker cp -L`: a symlink's target (the engine resolves it to an
 * absolute path in the container), to be renamed to the link's own name, as docker cp does.
 */
export async function followedPath(
  engine: Pick<EnvironmentRuntime, "pathStat">,
  id: string,
  path: string,
  signal?: AbortSignal,
): Promise<{ path: string; rename?: string }> {
  const stat = await engine.pathStat(id, path.replace(/\/$/, ""), { signal });
  if (stat.kind !== "symlink") return { path };
  return { path: stat.linkTarget, rename: posix.basename(path.replace(/\/$/, "")) };
}

/** The archive's entries with its top entry `from` (and everything under it) renamed to `to`. */
export function rebase(entries: TarEntry[], from: string, to: string): TarEntry[] {
  return entries.map((e) => (e.path === from ? { ...e, path: to } : e.path.startsWith(`${from}/`) ? { ...e, path: to + e.path.slice(from.length) } : e));
}
