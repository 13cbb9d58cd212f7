/** The Engine API's archive endpoints: files into and out of a container, as tar (see tar.ts). */
import { posix } from "node:path";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { call, type EngineAccess } from "./access.js";
import { statusOf, toBerthError } from "./errors.js";
import { readTar, writeTar, type TarEntry } from "./tar.js";
import type { CallOptions, PathStat } from "./types.js";

// The type lives in types.ts, which the published declarations may reach without dockerode.
export type { PathStat } from "./types.js";

/**
 * Extracts `entries` into the directory `dir` of the container (which must exist), with the owner
 * ids the entries carry (0 when they name none). The engine's `copyUIDGID` is never sent: dockerd
 * then gives everything to the container's USER, looked up on the daemon's host, which is neither
 * what the entries say nor predictable.
 */
export async function putArchive(access: EngineAccess, id: string, dir: string, entries: TarEntry[], opts: CallOptions = {}): Promise<void> {
  await call(access, `copy into ${id.slice(0, 12)}:${dir}`, () =>
    access.docker.getContainer(id).putArchive(writeTar(entries), { path: dir, abortSignal: opts.signal }),
  );
}

/** `path` of the container as tar entries: a file as one entry, a directory with everything under it. */
export async function getArchive(access: EngineAccess, id: string, path: string, opts: CallOptions = {}): Promise<TarEntry[]> {
  return call(access, `copy out of ${id.slice(0, 12)}:${path}`, async () => {
    const stream = await access.docker.getContainer(id).getArchive({ path, abortSignal: opts.signal });
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
    return readTar(Buffer.concat(chunks));
  });
}

/** `path` of the container as the engine's own tar stream, written to `sink` as it comes (`berth cp SERVICE:PATH -`). */
export async function exportArchive(access: EngineAccess, id: string, path: string, sink: Writable, opts: CallOptions = {}): Promise<void> {
  const stream = await call(access, `copy out of ${id.slice(0, 12)}:${path}`, () =>
    access.docker.getContainer(id).getArchive({ path, abortSignal: opts.signal }),
  );
  // Not `end`ed: the sink is the caller's (process.stdout, which must stay open).
  await pipeline(stream as Readable, sink, { end: false, ...(opts.signal ? { signal: opts.signal } : {}) });
}

/** Extracts the tar stream `source` into the existing directory `dir` of the container, as it comes (`berth cp - SERVICE:DIR`). */
export async function importArchive(access: EngineAccess, id: string, dir: string, source: Readable, opts: CallOptions = {}): Promise<void> {
  await call(access, `copy into ${id.slice(0, 12)}:${dir}`, () => access.docker.getContainer(id).putArchive(source, { path: dir, abortSignal: opts.signal }));
}

/**
 * What `path` is in the container (HEAD /containers/{id}/archive): "directory", "other" (a file,
 * a link…), or "missing".
 */
export async function pathKind(access: EngineAccess, id: string, path: string, opts: CallOptions = {}): Promise<"directory" | "other" | "missing"> {
  const stat = await pathStat(access, id, path, opts);
  return stat.kind === "symlink" ? "other" : stat.kind;
}

// Go's os.FileMode bits, as the engine's path stat carries them.
const MODE_DIR = 0x80000000;
const MODE_SYMLINK = 0x8000000;

/** The engine's path stat header (base64 JSON of name, size, mode, mtime, linkTarget) as a PathStat. */
export function readPathStat(header: string | undefined): PathStat {
  if (!header) return { kind: "other" };
  const stat = JSON.parse(Buffer.from(header, "base64").toString("utf8")) as { mode?: number; linkTarget?: string };
  const mode = stat.mode ?? 0;
  if (mode & MODE_DIR) return { kind: "directory" };
  if (mode & MODE_SYMLINK && stat.linkTarget) return { kind: "symlink", linkTarget: stat.linkTarget };
  return { kind: "other" };
}

/** What `path` is in the container (HEAD /containers/{id}/archive); its last part is not followed. */
export async function pathStat(access: EngineAccess, id: string, path: string, opts: CallOptions = {}): Promise<PathStat> {
  const container = access.docker.getContainer(id);
  try {
    const res = (await container.infoArchive({ path, abortSignal: opts.signal })) as { headers?: Record<string, string> };
    return readPathStat(res.headers?.["x-docker-container-path-stat"]);
  } catch (error) {
    if (statusOf(error) === 404) return { kind: "missing" };
    throw toBerthError(error, `look at ${id.slice(0, 12)}:${path}`, access.endpoint);
  }
}

/**
 * Copies `from.path` of one container into the existing directory `to.dir` of another (either may
 * be stopped, or created and never started), as the engine's own tar stream piped from the GET to
 * the PUT: owners, modes, times, links and special files are kept, and nothing is held in memory
 * or written on this host. The archive's top entry is the path's base name.
 *
 * `replace`: `to.dir` holds exactly the archive afterwards under that name (files added since are
 * gone). The engine's extraction removes an existing entry that a non-directory replaces; a
 * placeholder file of that name goes first in the stream, so whatever is there is removed before
 * the archive's own entry is written.
 */
export async function copyArchive(
  access: EngineAccess,
  from: { container: string; path: string },
  to: { container: string; dir: string },
  opts: CallOptions & { replace?: boolean } = {},
): Promise<void> {
  const source = await call(access, `copy out of ${from.container.slice(0, 12)}:${from.path}`, () =>
    access.docker.getContainer(from.container).getArchive({ path: from.path, abortSignal: opts.signal }),
  );
  // writeTar ends with two zero blocks (end of archive): the placeholder keeps only its header.
  const placeholder = writeTar([{ path: posix.basename(from.path), type: "file", mode: 0o600 }]).subarray(0, -1024);
  const body = opts.replace ? Readable.from(prefixed(placeholder, source)) : source;
  try {
    await call(access, `copy into ${to.container.slice(0, 12)}:${to.dir}`, () =>
      access.docker.getContainer(to.container).putArchive(body, { path: to.dir, abortSignal: opts.signal }),
    );
  } finally {
    // A PUT refused before it read the whole archive would leave the GET's response open.
    (source as Readable).destroy?.();
  }
}

async function* prefixed(head: Buffer, rest: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  yield head;
  for await (const c of rest) yield Buffer.isBuffer(c) ? c : Buffer.from(c);
}
