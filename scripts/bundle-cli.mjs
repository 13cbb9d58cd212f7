// Bundles the CLI (and the reaper it spawns) into dist/bin/ with esbuild, after `tsc` has built
// dist/. Why: a `berth` command spends most of its own time starting Node and loading ~350
// modules (zod alone is ~225 files); Node 20 has no compile cache, and its ES module loader pays per
// file. What it writes:
//   berth.js        the `berth` command: a small launcher (src/cli/launcher.ts) that answers
//                   --version and runs berth.cjs through V8's code cache; CommonJS (dist/bin has
//                   a package.json saying so): an ES module entry makes Node load its ES module
//                   loader first (`berth --version`: ~10 ms of CPU more as an ES module here);
//   berth.cjs       the whole CLI as one CommonJS module function (the commands' own import()s stay
//                   lazy: esbuild turns them into deferred initialisers), which is what vm.Script can
//                   cache; ASCII only and already wrapped (wrapAscii below), zod's translations left out;
//   reaper-main.mjs the reaper process berth spawns, found as berth.cjs's sibling (with lazy chunks).
// Together they start a `berth up` with ~0.3 s of CPU, against ~0.9 s unbundled. The library
// (dist/index.js) stays unbundled for those who import it.
import { build } from "esbuild";
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import Module from "node:module";

const root = new URL("..", import.meta.url).pathname;

/**
 * dockerode and docker-modem require their BuildKit-session and SSH transports (gRPC, protobufjs,
 * ssh2) as soon as they load; berth needs neither. In the bundle each becomes a function that
 * requires the real module from node_modules on its first call: the same modules, found the same
 * way, as src/engine/defer-unused-transports.ts defers for the unbundled build.
 */
const deferModule = `${root}dist/engine/defer-unused-transports.js`;
const { DEFERRED_TRANSPORTS } = await import(deferModule);
const lazyTransports = {
  name: "lazy-transports",
  setup(b) {
    b.onResolve({ filter: /^\.\/(session|ssh)$/ }, (a) => {
      const d = DEFERRED_TRANSPORTS.find((x) => a.importer.includes(`/node_modules/${x.pkg}/lib/`) && x.internal === a.path);
      return d ? { path: `${d.pkg}:${d.internal}`, namespace: "lazy-transport", pluginData: d } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: "lazy-transport" }, ({ pluginData: d }) => ({
      loader: "js",
      resolveDir: root,
      contents: `
        const { createRequire } = require("node:module");
        const { mainFileOf } = require(${JSON.stringify(deferModule)});
        let real;
        module.exports = function (...args) {
          real ??= createRequire(mainFileOf(${JSON.stringify(d.pkg)}))(${JSON.stringify(d.internal)});
          return real.apply(this, args);
        };`,
    }));
  },
};

/**
 * zod's `z.locales` namespace: its error messages in ~50 languages (400 kB, a sixth of the bundle),
 * which berth never uses (zod's default English messages come from locales/en.js directly). In the
 * bundle the namespace holds English only.
 */
const englishOnlyZod = {
  name: "english-only-zod",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (a) =>
      a.importer.includes("/node_modules/zod/") ? { path: `${a.resolveDir}/../locales/en.js`, namespace: "zod-locales" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-locales" }, (a) => ({ loader: "js", resolveDir: root, contents: `export { default as en } from ${JSON.stringify(a.path)};` }));
  },
};

/**
 * docker-modem logs every request it sends with `debug("Sending: %s", util.inspect(options, {
 * showHidden: true, depth: null }))`, and JavaScript evaluates that inspect of the request's
 * options (its abort signal, its agent) also when the `modem` debug log is off, as it always is
 * for berth: ~3 ms of CPU for each of a command's first requests, ~0.1-0.2 ms for later ones,
 * measured on `berth down`. In the bundles the call runs only when that log is on (DEBUG=modem
 * still shows it). Fails the build when the line is not found, so an upgrade cannot drop it silently.
 */
const quietModemDebug = {
  name: "quiet-modem-debug",
  setup(b) {
    b.onLoad({ filter: /[\\/]docker-modem[\\/]lib[\\/]modem\.js$/ }, (a) => {
      const source = readFileSync(a.path, "utf8");
      const call = "debug('Sending: %s', util.inspect(options, {";
      if (source.split(call).length !== 2) throw new Error(`quiet-modem-debug: ${a.path} no longer has exactly one ${call}`);
      return { loader: "js", contents: source.replace(call, `debug.enabled && ${call}`) };
    });
  },
};

rmSync(`${root}dist/bin`, { recursive: true, force: true });
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  // Never bundled: native or optional modules and BuildKit's protobufjs (dockerode requires it only
  // inside buildImage with a session), only ever loaded lazily from node_modules.
  external: ["ssh2", "@grpc/grpc-js", "@grpc/proto-loader", "protobufjs", "cpu-features"],
  plugins: [lazyTransports, quietModemDebug],
  logLevel: "warning",
};
await Promise.all([
  build({
    ...common,
    entryPoints: [`${root}dist/cli/main.js`],
    outfile: `${root}dist/bin/berth.cjs`,
    plugins: [lazyTransports, quietModemDebug, englishOnlyZod],
    format: "cjs",
    // berth's two uses of import.meta.url (finding the reaper beside it, resolving deferred
    // transports) get the bundle's own URL.
    define: { "import.meta.url": "__berthModuleUrl" },
    banner: { js: 'var __berthModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  }),
  build({
    ...common,
    entryPoints: [`${root}dist/cli/launcher.js`],
    outfile: `${root}dist/bin/berth.js`,
    format: "cjs",
    define: { "import.meta.url": "__berthLauncherUrl" },
    banner: { js: 'var __berthLauncherUrl = require("node:url").pathToFileURL(__filename).href;' },
  }),
  build({
    ...common,
    entryPoints: { "reaper-main": `${root}dist/cleanup/reaper-main.js` },
    outdir: `${root}dist/bin`,
    // Split: most reapers never need the engine client and removal code they import lazily.
    splitting: true,
    chunkNames: "reaper-[name]-[hash]",
    format: "esm",
    // .mjs: dist/bin/package.json makes its .js files CommonJS (the launcher).
    outExtension: { ".js": ".mjs" },
    // Bundled CommonJS (dockerode) calls require(): give the ES module bundle a real one.
    banner: { js: "import { createRequire as __berthCreateRequire } from 'node:module'; const require = __berthCreateRequire(import.meta.url);" },
  }),
]);
writeFileSync(`${root}dist/bin/package.json`, `${JSON.stringify({ type: "commonjs" })}\n`);
chmodSync(`${root}dist/bin/berth.js`, 0o755);
wrapAscii(`${root}dist/bin/berth.cjs`);

/**
 * berth.cjs is written as the launcher compiles it: already wrapped in CommonJS's module function
 * (Module.wrap), so the launcher compiles the file's own string instead of a concatenated copy,
 * and ASCII only (other characters as \u escapes: comments, strings, regular expressions), so V8
 * holds its 2.5 MB as one byte per character, not two. Together: ~8 MB less peak memory for
 * every command.
 */
function wrapAscii(file) {
  const ascii = readFileSync(file, "utf8").replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  writeFileSync(file, Module.wrap(ascii));
}
