/**
 * Engine calls the status server needs beyond `Engine`: an event stream that replays history
 * (`since`), filters by action, and says when it ends. `Engine.subscribe` deliberately has none of
 * that (readiness waits only need live events and are short-lived); a long-running server must
 * notice a dead stream to resubscribe, and backfill what happened before it started.
 *
 * It uses its own client for the same endpoint and API version as the `Engine` it is given, so
 * `Engine` stays unchanged and the client's loose types still stay in this folder.
 */
import type Docker from "dockerode";
import type { Engine } from "./engine.js";
import { toBerthError } from "./errors.js";
import type { EngineEvent, Labels } from "./types.js";
import { NS_PER_MS, onJsonLines } from "./wire.js";

export interface EventQuery {
  /** e.g. ["container"] or ["network"]. */
  types: string[];
  /** Label filters in the engine's form ("key=value" or "key"); they match container events only (network events carry no labels). */
  labels?: string[];
  /** Actions to receive; `health_status` matches every `health_status: …`. */
  actions?: string[];
  /** Replay events from this time on (ms since epoch) before streaming live ones. */
  sinceMs?: number;
}

/** An event with the engine's nanosecond time, so a resubscription can resume exactly where it stopped. */
export interface TimedEvent extends EngineEvent {
  timeNano: bigint;
}

/** "seconds.nanoseconds", the engine's own precision for `since`. */
function engineTime(ms: number): string {
  return (ms / 1000).toFixed(3);
}

export class ServerQueries {
  private readonly docker: Docker;

  constructor(readonly engine: Engine) {
    this.docker = engine.client;
  }

  /**
   * Streams events matching `query` to `onEvent` until the signal aborts or the engine closes the
   * stream; resolves once the stream stands, and `ended` settles when it stops (with the reason
   * when it was not the signal).
   */
  async events(query: EventQuery, onEvent: (e: TimedEvent) => void, options: { signal: AbortSignal }): Promise<{ ended: Promise<Error | undefined> }> {
    const filters: Record<string, string[]> = { type: query.types };
    if (query.labels?.length) filters.label = query.labels;
    if (query.actions?.length) filters.event = query.actions;
    let stream: NodeJS.ReadableStream & { destroy(): void };
    try {
      // The filters are the API's own strings; dockerode's typings name each event type.
      stream = (await this.docker.getEvents({
        filters,
        ...(query.sinceMs !== undefined ? { since: engineTime(query.sinceMs) } : {}),
        abortSignal: options.signal,
      } as Docker.GetEventsOptions)) as NodeJS.ReadableStream & { destroy(): void };
    } catch (error) {
      throw toBerthError(error, "subscribe to engine events", this.engine.endpoint);
    }
    onJsonLines(stream, (line) => {
      try {
        const e = JSON.parse(line) as { Type: string; Action: string; Actor: { ID: string; Attributes?: Labels }; timeNano: number };
        // JSON numbers lose the last digits of a nanosecond time; the raw text keeps them.
        const raw = /"timeNano":(\d+)/.exec(line)?.[1];
        const timeNano = raw ? BigInt(raw) : BigInt(Math.floor(e.timeNano));
        onEvent({ type: e.Type, action: e.Action, id: e.Actor.ID, labels: e.Actor.Attributes ?? {}, time: Number(timeNano / BigInt(NS_PER_MS)), timeNano });
      } catch {
        // A malformed line cannot be acted on; the next full refresh covers what it would have said.
      }
    });
    const ended = new Promise<Error | undefined>((resolve) => {
      const onAbort = () => stream.destroy();
      options.signal.addEventListener("abort", onAbort, { once: true });
      const finish = (error?: Error) => {
        options.signal.removeEventListener("abort", onAbort);
        resolve(options.signal.aborted ? undefined : (error ?? new Error("the engine closed the event stream")));
      };
      stream.on("error", (e: Error) => finish(e));
      stream.on("end", () => finish());
      stream.on("close", () => finish());
    });
    return { ended };
  }
}
