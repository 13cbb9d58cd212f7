/**
 * The latest event-derived observations with their project, for /api/timings and the page: the
 * histograms cannot say which environment took how long (they have no project label on purpose).
 * A bounded ring per kind of observation.
 */
import type { TimingSink } from "./timings.js";

type Entry = { type: "acquire" | "release" | "readiness" | "restart" | "reaped"; project: string; at: string } & Record<string, unknown>;

export class RecentTimings {
  private readonly entries: Entry[] = [];

  constructor(private readonly max = 500) {}

  private push(type: Entry["type"], o: { project: string; at: number } & Record<string, unknown>): void {
    this.entries.push({ ...o, type, project: o.project, at: new Date(o.at).toISOString() });
    if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max);
  }

  /** A sink that records into this ring and forwards to `next`. */
  tee(next: TimingSink): TimingSink {
    return {
      acquire: (o) => {
        this.push("acquire", o);
        next.acquire(o);
      },
      release: (o) => {
        this.push("release", o);
        next.release(o);
      },
      readiness: (o) => {
        this.push("readiness", o);
        next.readiness(o);
      },
      restart: (o) => {
        this.push("restart", o);
        next.restart(o);
      },
      reaped: (o) => {
        this.push("reaped", o);
        next.reaped(o);
      },
    };
  }

  list(project?: string): Entry[] {
    return project ? this.entries.filter((e) => e.project === project) : [...this.entries];
  }
}
