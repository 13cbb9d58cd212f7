#!/usr/bin/env node
// `berth --version` answers before anything else is loaded: scripts call it to probe for berth.
const argv = process.argv.slice(2);
// The first bare word is taken for the command. After a global option with a value
// (`-f x.yml up`) it is that value, and the command simply connects when it needs to.
const EARLY_CONNECT = new Set(["up", "down", "release", "status", "run"]);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  const { VERSION } = await import("../version.js");
  process.stdout.write(`${VERSION}\n`);
} else {
  // The commands that always talk to the engine start connecting while the CLI itself loads.
  const own = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
  const controller = new AbortController(); // runCli's: a Ctrl-C cancels this connection too
  const engine = EARLY_CONNECT.has(own.find((a) => !a.startsWith("-")) ?? "") && !own.some((a) => a === "--help" || a === "-h")
    ? import("../engine/connect.js").then((m) => m.connectEngine({ env: process.env, signal: controller.signal }))
    : undefined;
  engine?.catch(() => undefined); // a failure is reported by the command that awaits it
  const { runCli } = await import("./program.js");
  const code = await runCli(argv, { engine, controller });
  process.exitCode = code;
  // Open sockets (an event stream being torn down) must not keep a finished command alive.
  setTimeout(() => process.exit(code), 200).unref();
}
