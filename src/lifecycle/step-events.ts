/**
 * The `step` events of an acquire's plan steps, on one engine or on a swarm alike (run-plan.ts):
 * begin, then done with its duration or failed with the error's message.
 */
import type { EventListener } from "../events.js";

export interface StepRef {
  /** Unique within the acquire: a plan step's id, or `<kind>:<target>` (stepRef). */
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

/** A step that is not a plan step (an image pull before the plan): `<kind>:<target>`. */
export const stepRef = (kind: string, target: string, service?: string): StepRef => ({ id: `${kind}:${target}`, kind, target, service });
