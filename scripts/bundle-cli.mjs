// Bundles the CLI (and the reaper it spawns) into dist/bin/ with esbuild, after `tsc` has built
// dist/. Why: a `berth` command spends most of its own time starting Node and loading ~350
// modules (zod alone is ~225 files); Node 20 has no compile cache, and its ES module loader pays per
// file. One bundle with lazily loaded chunks (the commands' own `import()`s stay lazy) starts ~0.1 s
// faster and uses ~0.3 s less CPU per `berth up`, which is what ten test shards starting at once on
// a 2-core runner wait for. The library (dist/index.js) stays unbundled for those who import it.
import { build } from "esbuild";
import { chmodSync, rmSync } from "node:fs";

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

// Chunk names carry content hashes: start empty so no stale chunk lingers.
rmSync(`${root}dist/bin`, { recursive: true, force: true });
await build({
  entryPoints: { berth: `${root}dist/cli/main.js`, "reaper-main": `${root}dist/cleanup/reaper-main.js` },
  outdir: `${root}dist/bin`,
  // Chunks sit next to the entries: the reaper is found as the sibling of the chunk that spawns it.
  entryNames: "[name]",
  chunkNames: "[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Bundled CommonJS (dockerode) calls require(): give the ES module bundle a real one.
  banner: { js: "import { createRequire as __berthCreateRequire } from 'node:module'; const require = __berthCreateRequire(import.meta.url);" },
  // Never bundled: native or optional modules and BuildKit's protobufjs (dockerode requires it only
  // inside buildImage with a session), only ever loaded lazily from node_modules.
  external: ["ssh2", "@grpc/grpc-js", "@grpc/proto-loader", "protobufjs", "cpu-features"],
  plugins: [lazyTransports],
  logLevel: "warning",
});
chmodSync(`${root}dist/bin/berth.js`, 0o755);
