#!/usr/bin/env node
/**
 * The `berth` command (dist/bin/berth.js). It answers `--version` at once; everything else is the
 * CLI bundle beside it (berth.cjs), compiled through V8's code cache.
 *
 * Why by hand: Node 20 keeps no compile cache (module.enableCompileCache came in Node 22), so every
 * `berth` process parsed and compiled ~1.3 MB of the bundle it runs: ~0.1 s of CPU per `berth up`,
 * which ten test shards starting at once on a two-core runner queue for. A CommonJS bundle can be
 * compiled with vm.Script and its `cachedData`, which V8 checks itself (source, V8 version, flags)
 * and rejects when it does not fit; a rejected or missing cache only costs the compile it saves.
 *
 * Each command word has its own cache, written after the command's first run with this build (so it
 * holds the functions that command compiled too): a `down` deserialises only what a `down` runs,
 * not what an earlier `up` compiled (measured: ~8 ms from reading the bundle to a compiled script
 * with the 0.8 MB cache of `down` alone, 10-14 ms with a 1.6 MB cache shared with `up`, `status`
 * and `config`). At most MAX_COMMANDS caches per build (typos are command words too).
 *
 * The caches live in the user's cache folder, $XDG_CACHE_HOME/berth or ~/.cache/berth
 * (BERTH_CODE_CACHE_DIR overrides; BERTH_CODE_CACHE=0 turns them off; BERTH_CODE_CACHE=debug says on
 * stderr what it did), never inside node_modules: installs are often read-only, shared, or wiped by
 * `npm ci`. Their names hold a hash of the bundle's path, so each install (several projects, several
 * berth versions) keeps its own and replaces only its own older builds'; caches untouched for a
 * month go.
 *
 * Node >= 22.1 has a compile cache of its own (module.enableCompileCache). It is turned on too, for
 * the modules loaded outside the bundle (dockerode's deferred transports), but it does not replace
 * the cache above: Node writes its cache right after a module is compiled, so it holds only the
 * bundle's eagerly compiled top level, while createCachedData() at exit also holds every function
 * the command ran. Measured on `berth config --services`: 0.19 s of CPU with Node's cache on Node 22
 * (0.17 s on 24), 0.14 s (0.13 s) with this one, 0.20 s (0.22 s) with neither.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { Script } from "node:vm";
import { VERSION } from "../version.js";
import { commandWord } from "./argv.js";

const MAX_COMMANDS = 24;
/** Caches not used for this long belong to installs that are probably gone. */
const STALE_MS = 30 * 24 * 3600_000;

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  // Scripts call this to probe for berth: nothing else is loaded.
  process.stdout.write(`${VERSION}\n`);
} else {
  runBundle(join(dirname(fileURLToPath(import.meta.url)), "berth.cjs"));
}

/**
 * 48 bits of FNV-1a of the bundle's path, in hex: names this install's cache files. Not node:crypto,
 * which a `berth` command otherwise does not load (~1 ms of its start); a collision between two
 * installs costs only a rejected cache.
 */
function pathHash(path: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < path.length; i++) h = ((h ^ BigInt(path.charCodeAt(i))) * 0x100000001b3n) & 0xffffffffffffffffn;
  return (h >> 16n).toString(16).padStart(12, "0");
}

function runBundle(bundle: string): void {
  const env = process.env;
  keepYoungGenerationSmall();
  const mode = env.BERTH_CODE_CACHE;
  // The bundle is ASCII only (scripts/bundle-cli.mjs): read as latin1, the same string without UTF-8 decoding (~4 ms).
  const source = readFileSync(bundle, "latin1");
  const st = statSync(bundle);
  // This install (path), a new build of it (size, mtime) or another Node gets a new file; V8 rejects any other mismatch itself.
  const install = `berth-${pathHash(bundle)}-${process.version}-${process.arch}-`;
  const build = `${install}${st.size}-${Math.round(st.mtimeMs)}-`;
  const command = commandWord(argv);
  const name = `${build}${command.replace(/[^A-Za-z0-9-]/g, "_")}.v8cache`; // "" (help): `${build}.v8cache`
  const dirs = mode === "0" ? [] : [env.BERTH_CODE_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "berth")];
  if (dirs[0]) enableNodeCompileCache(join(dirs[0], "node-compile-cache"));
  const found = findCache(dirs, name);
  // The bundle is written already wrapped in CommonJS's module function (scripts/bundle-cli.mjs).
  const script = new Script(source, { filename: bundle, cachedData: found?.data });
  const usable = found !== undefined && !script.cachedDataRejected;
  if (mode === "debug") process.stderr.write(`berth code cache: ${found ? (usable ? "used" : "rejected") : "none"} (${found?.dir ?? dirs.join(", ")})\n`);
  if (dirs.length && !usable) process.once("exit", () => writeCache(dirs, { install, build, name }, script, command, mode === "debug"));
  const module = { exports: {} };
  const run = script.runInThisContext() as (exports: object, require: NodeRequire, module: object, filename: string, dirname: string) => void;
  run(module.exports, deferringBuiltins(createRequire(bundle)), module, bundle, dirname(bundle));
}

