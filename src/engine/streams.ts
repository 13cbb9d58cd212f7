/**
 * Engine calls that stream: exec (collected or streamed), logs (read or followed), the event
 * stream, and a stats sample. Engine delegates to these; their loose dockerode shapes stay here.
 */
import type Docker from "dockerode";
import { call, type EngineAccess } from "./access.js";
import { FrameDecoder, demuxToText } from "./stream-frames.js";
import { drain, labelFilters, memoryInUse, NS_PER_MS, onJsonLines, type LabelFilter } from "./wire.js";
import type { CallOptions, EngineEvent, ExecResult, Labels } from "./types.js";

/** Runs a command in a running container and collects its output (bounded to `maxBytes`). */
export async function exec(
  access: EngineAccess,
  id: string,
  cmd: string[],
  opts: CallOptions & { timeoutMs?: number; maxBytes?: number } = {},
): Promise<ExecResult> {
  const action = `exec in ${id.slice(0, 12)}`;
  const signal = opts.timeoutMs ? AbortSignal.any([AbortSignal.timeout(opts.timeoutMs), ...(opts.signal ? [opts.signal] : [])]) : opts.signal;
  return call(access, action, async () => {
    const run = await access.docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, abortSignal: signal });
    const stream = await run.start({ hijack: true, stdin: false, abortSignal: signal });
    const max = opts.maxBytes ?? 64 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    const decoder = new FrameDecoder((_s, data) => {
      if (size < max) chunks.push(data.subarray(0, max - size));
      size += data.length;
    });
    await drain(stream, decoder, signal);
    const info = await run.inspect({ abortSignal: signal });
    return { exitCode: info.ExitCode ?? -1, output: Buffer.concat(chunks).toString("utf8") };
  });
}

/**
 * Runs a command in a running container, streaming its output as it comes (for `berth exec`),
 * and resolves with its exit code. Unlike `exec`, nothing is buffered or truncated.
 */
export async function execStream(
  access: EngineAccess,
  id: string,
  cmd: string[],
  onOutput: (stream: "stdout" | "stderr", data: Buffer) => void,
  opts: CallOptions & { env?: string[]; user?: string; workingDir?: string } = {},
): Promise<number> {
  const signal = opts.signal;
  return call(access, `exec in ${id.slice(0, 12)}`, async () => {
    const exec = await access.docker.getContainer(id).exec({
      Cmd: cmd,
      AttachStdout: true,
      AttachStderr: true,
      ...(opts.env?.length ? { Env: opts.env } : {}),
      ...(opts.user ? { User: opts.user } : {}),
      ...(opts.workingDir ? { WorkingDir: opts.workingDir } : {}),
      abortSignal: signal,
    });
    const stream = await exec.start({ hijack: true, stdin: false, abortSignal: signal });
    const decoder = new FrameDecoder(onOutput);
    await drain(stream, decoder, signal);
    const info = await exec.inspect({ abortSignal: signal });
    return info.ExitCode ?? -1;
  });
}

/** The last `tail` lines of a container's output (stdout and stderr interleaved). */
export async function logs(
  access: EngineAccess,
  id: string,
  opts: CallOptions & { tail?: number | "all"; since?: number; timestamps?: boolean } = {},
): Promise<string> {
  return call(access, `read logs of ${id.slice(0, 12)}`, async () => {
    // dockerode types `tail` as a number; the Engine API also takes "all" and dockerode passes it on.
    const buf = await access.docker.getContainer(id).logs({
      stdout: true,
      stderr: true,
      follow: false,
      tail: opts.tail ?? 100,
      since: opts.since ?? 0,
      timestamps: opts.timestamps ?? false,
      abortSignal: opts.signal,
    } as Docker.ContainerLogsOptions & { follow: false });
    return demuxToText(Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf)));
  });
}

/** Follows a container's output until the signal aborts or the container stops. */
export async function followLogs(
  access: EngineAccess,
  id: string,
  onLine: (stream: "stdout" | "stderr", text: string) => void,
  opts: CallOptions & { tail?: number | "all"; since?: number; timestamps?: boolean } = {},
): Promise<void> {
  // dockerode types `tail` as a number; the Engine API also takes "all" and dockerode passes it on.
  const stream = (await call(access, `follow logs of ${id.slice(0, 12)}`, () =>
    access.docker.getContainer(id).logs({
      stdout: true,
      stderr: true,
      follow: true,
      tail: opts.tail ?? 100,
      since: opts.since ?? 0,
      timestamps: opts.timestamps ?? false,
      abortSignal: opts.signal,
    } as Docker.ContainerLogsOptions & { follow: true }),
  )) as NodeJS.ReadableStream & { destroy(): void };
  const decoder = new FrameDecoder((s, d) => onLine(s, d.toString("utf8")));
  await new Promise<void>((resolve) => {
    const stop = () => {
      stream.destroy();
      resolve();
    };
    opts.signal?.addEventListener("abort", stop, { once: true });
    stream.on("data", (c: Buffer) => decoder.push(c));
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", () => resolve());
  });
}

