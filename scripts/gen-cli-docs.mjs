#!/usr/bin/env node
// Writes docs/commands/*.md from the built CLI (run `npm run build` first; `npm run docs` does both).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildProgram } from "../dist/cli/program.js";
import { makeContext } from "../dist/cli/context.js";
import { commandPages } from "../dist/cli/command-docs.js";

const dir = fileURLToPath(new URL("../docs/commands/", import.meta.url));
const pages = commandPages(buildProgram(makeContext(new AbortController().signal)));
mkdirSync(dir, { recursive: true });
for (const f of readdirSync(dir)) if (f.endsWith(".md") && !pages.has(f)) rmSync(dir + f);
for (const [file, content] of pages) writeFileSync(dir + file, content);
console.log(`wrote ${pages.size} pages to docs/commands/`);
