/**
 * Entry point of the reaper process: `node reaper-main.js '<json>'`, started detached (its own
 * session, no terminal, nothing inherited) by ensureReaper. It needs no container image and no
 * privileges beyond the Docker socket its owner used. See reaper-loop.ts for what it does.
 */
import { appendFileSync } from "node:fs";
import type { Owner } from "../labels.js";
import { removeQuietly } from "../locks/atomic-file.js";
import { runReaperLoop } from "./reaper-loop.js";

/** How long one of the reaper's requests may go without a byte from the engine (a stop waits for its grace period in silence). */
const REQUEST_IDLE_MS = 120_000;

interface ReaperArgs {
  owner: Owner;
  endpoint: string;
  dir: string;
  key: string;
  log: string;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? "{}") as ReaperArgs;
  let wroteErrors = false;
  const log = (line: string) => {
    if (/could not|error/.test(line)) wroteErrors = true;
    appendFileSync(args.log, `${new Date().toISOString()} reaper ${process.pid} for pid ${args.owner.pid}: ${line}\n`);
  };
  const outcome = await runReaperLoop({
    // Loaded when first needed: most of a reaper's life is reading /proc, and its start-up
    // competes for CPU with the acquire it protects.
    // Each request gives up after REQUEST_IDLE_MS without a byte from the engine: a request dockerd
    // never answers must not hold the reaper (and its owner's cleanup) for good; reap() retries.
    connect: async () => (await import("../engine/connect.js")).connectEngine({ host: args.endpoint, timeoutMs: REQUEST_IDLE_MS }),
    owner: args.owner,
    endpoint: args.endpoint,
    dir: args.dir,
    key: args.key,
    log,
  });
  log(`exiting (${outcome})`);
  // A log of a run that went as planned is noise; one with errors stays for whoever investigates.
  if (!wroteErrors) removeQuietly(args.log);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`berth reaper: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
