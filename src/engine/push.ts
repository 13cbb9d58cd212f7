/**
 * POST /images/{name}/push: pushes one tag of an image through the engine to its registry, with
 * the registry credentials in the X-Registry-Auth header (always sent: dockerd 20.10 refuses a push
 * without one, "Bad parameters and missing X-Registry-Auth"), and the engine's progress lines
 * handed to `onProgress`.
 */
import { BerthError } from "../errors.js";
import { splitImageRef } from "../registry/reference.js";
import type { EngineAccess } from "./access.js";
import { progressRequest } from "./progress-request.js";
import type { PullProgressLine, RegistryAuth, CallOptions } from "./types.js";

export interface PushOptions extends CallOptions {
  auth?: RegistryAuth;
  onProgress?: (line: PullProgressLine) => void;
}

/**
 * `ref` as the engine's push takes it: the repository and one tag (`latest` when it names none,
 * as `docker push` does since 20.10, instead of every tag of the repository). A digest names
 * content, not a place to push to, and is refused.
 */
export function pushTarget(ref: string): { repository: string; tag: string } {
  if (ref.includes("@") || ref.startsWith("sha256:")) {
    throw new BerthError("USAGE", `cannot push ${ref}: a reference by digest names content, not a tag to push`, {
      hint: "Give the service's image: a tag (name:tag) to push.",
    });
  }
  return splitImageRef(ref);
}

export async function pushImage(access: EngineAccess, ref: string, options: PushOptions = {}): Promise<void> {
  const { repository, tag } = pushTarget(ref);
  await progressRequest(
    access,
    `push image ${repository}:${tag}`,
    () => access.docker.getImage(repository).push({ tag, authconfig: options.auth ?? {}, abortSignal: options.signal }),
    options.onProgress,
  );
}
