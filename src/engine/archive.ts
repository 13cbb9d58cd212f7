/** The Engine API's archive endpoints: files into and out of a container, as tar (see tar.ts). */
import { call, type EngineAccess } from "./access.js";
import { readTar, writeTar, type TarEntry } from "./tar.js";
import type { CallOptions } from "./types.js";

/** Extracts `entries` into the directory `dir` of the container (which must exist). */
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
