/**
 * Admission control, the decision: who may create containers now. Pure — the queue is a list of
 * tickets read from the engine and the containers berth already has there — so every rule is
 * unit-tested without an engine. Nothing is stored about who was admitted: every waiter computes
 * the same answer from the same listing, so a process that dies leaves no decision behind.
 */
import type { Labels } from "../engine/types.js";
import { internalError } from "../errors.js";
import { LABEL } from "../labels.js";

/** Labels of a ticket volume, besides berth's ownership labels (project, owner, lifetime, expiry). */
export const ADMISSION_LABEL = {
  /** The ticket's place in the queue: zero-padded ms timestamp, then a tie-break. Sorted as text. */
  key: "dev.berth.admission.key",
  /** How many containers the acquire will have when done. */
  containers: "dev.berth.admission.containers",
  /** Memory limits it declares, bytes. */
  memory: "dev.berth.admission.memory",
} as const;

export interface Ticket {
  name: string;
  project: string;
  key: string;
  containers: number;
  memoryBytes: number;
}

/** A ticket's fields from a volume's labels; null for a volume that is not a well-formed ticket. */
export function ticketOf(name: string, labels: Labels): Ticket | null {
  const key = labels[ADMISSION_LABEL.key];
  const project = labels[LABEL.project];
  const containers = Number(labels[ADMISSION_LABEL.containers]);
  const memoryBytes = Number(labels[ADMISSION_LABEL.memory] ?? 0);
  if (!key || !project || !Number.isInteger(containers) || containers < 0 || !Number.isFinite(memoryBytes)) return null;
  return { name, project, key, containers, memoryBytes };
}

/** Whether a volume's labels make it an admission ticket (never a user's volume). */
export function isTicket(labels: Labels): boolean {
  return labels[ADMISSION_LABEL.key] !== undefined;
}

export interface AdmissionInput {
  tickets: Ticket[];
  /** The project of every berth container on the engine (one entry per container, any state). */
  containerProjects: string[];
  /** The ticket to decide for. */
  mine: string;
  /** Container cap; 0 = no cap. */
  cap: number;
  /** Host memory, when it is judged (a local engine): available now and the floor to keep. */
  memory?: { availableBytes: number; floorBytes: number };
}

export interface AdmissionVerdict {
  admitted: boolean;
  /** Containers counted now: berth's containers without a ticket, plus what admitted tickets reserve. */
  inUse: number;
  cap: number;
  /** Tickets before this one that are not admitted yet. */
  ahead: number;
  /** 1-based place among the tickets not admitted; 0 once admitted. */
  position: number;
  /** What this ticket adds to the count (beyond what its project already has). */
  adds: number;
  /** What it waits for when not admitted: the container cap or host memory. */
  waitingFor?: "containers" | "memory";
  /** Memory still free for admissions after the admitted tickets' declarations (when judged). */
  memoryLeftBytes?: number;
  /** The ticket can never be admitted (it alone exceeds the cap): waiting is pointless. */
  never?: boolean;
}

/** Queue order: by key, then by name (unique per engine), so every waiter sorts alike. */
export function queueOrder(tickets: Ticket[]): Ticket[] {
  return [...tickets].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Ticket i is admitted iff everything up to it fits: base + Σ_{j ≤ i} reservation_j ≤ cap and
 * available − Σ_{j ≤ i} memory_j ≥ floor. The sums only grow along the queue, so strict FIFO falls
 * out: nobody behind a waiting ticket fits while it does not. Exception: a ticket that adds
 * nothing (its project already has its containers, e.g. a shared environment being attached to)
 * takes no capacity and is never held back.
 *
 * Every berth container counts (base); a ticketed project counts max(containers it has, the
 * largest declaration of its tickets so far), so containers created by an admitted acquire are
 * not counted twice, and are counted from admission on, before they exist.
 */
export function decideAdmission(input: AdmissionInput): AdmissionVerdict {
  const queue = queueOrder(input.tickets);
  const ticketed = new Set(queue.map((t) => t.project));
  const existing = new Map<string, number>();
  let base = 0;
  for (const p of input.containerProjects) {
    if (ticketed.has(p)) existing.set(p, (existing.get(p) ?? 0) + 1);
    else base++;
  }
  const reserved = new Map<string, number>();
  // What ticketed projects already have counts from the start (it exists); a ticket adds the rest.
  const held = [...existing.values()].reduce((a, b) => a + b, 0);
  let usage = base + held;
  let memory = 0;
  let inUse = base + held;
  let memoryAdmitted = 0;
  let ahead = 0;
  const fits = () => (input.cap === 0 || usage <= input.cap) && (!input.memory || input.memory.availableBytes - memory >= input.memory.floorBytes);
  for (const t of queue) {
    const before = reserved.get(t.project) ?? existing.get(t.project) ?? 0;
    const after = Math.max(before, t.containers);
    reserved.set(t.project, after);
    const adds = after - before;
    usage += adds;
    memory += t.memoryBytes;
    const admitted = (adds === 0 && t.memoryBytes === 0) || fits();
    if (t.name === input.mine) {
      const memoryLeftBytes = input.memory ? input.memory.availableBytes - memoryAdmitted - input.memory.floorBytes : undefined;
      if (admitted) return { admitted, inUse: inUse + adds, cap: input.cap, ahead: 0, position: 0, adds, memoryLeftBytes };
      const overCap = input.cap > 0 && usage > input.cap;
      return {
        admitted,
        inUse,
        cap: input.cap,
        ahead,
        position: ahead + 1,
        adds,
        waitingFor: overCap ? "containers" : "memory",
        memoryLeftBytes,
        never: input.cap > 0 && t.containers > input.cap,
      };
    }
    if (admitted) {
      inUse += adds;
      memoryAdmitted += t.memoryBytes;
    } else ahead++;
  }
  // The caller puts its own ticket in the list (admission.ts re-creates one that was removed).
  throw internalError(`admission ticket ${input.mine} is not in the queue`);
}
