/**
 * Admission tickets: small volumes on the engine, one per acquire waiting for or holding capacity.
 * The engine holds the queue, so every process, user and machine using that engine sees the same
 * one. A ticket carries berth's ownership labels (lifetime "process", owner host/pid/start, an
 * expiry), so the owner's reaper removes it when the owner is killed, `berth clean` removes it
 * once its owner is dead or it expired, and a waiter on another host that vanished blocks
 * nobody past its expiry.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Runtime } from "../engine/runtime.js";
import type { Labels, VolumeSummary } from "../engine/types.js";
import { LABEL, type Owner } from "../labels.js";
import { ownershipOf } from "../cleanup/ownership.js";
import { ownerLiveness } from "../cleanup/process-liveness.js";
import { acquireLock, lockDir } from "../locks/file-lock.js";
import { ADMISSION_LABEL, ticketOf, type Ticket } from "./admission-decision.js";

export interface TicketRequest {
  project: string;
  owner: Owner;
  containers: number;
  memoryBytes: number;
  /** After this (ms since epoch) the ticket is stale whatever its owner does. */
  expiresAt: number;
  /** Labels every resource of this run carries (BERTH_LABELS). */
  extra: Labels;
}

export interface TicketHandle {
  ticket: Ticket;
  labels: Labels;
}

/** The selection of ticket volumes on an engine. */
export const TICKET_FILTER = { [LABEL.managed]: "true", [ADMISSION_LABEL.key]: true } as const;

const KEY_DIGITS = 15;

function endpointHash(endpoint: string): string {
  return createHash("sha256").update(endpoint).digest("hex").slice(0, 12);
}

/**
 * A key later than every key handed out on this host for this engine (the last one is kept in the
 * lock folder), and no earlier than the clock: tickets of one host queue in the order they were
 * created. The random tail only orders tickets of different hosts created in the same ms.
 */
function nextKey(file: string, now: number): string {
  let last = 0;
  try {
    last = Number(readFileSync(file, "utf8").trim()) || 0;
  } catch {
    // first ticket on this host
  }
  const ms = Math.max(now, last + 1);
  writeFileSync(file, String(ms));
  return `${String(ms).padStart(KEY_DIGITS, "0")}-${randomBytes(3).toString("hex")}`;
}

/**
 * Creates the ticket. Taking the key and creating the volume happen under a lock of this host, so
 * a ticket with an earlier key is always on the engine before a later one is: a waiter that sees
 * its own ticket also sees every ticket of this host ahead of it, and two processes can never both
 * count themselves in before the other (each would otherwise miss the other's ticket still in
 * flight). Tickets from other hosts are ordered by their clocks (keep them in sync, e.g. NTP).
 */
export async function createTicket(
  engine: Pick<Runtime, "endpoint" | "createVolume">,
  r: TicketRequest,
  o: { env: Record<string, string | undefined>; deadline: number; signal?: AbortSignal },
): Promise<TicketHandle> {
  const lockName = `admission-${endpointHash(engine.endpoint)}`;
  await using _lock = await acquireLock(lockName, {
    env: o.env,
    signal: o.signal,
    timeoutMs: Math.max(0, o.deadline - Date.now()),
    command: `admission of ${r.project}`,
  });
  const key = nextKey(join(lockDir(o.env), `${lockName}.last-key`), Date.now());
  const name = `berth-admission-${r.project}-${randomBytes(4).toString("hex")}`;
  const labels: Labels = {
    ...r.extra,
    [LABEL.managed]: "true",
    [LABEL.project]: r.project,
    [LABEL.lifetime]: "process",
    [LABEL.ownerHost]: r.owner.host,
    [LABEL.ownerPid]: String(r.owner.pid),
    [LABEL.ownerStarted]: String(r.owner.started),
    ...(r.owner.user ? { [LABEL.ownerUser]: r.owner.user } : {}),
    [LABEL.createdAt]: new Date().toISOString(),
    [LABEL.expires]: new Date(r.expiresAt).toISOString(),
    [ADMISSION_LABEL.key]: key,
    [ADMISSION_LABEL.containers]: String(r.containers),
    [ADMISSION_LABEL.memory]: String(r.memoryBytes),
  };
  // Not cancelled half-way: an aborted request does not stop the engine from creating it.
  await engine.createVolume(name, labels);
  return { ticket: { name, project: r.project, key, containers: r.containers, memoryBytes: r.memoryBytes }, labels };
}

/** Why a listed ticket no longer holds a place: its owner died (on this host) or it expired. */
export function staleReason(labels: Labels, now: number, host = hostname()): "owner-dead" | "expired" | null {
  const o = ownershipOf(labels);
  if (!o) return null;
  if (o.expiresAt !== undefined && o.expiresAt <= now) return "expired";
  if (o.owner && ownerLiveness(o.owner, host) === "dead") return "owner-dead";
  return null;
}

export interface QueueSnapshot {
  tickets: Ticket[];
  containerProjects: string[];
  /** Stale tickets seen in the listing (already being removed). */
  stale: string[];
}

/**
 * One look at the queue: the tickets and berth's containers, two listings in parallel. Stale
 * tickets are left out and removed by whoever sees them first (removal of one already gone is fine).
 */
export async function readQueue(engine: Pick<Runtime, "listContainers" | "listVolumes" | "removeVolume">, signal?: AbortSignal): Promise<QueueSnapshot> {
  const [containers, volumes] = await Promise.all([
    engine.listContainers({ [LABEL.managed]: "true" }, { signal }),
    engine.listVolumes(TICKET_FILTER, { signal }),
  ]);
  const now = Date.now();
  const tickets: Ticket[] = [];
  const stale: VolumeSummary[] = [];
  for (const v of volumes) {
    if (staleReason(v.labels, now)) stale.push(v);
    else {
      const t = ticketOf(v.name, v.labels);
      if (t) tickets.push(t);
    }
  }
  for (const v of stale) void engine.removeVolume(v.name).catch(() => undefined);
  // Containers of dead owners still count until they are gone (reapOrphans, running alongside
  // admission, removes them; their destroy events wake the waiters): they still load the engine.
  return { tickets, containerProjects: containers.map((c) => c.labels[LABEL.project] ?? ""), stale: stale.map((v) => v.name) };
}
