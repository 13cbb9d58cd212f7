#!/usr/bin/env node
// `berth --version` answers before anything else is loaded: scripts call it to probe for berth.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  const { VERSION } = await import("../version.js");
  process.stdout.write(`${VERSION}\n`);
} else {
  const { runCli } = await import("./program.js");
  const code = await runCli(argv);
  process.exitCode = code;
  // Open sockets (an event stream being torn down) must not keep a finished command alive.
  setTimeout(() => process.exit(code), 200).unref();
}
