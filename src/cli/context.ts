/** What every command gets: the environment, where to write, the cancel signal, global options. */
import { connectEngine } from "../engine/connect.js";
import type { Engine } from "../engine/engine.js";

export interface GlobalOptions {
  file?: string[];
  projectName?: string;
  profile?: string[];
  envFile?: string[];
  json?: boolean;
  quiet?: boolean;
  timeout?: string;
}

export interface CliContext {
  env: Record<string, string | undefined>;
  cwd: string;
  out: (text: string) => void;
  err: (text: string) => void;
  signal: AbortSignal;
  engine(): Promise<Engine>;
}

export function makeContext(signal: AbortSignal): CliContext {
  const env = { ...process.env };
  let engine: Promise<Engine> | undefined;
  return {
    env,
    cwd: process.cwd(),
    out: (t) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
    signal,
    engine: () => (engine ??= connectEngine({ env, signal })),
  };
}

/** "90s", "2m", "1m30s", "500ms" or plain seconds → ms. */
export function parseTimeout(text: string | undefined, fallbackMs: number): number {
  if (!text) return fallbackMs;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let consumed = "";
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"];
    consumed += m[0];
  }
  if (consumed !== text) throw new Error(`--timeout ${text}: use a duration such as 90s, 2m or 1m30s`);
  return total;
}
