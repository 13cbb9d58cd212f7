/**
 * The concrete defects of issue 18, each with the smallest file that showed it: merges that
 * changed extra_hosts, build args without a value, profiles that pulled in disabled services,
 * spec keys that were rejected, invalid combinations that were accepted, and messages.
 */
import { describe, expect, it } from "vitest";
import { loadProject } from "../../../src/compose/index.js";
import { modelOrProblems, projectDir } from "./conformance-helpers.js";

const load = (files: Record<string, string>, opts: { files?: string[]; env?: Record<string, string>; profiles?: string[] } = {}) =>
  modelOrProblems(loadProject({ cwd: projectDir(files), env: opts.env ?? {}, files: opts.files, profiles: opts.profiles }));
const svc = (m: unknown, name = "app") => (m as { services: Record<string, Record<string, unknown>> }).services[name]!;
const problems = (m: unknown) => (m as { problems?: string[] }).problems ?? [];

describe("extra_hosts after a merge", () => {
  const base = "services:\n  app:\n    image: a\n    extra_hosts:\n      - host.docker.internal:host-gateway\n      - db:10.0.0.1\n      - db:10.0.0.2\n";
  it("keeps host-gateway and repeated hostnames through an override file", async () => {
    const m = await load(
      { "compose.yaml": base, "over.yaml": "services:\n  app:\n    extra_hosts: [cache=10.0.0.3]\n" },
      { files: ["compose.yaml", "over.yaml"] },
    );
    expect(svc(m).extra_hosts).toEqual(["host.docker.internal:host-gateway", "db:10.0.0.1", "db:10.0.0.2", "cache:10.0.0.3"]);
  });
  it("keeps them through extends", async () => {
    const m = await load({ "compose.yaml": `${base}  web:\n    extends: app\n    extra_hosts: ["db:10.0.0.1"]\n` });
    expect(svc(m, "web").extra_hosts).toEqual(["host.docker.internal:host-gateway", "db:10.0.0.1", "db:10.0.0.2"]);
  });
});

describe("build args without a value", () => {
  const file =
    "services:\n  app:\n    build:\n      context: .\n      args:\n        - SOME_IMAGE\n        - FIXED=1\n        - ABSENT\n  b:\n    build:\n      context: .\n      args:\n        FROM_ENV:\n        ABSENT:\n";
  it("come from the environment and .env, and stay unset when absent", async () => {
    const m = await load({ "compose.yaml": file, ".env": "SOME_IMAGE=from-dotenv\n" }, { env: { FROM_ENV: "from-env" } });
    expect((svc(m).build as { args: unknown }).args).toEqual({ SOME_IMAGE: "from-dotenv", FIXED: "1" });
    expect((svc(m, "b").build as { args: unknown }).args).toEqual({ FROM_ENV: "from-env" });
  });
});

describe("interpolation keeps a $ that starts no variable", () => {
  it("in labels and commands", async () => {
    const m = await load({
      "compose.yaml":
        'services:\n  app:\n    image: a\n    labels:\n      rule: "PathRegexp(`^.+$`)"\n      price: "a $ string $1"\n      json: ${JSON:-{"a":1}}\n',
    });
    expect(svc(m).labels).toEqual({ rule: "PathRegexp(`^.+$`)", price: "a $ string $1", json: '{"a":1}' });
  });
});

describe(".env files", () => {
  it("read escaped single quotes, YAML-style lines and digit keys like compose-go", async () => {
    const m = await load({
      "compose.yaml": "services:\n  app:\n    image: a\n    environment:\n      A: ${A}\n      B: ${B}\n",
      ".env": "A='Let\\'s go!'\nB: yaml style\n1ST=dropped\n",
    });
    expect(svc(m).environment).toEqual({ A: "Let's go!", B: "yaml style" });
  });
});

describe("profiles", () => {
  const file =
    "services:\n  web:\n    image: w\n    profiles: [dev]\n    depends_on: [db]\n  db:\n    image: d\n    profiles: [debug]\n  opt:\n    image: o\n    profiles: [dev]\n    depends_on:\n      db: {condition: service_started, required: false}\n";
  it("a required dependency on a service of an inactive profile is a problem", async () => {
    const p = problems(await load({ "compose.yaml": file }, { profiles: ["dev"] }));
    expect(p).toEqual([
      expect.stringMatching(/^services\.web\.depends_on\.db: service "web" depends on "db", which is disabled: its profiles \(debug\) are not active/),
    ]);
  });
  it("an optional one is dropped; with both profiles all is well", async () => {
    const ok = await load({ "compose.yaml": file.replace("depends_on: [db]", "depends_on: []") }, { profiles: ["dev"] });
    expect(Object.keys((ok as { services: object }).services)).toEqual(["opt", "web"]);
    expect(svc(ok, "opt").depends_on).toEqual({});
    const both = await load({ "compose.yaml": file }, { profiles: ["dev", "debug"] });
    expect(Object.keys((both as { services: object }).services)).toEqual(["db", "opt", "web"]);
  });
  // compose-go's loader applies the profiles before checkConsistency (loader/loader.go).
  it("a disabled service's references are checked only once a profile enables it", async () => {
    const broken = "services:\n  app:\n    image: a\n  dbg:\n    image: d\n    profiles: [debug]\n    networks: [nope]\n    depends_on: [ghost]\n";
    const off = await load({ "compose.yaml": broken });
    expect(Object.keys((off as { services: object }).services)).toEqual(["app"]);
    const on = problems(await load({ "compose.yaml": broken }, { profiles: ["debug"] }));
    expect(on).toEqual([
      expect.stringMatching(/^services\.dbg\.depends_on\.ghost: depends_on names unknown service "ghost"/),
      expect.stringMatching(/^services\.dbg\.networks\.nope: service "dbg" uses undeclared network "nope"/),
    ]);
  });
});

