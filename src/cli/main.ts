#!/usr/bin/env node
import { runCli } from "./program.js";

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
// Open sockets (an event stream being torn down) must not keep a finished command alive.
setTimeout(() => process.exit(code), 200).unref();
