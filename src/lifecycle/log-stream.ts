/**
 * Following logs as an async iterable (`for await (const line of env.logs("db", { follow: true }))`),
 * built on followLogs' callback. Iteration ends when every selected container has stopped, when
 * the caller's signal aborts, or when the loop breaks (which stops the engine streams).
 */
import type { EnvironmentRuntime } from "./environment-runtime.js";
import { followLogs, type LogLine, type LogOptions } from "./logs.js";

export function followLogLines(engine: EnvironmentRuntime, project: string, o: LogOptions = {}): AsyncIterableIterator<LogLine> {
  const stop = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal;
  const queue: LogLine[] = [];
  let done = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  signal.addEventListener("abort", notify, { once: true });
  followLogs(
    engine,
    project,
    (line) => {
      queue.push(line);
      notify();
    },
    { ...o, signal },
  ).then(
    () => {
      done = true;
      notify();
    },
    (error: unknown) => {
      failure = error;
      done = true;
      notify();
    },
  );
  const finish = (): IteratorReturnResult<undefined> => {
    stop.abort();
    done = true;
    queue.length = 0;
    return { done: true, value: undefined };
  };
  const iterator: AsyncIterableIterator<LogLine> = {
    async next(): Promise<IteratorResult<LogLine>> {
      for (;;) {
        const line = queue.shift();
        if (line) return { done: false, value: line };
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- what followLogs rejected with, passed on unchanged
        if (failure && !signal.aborted) throw failure;
        if (done || signal.aborted) return finish();
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    return(): Promise<IteratorResult<LogLine>> {
      return Promise.resolve(finish());
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