describe("spec keys that are valid", () => {
  it.each([
    ["build.provenance and build.sbom", "services:\n  app:\n    build:\n      context: .\n      provenance: mode=max\n      sbom: true\n"],
    [
      "develop.watch.initial_sync",
      "services:\n  app:\n    image: a\n    develop:\n      watch:\n        - path: ./src\n          action: sync\n          target: /src\n          initial_sync: true\n",
    ],
    [
      "a service model's model_var, and a model named with null",
      "services:\n  app:\n    image: a\n    models:\n      llm:\n        endpoint_var: URL\n        model_var: NAME\n      other:\nmodels:\n  llm:\n    model: ai/x\n  other:\n    model: ai/y\n",
    ],
    ["a secret defined only by its driver", "services:\n  app:\n    image: a\n    secrets: [s]\nsecrets:\n  s:\n    driver: vault\n"],
    ["several YAML documents", "services:\n  app:\n    image: a\n---\nservices:\n  app:\n    environment: {A: '1'}\n"],
  ])("%s", async (_name, text) => {
    expect(problems(await load({ "compose.yaml": text }))).toEqual([]);
  });
  it("merges several documents in order", async () => {
    const m = await load({ "compose.yaml": "services:\n  app:\n    image: a\n---\nservices:\n  app:\n    image: b\n" });
    expect(svc(m).image).toBe("b");
  });
});

describe("invalid combinations", () => {
  it.each([
    [
      "external volume with driver",
      "volumes:\n  v:\n    external: true\n    driver: local\n",
      'volumes.v.driver: volume "v" is external, so "driver" cannot be set',
    ],
    [
      "external network with labels",
      "networks:\n  n:\n    external: true\n    labels: [a=b]\n",
      'networks.n.labels: network "n" is external, so "labels" cannot be set',
    ],
    [
      "external volume with driver_opts",
      "volumes:\n  v:\n    external: true\n    driver_opts: {a: b}\n",
      'volumes.v.driver_opts: volume "v" is external, so "driver_opts" cannot be set',
    ],
    ["name and external.name", "volumes:\n  v:\n    name: one\n    external:\n      name: two\n", "volumes.v.external.name: name and external.name conflict"],
    [
      "negative tmpfs size",
      "services:\n  app:\n    image: a\n    volumes:\n      - type: tmpfs\n        target: /t\n        tmpfs: {size: -1}\n",
      'services.app.volumes[0].tmpfs.size: invalid size "-1": it cannot be negative',
    ],
    [
      "device count not a number",
      "services:\n  app:\n    image: a\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - capabilities: [gpu]\n              count: some\n",
      'services.app.deploy.resources.reservations.devices[0].count: invalid device count "some": expected a whole number or "all"',
    ],
    [
      "device count with device_ids",
      "services:\n  app:\n    image: a\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - capabilities: [gpu]\n              count: 1\n              device_ids: ['0']\n",
      "services.app.deploy.resources.reservations.devices[0].count: count and device_ids are exclusive",
    ],
  ])("%s", async (_name, text, message) => {
    const body = text.startsWith("services:") ? text : `services:\n  app:\n    image: a\n${text}`;
    expect(problems(await load({ "compose.yaml": body }))).toEqual([message]);
  });
});

describe("messages", () => {
  it("a missing required key is named in words", async () => {
    const p = problems(await load({ "compose.yaml": "services:\n  app:\n    image: a\n    develop:\n      watch:\n        - path: ./src\n" }));
    expect(p).toEqual(['services.app.develop.watch[0].action: missing required key "action"']);
  });
  it("a duplicate key is still reported (berth checks it itself now, in linear time)", async () => {
    const p = problems(await load({ "compose.yaml": "services:\n  app:\n    image: a\n    image: b\n" }));
    expect(p).toEqual([": YAML syntax error: Map keys must be unique"]);
  });
  it("20,000 levels of nesting give a clear error", async () => {
    const p = problems(await load({ "compose.yaml": `services:\n  app:\n    image: a\n    x-deep: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n` }));
    expect(p).toEqual([expect.stringMatching(/nests too deeply|nests deeper than/)]);
  });
});