/**
 * Built-in modules the bundle's dependencies require at their top level for work most commands
 * never do: https and tls (docker-modem, for TLS engines; berth's HTTP probes), zlib (dockerode),
 * child_process (commander, for executable subcommands; berth's own spawns), readline/promises
 * (rm's prompt), fs/promises (cp and a few others; on Node 20 it loads readline's interface too,
 * ~2-3 ms), crypto (hashes and random ids: engine discovery's context folders, project names;
 * ~1-2 ms). The bundle's require returns, for these, an object that requires the real module on
 * first use. Measured on `berth down` (40 interleaved runs, 10th percentile of CPU time): ~5-10 ms
 * less per command, most of it https with tls.
 * Safe because the bundle reads them only as `mod.name` at call time (esbuild's form of a named
 * import of an external module, and dependencies' `var https = require("https")`); nothing in
 * it default-imports one (which would copy every property at once and merely load it early).
 */
function deferringBuiltins(real: NodeRequire): NodeRequire {
  // (here, not at the top level: the module's top level calls runBundle before it would be set)
  const deferredIds = new Set(["https", "tls", "zlib", "child_process", "readline/promises", "fs/promises", "crypto"].flatMap((m) => [m, `node:${m}`]));
  const deferred = new Map<string, object>();
  const lazy = (id: string): object => {
    let mod: Record<PropertyKey, unknown> | undefined;
    const load = () => (mod ??= real(id) as Record<PropertyKey, unknown>);
    const proxy = new Proxy(
      {},
      {
        get: (_, key) => load()[key],
        has: (_, key) => key in load(),
        ownKeys: () => Reflect.ownKeys(load()),
        getOwnPropertyDescriptor: (_, key) => {
          const d = Reflect.getOwnPropertyDescriptor(load(), key);
          return d && { ...d, configurable: true };
        },
      },
    );
    deferred.set(id, proxy);
    return proxy;
  };
  const req = (id: string): unknown => (deferredIds.has(id) ? (deferred.get(id) ?? lazy(id)) : real(id));
  return Object.assign(req, real) as NodeRequire;
}

/**
 * V8 doubles its young generation (up to 16 MB a half) whenever much survives a scavenge, which
 * loading the bundle and a compose file does; a `berth` command lives seconds, so the grown space
 * is mostly committed and never used again. Growth factor 1 keeps it at its start size. Measured
 * on `berth up` of the 4-service chain, 7 runs each, alternating: peak RSS median 80.5 -> 75.6 MB,
 * CPU time unchanged within noise (0.47 vs 0.52 s). Set before the bundle is compiled, so the code
 * cache (which V8 checks against the flags) always sees the same flags.
 */
function keepYoungGenerationSmall(): void {
  try {
    setFlagsFromString("--semi-space-growth-factor=1");
  } catch {
    // a V8 without the flag: the default sizing
  }
}

/** The first folder's cache (every run of berth reads it: no folder after a hit is looked at). */
function findCache(dirs: string[], name: string): { dir: string; data: Buffer } | undefined {
  for (const dir of dirs) {
    try {
      return { dir, data: readFileSync(join(dir, name)) };
    } catch {
      // none here
    }
  }
  return undefined;
}

/** Node's own compile cache, where the runtime has it (>= 22.1); a failure only costs the compiles it saves. */
function enableNodeCompileCache(dir: string): void {
  try {
    (Module as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache?.(dir);
  } catch {
    // not writable: compile as before
  }
}

/**
 * Into the first folder that takes it, atomically (ten processes may write at once), unless this
 * build has MAX_COMMANDS caches there already; this install's old builds' caches (and their lists
 * of commands, from before a cache per command) go, and any cache untouched for STALE_MS.
 */
function writeCache(dirs: string[], names: { install: string; build: string; name: string }, script: Script, command: string, debug: boolean): void {
  for (const dir of dirs) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const files = readdirSync(dir);
      if (files.filter((f) => f.startsWith(names.build) && f.endsWith(".v8cache")).length >= MAX_COMMANDS) return;
      const data = script.createCachedData();
      const tmp = join(dir, `.${names.name}.${process.pid}`);
      writeFileSync(tmp, data);
      renameSync(tmp, join(dir, names.name));
      const now = Date.now();
      for (const f of files) {
        if (!f.startsWith("berth-") || f.startsWith(names.build)) continue;
        if (f.startsWith(names.install) || now - statSync(join(dir, f)).mtimeMs > STALE_MS) unlinkSync(join(dir, f));
      }
      if (debug) process.stderr.write(`berth code cache: wrote ${data.length} bytes for ${command || "(no command)"} to ${dir}\n`);
      return;
    } catch {
      // not writable here: try the next folder; without one, the next run compiles again
    }
  }
}
