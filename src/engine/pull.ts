/**
 * POST /images/create: pulls one image through the engine, with the registry credentials (sent
 * only in the X-Registry-Auth header, never in the URL), the platform, and the engine's progress
 * lines handed to `onProgress`. A failed pull rejects with a BerthError whose message is the
 * engine's words (progress-request.ts; pull-failure.ts classifies them).
 */
import type { EngineAccess } from "./access.js";
import { progressRequest } from "./progress-request.js";
import type { PullOptions } from "./types.js";

// The option types live in types.ts, which the published declarations may reach without dockerode.
export type { RegistryAuth, PullProgressLine, PullOptions } from "./types.js";

export async function pullImage(access: EngineAccess, ref: string, options: PullOptions = {}): Promise<void> {
  await progressRequest(
    access,
    `pull image ${ref}`,
    () =>
      access.docker.pull(ref, {
        abortSignal: options.signal,
        ...(options.platform ? { platform: options.platform } : {}),
        ...(options.auth ? { authconfig: options.auth } : {}),
      }),
    options.onProgress,
  );
}
