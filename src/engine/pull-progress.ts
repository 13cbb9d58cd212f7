/**
 * Folds the engine's pull progress lines into per-image totals (layers done of layers, bytes
 * downloaded of bytes) and hands them on at most every `everyMs`, so a fast pull of many layers
 * does not flood the event stream. `flush` hands on the last totals. An image whose layers the
 * engine has already reports no layer lines at all: it pulls with zero layers.
 */
import type { PullProgressLine } from "./pull.js";

export interface PullTotals {
  layersDone: number;
  layers: number;
  bytesDone: number;
  bytes: number;
}

const LAYER_STATUS = /^(Pulling fs layer|Waiting|Downloading|Verifying Checksum|Download complete|Extracting|Pull complete|Already exists)/;
const DONE_STATUS = /^(Pull complete|Already exists)/;

export class PullProgress {
  private readonly layers = new Map<string, { current: number; total: number; done: boolean }>();
  private lastSent = 0;
  private changed = false;

  constructor(
    private readonly send: (t: PullTotals) => void,
    private readonly everyMs = 500,
    private readonly now: () => number = Date.now,
  ) {}

  line(l: PullProgressLine): void {
    if (!l.id || !l.status || !LAYER_STATUS.test(l.status)) return;
    const layer = this.layers.get(l.id) ?? { current: 0, total: 0, done: false };
    if (l.status.startsWith("Downloading") && l.progressDetail?.total) {
      layer.total = l.progressDetail.total;
      layer.current = l.progressDetail.current ?? layer.current;
    }
    if (l.status.startsWith("Download complete") || l.status.startsWith("Verifying")) layer.current = layer.total;
    if (DONE_STATUS.test(l.status)) {
      layer.done = true;
      layer.current = layer.total;
    }
    this.layers.set(l.id, layer);
    this.changed = true;
    if (this.now() - this.lastSent >= this.everyMs) this.flush();
  }

  totals(): PullTotals {
    const all = [...this.layers.values()];
    return {
      layersDone: all.filter((l) => l.done).length,
      layers: all.length,
      bytesDone: all.reduce((n, l) => n + l.current, 0),
      bytes: all.reduce((n, l) => n + l.total, 0),
    };
  }

  /** `final`: hands the totals on even when nothing changed since (at least one report per pull). */
  flush(final = false): void {
    if (!this.changed && !(final && this.lastSent === 0)) return;
    this.changed = false;
    this.lastSent = this.now();
    this.send(this.totals());
  }
}

/**
 * The engine's own retries of a broken layer download: it counts down "Retrying in N seconds" once
 * a second before each one (Engine 20.10: up to `max-download-attempts`, 5 by default, 5 s, 10 s, …
 * apart), which would otherwise look like a stalled pull. `send` gets each retry once, numbered per
 * pull, when its count-down starts.
 */
export class EngineRetries {
  private readonly countdown = new Map<string, number>();
  private count = 0;

  constructor(private readonly send: (retry: number, cause: string) => void) {}

  line(l: PullProgressLine): void {
    if (!l.id || !l.status) return;
    const seconds = /^Retrying in (\d+) seconds?/.exec(l.status)?.[1];
    const previous = this.countdown.get(l.id);
    if (seconds === undefined) {
      this.countdown.delete(l.id);
      return;
    }
    // A new count-down starts higher than where the last one ended.
    if (previous === undefined || Number(seconds) > previous)
      this.send(++this.count, `the download of layer ${l.id} broke off; the engine retries it in ${seconds} s`);
    this.countdown.set(l.id, Number(seconds));
  }
}
