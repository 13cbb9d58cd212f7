/**
 * The `berth` launcher's V8 code cache (src/cli/launcher.ts), on the built command: each command
 * has its own, written after its first run and used afterwards, and a corrupt, unwritable or
 * disabled cache never changes what berth does. No engine: `config` and `--help`.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const chain = `${root}test/fixtures/stacks/chain.yml`;
const dir = mkdtempSync(join(tmpdir(), "berth-code-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function berth(args: string[], env: Record<string, string | undefined> = {}, bin = `${root}dist/bin`) {
  const r = spawnSync(process.execPath, [`${bin}/berth.js`, ...args], {
    encoding: "utf8",
    env: { ...process.env, BERTH_CODE_CACHE: "debug", BERTH_CODE_CACHE_DIR: dir, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const cacheFiles = (d = dir) => readdirSync(d).filter((f) => f.endsWith(".v8cache"));
const services = ["config", "-f", chain, "--services"];

describe("the berth launcher's code cache", () => {
  it("is written after a command's first run, then used; another command gets its own", () => {
    const first = berth(services);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe("a\nb\nc\nd\n");
    expect(first.stderr).toContain("berth code cache: none");
    expect(first.stderr).toMatch(/wrote \d+ bytes for config/);
    expect(cacheFiles()).toHaveLength(1);

    const second = berth(services);
    expect(second.stdout).toBe("a\nb\nc\nd\n");
    expect(second.stderr).toContain("berth code cache: used");
    expect(second.stderr).not.toContain("wrote");
    // The value of -p is not a command: naming a new environment each run does not rewrite the cache.
    const named = berth(["-p", "berth-test-20261124-abc123", ...services]);
    expect(named.stdout).toBe("a\nb\nc\nd\n");
    expect(named.stderr).not.toContain("wrote");

    const help = berth(["--help"]);
    expect(help.stdout).toContain("Usage: berth");
    expect(help.stderr).toContain("berth code cache: none");
    expect(help.stderr).toMatch(/wrote \d+ bytes for \(no command\)/); // "" is no command: --help
    expect(cacheFiles()).toHaveLength(2);
    expect(berth(["--help"]).stderr).toContain("berth code cache: used");
    expect(berth(services).stderr).toContain("berth code cache: used");
    // Named after its command: a `down` reads only what a `down` compiled, not an earlier `up`'s functions.
    expect(cacheFiles().some((f) => f.endsWith("-config.v8cache"))).toBe(true);
  });

  it("writes at most 24 caches per build (every mistyped command word is a command word too)", () => {
    const many = mkdtempSync(join(tmpdir(), "berth-code-cache-many-"));
    try {
      for (let i = 0; i < 26; i++) berth([`no-such-command-${i}`], { BERTH_CODE_CACHE_DIR: many });
      expect(cacheFiles(many)).toHaveLength(24);
    } finally {
      rmSync(many, { recursive: true, force: true });
    }
  });

  it("a corrupt cache is rejected by V8, changes nothing berth prints, and is replaced", () => {
    const file = cacheFiles().find((f) => f.endsWith("-config.v8cache"));
    writeFileSync(join(dir, file!), Buffer.alloc(64_000, 7));
    const r = berth(services);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("a\nb\nc\nd\n");
    expect(r.stderr).toContain("berth code cache: rejected");
    expect(r.stderr).toMatch(/wrote \d+ bytes for config/);
    expect(berth(services).stderr).toContain("berth code cache: used");
  });

  it("turned off, or with nowhere to write, berth runs as before", () => {
    const off = mkdtempSync(join(tmpdir(), "berth-code-cache-off-"));
    try {
      const r = berth(services, { BERTH_CODE_CACHE: "0", BERTH_CODE_CACHE_DIR: off });
      expect(r.stdout).toBe("a\nb\nc\nd\n");
      expect(readdirSync(off)).toEqual([]);
      writeFileSync(join(off, "a-file"), "");
      const nowhere = berth(services, { BERTH_CODE_CACHE_DIR: join(off, "a-file", "cache") });
      expect(nowhere.code, nowhere.stderr).toBe(0);
      expect(nowhere.stdout).toBe("a\nb\nc\nd\n");
      expect(nowhere.stderr).not.toContain("wrote");
    } finally {
      rmSync(off, { recursive: true, force: true });
    }
  });

  it("answers --version without loading the CLI, and a closed pipe ends the output quietly", () => {
    const v = berth(["--version"]);
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(v.stderr).toBe("");
    const piped = spawnSync("/bin/sh", ["-c", `"${process.execPath}" "${root}dist/bin/berth.js" --help | head -1`], {
      encoding: "utf8",
      env: { ...process.env, BERTH_CODE_CACHE_DIR: dir },
    });
    expect(piped.stdout).toBe("Usage: berth [options] [command]\n");
    expect(piped.stderr).not.toContain("EPIPE");
  });

  it("lives in the user's cache folder, never beside the bundle, one per install", () => {
    const home = mkdtempSync(join(tmpdir(), "berth-code-cache-home-"));
    try {
      const beside = cacheFiles(`${root}dist/bin`);
      const xdg = join(home, "xdg");
      const viaXdg = berth(services, { BERTH_CODE_CACHE_DIR: undefined, XDG_CACHE_HOME: xdg, HOME: home });
      expect(viaXdg.stdout).toBe("a\nb\nc\nd\n");
      expect(cacheFiles(join(xdg, "berth"))).toHaveLength(1);
      const viaHome = berth(services, { BERTH_CODE_CACHE_DIR: undefined, XDG_CACHE_HOME: undefined, HOME: home });
      expect(viaHome.stdout).toBe("a\nb\nc\nd\n");
      expect(cacheFiles(join(home, ".cache", "berth"))).toHaveLength(1);
      expect(cacheFiles(`${root}dist/bin`)).toEqual(beside);

      // A second install of the same build (another project's node_modules) keeps its own cache beside the first's.
      const other = join(home, "other-install");
      mkdirSync(other);
      for (const f of ["berth.js", "berth.cjs"]) copyFileSync(`${root}dist/bin/${f}`, join(other, f));
      const second = berth(services, { BERTH_CODE_CACHE_DIR: undefined, XDG_CACHE_HOME: xdg }, other);
      expect(second.stdout).toBe("a\nb\nc\nd\n");
      expect(second.stderr).toMatch(/wrote \d+ bytes for config/);
      expect(cacheFiles(join(xdg, "berth"))).toHaveLength(2);
      expect(berth(services, { BERTH_CODE_CACHE_DIR: undefined, XDG_CACHE_HOME: xdg }).stderr).toContain("berth code cache: used");
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("runs a bundle that is ASCII only, already wrapped as a module function, and without zod's translations", () => {
    // Peak memory: a non-ASCII character makes V8 hold the whole 2 MB source at two bytes per
    // character, and wrapping it at run time copies it once more (scripts/bundle-cli.mjs).
    const bytes = readFileSync(`${root}dist/bin/berth.cjs`);
    const bundle = bytes.toString("latin1");
    expect(bundle.startsWith("(function (exports, require, module, __filename, __dirname) { ")).toBe(true);
    expect(bytes.findIndex((b) => b > 0x7f)).toBe(-1);
    expect(bundle).not.toContain("Entrada inv"); // zod's Catalan messages
    // docker-modem's per-request util.inspect runs only with its debug log on (scripts/bundle-cli.mjs).
    expect(bundle).toContain('debug.enabled && debug("Sending: %s", util.inspect(options');
    expect(berth(services).stdout).toBe("a\nb\nc\nd\n");
  });
});
