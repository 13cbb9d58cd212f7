/**
 * Per-service progress of an `up`, folded from the executor's events: waiting on dependencies →
 * creating → starting → waiting for health → healthy (or failed). Pure: the live view and the
 * plain CI lines both draw from it, so they can never disagree.
 */
import type { BerthEvent } from "../../events.js";
import { byText } from "../../text-order.js";

export type Phase = "waiting" | "creating" | "starting" | "checking" | "ready" | "failed";

export interface ServiceProgress {
  name: string;
  dependsOn: string[];
  phase: Phase;
  /** When the current phase began (ms since epoch). */
  since: number;
  /** When it became ready, for the summary. */
  readyAt?: number;
  /** How readiness was seen (probe, engine, running) or why it failed. */
  detail?: string;
  containers: number;
  readyContainers: number;
}

export const PHASE_TEXT: Record<Phase, string> = {
  waiting: "waiting",
  creating: "creating",
  starting: "starting",
  checking: "waiting until healthy",
  ready: "healthy",
  failed: "failed",
};

export class ProgressModel {
  readonly services = new Map<string, ServiceProgress>();
  project = "";
  /** While the acquire waits for capacity: what it waits for (shown in the live view's header). */
  admission: string | undefined;
  /** Images being pulled, with the layers and bytes so far (shown in the live view's header). */
  readonly pulls = new Map<string, { layersDone: number; layers: number; bytesDone: number; bytes: number }>();

  constructor(
    services: { name: string; dependsOn: string[] }[],
    readonly startedAt: number,
  ) {
    for (const s of [...services].sort((a, b) => byText(a.name, b.name))) {
      this.services.set(s.name, { name: s.name, dependsOn: [...s.dependsOn].sort(), phase: "waiting", since: startedAt, containers: 0, readyContainers: 0 });
    }
  }

  /** Applies an event; returns the service whose phase changed, if any. */
  apply(e: BerthEvent): ServiceProgress | null {
    if ("project" in e) this.project = e.project;
    if (e.type === "admission") this.admission = e.phase === "waiting" ? admissionText(e) : undefined;
    if (e.type === "step" && e.kind === "pull-image") {
      if (e.phase === "begin") this.pulls.set(e.target, { layersDone: 0, layers: 0, bytesDone: 0, bytes: 0 });
      else this.pulls.delete(e.target);
    }
    if (e.type === "pull" && this.pulls.has(e.image)) this.pulls.set(e.image, e);
    if (e.type === "ready") {
      const s = this.get(e.service);
      s.readyContainers++;
      return s.readyContainers >= Math.max(1, s.containers) ? this.move(s, "ready", e.at, e.via) : null;
    }
    if (e.type !== "step" || !e.service) return null;
    const s = this.get(e.service);
    if (e.phase === "failed") return this.move(s, "failed", e.at, e.error);
    // All containers are created up front; one whose dependencies are not ready is waiting, not creating.
    if (e.phase === "done" && e.kind === "create-container") return s.phase === "creating" && this.blockers(s).length ? this.move(s, "waiting", e.at) : null;
    if (e.phase !== "begin") return null;
    if (e.kind === "create-container") {
      s.containers++;
      return s.phase === "waiting" ? this.move(s, "creating", e.at) : null;
    }
    if (e.kind === "start-container") return s.phase === "creating" || s.phase === "waiting" ? this.move(s, "starting", e.at) : null;
    if (e.kind === "wait-ready") return s.phase !== "checking" && s.phase !== "ready" ? this.move(s, "checking", e.at) : null;
    return null;
  }

  /** Which of a waiting service's dependencies are not ready yet. */
  blockers(s: ServiceProgress): string[] {
    return s.dependsOn.filter((d) => this.services.get(d)?.phase !== "ready");
  }

  private get(name: string): ServiceProgress {
    let s = this.services.get(name);
    if (!s) {
      s = { name, dependsOn: [], phase: "waiting", since: this.startedAt, containers: 0, readyContainers: 0 };
      this.services.set(name, s);
    }
    return s;
  }

  private move(s: ServiceProgress, phase: Phase, at: number, detail?: string): ServiceProgress {
    s.phase = phase;
    s.since = at;
    if (phase === "ready") s.readyAt = at;
    s.detail = detail;
    return s;
  }
}

/** "pulling postgres:16 3/7 layers 12.3/40.1 MB" for each image being pulled, or undefined. */
export function pullText(pulls: ProgressModel["pulls"]): string | undefined {
  if (pulls.size === 0) return undefined;
  const mb = (n: number) => (n / 1e6).toFixed(1);
  const one = ([image, t]: [string, { layersDone: number; layers: number; bytesDone: number; bytes: number }]) =>
    t.layers ? `${image} ${t.layersDone}/${t.layers} layers ${mb(t.bytesDone)}/${mb(t.bytes)} MB` : image;
  return `pulling ${[...pulls].map(one).join(", ")}`;
}

type AdmissionEvent = Extract<BerthEvent, { type: "admission" }>;

/** "waiting for capacity: 18/20 berth containers in use, 2 environments ahead"; "admitted after 12.3s". */
export function admissionText(e: AdmissionEvent): string {
  if (e.phase === "admitted") return `admitted after waiting ${formatElapsed(e.waitedMs)} (${e.inUse}/${e.cap} berth containers in use)`;
  const ahead = e.ahead === 0 ? "next in line" : `${e.ahead} environment${e.ahead === 1 ? "" : "s"} ahead`;
  if (e.waitingFor === "memory") {
    const left = e.memoryLeftBytes ?? 0;
    return `waiting for host memory: ${left > 0 ? `${(left / 1024 ** 3).toFixed(1)} GiB` : "none"} left above the floor, ${ahead}`;
  }
  return `waiting for capacity: ${e.inUse}/${e.cap} berth containers in use, ${ahead}`;
}

/** "1.2s", "45.0s", "2m05s". */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, "0")}s`;
}
