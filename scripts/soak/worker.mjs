// One soak worker: until its deadline, acquires and releases environments at random, as one CI
// job or developer would, through berth's CLI and its API, and sometimes kills the berth process
// mid-acquire (SIGKILL or SIGINT), scales or restarts a running environment. Every operation is
// reported to the soak (the parent) as one JSON line on stdout. Loops are bounded by the deadline
// and every child has a timeout, so a worker always ends by itself.
// argv: <worker index> <deadline ms since epoch>; env: SOAK_RUN_ID, SOAK_DIST, BERTH_LABELS, …
import { spawn } from "node:child_process";
import Docker from "dockerode";

const [index, deadlineText] = process.argv.slice(2);
const deadline = Number(deadlineText);
const runId = process.env.SOAK_RUN_ID;
const dist = process.env.SOAK_DIST;
const root = new URL("../..", import.meta.url).pathname;
const docker = new Docker();
/**
 * A berth process that runs longer than this is stuck: SIGKILLed and counted as a failure
 * (TIMEOUT_SOAK); what it left is then checked like any other kill's. On a machine loaded far
 * beyond its cores (load 70 on 2 cores) a shop acquisition took up to ~170 s.
 */
const CHILD_TIMEOUT_MS = 300_000;
/** A killed process's environment must be gone (rolled back or reaped) this long after the kill. */
const REAP_GRACE_MS = 20_000;

const STACKS = [
  { name: "chain", file: `${root}test/fixtures/stacks/chain.yml`, scale: "b", restart: "d", weight: 3 },
  { name: "shop", file: `${root}examples/shop/compose.yml`, scale: "frontend", restart: "redis", weight: 1 },
];
const report = (o) => process.stdout.write(`${JSON.stringify({ worker: Number(index), at: Date.now(), ...o })}\n`);
const rand = (n) => Math.floor(Math.random() * n);
const chance = (p) => Math.random() < p;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let seq = 0;

function pickStack() {
  const total = STACKS.reduce((s, x) => s + x.weight, 0);
  let r = rand(total);
  for (const s of STACKS) if ((r -= s.weight) < 0) return s;
  return STACKS[0];
}

/** berth's error from its --json result line (stdout or stderr), else the first line of stderr. */
function errorOf(stdout, stderr) {
  for (const line of `${stdout}\n${stderr}`.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const o = JSON.parse(line);
      if (o.type === "result" && o.ok === false && o.error) return { code: o.error.code, message: o.error.message };
    } catch { /* not JSON */ }
  }
  const first = stderr.split("\n").find((l) => l.trim()) ?? "";
  return { code: /\[([A-Z_]+)\]/.exec(first)?.[1] ?? "UNKNOWN", message: first.slice(0, 300) };
}

/** Runs a berth process; `kill` = { signal, afterMs } interrupts it mid-way. */
function runBerth(args, { kill, api } = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const cmd = api ? [`${root}scripts/soak/api-child.mjs`, ...args] : [`${dist}/bin/berth.js`, ...args];
    const child = spawn(process.execPath, cmd, { cwd: root, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let killedWith;
    child.stdout.on("data", (d) => (stdout = (stdout + d).slice(-20_000)));
    child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-20_000)));
    const killer = kill ? setTimeout(() => { killedWith = kill.signal; child.kill(kill.signal); }, kill.afterMs) : undefined;
    const stuck = setTimeout(() => { killedWith = "TIMEOUT"; child.kill("SIGKILL"); }, CHILD_TIMEOUT_MS);
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      clearTimeout(stuck);
      const ms = Date.now() - t0;
      if (killedWith === "TIMEOUT") resolve({ ok: false, ms, error: { code: "TIMEOUT_SOAK", message: `no answer in ${CHILD_TIMEOUT_MS / 1000} s: ${cmd.slice(1).join(" ")}` } });
      else if (code === 0) resolve({ ok: true, ms });
      // Killed before it finished: expected, not a failure (what it left behind is checked later).
      else if (killedWith && (signal || code === 130 || code === 143)) resolve({ ok: true, ms, killed: killedWith });
      else resolve({ ok: false, ms, killed: killedWith, code, error: errorOf(stdout, stderr) });
    });
  });
}

async function leftovers(project) {
  const filters = { label: [`dev.berth.project=${project}`, `dev.berth.soak=${runId}`] };
  const [c, n] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })]);
  return [...c.map((x) => `container ${x.Names[0]?.slice(1)} (${x.State})`), ...n.map((x) => `network ${x.Name}`)];
}

