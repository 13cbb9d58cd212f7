/**
 * What berth reports while it works. The library never prints: it hands these to an injected
 * listener, and the CLI decides how to show them (plain lines, a live view, NDJSON).
 */
export type BerthEvent =
  | { type: "plan"; project: string; steps: number; at: number }
  | {
      type: "step";
      project: string;
      step: string;
      kind: string;
      target: string;
      service?: string;
      phase: "begin" | "done" | "failed";
      at: number;
      elapsedMs?: number;
      error?: string;
    }
  | { type: "ready"; project: string; service: string; container: string; via: string; probe?: string; restarts?: number; at: number; elapsedMs: number }
  | { type: "retry"; project: string; target: string; attempt: number; cause: string; at: number }
  /** An image pull's progress (at most two a second per image): layers complete of all, bytes downloaded of all known so far. */
  | { type: "pull"; project: string; image: string; layersDone: number; layers: number; bytesDone: number; bytes: number; at: number }
  | { type: "build"; project: string; service: string; image: string; phase: "begin" | "done"; at: number; elapsedMs?: number }
  | { type: "warning"; project: string; message: string; at: number }
  | { type: "rollback"; project: string; reason: string; at: number }
  | { type: "removed"; project: string; kind: "container" | "network" | "volume"; name: string; at: number }
  /**
   * Admission control (docs/guards.md): "waiting" when the acquire must wait for capacity (again
   * whenever what it waits on changes), "admitted" when its turn came after waiting. inUse/cap are
   * berth containers on the engine; ahead: environments queued before this one; adds: containers
   * this one adds; memoryLeftBytes: host memory above the floor not yet promised (local engines).
   */
  | {
      type: "admission";
      project: string;
      phase: "waiting" | "admitted";
      waitingFor?: "containers" | "memory";
      inUse: number;
      cap: number;
      ahead: number;
      adds: number;
      memoryLeftBytes?: number;
      at: number;
      waitedMs: number;
    };

export type EventListener = (e: BerthEvent) => void;

export const ignoreEvents: EventListener = () => undefined;
