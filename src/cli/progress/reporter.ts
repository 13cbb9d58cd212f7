/** Chooses how progress is shown: NDJSON (--json), nothing (--quiet), the live view (TTY) or plain lines. */
import type { BerthEvent, EventListener } from "../../events.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { colorEnabled, makeColors, type Colors } from "./colors.js";
import { ProgressModel } from "./model.js";
import { otherLine, transitionLine } from "./plain-view.js";
import { TtyView } from "./tty-view.js";

export interface Reporter {
  onEvent: EventListener;
  /** Ends the live view (final frame); call before printing the result. */
  finish(): void;
  model: ProgressModel;
  /** Colours for stdout output (the summary). */
  colors: Colors;
}

/** `jsonOut`: where NDJSON events go (stdout by default; `run` keeps stdout for its command). */
export function createReporter(ctx: CliContext, g: GlobalOptions, services: { name: string; dependsOn: string[] }[], t0: number, jsonOut = ctx.out): Reporter {
  const model = new ProgressModel(services, t0);
  const colors = makeColors(colorEnabled(ctx.env, process.stdout.isTTY === true, g.color));
  if (g.json) {
    return {
      model,
      colors,
      onEvent: (e) => {
        model.apply(e);
        jsonOut(JSON.stringify(e));
      },
      finish: () => undefined,
    };
  }
  if (g.quiet) return { model, colors, onEvent: (e) => void model.apply(e), finish: () => undefined };
  if (ctx.errTty.isTTY && ctx.env.TERM !== "dumb") {
    const view = new TtyView(model, { write: (t) => ctx.writeErr(t), columns: ctx.errTty.columns, colors: makeColors(colorEnabled(ctx.env, true, g.color)) });
    let started = false;
    const start = () => {
      if (!started) view.start();
      started = true;
    };
    return {
      model,
      colors,
      onEvent: (e: BerthEvent) => {
        // Warnings and rollbacks are worth a line of their own above the live view.
        const line = e.type === "warning" || e.type === "rollback" ? otherLine(e, t0) : null;
        if (line && !started) ctx.err(line);
        model.apply(e);
        start();
      },
      finish: () => {
        if (started) view.stop();
      },
    };
  }
  return {
    model,
    colors,
    onEvent: (e) => {
      const changed = model.apply(e);
      const line = changed ? transitionLine(changed, model) : otherLine(e, t0);
      if (line) ctx.err(line);
    },
    finish: () => undefined,
  };
}
