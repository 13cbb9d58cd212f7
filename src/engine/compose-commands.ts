/**
 * Engine calls of the compose-style commands (`pull`, `push`, `images`, `top`, `kill`) that `Engine`
 * does not offer: pulling and pushing an image, an image's size and tags, a container's processes,
 * and sending a signal.
 *
 * They reuse the Engine's own client (same endpoint, same negotiated API version), so `Engine` and
 * its public declarations stay unchanged; the client's loose types stay in this file.
 */
import type Docker from "dockerode";
import { call, type EngineAccess } from "./access.js";
import type { Engine } from "./engine.js";
import { statusOf, toBerthError } from "./errors.js";
import { pullImage as pullThroughEngine, type PullOptions } from "./pull.js";
import { pushImage as pushThroughEngine, type PushOptions } from "./push.js";
import type { CallOptions } from "./types.js";

/** Options of a dockerode call whose typings lack the `abortSignal` that docker-modem honours. */
type Signalled<T> = T & { abortSignal?: AbortSignal };

function accessOf(engine: Engine): EngineAccess {
  return { docker: engine.client, endpoint: engine.endpoint };
}

export interface ImageInfo {
  id: string;
  repoTags: string[];
  sizeBytes: number;
}

/** The image's id, tags and size, or null when the engine has no such image. */
export async function imageInfo(engine: Engine, ref: string, options: CallOptions = {}): Promise<ImageInfo | null> {
  try {
    const img = await engine.client.getImage(ref).inspect({ abortSignal: options.signal } as Signalled<Docker.ImageInspectOptions>);
    return { id: img.Id, repoTags: img.RepoTags ?? [], sizeBytes: img.Size };
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw toBerthError(error, `inspect image ${ref}`, engine.endpoint);
  }
}

/** Pulls `ref` from its registry (see pull.ts): credentials, platform and progress as `options` say. */
export async function pullImage(engine: Engine, ref: string, options: PullOptions = {}): Promise<void> {
  return pullThroughEngine(accessOf(engine), ref, options);
}

/** Pushes one tag of an image to its registry (see push.ts; `latest` when `ref` names none), with `options.auth`. */
export async function pushImage(engine: Engine, ref: string, options: PushOptions = {}): Promise<void> {
  return pushThroughEngine(accessOf(engine), ref, options);
}

export interface ProcessTable {
  titles: string[];
  processes: string[][];
}

/** The processes running in a container, as `docker top` lists them (the engine runs `ps -ef` on the host). */
export async function containerTop(engine: Engine, id: string, options: CallOptions = {}): Promise<ProcessTable> {
  return call(accessOf(engine), `list processes of ${id.slice(0, 12)}`, async () => {
    const top = (await engine.client.getContainer(id).top({ abortSignal: options.signal })) as { Titles?: string[]; Processes?: string[][] };
    return { titles: top.Titles ?? [], processes: top.Processes ?? [] };
  });
}

/**
 * Sends `signal` (e.g. "SIGKILL", "SIGHUP", "9") to a container's main process. False when the
 * container was not running (the engine answers 409), e.g. it stopped since it was listed.
 */
export async function killContainer(engine: Engine, id: string, signal: string, options: CallOptions = {}): Promise<boolean> {
  try {
    await engine.client.getContainer(id).kill({ signal, abortSignal: options.signal } as Signalled<{ signal: string }>);
    return true;
  } catch (error) {
    if (statusOf(error) === 409) return false;
    throw toBerthError(error, `kill container ${id.slice(0, 12)} with ${signal}`, engine.endpoint);
  }
}

/** The image a container was created from: its id (sha256:…) and the name the container was given it by. */
export async function containerImage(engine: Engine, id: string, options: CallOptions = {}): Promise<{ id: string; name: string }> {
  return call(accessOf(engine), `inspect container ${id.slice(0, 12)}`, async () => {
    const c = await engine.client.getContainer(id).inspect({ abortSignal: options.signal });
    return { id: c.Image, name: c.Config.Image };
  });
}
