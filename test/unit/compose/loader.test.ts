import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatProblem, isBerthError, type SourceProblem } from "../../../src/errors.js";
import { loadProject, renderConfig } from "../../../src/compose/index.js";

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

function project(files: Record<string, string>): string {
  const dir = tempDir("berth-compose-");
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function problemsOf(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (e) {
    if (isBerthError(e, "COMPOSE_INVALID")) return e.problems.map(formatProblem);
    throw e;
  }
  throw new Error("expected COMPOSE_INVALID");
}

describe("renderConfig", () => {
  const files = {
    "compose.yaml":
      "services:\n  app:\n    image: app\n    env_file: app.env\n    environment:\n      TOKEN: ${TOKEN}\n      PUBLIC: visible\n      SHELL: ${FROM_SHELL}\n",
    "app.env": "DB_PASSWORD=hunter2\n",
    ".env": "TOKEN=tok-123\n",
  };
  it("redacts values from env files and .env, in YAML and JSON", async () => {
    const p = await loadProject({ cwd: project(files), env: { FROM_SHELL: "shell" } });
    expect(p.services.app!.secret_env_keys).toEqual(["DB_PASSWORD", "TOKEN"]);
    for (const format of ["yaml", "json"] as const) {
      const text = renderConfig(p, format);
      expect(text).not.toContain("hunter2");
      expect(text).not.toContain("tok-123");
      expect(text).toContain("visible");
      expect(text).toContain("shell");
    }
    expect(renderConfig(p, "json", { showSecrets: true })).toContain("hunter2");
    expect(JSON.parse(renderConfig(p, "json")).services.app.environment.DB_PASSWORD).toBe("********");
  });
  it("keeps the model itself intact", async () => {
    const p = await loadProject({ cwd: project(files), env: {} });
    renderConfig(p, "yaml");
    expect(p.services.app!.environment.DB_PASSWORD).toBe("hunter2");
  });
});

describe("secrets in output", () => {
  it("masks secret-looking values whatever their source", async () => {
    const dir = project({
      "compose.yaml":
        'services:\n  app:\n    image: app\n    build:\n      context: .\n      args:\n        NPM_TOKEN: npm-literal-token\n        NODE_ENV: production\n    command: ["connect", "postgres://app:url-pw-1@db/app"]\n    environment:\n      DB_PASSWORD: ${DB_PASSWORD}\n      DATABASE_URL: postgres://app:${DB_PASSWORD}@db/app\n      API_KEY: literal-api-key\n      apiSecret: camel-secret\n      KEYCLOAK_URL: http://kc\n      PORT: ${PORT}\n',
    });
    const p = await loadProject({ cwd: dir, env: { DB_PASSWORD: "from-shell-pw", PORT: "8080" } });
    for (const format of ["yaml", "json"] as const) {
      const text = renderConfig(p, format);
      for (const secret of ["from-shell-pw", "literal-api-key", "camel-secret", "npm-literal-token", "url-pw-1"]) expect(text).not.toContain(secret);
      for (const shown of ["http://kc", "8080", "production", "postgres://app:********@db/app"]) expect(text).toContain(shown);
    }
    expect(renderConfig(p, "yaml", { showSecrets: true })).toContain("from-shell-pw");
    // secret_env_keys is part of the service's hash: masking by name must not change it (no recreate).
    expect(p.services.app!.secret_env_keys).toBeUndefined();
  });

  it("never echoes an env-file or secret-looking value in a validation problem", async () => {
    const dir = project({
      "compose.yaml": "services:\n  app:\n    image: app\n    mem_limit: ${MEM}\n    shm_size: ${SHM_TOKEN}\n    stop_grace_period: ${GRACE}\n",
      ".env": "MEM=hunter2-env\n",
    });
    const problems = await problemsOf(loadProject({ cwd: dir, env: { SHM_TOKEN: "tok-shell-9", GRACE: "soon" } }));
    const text = problems.join("\n");
    expect(text).not.toContain("hunter2-env");
    expect(text).not.toContain("tok-shell-9");
    expect(text).toMatch(/compose\.yaml:4:\d+ services\.app\.mem_limit: invalid size "\*{8}"/);
    expect(text).toMatch(/compose\.yaml:5:\d+ services\.app\.shm_size: invalid size "\*{8}"/);
    // A value that is neither from an env file nor secret-looking is still shown.
    expect(text).toContain('invalid duration "soon"');
  });

  it("does not echo a malformed env-file line", async () => {
    const dir = project({ "compose.yaml": "services:\n  app:\n    image: app\n", ".env": "A=1\nhunter2 pass\n" });
    const problems = await problemsOf(loadProject({ cwd: dir, env: {} }));
    expect(problems.join("\n")).not.toContain("hunter2");
    expect(problems.join("\n")).toMatch(/\.env:2:1: invalid variable name: a key cannot contain a space/);
  });
});

describe("loadProject", () => {
  it("reads profiles from COMPOSE_PROFILES and enables all with *", async () => {
    const dir = project({ "compose.yaml": "services:\n  a:\n    image: a\n  b:\n    image: b\n    profiles: [x]\n  c:\n    image: c\n    profiles: [y]\n" });
    expect(Object.keys((await loadProject({ cwd: dir, env: {} })).services)).toEqual(["a"]);
    expect(Object.keys((await loadProject({ cwd: dir, env: { COMPOSE_PROFILES: "x" } })).services)).toEqual(["a", "b"]);
    expect(Object.keys((await loadProject({ cwd: dir, env: {}, profiles: ["*"] })).services)).toEqual(["a", "b", "c"]);
  });

  it("checks host ports among the enabled services only (alternatives in other profiles may share one)", async () => {
    const dir = project({
      "compose.yaml":
        "services:\n  cpu:\n    image: a\n    profiles: [cpu]\n    ports: ['11434:11434']\n  gpu:\n    image: a\n    profiles: [gpu]\n    ports: ['11434:11434']\n  app:\n    image: b\n",
    });
    expect(Object.keys((await loadProject({ cwd: dir, env: {} })).services)).toEqual(["app"]);
    expect(Object.keys((await loadProject({ cwd: dir, env: {}, profiles: ["gpu"] })).services)).toEqual(["app", "gpu"]);
    expect(await problemsOf(loadProject({ cwd: dir, env: {}, profiles: ["cpu", "gpu"] }))).toEqual([
      'compose.yaml:9:13 services.gpu.ports[0]: host port 11434/tcp is already published by service "cpu" (use another host port, or publish only the container port ("11434") to get a free one)',
    ]);
  });

  it("takes the project name from -p, then COMPOSE_PROJECT_NAME, then name:", async () => {
    const dir = project({ "compose.yaml": "name: infile\nservices:\n  a:\n    image: a\n" });
    expect((await loadProject({ cwd: dir, env: {} })).name).toBe("infile");
    expect((await loadProject({ cwd: dir, env: { COMPOSE_PROJECT_NAME: "fromenv" } })).name).toBe("fromenv");
    expect((await loadProject({ cwd: dir, env: { COMPOSE_PROJECT_NAME: "fromenv" }, projectName: "flag" })).name).toBe("flag");
    const bad = project({ "compose.yaml": "name: Bad Name\nservices:\n  a:\n    image: a\n" });
    expect(await problemsOf(loadProject({ cwd: bad, env: {} }))).toEqual([
      'compose.yaml:1:7 name: invalid project name "Bad Name" (use lowercase letters, digits, - and _, starting with a letter or digit)',
    ]);
  });

  it("warns about variables used without a value", async () => {
    const warnings: SourceProblem[] = [];
    const dir = project({ "compose.yaml": "services:\n  a:\n    image: a:${TAG}\n" });
    const p = await loadProject({ cwd: dir, env: {}, onWarning: (w) => warnings.push(w) });
    expect(p.services.a!.image).toBe("a:");
    expect(warnings.map((w) => w.message)).toEqual(["variable TAG is not set; using an empty string"]);
  });

  it("reports problems of several files together, sorted by file and line", async () => {
    const dir = project({
      "compose.yaml": "services:\n  a:\n    image: a\n    ports: ['x']\n    restart: [1]\n",
      "compose.override.yaml": "services:\n  a:\n    healthcheck:\n      interval: 3\n",
    });
    expect(await problemsOf(loadProject({ cwd: dir, env: {} }))).toEqual([
      "compose.override.yaml:4:17 services.a.healthcheck.interval: expected a duration; use a number with a unit, such as 500ms, 10s, 1m30s or 2h",
      expect.stringMatching(/^compose\.yaml:4:13 services\.a\.ports\[0\]: invalid port "x"/),
      "compose.yaml:5:14 services.a.restart: expected a string, got a list",
    ]);
  });

  it("reports unknown anchors and merge keys that are not mappings", async () => {
    const dir = project({ "compose.yaml": "x-list: &l [1]\nservices:\n  a:\n    <<: *l\n    image: *nope\n" });
    const problems = await problemsOf(loadProject({ cwd: dir, env: {} }));
    expect(problems.join("\n")).toContain("compose.yaml:4:9: a merge key `<<` needs a mapping");
    expect(problems.join("\n")).toContain('compose.yaml:5:12: unknown anchor "*nope"');
  });

  it("lets explicit keys win over merge keys, and earlier merge sources over later ones", async () => {
    const dir = project({
      "compose.yaml": "x-a: &a {image: a, restart: always}\nx-b: &b {image: b, user: b}\nservices:\n  s:\n    <<: [*a, *b]\n    restart: 'no'\n",
    });
    const s = (await loadProject({ cwd: dir, env: {} })).services.s!;
    expect([s.image, s.restart, s.user]).toEqual(["a", "no", "b"]);
  });

  it("throws COMPOSE_NOT_FOUND when no file is found", async () => {
    const dir = tempDir("berth-empty-");
    await expect(loadProject({ cwd: dir, env: {} })).rejects.toMatchObject({ code: "COMPOSE_NOT_FOUND" });
    await expect(loadProject({ cwd: dir, env: {}, envFiles: ["nope.env"] })).rejects.toMatchObject({ code: "COMPOSE_NOT_FOUND" });
  });

  it("never reads process.env", async () => {
    process.env.BERTH_TEST_LEAK = "leaked";
    try {
      const dir = project({ "compose.yaml": "services:\n  a:\n    image: a\n    environment:\n      X: ${BERTH_TEST_LEAK:-safe}\n      BERTH_TEST_LEAK:\n" });
      const env = (await loadProject({ cwd: dir, env: {} })).services.a!.environment;
      expect(env).toEqual({ X: "safe", BERTH_TEST_LEAK: null });
    } finally {
      delete process.env.BERTH_TEST_LEAK;
    }
  });

  it("rejects a service with neither image nor build", async () => {
    const dir = project({ "compose.yaml": "services:\n  a:\n    restart: always\n" });
    expect(await problemsOf(loadProject({ cwd: dir, env: {} }))).toEqual([
      'compose.yaml:3:5 services.a: service "a" has neither an image nor a build context (add image: or build:)',
    ]);
  });
});
