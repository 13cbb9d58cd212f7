/**
 * CPU and memory of running berth containers for /metrics. The engine's one-shot stats call takes
 * about a second per container (it waits for a second CPU sample), so samples are cached for a few
 * seconds, taken with bounded concurrency, and shared by concurrent scrapes; a scrape finding a
 * stale cache gets the previous sample at once while a new one is taken in the background.
 */
import type { ContainerRecord } from "./live-model.js";

export interface StatSample {
  project: string;
  service: string;
  container: string;
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
}

export type ReadStats = (id: string) => Promise<{ cpuPercent: number; memoryBytes: number; memoryLimitBytes: number }>;

export class StatsCache {
  onSample: ((samples: StatSample[]) => void) | undefined;
  private takenAt = 0;
  private inFlight: Promise<void> | undefined;
  private hasSample = false;

  constructor(
    private readonly read: ReadStats,
    private readonly o: { ttlMs?: number; concurrency?: number } = {},
  ) {}

  async refreshIfStale(containers: ContainerRecord[]): Promise<void> {
    if (Date.now() - this.takenAt < (this.o.ttlMs ?? 5000)) return;
    this.inFlight ??= this.take(containers).finally(() => (this.inFlight = undefined));
    // The first scrape waits for a sample; later ones answer with the last while it is renewed.
    if (!this.hasSample) await this.inFlight;
  }

  private async take(containers: ContainerRecord[]): Promise<void> {
    const running = containers.filter((c) => c.status === "running");
    const samples: StatSample[] = [];
    let next = 0;
    const worker = async () => {
      while (next < running.length) {
        const c = running[next++]!;
        // A container that stops or goes away meanwhile simply has no sample this time.
        const s = await this.read(c.id).catch(() => null);
        if (s) samples.push({ project: c.project, service: c.service, container: c.name, ...s });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency ?? 4, running.length) }, worker));
    samples.sort((a, b) => a.container.localeCompare(b.container));
    this.takenAt = Date.now();
    this.hasSample = true;
    this.onSample?.(samples);
  }
}
