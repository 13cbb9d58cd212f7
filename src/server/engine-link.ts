/**
 * The server's connection to the engine, which may come and go while the server lives. A ping
 * every few seconds (every second while the engine is away) decides whether it is up; endpoints
 * ask `use()` for the engine and get an EngineDown error at once while it is not, instead of each
 * request waiting for its own timeout. The server recovers by itself when the engine answers again.
 */
import type { Engine } from "../engine/engine.js";
import { BerthError, isBerthError } from "../errors.js";

export type EngineStatus =
  | { up: true; since: number; endpoint: string; version: string; apiVersion: string }
  | { up: false; since: number; endpoint: string; reason: string; hint?: string };

/** Thrown by `use()` while the engine does not answer; endpoints turn it into 503. */
export class EngineDown extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface EngineLinkOptions {
  connect: (signal: AbortSignal) => Promise<Engine>;
  /** Where the engine is expected, for messages before the first connection. */
  endpoint: string;
  /** Counts a failed engine call of the server's own, by operation. */
  onCallError: (operation: string) => void;
  onChange: (status: EngineStatus) => void;
  pingEveryMs?: number;
  /** Each engine call's own deadline; a hung engine must not hang requests. */
  callTimeoutMs?: number;
}

/**
 * A signal that aborts after `ms` or with `parent`. Unlike AbortSignal.any, it unhooks itself from
 * the long-lived parent when disposed, so a call every few seconds leaves nothing behind.
 */
function linkedDeadline(parent: AbortSignal | undefined, ms: number): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent?.reason);
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${ms} ms`, "TimeoutError")), ms);
  if (parent?.aborted) onAbort();
  else parent?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onAbort);
    },
  };
}

function reasonOf(error: unknown): string {
  if (isBerthError(error)) return error.message;
  return (error as Error)?.message ?? String(error);
}

export class EngineLink {
  private engine: Engine | undefined;
  private current: EngineStatus;
  private wake: (() => void) | undefined;
  private readonly pingEveryMs: number;
  readonly callTimeoutMs: number;

  constructor(private readonly o: EngineLinkOptions) {
    this.current = { up: false, since: Date.now(), endpoint: o.endpoint, reason: "not connected yet" };
    this.pingEveryMs = o.pingEveryMs ?? 3000;
    this.callTimeoutMs = o.callTimeoutMs ?? 10_000;
  }

  get status(): EngineStatus {
    return this.current;
  }

  /** Pings until the signal aborts; resolves after the first attempt, whatever its outcome. */
  async start(signal: AbortSignal): Promise<void> {
    await this.check(signal);
    void (async () => {
      while (!signal.aborted) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            signal.removeEventListener("abort", done);
            this.wake = undefined;
            resolve();
          };
          const timer = setTimeout(done, this.current.up ? this.pingEveryMs : Math.min(this.pingEveryMs, 1000));
          this.wake = done;
          signal.addEventListener("abort", done, { once: true });
        });
        if (!signal.aborted) await this.check(signal);
      }
    })();
  }

  /** Pings now instead of at the next tick (e.g. the event stream just broke). */
  checkSoon(): void {
    this.wake?.();
  }

  private async check(signal: AbortSignal): Promise<void> {
    const deadline = linkedDeadline(signal, 5000);
    try {
      this.engine ??= await this.o.connect(deadline.signal);
      await this.engine.ping({ signal: deadline.signal });
      if (!this.current.up) {
        const info = this.engine.info;
        this.set({ up: true, since: Date.now(), endpoint: this.engine.endpoint, version: info.version, apiVersion: info.negotiatedApiVersion });
      }
    } catch (error) {
      if (signal.aborted) return;
      this.o.onCallError("ping");
      // A hung engine: the client reports the abort as a cancellation; say what happened instead.
      this.markDown(deadline.signal.aborted ? new Error(`the Docker engine at ${this.current.endpoint} did not answer within 5 s`) : error);
    } finally {
      deadline.dispose();
    }
  }

  private markDown(error: unknown): void {
    const reason = reasonOf(error);
    const hint = isBerthError(error) ? error.hint : undefined;
    if (this.current.up || this.current.reason !== reason) {
      this.set({ up: false, since: this.current.up ? Date.now() : this.current.since, endpoint: this.current.endpoint, reason, ...(hint ? { hint } : {}) });
    }
  }

  private set(status: EngineStatus): void {
    this.current = status;
    this.o.onChange(status);
  }

  /**
   * Runs `fn` with the engine, under a deadline. While the engine is down it throws EngineDown
   * without calling it; a call that finds the engine unreachable marks it down and wakes the
   * pinger. A call that only runs out of time does not mark it down (one slow log read is not a
   * dead engine): it wakes the pinger, which decides, and fails with ENGINE_ERROR.
   */
  async use<T>(operation: string, fn: (engine: Engine, signal: AbortSignal) => Promise<T>, signal?: AbortSignal, timeoutMs = this.callTimeoutMs): Promise<T> {
    if (!this.current.up || !this.engine) throw new EngineDown(this.current.up ? "not connected yet" : this.current.reason);
    const deadline = linkedDeadline(signal, timeoutMs);
    try {
      return await fn(this.engine, deadline.signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      // "Not found" is an answer, not an engine failure.
      if (!isBerthError(error, "NOT_FOUND") && !isBerthError(error, "USAGE")) this.o.onCallError(operation);
      if (isBerthError(error, "ENGINE_UNREACHABLE")) {
        this.markDown(error);
        this.wake?.();
        throw new EngineDown(reasonOf(error));
      }
      if (deadline.signal.aborted) {
        this.wake?.();
        throw new BerthError("ENGINE_ERROR", `${operation}: the engine did not answer within ${timeoutMs / 1000} s`, { cause: error });
      }
      throw error;
    } finally {
      deadline.dispose();
    }
  }
}
