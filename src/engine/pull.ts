/**
 * POST /images/create: pulls one image through the engine, with the registry credentials (sent
 * only in the X-Registry-Auth header, never in the URL), the platform, and the engine's progress
 * lines handed to `onProgress`. The engine reports a failed pull either as an error answer or as an
 * error line in the progress stream; both reject with a BerthError whose message is the engine's
 * words (pull-failure.ts classifies them).
 */
import type { EngineAccess } from "./access.js";
import { engineMessage, toBerthError } from "./errors.js";
import type { PullOptions, PullProgressLine } from "./types.js";

// The option types live in types.ts, which the published declarations may reach without dockerode.
export type { RegistryAuth, PullProgressLine, PullOptions } from "./types.js";

export async function pullImage(access: EngineAccess, ref: string, options: PullOptions = {}): Promise<void> {
  const action = `pull image ${ref}`;
  let stream: NodeJS.ReadableStream;
  try {
    stream = await access.docker.pull(ref, {
      abortSignal: options.signal,
      ...(options.platform ? { platform: options.platform } : {}),
      ...(options.auth ? { authconfig: options.auth } : {}),
    });
  } catch (error) {
    // A refused pull's answer is a stream, so docker-modem leaves its JSON unparsed and prefixes its own "(HTTP code 500) server error - ".
    const words = /^\(HTTP code \d+\)[^-]*- ([\s\S]*)$/.exec(engineMessage(error))?.[1];
    const message = words === undefined ? undefined : jsonMessage(words.trim());
    throw toBerthError(message ? Object.assign(error as object, { json: { message } }) : error, action, access.endpoint);
  }
  await new Promise<void>((resolve, reject) => {
    access.docker.modem.followProgress(
      stream,
      (err: Error | null, output: PullProgressLine[] | undefined) => {
        const message = err?.message ?? output?.find((o) => o.error)?.error;
        if (message) reject(toBerthError(Object.assign(new Error(message), { json: { message } }), action, access.endpoint));
        else resolve();
      },
      options.onProgress ? (line: PullProgressLine) => options.onProgress!(line) : undefined,
    );
  });
}

/** The `message` of the engine's JSON error body, or the body itself. */
function jsonMessage(body: string): string {
  try {
    const m = (JSON.parse(body) as { message?: unknown }).message;
    return typeof m === "string" ? m : body;
  } catch {
    return body;
  }
}
