/**
 * Engine calls with the caller's stdin streamed in (`berth exec`, `berth run SERVICE`): an exec,
 * or a created one-off container, over a hijacked connection. Without a TTY the output comes
 * multiplexed (stdout/stderr frames); with one it is the terminal's raw bytes, and the caller's
 * resizes are passed on. The end of the caller's stdin closes the write half of the connection,
 * which the engine turns into end-of-file on the command's stdin.
 */
import type { Duplex } from "node:stream";
import { call, type EngineAccess } from "./access.js";
import { FrameDecoder } from "./stream-frames.js";
import type { CallOptions } from "./types.js";
import { abortError } from "./wire.js";

export interface TerminalSize {
  rows: number;
  columns: number;
}

/** What the command reads and writes, and whether it runs on a pseudo-terminal. */
export interface AttachIo {
  /** Streamed into the command's stdin; none: the command's stdin is not attached. */
  stdin?: NodeJS.ReadableStream;
  /** Allocate a pseudo-terminal: output is raw (all on "stdout"), sizes are forwarded. */
  tty: boolean;
  onOutput: (stream: "stdout" | "stderr", data: Buffer) => void;
  /** The terminal's size now (tty only). */
  size?: () => TerminalSize | undefined;
  /** Subscribes to the terminal's resizes (tty only); returns the unsubscribe. */
  onResize?: (listener: () => void) => () => void;
}

export interface ExecAttachOptions extends CallOptions {
  env?: string[];
  user?: string;
  workingDir?: string;
  /** Extended privileges for this command (`exec --privileged`), whatever the container has. */
  privileged?: boolean;
}

/** Runs `cmd` in a running container with `io`; resolves with its exit code. */
export async function execAttached(access: EngineAccess, id: string, cmd: string[], io: AttachIo, opts: ExecAttachOptions = {}): Promise<number> {
  const { signal } = opts;
  return call(access, `exec in ${id.slice(0, 12)}`, async () => {
    const exec = await access.docker.getContainer(id).exec({
      Cmd: cmd,
      AttachStdin: io.stdin !== undefined,
      AttachStdout: true,
      AttachStderr: true,
      Tty: io.tty,
      ...consoleSize(io),
      ...(opts.env?.length ? { Env: opts.env } : {}),
      ...(opts.user ? { User: opts.user } : {}),
      ...(opts.workingDir ? { WorkingDir: opts.workingDir } : {}),
      ...(opts.privileged ? { Privileged: true } : {}),
      abortSignal: signal,
    });
    // `stdin: true` makes the client keep the request open for writing; Tty is the engine's start option.
    const socket = await exec.start({ hijack: true, stdin: io.stdin !== undefined, Tty: io.tty, ...consoleSize(io), abortSignal: signal });
    const resize = (size: TerminalSize) => exec.resize({ h: size.rows, w: size.columns, abortSignal: signal }).catch(() => undefined);
    await pump(socket, io, resize, signal);
    const info = await exec.inspect({ abortSignal: signal });
    return info.ExitCode ?? -1;
  });
}

/**
 * Attaches to a created (not yet started) container, starts it, and resolves with its exit code
 * once it has stopped. Attached before the start, so no early output is lost.
 */
export async function runAttached(access: EngineAccess, id: string, io: AttachIo, opts: CallOptions = {}): Promise<number> {
  const { signal } = opts;
  return call(access, `run container ${id.slice(0, 12)}`, async () => {
    const container = access.docker.getContainer(id);
    const socket = (await container.attach({
      stream: true,
      stdin: io.stdin !== undefined,
      stdout: true,
      stderr: true,
      hijack: true,
      abortSignal: signal,
    })) as Duplex;
    const resize = (size: TerminalSize) => container.resize({ h: size.rows, w: size.columns, abortSignal: signal }).catch(() => undefined);
    const streamed = pump(socket, io, resize, signal);
    try {
      await container.start({ abortSignal: signal });
    } catch (error) {
      socket.destroy();
      throw error;
    }
    await streamed;
    // The attach ends when the container stops; `wait` then answers at once with its exit status.
    const result = (await container.wait({ abortSignal: signal })) as { StatusCode?: number };
    return result.StatusCode ?? -1;
  });
}

/**
 * The terminal's size as the engine takes it at creation (API 1.42+; older engines ignore the field
 * and get the size from the resize sent right after the start).
 */
export function consoleSize(io: AttachIo): { ConsoleSize?: [number, number] } {
  const size = io.tty ? io.size?.() : undefined;
  return size && size.rows > 0 && size.columns > 0 ? { ConsoleSize: [size.rows, size.columns] } : {};
}

/**
 * Copies stdin into the connection and the connection's output to `io.onOutput` until the engine
 * ends it (the command exited). The caller's stdin is let go afterwards, read to its end or not.
 */
function pump(socket: Duplex, io: AttachIo, resize: (size: TerminalSize) => Promise<unknown>, signal?: AbortSignal): Promise<void> {
  const decoder = io.tty ? undefined : new FrameDecoder(io.onOutput);
  const sendSize = serialResize(resize, () => io.size?.());
  const unsubscribe = io.tty ? io.onResize?.(sendSize) : undefined;
  if (io.tty) sendSize();
  const stdin = io.stdin;
  const onEnd = () => socket.end(); // half-close: the command's stdin ends, its output keeps coming
  if (stdin) {
    stdin.pipe(socket, { end: false });
    stdin.once("end", onEnd);
  }
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      unsubscribe?.();
      if (stdin) {
        stdin.unpipe(socket);
        stdin.off("end", onEnd);
      }
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => {
      socket.destroy();
      finish(abortError(signal));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    socket.on("data", (chunk: Buffer) => (decoder ? decoder.push(chunk) : io.onOutput("stdout", chunk)));
    socket.on("end", () => finish());
    socket.on("close", () => finish());
    // Writing stdin into a connection the engine already closed (the command exited first) is not a failure.
    socket.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" || error.code === "ECONNRESET" ? finish() : finish(error)));
  });
}

/**
 * Sends the terminal's size one request at a time, the newest size last. Two resize requests in
 * flight at once can reach the engine in either order (each on its own connection), and the one
 * sent first (the initial size) could land last and undo a later resize. Exported for tests.
 */
export function serialResize(resize: (size: TerminalSize) => Promise<unknown>, current: () => TerminalSize | undefined): () => void {
  let busy = false;
  let again = false;
  const send = (): void => {
    if (busy) {
      again = true;
      return;
    }
    const size = current();
    if (!size || size.rows <= 0 || size.columns <= 0) return;
    busy = true;
    void resize(size).finally(() => {
      busy = false;
      if (again) {
        again = false;
        send();
      }
    });
  };
  return send;
}