/**
 * Subscribes to the engine's event stream, filtered by labels (and types), calling `onEvent`
 * for each event until the signal aborts. Resolves once the subscription is established so
 * that no event after the call can be missed. `onEnd`: the stream ended without being aborted
 * (the engine stopped or restarted).
 */
export async function subscribe(
  access: EngineAccess,
  filter: { labels: LabelFilter; types?: string[] },
  onEvent: (e: EngineEvent) => void,
  options: { signal: AbortSignal; onEnd?: () => void },
): Promise<void> {
  // `types` are the API's object types as strings; dockerode's typings name each one.
  const stream = (await call(access, "subscribe to engine events", () =>
    access.docker.getEvents({
      filters: { label: labelFilters(filter.labels), ...(filter.types ? { type: filter.types } : {}) },
      abortSignal: options.signal,
    } as Docker.GetEventsOptions),
  )) as NodeJS.ReadableStream & { destroy(): void };
  onJsonLines(stream, (line) => {
    try {
      const e = JSON.parse(line) as { Type: string; Action: string; Actor: { ID: string; Attributes?: Labels }; timeNano: number };
      onEvent({ type: e.Type, action: e.Action, id: e.Actor.ID, labels: e.Actor.Attributes ?? {}, time: Math.floor(e.timeNano / NS_PER_MS) });
    } catch {
      // A malformed line cannot be acted on; the waiters' own checks cover what it would have said.
    }
  });
  let ended = false;
  const onEnd = () => {
    if (ended || options.signal.aborted) return;
    ended = true;
    options.onEnd?.();
  };
  stream.on("error", onEnd);
  stream.on("end", onEnd);
  stream.on("close", onEnd);
  options.signal.addEventListener("abort", () => stream.destroy(), { once: true });
}

export async function stats(
  access: EngineAccess,
  id: string,
  options: CallOptions = {},
): Promise<{ cpuPercent: number; memoryBytes: number; memoryLimitBytes: number }> {
  return call(access, `read stats of ${id.slice(0, 12)}`, async () => {
    // dockerode's typings omit `abortSignal` here; docker-modem honours it on every call.
    const s = await access.docker.getContainer(id).stats({ stream: false, abortSignal: options.signal } as { stream: false; abortSignal?: AbortSignal });
    const cpuDelta = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage;
    const sysDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
    const cpus = s.cpu_stats.online_cpus ?? 1;
    return {
      cpuPercent: sysDelta > 0 ? (cpuDelta / sysDelta) * cpus * 100 : 0,
      // As `docker stats` shows it: page cache that could be dropped (inactive files) is not use.
      memoryBytes: memoryInUse(s.memory_stats),
      memoryLimitBytes: s.memory_stats.limit ?? 0,
    };
  });
}

const OOM_LOOKUP_MS = 5000;

/**
 * Whether the engine logged an "oom" event for the container at or after `sinceMs`. Why not only
 * State.OOMKilled: dockerd 20.10 sets that flag from the exit it handles, and loses it when the
 * kernel's OOM notice reaches it after the exit (seen with nine containers failing at once); its
 * event log still has the OOM. Bounded by `until` = now, so the stream ends at once. False when the
 * engine does not answer (within OOM_LOOKUP_MS: it runs on failure paths, which must not hang on
 * it): this only adds to what the inspect said.
 */
export async function oomEventSince(access: EngineAccess, id: string, sinceMs: number, options: CallOptions = {}): Promise<boolean> {
  try {
    const stream = await access.docker.getEvents({
      since: (sinceMs / 1000).toFixed(3),
      until: (Date.now() / 1000).toFixed(3),
      filters: { type: ["container"], container: [id], event: ["oom"] },
      abortSignal: AbortSignal.any([AbortSignal.timeout(OOM_LOOKUP_MS), ...(options.signal ? [options.signal] : [])]),
    } as unknown as Docker.GetEventsOptions);
    let text = "";
    for await (const chunk of stream) text += String(chunk);
    return text.includes('"oom"');
  } catch {
    return false;
  }
}
