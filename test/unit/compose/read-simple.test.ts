/**
 * The fast reader (read-simple.ts) against the `yaml` library path (readYamlDocument): where the
 * fast reader accepts a text, the values, their key order, and every recorded position, tag and
 * reset must be the library path's; where it gives up, readYaml falls back to the library.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { Origins } from "../../../src/compose/origins.js";
import { Problems } from "../../../src/compose/problems.js";
import { readSimpleYaml } from "../../../src/compose/read-simple.js";
import { readYamlDocument } from "../../../src/compose/read.js";

/** The value with every node's origins spelled out (positions as file, line and column), in key order. */
function dump(v: unknown, origins: Origins): unknown {
  if (typeof v !== "object" || v === null) return v;
  const info = origins.get(v);
  const where = (p: number | undefined) => (p === undefined ? undefined : origins.where(p));
  const entries = info ? [...info.entries].map(([k, e]) => [k, { ...e, key: where(e.key), value: where(e.value) }]) : undefined;
  const children = Array.isArray(v) ? v.map((x) => dump(x, origins)) : Object.entries(v).map(([k, x]) => [k, dump(x, origins)]);
  return { array: Array.isArray(v), loc: where(info?.loc), entries, resets: info?.resets ? [...info.resets] : undefined, children };
}

function both(text: string): { simple: unknown; library: unknown; libraryProblems: number } {
  const so = new Origins();
  const simple = readSimpleYaml(text, "f.yaml", so);
  const lo = new Origins();
  const problems = new Problems();
  const docs = readYamlDocument(text, "f.yaml", lo, problems);
  return {
    simple: simple === undefined ? undefined : dump(simple, so),
    library: docs?.length === 1 ? dump(docs[0], lo) : undefined,
    libraryProblems: problems.size,
  };
}

function expectSame(text: string): void {
  const r = both(text);
  expect(r.simple, `the fast reader gave up on:\n${text}`).not.toBeUndefined();
  expect(r.libraryProblems).toBe(0);
  expect(r.simple).toStrictEqual(r.library);
}

const TYPICAL = `# a typical file
x-healthcheck: &hc
  interval: 5s
  retries: 5
x-common: &common
  restart: unless-stopped
  logging:
    driver: json-file
    options: { max-size: 10m, max-file: "3" }
  environment: &env
    TZ: UTC
    REGISTRY: \${REGISTRY:-docker.io}

services:
  web:
    <<: *common
    image: \${REGISTRY:-docker.io}/team/web:\${TAG:-latest}
    environment:
      <<: *env
      INDEX: "1"
      PEER: api:8080  # trailing comment
    ports:
      - "8080"
      - 127.0.0.1:20001:9090
    volumes:
      - data:/var/lib/data
      - ./config:/etc/app:ro
    command: ./serve --port 8080 --name "web 1"
    healthcheck:
      <<: *hc
      test: ["CMD", 'wget', "-q", "http://127.0.0.1:8080/health"]
    depends_on:
      api:
        condition: service_healthy
    labels:
      com.example.tier: backend
    networks: [front, back]
    stop_grace_period: 20s
    deploy:
      resources:
        limits: { cpus: "0.5", memory: 256M }
  api:
    image: api
    user: "1000"
    read_only: true
    mem_swappiness: 0
    cpus: 1.5
    tmpfs:
    - /run
    - /tmp
    configs:
      - source: cfg
        target: /etc/cfg
        mode: 0440
      -   source: other
      -
        source: third
volumes:
  data:
networks:
  front:
  back: # comment
    driver: bridge
`;

describe("the fast YAML reader", () => {
  it("reads a typical compose file exactly as the library path does", () => {
    expectSame(TYPICAL);
  });

  it.each([
    ["empty values and comments", "a:\nb:   \nc: # hi\n\nd:\n  # inner\n  e: 1\n"],
    ["a sequence at its key's indentation", "a: &y\n- 1\n- two\nb: *y\n"],
    [
      "tags on collections and scalars",
      "a: !override\n  b: 1\nc: !reset []\nd: !override [1, 2]\ne: !override 5\nf: !reset\ng: !override\nh: &z !override\n  i: 1\n",
    ],
    ["anchored scalars and aliases", "a: &s text\nb: *s\nc: &n\nd: *n\n"],
    ["merge lists, explicit keys winning", "a: &a {x: 1, y: 2}\nb: &b\n  y: 3\n  z: 4\nc:\n  x: 0\n  <<: [*a, *b]\n"],
    ["nested anchors copied per alias", "a: &a\n  b: &b\n    c: 1\n  d: *b\nx: *a\ny: *a\n"],
    ["quotes", "a: 'it''s'\nb: \"q # not a comment\"\nc: '' \nd: \"\"\n"],
    ["scalar types", "a: null\nb: Null\nc: ~\nd: TRUE\ne: false\nf: 0\ng: 017\nh: 12.50\ni: 1e3x\nj: -x\nk: .5s\nl: 0.0.1\n"],
    ["keys of other kinds", "80: a\ntrue: b\ncom.example/x-y_z: c\n"],
    ["flow collections", "a: []\nb: {}\nc: [ a , b ]\nd: {x: 1, y: \"2\"}\ne: [8080:80, 'x']\n"],
    ["a document ending without a newline", "a:\n  b: 1"],
  ])("%s", (_name, text) => {
    expectSame(text);
  });

  it.each([
    ["a block scalar", "a: |\n  text\n"],
    ["a multi-line plain scalar", "a: one\n  two\n"],
    ["an escape", 'a: "\\t"\n'],
    ["a duplicate key", "a: 1\na: 2\n"],
    ["an unknown alias", "a: *nope\n"],
    ["several documents", "a: 1\n---\nb: 2\n"],
    ["a tab", "a:\n\tb: 1\n"],
    ["a key that reads as another text", "0x10: a\n"],
    ["a number form the library reads its own way", "a: 0x10\n"],
    ["a trailing comma", "a: [1, 2, ]\n"],
    ["an unclosed flow list", "a: [1,\n  2]\n"],
    ["a top-level list", "- a\n"],
    ["an empty file", "# nothing\n"],
    ["bad indentation", "a:\n    b: 1\n  c: 2\n"],
    ["a merge of a list", "a: &a [1]\nb:\n  <<: *a\n"],
    ["a self-reference", "a: &a\n  b: *a\n"],
  ])("gives up on %s", (_name, text) => {
    expect(both(text).simple).toBeUndefined();
  });

  it("reads the corpus files it accepts as the library path does, and accepts most of them", () => {
    const root = resolve(__dirname, "../../fixtures");
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.ya?ml$/.test(name)) files.push(path);
      }
    };
    walk(root);
    let accepted = 0;
    for (const file of files) {
      const r = both(readFileSync(file, "utf8"));
      if (r.simple === undefined) continue;
      accepted++;
      expect(r.libraryProblems, file).toBe(0);
      expect(r.simple, file).toStrictEqual(r.library);
    }
    expect(accepted).toBeGreaterThan(files.length / 2);
  });
});
