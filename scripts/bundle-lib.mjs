// Builds the library as the package publishes it, after `tsc` (dist/) and bundle-cli.mjs (dist/bin/).
//
// Layout: a CommonJS core with thin ES module wrappers.
//   dist/cjs/berth.js            the whole library (berth, berth/jest, berth/vitest) as ONE CommonJS
//                                bundle; dependencies stay external (users dedupe and update them);
//   dist/cjs/index.js, testing/  `require("berth")`, `require("berth/jest")`…: each its part of it;
//   dist/esm/index.js, testing/  `import "berth"`…: named re-exports of the same CommonJS module;
//   dist/{cjs,esm}/**/*.d.ts     the declarations reachable from the three entry points, once in a
//                                CommonJS scope (dist/cjs/package.json) and once in the package's ESM
//                                scope, so TypeScript gives each condition its own module format.
// Why this and not an ESM build beside a CJS build: with two builds, a process that both imports and
// requires berth (a CommonJS Jest config with an .mjs global setup; a tool that requires berth inside
// an ESM app) runs two copies, and `instanceof BerthError`, `isBerthError` and `Environment` checks
// fail across them (the dual-package hazard). Here `import` and `require` reach the same module
// instance. Node 20.19+/22.12+ could `require()` ESM directly, but Jest's CommonJS runtime cannot,
// and Node 20.0–20.18 cannot either. One bundle also starts faster than ~150 ES modules: Node 20 keeps
// no compile cache and its ES module loader pays per file. The lazy parts stay lazy: esbuild turns
// berth's own dynamic import()s into deferred initialisers, and the external require()s of a lazy
// part (prom-client for the status server) run only inside them.
// The unbundled ESM in dist/ stays for the repository's own scripts and tests; it is not published.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const dist = join(root, "dist");
/** Subpath → the tsc output of its entry point and the bundle's name for it. */
const ENTRIES = [
  { name: "main", file: "index" },
  { name: "jest", file: "testing/jest" },
  { name: "vitest", file: "testing/vitest" },
];

rmSync(join(dist, "cjs"), { recursive: true, force: true });
rmSync(join(dist, "esm"), { recursive: true, force: true });

await build({
  stdin: {
    contents: ENTRIES.map((e) => `export * as ${e.name} from "./dist/${e.file}.js";`).join("\n"),
    resolveDir: root,
    sourcefile: "berth-entries.js",
  },
  outfile: join(dist, "cjs/berth.js"),
  bundle: true,
  packages: "external",
  platform: "node",
  target: "node20",
  format: "cjs",
  logLevel: "warning",
  // berth's two uses of import.meta.url find the reaper (dist/bin/reaper-main.mjs, beside the CLI
  // bundle) and resolve dockerode's deferred transports: both as from the CLI bundle's place.
  define: { "import.meta.url": "__berthModuleUrl" },
  // Node 20 and 22 give only the main realm Symbol.dispose/asyncDispose (their registry symbols
  // below); a Jest test file runs in a vm context without them, where tsc's `await using` helpers
  // throw "Symbol.asyncDispose is not defined". The same symbols there, as Node defines them; a
  // no-op on Node 24, whose V8 has them in every realm.
  // berth's code is ES modules, which are strict; esbuild's CommonJS output would run it sloppy
  // (a failed assignment silent instead of a TypeError). Safe for the whole file: dependencies are
  // external here, so only berth's own code is in it.
  banner: {
    js: [
      '"use strict";',
      'Symbol.dispose ??= Symbol.for("nodejs.dispose");',
      'Symbol.asyncDispose ??= Symbol.for("nodejs.asyncDispose");',
      'var __berthModuleUrl = require("node:url").pathToFileURL(require("node:path").join(__dirname, "../bin/berth.cjs")).href;',
    ].join("\n"),
  },
});
writeFileSync(join(dist, "cjs/package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);

const require = createRequire(import.meta.url);
const bundle = require(join(dist, "cjs/berth.js"));
const write = (file, text) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};
for (const e of ENTRIES) {
  const toBundle = (from) => {
    const rel = relative(dirname(join(dist, from, e.file)), join(dist, "cjs/berth.js"));
    return rel.startsWith(".") ? rel : `./${rel}`;
  };
  write(join(dist, "cjs", `${e.file}.js`), `"use strict";\nmodule.exports = require(${JSON.stringify(toBundle("cjs"))}).${e.name};\n`);
  // Explicit names (not `export *` from CommonJS): every bundler and Node version sees the same list.
  const names = Object.keys(bundle[e.name]).sort();
  write(
    join(dist, "esm", `${e.file}.js`),
    `import berth from ${JSON.stringify(toBundle("esm"))};\nexport const { ${names.join(", ")} } = berth.${e.name};\n`,
  );
}

/** The declaration files reachable from the entry points (relative imports only; packages stay packages). */
function declarationClosure() {
  const seen = new Set();
  const visit = (rel) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    const text = readFileSync(join(dist, rel), "utf8");
    for (const m of text.matchAll(/(?:from |import\()\s*"(\.{1,2}\/[^"]+)\.js"/g)) {
      visit(join(dirname(rel), `${m[1]}.d.ts`));
    }
  };
  for (const e of ENTRIES) visit(`${e.file}.d.ts`);
  return [...seen].sort();
}
for (const rel of declarationClosure()) {
  for (const scope of ["cjs", "esm"]) {
    mkdirSync(dirname(join(dist, scope, rel)), { recursive: true });
    copyFileSync(join(dist, rel), join(dist, scope, rel));
  }
}
