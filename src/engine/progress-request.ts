/**
 * An engine request whose answer is a stream of JSON progress lines (POST /images/create,
 * POST /images/{name}/push). The engine reports a failure either as an error answer or as an error
 * line in the stream; both reject with a BerthError whose message is the engine's words.
 */
import type { EngineAccess } from "./access.js";
import { engineMessage, toBerthError } from "./errors.js";
import type { PullProgressLine } from "./types.js";

export async function progressRequest(
  access: EngineAccess,
  action: string,
  start: () => Promise<NodeJS.ReadableStream>,
  onProgress?: (line: PullProgressLine) => void,
): Promise<void> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await start();
  } catch (error) {
    // A refused request's answer is a stream, so docker-modem leaves its JSON unparsed and prefixes its own "(HTTP code 500) server error - ".
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
      onProgress ? (line: PullProgressLine) => onProgress(line) : undefined,
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
