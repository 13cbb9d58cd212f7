/** Image builds through the Engine API's classic builder; Engine.buildImage delegates here. */
import { readdirSync } from "node:fs";
import type Docker from "dockerode";
import { BerthError } from "../errors.js";
import type { EngineAccess } from "./access.js";
import { engineMessage, toBerthError } from "./errors.js";
import type { BuildRequest, CallOptions } from "./types.js";

/**
 * Builds an image from a local context directory (honouring its .dockerignore) with the classic
 * builder through the Engine API. Calls `onLine` with the build's output; fails with the
 * builder's own error text.
 */
export async function buildImage(access: EngineAccess, req: BuildRequest, options: CallOptions & { onLine?: (line: string) => void } = {}): Promise<void> {
  const entries = readdirSync(req.context);
  const failed = (message: string, tail = "") =>
    new BerthError("ENGINE_ERROR", `building image ${req.tag} from ${req.context} failed: ${message.trim()}`, {
      hint: "Fix the Dockerfile or the build context; the build output's last lines are shown with this error.",
      details: { logTail: tail },
    });
  let stream: NodeJS.ReadableStream;
  try {
    stream = await access.docker.buildImage({ context: req.context, src: entries }, {
      // Repeated `t` parameters: every name is given to the one image built.
      t: req.extraTags?.length ? [req.tag, ...req.extraTags] : req.tag,
      dockerfile: req.dockerfile,
      buildargs: req.args,
      target: req.target,
      labels: req.labels,
      nocache: req.noCache,
      // build.pull: the builder pulls the base image even when the engine has one.
      ...(req.pull ? { pull: "1" } : {}),
      rm: true,
      abortSignal: options.signal,
    } as Docker.ImageBuildOptions);
  } catch (error) {
    const e = toBerthError(error, `build image ${req.tag}`, access.endpoint);
    if (e.code === "ENGINE_UNREACHABLE" || e.code === "ABORTED") throw e;
    throw failed(engineMessage(error));
  }
  const tail: string[] = [];
  await new Promise<void>((resolve, reject) => {
    access.docker.modem.followProgress(
      stream,
      (err: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
        const message = err?.message ?? output?.find((o) => o.error)?.error;
        if (message) reject(failed(message, tail.join("")));
        else resolve();
      },
      (event: { stream?: string; status?: string }) => {
        const line = event.stream ?? event.status;
        if (!line) return;
        tail.push(line);
        if (tail.length > 50) tail.shift();
        options.onLine?.(line);
      },
    );
  });
}
