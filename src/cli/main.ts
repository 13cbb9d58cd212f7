/**
 * Entry of the CLI bundle (dist/bin/berth.cjs), which the `berth` command (launcher.ts) runs
 * through V8's code cache. `berth --version` never gets here: the launcher answers it.
 */
import type { Engine } from "../engine/engine.js";
import { commandWord } from "./argv.js";

const EARLY_CONNECT = new Set(["up", "down", "release", "status", "run"]);

async function main(argv: string[]): Promise<number> {
  // The commands that always talk to the engine start connecting while the CLI itself loads.
  const own = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
  const controller = new AbortController(); // runCli's: a Ctrl-C cancels this connection too
  const engine: Promise<Engine> | undefined =
    EARLY_CONNECT.has(commandWord(own)) && !own.some((a) => a === "--help" || a === "-h")
      ? import("../engine/connect.js").then((m) => m.connectEngine({ env: process.env, signal: controller.signal }))
      : undefined;
  engine?.catch(() => undefined); // a failure is reported by the command that awaits it
  const { runCli } = await import("./program.js");
  return runCli(argv, { engine, controller });
}

// A reader that goes away (`berth --help | head -1`) ends the output, not the command: whatever
// berth was doing to the engine is seen to its end, as it would be with nobody reading.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // Open sockets (an event stream being torn down) must not keep a finished command alive.
  setTimeout(() => process.exit(code), 200).unref();
});
