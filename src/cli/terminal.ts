/**
 * berth's own terminal for `berth exec` and `berth run SERVICE`: whether the command gets a
 * pseudo-terminal, and the stdin, output, size and resizes handed to the engine (src/engine/attach.ts).
 */
import type { AttachIo } from "../engine/attach.js";
import type { CliContext } from "./context.js";

export interface LocalStdio {
  stdinIsTty: boolean;
  stdoutIsTty: boolean;
}

/**
 * A pseudo-terminal when berth's stdin and stdout are both terminals and `-T` was not given.
 * Not when stdout is redirected (`berth exec db pg_dump > dump.sql`): a terminal would turn the
 * output's line ends into CRLF. `-t` cannot force one: without a terminal there is nothing to drive it.
 */
export function allocatesTty(tty: boolean | undefined, local: LocalStdio): boolean {
  return tty !== false && local.stdinIsTty && local.stdoutIsTty;
}

export function localStdio(): LocalStdio {
  return { stdinIsTty: process.stdin.isTTY === true, stdoutIsTty: process.stdout.isTTY === true };
}

/**
 * berth's stdin, stdout and stderr as the command's. With a TTY the local terminal is put in raw
 * mode (keys, Ctrl-C included, go to the command) until `restore()`, which callers run in a
 * `finally`; an exit of berth without it restores the terminal too.
 */
export function localIo(ctx: CliContext, tty: boolean): { io: AttachIo; restore: () => void } {
  const stdin = process.stdin;
  const raw = tty && stdin.isTTY === true;
  const restoreRaw = () => {
    if (raw && stdin.isTTY) stdin.setRawMode(false);
  };
  if (raw) {
    stdin.setRawMode(true);
    process.once("exit", restoreRaw);
  }
  const io: AttachIo = {
    stdin,
    tty,
    onOutput: (stream, data) => (stream === "stdout" ? ctx.writeOut(data) : ctx.writeErr(data)),
    size: () => (process.stdout.isTTY ? { rows: process.stdout.rows, columns: process.stdout.columns } : undefined),
    // Node turns SIGWINCH into a 'resize' event of a terminal stdout.
    onResize: (listener) => {
      process.stdout.on("resize", listener);
      return () => process.stdout.off("resize", listener);
    },
  };
  return {
    io,
    restore: () => {
      restoreRaw();
      process.off("exit", restoreRaw);
      // Not read to its end (the command exited first): stop reading so it keeps nothing open.
      stdin.pause();
    },
  };
}