/** Projects whose berth process was killed: checked REAP_GRACE_MS later, then brought down. */
const killed = [];
async function checkKilled(force) {
  while (killed.length && (force || Date.now() - killed[0].at > REAP_GRACE_MS)) {
    const k = killed.shift();
    const left = await leftovers(k.project).catch((e) => [`(could not list: ${e.message})`]);
    report({ type: "kill-check", project: k.project, signal: k.signal, via: k.via, leftover: left });
    // Whatever the outcome, do not let it accumulate: `berth down` (counted as an operation).
    if (left.length) await op("down-after-kill", k.stack, ["down", k.project, "--json"]);
  }
}

async function op(name, stack, args, o = {}) {
  const r = await runBerth(args, o);
  report({ type: "op", op: name, stack: stack.name, at: new Date().toISOString(), ...r });
  return r;
}

/** A kill for an acquire: 20% of them, SIGKILL or SIGINT at a random moment of its first 3 s. */
function maybeKill() {
  if (!chance(0.2)) return undefined;
  return { signal: chance(0.5) ? "SIGKILL" : "SIGINT", afterMs: 200 + rand(3000) };
}

async function cycle() {
  const stack = pickStack();
  const project = `soak-${runId}-w${index}-${++seq}`;
  const hold = rand(4000);
  const kind = rand(10);
  const kill = maybeKill();
  if (kind < 5) {
    // CLI: up, maybe scale and restart, down.
    const up = await op("up", stack, ["up", "-f", stack.file, "-p", project, "--json"], { kill });
    if (up.killed) return void killed.push({ project, at: Date.now(), signal: up.killed, via: "up", stack });
    if (up.ok) {
      if (chance(0.3)) {
        const sk = chance(0.15) ? { signal: chance(0.5) ? "SIGKILL" : "SIGINT", afterMs: 100 + rand(1500) } : undefined;
        const s = await op("scale", stack, ["up", "-f", stack.file, "-p", project, "--scale", `${stack.scale}=2`, "--json"], { kill: sk });
        if (s.ok && !s.killed && chance(0.5)) await op("scale", stack, ["up", "-f", stack.file, "-p", project, "--scale", `${stack.scale}=1`, "--json"]);
      }
      if (chance(0.3)) await op("restart", stack, ["restart", "-p", project, ...(chance(0.5) ? [stack.restart] : []), "--json"]);
      await sleep(hold);
    }
    if (up.ok) await op("down", stack, ["down", project, "--json"]);
    // A failed up must have rolled back; `down` of what is left (`down` of nothing exits 1: NOT_FOUND).
    else await checkAfterFailure(project, stack, up);
  } else if (kind < 7) {
    // CLI: run a command in a dedicated environment (released by berth itself).
    const r = await op("run", stack, ["run", "-f", stack.file, "-p", project, "--json", "--", "sh", "-c", `test -n "$BERTH_PROJECT" && sleep ${(hold / 1000).toFixed(1)}`], { kill });
    if (r.killed) killed.push({ project, at: Date.now(), signal: r.killed, via: "run", stack });
    else if (!r.ok) await checkAfterFailure(project, stack, r);
  } else {
    // API: acquire() / release() from a test process.
    const r = await op("api", stack, [stack.file, project, String(hold)], { kill, api: true });
    if (r.killed) killed.push({ project, at: Date.now(), signal: r.killed, via: "api", stack });
    else if (!r.ok) await checkAfterFailure(project, stack, r);
  }
}

/** A failed run/acquire must have rolled back: anything left is reported, then brought down. */
async function checkAfterFailure(project, stack, r) {
  // The soak itself SIGKILLed a stuck one: its reaper needs its grace like any killed process's.
  if (r?.error?.code === "TIMEOUT_SOAK") return void killed.push({ project, at: Date.now(), signal: "SIGKILL (stuck)", via: "timeout", stack });
  const left = await leftovers(project).catch(() => []);
  if (left.length) {
    report({ type: "failure-leftover", project, leftover: left });
    await op("down-after-failure", stack, ["down", project, "--json"]);
  }
}

// Stagger the start so ten workers do not all begin with the same instant burst.
await sleep(rand(3000));
while (Date.now() < deadline) {
  await checkKilled(false);
  await cycle().catch((e) => report({ type: "op", op: "worker", ok: false, error: { code: "SOAK_WORKER", message: String(e?.message ?? e) } }));
}
if (killed.length) await sleep(Math.max(0, REAP_GRACE_MS - (Date.now() - killed.at(-1).at)));
await checkKilled(true);
report({ type: "done" });
