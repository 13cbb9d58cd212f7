/** What every command gets: the environment, where to write, the cancel signal, global options. */
import type { Engine } from "../engine/engine.js";
import { BerthError } from "../errors.js";

export interface GlobalOptions {
  file?: string[];
  projectName?: string;
  profile?: string[];
  envFile?: string[];
  json?: boolean;
  quiet?: boolean;
  /** false with --no-color. */
  color?: boolean;
  timeout?: string;
  /** --project-directory: where relative paths, .env and the default compose files are found. */
  projectDirectory?: string;
}

export interface CliContext {
  env: Record<string, string | undefined>;
  cwd: string;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Raw writes (no newline added), for streamed output and the live progress view. */
  writeOut: (chunk: string | Uint8Array) => void;
  writeErr: (chunk: string | Uint8Array) => void;
  /** Whether stderr is a terminal (the live progress view draws there) and its width. */
  errTty: { isTTY: boolean; columns: number };
  signal: AbortSignal;
  engine(): Promise<Engine>;
  /** What the process exits with when the command returns normally (e.g. `run`'s child's code). */
  exitCode: number;
}

/** `earlyEngine`: a connection main.ts started while the CLI was still loading. */
export function makeContext(signal: AbortSignal, earlyEngine?: Promise<Engine>): CliContext {
  const env = { ...process.env };
  let engine = earlyEngine;
  return {
    env,
    cwd: process.cwd(),
    out: (t) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
    writeOut: (c) => process.stdout.write(c),
    writeErr: (c) => process.stderr.write(c),
    errTty: { isTTY: process.stderr.isTTY === true, columns: process.stderr.columns || 80 },
    signal,
    // Imported on first use: `berth --help` and `berth config` never load the Engine API client.
    engine: () => (engine ??= import("../engine/connect.js").then((m) => m.connectEngine({ env, signal }))),
    exitCode: 0,
  };
}

/** "90s", "2m", "1m30s", "500ms" or plain seconds → ms. */
export function parseTimeout(text: string | undefined, fallbackMs: number): number {
  return parseDuration(text, fallbackMs, "--timeout");
}

export function parseDuration(text: string | undefined, fallbackMs: number, option: string): number {
  if (!text) return fallbackMs;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let consumed = "";
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"];
    consumed += m[0];
  }
  if (consumed !== text) throw new BerthError("USAGE", `${option} ${text}: use a duration such as 90s, 2m or 1m30s`);
  return total;
}
