/**
 * The live per-service view on a terminal: one line per service with a spinner, its phase and
 * the time spent, redrawn in place (cursor up, clear line) ~12 times a second.
 */
import type { Colors } from "./colors.js";
import { formatElapsed, PHASE_TEXT, pullText, type ProgressModel, type ServiceProgress } from "./model.js";

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const FRAME_MS = 80;

export interface TtyViewOptions {
  write: (text: string) => void;
  columns: number;
  colors: Colors;
  now?: () => number;
}

export class TtyView {
  private drawn = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(
    private readonly model: ProgressModel,
    private readonly o: TtyViewOptions,
  ) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    this.o.write("\x1b[?25l"); // hide the cursor while redrawing
    this.render();
    this.timer = setInterval(() => this.render(), FRAME_MS);
    this.timer.unref();
  }

  /** Draws the final state (no spinner) and gives the cursor back. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.render(true);
    this.o.write("\x1b[?25h");
  }

  render(final = false): void {
    this.frame++;
    const lines = this.lines(final);
    let out = this.drawn > 0 ? `\x1b[${this.drawn}A` : "";
    for (const l of lines) out += `\r\x1b[2K${l}\n`;
    this.drawn = lines.length;
    this.o.write(out);
  }

  lines(final = false): string[] {
    const c = this.o.colors;
    const services = [...this.model.services.values()];
    const width = Math.max(...services.map((s) => s.name.length), 7);
    const waiting = this.model.admission && !final ? `  ${c.yellow(this.model.admission)}` : "";
    const pulling = pullText(this.model.pulls);
    const pulls = pulling && !final ? `  ${c.cyan(pulling)}` : "";
    const header = `${c.bold(this.model.project || "environment")} ${c.dim(formatElapsed(this.now() - this.model.startedAt))}${waiting}${pulls}`;
    return [this.clip(header), ...services.map((s) => this.clip(this.line(s, width, final)))];
  }

  private line(s: ServiceProgress, width: number, final: boolean): string {
    const c = this.o.colors;
    const spin = SPINNER[this.frame % SPINNER.length]!;
    const name = s.name.padEnd(width);
    switch (s.phase) {
      case "ready":
        return `${c.green("✔")} ${name}  ${c.green(PHASE_TEXT.ready)}  ${c.dim(formatElapsed((s.readyAt ?? s.since) - this.model.startedAt))}`;
      case "failed":
        return `${c.red("✖")} ${name}  ${c.red(PHASE_TEXT.failed)}${s.detail ? c.dim(`: ${s.detail}`) : ""}`;
      case "waiting": {
        const blockers = this.model.blockers(s);
        const what = blockers.length ? `waiting for ${blockers.join(", ")}` : "waiting";
        return `${final ? c.dim("·") : c.dim("…")} ${name}  ${c.dim(what)}`;
      }
      default:
        return `${final ? c.yellow("!") : c.cyan(spin)} ${name}  ${PHASE_TEXT[s.phase]}  ${c.dim(formatElapsed(this.now() - s.since))}`;
    }
  }

  /** A line longer than the terminal would wrap and break the cursor-up redraw: cut it. */
  private clip(line: string): string {
    const max = Math.max(20, this.o.columns - 1);
    // eslint-disable-next-line no-control-regex
    const plain = line.replace(/\x1b\[[0-9;]*m/g, "");
    return plain.length <= max ? line : `${plain.slice(0, max - 1)}…`;
  }
}
