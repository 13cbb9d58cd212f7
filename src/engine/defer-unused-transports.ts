/**
 * dockerode requires, when it is loaded, two transports berth rarely or never uses: BuildKit
 * sessions (`@grpc/grpc-js` + protobufjs, for `buildImage` with a session) and SSH (`ssh2`, for
 * `DOCKER_HOST=ssh://…`). Loading them costs ~120 ms of CPU in every berth process on an idle
 * 2-core machine, several times that when ten berth processes start at once, and is most of what
 * `berth down` spends before it talks to the engine. This module must be imported before dockerode: it puts a
 * stand-in for each of those two internal modules into the CommonJS cache, a function that loads
 * the real module the first time it is called, so an ssh:// engine still works, only the cost
 * moves to the one process that needs it. Written by hand because neither package offers a lazy
 * entry point; if a dockerode/docker-modem upgrade moves these files, resolving fails and
 * nothing is deferred (a slower start, never a broken one).
 */
import { createRequire, Module } from "node:module";

/**
 * The internal modules deferred, each resolved next to its package's main file; docker-modem is
 * dockerode's own dependency and is resolved from dockerode. scripts/bundle-cli.mjs defers the same
 * ones in the bundled CLI.
 */
export const DEFERRED_TRANSPORTS = [
  { pkg: "dockerode", internal: "./session" },
  { pkg: "docker-modem", internal: "./ssh" },
] as const;

/** The main file of `pkg` as dockerode's own require() finds it. */
export function mainFileOf(pkg: string, require: NodeRequire = createRequire(import.meta.url)): string {
  const dockerode = require.resolve("dockerode");
  return pkg === "dockerode" ? dockerode : createRequire(dockerode).resolve(pkg);
}

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

function defer(pkg: string, internal: string): void {
  // Resolve from the package's own main file, exactly as its require() calls will.
  const fromPkg = createRequire(mainFileOf(pkg));
  const file = fromPkg.resolve(internal);
  if (fromPkg.cache[file]) return;
  let real: AnyFn | undefined;
  const stub: AnyFn = function (this: unknown, ...args: unknown[]) {
    if (!real) {
      delete fromPkg.cache[file];
      real = fromPkg(file) as AnyFn;
    }
    return real.apply(this, args);
  };
  const m = new Module(file) as Module & { filename: string; loaded: boolean };
  m.filename = file;
  m.exports = stub;
  m.loaded = true;
  fromPkg.cache[file] = m;
}

for (const { pkg, internal } of DEFERRED_TRANSPORTS) {
  try {
    defer(pkg, internal);
  } catch {
    // Layout changed: load everything eagerly, as dockerode itself does.
  }
}
