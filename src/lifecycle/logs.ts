/**
 * Service logs of an environment: a snapshot (ordered by time across containers) or a follow
 * stream, one line at a time with the container it came from.
 */
import type { Runtime } from "../engine/runtime.js";
import type { EnvironmentRuntime } from "./environment-runtime.js";
import { projectContainers, type SelectOptions, type ServiceContainer } from "./operations.js";

export interface LogLine {
  service: string;
  /** Container name, e.g. shop-postgres-1. */
  container: string;
  stream: "stdout" | "stderr";
  /** RFC 3339 time the engine recorded, when asked for timestamps. */
  time?: string;
  text: string;
}

export interface LogOptions extends SelectOptions {
  /** Only the last N lines of each container (default: all). */
  tail?: number;
  /** Only lines after this time (ms since epoch). */
  sinceMs?: number;
  /** Keep the engine's timestamps on each line. */
  timestamps?: boolean;
}

/** Options of `Environment.logs` that follow: new lines as they come, as an async iterable. */
export interface FollowLogOptions extends LogOptions {
  follow: true;
}

const STAMP = /^(\d{4}-\d\d-\d\dT\S+Z) (.*)$/s;

/** Lines of one container's text, each with the engine's timestamp as its sort key. */
function split(text: string, c: ServiceContainer, stream: "stdout" | "stderr", keepTime: boolean): { key: string; line: LogLine }[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((l) => {
    const m = STAMP.exec(l);
    const line: LogLine = { service: c.service, container: c.name, stream, text: m ? m[2]! : l };
    if (m && keepTime) line.time = m[1];
    return { key: m?.[1] ?? "", line };
  });
}

/** Every selected container's log lines, merged in time order. */
export async function readLogs(engine: Runtime, project: string, o: LogOptions = {}): Promise<LogLine[]> {
  const containers = await projectContainers(engine, project, o);
  const since = o.sinceMs ? Math.floor(o.sinceMs / 1000) : 0;
  const per = await Promise.all(
    containers.map(async (c) => {
      // Timestamps always come back from the engine: they are what orders lines across containers.
      const text = await engine.logs(c.id, { tail: o.tail ?? "all", since, timestamps: true, signal: o.signal });
      return split(text, c, "stdout", o.timestamps ?? false);
    }),
  );
  // A stable sort keeps each container's own order for lines with equal times.
  return per
    .flat()
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((x) => x.line);
}

/** Streams new lines of the selected containers until the signal aborts or every container stops. */
export async function followLogs(engine: EnvironmentRuntime, project: string, onLine: (line: LogLine) => void, o: LogOptions = {}): Promise<void> {
  const containers = await projectContainers(engine, project, o);
  const since = o.sinceMs ? Math.floor(o.sinceMs / 1000) : 0;
  await Promise.all(
    containers.map((c) => {
      const pending = { stdout: "", stderr: "" };
      return engine
        .followLogs(
          c.id,
          (stream, chunk) => {
            // Frames are not lines: a line may span frames, and a frame may hold several lines.
            pending[stream] += chunk;
            let nl: number;
            while ((nl = pending[stream].indexOf("\n")) >= 0) {
              const [line] = split(pending[stream].slice(0, nl + 1), c, stream, o.timestamps ?? false);
              pending[stream] = pending[stream].slice(nl + 1);
              if (line) onLine(line.line);
            }
          },
          { tail: o.tail ?? "all", since, timestamps: true, signal: o.signal },
        )
        .then(() => {
          for (const stream of ["stdout", "stderr"] as const) {
            const [line] = pending[stream] ? split(pending[stream], c, stream, o.timestamps ?? false) : [];
            if (line) onLine(line.line);
          }
        });
    }),
  );
}
