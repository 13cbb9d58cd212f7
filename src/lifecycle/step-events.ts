/**
 * The `step` events of an acquire, on one engine (plan steps) or on a swarm (deploy steps) alike:
 * begin, then done with its duration or failed with the error's message.
 */
import type { EventListener } from "../events.js";

export interface StepRef {
  /** `<kind>:<target>`, unique within the acquire. */
  id: string;
  kind: string;
  target: string;
  service?: string;
}

/** Free functions (no `this`): handed to the plan executor as its callbacks. */
export interface StepEvents {
  begin: (s: StepRef) => void;
  done: (s: StepRef, elapsedMs: number) => void;
  failed: (s: StepRef, error: unknown) => void;
}

export function stepEvents(emit: EventListener, project: string): StepEvents {
  const base = (s: StepRef) => ({ type: "step" as const, project, step: s.id, kind: s.kind, target: s.target, service: s.service });
  return {
    begin: (s) => emit({ ...base(s), phase: "begin", at: Date.now() }),
    done: (s, elapsedMs) => emit({ ...base(s), phase: "done", at: Date.now(), elapsedMs }),
    failed: (s, error) => emit({ ...base(s), phase: "failed", at: Date.now(), error: (error as Error)?.message }),
  };
}

/** Runs one step between its events (for a runtime that has no plan executor to report them). */
export async function timedStep<T>(events: StepEvents, s: StepRef, work: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  events.begin(s);
  try {
    const r = await work();
    events.done(s, Date.now() - t0);
    return r;
  } catch (error) {
    events.failed(s, error);
    throw error;
  }
}

export const stepRef = (kind: string, target: string, service?: string): StepRef => ({ id: `${kind}:${target}`, kind, target, service });
