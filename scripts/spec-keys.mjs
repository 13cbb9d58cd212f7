#!/usr/bin/env node
/**
 * Lists every key the Compose Specification's JSON schema defines, as field paths, so that a
 * unit test (test/unit/compose/spec-keys.test.ts) can check that berth's schema accepts each
 * one. Run it on the upstream schema file (compose-spec's schema/compose-spec.json, also in
 * compose-go's schema/ folder) when the spec changes:
 *
 *   node scripts/spec-keys.mjs path/to/compose-spec.json "<source and version>" > test/unit/compose/conformance/compose-spec-keys.json
 *
 * Map names (service names, network names, …) become "name"; list items become index 0.
 */
import { readFileSync } from "node:fs";

const [file, source = "compose-spec.json"] = process.argv.slice(2);
if (!file) {
  console.error("usage: spec-keys.mjs <compose-spec.json> [source note]");
  process.exit(2);
}
const schema = JSON.parse(readFileSync(file, "utf8"));
const defs = schema.$defs ?? schema.definitions ?? {};
const paths = new Map();

function resolve(node) {
  let n = node;
  const seen = new Set();
  while (n && n.$ref && !seen.has(n.$ref)) {
    seen.add(n.$ref);
    n = defs[n.$ref.split("/").pop()];
  }
  return n ?? {};
}

function walk(node, path, depth) {
  if (depth > 12) return;
  const n = resolve(node);
  for (const alt of [...(n.oneOf ?? []), ...(n.anyOf ?? []), ...(n.allOf ?? [])]) walk(alt, path, depth + 1);
  for (const [k, v] of Object.entries(n.properties ?? {})) {
    const p = [...path, k];
    paths.set(JSON.stringify(p), p);
    walk(v, p, depth + 1);
  }
  for (const [pattern, v] of Object.entries(n.patternProperties ?? {})) {
    if (pattern.startsWith("^x-")) continue;
    walk(v, [...path, "name"], depth + 1);
  }
  if (n.items && typeof n.items === "object") walk(n.items, [...path, 0], depth + 1);
}

walk(schema, [], 0);
const keys = [...paths.values()].filter((p) => p.length > 0);
process.stdout.write(JSON.stringify({ source, licence: "Apache-2.0 (the Compose Specification)", count: keys.length, keys: keys.map((p) => p.join(" ")) }, null, 1) + "\n");
