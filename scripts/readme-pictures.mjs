#!/usr/bin/env node
/**
 * Makes the README's pictures from a real run of berth on the example shop:
 *
 *   up-progress.svg       `berth up` on a real pseudo-terminal (Python's pty module), its live
 *                         progress view rendered frame by frame (scripts/ansi-svg.mjs)
 *   dashboard.png         `berth serve`'s dashboard of that environment, shot by headless Chromium
 *   dependency-graph.mmd  `berth graph -f examples/shop/compose.yml --format mermaid`
 *
 * Usage: node scripts/readme-pictures.mjs [--out DIR] [--readme] [--project NAME]
 *   --out DIR       where the pictures go (default docs/images)
 *   --readme        also write the Mermaid block into README.md (between its readme-graph markers)
 *   --project NAME  the environment's name (default shop-<random>); it is removed at the end
 *
 * Needs the built package (`npm run build`), a Docker engine with the example's images
 * (scripts/ensure-engine.sh, scripts/build-images.sh) and Chromium (scripts/ensure-chromium.sh,
 * run from here). Prints one JSON line: the project and the files written.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { frameText, screens, toSvg } from "./ansi-svg.mjs";

const root = new URL("..", import.meta.url).pathname;
const berthBin = join(root, "dist/bin/berth.js");
const shopFile = "examples/shop/compose.yml";
const CHROMIUM = process.env.BERTH_CHROMIUM ?? "/usr/bin/chromium";

function option(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const out = resolve(option("--out") ?? join(root, "docs/images"));
const project = option("--project") ?? `shop-${randomBytes(2).toString("hex")}`;
const writeReadme = process.argv.includes("--readme");

/** Runs the built berth; throws with its output when it fails. */
function berth(args, env = {}) {
  const r = spawnSync(process.execPath, [berthBin, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`berth ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** argv on a 30×100 pseudo-terminal; resolves to everything it wrote there. */
const PTY = `
import os, pty, sys, select, struct, fcntl, termios
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
out = b""
while True:
    try:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            data = os.read(fd, 65536)
            if not data: break
            out += data
    except OSError:
        break
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
`;
function onPty(argv, env) {
  return new Promise((resolvePty, reject) => {
    const child = spawn("python3", ["-c", PTY, ...argv], { cwd: root, env: { ...process.env, TERM: "xterm-256color", ...env } });
    const chunks = [];
    child.stdout.on("data", (d) => chunks.push(d));
    child.on("error", reject);
    child.on("close", (code) => {
      const screen = Buffer.concat(chunks).toString("utf8");
      if (code === 0) resolvePty(screen);
      else reject(new Error(`berth up on a terminal exited with ${code}:\n${screen}`));
    });
  });
}

/**
 * One frame per visible change: frames that differ only in timers and spinners are dropped (the
 * view redraws ~12 times a second), the final screen is kept.
 */
function keyFrames(frames) {
  const key = (f) =>
    frameText(f)
      .replace(/[\d.]+s\b/g, "")
      .replace(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏…]/g, "");
  const kept = frames.filter((f, i) => i === 0 || key(f) !== key(frames[i - 1]));
  if (kept[kept.length - 1] !== frames[frames.length - 1]) kept.push(frames[frames.length - 1]);
  return kept;
}

/** `berth serve` on a free port; resolves once it listens. */
function serve() {
  return new Promise((resolveServe, reject) => {
    const child = spawn(process.execPath, [berthBin, "serve", "--port", "0", "--json"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (d) => {
      text += d.toString();
      const line = text.split("\n").find((l) => l.includes('"listening"'));
      if (line) resolveServe({ url: JSON.parse(line).url.replace(/\/$/, ""), child });
    });
    child.once("exit", (code) => reject(new Error(`berth serve exited with ${code} before listening`)));
  });
}

async function dashboard(file) {
  execFileSync("bash", [join(root, "scripts/ensure-chromium.sh")], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, CI: "true" } });
  const { chromium } = await import("playwright-core");
  const server = await serve();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 640 } });
    await page.goto(`${server.url}/?filter=${encodeURIComponent(project)}`);
    const card = page.locator(`section.env[data-project="${project}"]`);
    await card.locator('li.service[data-state="HEALTHY"]').nth(3).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: file });
  } finally {
    await browser.close();
    server.child.kill("SIGTERM");
  }
}

/** The README's Mermaid block, replaced between its markers. */
function withGraph(readme, mermaid) {
  const start = readme.indexOf("<!-- readme-graph:");
  const end = readme.indexOf("<!-- readme-graph:end -->");
  if (start < 0 || end < start) throw new Error("README.md has no readme-graph markers");
  const open = readme.indexOf("\n", start) + 1;
  return `${readme.slice(0, open)}\`\`\`mermaid\n${mermaid.trimEnd()}\n\`\`\`\n${readme.slice(end)}`;
}

if (!existsSync(berthBin)) throw new Error("dist/bin/berth.js is missing: run `npm run build` first");
mkdirSync(out, { recursive: true });
execFileSync("bash", [join(root, "scripts/build-images.sh"), "postgres", "redis", "shop-backend", "shop-frontend"], { stdio: ["ignore", "ignore", "inherit"] });
const written = [];
try {
  const screen = await onPty([process.execPath, berthBin, "up", "-f", shopFile, "-p", project], { FORCE_COLOR: "1" });
  const svg = toSvg(keyFrames(screens(screen, { columns: 100 })), { title: `berth up -f ${shopFile} -p ${project}` });
  writeFileSync(join(out, "up-progress.svg"), svg);
  written.push("up-progress.svg");

  await dashboard(join(out, "dashboard.png"));
  written.push("dashboard.png");

  const mermaid = berth(["graph", "-f", shopFile, "--format", "mermaid"]);
  writeFileSync(join(out, "dependency-graph.mmd"), mermaid);
  written.push("dependency-graph.mmd");
  if (writeReadme) {
    const path = join(root, "README.md");
    writeFileSync(path, withGraph(readFileSync(path, "utf8"), mermaid));
  }
} finally {
  berth(["down", project]);
}
console.log(JSON.stringify({ project, out, written }));
